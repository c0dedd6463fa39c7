"""The results of a site run kept between runs (issue 14, item 8): a second `factcheck check SITE`
with nothing changed reads each document's findings instead of reading and checking it again.

A document's entry is kept under its path, its bytes and the severities that apply to its folder,
and under the run's key: everything else its findings depend on (issue 24), each by content —
factcheck's code, the profile's files, the libraries' versions, the engines' data
(`extractor.cachekey`: dictionaries, personal word lists), the rules selected, the registry, the
corpus (every indexed document's hash: the `corpus/*` rules compare with them) and the site's files
the link checker reads (`extractor.sitemap.inputs_digest`). Any change to one of those is a miss,
never a stale finding. The cache is derived data: a cache of another version is rebuilt, and a
damaged one is set aside (renamed `*.endommage`) and rebuilt, not an error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from extractor import cachekey
from extractor.models import DocumentSummary, Finding, SkippedRule

VERSION = "3"


class Entry(BaseModel):
    """One document's result: its summary and findings (fingerprints included), and the rules its
    check had to skip (no dictionary, no registry), so that a kept result says so too."""

    document: DocumentSummary
    findings: list[Finding] = Field(default_factory=list)
    ignored: int = 0
    skipped: list[SkippedRule] = Field(default_factory=list)


@functools.cache
def code_digest() -> str:
    """The hash of factcheck's own files (code, catalogue, profiles): a new version is a miss."""
    root = Path(__file__).parent
    digest = hashlib.sha256(VERSION.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yaml", ".yml", ".json", ".toml"):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def run_key(parts: Iterable[str]) -> str:
    """The key of a run: factcheck's code, the profile, the libraries, the engines, and `parts`
    (what the caller adds: rules, registry, corpus, site)."""
    digest = hashlib.sha256(code_digest().encode())
    for part in [cachekey.profile_digest(), cachekey.packages(), cachekey.engines(), *parts]:
        digest.update(b"\0" + part.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def document_key(path: str, sha256: str) -> str:
    """The key of one document's entry: its path (two files with the same bytes are two entries:
    their findings name their own path), its bytes and the severities of its folder."""
    severities = cachekey.severities(Path(path).resolve().parent)  # as pipeline.check_document finds them
    return hashlib.sha256(f"{path}\0{sha256}\0{severities}".encode("utf-8", "surrogateescape")).hexdigest()


def healthy(path: Path) -> bool:
    """Whether a SQLite file is whole (SQLite's quick check); True when there is none yet."""
    if not path.exists():
        return True
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            db.close()
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)  # another process writes it: not damaged
    except (sqlite3.DatabaseError, OSError):
        return False


def set_aside(path: Path) -> Path:
    """Moves a damaged cache file out of the way (to `NAME.endommage`, replacing an older one; its
    journal files go), so that it is rebuilt; returns where it went."""
    aside = path.with_name(path.name + ".endommage")
    path.replace(aside)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return aside


def damaged_fr(path: Path, aside: Path) -> str:
    """The one line a run prints when it sets a damaged cache aside."""
    return f"{path} : cache endommagé, mis de côté ({aside.name}) et reconstruit"


class ResultCache:
    """Documents' results by (run key, document hash), in one SQLite file."""

    def __init__(self, path: Path, key: str) -> None:
        self.path, self.key = Path(path), key
        self.hits = self.misses = 0
        self.notices: list[str] = []  # what the run should tell the user (a damaged file rebuilt)
        self.db: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not healthy(self.path):
                self.notices.append(damaged_fr(self.path, set_aside(self.path)))
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")  # WAL: a killed run loses no committed entry
            self.db.execute("CREATE TABLE IF NOT EXISTS results (run TEXT, sha256 TEXT, entry TEXT, "
                            "PRIMARY KEY (run, sha256))")  # fmt: skip
        except (OSError, sqlite3.Error):
            self.db = None  # no cache is a slower run, not a failed one

    def get(self, document: str) -> Entry | None:
        """The entry kept under a document's key (`document_key`), or None."""
        if self.db is None:
            return None
        try:
            row = self.db.execute(
                "SELECT entry FROM results WHERE run = ? AND sha256 = ?", (self.key, document)
            ).fetchone()
            found = Entry.model_validate_json(row[0]) if row else None
        except (sqlite3.Error, ValueError):
            found = None
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, document: str, entry: Entry) -> None:
        if self.db is None:
            return
        with contextlib.suppress(sqlite3.Error, ValueError):
            self.db.execute(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?)", (self.key, document, entry.model_dump_json())
            )

    def prune(self) -> None:
        """Drops the results of other runs' keys: the cache holds the latest state only."""
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("DELETE FROM results WHERE run != ?", (self.key,))

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
