"""Blocks and the document: a page's lines and tables as blocks, its title, and the `Document`
built from every page.

- a page's runs (off-page text already dropped) and ruled grids give its tables, the other runs
  are put in reading order (`layout`, `tables`); lines are then grouped into blocks (a
  vertical gap, a size change, a font change at the line boundary or a bullet starts a new block);
  a slide's title is the largest text at the top;
- the document's text is each page's reading-order text (blocks separated by a blank line, the
  lines of a block by a newline, table rows by a newline and their cells by a tab); pages are
  separated by "\\n\\f\\n" and `Document.page_starts` gives where each page begins;
- every block with words becomes a `Block` with its offsets, its location (`Document.locate`:
  page, line and column, and its bbox kept inside the page's box) and the page's title as heading
  path; table cells carry their table number, row, column and headers.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from extractor.ingest.pdf.layout import (
    _BULLETS,
    BBox,
    _Atom,
    _atoms,
    _centre_in,
    _collapse,
    _letters,
    _Line,
    _lines,
    _nfkc,
    _Run,
    _Table,
    _union,
    _xy_cut,
)
from extractor.ingest.pdf.tables import Grid, _row_header, _tables
from extractor.models import Block, BlockKind, Document, Span

PAGE_SEPARATOR = "\n\f\n"
BLOCK_SEPARATOR = "\n\n"
CELL_SEPARATOR = "\t"

_HAS_CONTENT = re.compile(r"\w")
_LETTERS_MIN = 3  # a heading has at least this many letters (big figures are not titles)
_HEADING_MAX_CHARS = 120
_HEADING_RATIO = 1.15  # a heading is at least this much larger than the page's other text
_HEADING_TOP = 0.45  # ... and starts in this top fraction of the page
_SIZE_TOLERANCE = 0.1  # lines whose sizes differ by more than this start a new block
_LINE_GAP = 0.8  # a vertical gap larger than this many font sizes starts a new block
_SAME_LINE_GAP = 2.5  # ... but a narrower gap between two parts of a line is a wide space


# --------------------------------------------------------------------------- text blocks


@dataclass(slots=True)
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


_Item = _TextBlock | _Table


@dataclass(slots=True)
class _Page:
    number: int  # 1-based
    bbox: BBox  # the page's box: block bboxes are kept inside it
    items: list[_Item]  # in reading order
    heading: _TextBlock | None


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


# --------------------------------------------------------------------------- pages


def _layout_page(number: int, box: BBox, runs: list[_Run], grids: list[Grid]) -> _Page:
    """A page's blocks in reading order and its title, from its runs and its ruled grids."""
    tables = _tables(grids, runs) if runs and grids else []
    free = [r for r in runs if not any(_centre_in(r, t.bbox) for t in tables)]
    atoms = _atoms(free, tables)
    items = _blocks(_xy_cut(atoms))
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
        and min(ln.top for ln in b.lines) <= max_top  # (b.bbox[1])
        and len(text := b.text) <= _HEADING_MAX_CHARS
        and _letters(text) >= _LETTERS_MIN
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


@dataclass(slots=True)
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
            extra: dict[str, Any] = {}
            if item.kind != BlockKind.heading:
                extra["spans"] = item.strong_spans() if any(ln.strong for ln in item.lines) else []
            if item.kind == BlockKind.heading:
                extra["level"] = 1
            elif item.kind == BlockKind.list_item:
                extra["level"] = 0
            source = item.source_with_marker
            start, end = pos + item.marker, pos + len(source)
            pending.append(_Pending(item.kind, _collapse(item.text), start, end, item.bbox, page, extra))
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
    # min(max(v, low), high), without the calls (as max and min, each keeps v unless it is beyond)
    x0 = left if left > x0 else x0
    x0 = right if right < x0 else x0
    y0 = top if top > y0 else y0
    y0 = bottom if bottom < y0 else y0
    x1 = left if left > x1 else x1
    x1 = right if right < x1 else x1
    y1 = top if top > y1 else y1
    y1 = bottom if bottom < y1 else y1
    return round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2)


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
    titles = {id(page): page.heading.text for page in pages if page.heading is not None}
    out = doc.blocks
    for p in pending:
        if not _HAS_CONTENT.search(p.text):
            continue  # a lone bullet or an icon: left in the text, but not a block
        title = titles.get(id(p.page))
        out.append(
            Block(
                id=len(out),
                kind=p.kind,
                text=p.text,
                location=doc.locate(p.start, p.end, bbox=_clamp(p.bbox, p.page)),
                start=p.start,
                end=p.end,
                heading_path=[title] if title is not None and p.kind != BlockKind.heading else [],
                **p.extra,
            )
        )
    return doc
