"""HTML: visible text only, structure kept (headings, paragraphs, nested list items, table cells).

Built on the standard library's streaming `HTMLParser`, which reports the source position of
every event (so blocks point at their line and column) and never recurses (deeply nested HTML
cannot blow the stack). Used for .html files and for the HTML embedded in Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from extractor.errors import InputError
from extractor.ingest import limits
from extractor.ingest.structure import BlockBuilder, TextBuffer, normalize_ws
from extractor.ingest.textmap import LineIndex
from extractor.models import BlockKind, Document

# Content that is not read as text by a visitor of the page.
SKIP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "button",
    "svg",
    "head",
    "iframe",
    "object",
    "select",
    "textarea",
    "canvas",
    "map",
    "math",
}
VOID_TAGS = {
    "br",
    "hr",
    "img",
    "input",
    "meta",
    "link",
    "area",
    "base",
    "col",
    "embed",
    "source",
    "track",
    "wbr",
    "param",
}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "blockquote",
    "pre",
    "dl",
    "dt",
    "dd",
    "figure",
    "figcaption",
    "caption",
    "form",
    "fieldset",
    "legend",
    "address",
    "details",
    "summary",
    "body",
    "html",
    *HEADINGS,
}
INLINE_SPANS = {"a": "link", "strong": "strong", "b": "strong", "em": "em", "i": "em", "code": "code"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_FOOTNOTE_MARK = re.compile(r"^\s*\d{1,2}\s*$")
_TAG = re.compile(r"<[^<>]*>|<[!/?\[]*\w*")
MAX_DEPTH = limits.MAX_HTML_DEPTH  # deeper nesting is refused (DESIGN §7): no page has a reason to nest that deep


@dataclass
class _Element:
    tag: str
    skip: bool = False
    block_id: int | None = None  # for <li>: the list item block, once its text is flushed
    row_cells: list[str] = field(default_factory=list)  # for <tr>
    is_header_row: bool = False


@dataclass
class _Table:
    index: int
    row: int = -1
    col: int = -1
    column_headers: list[str] = field(default_factory=list)
    row_header: str | None = None
    in_head: bool = False


class _Extractor(HTMLParser):
    def __init__(self, builder: BlockBuilder, source: str, base: int, heading_offset: int = 0) -> None:
        super().__init__(convert_charrefs=True)
        self.heading_offset = heading_offset
        self.builder = builder
        self.base = base
        self.lines = LineIndex(source)
        self.stack: list[_Element] = []
        self.buffer = TextBuffer()
        self.buf_start: int | None = None
        self.tables: list[_Table] = []
        self.title: str | None = None
        self._in_title = False
        self._sup_start: int | None = None

    # --- positions -------------------------------------------------------------------------
    def _offset(self) -> int:
        line, col = self.getpos()
        return self.base + self.lines.line_start(line) + col

    @property
    def skipping(self) -> bool:
        return any(e.skip for e in self.stack)

    # --- events ----------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in VOID_TAGS:
            if tag == "br":
                self._write(" ")
            elif tag == "img" and not self.skipping:
                pass  # alt texts are not read as document text
            return
        attr = dict(attrs)
        hidden = (
            "hidden" in attr or attr.get("aria-hidden") == "true" or bool(_HIDDEN_STYLE.search(attr.get("style") or ""))
        )
        if tag in BLOCK_TAGS:
            self._flush()
        element = _Element(tag=tag, skip=tag in SKIP_TAGS or hidden)
        if len(self.stack) >= MAX_DEPTH:
            raise InputError(
                self.builder.doc.path,
                f"HTML trop imbriqué : plus de {MAX_DEPTH} balises ouvertes les unes dans les autres",
                "vérifier que les balises sont bien fermées : export HTML défectueux ?",
                code="too_deep",
            )
        self.stack.append(element)
        if self.skipping:
            return
        if tag == "table":
            self.tables.append(_Table(index=self.builder.new_table()))
        elif tag == "thead" and self.tables:
            self.tables[-1].in_head = True
        elif tag == "tr" and self.tables:
            table = self.tables[-1]
            table.row += 1
            table.col = -1
            table.row_header = None
        elif tag in ("td", "th") and self.tables:
            self.tables[-1].col += 1
            element.is_header_row = tag == "th"
        elif tag in INLINE_SPANS:
            self.buffer.open(INLINE_SPANS[tag], attr.get("href") if tag == "a" else None)
        elif tag == "sup":
            self._sup_start = self.buffer.length

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            self.handle_starttag(tag, attrs)
        else:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in VOID_TAGS:
            return
        # Close up to the matching element (tolerates unclosed children).
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:
                break
        else:
            return
        if tag in INLINE_SPANS and not self.skipping:
            self.buffer.close(INLINE_SPANS[tag])
        if tag == "sup" and self._sup_start is not None and not self.skipping:
            # A footnote call ("Startups d'État<sup>1</sup>") is not part of the sentence.
            text = self.buffer.text
            if _FOOTNOTE_MARK.match(text[self._sup_start :]):
                self.buffer.parts = [text[: self._sup_start]]
                self.buffer.length = self._sup_start
            self._sup_start = None
        if tag in BLOCK_TAGS:
            self._flush(closing=tag)
        while len(self.stack) > i:
            element = self.stack.pop()
            if element.tag == "table" and self.tables:
                self.tables.pop()
            elif element.tag == "thead" and self.tables:
                self.tables[-1].in_head = False

    def handle_data(self, data: str) -> None:
        if self._in_title and self.title is None:
            self.title = normalize_ws(data) or None
        if self.skipping or not data:
            return
        if self.buf_start is None and data.strip():
            self.buf_start = self._offset() + (len(data) - len(data.lstrip()))
        self._write(data)

    def _write(self, text: str) -> None:
        if not self.skipping:
            self.buffer.write(text)

    # --- blocks ----------------------------------------------------------------------------
    def _container(self) -> _Element | None:
        for element in reversed(self.stack):
            if element.tag in BLOCK_TAGS:
                return element
        return None

    def _flush(self, closing: str | None = None) -> None:
        text, spans = self.buffer.take()
        start = self.buf_start
        self.buf_start = None
        container = self._container()
        if start is None or not text.strip() or self.skipping:
            if container and container.tag in ("td", "th") and closing in ("td", "th"):
                self._cell_done(container, "")
            return
        end = self._offset()
        kind, extra = self._kind(container)
        if kind == BlockKind.heading:
            block = self.builder.heading(int(extra["level"]), text, start, end, spans=spans)
        else:
            block = self.builder.add(kind, text, start, end, spans=spans, **extra)
        if block is not None and container is not None:
            if container.tag == "li" and container.block_id is None:
                container.block_id = block.id
            if container.tag in ("td", "th"):
                self._cell_done(container, block.text)

    def _kind(self, container: _Element | None) -> tuple[BlockKind, dict[str, Any]]:
        if container is None:
            return BlockKind.paragraph, {}
        if container.tag in HEADINGS:
            return BlockKind.heading, {"level": HEADINGS[container.tag] + self.heading_offset}
        if container.tag in ("td", "th") and self.tables:
            table = self.tables[-1]
            col = table.col
            if table.in_head or (table.row == 0 and container.is_header_row):
                return BlockKind.table_cell, {"table": table.index, "row": table.row, "col": col}
            header = table.column_headers[col] if col < len(table.column_headers) else None
            return BlockKind.table_cell, {
                "table": table.index,
                "row": table.row,
                "col": col,
                "row_header": table.row_header if col > 0 else None,
                "column_header": header or None,
            }
        items = [e for e in self.stack if e.tag == "li"]
        if items:
            if container.tag != "li" or items[-1].block_id is not None:
                # A second paragraph of the same item, or text inside it: a paragraph under it.
                parent = items[-1].block_id
            else:
                parent = next((e.block_id for e in reversed(items[:-1]) if e.block_id is not None), None)
            if container.tag == "li" and items[-1].block_id is None:
                return BlockKind.list_item, {"parent": parent, "level": len(items) - 1}
            return BlockKind.paragraph, {"parent": parent}
        return BlockKind.paragraph, {}

    def _cell_done(self, cell: _Element, text: str) -> None:
        table = self.tables[-1] if self.tables else None
        if table is None:
            return
        if table.col == 0:
            table.row_header = text or None
        header_row = table.in_head or (table.row == 0 and cell.is_header_row)
        if header_row:
            while len(table.column_headers) <= table.col:
                table.column_headers.append("")
            table.column_headers[table.col] = text

    def close(self) -> None:
        super().close()
        self._flush()


def extract_html(builder: BlockBuilder, source: str, base: int = 0, heading_offset: int = 0) -> str | None:
    """Appends the blocks of an HTML fragment or page found at `doc.text[base:base+len(source)]`.
    `heading_offset` nests the fragment's headings under the enclosing document's (an <h1>
    inside a Markdown "###" section is a level-4 heading). Returns the page's <title>, if any."""
    parser = _Extractor(builder, source, base, heading_offset)
    try:
        parser.feed(source)
        parser.close()
    except (AssertionError, ValueError, IndexError):
        # The standard parser gives up on some malformed markup ("<![0"): keep the text that
        # follows the last block it built, with the tags removed, rather than lose it.
        done = builder.doc.blocks[-1].end if builder.doc.blocks and builder.doc.blocks[-1].end > base else base
        rest = builder.doc.text[done : base + len(source)]
        builder.add(BlockKind.paragraph, _TAG.sub(" ", rest), done, base + len(source))
    return parser.title


def read_html(doc: Document) -> Document:
    builder = BlockBuilder(doc)
    title = extract_html(builder, doc.text)
    doc.title = title or next((b.text for b in doc.blocks if b.kind == BlockKind.heading), None)
    return doc
