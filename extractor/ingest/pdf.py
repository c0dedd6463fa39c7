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
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import io
import logging
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from extractor.errors import InputError
from extractor.models import Block, BlockKind, Document, Span

PAGE_SEPARATOR = "\n\f\n"
BLOCK_SEPARATOR = "\n\n"
CELL_SEPARATOR = "\t"

# Thousands separators that must survive both NFKC and white-space collapsing.
_KEPT_SPACES = "\u00a0\u202f"
_HAS_CONTENT = re.compile(r"\w")
_WS_RUN = re.compile(r"[ \t\r\n\f\v]+")
_KEPT_SPACE_SPLIT = re.compile(f"([{_KEPT_SPACES}])")
_BULLETS = frozenset("-–•●▪◦‣○■►✓✔")
_LETTERS_MIN = 3  # a heading has at least this many letters (big figures are not titles)
_HEADING_MAX_CHARS = 120
_HEADING_RATIO = 1.15  # a heading is at least this much larger than the page's other text
_HEADING_TOP = 0.45  # ... and starts in this top fraction of the page
_SIZE_TOLERANCE = 0.1  # lines whose sizes differ by more than this start a new block
_LINE_GAP = 0.8  # a vertical gap larger than this many font sizes starts a new block
_SAME_LINE_GAP = 2.5  # ... but a narrower gap between two parts of a line is a wide space
_MIN_COLUMN_GAP = 1.0  # a vertical cut needs a white gap of at least this many font sizes
_COLUMN_GAP_WEIGHT = 0.5  # a vertical gap weighs this much of its width against horizontal gaps
_EQUAL_GAP = 0.5  # gaps within this many points of the widest one are cut at the same time
_MAX_MERGED_CELLS = 0.25  # a "table" with more merged (None) cells is a layout of boxes

BBox = tuple[float, float, float, float]


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


# --------------------------------------------------------------------------- text normalisation


def _nfkc(text: str) -> str:
    """NFKC (ligatures such as "ﬀ"), except for U+00A0 and U+202F, which NFKC would turn into
    plain spaces; also drops private-use glyphs (icons) and turns BEL into a space."""
    text = text.replace("\x07", " ")
    parts = _KEPT_SPACE_SPLIT.split(text)
    text = "".join(p if p and p in _KEPT_SPACES else unicodedata.normalize("NFKC", p) for p in parts)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Co")


def _collapse(text: str) -> str:
    """Collapses runs of ordinary white space; keeps U+00A0 and U+202F."""
    return _WS_RUN.sub(" ", text).strip()


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


# --------------------------------------------------------------------------- layout objects


@dataclass
class _Run:
    """A run of characters on one line in one font (a pdfplumber word with its spaces)."""

    text: str  # normalised, without leading/trailing white space
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    italic: bool
    space_before: str  # white space the raw run began with ("" if none)
    space_after: str

    @property
    def style(self) -> tuple[bool, bool]:
        return self.bold, self.italic


@dataclass
class _Line:
    runs: list[_Run]
    text: str = ""
    strong: list[tuple[int, int]] = field(default_factory=list)  # bold spans in `text`

    def __post_init__(self) -> None:
        self.text, self.strong = _join_runs(self.runs)

    @property
    def x0(self) -> float:
        return min(r.x0 for r in self.runs)

    @property
    def x1(self) -> float:
        return max(r.x1 for r in self.runs)

    @property
    def top(self) -> float:
        return min(r.top for r in self.runs)

    @property
    def bottom(self) -> float:
        return max(r.bottom for r in self.runs)

    @property
    def size(self) -> float:
        """The size carrying most of the line's characters."""
        weights: dict[float, int] = {}
        for r in self.runs:
            weights[round(r.size, 1)] = weights.get(round(r.size, 1), 0) + len(r.text)
        return max(weights, key=lambda s: weights[s])

    @property
    def bullet(self) -> bool:
        first = self.text.split(" ", 1)[0]
        return first in _BULLETS or (len(first) > 1 and first[0] in "•●▪")


@dataclass
class _TextBlock:
    lines: list[_Line]
    kind: BlockKind = BlockKind.paragraph

    @property
    def bbox(self) -> BBox:
        return _union([(ln.x0, ln.top, ln.x1, ln.bottom) for ln in self.lines])

    @property
    def size(self) -> float:
        return max(ln.size for ln in self.lines)

    @property
    def marker(self) -> int:
        """Length of a list item's bullet and the space after it (not part of its text)."""
        if self.kind != BlockKind.list_item:
            return 0
        first = self.lines[0].text
        head = first.split(" ", 1)[0]
        if head not in _BULLETS:
            return 1 if head[:1] in _BULLETS else 0  # a bullet glued to its text: "●texte"
        if head == first:  # the bullet alone on its line: skip the line break too
            return len(head) + 1 if len(self.lines) > 1 else 0
        return len(head) + 1

    @property
    def text(self) -> str:
        return " ".join(ln.text for ln in self.lines)[self.marker :]

    @property
    def source(self) -> str:
        """The block's text as it is in the document text: one line per line."""
        return self.source_with_marker[self.marker :]

    @property
    def source_with_marker(self) -> str:
        return "\n".join(ln.text for ln in self.lines)

    def strong_spans(self) -> list[Span]:
        """Bold runs as spans of `text` (which joins the lines with one space)."""
        spans: list[Span] = []
        offset = -self.marker
        for ln in self.lines:
            for start, end in ln.strong:
                start, end = max(0, offset + start), offset + end
                if end <= start:
                    continue
                if spans and spans[-1].end in (start, start - 1):
                    spans[-1] = Span(kind="strong", start=spans[-1].start, end=end)
                else:
                    spans.append(Span(kind="strong", start=start, end=end))
            offset += len(ln.text) + 1
        return spans


@dataclass
class _Cell:
    row: int
    col: int
    text: str
    bbox: BBox


@dataclass
class _Table:
    bbox: BBox
    rows: list[list[_Cell | None]]  # None: covered by a merged cell
    header: list[str | None]  # column headers, from the first row


_Item = _TextBlock | _Table


@dataclass
class _Page:
    number: int  # 1-based
    bbox: BBox  # the page's box: block bboxes are kept inside it
    items: list[_Item]  # in reading order
    heading: _TextBlock | None


def _union(boxes: Sequence[BBox]) -> BBox:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _join_runs(runs: list[_Run]) -> tuple[str, list[tuple[int, int]]]:
    """The text of a line: runs in x order, separated by the white space the PDF had between
    them (a kept U+00A0/U+202F stays itself), by a space when they are apart, else glued (a
    font change inside a word). Also returns the bold runs' spans."""
    parts: list[str] = []
    strong: list[tuple[int, int]] = []
    length = 0
    prev: _Run | None = None
    for run in runs:
        if prev is not None:
            sep = _separator(prev, run)
            parts.append(sep)
            length += len(sep)
        if run.bold:
            strong.append((length, length + len(run.text)))
        parts.append(run.text)
        length += len(run.text)
        prev = run
    return "".join(parts), strong


def _separator(left: _Run, right: _Run) -> str:
    space = left.space_after or right.space_before
    if space:
        kept = [ch for ch in space if ch in _KEPT_SPACES]
        return kept[0] if kept else " "
    return " " if right.x0 - left.x1 > 0.15 * min(left.size, right.size) else ""


# --------------------------------------------------------------------------- runs and lines


def _runs(page: Any) -> list[_Run]:
    """The page's text runs (pdfplumber words keeping their inner spaces, split at changes of
    font or size)."""
    words = page.extract_words(keep_blank_chars=True, use_text_flow=False, extra_attrs=["size", "fontname"])
    runs: list[_Run] = []
    for w in words:
        raw = _nfkc(w["text"])
        text = raw.strip(" \t\r\n\f\v" + _KEPT_SPACES)
        if not text:
            continue
        lead = raw[: len(raw) - len(raw.lstrip(" \t\r\n\f\v" + _KEPT_SPACES))]
        trail = raw[len(raw.rstrip(" \t\r\n\f\v" + _KEPT_SPACES)) :]
        font = str(w.get("fontname", "")).split("+")[-1].lower()
        runs.append(
            _Run(
                text=_collapse(text),
                x0=float(w["x0"]),
                top=float(w["top"]),
                x1=float(w["x1"]),
                bottom=float(w["bottom"]),
                size=float(w.get("size") or (w["bottom"] - w["top"])),
                bold=any(k in font for k in ("bold", "black", "heavy", "semibold")),
                italic="italic" in font or "oblique" in font,
                space_before=lead,
                space_after=trail,
            )
        )
    return runs


def _lines(runs: list[_Run]) -> list[_Line]:
    """Groups runs into lines (vertical centres inside the line's band), top to bottom.

    Each line's band (its runs' lowest top and highest bottom) is kept up to date as runs join
    it, not recomputed: a page of 20,000 tiny text boxes on one band took 100 s that way."""
    lines: list[list[_Run]] = []
    bands: list[list[float]] = []  # [top, bottom] of each line
    for run in sorted(runs, key=lambda r: (r.top, r.x0)):
        centre = (run.top + run.bottom) / 2
        for line, band in zip(reversed(lines[-3:]), reversed(bands[-3:]), strict=True):
            if band[0] <= centre <= band[1]:
                line.append(run)
                band[0], band[1] = min(band[0], run.top), max(band[1], run.bottom)
                break
        else:
            lines.append([run])
            bands.append([run.top, run.bottom])
    return [_Line(sorted(line, key=lambda r: r.x0)) for line in lines]


# --------------------------------------------------------------------------- reading order


@dataclass
class _Atom:
    """Something the XY-cut places: text runs (one, or a bullet and its text) or a table."""

    bbox: BBox
    runs: list[_Run] = field(default_factory=list)
    table: _Table | None = None

    @property
    def size(self) -> float:
        return max((r.size for r in self.runs), default=0.0)


def _atoms(runs: list[_Run], tables: list[_Table]) -> list[_Atom]:
    """Runs and tables as atoms; a bullet alone in its run is tied to the text that follows it
    on the line, so that no column gap can separate them."""
    groups: list[list[_Run]] = []
    taken: set[int] = set()
    ordered = sorted(runs, key=lambda r: (r.top, r.x0))
    for i, run in enumerate(ordered):
        if i in taken:
            continue
        group = [run]
        if run.text in _BULLETS:
            centre = (run.top + run.bottom) / 2
            for j in range(i + 1, len(ordered)):
                nxt = ordered[j]
                if j not in taken and nxt.top <= centre <= nxt.bottom and 0 <= nxt.x0 - run.x1 <= 4 * run.size:
                    group.append(nxt)
                    taken.add(j)
                    break
        groups.append(group)
    atoms = [_Atom(_union([(r.x0, r.top, r.x1, r.bottom) for r in g]), runs=g) for g in groups]
    return atoms + [_Atom(t.bbox, table=t) for t in tables]


def _gaps(atoms: list[_Atom], axis: int) -> Iterator[tuple[float, float, float]]:
    """White gaps across the whole region along an axis (0: x, 1: y), as (start, end, size):
    `size` is the largest font size among the runs that border the gap."""
    ordered = sorted(atoms, key=lambda a: (a.bbox[axis], a.bbox[axis + 2]))
    size_at: dict[float, float] = {}  # largest size among the atoms starting at a coordinate
    for atom in ordered:
        size_at[atom.bbox[axis]] = max(size_at.get(atom.bbox[axis], 0.0), atom.size)
    end = ordered[0].bbox[axis + 2]
    left_size = ordered[0].size
    for atom in ordered[1:]:
        start = atom.bbox[axis]
        if start > end:
            yield end, start, max(left_size, size_at[start])
        if atom.bbox[axis + 2] > end:
            end, left_size = atom.bbox[axis + 2], atom.size
        elif atom.bbox[axis + 2] == end:
            left_size = max(left_size, atom.size)


def _xy_cut(atoms: list[_Atom]) -> list[list[_Atom]]:
    """Orders atoms by recursive XY-cut (iterative, so that no page can exhaust the stack): a
    region is cut at its widest white gap, until no gap is left; the parts are read top to
    bottom, or left to right."""
    leaves: list[list[_Atom]] = []
    stack = [atoms] if atoms else []
    while stack:
        region = stack.pop()
        parts = _split(region)
        if parts is None:
            leaves.append(region)
        else:
            stack.extend(reversed(parts))
    return leaves


def _split(atoms: list[_Atom]) -> list[list[_Atom]] | None:
    """Cuts a region at its widest white gap spanning the whole region (and at the gaps as wide
    as it: lines evenly spaced are cut at once), or returns None if there is none.

    A vertical gap counts only if it is wider than the font size of the text that borders it
    (wide word spacing in a title is not a column gap), and counts for half its width against
    horizontal gaps: columns are further apart than the paragraphs in them, and a band that
    runs across the whole region (a row of cards, a row of a grid) is read before the next."""
    if len(atoms) <= 1:
        return None
    horizontal = list(_gaps(atoms, 1))
    vertical = [g for g in _gaps(atoms, 0) if g[1] - g[0] >= _MIN_COLUMN_GAP * g[2]]
    h_width = max((g[1] - g[0] for g in horizontal), default=0.0)
    v_width = max((g[1] - g[0] for g in vertical), default=0.0)
    if not horizontal and not vertical:
        return None
    if v_width * _COLUMN_GAP_WEIGHT > h_width:
        axis, cuts = 0, [g[0] for g in vertical if g[1] - g[0] >= v_width - _EQUAL_GAP]
    else:
        axis, cuts = 1, [g[0] for g in horizontal if g[1] - g[0] >= h_width - _EQUAL_GAP]
    parts: list[list[_Atom]] = [[] for _ in range(len(cuts) + 1)]
    for atom in atoms:
        parts[bisect.bisect_left(cuts, atom.bbox[axis + 2])].append(atom)
    return [part for part in parts if part]


def _blocks(regions: list[list[_Atom]]) -> list[_Item]:
    """Lines of the ordered regions grouped into blocks; tables are kept whole."""
    items: list[_Item] = []
    current: _TextBlock | None = None
    for region in regions:
        tables = [a.table for a in region if a.table is not None]
        if tables:
            items.extend(tables)
            current = None
        for line in _lines([r for a in region for r in a.runs]):
            if current is not None and _same_line(current.lines[-1], line):
                current.lines[-1] = _Line(current.lines[-1].runs + line.runs)
                continue
            if current is not None and _continues(current, line):
                current.lines.append(line)
                continue
            current = _TextBlock([line], BlockKind.list_item if line.bullet else BlockKind.paragraph)
            items.append(current)
    return items


def _same_line(last: _Line, line: _Line) -> bool:
    """Whether a line is the rest of the previous one, cut off by a wide space (XY-cut leaves
    cut a line where its words are further apart than a column gap)."""
    size = max(last.size, line.size)
    height = min(last.bottom - last.top, line.bottom - line.top)
    overlap = min(last.bottom, line.bottom) - max(last.top, line.top)
    return (
        overlap >= 0.5 * height
        and 0 <= line.x0 - last.x1 <= _SAME_LINE_GAP * size
        and abs(line.size - last.size) <= _SIZE_TOLERANCE * size
    )


def _continues(block: _TextBlock, line: _Line) -> bool:
    """Whether a line continues a block: just below it, overlapping it horizontally, same size,
    and not a new bullet; a font change at the line boundary ends a block only after a label or
    a sentence (in "MISSION" / text or "réinsertion." / "— incubé ..." but not in a title set
    in two fonts)."""
    last = block.lines[-1]
    size = max(last.size, line.size)
    if line.bullet:
        return False
    if not 0 <= line.top - last.bottom <= _LINE_GAP * size:
        return False
    if line.x0 >= last.x1 or line.x1 <= last.x0:
        return False
    if abs(line.size - last.size) > _SIZE_TOLERANCE * size:
        return False
    if block.kind == BlockKind.list_item or last.runs[-1].style == line.runs[0].style:
        return True
    return not (last.text.endswith((".", ":", "!", "?", ";")) or not any(ch.islower() for ch in last.text))


# --------------------------------------------------------------------------- tables


def _tables(page: Any, runs: list[_Run]) -> list[_Table]:
    """The page's ruled data tables (pdfplumber's line strategy), with cell texts built from
    the runs whose centre is in the cell."""
    tables: list[_Table] = []
    for found in page.find_tables():
        slots = [cell for row in found.rows for cell in row.cells]
        if not slots or sum(cell is None for cell in slots) / len(slots) > _MAX_MERGED_CELLS:
            continue  # a layout of boxes, not a grid of values
        in_table = [run for run in runs if _centre_in(run, found.bbox)]
        grid: list[list[_Cell | None]] = []
        for r, row in enumerate(found.rows):
            cells: list[_Cell | None] = []
            for c, bbox in enumerate(row.cells):
                if bbox is None:
                    cells.append(None)
                    continue
                inside = [run for run in in_table if _centre_in(run, bbox)]
                text = " ".join(ln.text for ln in _lines(inside))
                cells.append(_Cell(r, c, text, _bbox(bbox)))
            grid.append(cells)
        table = _data_table(_bbox(found.bbox), grid)
        if table is not None:
            tables.append(table)
    return tables


def _bbox(values: Sequence[Any]) -> BBox:
    x0, top, x1, bottom = (float(v) for v in values)
    return x0, top, x1, bottom


def _filled(row: list[_Cell | None], col: int) -> bool:
    cell = row[col] if col < len(row) else None
    return cell is not None and bool(cell.text)


def _centre_in(run: _Run, bbox: Sequence[float]) -> bool:
    x = (run.x0 + run.x1) / 2
    y = (run.top + run.bottom) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _data_table(bbox: BBox, grid: list[list[_Cell | None]]) -> _Table | None:
    """Keeps a grid found by pdfplumber (with few merged cells) only if it looks like a data
    table: at least two rows and two columns that each hold two or more values. Empty rows and
    columns are dropped and the rest renumbered from 0 (row 0 is the header row)."""
    rows = [row for row in grid if any(_filled(row, c) for c in range(len(row)))]
    width = max((len(row) for row in rows), default=0)
    cols = [c for c in range(width) if any(_filled(row, c) for row in rows)]
    filled = [c for c in cols if sum(_filled(row, c) for row in rows) >= 2]
    if len(rows) < 2 or len(filled) < 2:
        return None
    kept: list[list[_Cell | None]] = []
    for r, row in enumerate(rows):
        kept.append([])
        for c, col in enumerate(cols):
            cell = row[col] if col < len(row) else None
            kept[-1].append(_Cell(r, c, cell.text, cell.bbox) if cell is not None else None)
    return _Table(bbox, kept, _column_headers(kept[0]))


def _column_headers(first_row: list[_Cell | None]) -> list[str | None]:
    """Header text of each column; a merged header cell (None) heads the columns it covers."""
    headers: list[str | None] = []
    for cell in first_row:
        if cell is None:
            headers.append(headers[-1] if headers else None)
        else:
            headers.append(cell.text or None)
    return headers


def _row_header(row: list[_Cell | None], col: int) -> str | None:
    """The row's first cell text, for the cells after it."""
    first = next((c for c in row if c is not None and c.text), None)
    return first.text if first is not None and first.col < col else None


# --------------------------------------------------------------------------- pages


def _read_page(page: Any, number: int) -> _Page:
    cropped = page.within_bbox(page.bbox)  # drops off-page text (white boxes beyond the slide)
    runs = _runs(cropped)
    tables = _tables(cropped, runs) if runs else []
    free = [r for r in runs if not any(_centre_in(r, t.bbox) for t in tables)]
    atoms = _atoms(free, tables)
    items = _blocks(_xy_cut(atoms))
    box = _bbox(page.bbox)
    heading = _heading(items, runs, box[1] + _HEADING_TOP * (box[3] - box[1]))
    if heading is not None:
        heading.kind = BlockKind.heading
    return _Page(number, box, items, heading)


def _heading(items: list[_Item], runs: list[_Run], max_top: float) -> _TextBlock | None:
    """The slide's title: the block with the largest font among those with words, near the top,
    clearly larger than the rest of the page's text (weighted by characters)."""
    candidates = [
        b
        for b in items
        if isinstance(b, _TextBlock)
        and _letters(b.text) >= _LETTERS_MIN
        and len(b.text) <= _HEADING_MAX_CHARS
        and b.bbox[1] <= max_top
    ]
    if not candidates:
        return None
    largest = max(b.size for b in candidates)
    biggest = [b for b in candidates if b.size >= largest * (1 - _SIZE_TOLERANCE / 2)]
    top = min(b.bbox[1] for b in biggest)
    best = min((b for b in biggest if b.bbox[1] <= top + largest / 2), key=lambda b: b.bbox[0])
    inside = {id(r) for ln in best.lines for r in ln.runs}
    others = [r for r in runs if id(r) not in inside]
    if others and best.size < _HEADING_RATIO * _weighted_median_size(others):
        return None
    return best


def _weighted_median_size(runs: list[_Run]) -> float:
    ordered = sorted(runs, key=lambda r: r.size)
    half = sum(len(r.text) for r in ordered) / 2
    seen = 0
    for run in ordered:
        seen += len(run.text)
        if seen >= half:
            return run.size
    return ordered[-1].size


# --------------------------------------------------------------------------- document


@dataclass
class _Pending:
    """A block waiting for the document text to be complete (locations need it)."""

    kind: BlockKind
    text: str
    start: int
    end: int
    bbox: BBox
    page: _Page
    extra: dict[str, Any]


def _render_page(page: _Page, offset: int, tables_before: int) -> tuple[str, list[_Pending], int]:
    """The page's text and its blocks (offsets from `offset`); returns the tables count too."""
    parts: list[str] = []
    pending: list[_Pending] = []
    pos = offset
    table_no = tables_before
    for item in page.items:
        if parts:
            parts.append(BLOCK_SEPARATOR)
            pos += len(BLOCK_SEPARATOR)
        if isinstance(item, _TextBlock):
            extra: dict[str, Any] = {"spans": item.strong_spans()} if item.kind != BlockKind.heading else {}
            if item.kind == BlockKind.heading:
                extra["level"] = 1
            elif item.kind == BlockKind.list_item:
                extra["level"] = 0
            start = pos + item.marker
            end = pos + len(item.source_with_marker)
            pending.append(_Pending(item.kind, _collapse(item.text), start, end, item.bbox, page, extra))
            source = item.source_with_marker
        else:
            table_no += 1
            source, cells = _render_table(item, pos, table_no, page)
            pending.extend(cells)
        parts.append(source)
        pos += len(source)
    return "".join(parts), pending, table_no


def _render_table(table: _Table, offset: int, number: int, page: _Page) -> tuple[str, list[_Pending]]:
    """One line per row, cells separated by tabs; one pending block per non-empty cell."""
    lines: list[str] = []
    pending: list[_Pending] = []
    pos = offset
    for r, row in enumerate(table.rows):
        if lines:
            pos += 1  # the newline ending the previous row
        texts: list[str] = []
        for c, cell in enumerate(row):
            if c:
                pos += len(CELL_SEPARATOR)
            text = cell.text if cell is not None else ""
            if cell is not None and text:
                extra = {
                    "table": number,
                    "row": r,
                    "col": c,
                    "row_header": _row_header(row, c) if r > 0 else None,
                    "column_header": table.header[c] if r > 0 and c < len(table.header) else None,
                }
                pending.append(_Pending(BlockKind.table_cell, text, pos, pos + len(text), cell.bbox, page, extra))
            texts.append(text)
            pos += len(text)
        lines.append(CELL_SEPARATOR.join(texts))
    return "\n".join(lines), pending


def _clamp(bbox: BBox, page: _Page) -> BBox:
    """The bbox, rounded to 0.01 pt and kept inside the page's box."""
    left, top, right, bottom = page.bbox
    x0, y0, x1, y1 = bbox
    return (
        round(min(max(x0, left), right), 2),
        round(min(max(y0, top), bottom), 2),
        round(min(max(x1, left), right), 2),
        round(min(max(y1, top), bottom), 2),
    )


def _title(metadata: dict[str, Any], pages: list[_Page]) -> str | None:
    value = metadata.get("Title")
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str) and _collapse(_nfkc(value)):
        return _collapse(_nfkc(value))
    first = next((p for p in pages if p.items), None)
    return first.heading.text if first is not None and first.heading is not None else None


def _build(data: bytes, path: str, pages: list[_Page], metadata: dict[str, Any]) -> Document:
    texts: list[str] = []
    page_starts: list[int] = []
    pending: list[_Pending] = []
    offset = 0
    tables = 0
    for page in pages:
        if texts:
            offset += len(PAGE_SEPARATOR)
        page_starts.append(offset)
        text, blocks, tables = _render_page(page, offset, tables)
        texts.append(text)
        pending.extend(blocks)
        offset += len(text)
    digest = hashlib.sha256(data).hexdigest()
    doc = Document(
        id=digest[:16],
        path=path,
        format="pdf",
        sha256=digest,
        text=PAGE_SEPARATOR.join(texts),
        pages=len(pages),
        page_starts=page_starts,
        title=_title(metadata, pages),
    )
    for p in pending:
        if not _HAS_CONTENT.search(p.text):
            continue  # a lone bullet or an icon: left in the text, but not a block
        heading = p.page.heading
        doc.blocks.append(
            Block(
                id=len(doc.blocks),
                kind=p.kind,
                text=p.text,
                location=doc.locate(p.start, p.end, bbox=_clamp(p.bbox, p.page)),
                start=p.start,
                end=p.end,
                heading_path=[heading.text] if heading is not None and p.kind != BlockKind.heading else [],
                **p.extra,
            )
        )
    return doc


# --------------------------------------------------------------------------- entry point


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
