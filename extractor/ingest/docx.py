"""DOCX (python-docx): paragraphs, headings, list paragraphs and tables, in body order.

A DOCX has no lines: the document's `text` is built with one line per paragraph or table cell,
so a location's line is the paragraph's rank in that text (what `factcheck ingest` prints).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from extractor.errors import InputError
from extractor.models import BlockKind, Document
from extractor.structure import BlockBuilder, normalize_ws

_HEADING_STYLE = re.compile(r"^(?:heading|titre)\s*(\d)$", re.I)
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a larger total is a zip bomb, not a report
MAX_RATIO = 200


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

    # Pass 1: collect the units (paragraphs and cells) in body order, to build the text.
    units: list[tuple[str, dict[str, Any]]] = []
    table_no = 0
    for item in word.iter_inner_content():
        if isinstance(item, Paragraph):
            text = normalize_ws(item.text)
            if not text:
                continue
            style = (item.style.name if item.style is not None else "") or ""
            heading = _HEADING_STYLE.match(style)
            if heading or style.lower() == "title":
                units.append((text, {"kind": "heading", "level": int(heading.group(1)) if heading else 1}))
            elif "list" in style.lower() or (item._p.pPr is not None and item._p.pPr.numPr is not None):
                units.append((text, {"kind": "list_item"}))
            else:
                units.append((text, {"kind": "paragraph"}))
        elif isinstance(item, Table):
            table_no += 1
            rows = [[normalize_ws(cell.text) for cell in row.cells] for row in item.rows]
            headers = rows[0] if len(rows) > 1 else []
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    if not cell or (c > 0 and row[c - 1] == cell and r > 0):  # merged cells repeat
                        continue
                    meta: dict[str, Any] = {"kind": "cell", "table": table_no, "row": r, "col": c}
                    if r > 0:
                        meta["row_header"] = row[0] if c > 0 else None
                        meta["column_header"] = headers[c] if c < len(headers) and headers[c] else None
                    units.append((cell, meta))
    if not units:
        raise InputError(doc.path, "DOCX sans texte", "le document ne contient aucun paragraphe", code="no_text")
    doc.text = "\n".join(text for text, _ in units) + "\n"
    doc._locator = None
    builder = BlockBuilder(doc)
    offset = 0
    for text, meta in units:
        start, end = offset, offset + len(text)
        offset = end + 1
        kind = meta.pop("kind")
        if kind == "heading":
            builder.heading(int(meta["level"]), text, start, end)  # type: ignore[call-overload]
        elif kind == "list_item":
            builder.add(BlockKind.list_item, text, start, end, level=0)
        elif kind == "cell":
            builder.add(BlockKind.table_cell, text, start, end, **meta)
        else:
            builder.add(BlockKind.paragraph, text, start, end)
    props = word.core_properties
    doc.title = (
        normalize_ws(props.title)
        if props.title
        else next((b.text for b in doc.blocks if b.kind == BlockKind.heading), None)
    )
    return doc
