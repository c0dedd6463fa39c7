"""The corpus index: every claim of every published document, in SQLite (DESIGN §5).

Documents are keyed by the sha256 of their bytes: a refresh re-extracts only the documents that
changed, were added or removed. Lookups go through an index on (metric, scope) and filter periods
in Python (a handful of rows), never a scan of all pairs.

One index file holds several corpora, each keyed by its folder's resolved path: a check with
`--corpus OTHER` adds OTHER's documents beside the others and never changes what the users of
another corpus (a running `factcheck serve`) see.

Several processes may share one index (CI jobs in parallel, an editor and a pre-commit hook): a
refresh reads and extracts the changed documents first, with no lock held, then writes them in
one short transaction (BEGIN IMMEDIATE), waiting up to `LOCK_SECONDS` for another writer. So an
interrupted refresh leaves the previous index as it was, and a second one only waits for the
other's write, not its extraction.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel

from extractor.analyse import Analyses, analyse
from extractor.analyse import linked_files as linked_files  # where the rules find it
from extractor.claims import compare
from extractor.claims.resolve import NameIndex, publisher_scope
from extractor.errors import InputError
from extractor.ingest import collect, limits, load, read_file
from extractor.ingest.fileio import printable
from extractor.models import Location, Qualifier
from extractor.run import defaults

DEFAULT_INDEX = defaults.INDEX
# From this many documents to read, the refresh uses every core (2 workers on 2 cores: 0.93x the
# time of one for 40 documents, 0.54-0.67x for 150; worse below: bench/scale.py).
PARALLEL_FROM = 64
# How long a refresh or a lookup waits for another process's write before giving up.
LOCK_SECONDS = 120.0
SCHEMA_VERSION = "6"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    corpus TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL, title TEXT, date TEXT,
    links TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (corpus, path)
);
CREATE TABLE IF NOT EXISTS claims (
    corpus TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL, metric_id TEXT NOT NULL, scope_id TEXT, period TEXT,
    value TEXT NOT NULL, unit TEXT, qualifier TEXT NOT NULL, decimals INTEGER NOT NULL, kind TEXT NOT NULL,
    raw TEXT NOT NULL, line INTEGER NOT NULL, col INTEGER NOT NULL, page INTEGER, quote TEXT NOT NULL,
    derived INTEGER NOT NULL, tolerance TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS claims_key ON claims (corpus, metric_id, scope_id, period);
CREATE INDEX IF NOT EXISTS claims_path ON claims (corpus, path);
CREATE TABLE IF NOT EXISTS events (
    corpus TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL, key TEXT NOT NULL, date TEXT NOT NULL, subject TEXT,
    line INTEGER NOT NULL, col INTEGER NOT NULL, page INTEGER, quote TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_key ON events (corpus, key);
"""


class IndexedClaim(BaseModel):
    """A claim of a published document, as the corpus rules compare it."""

    path: str
    sha256: str
    metric_id: str
    scope_id: str | None
    period: str | None
    value: Decimal
    unit: str | None
    qualifier: Qualifier
    decimals: int
    kind: str
    raw: str
    location: Location
    quote: str
    derived: bool = False
    tolerance: Decimal = Decimal("0.5")


@dataclass
class RefreshStats:
    documents: int = 0
    extracted: int = 0
    removed: int = 0
    claims: int = 0
    seconds: float = 0.0


Folders = Path | str | Sequence[Path | str]


def _folders(folders: Folders) -> list[Path]:
    return [Path(folders)] if isinstance(folders, Path | str) else [Path(f) for f in folders]


def corpus_key(folders: Folders) -> str:
    """The key of a corpus in the index: its folder's resolved path (the folders', one a line, for
    a corpus of several folders, such as a site's pages and documents)."""
    return "\n".join(printable(str(f.resolve())) for f in _folders(folders))


class CorpusIndex:
    """The index file at `path`, seen through one corpus: `corpus` (or the folder of the last
    `refresh`). Lookups see that corpus's documents only; with no corpus named, every corpus of the
    file (for tools that fill an index by hand)."""

    def __init__(self, path: Path = DEFAULT_INDEX, corpus: Folders | None = None) -> None:
        self.path = Path(path)
        self.key = corpus_key(corpus) if corpus is not None else None
        self._links: dict[str, set[str]] | None = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, timeout=LOCK_SECONDS, isolation_level=None)
            if self._version() == SCHEMA_VERSION:
                return  # an index of this version: read as it is, no write lock (a check writes nothing)
            with self._writing():
                version = self._version()
                if version not in (None, SCHEMA_VERSION):
                    # The index is derived data: an index of another version is rebuilt, not an error.
                    for table in ("claims", "documents", "events", "meta"):
                        self.db.execute(f"DROP TABLE IF EXISTS {table}")
                    version = None
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                if version is None:
                    self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise self._unreadable() from exc
            raise InputError(
                str(self.path), f"index du corpus occupé par un autre processus depuis plus de {LOCK_SECONDS:g} s",
                "relancer quand l'autre vérification sera finie", code="busy",
            ) from exc  # fmt: skip
        except sqlite3.DatabaseError as exc:
            raise self._unreadable() from exc

    def _unreadable(self) -> InputError:
        return InputError(
            str(self.path), "index du corpus illisible (ce n'est pas une base SQLite de factcheck)",
            "supprimer le fichier : il sera reconstruit", code="unreadable",
        )  # fmt: skip

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction: the lock is taken at once (waiting for another writer up to the
        connection's timeout) and held until commit; all or nothing."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _version(self) -> str | None:
        has_meta = self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
        if not has_meta:
            return None
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        return row[0] if row else None

    def close(self) -> None:
        self.db.close()

    def refresh(
        self, folder: Folders, names: NameIndex | None = None, *, jobs: int | None = None,
        analyses: Analyses | None = None, crew: Callable[[], Crew] | None = None,
        shas: Mapping[str, str] | None = None,
    ) -> RefreshStats:  # fmt: skip
        """Brings the index up to date with the documents of `folder` (or of several folders), and
        looks up that corpus from now on. With `jobs` > 1 the changed documents are read in that
        many processes; the index is written by this one. By default (None), one process per core once there are
        `PARALLEL_FROM` documents to read: a worker costs about 1 s to start, so for fewer, one
        process is faster (bench/scale.py). Nothing is locked while documents are read. With
        `analyses` (the run's, made with `names`), a document read in this process is analysed
        there, and the run's check of it reads that analysis; with `crew` (how to start the run's
        processes, whose check reads the analyses they made), the documents are read in those
        processes when worth it. `shas`: the sha256 of files the caller knows already (a site
        run's `extractor.run.snapshot`), by name: those are not read to be compared."""
        started = time.perf_counter()
        stats = RefreshStats()
        key = self.key = corpus_key(folder)
        self._links = None
        files, _ = collect([str(f) for f in _folders(folder)])
        known = dict(self.db.execute("SELECT path, sha256 FROM documents WHERE corpus = ?", (key,)))
        # What the rows were extracted with besides each document (the code, the profile, the
        # libraries, the registry names are resolved against): another one re-extracts them all.
        context = extraction_context(names)
        stored = self.db.execute("SELECT value FROM meta WHERE key = ?", (f"context\n{key}",)).fetchone()
        if stored is None or stored[0] != context:
            known = {path: "" for path in known}
        seen, todo = set(), []
        for name in files:
            digest = (shas or {}).get(name)
            try:
                digest = digest or hashlib.sha256(read_file(name)).hexdigest()
            except InputError:
                continue  # an unreadable published file is reported when it is checked, not here
            seen.add(printable(name))
            stats.documents += 1
            if known.get(printable(name)) != digest:
                todo.append((name, digest))
        if jobs is None:
            jobs = (os.cpu_count() or 1) if len(todo) >= PARALLEL_FROM else 1
        # Unreadable, or over its time budget: reported when it is checked.
        if analyses is not None and analyses.names is not names:
            analyses = None  # made with another registry: its claims are not these
        if crew is not None and jobs > 1 and len(todo) >= 2:
            sizes = {name: _size(name) for name, _ in todo}
            found = crew().run(crew_extract, todo, key=lambda item: str(item[0]), weight=lambda item: sizes[item[0]])
            extracted = [rows for rows in found if rows is not None]
        else:
            extracted = [rows for rows in _extract_all(todo, names, jobs, analyses) if rows is not None]
        gone = set(known) - seen
        if extracted or gone or stored is None or stored[0] != context:
            with self._writing():
                self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (f"context\n{key}", context))
                for rows in extracted:
                    self._write_document(key, rows)
                    stats.extracted += 1
                for path in gone:
                    for table in ("claims", "events", "documents"):
                        self.db.execute(f"DELETE FROM {table} WHERE corpus = ? AND path = ?", (key, path))
                    stats.removed += 1
        stats.claims = self.db.execute("SELECT count(*) FROM claims WHERE corpus = ?", (key,)).fetchone()[0]
        stats.seconds = time.perf_counter() - started
        return stats

    def digest(self) -> str:
        """The hash of this corpus's documents (paths and hashes): what the corpus rules compared
        with, for the results kept between runs (extractor.run.results)."""
        digest = hashlib.sha256()
        for path, sha in self.db.execute(
            "SELECT path, sha256 FROM documents WHERE corpus = ? ORDER BY path", (self.key,)
        ):
            digest.update(f"{path}\0{sha}\0".encode())
        return digest.hexdigest()

    def dependencies(self) -> Dependencies:
        """What the corpus rules of each document read of this corpus, as hashes (issue 25,
        item 7: a change re-runs the corpus rules of the documents it touches): per metric, every
        claim row stating it; per event key, every event row; per file name, the documents of that
        name (the PDF a page links to) and their bytes; per document, its metrics, event keys and
        linked names; the links of every document."""
        out = Dependencies()
        key = [self.key] if self.key is not None else []
        where = " WHERE corpus = ?" if self.key is not None else ""
        metrics: dict[str, list[str]] = {}
        mine: dict[str, tuple[set[str], set[str], set[str]]] = {}
        for row in self.db.execute(f"SELECT path, sha256, title, date, links FROM documents{where} ORDER BY path", key):
            mine[row[0]] = (set(), set(), set(json.loads(row[4])))
            name = row[0].replace("\\", "/").rsplit("/", 1)[-1]
            out.by_name[name] = _hashed(out.by_name.get(name, ""), f"{row[0]}\0{row[1]}")
            out.links_digest = _hashed(out.links_digest, f"{row[0]}\0{row[4]}")
        for row in self.db.execute(f"SELECT * FROM claims{where}", key):
            metrics.setdefault(row[3], []).append(repr(row[1:]))
            if row[1] in mine:
                mine[row[1]][0].add(row[3])
        for metric, rows in metrics.items():
            out.metrics[metric] = hashlib.sha256("\n".join(sorted(rows)).encode("utf-8", "surrogateescape")).hexdigest()
        events: dict[str, list[str]] = {}
        for row in self.db.execute(f"SELECT * FROM events{where}", key):
            events.setdefault(row[3], []).append(repr(row[1:]))
            if row[1] in mine:
                mine[row[1]][1].add(row[3])
        for event, rows in events.items():
            out.events[event] = hashlib.sha256("\n".join(sorted(rows)).encode("utf-8", "surrogateescape")).hexdigest()
        out.documents = mine
        return out

    def _write_document(self, key: str, extracted: Extracted) -> None:
        name, digest, title, date, links, events, claims = extracted
        for table in ("claims", "events"):
            self.db.execute(f"DELETE FROM {table} WHERE corpus = ? AND path = ?", (key, name))
        self.db.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?)", [(key, *e) for e in events])
        self.db.executemany(
            "INSERT INTO claims VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [(key, *c) for c in claims]
        )
        self.db.execute(
            "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?)",
            (key, name, digest, title, date, json.dumps(links)),
        )

    def _scoped(self, query: str, params: list[object]) -> tuple[str, list[object]]:
        """The query restricted to this index's corpus (when it has one)."""
        if self.key is None:
            return query, params
        return query + " AND corpus = ?", [*params, self.key]

    def lookup(self, metric_id: str, scope_id: str | None, periods: list[str] | None = None) -> list[IndexedClaim]:
        """The claims of one metric and scope, for the given periods only if `periods` is given."""
        query = (
            "SELECT path, metric_id, scope_id, period, value, unit, qualifier, decimals, kind, raw, line, col, page,"
            " quote, sha256, derived, tolerance FROM claims WHERE metric_id = ? AND scope_id IS ?"
        )
        params: list[object] = [metric_id, scope_id]
        if periods is not None:
            query += f" AND period IN ({','.join('?' * len(periods))})"
            params += periods
        rows = self.db.execute(*self._scoped(query, params))
        return [_indexed(r) for r in rows]

    def links(self) -> dict[str, set[str]]:
        """The files each document of the corpus links to (their names: "bilan_2024.pdf"), by path;
        read once per refresh (every checked document asks)."""
        if self._links is None:
            query, params = self._scoped("SELECT path, links FROM documents WHERE 1", [])
            self._links = {path: set(json.loads(links)) for path, links in self.db.execute(query, params)}
        return self._links

    def events(self, key: str) -> list[IndexedEvent]:
        rows = self.db.execute(
            *self._scoped(
                "SELECT path, sha256, key, date, subject, line, col, page, quote FROM events WHERE key = ?", [key]
            )
        )
        return [
            IndexedEvent(
                path=r[0],
                sha256=r[1],
                key=r[2],
                date=r[3],
                subject=r[4],
                quote=r[8],
                location=Location(path=r[0], line=r[5], column=r[6], end_line=r[5], end_column=r[6] + 1, page=r[7]),
            )
            for r in rows
        ]


@dataclass
class Dependencies:
    """What `CorpusIndex.dependencies` gives: hashes of the rows the corpus rules read."""

    metrics: dict[str, str] = field(default_factory=dict)
    events: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)
    documents: dict[str, tuple[set[str], set[str], set[str]]] = field(default_factory=dict)
    links_digest: str = ""


def _hashed(before: str, more: str) -> str:
    return hashlib.sha256(f"{before}\0{more}".encode("utf-8", "surrogateescape")).hexdigest()


class IndexedEvent(BaseModel):
    path: str
    sha256: str
    key: str
    date: str
    subject: str | None
    location: Location
    quote: str


def _indexed(r: tuple) -> IndexedClaim:
    location = Location(path=r[0], line=r[10], column=r[11], end_line=r[10], end_column=r[11] + len(r[9]), page=r[12])
    return IndexedClaim(
        path=r[0], sha256=r[14], metric_id=r[1], scope_id=r[2], period=r[3], value=Decimal(r[4]), unit=r[5],
        qualifier=Qualifier(r[6]), decimals=r[7], kind=r[8], raw=r[9], location=location, quote=r[13],
        derived=bool(r[15]), tolerance=Decimal(r[16]),
    )  # fmt: skip


Extracted = tuple[str, str, str | None, str | None, list[str], list[tuple], list[tuple]]
_NAMES: dict[str, Any] = {}  # in a worker: the registry names ("names") and the run's "analyses"


def extraction_context(names: NameIndex | None) -> str:
    """What a document's rows depend on besides its bytes: factcheck's code, the profile's files,
    the libraries' versions and the registry's content (issue 24)."""
    from extractor import cachekey
    from extractor.run.results import code_digest

    registry = getattr(names, "digest", None)
    parts = [code_digest(), cachekey.profile_digest(), cachekey.packages(),
             registry() if callable(registry) else type(names).__name__]  # fmt: skip
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def extract_rows(
    name: str, digest: str, names: NameIndex | None = None, analyses: Analyses | None = None
) -> Extracted | None:
    """The index rows of one document (None when it cannot be read in its time budget): its
    events, and the claims that may be compared with other documents (`compare.comparable`). A
    name that is not UTF-8 is kept escaped (`fileio.printable`). With `analyses` (the run's, made
    with `names`), the document's analysis is the one the run's check reads too."""
    shown = printable(name)
    try:
        with limits.time_budget(limits.DOCUMENT_SECONDS):
            analysis = analyses.load(name) if analyses is not None else analyse(load(name), names)
            doc = analysis.document
            events = [(shown, digest, e.key, e.date, e.subject, e.location.line, e.location.column, e.location.page,
                       e.quote) for e in analysis.events]  # fmt: skip
            subjects = cast(compare.Subjects, names) if hasattr(names, "entity_at") else None
            claims = [
                (shown, digest, c.metric_id, c.scope_id, c.period, str(c.quantity.value), c.quantity.unit,
                 c.quantity.qualifier.value, c.quantity.decimals, c.kind, c.quantity.raw, c.location.line,
                 c.location.column, c.location.page, c.sentence[:200], int(c.derived), str(compare.tolerance(c)))
                for c in analysis.claims
                if compare.comparable(doc, c, subjects, publisher_scope())
            ]  # fmt: skip
    except (InputError, limits.DocumentTimeout, MemoryError):
        return None
    title = printable(doc.title) if doc.title else doc.title
    return shown, digest, title, doc.date.isoformat() if doc.date else None, analysis.links, events, claims


def _size(name: str) -> int:
    try:
        return os.stat(name).st_size + 4096  # a small file costs too
    except OSError:
        return 4096


def _init_worker(names: NameIndex | None, parent: int) -> None:
    _NAMES["names"] = names
    watch_parent(parent)


def watch_parent(parent: int, every: float = 0.25) -> None:
    """Ends this worker process as soon as its parent is gone (killed, even with SIGKILL), so
    that no reader of the index outlives the `factcheck index` or `check` that started it.
    A daemon thread polls the parent's pid: an orphan is re-parented, and its ppid changes."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="factcheck-parent-watch", daemon=True).start()


def _extract_in_worker(item: tuple[str, str]) -> Extracted | None:
    return extract_rows(*item, _NAMES.get("names"))


def _extract_all(
    todo: list[tuple[str, str]], names: NameIndex | None, jobs: int, analyses: Analyses | None = None
) -> Iterator[Extracted | None]:
    """The rows of each document to (re)index, in order; in `jobs` processes when worth it."""
    if jobs <= 1 or len(todo) < 2:
        for name, digest in todo:
            yield extract_rows(name, digest, names, analyses)
        return
    chunk = max(1, min(32, len(todo) // (4 * jobs)))
    yield from in_processes(_extract_in_worker, todo, jobs, _init_worker, (names, os.getpid()), chunk)


def in_processes(func: Callable[[Any], Any], items: list[Any], jobs: int, initializer: Callable[..., None],
                 initargs: tuple[Any, ...], chunksize: int) -> Iterator[Any]:  # fmt: skip
    """`func` of each item, in order, from `jobs` new processes started with `initializer(*initargs)`
    (which should call `watch_parent`). Interrupted (Ctrl-C, SIGTERM, a time budget), the workers
    are stopped now, not after their current items; killed with SIGKILL, this process takes them
    along (watch_parent)."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # never fork a process that may run threads
    pool = context.Pool(jobs, initializer=initializer, initargs=initargs)
    try:
        yield from pool.imap(func, items, chunksize=chunksize)
    except BaseException:
        pool.terminate()
        raise
    pool.close()
    pool.join()


class Crew:
    """`jobs` processes that each keep what they analysed (issue 25, item 2): the corpus index's
    refresh gives each its share of the documents (by size), and the check of a document then goes
    to the process that analysed it, which reads its analysis instead of reading and analysing the
    file again. Started with `initializer(*initargs)` (which should call `watch_parent`)."""

    def __init__(self, jobs: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")  # never fork a process that may run threads
        self.results: Any = context.Queue()
        self.inboxes: list[Any] = [context.Queue() for _ in range(jobs)]
        self.processes = [
            context.Process(target=_crew_loop, args=(inbox, self.results, initializer, initargs), daemon=True)
            for inbox in self.inboxes
        ]
        for process in self.processes:
            process.start()
        self.home: dict[str, int] = {}  # a file's key -> the process that analysed it
        self.load = [0] * jobs

    def run(self, func: Callable[[Any], Any], items: list[Any], key: Callable[[Any], str],
            weight: Callable[[Any], int] | None = None) -> Iterator[Any]:  # fmt: skip
        """`func` of each item, in order: an item whose key was given out before goes to the same
        process, another to the least loaded one. Interrupted, the processes are stopped."""
        import queue

        try:
            for number, item in enumerate(items):
                home = self.home.get(key(item))
                if home is None:
                    home = self.home[key(item)] = min(range(len(self.inboxes)), key=self.load.__getitem__)
                    self.load[home] += weight(item) if weight is not None else 1
                self.inboxes[home].put((number, func, item))
            done: dict[int, Any] = {}
            for wanted in range(len(items)):
                while wanted not in done:
                    try:
                        number, ok, value = self.results.get(timeout=1.0)
                    except queue.Empty:
                        if not all(p.is_alive() for p in self.processes):
                            raise RuntimeError("un processus de vérification s'est arrêté") from None
                        continue
                    if not ok:
                        raise RuntimeError(value)
                    done[number] = value
                yield done.pop(wanted)
        except BaseException:
            self.close(now=True)
            raise

    def close(self, *, now: bool = False) -> None:
        for process, inbox in zip(self.processes, self.inboxes, strict=True):
            if now:
                process.terminate()
            elif process.is_alive():
                inbox.put(None)
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()


def _crew_loop(inbox: Any, results: Any, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    initializer(*initargs)
    while True:
        task = inbox.get()
        if task is None:
            return
        number, func, item = task
        try:
            results.put((number, True, func(item)))
        except Exception as exc:  # the parent raises it: a bug, not a file's problem (those are outcomes)
            results.put((number, False, f"{type(exc).__name__}: {exc}"))


def crew_extract(item: tuple[str, str]) -> Extracted | None:
    """A crew process's rows of one document, analysed with its run's store (`_NAMES`)."""
    return extract_rows(*item, _NAMES.get("names"), cast("Analyses | None", _NAMES.get("analyses")))
