"""The state factcheck keeps between runs (issue 24): the corpus index follows the registry it
resolved claims against (item 3); a file name that is not UTF-8 is carried, escaped, by every
output format (item 8); a check reads the index without its write lock (item 11); temporary files
that a killed run left are removed (item 12)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.corpus import index as corpus_index
from extractor.corpus.index import CorpusIndex
from extractor.reference.models import Entity
from extractor.reference.store import Registry
from tests.test_site import make_site

ROOT = Path(__file__).resolve().parent.parent
PAGE = "---\ntitle: Tchap\ndate: 2024-01-10\n---\n\nEn 2023, le service compte 300 000 utilisateurs actifs.\n"


def registry(page: str) -> Registry:
    """A registry of one product whose own page is `page` (the claims of a product's own page are
    its own, not the programme's: they are not compared with the corpus)."""
    return Registry([Entity(id="startup:tchap", kind="startup", slug="tchap", name="Tchap", source_path=page)])


def claims(index: CorpusIndex) -> list[tuple]:
    return sorted(index.db.execute("SELECT path, metric_id, scope_id, period, value FROM claims"))


def test_the_corpus_index_follows_the_registry_its_claims_were_resolved_against(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus" / "_startups"
    corpus.mkdir(parents=True)
    (corpus / "tchap.md").write_text(PAGE, encoding="utf-8")
    kept = CorpusIndex(tmp_path / "index.sqlite", corpus.parent)
    kept.refresh(corpus.parent, registry("_startups/tchap.md"))
    assert claims(kept) == []  # the product's own figure
    moved = registry("_startups/autre.md")  # the registry no longer says this page is Tchap's
    kept.refresh(corpus.parent, moved)
    fresh = CorpusIndex(tmp_path / "fresh.sqlite", corpus.parent)
    fresh.refresh(corpus.parent, moved)
    assert claims(fresh) and claims(kept) == claims(fresh)
    kept.refresh(corpus.parent, registry("_startups/tchap.md"))
    assert claims(kept) == []


def test_a_check_reads_the_index_without_taking_its_write_lock(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Another process holds the index's write lock (a refresh writing): a check opens the index
    and answers at once, instead of waiting for the lock (or failing after LOCK_SECONDS)."""
    from extractor.service import work

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bilan.md").write_text("En 2023, 300 000 utilisateurs actifs.\n", encoding="utf-8")
    path = tmp_path / "index.sqlite"
    CorpusIndex(path, corpus).refresh(corpus)
    monkeypatch.setattr(corpus_index, "LOCK_SECONDS", 3.0)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        seen = CorpusIndex(path, corpus)
        assert seen.lookup("active_users", "programme:beta.gouv.fr") is not None
        seen.close()
        monkeypatch.setattr(work, "_STATE", {"registry": None, "corpus": (path, corpus), "max_pages": 10})
        done = json.loads(work.check(b"En 2024, 200 000 utilisateurs actifs.\n", "a.md", None, None))
        assert done["stats"]["documents"] == 1
        assert time.monotonic() - started < 2.0
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "html"])
def test_a_file_name_that_is_not_utf8_is_reported_escaped(tmp_path: Path, fmt: str) -> None:
    """`caf\\xe9.md` (Latin-1 bytes in the name) in a site and in a plain folder: every format
    carries its name escaped, and the run goes on with the other files."""
    site = make_site(tmp_path / "site")
    plain = tmp_path / "plain"
    plain.mkdir()
    text = b"---\ntitle: Caf\n---\n\nIl faut notament le faire.\n"
    for folder in (site / "_pages", plain):
        with open(os.fsencode(folder) + b"/caf\xe9.md", "wb") as handle:
            handle.write(text)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for target in (site, plain):
        done = subprocess.run([sys.executable, "-m", "extractor", "check", str(target), "-f", fmt], cwd=tmp_path,
                              env=env, capture_output=True)  # fmt: skip
        assert done.returncode in (0, 1), done.stderr.decode(errors="replace")
        out = done.stdout.decode("utf-8")  # valid UTF-8
        assert "erreur interne" not in done.stderr.decode(errors="replace")
        assert "caf\\xe9.md" in out or (fmt in ("json", "sarif") and "caf\\\\xe9.md" in out), out[:2000]
        if fmt in ("json", "sarif"):
            json.loads(out)
        if target == site and fmt == "json":
            names = [Path(d["path"]).name for d in json.loads(out)["documents"]]
            assert "caf\\xe9.md" in names and "bilan.md" in names


def test_temporary_files_a_killed_run_left_are_removed(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import tempfile

    from extractor.run import site as sites

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    root = make_site(tmp_path / "site")
    state, notice = sites.state_folder(root)
    assert notice is None
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)  # a process that has ended
    killed = state / f".site-registry-0123-v3.sqlite.{dead}.k2j3x9a_.tmp"  # an import killed midway
    killed.write_bytes(b"SQLite format 3\0")
    running = state / f".site-registry-4567-v3.sqlite.{os.getppid()}.ab12cd34.tmp"  # another run's, alive
    running.write_bytes(b"")
    old_run = tmp_path / "tmp" / f"factcheck-site-{dead}-abcd1234"  # a killed run's temporary state
    old_run.mkdir()
    (old_run / "index.sqlite").write_bytes(b"")
    assert sites.state_folder(root) == (state, None)
    assert not killed.exists() and running.exists() and not old_run.exists()


def test_the_results_file_is_written_with_synchronous_writes(tmp_path: Path) -> None:
    """A killed run, or a machine that stops, must not leave a damaged results file behind:
    SQLite's synchronous writes are on (NORMAL under WAL), not OFF."""
    from extractor.run.results import ResultCache

    cache = ResultCache(tmp_path / "site-results.sqlite", "clé")
    assert cache.db is not None
    assert cache.db.execute("PRAGMA synchronous").fetchone()[0] >= 1
    cache.close()
