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


# -- an unchanged site: the last report, the site's files compared by content (extractor.run.snapshot)


def _no_context(*args: object, **kwargs: object) -> None:
    raise AssertionError("an unchanged site opened the registry, the index or the site map")


def test_an_unchanged_site_gives_its_last_report_and_sees_a_same_size_same_mtime_edit(  # type: ignore[no-untyped-def]
    tmp_path: Path, monkeypatch
) -> None:
    """A page edited without changing its size, its mtime set back (`os.utime`): the run sees it
    (its ctime moved), checks it again and gives a cold run's report. The racy window is set to 0
    here so that the files' status is trusted (else every file written in the last 2 s is read
    again, and the status would not be what the test exercises)."""
    import os

    from extractor.run import pipeline, snapshot

    monkeypatch.setattr(snapshot, "RACY_NS", 0)
    site = site_with_pages(tmp_path / "site")
    monkeypatch.chdir(tmp_path)
    first, _ = checked(site, tmp_path / "kept", monkeypatch)
    with monkeypatch.context() as patched:  # nothing changed: not even the registry is opened
        patched.setattr(pipeline, "open_context", _no_context)
        again, counts = checked(site, tmp_path / "kept", monkeypatch)
    assert again == first and counts == {"whole": len(first["documents"]), "part": 0, "checked": 0}

    page = site / "_pages" / "chiffres-0.md"
    before = page.stat()
    page.write_text(FIGURES.format(n=0, value=19), encoding="utf-8")  # 17 -> 19: the same size
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = page.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    changed, counts = checked(site, tmp_path / "kept", monkeypatch)
    cold, _ = checked(site, tmp_path / "cold", monkeypatch)
    assert changed == cold != first
    assert counts["checked"] == 1


def test_a_file_table_trusts_a_status_only_outside_the_racy_window(tmp_path: Path) -> None:
    """What a test can check of the status shortcut: a file whose status is the one kept is not
    read (outside the racy window), and is read again within it. What no test can make happen
    here: a change that leaves size, mtime_ns, ctime_ns and inode all the same (the kernel sets
    the ctime on every write; only a clock set back, or a file system whose ctime is coarser than
    the racy window, could); the window is what covers a coarse clock."""
    import hashlib
    import json
    import time

    from extractor.run.snapshot import RACY_NS, FileTable

    file = tmp_path / "page.md"
    file.write_text("Le programme compte 17 incubateurs.\n", encoding="utf-8")
    true_sha = hashlib.sha256(file.read_bytes()).hexdigest()
    table = FileTable(tmp_path / "files.json")
    assert table.digest(str(file)) == true_sha and table.read == 1
    table.save()
    # A table whose sha256 is not the file's, for the same status: the shortcut would answer it.
    data = json.loads((tmp_path / "files.json").read_text(encoding="utf-8"))
    data["files"][str(file)][-1] = "0" * 64
    (tmp_path / "files.json").write_text(json.dumps(data), encoding="utf-8")
    racy = FileTable(tmp_path / "files.json")  # taken just now: the file's ctime is within the window
    assert racy.digest(str(file)) == true_sha and racy.read == 1
    data["taken"] = time.time_ns() + 2 * RACY_NS  # long after the file's last change
    (tmp_path / "files.json").write_text(json.dumps(data), encoding="utf-8")
    trusted = FileTable(tmp_path / "files.json")
    assert trusted.digest(str(file)) == "0" * 64 and trusted.read == 0  # the status is trusted
    file.write_text("Le programme compte 19 incubateurs.\n", encoding="utf-8")  # same size
    seen = FileTable(tmp_path / "files.json")
    assert seen.digest(str(file)) == hashlib.sha256(file.read_bytes()).hexdigest() and seen.read == 1


def test_a_report_with_a_passing_error_is_not_kept(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A document stopped by the time budget may pass another time: that report is not given again."""
    from extractor.ingest import limits
    from extractor.run import pipeline

    site = site_with_pages(tmp_path / "site")
    monkeypatch.chdir(tmp_path)

    def too_long(*args: object, **kwargs: object) -> None:
        raise limits.DocumentTimeout()

    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "check_document", too_long)
        stopped, _ = checked(site, tmp_path / "kept", monkeypatch)
    assert not stopped["documents"]
    assert not list((tmp_path / "kept").rglob("site-report.json"))
    again, _ = checked(site, tmp_path / "kept", monkeypatch)
    assert again["documents"]


def test_an_import_keeps_the_entries_read_before_and_reads_a_changed_one(tmp_path: Path) -> None:
    """The registry's import after a change reads again only the files whose bytes changed; what it
    gives (entities, warnings in order, files skipped) is what a fresh import gives."""
    import hashlib

    from extractor.profiles.registry import EntryMemo, read_registry
    from tests.test_site import make_site

    content = make_site(tmp_path / "site") / "content"
    startups = content / "_startups"
    (startups / "sans-titre.md").write_text("---\nincubator: dinum\n---\n", encoding="utf-8")  # skipped
    (startups / "orpheline.md").write_text("---\ntitle: Orpheline\nincubator: inconnu\nsponsors: 12\n---\n", "utf-8")

    def shas() -> dict[str, str]:
        return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in content.rglob("*") if p.is_file()}

    def summary(result) -> tuple:  # type: ignore[no-untyped-def]
        return ([e.model_dump() for e in result.entities], [w.model_dump() for w in result.warnings],
                [s.model_dump() for s in result.skipped])  # fmt: skip

    memo_file = tmp_path / "entries.pickle"
    fresh = read_registry(content)
    warned = [w.reason_fr for w in fresh.warnings if w.path == "_startups/orpheline.md"]
    assert len(warned) == 2, warned  # its sponsors (read with the file) and its incubator (checked after)
    assert [s.path for s in fresh.skipped] == ["_startups/sans-titre.md"]
    first = EntryMemo(memo_file, "key", shas())
    assert summary(read_registry(content, first)) == summary(fresh)
    first.save()
    again = EntryMemo(memo_file, "key", shas())
    assert len(again.old) == 4  # every file of the registry, by its bytes
    reads: list[str] = []
    import extractor.profiles.registry as registry

    original = registry.read_entry

    def counted(path: Path, *args: object) -> object:
        reads.append(path.name)
        return original(path, *args)  # type: ignore[arg-type]

    registry.read_entry = counted  # type: ignore[assignment]
    try:
        assert summary(read_registry(content, again)) == summary(fresh) and reads == []
        page = startups / "chauffage-urbain.md"
        page.write_text(page.read_text(encoding="utf-8").replace("France Chaleur", "Franche Chaleur"), "utf-8")
        changed = read_registry(content, EntryMemo(memo_file, "key", shas()))
        assert reads == ["chauffage-urbain.md"]
        assert summary(changed) == summary(read_registry(content)) != summary(fresh)
        reads.clear()
        read_registry(content, EntryMemo(memo_file, "other key", shas()))  # another code or profile: all read
        assert len(reads) == 4
    finally:
        registry.read_entry = original  # type: ignore[assignment]
