"""Plain-text, HTML and DOCX readers."""

from __future__ import annotations

import io

import pytest

from extractor.errors import InputError
from extractor.ingest import load, read_bytes
from extractor.models import BlockKind
from tests.conftest import BILAN_2021, RAPPORT_2017

# --- plain text -------------------------------------------------------------------------------


def test_table_of_contents_page_numbers_are_not_content() -> None:
    doc = load(BILAN_2021)
    texts = [b.text for b in doc.blocks]
    assert not any(t.startswith("Page ") for t in texts)
    assert "SOMMAIRE" not in texts
    # the TOC's entries come back later as real content
    assert (
        "Chaque année, le programme beta.gouv fait son bilan, pour faire le point sur ses résultats et définir "
        "les priorités de l'année suivante." in texts
    )


def test_tab_separated_tables_become_cells_with_headers() -> None:
    doc = load(BILAN_2021)
    cell = next(b for b in doc.blocks if b.kind == BlockKind.table_cell and b.text == "115")
    assert cell.row_header.startswith("Problèmes investigués (la phase d'investigation")
    assert cell.column_header == "Résultats 2021"
    nps = next(b for b in doc.blocks if b.text == "243")
    assert (nps.row_header, nps.column_header) == ("Nombre de répondants", "Octobre 2021")
    # a two-column list without a header row: "Eva :<TAB>150K€"
    eva = next(b for b in doc.blocks if b.text == "150K€" and b.row_header == "Eva")
    assert eva.column_header is None
    assert eva.heading_path == ["FAST 7 (T1 2021)"]  # the slide's title line is the table's heading


def test_text_blocks_lists_and_headings() -> None:
    doc = load(BILAN_2021)
    item = next(b for b in doc.blocks if b.text == "En moyenne, 12 000 embauches chez des employeurs solidaires;")
    assert item.kind == BlockKind.list_item
    assert doc.blocks[item.parent].text.startswith("En moyenne, 40 000 orientations")
    heading = next(b for b in doc.blocks if b.text == "RÉSULTATS 2021")
    assert heading.kind == BlockKind.heading
    bold = next(b for b in doc.blocks if "MINISTÈRE DE LA TRANSFORMATION" in b.text)
    assert "**" not in bold.text
    assert doc.text[bold.start : bold.end].startswith("MINISTÈRE\nDE LA")  # the source, markup and all


def test_markdown_exported_as_text_keeps_its_structure() -> None:
    doc = load(RAPPORT_2017)
    assert doc.format == "markdown"
    assert any(b.kind == BlockKind.heading and b.text == "CHIFFRES CLÉS" for b in doc.blocks)


def test_txt_with_front_matter_is_read_as_markdown() -> None:
    doc = read_bytes(b"---\ntitle: Page\ndate: 2024-01-31\n---\n# Titre\n\nTexte.\n", "page.txt")
    assert doc.format == "markdown"  # a Jekyll page saved as .txt
    assert str(doc.date) == "2024-01-31"
    assert [b.kind for b in doc.blocks] == [BlockKind.front_matter, BlockKind.heading, BlockKind.paragraph]


# --- HTML ---------------------------------------------------------------------------------------

PAGE = """<!doctype html>
<html><head><title>Bilan</title><style>p { color: red }</style><script>var x = "1 000 000";</script></head>
<body>
<h1>Résultats</h1>
<p>Plus de <strong>325&nbsp;000</strong> personnes suivies &amp; <a href="/startups/mano.html">Mano</a>.</p>
<p hidden>texte caché 999</p><div style="display: none">caché aussi</div>
<ul>
  <li>Tchap
    <ul><li>279 500 utilisateurs actifs</li></ul>
  </li>
</ul>
<table>
  <tr><th>Produit</th><th>Montant</th></tr>
  <tr><td>Oz Ensemble</td><td>220 000 €</td></tr>
</table>
<button>Fermer</button>
</body></html>
"""


def test_html_visible_text_and_structure() -> None:
    doc = read_bytes(PAGE.encode(), "page.html")
    assert doc.title == "Bilan"
    texts = [b.text for b in doc.blocks]
    assert texts == [
        "Résultats",
        "Plus de 325\u00a0000 personnes suivies & Mano.",
        "Tchap",
        "279 500 utilisateurs actifs",
        "Produit",
        "Montant",
        "Oz Ensemble",
        "220 000 €",
    ]
    para = doc.blocks[1]
    assert para.location.line == 5 and para.location.column == 4
    assert [(s.kind, para.text[s.start : s.end]) for s in para.spans] == [("strong", "325\u00a0000"), ("link", "Mano")]
    child = doc.blocks[3]
    assert child.kind == BlockKind.list_item and doc.blocks[child.parent].text == "Tchap"
    amount = doc.blocks[-1]
    assert (amount.row_header, amount.column_header) == ("Oz Ensemble", "Montant")


def test_deeply_nested_html_is_a_clear_error_and_deep_enough_html_is_read() -> None:
    """DESIGN §7: deeply nested HTML is refused with a clear error; 500 levels are still read."""
    page = "<div>" * 20000 + "<p>Au fond : 42 services</p>" + "</div>" * 20000
    with pytest.raises(InputError, match="HTML trop imbriqué") as refused:
        read_bytes(page.encode(), "deep.html")
    assert refused.value.code == "too_deep"
    page = "<div>" * 500 + "<p>Au fond : 42 services</p>" + "</div>" * 500
    assert [b.text for b in read_bytes(page.encode(), "deep.html").blocks] == ["Au fond : 42 services"]


# --- DOCX ---------------------------------------------------------------------------------------


def _docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = "Communiqué"
    document.add_heading("Bilan 2024", level=1)
    document.add_paragraph("En 2024, 7 services numériques ont atteint le statut.")
    document.add_paragraph("Tchap : 279 500 utilisateurs", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text = "Produit"
    table.rows[0].cells[1].text = "Montant attribué"
    table.rows[1].cells[0].text = "Oz Ensemble"
    table.rows[1].cells[1].text = "220 000 €"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_headings_lists_tables() -> None:
    doc = read_bytes(_docx_bytes(), "communique.docx")
    assert doc.format == "docx" and doc.title == "Communiqué"
    kinds = [(b.kind, b.text) for b in doc.blocks]
    assert kinds[:3] == [
        (BlockKind.heading, "Bilan 2024"),
        (BlockKind.paragraph, "En 2024, 7 services numériques ont atteint le statut."),
        (BlockKind.list_item, "Tchap : 279 500 utilisateurs"),
    ]
    amount = doc.blocks[-1]
    assert (amount.text, amount.row_header, amount.column_header) == ("220 000 €", "Oz Ensemble", "Montant attribué")
    assert amount.location.line == 7  # one line per paragraph or cell in the document's text
    assert doc.text.splitlines()[amount.location.line - 1] == "220 000 €"


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a zip", b"plain text, not a docx"])
def test_corrupt_docx_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(InputError, match="DOCX illisible"):
        read_bytes(data, "cassé.docx")


def test_html_the_standard_parser_rejects_keeps_its_text() -> None:
    doc = read_bytes(b"<p>Un</p><![0 texte 12 services", "cassé.html")
    assert [b.text for b in doc.blocks] == ["Un", "texte 12 services"]
