"""What a worker process does for the service: load once, then check, extract or render documents.

These are plain module-level functions so that the parent can send them to a worker by name.
Errors meant for the user are raised as `ServiceError` (status, stable code, French message).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from extractor import checks, engines
from extractor.errors import InputError
from extractor.models import Document, Extraction, FailOn, Report

INPUT_STATUS = {"too_large": 413, "unsupported": 415, "too_many_pages": 422}

_STATE: dict[str, Any] = {}


class ServiceError(Exception):
    """An answer other than 200: HTTP status, a stable English code, a French message and hint."""

    def __init__(self, status: int, code: str, message_fr: str, hint_fr: str | None = None) -> None:
        super().__init__(status, code, message_fr, hint_fr)  # args, so that it pickles across processes
        self.status, self.code, self.message_fr = status, code, message_fr
        self.hint_fr = hint_fr  # what to do; None: the code's default hint (service/errors.py)


def init(reference: Path, corpus_index: tuple[Path, Path] | None, max_pages: int) -> None:
    """Runs once in each worker: the registry (if imported), the rules, the vocabulary, the gazetteer."""
    from extractor.claims import vocabulary
    from extractor.reference.store import load_registry

    _STATE["registry"] = load_registry(reference)
    _STATE["corpus"] = corpus_index
    _STATE["max_pages"] = max_pages
    checks.rules()
    for engine in engines.names():  # loaded now (a dictionary takes a moment), not on a first request
        engines.probe(engine)
    vocabulary._compiled()
    if _STATE["registry"] is not None:  # the gazetteer of the HTML report, built now, not on a first request
        from extractor.entities.gazetteer import matcher_for
        from extractor.entities.nlp import load_tokenizer

        matcher_for(load_tokenizer(), _STATE["registry"])


def _load(data: bytes, name: str, date: str | None) -> Document:
    from extractor.ingest import read_bytes

    try:
        doc = read_bytes(data, name, max_pages=_STATE["max_pages"])
    except InputError as exc:
        raise ServiceError(INPUT_STATUS.get(exc.code, 422), exc.code, exc.message, exc.hint) from None
    if date:
        try:
            doc.date = dt.date.fromisoformat(date)
        except ValueError:
            raise ServiceError(422, "invalid_date", "date attendue au format AAAA-MM-JJ") from None
    return doc


def _checked(data: bytes, name: str, date: str | None, only: list[str] | None, details: bool = False) -> Report:
    """The document's report (with the document, its claims and names when `details`): the run's
    (extractor.run.check_documents), as `factcheck check` gives for the same text in a file."""
    from extractor.corpus.index import CorpusIndex
    from extractor.run import check_documents

    started = time.perf_counter()
    doc = _load(data, name, date)
    corpus = CorpusIndex(*_STATE["corpus"]) if _STATE["corpus"] else None
    ctx = checks.Context(registry=_STATE["registry"], corpus=corpus)
    try:
        report = check_documents({name: doc}, only, ctx, details=details)
    finally:
        if corpus is not None:
            corpus.close()
    report.stats.seconds = round(time.perf_counter() - started, 3)  # in the worker, from the bytes received
    return report


def check(data: bytes, name: str, date: str | None, only: list[str] | None, fail_on: FailOn = FailOn.error) -> bytes:
    """The report as JSON bytes: serialised here, in the worker, so that the parent only relays it."""
    report = _checked(data, name, date, only)
    report.failed = fail_on.reached_by(report.findings)
    return report.model_dump_json().encode()


def extract(data: bytes, name: str, date: str | None) -> bytes:
    from extractor.claims.resolve import extract_claims
    from extractor.entities.extract import extract_entities
    from extractor.models import summarise

    doc = _load(data, name, date)
    registry = _STATE["registry"]
    extraction = Extraction(document=summarise(doc), claims=extract_claims(doc, registry),
                            entities=extract_entities(doc, registry, use_ner=False))  # fmt: skip
    return extraction.model_dump_json().encode()


def report_html(data: bytes, name: str, date: str | None) -> str:
    from extractor.report import html

    return html.render(_checked(data, name, date, None, details=True))
