"""Opening a PDF and reading its pages within the limits: errors, encryption, page count, and
pdfminer's quirks.

- every failure is an `InputError` with a French message, a hint and a code: "unreadable" (not a
  PDF, truncated, corrupt), "encrypted", "too_many_pages", "too_complex" (a stream that inflates
  beyond the memory cap);
- the page count the catalog declares is checked before any page is parsed, then the page list's;
- pdfminer is guarded: a chain of indirect references is followed at most MAX_REFERENCE_HOPS
  times, its warnings are muted while it reads, its lazy failures on broken page content are
  reported as a corrupt PDF, and only the pages that were read are closed.

The memory cap and the per-document time budget are not set here: `extractor/limits.py` sets them
around the reader (the CLI's entry point, `pipeline`, the corpus index).
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
from collections.abc import Iterator
from typing import Any

from extractor.errors import InputError
from extractor.ingest.pdf.blocks import _Page, _read_page

# --------------------------------------------------------------------------- errors


def _error(path: str, message: str, hint: str | None = None, code: str = "unreadable") -> InputError:
    return InputError(path, message, hint, code=code)


def _not_a_pdf(path: str) -> InputError:
    return _error(
        path,
        "ce fichier n'est pas un PDF (la signature %PDF est absente)",
        "vérifier l'extension du fichier, ou exporter le document au format PDF",
    )


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


def _encrypted(path: str) -> InputError:
    return _error(
        path,
        "PDF chiffré : le document est protégé par un mot de passe",
        "retirer la protection (ou demander une version non protégée) avant de le vérifier",
        code="encrypted",
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


def _too_many_pages(path: str, count: int, max_pages: int) -> InputError:
    return _error(
        path,
        f"PDF trop long : {count} pages (maximum {max_pages})",
        "découper le document ou n'en vérifier qu'une partie",
        code="too_many_pages",
    )


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
