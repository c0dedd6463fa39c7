"""Markdown with YAML front matter (Jekyll posts and pages).

Front-matter text fields become `front_matter` blocks and `date` the document date; the body is
parsed with markdown-it-py (CommonMark + tables), whose block tokens carry their source lines:
headings, paragraphs, nested list items with their parent item, table cells with row and column
headers, and embedded HTML (visible text only, through the HTML reader).
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any, cast

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore, text_join
from markdown_it.token import Token

from extractor.errors import InputError
from extractor.ingest import limits
from extractor.ingest.frontmatter import FrontMatterError, read_front_matter
from extractor.ingest.html import extract_html
from extractor.ingest.structure import BlockBuilder, TextBuffer, normalize_ws, too_many_cells
from extractor.ingest.textmap import LineIndex
from extractor.models import BlockKind, Document, Span

_HTML_TAG = re.compile(r"^<\s*(/?)\s*([a-zA-Z][\w-]*)")
_FOOTNOTE_MARK = re.compile(r"^\s*\d{1,2}\s*$")
# Front-matter keys that hold layout, paths or identifiers rather than text for readers.
_NOT_TEXT_KEYS = {
    "layout",
    "permalink",
    "sidebar",
    "redirect_from",
    "redirect_to",
    "image",
    "images",
    "img",
    "file",
    "files",
    "lang",
    "locale",
    "ref",
    "slug",
    "id",
    "uid",
    "date",
    "url",
    "link",
    "href",
    "published",
    "draft",
    "template",
    "class",
    "type",
    "style",
    "thumbnail",
    "hero_image",
    "une-ou-diaporama",
    "order",
    "weight",
}


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], int, int]:
    """Returns (metadata, offset where the YAML starts, offset where the body starts).
    A document without front matter returns ({}, 0, 0)."""
    try:
        front = read_front_matter(text)
    except FrontMatterError as exc:
        raise _input_error(exc, path) from exc
    return (front.data, front.yaml_start, front.body_start) if front is not None else ({}, 0, 0)


def _input_error(exc: FrontMatterError, path: str) -> InputError:
    """What a reader is told of a front matter that cannot be read (`frontmatter.FrontMatterError`)."""
    if exc.problem == "unclosed":
        return InputError(
            path,
            "front matter YAML non fermé : la ligne 1 ouvre un bloc « --- » qui n'est jamais refermé",
            "ajouter une ligne « --- » après les métadonnées",
            code="front_matter",
        )
    if exc.problem == "aliases":
        return InputError(path, "front matter YAML refusé : trop d'alias (« *ancre »)", code="front_matter")
    if exc.problem == "too_deep":
        return InputError(
            path,
            "front matter YAML imbriqué trop profondément",
            "simplifier les listes et tableaux imbriqués entre les deux lignes « --- »",
            code="too_deep",
        )
    if exc.problem == "value":  # well-formed, but a value cannot be built (2024-02-30)
        return InputError(
            path,
            f"front matter YAML : valeur impossible à lire ({exc.detail})",
            "vérifier les dates (AAAA-MM-JJ, heures 00:00:00 à 23:59:59) entre les deux lignes « --- »",
            code="front_matter",
        )
    if exc.problem == "not_mapping":
        return InputError(path, "front matter YAML mal formé : attendu des paires « clé: valeur »", code="front_matter")
    where = f"ligne {exc.line}" if exc.line is not None else "en tête"
    return InputError(
        path,
        f"front matter YAML mal formé ({where} : {exc.detail})",
        "corriger la syntaxe YAML entre les deux lignes « --- »",
        code="front_matter",
    )


def _front_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
        if match:
            try:
                return dt.date(*map(int, match.groups()))
            except ValueError:
                return None
    return None


def _text_fields(meta: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """(field, text) for every front-matter value a reader sees as text."""
    out: list[tuple[str, str]] = []
    for key, value in meta.items():
        name = f"{prefix}{key}"
        if str(key).lower() in _NOT_TEXT_KEYS:
            continue
        if isinstance(value, str):
            if _is_text(value):
                out.append((name, value))
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str) and _is_text(item):
                    out.append((name, item))
                elif isinstance(item, dict):
                    out.extend(_text_fields(item, f"{name}."))
        elif isinstance(value, dict):
            out.extend(_text_fields(value, f"{name}."))
    return out


def _is_text(value: str) -> bool:
    value = value.strip()
    return bool(re.search(r"[^\W\d_]", value)) and not re.match(r"^(?:/|https?://|mailto:|\w+\.(?:html|md)$)", value)


def find_words(text: str, needle: str, start: int, end: int) -> tuple[int, int] | None:
    """Finds `needle` in text[start:end], allowing any white space or YAML quoting between words.

    >>> find_words('title: "Le  bilan" Titre : Le bilan', "Le bilan", 0, 40)
    (8, 17)
    >>> find_words("a: Le bilan", "Le bilan", 0, 11)
    (3, 11)
    """
    words = needle.split()
    if not words:
        return None
    # Written as is, with no earlier start of its first word: the place the expression below finds,
    # without compiling one for each front-matter value (4,000 on a site: 1.7 s of a cold run).
    plain = " ".join(words)
    at = text.find(plain, start, end)
    if at != -1 and (len(words) == 1 or text.find(words[0], start, at + len(words[0]) - 1) == -1):
        return at, at + len(plain)
    if len(words) == 1:
        return None
    pattern = r"[\s\"'>|]+".join(re.escape(w) for w in words)
    match = re.compile(pattern).search(text, start, end)
    return (match.start(), match.end()) if match else None


def read_markdown(doc: Document) -> Document:
    text = doc.text
    meta, yaml_start, body_start = split_front_matter(text, doc.path)
    builder = BlockBuilder(doc)
    if meta:
        doc.date = _front_date(meta.get("date"))
        title = meta.get("title")
        doc.title = normalize_ws(title) if isinstance(title, str) else None
        cursor = yaml_start
        for name, value in _text_fields(meta):
            found = find_words(text, value, cursor, body_start)
            if found is None:
                key = re.compile(rf"^\s*-?\s*{re.escape(name.split('.')[-1])}\s*:", re.M).search(
                    text, yaml_start, body_start
                )
                found = (key.start(), key.end()) if key else (yaml_start, yaml_start)
            else:
                cursor = found[1]
            builder.add(BlockKind.front_matter, value, found[0], found[1], field=name)
    # Blank out the front matter, keeping its line breaks, so markdown-it's line numbers match.
    body = "\n" * text.count("\n", 0, body_start) + text[body_start:]
    _walk(builder, body, LineIndex(text))
    if doc.title is None:
        doc.title = next((b.text for b in doc.blocks if b.kind == BlockKind.heading), None)
    return doc


# Lists and block quotes may nest MAX_NESTING levels (extractor/ingest/limits.py); deeper is refused. A
# list level is two token levels (the list, its item) and a paragraph in it one more, so markdown-it
# (which stops reading, silently dropping the rest of the document, at its maxNesting) gets room
# for that: reaching its own limit is refused too.
MAX_NESTING = limits.MAX_MARKDOWN_DEPTH
_TOKEN_LEVELS = 2 * MAX_NESTING + 8


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "maxNesting": _TOKEN_LEVELS}).enable(["table", "strikethrough"])


_MD = _parser()  # the inline markup of one block (`_children`)
# The block structure first, each block's inline markup when the walk reaches it (`_children`):
# the inline tokens of a whole document never exist at once (a page of 32,000 paragraphs: 13 MB).
_BLOCKS = _parser().disable(["inline", "text_join"])
_NESTS = {"bullet_list_open": 1, "ordered_list_open": 1, "blockquote_open": 1,
          "bullet_list_close": -1, "ordered_list_close": -1, "blockquote_close": -1}  # fmt: skip


def _too_deep(tokens: list[Token]) -> bool:
    depth = 0
    for token in tokens:
        depth += _NESTS.get(token.type, 0)
        if depth > MAX_NESTING or token.level >= _TOKEN_LEVELS - 1:
            return True
    return False


_DELIMITER_ROW = re.compile(r"[\s|:-]*")


def _piped_cells(body: str) -> int:
    """The cells the lines written with pipes would make as table rows (delimiter rows aside): a
    table of 200,000 cells cost markdown-it 15 s, a row of 200,000 over two minutes."""
    cells = 0
    for line in body.split("\n"):
        pipes = line.count("|")
        if pipes and not _DELIMITER_ROW.fullmatch(line):
            inner = line.strip()
            cells += pipes + 1 - inner.startswith("|") - inner.endswith("|")
    return cells


def _walk(builder: BlockBuilder, body: str, lines: LineIndex) -> None:
    if body.count("|") > limits.MAX_TABLE_CELLS:  # refused before markdown-it parses the tables
        cells = _piped_cells(body)
        if cells > limits.MAX_TABLE_CELLS:
            raise too_many_cells(builder.doc.path, cells)
    env: dict[str, Any] = {}  # the link reference definitions the block parser finds, for the inlines
    tokens = _BLOCKS.parse(body, env)
    if _too_deep(tokens):
        raise InputError(
            builder.doc.path,
            f"structure trop profonde : plus de {MAX_NESTING} niveaux de listes ou de citations imbriquées",
            "aplatir les listes imbriquées : un document publié en a rarement plus de 4",
            code="too_deep",
        )
    cells = sum(1 for token in tokens if token.type in ("td_open", "th_open"))
    if cells > limits.MAX_TABLE_CELLS:
        raise too_many_cells(builder.doc.path, cells)
    doc_text = builder.doc.text
    items: list[dict[str, Any]] = []  # open list items: {"block": id | None}
    table: dict[str, Any] | None = None
    row_cells: list[tuple[int, int]] = [(0, 0)]  # the current row's cells (offsets in doc_text)
    tokens.reverse()  # a stack: each token is dropped once read, while the blocks are built
    while tokens:
        tok = tokens.pop()
        kind = tok.type
        if kind == "list_item_open":
            items.append({"block": None, "bullet": (tok.info or "") + tok.markup})
        elif kind == "list_item_close":
            items.pop()
        elif kind == "heading_open":
            inline, _ = tokens.pop(), tokens.pop()  # and the closing token
            start, end = _span(lines, tok.map)
            text, spans = _inline(inline, env)
            builder.heading(int(tok.tag[1]), text, start, end, spans=spans)
        elif kind == "paragraph_open":
            inline, _ = tokens.pop(), tokens.pop()
            start, end = _span(lines, inline.map or tok.map)
            text, spans = _inline(inline, env)
            if items and items[-1]["block"] is None:
                parent = next((it["block"] for it in reversed(items[:-1]) if it["block"] is not None), None)
                block = builder.add(
                    BlockKind.list_item,
                    text,
                    start,
                    end,
                    spans=spans,
                    parent=parent,
                    level=len(items) - 1,
                    bullet=items[-1]["bullet"] or None,
                )
                if block is not None:
                    items[-1]["block"] = block.id
            else:
                parent = items[-1]["block"] if items else None
                builder.add(BlockKind.paragraph, text, start, end, spans=spans, parent=parent)
        elif kind == "html_block":
            start, _ = _span(lines, tok.map)
            base = lines.line_start(tok.map[0] + 1) if tok.map else start
            _, stop = _span(lines, tok.map)
            # The original lines, not markdown-it's copy, so that offsets stay those of doc.text.
            extract_html(builder, doc_text[base:stop], base, heading_offset=builder.current_level)
        elif kind == "table_open":
            table = {"index": builder.new_table(), "headers": [], "row": -1, "in_head": False}
        elif kind == "table_close":
            table = None
        elif kind == "thead_open" and table is not None:
            table["in_head"] = True
        elif kind == "thead_close" and table is not None:
            table["in_head"] = False
        elif kind == "tr_open" and table is not None:
            table["row"] += 1
            table["col"] = -1
            table["row_header"] = None
            row_cells = _row_cells(doc_text, lines, tok.map)
        elif kind in ("th_open", "td_open") and table is not None:
            table["col"] += 1
            inline, _ = tokens.pop(), tokens.pop()
            text, spans = _inline(inline, env)
            start, end = row_cells[table["col"]] if table["col"] < len(row_cells) else row_cells[-1]
            col = table["col"]
            if table["in_head"]:
                table["headers"].append(normalize_ws(text))
                builder.add(
                    BlockKind.table_cell, text, start, end, spans=spans, table=table["index"], row=table["row"], col=col
                )
            else:
                if col == 0:
                    table["row_header"] = normalize_ws(text) or None
                headers = table["headers"]
                builder.add(
                    BlockKind.table_cell,
                    text,
                    start,
                    end,
                    spans=spans,
                    table=table["index"],
                    row=table["row"],
                    col=col,
                    row_header=table["row_header"] if col > 0 else None,
                    column_header=(headers[col] if col < len(headers) else None) or None,
                )


def _span(lines: LineIndex, token_map: list[int] | None) -> tuple[int, int]:
    if not token_map:
        return 0, 0
    start = lines.line_start(token_map[0] + 1)
    end = lines.line_start(token_map[1] + 1) if token_map[1] < len(lines.starts) else lines.length
    if token_map[1] >= len(lines.starts):
        end = lines.length
    return start, max(start, end)


def _row_cells(text: str, lines: LineIndex, row_map: list[int] | None) -> list[tuple[int, int]]:
    """Offsets of the cells of a pipe-table row, found once for the row (looking them up again
    for each cell took a time quadratic in the row's length: a row of 20,000 cells, 2 minutes),
    then the whole row's span, for a cell beyond the ones found."""
    start, end = _span(lines, row_map)
    line = text[start:end].rstrip("\n")
    cells: list[tuple[int, int]] = []
    pos = 0
    stripped = line.strip()
    lead = len(line) - len(line.lstrip())
    if stripped.startswith("|"):
        pos = lead + 1
    for match in _PIPE.finditer(line, pos):
        cells.append((start + pos, start + match.start()))
        pos = match.end()
    if pos < len(line.rstrip()):
        cells.append((start + pos, start + len(line)))
    cells.append((start, start + len(line)))
    return cells


_PIPE = re.compile(r"(?<!\\)\|")


def _children(token: Token, env: dict[str, Any]) -> list[Token]:
    """An inline token's children, parsed now: what markdown-it's core rules `inline` and
    `text_join` do for every token of a document at once."""
    token.children = []
    _MD.inline.parse(token.content, _MD, env, token.children)
    text_join(cast(StateCore, SimpleNamespace(tokens=[token])))
    return token.children


def _inline(token: Token, env: dict[str, Any]) -> tuple[str, list[Span]]:
    """The visible text of an inline token, with link / bold / italic / code spans."""
    buf = TextBuffer()
    sup_start: int | None = None
    for child in _children(token, env):
        t = child.type
        if t == "text":
            buf.write(child.content)
        elif t in ("softbreak", "hardbreak"):
            buf.write(" ")
        elif t == "code_inline":
            buf.open("code")
            buf.write(child.content)
            buf.close("code")
        elif t == "strong_open":
            buf.open("strong")
        elif t == "strong_close":
            buf.close("strong")
        elif t == "em_open":
            buf.open("em")
        elif t == "em_close":
            buf.close("em")
        elif t == "link_open":
            href = child.attrs.get("href")
            buf.open("link", str(href) if href is not None else None)
        elif t == "link_close":
            buf.close("link")
        elif t == "html_inline":
            match = _HTML_TAG.match(child.content)
            if not match:
                continue
            closing, tag = match.group(1), match.group(2).lower()
            if tag == "br":
                buf.write(" ")
            elif tag == "sup" and not closing:
                sup_start = buf.length
            elif tag == "sup" and closing and sup_start is not None:
                text = buf.text
                if _FOOTNOTE_MARK.match(text[sup_start:]):  # footnote call, not part of the sentence
                    buf.parts, buf.length = [text[:sup_start]], sup_start
                sup_start = None
    return buf.take()
