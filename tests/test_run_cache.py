"""Work in proportion to the change (issue 25, item 7): a site run keeps each document's results
by group of rules, under what each group reads; a change re-runs what it touches, and the report
after it is the one a cold run gives (never an answer for inputs that changed)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from extractor.run import Options, run
from tests.test_site import make_site

FIGURES = "---\ntitle: Chiffres {n}\n---\n\nVoir la section X.\n\nEn 2024, le programme compte {value} incubateurs.\n"
OTHER = "---\ntitle: Autre {n}\n---\n\nUne page sans chiffre, qui renvoie vers [l'équipe](/equipe/#contact).\n"
TEAM = "---\ntitle: Équipe\npermalink: /equipe/\n---\n\n## Contact\n\nÉcrire à l'équipe.\n"


def site_with_pages(root: Path) -> Path:
    make_site(root)
    (root / "content" / "docs" / "scan.pdf").unlink()  # no unread file: the report keeps the run's order
    pages = root / "_pages"
    for n in range(3):
        (pages / f"chiffres-{n}.md").write_text(FIGURES.format(n=n, value=17), encoding="utf-8")
    for n in range(4):
        (pages / f"autre-{n}.md").write_text(OTHER.format(n=n), encoding="utf-8")
    (root / "equipe.md").write_text(TEAM, encoding="utf-8")  # a page of the site's root: served, not checked
    return root


def checked(site: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict[str, int]]:
    """The report of a whole-site run with the user cache `cache`, and how many documents were
    answered whole, in part, or checked (from what the run says)."""
    from extractor.run import config

    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    config.severities_for.cache_clear()  # read once per process: here, once per run
    said: list[str] = []
    done = run(Options(paths=[str(site)]), say=said.append)
    counts = {"whole": 0, "part": 0}
    for line in said:
        if m := re.match(r"(\d+) document\(s\) inchangé\(s\)", line):
            counts["whole"] = int(m.group(1))
        if m := re.match(r"(\d+) document\(s\) revérifié\(s\) en partie", line):
            counts["part"] = int(m.group(1))
    counts["checked"] = done.report.stats.documents - counts["whole"] - counts["part"]
    report = json.loads(done.report.model_dump_json())
    essentials = {
        "findings": sorted((f["fingerprint"], f["rule"], f["severity"], f["message_fr"]) for f in report["findings"]),
        "skipped": report["stats"]["skipped_rules"],
        "ignored": report["stats"]["ignored"],
        "documents": sorted(d["path"] for d in report["documents"]),
        "order": [f["fingerprint"] for f in report["findings"]],  # in reading order, whatever was kept
    }
    return essentials, counts


def test_a_change_re_runs_what_it_touches_and_gives_a_cold_runs_report(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    site = site_with_pages(tmp_path / "site")
    monkeypatch.chdir(tmp_path)
    kept = tmp_path / "kept"
    cold = 0

    def same_as_cold() -> dict[str, int]:
        nonlocal cold
        cold += 1
        fresh, _ = checked(site, tmp_path / f"cold-{cold}", monkeypatch)
        again, counts = checked(site, kept, monkeypatch)
        assert again == fresh
        return counts

    first, counts = checked(site, kept, monkeypatch)
    documents = len(first["documents"])
    assert counts == {"whole": 0, "part": 0, "checked": documents}
    assert same_as_cold() == {"whole": documents, "part": 0, "checked": 0}  # nothing changed

    # One figure changed: its page is checked again, the pages stating the same metric have their
    # corpus rules re-run, the others are answered whole.
    page = site / "_pages" / "chiffres-0.md"
    page.write_text(FIGURES.format(n=0, value=19), encoding="utf-8")
    counts = same_as_cold()
    assert counts == {"whole": documents - 3, "part": 2, "checked": 1}
    report, _ = checked(site, kept, monkeypatch)
    assert sum(f[1] == "corpus/conflicting-value" for f in report["findings"]) == 1

    # A page's heading renamed: the pages linking to its anchor see it, the others do not.
    team = site / "equipe.md"
    team.write_text(TEAM.replace("## Contact", "## Écrire"), encoding="utf-8")
    counts = same_as_cold()
    assert counts == {"whole": documents - 4, "part": 4, "checked": 0}
    assert any(f[1] == "site/dead-link" for f in checked(site, kept, monkeypatch)[0]["findings"])

    # A space at the end of a registry page: its content is the same, only the page is read again.
    startup = site / "content" / "_startups" / "chauffage-urbain.md"
    startup.write_text(startup.read_text(encoding="utf-8") + " \n", encoding="utf-8")
    assert same_as_cold() == {"whole": documents - 1, "part": 0, "checked": 1}

    # The registry renames the service: the page that names it is checked against it again.
    startup.write_text(startup.read_text(encoding="utf-8").replace("France Chaleur", "Franche Chaleur"), "utf-8")
    same_as_cold()

    # A factcheck.toml turns a rule off for the pages' folder.
    (site / "_pages" / "factcheck.toml").write_text('[severity]\n"corpus/conflicting-value" = "off"\n', "utf-8")
    same_as_cold()
    assert not any(f[1] == "corpus/conflicting-value" for f in checked(site, kept, monkeypatch)[0]["findings"])


def test_another_engine_version_is_another_run(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from extractor import cachekey

    site = site_with_pages(tmp_path / "site")
    monkeypatch.chdir(tmp_path)
    first, _ = checked(site, tmp_path / "kept", monkeypatch)
    version = cachekey.engines()
    monkeypatch.setattr(cachekey, "engines", lambda: version + " hunspell-fr 9.9")
    again, counts = checked(site, tmp_path / "kept", monkeypatch)
    assert again == first and counts["whole"] == counts["part"] == 0


def test_the_sites_vocabulary_keys_the_results_only_when_text_grammar_runs(monkeypatch) -> None:
    """Grammalecte's unknown words are left alone when the site writes them on 3 pages or more: a
    page that adds a word to that vocabulary changes another page's findings, so the vocabulary is
    part of the kept results' key when text/grammar runs, and only then (nothing read otherwise)."""
    from extractor import checks
    from extractor.run import cache

    words = {"value": frozenset({"bâtimentaire"})}
    read: list[int] = []

    def site_words(self: checks.Context, minimum: int) -> frozenset[str]:
        read.append(minimum)
        return words["value"]

    monkeypatch.setattr(checks.Context, "site_words", site_words)
    ctx = checks.Context()
    assert cache._vocabulary(ctx, None) == "" and cache._vocabulary(ctx, ["text/spelling"]) == ""
    assert read == []
    before = cache._vocabulary(ctx, ["text/grammar", "text/spelling"])
    words["value"] = frozenset({"bâtimentaire", "intrapreneurs"})
    after = cache._vocabulary(ctx, ["text/grammar"])
    assert before and after and before != after
    ctx.enabled = frozenset({"text/grammar"})  # turned on by a factcheck.toml severity
    assert cache._vocabulary(ctx, None) == after
