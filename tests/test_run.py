"""One run shared by the CLI, the Python API and the service (issue 25, item 1): `extractor.check`
checks a site as `factcheck check` does, and the service's report for a text is the one
`check` gives for the same text saved to a file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor import check
from tests.conftest import SHARED
from tests.test_site import check as cli_check
from tests.test_site import make_site


def essentials(report: dict) -> dict:
    """What two runs of the same inputs must agree on (not the time they took)."""
    return {
        "findings": sorted((f["fingerprint"], f["rule"], f["severity"]) for f in report["findings"]),
        "skipped_rules": report["stats"]["skipped_rules"],
        "documents": sorted(d["path"] for d in report["documents"]),
        "errors": report["errors"],
    }


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user cache of the test's own (where a site run keeps its state)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    return tmp_path / "xdg-cache"


def test_the_python_api_checks_a_site_as_the_cli(tmp_path: Path, own_cache: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    site = make_site(tmp_path / "site")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    api = check(str(site))
    assert "reference/name-typo" in {f.rule for f in api.findings}  # the site's own registry
    assert "site/unread-file" in {f.rule for f in api.findings} and not api.errors
    cli = json.loads(cli_check(str(site), "-f", "json", cwd=work).stdout)
    assert essentials(json.loads(api.model_dump_json())) == essentials(cli)
    assert api.failed  # the name typo is an error


@pytest.mark.skipif(not (SHARED / "site").is_dir(), reason="../shared/site is absent")
def test_the_python_api_checks_the_shared_site_as_the_cli(tmp_path: Path, own_cache: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    site = (SHARED / "site").resolve()
    monkeypatch.chdir(tmp_path)
    api = check(str(site))
    cli = cli_check(str(site), "-f", "json", "--fail-on", "never", cwd=tmp_path)
    assert cli.returncode == 0, cli.stderr
    assert essentials(json.loads(api.model_dump_json())) == essentials(json.loads(cli.stdout))
    assert len(api.findings) > 100


TEXT = """# Bilan

Voir la section X.

<!-- factcheck: ignore text/placeholder -- la section est numérotée à la mise en page -->
Voir la section X.

En 2023, 12 startups et 30 incubateurs, soit 40 au total.
"""


def test_the_service_reports_a_text_as_check_reports_its_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The same report (findings, their fingerprints, the rules skipped, the findings silenced),
    `skipped_rules` included: the service calls the run's own check."""
    from extractor.run import config
    from extractor.service import work

    monkeypatch.chdir(tmp_path)
    config.severities_for.cache_clear()
    (tmp_path / "texte.md").write_text(TEXT, encoding="utf-8")
    no_registry, no_corpus = tmp_path / "none.sqlite", tmp_path / "no-corpus"
    saved = json.loads(check("texte.md", reference=no_registry, corpus=no_corpus).model_dump_json())
    work.init(no_registry, None, 5)
    served = json.loads(work.check(TEXT.encode(), "texte.md", None, None))
    assert saved["stats"]["skipped_rules"] and "reference/name-typo" in saved["stats"]["skipped_rules"]
    assert saved["stats"]["ignored"] == 1 and saved["findings"]
    for report in (saved, served):
        report["stats"].pop("seconds")
    assert served == saved
