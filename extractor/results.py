"""The results of a site run kept between runs (issue 14, item 8): a second `factcheck check SITE`
with nothing changed reads each document's findings instead of reading and checking it again.

A document's entry is keyed by its bytes and by everything its findings depend on besides: the
code of factcheck (every file of the package), the active profile, the rules selected, the
registry, the corpus (every indexed document's hash: the `corpus/*` rules compare with them) and
the site's files (names and sizes: links and download sizes are checked against them). Any change
to one of those is a miss, never a stale finding. The cache is derived data: a cache of another
version, or one that cannot be read, is rebuilt, not an error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from extractor.models import DocumentSummary, Finding

VERSION = "1"


class Entry(BaseModel):
    """One document's result: its summary and findings (fingerprints included)."""

    document: DocumentSummary
    findings: list[Finding] = Field(default_factory=list)
    ignored: int = 0


@functools.cache
def code_digest() -> str:
    """The hash of factcheck's own files (code, catalogue, profiles): a new version is a miss."""
    root = Path(__file__).parent
    digest = hashlib.sha256(VERSION.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yaml", ".yml", ".json", ".toml"):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def listing_digest(root: Path) -> str:
    """The hash of a folder's file names and sizes (not their bytes: the corpus digest has the
    checked documents' bytes), hidden folders (.git, .factcheck) left out."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder, name)
            try:
                size = path.stat().st_size
            except OSError:
                continue
            digest.update(f"{path.relative_to(root)}\0{size}\0".encode())
            if name == "factcheck.toml":  # its severities and folders change findings at any size
                digest.update(path.read_bytes())
    return digest.hexdigest()


def run_key(parts: Iterable[str]) -> str:
    digest = hashlib.sha256(code_digest().encode())
    for part in parts:
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


class ResultCache:
    """Documents' results by (run key, document hash), in one SQLite file."""

    def __init__(self, path: Path, key: str) -> None:
        self.path, self.key = Path(path), key
        self.hits = self.misses = 0
        self.db: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = OFF")  # derived data: a lost write is a miss next time
            self.db.execute("CREATE TABLE IF NOT EXISTS results (run TEXT, sha256 TEXT, entry TEXT, "
                            "PRIMARY KEY (run, sha256))")  # fmt: skip
        except (OSError, sqlite3.Error):
            self.db = None  # no cache is a slower run, not a failed one

    def get(self, sha256: str) -> Entry | None:
        if self.db is None:
            return None
        try:
            row = self.db.execute(
                "SELECT entry FROM results WHERE run = ? AND sha256 = ?", (self.key, sha256)
            ).fetchone()
            found = Entry.model_validate_json(row[0]) if row else None
        except (sqlite3.Error, ValueError):
            found = None
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, sha256: str, entry: Entry) -> None:
        if self.db is None:
            return
        with contextlib.suppress(sqlite3.Error):
            self.db.execute(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?)", (self.key, sha256, entry.model_dump_json())
            )

    def prune(self) -> None:
        """Drops the results of other runs' keys: the cache holds the latest state only."""
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("DELETE FROM results WHERE run != ?", (self.key,))

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
