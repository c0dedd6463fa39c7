"""The results of a site run kept between runs (issue 14, item 8): a second run with nothing
changed reads the findings back, and any change a finding depends on (a document, the registry,
a file the links point at, the rules selected) is checked again, never answered from the cache."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_site import check, make_site


def findings(done: object) -> list[tuple[str, str]]:
    report = json.loads(done.stdout)  # type: ignore[attr-defined]
    return sorted((f["rule"], f["fingerprint"]) for f in report["findings"])


def test_an_unchanged_site_is_answered_from_the_kept_results(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    work = tmp_path / "work"
    work.mkdir()
    first = check(str(site), "-f", "json", cwd=work)
    assert "inchangé(s) : résultats" not in first.stderr
    again = check(str(site), "-f", "json", cwd=work)
    assert "document(s) inchangé(s) : résultats de la vérification précédente repris" in again.stderr
    assert findings(again) == findings(first) and first.returncode == again.returncode == 1
    assert json.loads(again.stdout)["stats"]["documents"] == json.loads(first.stdout)["stats"]["documents"]


def test_a_changed_document_registry_or_selection_is_checked_again(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    work = tmp_path / "work"
    work.mkdir()
    first = findings(check(str(site), "-f", "json", cwd=work))
    assert "reference/name-typo" in {r for r, _ in first}
    # The page is fixed: its typo is gone (the page's bytes changed).
    page = site / "_pages" / "bilan.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Franche", "France"), encoding="utf-8")
    fixed = findings(check(str(site), "-f", "json", cwd=work))
    assert "reference/name-typo" not in {r for r, _ in fixed}
    # The registry renames the service: the unchanged page is checked again against it.
    startup = site / "content" / "_startups" / "chauffage-urbain.md"
    startup.write_text(startup.read_text(encoding="utf-8").replace("France Chaleur", "Franche Chaleur"), "utf-8")
    renamed = check(str(site), "-f", "json", cwd=work)
    assert "reference/name-typo" in {r for r, _ in findings(renamed)}
    # Another selection of rules is another run.
    only = check(str(site), "-f", "json", "-r", "site/", cwd=work)
    assert {r for r, _ in findings(only)} <= {"site/unread-file", "site/dead-link", "site/download-size"}
    assert "inchangé(s) : résultats" not in only.stderr


def test_a_site_checked_in_two_processes_gives_the_same_report(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A site run shares its files among one process per core (from PARALLEL_FROM files: here 2);
    each worker opens the same context (registry, corpus index, site map) and the report is the
    same, in the same order, as in one process."""
    import os

    from extractor.run import pipeline
    from extractor.run import site as sites

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    root = make_site(tmp_path / "site")
    folders = [Path(p) for p in sites.checked_folders(root)]
    store, _ = sites.site_registry(root, tmp_path / "cache")
    ctx = pipeline.open_context(store, folders, tmp_path / "index.sqlite", site=root)
    alone = pipeline.check_paths([str(f) for f in folders], ctx=ctx)
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 2)
    spec = pipeline.ContextSpec(store, tuple(folders), tmp_path / "index.sqlite", root)
    shared = pipeline.check_paths([str(f) for f in folders], ctx=ctx, workers=spec)
    assert [f.fingerprint for f in shared.findings] == [f.fingerprint for f in alone.findings]
    assert "reference/name-typo" in {f.rule for f in shared.findings}
    assert [d.path for d in shared.documents] == [d.path for d in alone.documents]
    assert [e.path for e in shared.errors] == [e.path for e in alone.errors]
