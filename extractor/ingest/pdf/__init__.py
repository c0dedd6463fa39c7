"""PDF reader (pdfplumber): reading order across columns, ruled tables, off-page text dropped.

Measured on Google-Slides exports (DESIGN §9):
- every page is cropped to its box, which drops the off-page white text boxes ("Plan du réseau
  IRIGO ...") while keeping the on-page white text that carries figures ("5 869 442 €");
- pdfplumber's `extract_text()` interleaves side-by-side columns line by line, so the page is
  read from text runs (pdfplumber words with `keep_blank_chars`, split at font changes) ordered
  by a recursive XY-cut: the widest white gap of the region, vertical (between columns) or
  horizontal (between bands), cuts it in two, until only lines remain;
- lines are then grouped into blocks (a vertical gap, a size change, a font change at the line
  boundary or a bullet starts a new block); a slide's title is the largest text at the top;
- ruled tables found by `find_tables()` become `table_cell` blocks with their row and column
  headers, and their words are not read again as paragraphs. Slides draw many boxes that
  pdfplumber also takes for tables (one-cell frames, grids of cards): only grids with at least
  two rows and two filled columns and few merged cells are kept as tables.

The document's text is each page's reading-order text (blocks separated by a blank line, the
lines of a block by a newline, table rows by a newline and their cells by a tab); pages are
separated by "\\n\\f\\n" and `Document.page_starts` gives where each page begins.

The package, one module by concern (each imports only the ones before it):
- `layout`: text runs, lines and the reading order (XY-cut), and the layout objects;
- `tables`: ruled tables, kept when they look like data tables;
- `blocks`: a page's blocks and title, and the `Document` built from the pages;
- `open`: opening the PDF, its errors (encrypted, corrupt, too many pages) and pdfminer's guards;
- here: `read_pdf`, the entry point.
"""

from __future__ import annotations

from extractor.ingest.pdf.blocks import BLOCK_SEPARATOR, CELL_SEPARATOR, PAGE_SEPARATOR, _build
from extractor.ingest.pdf.layout import BBox
from extractor.ingest.pdf.open import MAX_REFERENCE_HOPS, _error, _not_a_pdf, _quiet_pdfminer, _read_pages
from extractor.models import Document

__all__ = ["BLOCK_SEPARATOR", "CELL_SEPARATOR", "MAX_REFERENCE_HOPS", "PAGE_SEPARATOR", "BBox", "read_pdf"]


def read_pdf(data: bytes, path: str, *, max_pages: int = 300) -> Document:
    """Reads a PDF into a `Document` whose blocks carry their page and bbox.

    Raises `InputError` (French message, hint) when the bytes are not a PDF, the file is
    truncated or corrupt (code "unreadable"), password-protected ("encrypted"), longer than
    `max_pages` ("too_many_pages"), or has no text layer at all ("no_text")."""
    if b"%PDF-" not in data[:1024]:
        raise _not_a_pdf(path)
    with _quiet_pdfminer():
        pages, metadata = _read_pages(data, path, max_pages)
    if not pages:
        raise _error(
            path, "PDF illisible : le document ne contient aucune page", "télécharger ou exporter à nouveau le document"
        )
    if not any(page.items for page in pages):
        raise _error(
            path,
            "PDF sans texte : aucune page n'a de couche texte",
            "document numérisé sans couche texte : passer le fichier à l'OCR (ocrmypdf) avant de le vérifier",
            code="no_text",
        )
    return _build(data, path, pages, metadata)
