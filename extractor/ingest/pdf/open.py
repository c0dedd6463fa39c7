"""Opening a PDF with pypdfium2 and reading its pages within the limits: errors, encryption, page
count, and what PDFium must not be given.

- every failure is an `InputError` with a French message, a hint and a code: "unreadable" (not a
  PDF, truncated, corrupt), "encrypted", "too_many_pages", "too_complex" (a stream that inflates
  beyond what the reader accepts);
- a file whose end marker (%%EOF) is not in its last KB is truncated: PDFium would rebuild what
  it can of it and read part of the document without a word;
- the page count is checked before any page is read; pages are read one at a time and released
  (`pdfium.read_page`), and laid out at once, so that memory does not grow with the page count;
- PDFium aborts the whole process when an allocation fails (under the CLI's address-space cap),
  where pdfminer raised MemoryError: before PDFium sees the file, the streams it would decode
  are measured (`streams`), and a file whose streams inflate too far is "too_complex".

The per-document time budget is not set here: `extractor/ingest/limits.py` sets it around the reader
(its timer fires between two PDFium calls; one page's call is short).
"""

from __future__ import annotations

from typing import Any

from extractor.errors import InputError
from extractor.ingest.pdf.blocks import _layout_page, _Page
from extractor.ingest.pdf.layout import _runs_from_chars
from extractor.ingest.pdf.pagetree import MAX_COUNTED, count_pages
from extractor.ingest.pdf.pdfium import PageError, read_page
from extractor.ingest.pdf.streams import TooLarge, check_streams
from extractor.ingest.pdf.tables import _ruled_grids

_EOF_WINDOW = 1024  # the PDF specification's window for the %%EOF marker

# --------------------------------------------------------------------------- errors


def _error(path: str, message: str, hint: str | None = None, code: str = "unreadable") -> InputError:
    return InputError(path, message, hint, code=code)


def _not_a_pdf(path: str) -> InputError:
    return _error(
        path,
        "ce fichier n'est pas un PDF (la signature %PDF est absente)",
        "vérifier l'extension du fichier, ou exporter le document au format PDF",
    )


def _unreadable(path: str, what: str, detail: str) -> InputError:
    return _error(
        path,
        f"PDF illisible : le fichier est {what} ({detail})",
        "télécharger ou exporter à nouveau le document, puis relancer la vérification",
    )


def _too_heavy(path: str) -> InputError:
    return _error(
        path,
        "PDF trop lourd : un de ses flux dépasse la taille maximale une fois décompressé (bombe de décompression ?)",
        "exporter à nouveau le document, ou le découper",
        code="too_complex",
    )


def _encrypted(path: str) -> InputError:
    return _error(
        path,
        "PDF chiffré : le document est protégé par un mot de passe",
        "retirer la protection (ou demander une version non protégée) avant de le vérifier",
        code="encrypted",
    )


def _too_many_pages(path: str, count: int, max_pages: int) -> InputError:
    pages = f"plus de {MAX_COUNTED}" if count > MAX_COUNTED else str(count)
    return _error(
        path,
        f"PDF trop long : {pages} pages (maximum {max_pages})",
        "découper le document ou n'en vérifier qu'une partie",
        code="too_many_pages",
    )


# --------------------------------------------------------------------------- opening and reading


def _open(data: bytes, path: str) -> Any:
    import pypdfium2

    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        import pypdfium2.raw as pdfium_c

        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise _encrypted(path) from None
        raise _unreadable(path, "corrompu", "structure du fichier") from None


def _metadata(document: Any) -> dict[str, Any]:
    try:
        title = document.get_metadata_value("Title")
    except Exception:  # damaged metadata: no title
        return {}
    return {"Title": title} if title else {}


def _read_pages(data: bytes, path: str, max_pages: int) -> tuple[list[_Page], dict[str, Any]]:
    """Opens the PDF, checks its page count, then reads and lays out its pages one at a time."""
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise _unreadable(path, "tronqué", "marqueur de fin %%EOF absent")
    try:
        check_streams(data)
    except TooLarge:
        raise _too_heavy(path) from None
    document = _open(data, path)
    try:
        count = len(document)
        walked = count_pages(data)  # PDFium trusts the root's /Count, which may say less
        if max(count, walked or 0) > max_pages:
            raise _too_many_pages(path, max(count, walked or 0), max_pages)
        if walked is not None and walked > count:
            raise _error(
                path,
                f"PDF incohérent : il annonce {count} page(s) mais son arbre des pages en contient {walked} ;"
                " seules les premières seraient lues",
                "exporter à nouveau le document en PDF, puis relancer la vérification",
            )
        pages: list[_Page] = []
        for index in range(count):
            try:
                content = read_page(document.raw, index)
            except PageError as exc:
                raise _unreadable(path, "corrompu", str(exc)) from None
            runs = _runs_from_chars(content.chars)
            grids = _ruled_grids(content.edges) if runs else []
            pages.append(_layout_page(index + 1, content.box, runs, grids))
        metadata = _metadata(document)
    finally:
        document.close()
    return pages, metadata
