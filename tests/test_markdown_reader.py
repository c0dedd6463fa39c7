"""Markdown + YAML front matter reader (acceptance 4) on the corpus and on small inputs."""

from __future__ import annotations

import datetime as dt

import pytest

from extractor.errors import InputError
from extractor.ingest import load, read_bytes
from extractor.models import BlockKind, Document
from tests.conftest import BILAN_2024, PRESS_RELEASE


@pytest.fixture(scope="module")
def bilan() -> Document:
    return load(BILAN_2024)


def find(doc: Document, text: str, kind: BlockKind | None = None):
    blocks = [b for b in doc.blocks if b.text == text and (kind is None or b.kind == kind)]
    assert blocks, f"no block with text {text!r}"
    return blocks[0]


def original_line(path, line: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[line - 1]


def test_chart_items_in_embedded_html_are_list_items(bilan: Document) -> None:
    items = [b for b in bilan.blocks if b.kind == BlockKind.list_item and b.location.line in range(385, 404)]
    texts = [b.text for b in items]
    assert texts[0] == "59 produits à la DINUM"
    assert texts[-1] == "1 aux Finances publiques"
    assert len(texts) == 19
    # the chart's title is a heading nested under the Markdown section, not a new top level
    title = find(bilan, "Nombre de services publics numériques par incubateur en 2024 (hors investigations)")
    assert title.kind == BlockKind.heading
    assert items[0].heading_path[-2:] == ["Répartition des services par incubateurs", title.text]
    # UI chrome of the transcription widget is not document text
    assert not {"Transcription", "Agrandir", "Fermer"} & {b.text for b in bilan.blocks}
    # the location is in the original (mojibake) file
    line = original_line(BILAN_2024, items[0].location.line)
    assert line.strip() == "<li>59 produits √† la DINUM</li>"
    assert line[items[0].location.column - 1 :].startswith("59 produits")


def test_fast_14_table_rows_are_cells_with_row_and_column_headers(bilan: Document) -> None:
    amount = find(bilan, "121 000 €")
    assert amount.kind == BlockKind.table_cell
    assert amount.row_header == "France Chaleur Urbaine"
    # the document's own header text ("attributé" is how the page spells it)
    assert amount.column_header == "Montant attributé"
    assert amount.heading_path[-1] == "FAST 14"
    row = [b for b in bilan.blocks if b.table == amount.table and b.row == amount.row]
    assert [b.col for b in row] == [0, 1, 2]
    assert row[0].text == "France Chaleur Urbaine"
    assert [s.href for s in row[0].spans if s.kind == "link"] == ["/startups/chauffage-urbain.html"]
    fast14 = [b for b in bilan.blocks if b.table == amount.table and b.col == 2 and b.row]
    assert len(fast14) == 8


def test_plf_table_cells(bilan: Document) -> None:
    cells = [b for b in bilan.blocks if b.table == 1 and b.row and b.col]
    assert len(cells) == 21
    eig = [b for b in cells if b.row_header == "Part des femmes dans les EIG"]
    assert [(b.column_header, b.text) for b in eig] == [
        ("Résultats 2023", "N/A"),
        ("Objectifs PLF 2024", "50 %"),
        ("Résultats 2024", "17,4 %"),
    ]


def test_nested_list_items_keep_their_parents(bilan: Document) -> None:
    users = find(bilan, "279 500 utilisateurs actifs")
    chain = [b.text for b in bilan.ancestors(users)]
    assert chain == ["En 2024", "Tchap"]
    assert users.level == 2
    assert users.heading_path[-1] == "Quelques alumnis du programme"


def test_locations_point_at_the_original_mojibake_file(bilan: Document) -> None:
    block = find(bilan, "Franche Chaleur Urbaine")
    line = original_line(BILAN_2024, block.location.line)
    assert "Franche Chaleur Urbaine" in line
    start = block.location.column - 1
    assert line[start:].startswith("Franche Chaleur Urbaine](")
    # a block whose line was repaired: the column counts the original (longer) characters
    block = find(
        bilan, "En 2024, 7 services numériques ont atteint le statut de « service numérique à impact national » :"
    )
    line = original_line(BILAN_2024, block.location.line)
    assert line.startswith("En 2024, **7 services num√©riques")


def test_front_matter_fields_are_blocks_and_date_is_the_document_date() -> None:
    doc = load(PRESS_RELEASE)
    assert doc.date == dt.date(2024, 2, 26)
    assert doc.title == "Numérique au service de l’efficacité de l’action publique"
    chapeau = next(b for b in doc.blocks if b.field == "chapeau-text")
    assert chapeau.kind == BlockKind.front_matter
    assert chapeau.text.startswith("L’État dévoile le bilan de [beta.gouv.fr]")
    assert "6 nouvelles startups d’état à impact national" in chapeau.text
    assert chapeau.location.line == 10 and chapeau.location.end_line == 12
    assert not any(b.field in ("date", "permalink", "layout") for b in doc.blocks)
    body = [b for b in doc.blocks if b.kind != BlockKind.front_matter]
    assert body[0].location.line == 20


def test_markdown_escapes_and_footnote_calls() -> None:
    src = (
        "Texte **213 Startups d’État sont en activité (\\+40).**\n\n"
        "7,2 M€ investis<sup>1</sup> le 1<sup>er</sup> mars\n"
    )
    doc = read_bytes(src.encode(), "a.md")
    assert [b.text for b in doc.blocks] == [
        "Texte 213 Startups d’État sont en activité (+40).",
        "7,2 M€ investis le 1er mars",
    ]
    assert doc.blocks[0].spans[0].kind == "strong"


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("---\ntitle: [unclosed\n---\nTexte\n", "YAML mal formé"),
        ("---\ntitle: Bilan\nTexte sans fin de front matter\n", "jamais refermé"),
        ("---\n- a\n- b\n---\nTexte\n", "clé: valeur"),
        ("---\nx: !!python/object/apply:os.system ['echo pwned']\n---\nTexte\n", "YAML mal formé"),
        # Well-formed YAML whose value cannot be built (found by the long fuzz run: a traceback before)
        ("---\ndate: 2024-02-30\n---\nTexte\n", "day is out of range for month"),
        ("---\ndate: 2024-02-26 12:34:99\n---\nTexte\n", "valeur impossible à lire"),
        ("---\nx: " + "[" * 5000 + "\n---\nTexte\n", "imbriqué trop profondément"),
    ],
)
def test_malformed_front_matter_is_a_clear_error(source: str, fragment: str) -> None:
    with pytest.raises(InputError) as err:
        read_bytes(source.encode(), "page.md")
    assert fragment in err.value.message
    assert err.value.path == "page.md"


def test_yaml_alias_bomb_is_refused() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]")
    src = "---\n" + "\n".join(lines) + "\n---\nTexte\n"
    with pytest.raises(InputError, match="alias"):
        read_bytes(src.encode(), "bomb.md")


def test_list_items_keep_their_marker() -> None:
    doc = read_bytes(b"**91 membres actifs**\n\n+ 38 par rapport \xc3\xa0 2016\n\n1. un\n2. deux\n\n- tiret\n", "a.md")
    assert [(b.text, b.bullet) for b in doc.blocks] == [
        ("91 membres actifs", None),
        ("38 par rapport à 2016", "+"),  # a "+" bullet in front of a figure reads as a delta
        ("un", "1."),
        ("deux", "2."),
        ("tiret", "-"),
    ]


def test_crlf_and_cr_line_endings_keep_lines_and_columns() -> None:
    for newline in ("\r\n", "\r"):
        src = newline.join(["# Titre", "", "- 12 services", "", "<div>", "<p>Plus de 5 incubateurs</p>", "</div>", ""])
        doc = read_bytes(src.encode(), "a.md")
        assert [(b.text, b.location.line, b.location.column) for b in doc.blocks] == [
            ("Titre", 1, 3),
            ("12 services", 3, 3),
            ("Plus de 5 incubateurs", 6, 4),
        ]


def _find_words_by_expression(text: str, needle: str, start: int, end: int) -> tuple[int, int] | None:
    """What `find_words` finds, as it found it before its shortcut: one expression a value."""
    import re

    words = needle.split()
    if not words:
        return None
    match = re.compile(r"[\s\"'>|]+".join(re.escape(w) for w in words)).search(text, start, end)
    return (match.start(), match.end()) if match else None


def test_a_front_matter_value_is_found_where_the_expression_finds_it() -> None:
    import doctest

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from extractor.ingest import markdown
    from extractor.ingest.markdown import find_words

    assert doctest.testmod(markdown).failed == 0
    pieces = st.text(alphabet="ab \"'>|\n", max_size=12)

    @settings(max_examples=600, deadline=None)
    @given(pieces, pieces, st.integers(0, 12), st.integers(0, 30))
    def same(text: str, needle: str, start: int, end: int) -> None:
        assert find_words(text, needle, start, end) == _find_words_by_expression(text, needle, start, end)

    same()
