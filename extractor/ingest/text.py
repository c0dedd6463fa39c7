"""Plain text, including text exported from slide decks and PDFs (seed `bilan-2021.txt`).

Blocks: paragraphs (runs of non-blank lines), list items ("- ", "* ", "• ", nested by indent),
headings (Markdown "#" lines, or short stand-alone lines in capitals, as slide titles are),
and tables (runs of tab-separated lines; the first line is a header row when the rows under it
hold numbers where it holds words). A table of contents ("SOMMAIRE" followed by "Page N" lines)
is navigation, not content, and is left out. Light inline Markdown (bold, links, <i>) that such
exports carry is removed from the block text.
"""

from __future__ import annotations

import re

from extractor.ingest import limits
from extractor.ingest.structure import BlockBuilder, normalize_ws, too_many_cells
from extractor.models import BlockKind, Document

_TOC_TITLE = re.compile(r"^\s*(?:sommaire|table des mati[èe]res|contents)\s*$", re.I)
_TOC_LINE = re.compile(r"^\s*(?:page\s+\d+|\d{1,3}|\[[^\]]*\]\(#?[^)]*\)|.{3,}?\s*\.{3,}\s*\d+)\s*$", re.I)
_BULLET = re.compile(r"^(\s*)(?:[-*•●▪◦–]|\d{1,2}[.)])\s+(?=\S)")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_NUMERIC_CELL = re.compile(
    r"^[<>≤≥~+\-−]?\s*[\d\s\u00a0\u202f.,]*\d[\d\s\u00a0\u202f.,]*\s*(?:%|€|k€|K€|M€|Md€|pts?)?\s*$|^(?:N/?A|n\.?c\.?|-|—)$"
)
_INLINE_MD = [
    (re.compile(r"\*\*(.+?)\*\*", re.S), r"\1"),
    (re.compile(r"__(.+?)__", re.S), r"\1"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", re.S), r"\1"),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"</?(?:i|b|em|strong|u|span|sup|sub|br)\b[^>]*>", re.I), " "),
    (re.compile(r"\\([*_\[\]()#+\-.!])"), r"\1"),
]


def clean_inline(text: str) -> str:
    for pattern, repl in _INLINE_MD:
        text = pattern.sub(repl, text)
    return normalize_ws(text)


def _is_caps_heading(line: str) -> bool:
    text = clean_inline(line)
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 4 or len(text) > 90 or text.endswith((".", ",", ";", ":")):
        return False
    upper = sum(1 for c in letters if c.isupper())
    return upper / len(letters) >= 0.8


def read_text(doc: Document) -> Document:
    text = doc.text
    builder = BlockBuilder(doc)
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def span(first: int, last: int) -> tuple[int, int]:
        return offsets[first], offsets[last + 1]

    i = 0
    in_toc = False
    items: list[tuple[int, int]] = []  # open list items: (indent, block id)
    while i < len(lines):
        raw = lines[i].rstrip("\r\n")
        stripped = raw.strip()
        if not stripped:
            i += 1
            continue
        if _TOC_TITLE.match(stripped):
            in_toc = True
            i += 1
            continue
        if in_toc:
            if _TOC_LINE.match(stripped):
                i += 1
                continue
            in_toc = False
        if "\t" in raw:
            last = i
            while last + 1 < len(lines) and "\t" in lines[last + 1]:
                last += 1
            _table(builder, lines, offsets, i, last)
            items = []
            i = last + 1
            continue
        heading = _MD_HEADING.match(stripped)
        if heading:
            start, end = span(i, i)
            builder.heading(len(heading.group(1)), clean_inline(heading.group(2)), start, end)
            items = []
            i += 1
            continue
        bullet = _BULLET.match(raw)
        if bullet:
            indent = len(bullet.group(1).expandtabs(4))
            last = _last_line_of_block(lines, i)
            while items and items[-1][0] >= indent:
                items.pop()
            parent = items[-1][1] if items else None
            start, end = span(i, last)
            body = "".join(lines[i : last + 1])[len(bullet.group(0)) :]
            block = builder.add(
                BlockKind.list_item,
                clean_inline(body),
                start + len(bullet.group(0)),
                end,
                parent=parent,
                level=len(items),
            )
            if block is not None:
                items.append((indent, block.id))
            i = last + 1
            continue
        items = []
        last = _last_line_of_block(lines, i)
        start, end = span(i, last)
        para = "".join(lines[i : last + 1])
        alone = last == i and (i + 1 >= len(lines) or not lines[i + 1].strip())
        if alone and _is_caps_heading(stripped):
            builder.heading(2, clean_inline(stripped), start, end)
        else:
            builder.add(BlockKind.paragraph, clean_inline(para), start, end)
        i = last + 1
    if doc.title is None:
        doc.title = next((b.text for b in doc.blocks if b.kind == BlockKind.heading), None)
    return doc


def _last_line_of_block(lines: list[str], first: int) -> int:
    """The last line of the paragraph or list item that starts at `first`: it runs until a blank
    line, a new bullet, a table line or a heading."""
    last = first
    while last + 1 < len(lines):
        line = lines[last + 1]
        if not line.strip() or _BULLET.match(line) or "\t" in line or _MD_HEADING.match(line.strip()):
            break
        last += 1
    return last


def _table(builder: BlockBuilder, lines: list[str], offsets: list[int], first: int, last: int) -> None:
    rows: list[list[tuple[str, int, int]]] = []
    cells_in_table = sum(lines[n].count("\t") + 1 for n in range(first, last + 1))
    if cells_in_table > limits.MAX_TABLE_CELLS:  # refused before its cells are cleaned
        raise too_many_cells(builder.doc.path, cells_in_table)
    for n in range(first, last + 1):
        line = lines[n].rstrip("\r\n")
        cells = []
        pos = 0
        for part in line.split("\t"):
            cells.append((clean_inline(part), offsets[n] + pos, offsets[n] + pos + len(part)))
            pos += len(part) + 1
        rows.append(cells)
    width = max(len(r) for r in rows)
    header = _header_row(rows, width)
    # Label columns: leading columns whose header is empty or that hold no numbers.
    headers = [c[0] for c in header] if header else []
    label_cols = 1
    if header:
        while label_cols < width and label_cols < len(headers) and not headers[label_cols]:
            label_cols += 1
    index = builder.new_table()
    body = rows[1:] if header else rows
    if header:
        for col, (text, start, end) in enumerate(header):
            builder.add(BlockKind.table_cell, text, start, end, table=index, row=0, col=col)
    for r, cells in enumerate(body, start=1 if header else 0):
        labels = [c[0].rstrip(" :") for c in cells[:label_cols] if c[0]]
        row_header = " ".join(labels) or None
        for col, (text, start, end) in enumerate(cells):
            column_header = headers[col] if col < len(headers) and headers[col] else None
            builder.add(
                BlockKind.table_cell,
                text,
                start,
                end,
                table=index,
                row=r,
                col=col,
                row_header=row_header if col >= label_cols else None,
                column_header=column_header,
            )


def _header_row(rows: list[list[tuple[str, int, int]]], width: int) -> list[tuple[str, int, int]] | None:
    """The first row is a header when it holds words in the columns where later rows hold numbers."""
    if len(rows) < 2:
        return None
    first = rows[0]
    numeric_cols = {
        c for row in rows[1:] for c, cell in enumerate(row) if c > 0 and cell[0] and _NUMERIC_CELL.match(cell[0])
    }
    if not numeric_cols:
        return None
    first_numeric = any(c < len(first) and first[c][0] and _NUMERIC_CELL.match(first[c][0]) for c in numeric_cols)
    return None if first_numeric else first
