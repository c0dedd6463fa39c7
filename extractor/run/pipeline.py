"""The pipeline, end to end: files -> documents -> findings -> report (DESIGN §2).

Each file is read on its own: a file that cannot be read becomes an error entry in the report
and the run goes on with the others.
"""

from __future__ import annotations

import functools
import os
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from extractor import cachekey, checks
from extractor.checks import suppress
from extractor.errors import FactcheckError, InputError
from extractor.ingest import collect, limits
from extractor.models import (
    Document,
    DocumentDetail,
    DocumentSummary,
    Finding,
    InputErrorInfo,
    Report,
    Severity,
    SkippedRule,
    summarise,
)
from extractor.report import fingerprint
from extractor.run import config, defaults
from extractor.run.progress import Progress
from extractor.run.results import Plan, ResultCache

if TYPE_CHECKING:
    from extractor.corpus.index import Crew

SEVERITY_ORDER = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}


def open_context(
    reference: Path | None = defaults.REFERENCE,
    corpus: Path | Sequence[Path] | None = defaults.CORPUS,
    index: Path = defaults.INDEX,
    site: Path | None = None,
    *,
    refresh: bool = True,
    progress: Progress | None = None,
    shas: Mapping[str, str] | None = None,
) -> checks.Context:
    """What the rules compare with: the imported registry (if `reference` exists) and the corpus
    index of `corpus` (a folder, or several: a site's), refreshed now (unless `refresh` is False:
    a worker of a run whose index is up to date). The CLI and the Python API both start here, so
    they run the same rules. Close `ctx.corpus` when done. `progress` hears of each phase;
    `shas`: the sha256 of files the caller has read already (`CorpusIndex.refresh`)."""
    from extractor.reference.store import load_registry

    progress = progress or Progress()
    if reference is not None:
        progress.phase("Chargement du registre")
    ctx = checks.Context(registry=load_registry(reference) if reference is not None else None)
    if site is not None:  # a site run: the URLs the site serves, for its links (extractor.run.sitemap)
        from extractor.run.sitemap import SiteMap

        progress.phase("Relevé des pages et des fichiers du site")
        ctx.site = SiteMap.build(site)
    folders = [Path(corpus)] if isinstance(corpus, str | Path) else [Path(f) for f in corpus or []]
    folders = [f for f in folders if f.is_dir()]
    if folders:
        from extractor.corpus.index import CorpusIndex

        ctx.corpus = CorpusIndex(index, folders)
        if refresh:
            progress.phase("Mise à jour de l'index du corpus")
            crew = None
            if site is not None:  # a site run: the processes that index its documents check them
                spec = ContextSpec(reference, tuple(Path(f) for f in folders), index, site)
                crew = functools.partial(_start_crew, ctx, spec)
            # the check reads the analyses made here
            ctx.corpus.refresh(folders, ctx.registry, analyses=ctx.analyses, crew=crew, shas=shas)
    return ctx


def check_document(
    doc: Document,
    only: Iterable[str] | None = None,
    ctx: checks.Context | None = None,
    *,
    levels: Mapping[str, str] | None = None,
    silenced: list[str] | None = None,
) -> list[Finding]:
    """The findings of one document. `levels`: the rule -> severity table that applies to it (the
    `factcheck.toml` of its folder, which the caller reads: `check_paths` for files on disk); a
    document's path alone is never looked up on disk (an upload named like a server's file)."""
    levels = levels or {}
    ranges, _ = suppress.suppressions(doc)
    findings = []
    ignored = 0
    enabled = [rule_id for rule_id, level in levels.items() if level != "off"]  # turns on a rule off by default
    for finding in checks.run(doc, ctx, only, enabled):
        if suppress.silenced(finding, ranges):
            ignored += 1
            if silenced is not None:
                silenced.append(finding.rule)  # the rules of the findings silenced (results kept by group)
            continue
        if finding.rule in levels:
            severity = config.apply(levels[finding.rule], finding.severity)
            if severity is None:
                continue  # the rule is turned off for these files
            finding = finding.model_copy(update={"severity": severity})
        findings.append(finding)
    findings.sort(key=_reading_order)
    if ctx is not None:
        ctx.ignored += ignored
    return fingerprint.assign(findings)


def _reading_order(finding: Finding) -> tuple[int, int, int, int, str]:
    """Findings in the order a reader meets them: page (PDF), line, column; then severity, rule."""
    where = finding.evidence[0].location if finding.evidence else None
    if where is None:
        return (0, 0, 0, SEVERITY_ORDER[finding.severity], finding.rule)
    return (where.page or 0, where.line, where.column, SEVERITY_ORDER[finding.severity], finding.rule)


@dataclass(frozen=True)
class Outcome:
    """What checking one file gave: its summary and findings, or the error that stopped it."""

    document: DocumentSummary | None = None
    findings: list[Finding] = field(default_factory=list)
    detail: DocumentDetail | None = None
    error: InputErrorInfo | None = None
    ignored: int = 0
    skipped: dict[str, SkippedRule] = field(default_factory=dict)  # rules this file's check skipped
    silenced: tuple[str, ...] = ()  # the rules of the findings comments silenced
    pages: tuple[str, ...] = ()  # the site's pages whose anchors its links named
    metrics: tuple[str, ...] = ()  # the metrics its claims state (when there is a corpus to compare with)


def check_paths(
    paths: Sequence[str],
    only: Iterable[str] | None = None,
    *,
    debug: bool = False,
    on_file: Callable[[str], None] | None = None,
    ctx: checks.Context | None = None,
    seconds: float | None = limits.DOCUMENT_SECONDS,
    details: bool = False,
    results: ResultCache | None = None,
    workers: ContextSpec | None = None,
    progress: Progress | None = None,
    documents: Mapping[str, Document] | None = None,
) -> Report:
    """Checks files and folders (or `documents`, read already by the caller: the names in `paths`
    are theirs, nothing is read from disk and no factcheck.toml is looked up by their names).
    Never raises for a bad input file: it is reported in `errors`,
    as is a document that takes more than `seconds` or more memory than the process may use.
    With `details`, the report keeps each document, its claims and its names (`Report.details`),
    so that a renderer that shows the text needs nothing but the report. With `results`, a
    document whose result is kept (same bytes, same run key) is not read again. With `workers`
    (how to open the same context in another process), the files to check are shared among one
    process per core once there are `PARALLEL_FROM` of them (a site run). `progress` hears of
    each phase and each file."""
    started = time.perf_counter()
    ctx = ctx or checks.Context()
    progress = progress or Progress()
    report = Report()
    progress.phase("Recherche des documents")
    files, errors = (list(paths), []) if documents is not None else collect(list(paths))
    report.errors.extend(_error_info(e) for e in errors)
    selected = list(only) if only else None
    progress.phase("Chargement des règles")
    checks.skip_unavailable(ctx, selected)
    outcomes: dict[str, Outcome] = {}
    todo: list[tuple[str, Plan | None]] = []
    if results is not None and not details:
        progress.phase("Reprise des résultats de la vérification précédente", total=len(files))
    for name in files:
        plan = _planned(name, results, selected) if results is not None and not details else None
        if results is not None and not details:
            progress.advance(name)
        if plan is not None and plan.whole:
            if on_file:
                on_file(name)
            entry = plan.entry(_reading_order)
            outcomes[name] = Outcome(document=entry.document, findings=entry.findings, ignored=entry.ignored,
                                     skipped={s.rule: s for s in entry.skipped})  # fmt: skip
            for rule_id, why in outcomes[name].skipped.items():
                ctx.skipped.setdefault(rule_id, why)
        else:
            todo.append((name, plan))
    jobs = os.cpu_count() or 1
    checking = "Vérification des documents" + (f" ({len(files) - len(todo)} repris)" if len(todo) < len(files) else "")
    crew = _CREWS.pop(id(ctx), None)  # the processes that indexed the documents: they check them
    if crew is not None and (details or not todo or documents is not None):
        crew.close()
        crew = None
    items = [(n, _rules_for(n, plan, selected)) for n, plan in todo]
    pooled = workers is not None and jobs > 1 and len(todo) >= PARALLEL_FROM and not details
    if crew is not None:
        progress.phase(checking, total=len(todo))
        done: Iterable[Outcome] = crew.run(
            _check_in_crew, [(n, rules, seconds) for n, rules in items], key=lambda i: i[0]
        )
    elif pooled:
        assert workers is not None
        progress.phase(f"Démarrage de {jobs} processus de vérification")
        done = _in_workers(workers, items, seconds, jobs)
    else:
        progress.phase(checking, total=len(todo))
        given = documents or {}
        done = (_check_one(n, rules, ctx, seconds, debug, details, given.get(n)) for n, rules in items)
    for count, ((name, plan), outcome) in enumerate(zip(todo, done, strict=True)):
        if count == 0 and crew is None and pooled:
            progress.phase(checking, total=len(todo))  # the first answer: the workers are up
        progress.advance(name)
        if on_file:
            on_file(name)
        for rule_id, why in outcome.skipped.items():
            ctx.skipped.setdefault(rule_id, why)
        if results is not None and plan is not None and outcome.document is not None:
            entry = results.keep(plan, outcome.document, outcome.findings, outcome.silenced,
                                 outcome.skipped.values(), outcome.pages, outcome.metrics,
                                 _reading_order)  # fmt: skip
            outcome = Outcome(document=entry.document, findings=entry.findings, ignored=entry.ignored,
                              skipped={s.rule: s for s in entry.skipped})  # fmt: skip
            for rule_id, why in outcome.skipped.items():
                ctx.skipped.setdefault(rule_id, why)
        outcomes[name] = outcome
    for name in files:
        outcome = outcomes[name]
        if outcome.error is not None:
            report.errors.append(outcome.error)
            continue
        assert outcome.document is not None
        report.documents.append(outcome.document)
        report.findings.extend(outcome.findings)
        ctx.ignored += outcome.ignored
        if outcome.detail is not None:
            report.details.append(outcome.detail)
    if crew is not None:
        crew.close()
    report.stats.files = len(files) + len(errors)
    report.stats.documents = len(report.documents)
    report.stats.errors = len(report.errors)
    for finding in report.findings:
        report.stats.findings[finding.severity.value] += 1
    report.stats.ignored = ctx.ignored
    report.stats.skipped_rules = sorted(ctx.skipped)
    report.stats.skipped = [ctx.skipped[r] for r in sorted(ctx.skipped)]
    report.stats.seconds = round(time.perf_counter() - started, 3)
    return report


def _check_one(
    name: str,
    selected: list[str] | None,
    ctx: checks.Context,
    seconds: float | None,
    debug: bool,
    details: bool,
    given: Document | None = None,
) -> Outcome:
    """One file read and checked; an input error, a timeout or a reader's bug as its error."""
    # The rules this document's check skips, on their own (its kept result says so, issue 24):
    # `ctx.skipped` is the run's, and holds them all afterwards.
    before, outer = ctx.ignored, ctx.skipped
    ctx.skipped = {}
    silenced: list[str] = []
    if ctx.site is not None:
        ctx.site.consulted = set()  # the pages whose anchors this document's links name
    try:
        try:
            with limits.time_budget(seconds):
                doc = given if given is not None else ctx.analyses.load(name).document  # analysed once
                levels = config.severities_for(cachekey.real_folder(name)) if given is None else {}
                findings = check_document(doc, selected, ctx, levels=levels, silenced=silenced)
                detail = document_detail(doc, ctx) if details else None
        except InputError as exc:
            return Outcome(error=_error_info(exc))
        except limits.DocumentTimeout:
            message, hint = f"vérification arrêtée après {seconds:g} s", "document trop long ou trop complexe"
            return Outcome(error=InputErrorInfo(path=name, message=message, hint=hint + " ; --timeout pour attendre"))
        except MemoryError:
            message, hint = (
                "vérification arrêtée : mémoire maximale dépassée",
                "PDF ou archive démesurée une fois décompressée ?",
            )
            return Outcome(error=InputErrorInfo(path=name, message=message, hint=hint))
        except FactcheckError:
            raise  # a problem with the run itself (a bad factcheck.toml), not with this file
        except Exception as exc:  # a bug in a reader must not stop the run nor show a traceback
            if debug:
                traceback.print_exc()
            message = f"erreur interne en lisant ce fichier ({type(exc).__name__}: {exc})"
            return Outcome(
                error=InputErrorInfo(path=name, message=message, hint="relancer avec --debug et signaler le problème")
            )
        ignored, ctx.ignored = ctx.ignored - before, before  # counted once, by check_paths
        pages = tuple(sorted(ctx.site.consulted)) if ctx.site is not None else ()
        metrics = tuple(sorted({c.metric_id for c in ctx.claims(doc) if c.metric_id})) if ctx.corpus is not None else ()
        return Outcome(document=summarise(doc), findings=findings, detail=detail, ignored=ignored,
                       skipped=dict(ctx.skipped), silenced=tuple(silenced), pages=pages,
                       metrics=metrics)  # fmt: skip
    finally:
        for rule_id, why in ctx.skipped.items():
            outer.setdefault(rule_id, why)
        ctx.skipped = outer


PARALLEL_FROM = 64  # files to check before a run shares them among processes (a worker costs ~1.5 s)


class ContextSpec(NamedTuple):
    """How to open a run's context in another process: what `open_context` was given (the index
    is refreshed already: a worker only reads it)."""

    reference: Path | None
    corpus: tuple[Path, ...]
    index_path: Path
    site: Path | None


_WORKER: dict[str, object] = {}
_CREWS: dict[int, Crew] = {}  # by id of the run's context: the processes that indexed its documents


def _start_crew(ctx: checks.Context, spec: ContextSpec) -> Crew:
    from extractor.corpus.index import Crew

    crew = _CREWS[id(ctx)] = Crew(os.cpu_count() or 1, _init_crew, (spec, os.getpid()))
    return crew


def _init_crew(spec: ContextSpec, parent: int) -> None:
    from extractor.corpus import index

    _init_checker(spec, None, parent)
    ctx = _WORKER["ctx"]
    assert isinstance(ctx, checks.Context)
    index._NAMES.update(names=ctx.registry, analyses=ctx.analyses)


def _check_in_crew(item: tuple[str, list[str] | None, float | None]) -> Outcome:
    ctx = _WORKER["ctx"]
    assert isinstance(ctx, checks.Context)
    return _check_one(item[0], item[1], ctx, item[2], False, False)


def _init_checker(spec: ContextSpec, seconds: float | None, parent: int) -> None:
    from extractor.corpus.index import watch_parent

    watch_parent(parent)
    ctx = open_context(spec.reference, list(spec.corpus), spec.index_path, site=spec.site, refresh=False)
    _WORKER.update(ctx=ctx, seconds=seconds)


def _check_in_worker(item: tuple[str, list[str] | None]) -> Outcome:
    ctx = _WORKER["ctx"]
    assert isinstance(ctx, checks.Context)
    name, selected = item
    return _check_one(name, selected, ctx, _WORKER["seconds"], False, False)  # type: ignore[arg-type]


def _in_workers(spec: ContextSpec, items: list[tuple[str, list[str] | None]], seconds: float | None,
                jobs: int) -> Iterator[Outcome]:  # fmt: skip
    """The outcome of each file (and the rules to run on it), in order, from `jobs` processes that
    each open the run's context."""
    from extractor.corpus.index import in_processes

    chunk = max(1, min(16, len(items) // (8 * jobs)))
    yield from in_processes(_check_in_worker, items, jobs, _init_checker, (spec, seconds, os.getpid()), chunk)


def _planned(name: str, results: ResultCache, selected: list[str] | None) -> Plan | None:
    """What the file needs of this run (`results.plan`: its kept parts, the groups to run
    again), or None when it cannot be read (its error comes when it is checked)."""
    import hashlib

    from extractor.ingest import read_file
    from extractor.run.results import groups_for

    try:
        digest = results.shas.get(name) or hashlib.sha256(read_file(name)).hexdigest()
    except InputError:
        return None
    levels = config.severities_for(cachekey.real_folder(name))
    enabled = [rule_id for rule_id, level in levels.items() if level != "off"]
    return results.plan(name, digest, groups_for(selected, enabled))


def _rules_for(name: str, plan: Plan | None, selected: list[str] | None) -> list[str] | None:
    """The rules to run on the file: the run's selection, or the missing groups' rules only."""
    if plan is None:
        return selected
    from extractor.run.results import rules_for

    levels = config.severities_for(cachekey.real_folder(name))
    return rules_for(plan, selected, [rule_id for rule_id, level in levels.items() if level != "off"])


def document_detail(doc: Document, ctx: checks.Context) -> DocumentDetail:
    """The document with the claims its rules read and the names the registry knows (no NER)."""
    from extractor.entities.extract import extract_entities

    return DocumentDetail(
        document=doc, claims=ctx.claims(doc), entities=extract_entities(doc, ctx.registry, use_ner=False)
    )


def _error_info(exc: InputError) -> InputErrorInfo:
    return InputErrorInfo(path=exc.path, message=exc.message, hint=exc.hint)


def display_path(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")
