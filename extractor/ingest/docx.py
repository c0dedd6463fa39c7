"""DOCX (python-docx): paragraphs, headings, list paragraphs and tables, in body order.

A DOCX has no lines: the document's `text` is built with one line per paragraph or table cell,
so a location's line is the paragraph's rank in that text (what `factcheck ingest` prints).

What the reader keeps, as the Markdown and HTML readers do:

- inline markup as `Span`s over the block's text: bold runs ("strong": direct `w:b` or a
  character style such as "Strong" that makes them bold; a paragraph style's bold, as in
  headings, is not markup), italic runs ("em"), and hyperlinks ("link", href = the external
  target of the `r:id` relationship, plus `#anchor`; or `#anchor` alone for a link to a
  bookmark of the document; HYPERLINK fields too);
- the text of tracked insertions, smart tags and inline content controls (python-docx's
  `paragraph.text` skips them), but not of tracked deletions;
- headings from the heading styles ("Heading 1".."Heading 9", "Titre 1".., "Title") and from an
  outline level set on the paragraph or its style (custom styles based on "Heading n");
- list paragraphs (a list style, or numbering on the paragraph or its style) as list items
  whose level is the numbering level and whose parent is the item above them one level up;
- the title from the core properties, and the document date (see `_document_date`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import replace
from typing import Any

from extractor.dates import date_of
from extractor.errors import InputError
from extractor.ingest import limits
from extractor.ingest.structure import BlockBuilder, normalize_ws
from extractor.models import BlockKind, Document, Span
from extractor.normalise import plain

_HEADING_STYLE = re.compile(r"^(?:heading|titre)\s*(\d)$", re.I)
MAX_UNCOMPRESSED = limits.MAX_DOCX_INFLATED_BYTES  # a larger total is a zip bomb, not a report
MAX_RATIO = limits.MAX_DOCX_RATIO
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


W_VAL = _w("val")
_BREAKS = {_w("tab"): "\t", _w("ptab"): "\t", _w("br"): "\n", _w("cr"): "\n", _w("noBreakHyphen"): "-"}
# Inline containers whose runs are visible text (tracked insertions and moves in, smart tags,
# content controls, bidirectional embeddings). Tracked deletions (w:del, w:moveFrom) are not.
_CONTAINERS = {_w(t) for t in ("ins", "moveTo", "smartTag", "customXml", "sdt", "sdtContent", "dir", "bdo")}
_OFF = {"0", "false", "off", "none"}
_NON_WS = re.compile(r"[^ \t\r\n\f\v]+")
_FIELD_HYPERLINK = re.compile(r"^\s*HYPERLINK\b(.*)$", re.I | re.S)
_FIELD_TARGET = re.compile(r'\s*(?:"([^"]*)"|([^\s\\"]+))')
_FIELD_ANCHOR = re.compile(r'\\l\s+"([^"]*)"')
_LIST_LEVEL = re.compile(r"\s(\d)$")
# python-docx's default template stamps both core dates with this instant: it is when the
# template was made, not when the document was written.
_TEMPLATE_DATE = dt.datetime(2013, 12, 23, 23, 15, tzinfo=dt.UTC)
# Custom document properties that say the document's date, once lower-cased, without accents
# and with punctuation as spaces.
_DATE_PROPERTIES = {
    "date",
    "date de publication",
    "date publication",
    "datepublication",
    "date de parution",
    "date du document",
    "date document",
    "publication date",
    "publicationdate",
    "document date",
    "release date",
}


def _on(element: Any | None) -> bool | None:
    """An OOXML on/off property (w:b, w:i): None when the element is absent."""
    if element is None:
        return None
    value = element.get(W_VAL)
    return value is None or value.lower() not in _OFF


def _join_href(target: str | None, anchor: str | None) -> str | None:
    target, anchor = (target or "").strip(), (anchor or "").strip()
    if target and anchor and "#" not in target:
        return f"{target}#{anchor}"
    return target or (f"#{anchor}" if anchor else None)


def _field_href(instruction: str) -> str | None:
    """The target of a HYPERLINK field (`HYPERLINK "url" \\l "anchor"`), None for other fields."""
    match = _FIELD_HYPERLINK.match(instruction)
    if match is None:
        return None
    rest = match.group(1)
    target = _FIELD_TARGET.match(rest)
    anchor = _FIELD_ANCHOR.search(rest)
    return _join_href((target.group(1) or target.group(2)) if target else None, anchor.group(1) if anchor else None)


class _Styles:
    """Style lookups that follow `w:basedOn` (by style id, read once from styles.xml)."""

    def __init__(self, styles: Any | None) -> None:
        self._by_id: dict[str, Any] = {}
        if styles is not None:
            for style in styles.findall(_w("style")):
                self._by_id.setdefault(style.get(_w("styleId")) or "", style)
        self._flags: dict[tuple[str, str], bool | None] = {}
        self._default_paragraph = next(
            (
                style_id
                for style_id, style in self._by_id.items()
                if style.get(_w("type")) == "paragraph"
                and (style.get(_w("default")) or "").lower() in ("1", "true", "on")
            ),
            None,
        )

    def paragraph_style(self, paragraph: Any) -> tuple[str | None, str]:
        """(style id, style name) of a w:p: its w:pStyle, else the default paragraph style (as
        python-docx resolves it, without its scan of all styles for every paragraph)."""
        found = paragraph.find(f"{_w('pPr')}/{_w('pStyle')}")
        style_id = found.get(W_VAL) if found is not None else None
        if style_id not in self._by_id:
            style_id = self._default_paragraph
        if style_id is None:
            return None, ""
        name = self._by_id[style_id].find(_w("name"))
        return style_id, ((name.get(W_VAL) if name is not None else None) or "").strip()

    def chain(self, style_id: str | None) -> list[Any]:
        out: list[Any] = []
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._by_id:
            seen.add(style_id)
            style = self._by_id[style_id]
            out.append(style)
            based = style.find(_w("basedOn"))
            style_id = based.get(W_VAL) if based is not None else None
        return out

    def run_flag(self, style_id: str | None, tag: str) -> bool | None:
        """w:b or w:i of a character style, inherited through its base styles."""
        if not style_id:
            return None
        key = (style_id, tag)
        if key not in self._flags:
            self._flags[key] = next(
                (
                    flag
                    for style in self.chain(style_id)
                    if (flag := _on(style.find(f"{_w('rPr')}/{_w(tag)}"))) is not None
                ),
                None,
            )
        return self._flags[key]

    def paragraph_property(self, style_id: str | None, path: str) -> Any | None:
        """The first element at `path` under w:pPr of a paragraph style or its base styles."""
        for style in self.chain(style_id):
            found = style.find(f"{_w('pPr')}/{path}")
            if found is not None:
                return found
        return None


class _Inline:
    """A paragraph's visible text with its spans; white space is collapsed as `normalize_ws`
    does, so that span offsets are those of the block's text."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.pending_space = False
        self.spans: list[Span] = []
        self._open: dict[str, tuple[int, str | None]] = {}

    def write(self, text: str) -> None:
        pos = 0
        for match in _NON_WS.finditer(text):
            if match.start() > pos and self.length:
                self.pending_space = True
            if self.pending_space:
                self.parts.append(" ")
                self.length += 1
                self.pending_space = False
            self.parts.append(match.group(0))
            self.length += match.end() - match.start()
            pos = match.end()
        if pos < len(text) and self.length:
            self.pending_space = True

    def start(self, kind: str, href: str | None = None) -> None:
        if kind not in self._open:
            self._open[kind] = (self.length + (1 if self.pending_space else 0), href)

    def end(self, kind: str) -> None:
        if kind in self._open:
            start, href = self._open.pop(kind)
            if self.length > start:
                self.spans.append(Span(kind=kind, start=start, end=self.length, href=href))  # type: ignore[arg-type]

    def toggle(self, kind: str, on: bool) -> None:
        if on:
            self.start(kind)
        else:
            self.end(kind)

    def take(self) -> tuple[str, list[Span]]:
        for kind in list(self._open):
            self.end(kind)
        text = "".join(self.parts)
        # normalize_ws strips what str.strip() does, no-break spaces at the ends included
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        spans = [
            replace(span, start=max(0, span.start - lead), end=min(len(text), span.end - lead)) for span in self.spans
        ]
        kept = [span for span in spans if span.end > span.start]
        return text, sorted(kept, key=lambda s: (s.start, -s.end))


class _ParagraphReader:
    """Reads a w:p element into (text, spans): runs, hyperlinks, HYPERLINK fields, bold and
    italic runs."""

    def __init__(self, part: Any, styles: _Styles) -> None:
        self.part = part
        self.styles = styles
        self._fields: list[dict[str, Any]] = []

    def read(self, paragraph: Any) -> tuple[str, list[Span]]:
        # A field left open by a broken document ends with its paragraph: it cannot make a link
        # swallow the rest of the document.
        self._fields = []
        out = _Inline()
        self._walk(paragraph, out)
        return out.take()

    def _walk(self, element: Any, out: _Inline) -> None:
        for child in element:
            tag = child.tag
            if tag == _w("r"):
                self._run(child, out)
            elif tag == _w("hyperlink"):
                self._link(self._hyperlink_href(child), child, out)
            elif tag == _w("fldSimple"):
                self._link(_field_href(child.get(_w("instr")) or ""), child, out)
            elif tag in _CONTAINERS:
                self._walk(child, out)

    def _link(self, href: str | None, element: Any, out: _Inline) -> None:
        if href:
            out.start("link", href)
        self._walk(element, out)
        if href:
            out.end("link")

    def _hyperlink_href(self, element: Any) -> str | None:
        target = None
        rid = element.get(f"{{{R}}}id")
        if rid:
            try:
                target = self.part.rels[rid].target_ref
            except (KeyError, AttributeError, ValueError):
                target = None
        return _join_href(target, element.get(_w("anchor")))

    def _run(self, run: Any, out: _Inline) -> None:
        bold, italic = self._format(run)
        for child in run:
            tag = child.tag
            if tag == _w("t"):
                text = _t_text(child)
            elif tag in _BREAKS:
                text = _BREAKS[tag]
            elif tag == _w("fldChar"):
                self._field_char(child.get(_w("fldCharType")), out)
                continue
            elif tag == _w("instrText"):
                if self._fields and not self._fields[-1]["separated"]:
                    self._fields[-1]["instruction"] += _t_text(child)
                continue
            else:
                continue
            if text.strip():  # white space between two bold runs does not end the bold
                out.toggle("strong", bold)
                out.toggle("em", italic)
            out.write(text)

    def _field_char(self, kind: str | None, out: _Inline) -> None:
        if kind == "begin":
            self._fields.append({"instruction": "", "separated": False, "href": None})
        elif kind == "separate" and self._fields and not self._fields[-1]["separated"]:
            field = self._fields[-1]
            field["separated"] = True
            field["href"] = _field_href(field["instruction"])
            if field["href"]:
                out.start("link", field["href"])
        elif kind == "end" and self._fields and self._fields.pop()["href"]:
            out.end("link")

    def _format(self, run: Any) -> tuple[bool, bool]:
        props = run.find(_w("rPr"))
        bold = italic = style = None
        if props is not None:
            bold, italic = _on(props.find(_w("b"))), _on(props.find(_w("i")))
            rstyle = props.find(_w("rStyle"))
            style = rstyle.get(W_VAL) if rstyle is not None else None
        if bold is None:
            bold = self.styles.run_flag(style, "b")
        if italic is None:
            italic = self.styles.run_flag(style, "i")
        return bool(bold), bool(italic)


def _t_text(element: Any) -> str:
    """A w:t's text, with the text after an entity reference it holds: python-docx's parser does
    not resolve entities (an external one would read a file), and lxml keeps an unresolved one as
    a child whose tail is the rest of the text (`.text` alone cut the paragraph there). The
    entity itself gives no text."""
    text = element.text or ""
    for child in element:
        text += child.tail or ""
    return text


def _paragraph_kind(paragraph: Any, styles: _Styles) -> dict[str, Any]:
    """{"kind": "heading", "level": n} | {"kind": "list_item", "ilvl": n} | {"kind": "paragraph"}."""
    style_id, name = styles.paragraph_style(paragraph)
    heading = _HEADING_STYLE.match(name)
    if heading or name.lower() == "title":
        return {"kind": "heading", "level": int(heading.group(1)) if heading else 1}
    props = paragraph.find(_w("pPr"))
    outline = props.find(_w("outlineLvl")) if props is not None else None
    if outline is None:
        outline = styles.paragraph_property(style_id, _w("outlineLvl"))
    level = _int(outline.get(W_VAL)) if outline is not None else None
    if level is not None and 0 <= level <= 8:  # 9 is "body text"
        return {"kind": "heading", "level": level + 1}
    numbering = props.find(_w("numPr")) if props is not None else None
    if numbering is None:
        numbering = styles.paragraph_property(style_id, _w("numPr"))
    num_id = numbering.find(_w("numId")) if numbering is not None else None
    numbered = num_id is not None and num_id.get(W_VAL) != "0"  # numId 0 removes the numbering
    if not numbered and "list" not in name.lower():
        return {"kind": "paragraph"}
    ilvl = numbering.find(_w("ilvl")) if numbering is not None else None
    depth = _int(ilvl.get(W_VAL)) if ilvl is not None else None
    if depth is None:  # "List Bullet 2" has its own numbering at level 0, and means level 1
        digit = _LIST_LEVEL.search(name)
        depth = int(digit.group(1)) - 1 if digit else 0
    return {"kind": "list_item", "ilvl": max(0, min(depth, 8))}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _related_part(word: Any, reltype: str) -> Any | None:
    """The package part of a relationship type (core or custom properties), None when absent.
    Asking python-docx for `core_properties` of a document without them makes default ones,
    titled "Word Document" and modified now: the reader looks first."""
    try:
        return next(
            (r.target_part for r in word.part.package.rels.values() if r.reltype == reltype and not r.is_external),
            None,
        )
    except Exception:  # a broken optional part: the document is still read
        return None


def _custom_date(word: Any) -> dt.date | None:
    """A date-like custom property ("Date de publication", "date"...) of docProps/custom.xml."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import parse_xml

    part = _related_part(word, RELATIONSHIP_TYPE.CUSTOM_PROPERTIES)
    try:
        root = parse_xml(part.blob) if part is not None else None
    except Exception:  # not XML: no custom properties
        return None
    if root is None:
        return None
    for prop in root:
        name = plain(prop.get("name") or "")
        if name in _DATE_PROPERTIES and len(prop):
            found = date_of(prop[0].text or "")
            if found is not None:
                return found
    return None


def _document_date(word: Any, props: Any | None) -> dt.date | None:
    """The document's date, for claims that give no year ("cette année", "aujourd'hui").

    A date-like custom property (set by the author or a publishing workflow) wins. Otherwise the
    core property `modified`, the last save: a report is commonly written by saving last year's
    file under a new name, which keeps last year's `created`, while its last save is when it was
    finished, the nearest a DOCX comes to a publication date. `created` is the fallback when
    there is no `modified`. The stamp of python-docx's default template is no date.
    """
    custom = _custom_date(word)
    if custom is not None or props is None:
        return custom
    for value in (props.modified, props.created):
        if isinstance(value, dt.datetime) and value.replace(tzinfo=value.tzinfo or dt.UTC) != _TEMPLATE_DATE:
            return value.date()
    return None


def _check_zip(data: bytes, path: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
    except zipfile.BadZipFile as exc:
        raise InputError(
            path, "DOCX illisible : ce n'est pas une archive Office valide (fichier tronqué ?)", code="unreadable"
        ) from exc
    if "word/document.xml" not in names:
        raise InputError(
            path, "DOCX illisible : l'archive ne contient pas de document Word (word/document.xml)", code="unreadable"
        )
    if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
        raise InputError(
            path, f"DOCX refusé : {total // 1_000_000} Mo une fois décompressé (bombe zip ?)", code="too_large"
        )


def read_docx(data: bytes, doc: Document) -> Document:
    _check_zip(data, doc.path)
    import docx  # python-docx; imported here so that other formats do not pay for it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises a variety of errors on corrupt parts
        raise InputError(doc.path, f"DOCX illisible : {type(exc).__name__}", code="unreadable") from exc
    try:
        styles = _Styles(word.styles.element)
    except Exception:  # no or broken styles part: every run is plain, every paragraph "Normal"
        styles = _Styles(None)
    reader = _ParagraphReader(word.part, styles)

    # Pass 1: collect the units (paragraphs and cells) in body order, to build the text.
    units: list[tuple[str, list[Span], dict[str, Any]]] = []
    table_no = 0
    try:  # python-docx's model of a body whose XML is well formed but not WordprocessingML
        for item in word.iter_inner_content():
            if isinstance(item, Paragraph):
                text, spans = reader.read(item._p)
                if text:
                    units.append((text, spans, _paragraph_kind(item._p, styles)))
            elif isinstance(item, Table):
                table_no += 1
                rows = [[_cell(reader, cell) for cell in row.cells] for row in item.rows]
                headers = [text for text, _ in rows[0]] if len(rows) > 1 else []
                for r, row in enumerate(rows):
                    for c, (cell, cell_spans) in enumerate(row):
                        if not cell or (c > 0 and row[c - 1][0] == cell and r > 0):  # merged cells repeat
                            continue
                        meta: dict[str, Any] = {"kind": "cell", "table": table_no, "row": r, "col": c}
                        if r > 0:
                            meta["row_header"] = row[0][0] if c > 0 else None
                            meta["column_header"] = headers[c] if c < len(headers) and headers[c] else None
                        units.append((cell, cell_spans, meta))
    except (AttributeError, TypeError, ValueError, IndexError, KeyError) as exc:
        raise InputError(
            doc.path, f"DOCX illisible : corps du document invalide ({type(exc).__name__})", code="unreadable"
        ) from exc
    if not units:
        raise InputError(doc.path, "DOCX sans texte", "le document ne contient aucun paragraphe", code="no_text")
    doc.text = "\n".join(text for text, _, _ in units) + "\n"
    doc._locator = None
    builder = BlockBuilder(doc)
    items: list[tuple[int, int]] = []  # open list items: (numbering level, block id)
    offset = 0
    for text, spans, meta in units:
        start, end = offset, offset + len(text)
        offset = end + 1
        kind = meta.pop("kind")
        if kind != "list_item":
            items.clear()
        if kind == "heading":
            builder.heading(int(meta["level"]), text, start, end, spans=spans)
        elif kind == "list_item":
            ilvl = int(meta["ilvl"])
            while items and items[-1][0] >= ilvl:
                items.pop()
            parent = items[-1][1] if items else None
            block = builder.add(BlockKind.list_item, text, start, end, spans=spans, parent=parent, level=len(items))
            if block is not None:
                items.append((ilvl, block.id))
        elif kind == "cell":
            builder.add(BlockKind.table_cell, text, start, end, spans=spans, **meta)
        else:
            builder.add(BlockKind.paragraph, text, start, end, spans=spans)
    from docx.opc.constants import RELATIONSHIP_TYPE

    props = word.core_properties if _related_part(word, RELATIONSHIP_TYPE.CORE_PROPERTIES) is not None else None
    title = normalize_ws(props.title or "") if props is not None else ""
    doc.title = title or next((b.text for b in doc.blocks if b.kind == BlockKind.heading), None)
    if doc.date is None:
        doc.date = _document_date(word, props)
    return doc


def _cell(reader: _ParagraphReader, cell: Any) -> tuple[str, list[Span]]:
    """A table cell's paragraphs as one text (joined by a space) with their spans."""
    texts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for paragraph in cell.paragraphs:
        text, inner = reader.read(paragraph._p)
        if not text:
            continue
        if texts:
            offset += 1
        spans.extend(replace(s, start=s.start + offset, end=s.end + offset) for s in inner)
        texts.append(text)
        offset += len(text)
    return " ".join(texts), spans
