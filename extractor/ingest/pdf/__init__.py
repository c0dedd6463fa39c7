"""PDF reader (pypdfium2): reading order across columns, ruled tables, off-page text dropped.

Measured on Google-Slides exports (DESIGN §9):
- only characters wholly inside the page's media box are read, which drops the off-page white text
  boxes ("Plan du réseau IRIGO ...") while keeping the on-page white text that carries figures
  ("5 869 442 €"); invisible text is dropped too, unless the page has an image (an OCR layer);
- a plain text extraction interleaves side-by-side columns line by line, so the page is read from
  text runs (characters grouped as pdfplumber groups words with `keep_blank_chars`, split at font
  changes) ordered by a recursive XY-cut: the widest white gap of the region, vertical (between
  columns) or horizontal (between bands), cuts it in two, until only lines remain;
- lines are then grouped into blocks (a vertical gap, a size change, a font change at the line
  boundary or a bullet starts a new block); a slide's title is the largest text at the top;
- ruled tables (pdfplumber's grid finder, run on the edges of the page's path objects, on pages
  that have both horizontal and vertical rules) become `table_cell` blocks with their row and
  column headers, and their words are not read again as paragraphs. Slides draw many boxes that
  also look like tables (one-cell frames, grids of cards): only grids with at least two rows and
  two filled columns and few merged cells are kept as tables.

The document's text is each page's reading-order text (blocks separated by a blank line, the
lines of a block by a newline, table rows by a newline and their cells by a tab); pages are
separated by "\\n\\f\\n" and `Document.page_starts` gives where each page begins.

Pages are read one at a time and released (PDFium's page and text page closed) once laid out:
memory does not grow with the page count beyond the document's text and blocks.

The package, one module by concern (each imports only the ones before it):
- `layout`: characters, text runs, lines and the reading order (XY-cut), and the layout objects;
- `tables`: ruled tables, kept when they look like data tables;
- `blocks`: a page's blocks and title, and the `Document` built from the pages;
- `pdfium`: a page's characters and rules, read with pypdfium2;
- `streams`: how far the file's streams inflate, measured before PDFium decodes them;
- `pagetree`: how many pages the page tree holds, counted from its objects (not its `/Count`);
- `open`: opening the PDF, its errors (encrypted, corrupt, truncated, too many pages, streams
  that inflate too far) and reading its pages;
- `plumber`: the former pdfplumber reader, for the benchmark only;
- here: `read_pdf`, the entry point.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import os
import pickle
import signal
import threading
from collections.abc import Iterator
from typing import cast

from extractor.ingest.pdf.blocks import BLOCK_SEPARATOR, CELL_SEPARATOR, PAGE_SEPARATOR, _build
from extractor.ingest.pdf.layout import BBox
from extractor.ingest.pdf.open import _error, _not_a_pdf, _read_pages
from extractor.ingest.pdf.streams import MAX_INFLATED_STREAM
from extractor.models import Document

__all__ = ["BLOCK_SEPARATOR", "CELL_SEPARATOR", "MAX_INFLATED_STREAM", "PAGE_SEPARATOR", "BBox", "read_pdf"]


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while the pages are read and the document built:
    reading allocates millions of small objects (characters, runs, blocks) that hold no
    reference cycles, and each collection walks every object the pages already read keep alive,
    which took half the time of a 300-page PDF."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# PDFium aborts its process when an allocation fails (or on a bug of its own): whatever
# `streams` misses would end the whole run without a report. Where the process can fork, from its
# main thread, and its other threads are daemons (the progress line or bar of a CLI run: CI runs
# have one), a PDF is read in a child process, which sends the Document back; its death is
# this file's "PDF illisible" and the run goes on. The fork and the Document's pickle cost about
# 40 ms a PDF: the site's 29 PDFs read in 10.4 s instead of 9.1 s (measured on a loaded machine).
# The service's workers are such processes already (their memory is watched, their death
# answered): they set FACTCHECK_PDF_CHILD=0, so that a PDF's memory stays theirs.
GUARDED = hasattr(os, "fork")


def read_pdf(data: bytes, path: str, *, max_pages: int = 300) -> Document:
    """Reads a PDF into a `Document` (see `_read_pdf`), in a child process when it can (GUARDED):
    the child's death (PDFium's abort) is an InputError "unreadable" for this file."""
    if GUARDED and _may_fork() and os.environ.get("FACTCHECK_PDF_CHILD") != "0":
        return _in_child(data, path, max_pages)
    return _read_pdf(data, path, max_pages=max_pages)


def _may_fork() -> bool:
    """From the main thread, when every other thread is a daemon (a progress display): the child
    runs only the reader and writes only to its pipe, so no lock another thread may hold at the
    fork is needed there; and should it hang all the same, the time budget kills it. A thread
    pool (the service's, a test client's) is no daemon: no fork there.

    >>> _may_fork()
    True
    """
    main = threading.main_thread()
    return threading.current_thread() is main and all(t is main or t.daemon for t in threading.enumerate())


def _in_child(data: bytes, path: str, max_pages: int) -> Document:
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: reads, sends ("ok", doc) or ("raise", exception), and exits
        code = 0
        try:
            faulthandler.disable()  # PDFium's abort is reported by the parent, not as a crash dump
            _die_with_parent()
            os.close(reader)
            try:
                result: tuple[str, object] = ("ok", _read_pdf(data, path, max_pages=max_pages))
            except BaseException as exc:
                result = ("raise", exc)
            try:
                payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as exc:
                payload = pickle.dumps(("raise", RuntimeError(f"{type(exc).__name__}: {exc}")))
            with os.fdopen(writer, "wb") as out:
                out.write(payload)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(writer)
    try:
        with os.fdopen(reader, "rb") as incoming:
            payload = incoming.read()
        _, status = os.waitpid(pid, 0)
    except BaseException:  # the time budget expired (DocumentTimeout), or an interrupt
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        raise
    if not payload:
        raise _reader_died(path, status)
    kind, value = pickle.loads(payload)
    if kind == "raise":
        raise cast(BaseException, value)
    return cast(Document, value)


def _die_with_parent() -> None:
    """Linux: this process is killed with its parent (a service worker stopped from outside
    leaves no reader running on its own)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _reader_died(path: str, status: int) -> Exception:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number == signal.SIGKILL:  # the kernel's out-of-memory killer
            return MemoryError()
        how = f"signal {number}"
        with contextlib.suppress(ValueError):
            how = f"signal {signal.Signals(number).name}"
    else:
        how = f"code {os.WEXITSTATUS(status)}"
    return _error(
        path,
        f"PDF illisible : le lecteur PDF (PDFium) s'est arrêté sur ce fichier ({how})",
        "exporter à nouveau le document en PDF, puis relancer la vérification",
    )


def _read_pdf(data: bytes, path: str, *, max_pages: int = 300) -> Document:
    """Reads a PDF into a `Document` whose blocks carry their page and bbox.

    Raises `InputError` (French message, hint) when the bytes are not a PDF, the file is
    truncated or corrupt (code "unreadable"), password-protected ("encrypted"), longer than
    `max_pages` ("too_many_pages"), has a stream that inflates too far ("too_complex"), or has no
    text layer at all ("no_text")."""
    if b"%PDF-" not in data[:1024]:
        raise _not_a_pdf(path)
    with _collector_paused():
        pages, metadata = _read_pages(data, path, max_pages)
        if not pages:
            raise _error(
                path,
                "PDF illisible : le document ne contient aucune page",
                "télécharger ou exporter à nouveau le document",
            )
        if not any(page.items for page in pages):
            raise _error(
                path,
                "PDF sans texte : aucune page n'a de couche texte",
                "document numérisé sans couche texte : passer le fichier à l'OCR (ocrmypdf) avant de le vérifier",
                code="no_text",
            )
        doc = _build(data, path, pages, metadata)
        del pages  # freed before the collector resumes: it would walk every run and line
    return doc
