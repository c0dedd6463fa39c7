"""The writing rules (issue 15): invisible characters, empty labels, repeated items, references inside
a document, dates against the document's date; both sides of each boundary, and the corpus of
tests/data/writing_corpus.yaml (every planted error found, no correct text flagged)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from extractor import checks
from extractor.checks.spelling import dictionary
from extractor.ingest import read_bytes
from extractor.models import Finding
from tests.conftest import ROOT

WRITING = [
    "text/spelling",
    "text/invisible-character",
    "text/empty-label",
    "text/repeated-item",
    "text/broken-reference",
    "text/date-after-publication",
    "text/year-mismatch",
]
CORPUS = yaml.safe_load((Path(__file__).parent / "data" / "writing_corpus.yaml").read_text("utf-8"))
HAS_DICTIONARY = dictionary() is not None


def run(text: str, rules: list[str] | None = None, date: str | None = None, name: str = "exemple.md") -> list[Finding]:
    data = f"---\ntitle: Exemple\ndate: {date}\n---\n\n{text}" if date else text
    return checks.run(read_bytes(data.encode("utf-8"), name), checks.Context(), only=rules or WRITING)


def rules_of(findings: list[Finding]) -> list[str]:
    return sorted(f.rule for f in findings)


# --- the corpus -------------------------------------------------------------------------------


def _case_id(case: dict) -> str:
    return case["text"][:50]


def test_the_corpus_is_big_enough() -> None:
    assert len(CORPUS["planted"]) >= 60 and len(CORPUS["correct"]) >= 60


@pytest.mark.parametrize("case", CORPUS["planted"], ids=_case_id)
def test_every_planted_error_is_found(case: dict) -> None:
    if case["rule"] == "text/spelling" and not HAS_DICTIONARY:
        pytest.skip("no French Hunspell dictionary (apt: hunspell-fr-comprehensive; pip: pyenchant)")
    found = run(case["text"], date=case.get("date"))
    assert case["rule"] in rules_of(found), (case, [f.message_fr for f in found])


@pytest.mark.parametrize("case", CORPUS["correct"], ids=_case_id)
def test_no_correct_text_is_flagged(case: dict) -> None:
    found = run(case["text"], rules=[*WRITING, "text/placeholder", "text/duplicated-token"], date=case.get("date"))
    assert found == [], [f.message_fr for f in found]


# --- invisible characters ---------------------------------------------------------------------


def test_invisible_characters_are_reported_once_per_kind_with_their_places() -> None:
    text = "Le service M\ufeffon Suivi.\n\nL\ufeffa communauté.\n\nUn caracte\u0300re re\u0301pe\u0301titif.\n"
    found = run(text, ["text/invisible-character"])
    assert len(found) == 2
    invisible, nfd = sorted(found, key=lambda f: f.message_fr)
    assert "2 caractères invisibles" in nfd.message_fr or "2 caractères invisibles" in invisible.message_fr
    messages = " ".join(f.message_fr for f in found)
    assert "U+FEFF" in messages and "lignes 1, 3" in messages and "ligne 5" in messages
    assert {e.location.line for f in found for e in f.evidence} == {1, 3, 5}
    assert all("factcheck repair" in (f.suggestion or "") for f in found)


def test_invisible_characters_are_named_in_french_and_in_one_wording() -> None:
    one = run("Le service M\ufeffon Suivi.\n", ["text/invisible-character"])[0].message_fr
    two = run("Le service M\u200bon S\u200buivi.\n", ["text/invisible-character"])[0].message_fr
    assert "espace insécable sans chasse" in one and "espace sans chasse" in two
    assert "⟨U+FEFF⟩" in one and "⟨U+200B⟩" in two  # the same notation as the quotes
    assert (
        "1 caractère invisible à l'intérieur d'un mot" in one and "2 caractères invisibles à l'intérieur de mots" in two
    )
    assert not re.search(r"\b(?:zero|width|space|no-break)\b", one + two)


def test_the_other_rules_read_the_normalised_text() -> None:
    """An NFD "répétitif" holds no "re re"; a word cut by U+FEFF is one word."""
    doc = read_bytes("Un caracte\u0300re re\u0301pe\u0301titif, M\ufeffon Suivi.\n".encode(), "x.md")
    assert doc.blocks[0].text == "Un caractère répétitif, Mon Suivi."
    assert checks.run(doc, checks.Context(), only=["text/duplicated-token"]) == []


def test_french_spacing_and_emoji_are_not_invisible_characters() -> None:
    assert run("Prix\u00a0: 12\u202f000\u00a0€ ; « oui » !\n👩\u200d💻\n", ["text/invisible-character"]) == []


def test_a_control_character_is_reported() -> None:
    found = run("Le formulaire\x07 est envoyé.\n", ["text/invisible-character"])
    assert len(found) == 1 and "U+0007" in found[0].message_fr and "⟨U+0007⟩" in found[0].message_fr


# --- empty labels -----------------------------------------------------------------------------


def test_an_empty_label_is_reported_when_other_records_fill_it() -> None:
    text = "Collectivité sponsor : Épinal\n\nCollectivité sponsor : Vichy\n\nCollectivité sponsor : \n"
    found = run(text, ["text/empty-label"])
    assert len(found) == 1 and "« Épinal »" in found[0].message_fr and found[0].evidence[0].location.line == 5


def test_an_empty_label_filled_once_elsewhere_is_not_enough() -> None:
    assert run("Collectivité sponsor : Épinal\n\nCollectivité sponsor : \n", ["text/empty-label"]) == []


def test_a_label_whose_value_is_below_it_is_not_empty() -> None:
    text = "Porteur : Lyon\n\nPorteur : Lille\n\nPorteur :\n\nLa métropole de Rennes.\n"
    assert run(text, ["text/empty-label"]) == []


def test_an_empty_label_on_a_page_whose_siblings_fill_it(tmp_path: Path) -> None:
    for n, city in enumerate(["Épinal", "Vichy", "Bapaume"], start=1):
        (tmp_path / f"pni-{n}.md").write_text(f"---\ntitle: P{n}\n---\nTexte.\nCollectivité sponsor : {city}\n")
    page = tmp_path / "pni-4.md"
    page.write_text("---\ntitle: P4\n---\ntbd\nCollectivité sponsor : \n")
    from extractor.ingest import load

    found = checks.run(load(page), checks.Context(), only=["text/empty-label"])
    assert len(found) == 1 and "3 autres pages du dossier" in found[0].message_fr
    assert found[0].evidence[0].location.line == 5
    (tmp_path / "pni-3.md").unlink()
    assert checks.run(load(page), checks.Context(), only=["text/empty-label"]) == []  # two others: unsure


# --- repeated items ---------------------------------------------------------------------------


def test_a_repeated_list_item() -> None:
    found = run("Étapes :\n\n- Investigation\n- Construction\n- investigation.\n", ["text/repeated-item"])
    assert len(found) == 1 and "déjà ligne 3" in found[0].message_fr


def test_the_same_item_in_two_lists_is_no_repetition() -> None:
    text = "Avant :\n\n- Investigation\n- Construction\n\nAprès :\n\n- Investigation\n- Accélération\n"
    assert run(text, ["text/repeated-item"]) == []


def test_a_name_twice_in_an_enumeration() -> None:
    assert len(run("Avec Marie Dupont, Jean Martin et Marie Dupont.\n", ["text/repeated-item"])) == 1
    assert run("Avec Marie Dupont, Jean Martin et Marie Durand.\n", ["text/repeated-item"]) == []


def test_a_term_defined_twice_in_a_glossary() -> None:
    text = "- API : interface\n- FAST : fonds\n- SNE : service\n- API : application\n"
    found = run(text, ["text/repeated-item"])
    assert len(found) == 1 and "glossaire" in found[0].message_fr
    # a list that is no glossary (few "term : definition" items) may start two items alike
    assert (
        run("- Objectif : simplifier\n- Réduire les délais\n- Objectif : rassurer\n- Écouter\n", ["text/repeated-item"])
        == []
    )


# --- references -------------------------------------------------------------------------------


def test_an_anchor_near_a_heading_is_broken_and_the_heading_is_named() -> None:
    text = "# Guide\n\nVoir [ici](#la-metode).\n\n## La méthode\n\nTexte.\n"
    found = run(text, ["text/broken-reference"])
    assert len(found) == 1 and ("#la-methode" in found[0].message_fr or "#la-méthode" in found[0].message_fr)


def test_an_anchor_far_from_every_heading_is_left_to_the_layout() -> None:
    assert (
        run("# Guide\n\nVoir [ici](#formulaire-contact).\n\n## La méthode\n\nTexte.\n", ["text/broken-reference"]) == []
    )


def test_a_section_number_the_headings_do_not_have() -> None:
    base = "# 1. Contexte\n\n{}\n\n# 2. Méthode\n\nTexte.\n"
    assert len(run(base.format("Voir la section 3."), ["text/broken-reference"])) == 1
    assert run(base.format("Voir la section 2."), ["text/broken-reference"]) == []
    assert run("# Contexte\n\nVoir la section 3.\n\n# Méthode\n\nTexte.\n", ["text/broken-reference"]) == []


def test_a_page_past_the_last_page() -> None:
    from extractor.checks.writing import _pages

    doc = read_bytes(b"Le detail (voir page 14) et la page 2.\n", "x.md")
    assert list(_pages(doc)) == []  # no page count: unsure
    doc.pages = 10
    assert len(list(_pages(doc))) == 1
    doc.pages = 20
    assert list(_pages(doc)) == []


def test_a_table_of_contents_page_number_against_the_heading_page() -> None:
    from extractor.checks.writing import _table_of_contents
    from extractor.models import Block, BlockKind, Document, Location

    def block(n: int, kind: BlockKind, text: str, page: int) -> Block:
        where = Location(path="r.pdf", line=n + 1, column=1, end_line=n + 1, end_column=2, page=page)
        return Block(id=n, kind=kind, text=text, start=0, end=0, location=where)

    toc = "Introduction ........ 3\nLa méthode .......... 5\nLes résultats ....... 8\nAnnexes ............. 12"
    blocks = [block(0, BlockKind.paragraph, toc, 2)]
    for n, (title, page) in enumerate([("Introduction", 4), ("La méthode", 6), ("Les résultats", 9), ("Annexes", 11)]):
        blocks.append(block(n + 1, BlockKind.heading, title, page))
    doc = Document(id="x", path="r.pdf", format="pdf", sha256="0", text=toc, blocks=blocks, pages=14)
    found = list(_table_of_contents(doc))
    assert len(found) == 1 and "« Annexes »" in found[0].message_fr and "page 10" in found[0].message_fr
    blocks[-1] = block(4, BlockKind.heading, "Annexes", 13)
    assert list(_table_of_contents(doc.model_copy(update={"blocks": blocks}))) == []


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "text", "fires"),
    [
        ("2022-02-15", "Le service compte 1 200 utilisateurs au 1er juin 2022.", True),
        ("2022-06-01", "Le service compte 1 200 utilisateurs au 1er juin 2022.", False),  # the same day
        ("2022-02-15", "Le service compte 1 200 utilisateurs en février 2022.", False),  # the month of the date
        ("2022-02-15", "Le service a été lancé en mars 2022.", True),
        ("2022-02-15", "Le service devrait être lancé en mars 2022.", False),
        ("2022-02-15", "Le service sera lancé en janvier 2022.", True),
        ("2022-02-15", "Le service sera lancé en février 2022.", False),
    ],
)
def test_dates_against_the_document_date(date: str, text: str, fires: bool) -> None:
    assert bool(run(text, ["text/date-after-publication"], date=date)) is fires


def test_an_item_year_under_a_year_heading() -> None:
    base = "## En 2024\n\n- 12 services ont été lancés en 2024\n- {}\n"
    assert len(run(base.format("3 services ont été arrêtés en 2025"), ["text/year-mismatch"])) == 1
    assert run(base.format("3 services ont été arrêtés en 2024"), ["text/year-mismatch"]) == []
    assert run(base.format("3 services seront arrêtés en 2025"), ["text/year-mismatch"]) == []
    two = "## En 2024\n\n- lancé en 2023\n- arrêté en 2022\n"  # a list about several years: unsure
    assert run(two, ["text/year-mismatch"]) == []


# --- the catalogue ----------------------------------------------------------------------------


def test_every_writing_rule_is_on_by_default_and_in_the_catalogue() -> None:
    assert set(WRITING) <= set(checks.rules())


def test_an_empty_label_at_the_end_of_a_list() -> None:
    """A label line right under a list item, with no blank line, belongs to the item (Markdown)."""
    text = "Porteur : Lyon\n\nPorteur : Lille\n\n1. Réduire les délais\n2. Simplifier\nPorteur : \n"
    assert len(run(text, ["text/empty-label"])) == 1


def test_a_list_of_links_is_no_glossary() -> None:
    text = "- https://exemple.fr/a\n- https://exemple.fr/b\n- https://exemple.fr/c\n"
    assert run(text, ["text/repeated-item"]) == []


def _toc_pdf(stated: list[int]) -> bytes:
    """A deck: page 1 a table of contents in two columns ("Page N" | title), then one title per page."""
    from tests.samples import pdf_file, stream

    titles = ["Les resultats du programme", "Les activites financees", "Le reseau des incubateurs", "Les perspectives"]
    toc = "\n".join(
        f"BT /F1 14 Tf 72 {500 - 40 * i} Td (Page {n}) Tj ET\nBT /F1 14 Tf 200 {500 - 40 * i} Td ({t}) Tj ET"
        for i, (n, t) in enumerate(zip(stated, titles, strict=True))
    )
    pages = [toc] + [f"BT /F1 28 Tf 72 400 Td ({t}) Tj ET" for t in titles]
    n = len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n)).encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n]
    for i, content in enumerate(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + 2 * i, 3 + 2 * n)
        )
        objects.append(stream(content.encode("latin-1")))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return pdf_file(objects)


def test_a_two_column_table_of_contents_on_a_slide_is_read() -> None:
    """« Page 3 » and its title are two blocks side by side: paired by their line. The deck's
    pages 2 to 5 hold the titles; a wrong number among three right ones is a finding (the printed
    numbering is the one most entries agree on), the right ones are silent."""
    from extractor import checks
    from extractor.ingest import read_bytes

    def found(stated: list[int]) -> list[str]:
        doc = read_bytes(_toc_pdf(stated), "deck.pdf")
        return [f.message_fr for f in checks.run(doc, checks.Context(), ["text/broken-reference"])]

    assert found([2, 3, 4, 5]) == []
    messages = found([2, 3, 4, 6])
    assert len(messages) == 1 and "page 6" in messages[0] and "page 5" in messages[0]


BILAN_PDF = ROOT.parent / "shared" / "pdf" / "betagouv_bilan_2024.pdf"


@pytest.mark.skipif(not BILAN_PDF.is_file(), reason="../shared/pdf is not here")
def test_the_bilan_2024_deck_table_of_contents_is_read_and_right() -> None:
    """Slide 3: « Page 4 Introduction », « Page 7 Les résultats… », « Page 21 … », « Page 28 … »
    in two columns; the three titles that are slide headings are on pages 7, 21 and 28."""
    from extractor import checks
    from extractor.checks.writing import _two_column_toc
    from extractor.ingest import load

    doc = load(str(BILAN_PDF))
    assert [page for *_, page in _two_column_toc(doc)] == [4, 7, 21, 28]
    assert checks.run(doc, checks.Context(), ["text/broken-reference"]) == []
