"""The pipeline, end to end: files -> documents -> findings -> report (DESIGN §2).

Each file is read on its own: a file that cannot be read becomes an error entry in the report
and the run goes on with the others.
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from extractor import checks, config, defaults, fingerprint, limits, suppress
from extractor.errors import FactcheckError, InputError
from extractor.ingest import collect, load
from extractor.models import Document, DocumentDetail, Finding, InputErrorInfo, Report, Severity, summarise

SEVERITY_ORDER = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}


def open_context(
    reference: Path | None = defaults.REFERENCE,
    corpus: Path | Sequence[Path] | None = defaults.CORPUS,
    index: Path = defaults.INDEX,
) -> checks.Context:
    """What the rules compare with: the imported registry (if `reference` exists) and the corpus
    index of `corpus` (a folder, or several: a site's), refreshed now. The CLI and the Python API
    both start here, so they run the same rules. Close `ctx.corpus` when done."""
    from extractor.reference.store import load_registry

    ctx = checks.Context(registry=load_registry(reference) if reference is not None else None)
    folders = [Path(corpus)] if isinstance(corpus, str | Path) else [Path(f) for f in corpus or []]
    folders = [f for f in folders if f.is_dir()]
    if folders:
        from extractor.corpus.index import CorpusIndex

        ctx.corpus = CorpusIndex(index, folders)
        ctx.corpus.refresh(folders, ctx.registry)
    return ctx


def check_document(
    doc: Document, only: Iterable[str] | None = None, ctx: checks.Context | None = None
) -> list[Finding]:
    levels = config.severities_for(Path(doc.path).resolve().parent) if Path(doc.path).exists() else {}
    ranges, _ = suppress.suppressions(doc)
    findings = []
    ignored = 0
    for finding in checks.run(doc, ctx, only):
        if suppress.silenced(finding, ranges):
            ignored += 1
            continue
        if finding.rule in levels:
            severity = config.apply(levels[finding.rule], finding.severity)
            if severity is None:
                continue  # the rule is turned off for these files
            finding = finding.model_copy(update={"severity": severity})
        findings.append(finding)
    findings.sort(key=lambda f: (f.evidence[0].location.line if f.evidence else 0, SEVERITY_ORDER[f.severity], f.rule))
    if ctx is not None:
        ctx.ignored += ignored
    return fingerprint.assign(findings)


def check_paths(
    paths: Sequence[str],
    only: Iterable[str] | None = None,
    *,
    debug: bool = False,
    on_file: Callable[[str], None] | None = None,
    ctx: checks.Context | None = None,
    seconds: float | None = limits.DOCUMENT_SECONDS,
    details: bool = False,
) -> Report:
    """Checks files and folders. Never raises for a bad input file: it is reported in `errors`,
    as is a document that takes more than `seconds` or more memory than the process may use.
    With `details`, the report keeps each document, its claims and its names (`Report.details`),
    so that a renderer that shows the text needs nothing but the report."""
    started = time.perf_counter()
    ctx = ctx or checks.Context()
    report = Report()
    files, errors = collect(list(paths))
    report.errors.extend(_error_info(e) for e in errors)
    selected = list(only) if only else None
    for name in files:
        if on_file:
            on_file(name)
        try:
            with limits.time_budget(seconds):
                doc = load(name)
                findings = check_document(doc, selected, ctx)
                detail = document_detail(doc, ctx) if details else None
        except InputError as exc:
            report.errors.append(_error_info(exc))
            continue
        except limits.DocumentTimeout:
            message, hint = f"vérification arrêtée après {seconds:g} s", "document trop long ou trop complexe"
            report.errors.append(InputErrorInfo(path=name, message=message, hint=hint + " ; --timeout pour attendre"))
            continue
        except MemoryError:
            message, hint = (
                "vérification arrêtée : mémoire maximale dépassée",
                "PDF ou archive démesurée une fois décompressée ?",
            )
            report.errors.append(InputErrorInfo(path=name, message=message, hint=hint))
            continue
        except FactcheckError:
            raise  # a problem with the run itself (a bad factcheck.toml), not with this file
        except Exception as exc:  # a bug in a reader must not stop the run nor show a traceback
            if debug:
                traceback.print_exc()
            report.errors.append(
                InputErrorInfo(
                    path=name,
                    message=f"erreur interne en lisant ce fichier ({type(exc).__name__}: {exc})",
                    hint="relancer avec --debug et signaler le problème",
                )
            )
            continue
        report.documents.append(summarise(doc))
        report.findings.extend(findings)
        if detail is not None:
            report.details.append(detail)
    report.stats.files = len(files) + len(errors)
    report.stats.documents = len(report.documents)
    report.stats.errors = len(report.errors)
    for finding in report.findings:
        report.stats.findings[finding.severity.value] += 1
    report.stats.ignored = ctx.ignored
    report.stats.skipped_rules = sorted(ctx.skipped)
    report.stats.seconds = round(time.perf_counter() - started, 3)
    return report


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
