"""The former PDF reader on pdfplumber (pdfminer), kept for the benchmark only (`bench/pdf_reader.py`
measures the pypdfium2 reader against it): `read_pdf_plumber` reads a PDF as factcheck read it
before issue 17, with the same layout, tables and blocks as today's reader. No other code uses it.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
from collections.abc import Iterator
from typing import Any

from extractor.errors import InputError
from extractor.ingest.pdf.blocks import _build, _layout_page, _Page
from extractor.ingest.pdf.layout import _bbox, _Run, _run
from extractor.ingest.pdf.open import _encrypted, _error, _too_many_pages
from extractor.ingest.pdf.tables import Grid
from extractor.models import Document


def read_pdf_plumber(data: bytes, path: str, *, max_pages: int = 300) -> Document:
    """The document as the pdfplumber reader built it (no error handling beyond its own)."""
    with _quiet_pdfminer():
        pages, metadata = _read_pages(data, path, max_pages)
    return _build(data, path, pages, metadata)


def _read_page(page: Any, number: int) -> _Page:
    cropped = page.within_bbox(page.bbox)  # drops off-page text (white boxes beyond the slide)
    runs = _runs(cropped)
    grids: list[Grid] = []
    if runs:
        for found in cropped.find_tables():
            rows = [[_bbox(cell) if cell is not None else None for cell in row.cells] for row in found.rows]
            grids.append((_bbox(found.bbox), rows))
    return _layout_page(number, _bbox(page.bbox), runs, grids)


def _runs(page: Any) -> list[_Run]:
    """The page's text runs (pdfplumber words keeping their inner spaces, split at changes of
    font or size)."""
    words = page.extract_words(keep_blank_chars=True, use_text_flow=False, extra_attrs=["size", "fontname"])
    runs: list[_Run] = []
    for w in words:
        run = _run(
            w["text"],
            float(w["x0"]),
            float(w["top"]),
            float(w["x1"]),
            float(w["bottom"]),
            float(w.get("size") or 0.0),
            str(w.get("fontname", "")),
        )
        if run is not None:
            runs.append(run)
    return runs


# --------------------------------------------------------------------------- errors


def _corrupt(path: str, exc: BaseException) -> InputError:
    if isinstance(exc, MemoryError):  # a stream that inflates beyond the memory cap (limits.py)
        return _error(
            path,
            "PDF trop lourd : la mémoire maximale a été dépassée en le décompressant (bombe de décompression ?)",
            "exporter à nouveau le document, ou le découper",
            code="too_complex",
        )
    what = "tronqué" if _is_eof(exc) else "corrompu"
    return _error(
        path,
        f"PDF illisible : le fichier est {what} ({type(exc).__name__})",
        "télécharger ou exporter à nouveau le document, puis relancer la vérification",
    )


def _is_eof(exc: BaseException) -> bool:
    from pdfminer.psexceptions import PSEOF

    return isinstance(exc, PSEOF) or "EOF" in str(exc)


def _root_cause(exc: BaseException) -> BaseException:
    """pdfplumber wraps pdfminer's exceptions in `PdfminerException(original)`."""
    from pdfplumber.utils.exceptions import PdfminerException

    while isinstance(exc, PdfminerException) and exc.args and isinstance(exc.args[0], BaseException):
        exc = exc.args[0]
    return exc


# --------------------------------------------------------------------------- opening and reading


MAX_REFERENCE_HOPS = 64


@functools.cache
def _guard_reference_loops() -> None:
    """pdfminer follows a chain of indirect references (`2 0 obj 2 0 R endobj`) with no end: a
    damaged file of a few hundred bytes kept the reader busy until its time budget (found by the
    long fuzz run). `PDFObjRef.resolve` is wrapped once to follow the chain itself and fail after
    MAX_REFERENCE_HOPS, which the reader reports as an unreadable PDF."""
    from pdfminer.pdftypes import PDFObjRef
    from pdfminer.psparser import PSSyntaxError

    resolve = PDFObjRef.resolve

    def bounded(self: Any, default: Any = None) -> Any:
        value = resolve(self, default)
        for _ in range(MAX_REFERENCE_HOPS):
            if not isinstance(value, PDFObjRef):
                return value
            value = resolve(value, default)
        raise PSSyntaxError(f"boucle de références indirectes (objet {self.objid})")

    PDFObjRef.resolve = bounded  # type: ignore[method-assign]


def _open(data: bytes, path: str) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError

    _guard_reference_loops()

    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        cause = _root_cause(exc)
        if isinstance(cause, PDFEncryptionError) or (b"/Encrypt" in data and not _is_eof(cause)):
            raise _encrypted(path) from exc
        raise _corrupt(path, cause) from exc


def _close(pdf: Any) -> None:
    """Closes the pages that were read. Not `pdf.close()`: it walks the page tree again, which
    fails on a broken one, or never ends (a reference that resolves to itself)."""
    with contextlib.suppress(Exception):  # the error that matters was raised already, if any
        for page in pdf.__dict__.get("_pages", []):
            page.close()
        pdf.flush_cache()


def _declared_pages(pdf: Any) -> int | None:
    """The page count the catalog declares (cheap: no page is parsed)."""
    try:
        from pdfminer.pdftypes import resolve1

        count = resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"])
        return count if isinstance(count, int) else None
    except Exception:
        return None


@contextlib.contextmanager
def _quiet_pdfminer() -> Iterator[None]:
    """pdfminer logs a warning for every oddity of a damaged file; the reader reports errors
    itself, so its warnings are muted while it reads."""
    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _read_pages(data: bytes, path: str, max_pages: int) -> tuple[list[_Page], dict[str, Any]]:
    """Opens the PDF once, checks its page count, then lays out every page."""
    pdf = _open(data, path)
    try:
        declared = _declared_pages(pdf)
        if declared is not None and declared > max_pages:
            raise _too_many_pages(path, declared, max_pages)
        try:
            plumber_pages = pdf.pages
            if len(plumber_pages) > max_pages:
                raise _too_many_pages(path, len(plumber_pages), max_pages)
            pages = [_read_page(p, i + 1) for i, p in enumerate(plumber_pages)]
            metadata = dict(pdf.metadata or {})
        except InputError:
            raise
        except Exception as exc:  # pdfminer fails lazily on broken page content
            raise _corrupt(path, _root_cause(exc)) from exc
    finally:
        _close(pdf)
    return pages, metadata
