"""DOCX reader: bold and italic runs, hyperlinks, the document date and title, headings, lists,
and locations. Every DOCX is built here with python-docx (hyperlinks, fields and custom
properties, which it has no API for, by small helpers that write the XML)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from extractor import checks
from extractor.corpus.index import CorpusIndex
from extractor.ingest import read_bytes
from extractor.ingest.docx import read_docx
from extractor.models import Block, BlockKind, Document

# --------------------------------------------------------------------------------------- builders


def _new() -> Any:
    import docx

    return docx.Document()


def _save(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _read(document: Any, name: str = "note.docx") -> Document:
    return read_bytes(_save(document), name)


def _run(text: str, bold: bool = False) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = OxmlElement("w:r")
    if bold:
        props = OxmlElement("w:rPr")
        props.append(OxmlElement("w:b"))
        run.append(props)
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    return run


def add_hyperlink(paragraph: Any, text: str, url: str | None = None, anchor: str | None = None) -> None:
    """Appends a w:hyperlink to `paragraph`: to `url` through an external relationship, and/or
    to a bookmark `anchor`."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    link = OxmlElement("w:hyperlink")
    if url is not None:
        link.set(qn("r:id"), paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
    if anchor is not None:
        link.set(qn("w:anchor"), anchor)
    link.append(_run(text))
    paragraph._p.append(link)


def add_field_hyperlink(paragraph: Any, text: str, instruction: str) -> None:
    """Appends a complex field (begin, instruction, separate, result, end), as Word writes
    HYPERLINK fields."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> Any:
        run = OxmlElement("w:r")
        field = OxmlElement("w:fldChar")
        field.set(qn("w:fldCharType"), kind)
        run.append(field)
        return run

    code = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.text = instruction
    instr.set(qn("xml:space"), "preserve")
    code.append(instr)
    for element in (char("begin"), code, char("separate"), _run(text), char("end")):
        paragraph._p.append(element)


def add_revision(paragraph: Any, tag: str, text: str) -> None:
    """Appends a tracked insertion (tag "w:ins") or deletion ("w:del") of `text`."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    revision = OxmlElement(tag)
    revision.set(qn("w:id"), "1")
    revision.set(qn("w:author"), "Relecteur")
    run = _run(text)
    if tag == "w:del":
        t = run.find(qn("w:t"))
        t.tag = qn("w:delText")
    revision.append(run)
    paragraph._p.append(revision)


def without_core_dates(document: Any) -> Any:
    """Removes dcterms:created and dcterms:modified from the core properties."""
    element = document.core_properties._element
    for child in list(element):
        if child.tag.endswith("}created") or child.tag.endswith("}modified"):
            element.remove(child)
    return document


def with_custom_property(data: bytes, name: str, value: str, kind: str = "filetime") -> bytes:
    """The DOCX `data` with a docProps/custom.xml holding one property."""
    custom = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="{name}">'
        f"<vt:{kind}>{value}</vt:{kind}></property></Properties>"
    )
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/docProps/custom.xml" '
                    b'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
                )
            elif info.filename == "_rels/.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdCustom1" '
                    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" '
                    b'Target="docProps/custom.xml"/></Relationships>',
                )
            target.writestr(info, content)
        target.writestr("docProps/custom.xml", custom.encode())
    return out.getvalue()


def block_with(doc: Document, needle: str) -> Block:
    return next(b for b in doc.blocks if needle in b.text)


def spans_of(block: Block, kind: str) -> list[tuple[str, str | None]]:
    return [(block.text[s.start : s.end], s.href) for s in block.spans if s.kind == kind]


# ------------------------------------------------------------------------------------------- bold


def test_a_bold_name_is_a_strong_span_at_its_offsets() -> None:
    document = _new()
    paragraph = document.add_paragraph("Parmi les lauréats, ")
    paragraph.add_run("Franche Chaleur Urbaine").bold = True
    paragraph.add_run(" accélère les raccordements.")
    block = _read(document).blocks[0]
    assert block.text == "Parmi les lauréats, Franche Chaleur Urbaine accélère les raccordements."
    (span,) = block.spans
    assert (span.kind, span.start, span.end) == ("strong", 20, 43)
    assert block.text[span.start : span.end] == "Franche Chaleur Urbaine"


def test_bold_split_over_runs_is_one_span_and_white_space_is_collapsed() -> None:
    document = _new()
    paragraph = document.add_paragraph("Le  service\t")
    paragraph.add_run("Franche ").bold = True
    paragraph.add_run(" ")  # a plain space between two bold runs, as Word leaves them
    paragraph.add_run("Chaleur  Urbaine").bold = True
    paragraph.add_run("  aide les copropriétés.")
    block = _read(document).blocks[0]
    assert block.text == "Le service Franche Chaleur Urbaine aide les copropriétés."
    assert spans_of(block, "strong") == [("Franche Chaleur Urbaine", None)]


def test_bold_from_a_character_style_counts_and_bold_off_does_not() -> None:
    document = _new()
    paragraph = document.add_paragraph("Voir ")
    paragraph.add_run("Oz Ensemble", style="Strong")
    paragraph.add_run(" et ")
    paragraph.add_run("Tchap").bold = False  # w:b w:val="0"
    paragraph.add_run(", puis ")
    paragraph.add_run("DomiFa").italic = True
    block = _read(document).blocks[0]
    assert spans_of(block, "strong") == [("Oz Ensemble", None)]
    assert spans_of(block, "em") == [("DomiFa", None)]


def test_no_break_spaces_at_the_ends_are_stripped_and_spans_follow() -> None:
    document = _new()
    paragraph = document.add_paragraph("\u00a0")
    paragraph.add_run("Tchap").bold = True
    paragraph.add_run("\u00a0: 279\u00a0500 utilisateurs\u00a0")
    block = _read(document).blocks[0]
    assert block.text == "Tchap\u00a0: 279\u00a0500 utilisateurs"
    assert spans_of(block, "strong") == [("Tchap", None)]


def test_a_heading_bold_by_its_style_has_no_strong_span() -> None:
    document = _new()
    document.add_heading("Bilan 2024", level=1)
    document.add_paragraph("Texte.")
    heading = _read(document).blocks[0]
    assert heading.kind == BlockKind.heading and heading.spans == []


# ------------------------------------------------------------------------------------------ links


def test_a_hyperlink_keeps_its_href_and_its_text_is_in_the_block() -> None:
    document = _new()
    paragraph = document.add_paragraph("Voir la fiche ")
    add_hyperlink(paragraph, "Réfugiés.info", "https://beta.gouv.fr/startups/refugies.info.html")
    paragraph.add_run(" sur le site.")
    doc = _read(document)
    block = doc.blocks[0]
    assert block.text == "Voir la fiche Réfugiés.info sur le site."
    assert doc.text == "Voir la fiche Réfugiés.info sur le site.\n"
    (span,) = block.spans
    assert (span.kind, span.start, span.end) == ("link", 14, 27)
    assert span.href == "https://beta.gouv.fr/startups/refugies.info.html"


def test_hyperlink_anchors_and_internal_links() -> None:
    document = _new()
    paragraph = document.add_paragraph("Voir ")
    add_hyperlink(paragraph, "l'impact", "https://beta.gouv.fr/startups/tchap.html", anchor="impact")
    paragraph.add_run(" et ")
    add_hyperlink(paragraph, "la méthode", anchor="_Toc123")
    block = _read(document).blocks[0]
    assert spans_of(block, "link") == [
        ("l'impact", "https://beta.gouv.fr/startups/tchap.html#impact"),
        ("la méthode", "#_Toc123"),
    ]


def test_a_hyperlink_field_is_a_link() -> None:
    document = _new()
    paragraph = document.add_paragraph("La fiche de ")
    add_field_hyperlink(paragraph, "DomiFa", ' HYPERLINK "https://beta.gouv.fr/startups/domifa.html" \\o "fiche" ')
    paragraph.add_run(" est à jour.")
    add_field_hyperlink(paragraph, " (page 3)", " PAGEREF _Toc1 \\h ")  # another field: text only
    block = _read(document).blocks[0]
    assert block.text == "La fiche de DomiFa est à jour. (page 3)"
    assert spans_of(block, "link") == [("DomiFa", "https://beta.gouv.fr/startups/domifa.html")]


def test_a_bold_hyperlink_is_both_spans() -> None:
    document = _new()
    paragraph = document.add_paragraph("Avec ")
    add_hyperlink(paragraph, "Mon Suivi Justice", "/startups/mon-suivi-justice.html")
    paragraph._p[-1].remove(paragraph._p[-1][0])
    paragraph._p[-1].append(_run("Mon Suivi Justice", bold=True))
    block = _read(document).blocks[0]
    assert spans_of(block, "link") == [("Mon Suivi Justice", "/startups/mon-suivi-justice.html")]
    assert spans_of(block, "strong") == [("Mon Suivi Justice", None)]


def test_links_and_bold_in_table_cells() -> None:
    document = _new()
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text = "Service"
    table.rows[0].cells[1].text = "Fiche"
    table.rows[1].cells[0].paragraphs[0].add_run("Tchap").bold = True
    cell = table.rows[1].cells[1]
    cell.paragraphs[0].add_run("Voir")
    add_hyperlink(cell.add_paragraph(), "la fiche", "/startups/tchap.html")
    doc = _read(document)
    name = next(b for b in doc.blocks if b.kind == BlockKind.table_cell and b.text == "Tchap")
    assert spans_of(name, "strong") == [("Tchap", None)]
    link = next(b for b in doc.blocks if b.kind == BlockKind.table_cell and b.row == 1 and b.col == 1)
    assert link.text == "Voir la fiche"  # a cell's paragraphs are joined by a space
    assert spans_of(link, "link") == [("la fiche", "/startups/tchap.html")]
    assert (link.row_header, link.column_header) == ("Tchap", "Fiche")


def test_tracked_insertions_are_text_and_deletions_are_not() -> None:
    document = _new()
    paragraph = document.add_paragraph("En 2024, ")
    add_revision(paragraph, "w:del", "6 ")
    add_revision(paragraph, "w:ins", "7 ")
    paragraph.add_run("services ont atteint le statut.")
    assert _read(document).blocks[0].text == "En 2024, 7 services ont atteint le statut."


# ----------------------------------------------------------------------------------- date, title


def test_a_docx_without_a_core_date_has_no_date() -> None:
    document = without_core_dates(_new())
    document.add_paragraph("Texte du rapport.")
    doc = _read(document)
    assert doc.date is None and doc.title is None


def without_core_properties(data: bytes) -> bytes:
    """The DOCX `data` without docProps/core.xml nor its relationship."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                continue
            if info.filename == "_rels/.rels":
                content = re.sub(rb"<Relationship [^>]*core-properties\"[^>]*/>", b"", content)
            target.writestr(info, content)
    return out.getvalue()


def test_a_docx_without_core_properties_has_no_date_and_no_made_up_title() -> None:
    document = _new()
    document.add_paragraph("Texte du rapport.")
    data = without_core_properties(_save(document))
    assert b"core-properties" not in zipfile.ZipFile(io.BytesIO(data)).read("_rels/.rels")
    doc = read_bytes(data, "note.docx")
    # python-docx would make up core properties: "Word Document", modified now
    assert (doc.date, doc.title) == (None, None)


def test_python_docx_default_template_stamp_is_no_date() -> None:
    document = _new()  # created = modified = 2013-12-23T23:15:00Z, python-docx's template
    document.add_paragraph("Texte du rapport.")
    assert _read(document).date is None


def test_the_date_is_the_last_save_then_the_creation() -> None:
    document = _new()
    document.add_paragraph("Texte du rapport.")
    document.core_properties.created = dt.datetime(2023, 1, 20, 9, 0)  # last year's file, saved anew
    document.core_properties.modified = dt.datetime(2024, 3, 12, 17, 30)
    assert _read(document).date == dt.date(2024, 3, 12)
    only_created = without_core_dates(_new())
    only_created.add_paragraph("Texte du rapport.")
    only_created.core_properties.created = dt.datetime(2024, 2, 26, 8, 0)
    assert _read(only_created).date == dt.date(2024, 2, 26)


@pytest.mark.parametrize(
    ("name", "value", "kind"),
    [
        ("Date de publication", "2024-02-26T00:00:00Z", "filetime"),
        ("date", "26/02/2024", "lpwstr"),
        ("Publication date", "2024-02-26", "lpwstr"),
    ],
)
def test_a_date_custom_property_wins(name: str, value: str, kind: str) -> None:
    document = _new()
    document.add_paragraph("Texte du rapport.")
    document.core_properties.modified = dt.datetime(2024, 5, 2, 10, 0)
    doc = read_bytes(with_custom_property(_save(document), name, value, kind), "note.docx")
    assert doc.date == dt.date(2024, 2, 26)


def test_an_unreadable_or_unrelated_custom_property_falls_back_to_the_core_date() -> None:
    document = _new()
    document.add_paragraph("Texte du rapport.")
    document.core_properties.modified = dt.datetime(2024, 5, 2, 10, 0)
    data = _save(document)
    assert read_bytes(with_custom_property(data, "date", "bientôt", "lpwstr"), "a.docx").date == dt.date(2024, 5, 2)
    assert read_bytes(with_custom_property(data, "Service", "DINUM", "lpwstr"), "b.docx").date == dt.date(2024, 5, 2)


def test_a_date_already_given_is_kept() -> None:
    document = _new()
    document.add_paragraph("Texte du rapport.")
    document.core_properties.modified = dt.datetime(2024, 5, 2, 10, 0)
    doc = Document(id="x", path="note.docx", format="docx", sha256="x", text="", date=dt.date(2025, 1, 1))
    assert read_docx(_save(document), doc).date == dt.date(2025, 1, 1)


def test_the_title_is_the_core_title_else_the_first_heading() -> None:
    document = _new()
    document.core_properties.title = "  Bilan   2024 "
    document.add_heading("Introduction", level=1)
    assert _read(document).title == "Bilan 2024"
    untitled = _new()
    untitled.add_paragraph("Avant-propos")
    untitled.add_heading("Introduction", level=2)
    assert _read(untitled).title == "Introduction"


# ----------------------------------------------------------------------------- headings and lists


def test_headings_from_heading_titre_and_outline_level_styles() -> None:
    from docx.enum.style import WD_STYLE_TYPE

    document = _new()
    titre = document.styles.add_style("Titre 2", WD_STYLE_TYPE.PARAGRAPH)  # a French template's name
    intertitre = document.styles.add_style("Intertitre", WD_STYLE_TYPE.PARAGRAPH)
    intertitre.base_style = document.styles["Heading 3"]  # its outline level is Heading 3's
    document.add_heading("Bilan 2024", level=0)  # "Title"
    document.add_heading("Résultats", level=1)
    document.add_paragraph("Les produits", style=titre)
    document.add_paragraph("Tchap", style=intertitre)
    document.add_paragraph("279 500 utilisateurs actifs.")
    doc = _read(document)
    headings = [(b.text, b.level) for b in doc.blocks if b.kind == BlockKind.heading]
    assert headings == [("Bilan 2024", 1), ("Résultats", 1), ("Les produits", 2), ("Tchap", 3)]
    assert doc.blocks[-1].heading_path == ["Résultats", "Les produits", "Tchap"]


def _numbered(document: Any, text: str, level: int, num_id: str = "1") -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = document.add_paragraph(text, style="List Paragraph")
    numbering = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    num = OxmlElement("w:numId")
    num.set(qn("w:val"), num_id)
    numbering.append(ilvl)
    numbering.append(num)
    paragraph._p.get_or_add_pPr().append(numbering)


def test_list_paragraphs_are_items_with_levels_and_parents() -> None:
    document = _new()
    document.add_paragraph("Les produits :")
    document.add_paragraph("Tchap", style="List Bullet")
    document.add_paragraph("279 500 utilisateurs", style="List Bullet 2")
    document.add_paragraph("Oz Ensemble", style="List Number")
    document.add_paragraph("Un paragraphe coupe la liste.")
    _numbered(document, "Emplois", 0)
    _numbered(document, "En 2024", 1)
    _numbered(document, "12 000 embauches", 2)
    _numbered(document, "40 000 orientations", 1)
    doc = _read(document)
    items = {b.text: b for b in doc.blocks if b.kind == BlockKind.list_item}
    parent = {text: (doc.blocks[b.parent].text if b.parent is not None else None, b.level) for text, b in items.items()}
    assert parent == {
        "Tchap": (None, 0),
        "279 500 utilisateurs": ("Tchap", 1),
        "Oz Ensemble": (None, 0),
        "Emplois": (None, 0),
        "En 2024": ("Emplois", 1),
        "12 000 embauches": ("En 2024", 2),
        "40 000 orientations": ("Emplois", 1),
    }
    assert block_with(doc, "coupe").kind == BlockKind.paragraph


def test_numbering_removed_by_num_id_0_is_not_a_list() -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = _new()
    paragraph = document.add_paragraph("Un paragraphe sans puce.")
    numbering = OxmlElement("w:numPr")
    num = OxmlElement("w:numId")
    num.set(qn("w:val"), "0")
    numbering.append(num)
    paragraph._p.get_or_add_pPr().append(numbering)
    assert _read(document).blocks[0].kind == BlockKind.paragraph


# -------------------------------------------------------------------------------------- locations


def _located_docx() -> Any:
    document = _new()
    document.add_heading("Bilan 2024", level=1)
    paragraph = document.add_paragraph("Parmi les lauréats, ")
    paragraph.add_run("Franche Chaleur Urbaine").bold = True
    paragraph.add_run(" accélère les raccordements.")
    link = document.add_paragraph("Voir la fiche ")
    add_hyperlink(link, "Réfugiés.info", "https://beta.gouv.fr/startups/refugies.infos.html")
    document.add_paragraph("Les équipes de de la DINUM accompagnent les ministères.")
    return document


def test_a_finding_points_at_its_paragraph() -> None:
    doc = _read(_located_docx())
    assert [b.location.line for b in doc.blocks] == [1, 2, 3, 4]
    for block in doc.blocks:  # each block's source is its line of the document's text
        assert doc.text[block.start : block.end] == block.text
        assert doc.text.splitlines()[block.location.line - 1] == block.text
    (finding,) = checks.run(doc, checks.Context(), only=["text/duplicated-token"])
    (evidence,) = finding.evidence
    where = evidence.location
    line = doc.text.splitlines()[where.line - 1]
    assert where.line == where.end_line == 4 and line.startswith("Les équipes de de")
    assert line[where.column - 1 : where.end_column - 1] == "de de"


def test_findings_on_spans_point_at_their_paragraph(registry) -> None:
    doc = _read(_located_docx())
    context = checks.Context(registry=registry)
    (typo,) = [f for f in checks.run(doc, context, only=["reference/name-typo"]) if "Franche" in f.message_fr]
    (slug,) = checks.run(doc, context, only=["reference/unknown-slug"])
    assert [e.location.line for e in typo.evidence] == [2]
    assert [e.location.line for e in slug.evidence] == [3]
    name_at = typo.evidence[0].location
    assert doc.text.splitlines()[1][name_at.column - 1 : name_at.end_column - 1] == "Franche Chaleur Urbaine"


# ------------------------------------------------------------------ the date reaches the rules


def _corpus(tmp_path: Path, documents: dict[str, str]) -> CorpusIndex:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, content in documents.items():
        (folder / name).write_text(content)
    index = CorpusIndex(tmp_path / "index.sqlite", folder)
    index.refresh(folder)
    return index


@pytest.mark.parametrize(
    "dated",
    [
        pytest.param(lambda d: setattr(d.core_properties, "modified", dt.datetime(2024, 3, 12, 10, 0)), id="modified"),
        pytest.param(lambda d: setattr(d.core_properties, "created", dt.datetime(2024, 3, 12, 10, 0)), id="created"),
    ],
)
def test_a_dated_docx_compares_near_20_with_its_own_6_plus_18(tmp_path: Path, dated: Callable[[Any], None]) -> None:
    """The DOCX twin of the Markdown self-contradiction cases, with a real document date (the
    generalisation case "self-docx" has only python-docx's template stamp, which is no date)."""
    document = without_core_dates(_new())
    dated(document)
    document.add_paragraph("En 2023, 6 nouvelles Startups d'État rejoignent les 18 services à impact national.")
    document.add_paragraph("Près de 20 Startups d'État à impact national sont désormais déployées.")
    doc = _read(document)
    assert doc.date == dt.date(2024, 3, 12)
    index = _corpus(tmp_path, {"autre.md": "---\ndate: 2024-01-10\n---\nUne page sans chiffre.\n"})
    found = checks.run(doc, checks.Context(corpus=index), only=["corpus/conflicting-value"])
    messages = [f.message_fr for f in found]
    assert any("ce document dit près de 20" in m and "dit 24 (6 + 18" in m for m in messages), messages
    assert not any(re.search(r"dit 18\b", m) for m in messages), messages


def test_an_entity_reference_does_not_cut_the_rest_of_its_paragraph() -> None:
    """Issue 24: the XML parser leaves an entity unresolved (an external one would read a file);
    the text after it in the same w:t was lost without a word."""
    body = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<!DOCTYPE w:document [<!ENTITY ext SYSTEM "file:///etc/hostname"><!ENTITY interne "douze">]>\n'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        b'<w:p><w:r><w:t xml:space="preserve">Au total &ext; 12 services</w:t></w:r>'
        b"<w:r><w:t> et 3 incubateurs.</w:t></w:r></w:p>"
        b'<w:p><w:r><w:t xml:space="preserve">Il y a &interne; 4 services.</w:t></w:r></w:p>'
        b"</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_save(_new()))) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, body if item.filename == "word/document.xml" else source.read(item))
    doc = read_bytes(out.getvalue(), "entite.docx")
    texts = [block.text for block in doc.blocks]
    assert "Au total 12 services et 3 incubateurs." in texts
    assert "Il y a 4 services." in texts
    assert "hostname" not in doc.text and "&" not in doc.text  # the entity gives nothing
