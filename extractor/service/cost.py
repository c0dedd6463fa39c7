"""What a request will cost a worker, estimated from its body before it is queued (issue 24, item 10).

The per-client limits of `guard.py` count bytes; the work a document costs grows with its figures
and its table cells (about a millisecond each: a 2 MB HTML table is some 130,000 cells, minutes of
work), not with its bytes. So the service reads the body once, cheaply, in the parent:

- text, Markdown, HTML: the runs of digits (each is a figure to read and resolve) and the table
  cells (`<td`, `<th` in HTML; `|` in Markdown and text, an upper bound of a pipe table's cells);
- PDF: its pages (the uncompressed page objects, else the largest `/Count` of a page tree; unknown:
  one page per 20 KB), each worth `PDF_PAGE_UNITS`;
- DOCX: the same counts in `word/document.xml`, inflated in bounded chunks (`<w:tc` for a cell).

A document whose estimate is over `limits.SERVICE_MAX_WORK` is refused at once (413
`too_much_work`) instead of holding a worker until its timeout; one under
`limits.SERVICE_SMALL_WORK` is a small check, for which the pool keeps a worker free (see
`WorkerPool.run`): a one-line check is answered while big ones run.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from extractor.ingest import limits

PDF_PAGE_UNITS = limits.SERVICE_PDF_PAGE_WORK
PDF_BYTES_PER_PAGE = 20_000  # when a PDF's page count cannot be read without decoding its streams
CHUNK = 1 << 20
_TO_FLAGS = bytes(ord("1") if 48 <= i <= 57 else ord("0") for i in range(256))
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_COUNT = re.compile(rb"/Count\s+(\d{1,7})")
_TAG = re.compile(rb"<[^<>]*>")


@dataclass(frozen=True)
class Cost:
    figures: int = 0  # runs of digits
    cells: int = 0  # table cells (an upper bound)
    pages: int = 0  # PDF pages

    @property
    def units(self) -> int:
        return self.figures + self.cells + self.pages * PDF_PAGE_UNITS

    def described(self) -> str:
        """In French, what the estimate counted."""
        if self.pages:
            return f"{self.pages} pages"
        return f"environ {self.figures} nombres et {self.cells} cellules de tableau"


def _digit_runs(data: bytes) -> int:
    """How many runs of ASCII digits `data` holds (one translate and one count: no regex)."""
    flags = data.translate(_TO_FLAGS)
    return flags.count(b"01") + (1 if flags[:1] == b"1" else 0)


def _text(data: bytes, suffix: str, enough: int) -> Cost:
    if suffix in (".html", ".htm"):
        lower = data.lower()
        cells = lower.count(b"<td") + lower.count(b"<th")
        if cells > enough:  # already too much: the figures need not be counted
            return Cost(cells=cells)
        return Cost(figures=_digit_runs(_TAG.sub(b" ", data)), cells=cells)  # not the digits of attributes
    return Cost(figures=_digit_runs(data), cells=data.count(b"|"))


def _pdf(data: bytes) -> Cost:
    pages = len(_PAGE.findall(data))
    if not pages:
        pages = max((int(n) for n in _COUNT.findall(data)), default=0)
    return Cost(pages=pages or max(1, len(data) // PDF_BYTES_PER_PAGE))


def _docx(data: bytes, enough: int) -> Cost:
    """Counts in word/document.xml, inflated a chunk at a time, stopping once past `enough` units
    (the rest cannot make it cheaper); an unreadable archive costs nothing here: the reader says
    what is wrong with it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        info = archive.getinfo("word/document.xml")
        if info.file_size > min(limits.MAX_DOCX_INFLATED_BYTES, max(1, info.compress_size) * limits.MAX_DOCX_RATIO):
            return Cost()  # a zip bomb, which the reader refuses from the archive's directory at once
        stream = archive.open(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError, zlib.error):
        return Cost()
    figures = cells = inflated = 0
    tail = b""
    try:
        with stream:
            while figures + cells <= enough and inflated <= limits.MAX_DOCX_INFLATED_BYTES:  # then: the reader's
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                inflated += len(chunk)
                block = tail + chunk
                cut = block.rfind(b">") + 1 if len(chunk) == CHUNK else len(block)  # no tag across chunks
                if cut == 0 and len(block) > CHUNK:  # no tag at all: counted as it is, not carried on
                    cut = len(block)
                done, tail = block[:cut], block[cut:]
                cells += done.count(b"<w:tc>") + done.count(b"<w:tc ")
                figures += _digit_runs(_TAG.sub(b" ", done))  # the text's digits, not the markup's
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
        pass
    return Cost(figures=figures, cells=cells)


def estimate(data: bytes, name: str, enough: int = limits.SERVICE_MAX_WORK) -> Cost:
    """The estimated cost of checking `data` (named `name`: its suffix gives its format)."""
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        return _pdf(data)
    if suffix == ".docx":
        return _docx(data, enough)
    return _text(data, suffix, enough)
