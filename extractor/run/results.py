"""The results of a site run kept between runs (issue 14, item 8; issue 25, item 7): a second
`factcheck check SITE` with nothing changed reads each document's findings instead of reading and
checking it again, and a change re-runs only the rules whose inputs it touches.

A document's results are kept under its path, its bytes, the severities that apply to its folder
and the run's key (factcheck's code, the profile's files, the libraries' versions, the engines'
data: `extractor.cachekey`; the rules selected, the time budget), in parts, one per group of rules
(`GROUPS`), each under what that group reads besides the document (`Dependencies`, by content):
- "document": the rules of the document alone, and the registry's content (claims are resolved
  against it, the `reference/*` rules compare with it);
- "labels": the rules that read the other files of the document's folder (`text/empty-label`):
  the labels those files fill;
- "corpus": the `corpus/*` rules: the index's rows of every metric the document states (and of the
  stocks and flows), of every event it dates, the documents it links to, the registry;
- "site": the `site/*` rules: the site map (URLs, redirects, layouts, sizes of the files served),
  the registry, and the pages whose anchors the document's links named (each by its bytes).
Any change to one of those is a miss of that part, never a stale finding: the document is read
again and that group's rules alone run. The cache is derived data: a cache of another version is
rebuilt, and a damaged one is set aside (renamed `*.endommage`) and rebuilt, not an error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

import extractor
from extractor import cachekey
from extractor.models import DocumentSummary, Finding, SkippedRule

VERSION = "4"


class Entry(BaseModel):
    """One document's result: its summary and findings (fingerprints included), and the rules its
    check had to skip (no dictionary, no registry), so that a kept result says so too."""

    document: DocumentSummary
    findings: list[Finding] = Field(default_factory=list)
    ignored: int = 0
    skipped: list[SkippedRule] = Field(default_factory=list)


class Part(BaseModel):
    """One group's share of a document's result, with what it was computed from (`deps`: the
    group's key; for the site group, also the pages whose anchors it read, by their bytes)."""

    deps: str
    findings: list[Finding] = Field(default_factory=list)
    ignored: int = 0
    skipped: list[SkippedRule] = Field(default_factory=list)
    pages: dict[str, str] = Field(default_factory=dict)  # site group: a page's path -> its sha256
    metrics: dict[str, str] = Field(default_factory=dict)  # corpus group: a metric -> its rows' hash


@functools.cache
def code_digest() -> str:
    """The hash of factcheck's own files (code, catalogue, profiles): a new version is a miss."""
    root = Path(extractor.__file__).resolve().parent
    digest = hashlib.sha256(VERSION.encode())
    for path in own_files():
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def own_files() -> list[Path]:
    """factcheck's files that its results depend on: the whole package, not this module's folder
    (which it once was, after this module moved into `run/`: a changed rule was no miss)."""
    root = Path(extractor.__file__).resolve().parent
    suffixes = (".py", ".yaml", ".yml", ".json", ".toml")
    return [path for path in sorted(root.rglob("*")) if path.is_file() and path.suffix in suffixes]


def run_key(parts: Iterable[str], base: str | None = None) -> str:
    """The key of a run: factcheck's code, the profile, the libraries, the engines (`base_key`,
    or `base` when the caller has it for this run already), and `parts` (what the caller adds:
    rules, registry, corpus, site)."""
    digest = hashlib.sha256((base or base_key()).encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def base_key() -> str:
    """What every key of a run holds: factcheck's code, the profile, the libraries, the engines."""
    digest = hashlib.sha256(code_digest().encode())
    for part in [cachekey.profile_digest(), cachekey.packages(), cachekey.engines()]:
        digest.update(b"\0" + part.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def document_key(path: str, sha256: str) -> str:
    """The key of one document's entry: its path (two files with the same bytes are two entries:
    their findings name their own path), its bytes and the severities of its folder."""
    severities = cachekey.severities(cachekey.real_folder(path))  # as pipeline.check_document finds them
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


GROUPS = ("document", "labels", "corpus", "site")
SIBLING_RULES = frozenset({"text/empty-label"})  # rules that read other files of the document's folder


@functools.cache
def group_of(rule_id: str) -> str:
    """The group of a rule: what its findings depend on besides the document (see the module)."""
    from extractor import checks

    found = checks.rules().get(rule_id)
    needs = found.needs if found is not None else ()
    if "corpus" in needs:
        return "corpus"
    if "site" in needs:
        return "site"
    return "labels" if rule_id in SIBLING_RULES else "document"


def groups_for(selected: list[str] | None, enabled: Iterable[str]) -> list[str]:
    """The groups with a rule this run's selection runs (or says it skips) on a document."""
    return list(_groups_for(tuple(selected) if selected is not None else None, frozenset(enabled)))


@functools.cache
def _groups_for(selected: tuple[str, ...] | None, on: frozenset[str]) -> tuple[str, ...]:
    from extractor import checks

    chosen = [i for i, r in checks.rules().items() if checks.chosen(r, list(selected) if selected else None, on)]
    return tuple(g for g in GROUPS if any(group_of(i) == g for i in chosen))


def rules_for(plan: Plan, selected: list[str] | None, enabled: Iterable[str]) -> list[str] | None:
    """The rules to run on a document for its plan: the run's selection when nothing is kept, else
    the rules of the missing groups that the selection runs (by id)."""
    from extractor import checks

    if not plan.kept:
        return selected
    on = frozenset(enabled)
    return [i for i, r in checks.rules().items() if group_of(i) in plan.missing and checks.chosen(r, selected, on)]


class Dependencies:
    """What each group of a document's rules reads besides the document, as keys (by content),
    for one run. The caller (extractor.run.cache) gives the run's registry, corpus index and site
    map; what is not there is "" (the group's rules do not run, or read nothing of it)."""

    def __init__(
        self,
        registry: str = "",
        corpus: Any = None,
        site: Any = None,
        labels: Callable[[Path, str], object] | None = None,
    ) -> None:
        self.registry, self.site, self.labels = registry, site, labels
        self._site_key: str | None = None
        self._corpus: Any = None
        self._corpus_source = corpus
        self._pages: dict[str, str] = {}
        self._folders: dict[tuple[str, str], str] = {}
        # The labels' key of a folder by what they are read from (its files' names and sha256,
        # under the run's key), kept between runs: a folder whose files are the same is not read.
        self.shas: Mapping[str, str] = {}
        self.memo: dict[str, str] = {}
        self.memo_key = ""
        self.used: set[str] = set()

    def key(self, group: str, path: str) -> str | None:
        """The group's key for the document at `path` (None: no key can say what it read: the group
        is always run)."""
        if group == "document":
            return self.registry
        if group == "labels":
            return self._labels(path)
        if group == "corpus":
            return self._corpus_key(path)
        return self._site()

    def _labels(self, path: str) -> str:
        from extractor.ingest import FORMATS

        if self.labels is None:
            return ""
        file = Path(path)
        if not file.is_file() or FORMATS.get(file.suffix.lower()) in ("pdf", "docx", "html"):
            return ""  # the rule reads the folder's files for Markdown and text documents only
        folder = (str(cachekey.real_folder(path)), file.suffix)
        if folder not in self._folders:
            inputs = self._label_inputs(file.parent, file.suffix)
            if inputs is not None and inputs in self.memo:
                self._folders[folder] = self.memo[inputs]
            else:
                found = self.labels(file.parent, file.suffix)
                self._folders[folder] = _digest(json.dumps(found, sort_keys=True, ensure_ascii=False, default=str))
            if inputs is not None:
                self.memo[inputs] = self._folders[folder]
                self.used.add(inputs)
        return self._folders[folder]

    def _label_inputs(self, folder: Path, suffix: str) -> str | None:
        """What the labels of a folder are read from, as one hash: the run's key, the folder, and
        each file of the suffix by name and sha256 (the run's `shas`); None when a file's sha256
        is not known (not read by the run, unreadable): then the labels are read."""
        parts = [self.memo_key, str(folder.resolve()), suffix]
        for file in sorted(folder.glob("*" + suffix)):
            sha = self.shas.get(str(file))
            if sha is None:
                return None
            parts.append(f"{file.name}\0{sha}")
        return _digest("\0".join(parts)) if self.memo_key else None

    def _corpus_key(self, path: str) -> str | None:
        if self._corpus_source is None:
            return ""
        if self._corpus is None:
            self._corpus = self._corpus_source.dependencies()
        deps = self._corpus
        from extractor.ingest.fileio import printable

        mine = deps.documents.get(printable(path))
        if mine is None:
            return None  # not in the index (unread when it was refreshed): no key says what it reads
        _, events, links = mine
        parts = [self.registry, deps.links_digest]  # (the metrics it states: its part's `metrics`)
        parts += [f"e {e} {deps.events.get(e, '')}" for e in sorted(events)]
        parts += [f"l {name} {deps.by_name.get(name, '')}" for name in sorted(links)]
        return _digest("\0".join(parts))

    def _site(self) -> str:
        if self.site is None:
            return ""
        if self._site_key is None:
            self._site_key = _digest(self.registry + "\0" + self.site.structure_digest())
        return self._site_key

    def metric(self, metric_id: str) -> str:
        """The hash of the corpus's rows of a metric ("" when none)."""
        if self._corpus_source is None:
            return ""
        if self._corpus is None:
            self._corpus = self._corpus_source.dependencies()
        return str(self._corpus.metrics.get(metric_id, ""))

    def page(self, path: str) -> str:
        """The sha256 of a page of the site (one read per run)."""
        if path not in self._pages:
            root = getattr(self.site, "root", None)
            self._pages[path] = cachekey.file_digest(Path(root) / path) if root is not None else ""
        return self._pages[path]


def _read_metrics(stated: Iterable[str]) -> set[str]:
    """The metrics whose rows the corpus rules read for a document stating `stated`: those, and
    the flow of each stock among them (corpus/stock-flow adds the year's flow)."""
    from extractor.claims import vocabulary

    mine = set(stated)
    return mine | {m.id for m in vocabulary.metrics() if m.adds_to in mine}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


@dataclass
class Plan:
    """What a document needs in this run: the parts kept, the groups to run again (none: its
    result is whole), and each group's key to keep the new parts under."""

    document: str  # the document's key (`document_key` under the run's key)
    keys: dict[str, str | None]
    kept: dict[str, Part] = field(default_factory=dict)
    summary: DocumentSummary | None = None
    missing: list[str] = field(default_factory=list)

    @property
    def whole(self) -> bool:
        return not self.missing and self.summary is not None

    def entry(self, order: Callable[[Finding], Any]) -> Entry:
        """The kept parts as one document's result (whole plans only), findings in `order`."""
        assert self.summary is not None
        return merge(self.summary, list(self.kept.values()), order)


def merge(summary: DocumentSummary, parts: list[Part], order: Callable[[Finding], Any] | None = None) -> Entry:
    """Parts of a document's result as one: findings in reading order (`order`: the pipeline's;
    parts' findings are each in that order already), counts added, skipped rules joined."""
    findings = [f for part in parts for f in part.findings]
    if order is not None:
        findings.sort(key=order)
    skipped = {s.rule: s for part in parts for s in part.skipped}
    return Entry(document=summary, findings=findings, ignored=sum(p.ignored for p in parts),
                 skipped=[skipped[r] for r in sorted(skipped)])  # fmt: skip


class ResultCache:
    """Documents' results by (run key, document, group), in one SQLite file."""

    def __init__(self, path: Path, key: str, deps: Dependencies | None = None) -> None:
        self.path, self.key = Path(path), key
        self.deps = deps or Dependencies()
        self.hits = self.misses = self.partial = 0
        self.seen: set[str] = set()
        self.shas: Mapping[str, str] = {}  # the sha256 of files the run knows already (run.snapshot)
        self.notices: list[str] = []  # what the run should tell the user (a damaged file rebuilt)
        self.db: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not healthy(self.path):
                self.notices.append(damaged_fr(self.path, set_aside(self.path)))
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")  # WAL: a killed run loses no committed entry
            version = self.db.execute("SELECT name FROM sqlite_master WHERE name = 'version_" + VERSION + "'")
            if version.fetchone() is None:  # a cache of another version: rebuilt
                for (table,) in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                    self.db.execute(f'DROP TABLE IF EXISTS "{table}"')
                self.db.execute(f"CREATE TABLE IF NOT EXISTS version_{VERSION} (x)")
            self.db.execute("CREATE TABLE IF NOT EXISTS summaries (document TEXT PRIMARY KEY, summary TEXT)")
            self.db.execute("CREATE TABLE IF NOT EXISTS parts (document TEXT, grp TEXT, part TEXT, "
                            "PRIMARY KEY (document, grp))")  # fmt: skip
            self.db.execute("CREATE TABLE IF NOT EXISTS labels (inputs TEXT PRIMARY KEY, digest TEXT)")
            self.deps.memo = dict(self.db.execute("SELECT inputs, digest FROM labels").fetchall())
            self.deps.memo_key = key
        except (OSError, sqlite3.Error):
            self.db = None  # no cache is a slower run, not a failed one

    def plan(self, name: str, sha256: str, groups: Iterable[str] = GROUPS) -> Plan:
        """What the document `name` (of these bytes) needs: the parts of `groups` kept under their
        current keys, and the groups to run again."""
        document = _digest(f"{self.key}\0{document_key(name, sha256)}")
        self.seen.add(document)
        plan = Plan(document=document, keys={g: self.deps.key(g, name) for g in groups})
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error, ValueError):
                row = self.db.execute("SELECT summary FROM summaries WHERE document = ?", (document,)).fetchone()
                plan.summary = DocumentSummary.model_validate_json(row[0]) if row else None
                rows = self.db.execute("SELECT grp, part FROM parts WHERE document = ?", (document,)).fetchall()
                for group, text in rows:
                    part = Part.model_validate_json(text)
                    fresh = group in plan.keys and part.deps == plan.keys[group] and plan.keys[group] is not None
                    fresh = fresh and all(self.deps.page(p) == sha for p, sha in part.pages.items())
                    if fresh and all(self.deps.metric(m) == rows for m, rows in part.metrics.items()):
                        plan.kept[group] = part
        plan.missing = [g for g in plan.keys if g not in plan.kept]
        if plan.summary is None:
            plan.missing, plan.kept = list(plan.keys), {}
        if plan.whole:
            self.hits += 1
        elif plan.kept:
            self.partial += 1
        else:
            self.misses += 1
        return plan

    def store(self, plan: Plan, summary: DocumentSummary, parts: Mapping[str, Part]) -> None:
        """Keeps the document's summary and the parts just computed, under their keys."""
        try:
            rows = [(plan.document, g, p.model_dump_json()) for g, p in parts.items() if plan.keys.get(g) is not None]
            summaries = [(plan.document, summary.model_dump_json())]
        except ValueError:
            return  # a name that is not UTF-8 (kept escaped in the report only): not kept, checked again
        self._write(
            ("INSERT OR REPLACE INTO summaries VALUES (?, ?)", summaries),
            ("INSERT OR REPLACE INTO parts VALUES (?, ?, ?)", rows),  # a part without key: never kept
        )

    def keep(
        self,
        plan: Plan,
        summary: DocumentSummary,
        findings: list[Finding],
        silenced: Iterable[str],
        skipped: Iterable[SkippedRule],
        pages: Iterable[str],
        metrics: Iterable[str],
        order: Callable[[Finding], Any],
    ) -> Entry:
        """The result of a document checked for the plan's missing groups (`findings`, the rules
        of the findings `silenced` by comments, the rules `skipped`, the site's `pages` whose
        anchors its links named, the `metrics` its claims state), kept by group; returns it
        joined with the parts kept before."""
        fresh = {g: Part(deps=plan.keys.get(g) or "") for g in plan.missing}
        for finding in findings:  # (a group missing from the plan is kept under no key: never reused)
            fresh.setdefault(group_of(finding.rule), Part(deps="")).findings.append(finding)
        for rule_id in silenced:
            fresh.setdefault(group_of(rule_id), Part(deps="")).ignored += 1
        for why in skipped:
            fresh.setdefault(group_of(why.rule), Part(deps="")).skipped.append(why)
        if "site" in fresh:
            fresh["site"].pages = {p: self.deps.page(p) for p in sorted(pages)}
        if "corpus" in fresh:
            fresh["corpus"].metrics = {m: self.deps.metric(m) for m in sorted(_read_metrics(metrics))}
        self.store(plan, summary, fresh)
        return merge(summary, [*plan.kept.values(), *fresh.values()], order)

    def _write(self, *statements: tuple[str, Sequence[tuple[str, ...]]]) -> None:
        """Statements run in one transaction; a failure leaves the cache as it was."""
        if self.db is None:
            return
        try:
            self.db.execute("BEGIN")
            for sql, rows in statements:
                self.db.executemany(sql, rows)
            self.db.execute("COMMIT")
        except (sqlite3.Error, ValueError):
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")

    def prune(self) -> None:
        """Drops the results of documents this run did not see (former bytes, other runs' keys): the
        cache holds the latest state only."""
        if self.db is None:
            return
        with contextlib.suppress(sqlite3.Error):
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS seen (document TEXT PRIMARY KEY)")
        self._write(
            ("DELETE FROM seen", [()]),
            ("INSERT OR IGNORE INTO seen VALUES (?)", [(d,) for d in self.seen]),
            ("DELETE FROM summaries WHERE document NOT IN (SELECT document FROM seen)", [()]),
            ("DELETE FROM parts WHERE document NOT IN (SELECT document FROM seen)", [()]),
            ("DELETE FROM labels", [()]),
            ("INSERT OR REPLACE INTO labels VALUES (?, ?)", [(i, self.deps.memo[i]) for i in self.deps.used]),
        )

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
