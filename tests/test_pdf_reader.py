"""The PDF reader (extractor/ingest/pdf/) on the Bilan 2024 deck and on generated bad inputs.

The deck's facts used here are in DESIGN §9: off-page white "IRIGO" text boxes, three services
side by side on page 12, the PLF indicators table on page 9, on-page white figures. Bad inputs
(truncated, not a PDF, encrypted, blank page) are generated under tmp_path: no binary is
committed.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import re
import time
from pathlib import Path

import pdfplumber
import pytest

from extractor.errors import InputError
from extractor.ingest.pdf import read_pdf
from extractor.models import Block, BlockKind, Document
from tests.conftest import BILAN_2024_PDF, SHARED, need
from tests.samples import encrypted_pdf, one_page_pdf, pdf_file
from tests.test_hostile import digit_boxes_pdf, tiny_boxes_pdf

SEED_001 = SHARED / "seeds" / "001_e80ca291c31f36e3.txt"
NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
SPACES = re.compile(r"[ \u00a0\u202f]")


@pytest.fixture(scope="module")
def bilan() -> Document:
    """The deck, read once for the module (skips when ../shared is absent)."""
    path = need(BILAN_2024_PDF)
    return read_pdf(path.read_bytes(), str(path))


def _flat(text: str) -> str:
    """Block text with U+00A0 / U+202F as plain spaces, for searching."""
    return SPACES.sub(" ", text)


def _numbers(text: str) -> set[str]:
    return {SPACES.sub("", m) for m in NUMBER.findall(text)}


def _find(doc: Document, needle: str, page: int | None = None) -> Block:
    found = [b for b in doc.blocks if needle in _flat(b.text) and (page is None or b.location.page == page)]
    assert found, f"no block contains {needle!r}"
    return found[0]


def _x_overlap(a: Block, b: Block) -> bool:
    assert a.location.bbox is not None and b.location.bbox is not None
    return a.location.bbox[0] < b.location.bbox[2] and b.location.bbox[0] < a.location.bbox[2]


# --------------------------------------------------------------------------- the deck


def test_document_fields(bilan: Document, bilan_pdf: Path) -> None:
    data = bilan_pdf.read_bytes()
    assert bilan.format == "pdf"
    assert bilan.sha256 == hashlib.sha256(data).hexdigest()
    assert bilan.id == bilan.sha256[:16]
    assert bilan.pages == 38
    assert len(bilan.page_starts) == 38
    assert bilan.page_starts[0] == 0
    assert bilan.page_starts == sorted(bilan.page_starts)
    assert bilan.text.count("\f") == 37
    assert bilan.title == "Bilan 2024 beta.gouv.fr"  # the PDF metadata Title
    assert bilan.repairs == []
    assert [b.id for b in bilan.blocks] == list(range(len(bilan.blocks)))


def test_off_page_white_text_is_dropped(bilan: Document, bilan_pdf: Path) -> None:
    with pdfplumber.open(bilan_pdf) as pdf:  # the text is there, beyond the page box
        assert any("IRIGO" in "".join(c["text"] for c in page.chars) for page in pdf.pages)
    assert not [b.text for b in bilan.blocks if "IRIGO" in b.text]
    assert "IRIGO" not in bilan.text


def test_on_page_white_text_is_kept(bilan: Document) -> None:
    assert _find(bilan, "5 869 442 €").location.page == 23
    assert _find(bilan, "2,48 M€").location.page == 25


def test_page_12_columns_stay_whole(bilan: Document) -> None:
    """Page 12 shows three services side by side: Réfugiés.info (left), Mano (middle) and
    Accès Libre (right), each with its mission and its results."""
    followed = _find(bilan, "Plus de 325 000 personnes suivies", page=12)
    users = _find(bilan, "442 organisations utilisatrices", page=12)
    print("\npage 12, Mano:", followed.text, "|", users.text)
    assert followed.id == users.id or (abs(followed.id - users.id) == 1 and _x_overlap(followed, users))

    services = {
        "Réfugiés.info": ["110 000 visiteurs", "1 042 fiches", "80 % des personnes réfugiées", "0,90 €"],
        "Mano": ["325 000 personnes", "442 organisations", "95,5 %", "SESAN"],
        "Accès Libre": ["530 000 lieux", "8 428 contributeurs", "25 % des établissements", "d'accessibilité"],
    }
    page12 = [b for b in bilan.blocks if b.location.page == 12]
    for block in page12:
        owners = {name for name, marks in services.items() if any(m in _flat(block.text) for m in marks)}
        assert len(owners) <= 1, f"block mixes {owners}: {block.text!r}"
    # Each service's figures are in its own column: left of the next service's, and read
    # before it (a column is read whole before the next one).
    columns = [[_find(bilan, m, page=12) for m in marks] for marks in services.values()]
    for left, right in itertools.pairwise(columns):
        assert max(b.location.bbox[2] for b in left) < min(b.location.bbox[0] for b in right)  # type: ignore[index]
        assert max(b.id for b in left) < min(b.id for b in right)
    for name, column in zip(services, columns, strict=True):
        print(f"  {name}: " + " | ".join(b.text for b in column))


def test_page_12_heading_path(bilan: Document) -> None:
    heading = [b for b in bilan.blocks if b.location.page == 12 and b.kind == BlockKind.heading]
    assert [h.text for h in heading] == ["LES SERVICES NUMÉRIQUES À IMPACT NATIONAL EN 2024 (1/3)"]
    others = [b for b in bilan.blocks if b.location.page == 12 and b.kind != BlockKind.heading]
    assert others and all(b.heading_path == [heading[0].text] for b in others)
    item = _find(bilan, "Plus de 325 000 personnes suivies", page=12)
    assert item.kind == BlockKind.list_item
    assert _flat(item.text) == "Plus de 325 000 personnes suivies"  # the bullet is not in the block...
    assert bilan.text[item.start - 2 : item.start] == "- "  # ... but stays in the document text
    assert [(s.kind, item.text[s.start : s.end]) for s in item.spans] == [("strong", item.text)]  # set in bold


def test_page_9_table_cells(bilan: Document) -> None:
    cells = [b for b in bilan.blocks if b.location.page == 9 and b.kind == BlockKind.table_cell]
    assert cells, "the PLF indicators table gave no table_cell"
    fast = [c for c in cells if (c.row_header or "").startswith("Nombre de produits accompagnés par le FAST")]
    by_header = {c.column_header: c.text for c in fast}
    assert by_header == {"Résultats 2023": "18", "Objectifs PLF 2024": "15", "Résultats 2024": "16"}
    assert all(c.table == fast[0].table and c.row == fast[0].row for c in fast)
    assert sorted(c.col for c in fast) == [1, 2, 3]
    women = next(
        c for c in cells if c.column_header == "Résultats 2024" and c.row_header == "Part des femmes dans les EIG"
    )
    assert women.text == "17,4%"
    # The table's words are not read a second time as paragraphs.
    assert not [
        b
        for b in bilan.blocks
        if b.location.page == 9 and b.kind != BlockKind.table_cell and "Nombre de produits" in b.text
    ]
    # Slides' frames and card grids are not tables: page 12's Mano frame stays text.
    assert not [b for b in bilan.blocks if b.location.page == 12 and b.kind == BlockKind.table_cell]


def test_page_36_table_headers(bilan: Document) -> None:
    nps = next(b for b in bilan.blocks if b.kind == BlockKind.table_cell and b.text == "45,5")
    assert nps.location.page == 36
    assert nps.column_header == "Moyenne 2024"
    assert (nps.row_header or "").startswith("Recommanderais-tu")
    assert nps.table is not None and nps.table >= 2


def test_number_recall_against_transcription(bilan: Document) -> None:
    if not SEED_001.exists():
        pytest.skip(f"{SEED_001} is absent")
    raw = SEED_001.read_text(encoding="utf-8")
    seed = raw.encode("mac_roman").decode("utf-8")  # the transcription is mojibake
    expected = _numbers(seed)
    found: set[str] = set()
    for block in bilan.blocks:
        found |= _numbers(block.text)
    recall = len(expected & found) / len(expected)
    missing = sorted(expected - found, key=lambda n: (len(n), n))
    print(f"\nnumber recall: {recall:.3f} ({len(expected & found)}/{len(expected)}); missing: {missing}")
    assert recall >= 0.94


def test_locations(bilan: Document, bilan_pdf: Path) -> None:
    with pdfplumber.open(bilan_pdf) as pdf:
        sizes = [(float(p.width), float(p.height)) for p in pdf.pages]
    for block in bilan.blocks:
        loc = block.location
        assert loc.page is not None and 1 <= loc.page <= 38
        assert loc.bbox is not None
        width, height = sizes[loc.page - 1]
        x0, top, x1, bottom = loc.bbox
        assert 0 <= x0 <= x1 <= width and 0 <= top <= bottom <= height, (block.text, loc.bbox)
        source = bilan.text[block.start : block.end]
        assert source.split() == block.text.split(), (source, block.text)
        assert bilan.page_starts[loc.page - 1] <= block.start
        assert loc.page == 38 or block.end <= bilan.page_starts[loc.page]
        assert loc.line >= 1 and loc.column >= 1


def test_text_normalisation(bilan: Document) -> None:
    assert "ﬀ" not in bilan.text  # NFKC: the deck writes "diﬀuser" with a ligature
    assert "diffuser" in _find(bilan, "Collecter et diffuser", page=12).text
    assert "\x07" not in bilan.text
    # U+202F (thousands separator in the PDF) survives NFKC and white-space collapsing.
    assert "3\u202f800" in _find(bilan, "3 800 services", page=14).text
    assert "2\u202f173\u202f979" in _find(bilan, "2 173 979", page=15).text


def test_too_many_pages(bilan_pdf: Path) -> None:
    with pytest.raises(InputError) as err:
        read_pdf(bilan_pdf.read_bytes(), str(bilan_pdf), max_pages=5)
    assert err.value.code == "too_many_pages"
    assert "38 pages" in err.value.message and "5" in err.value.message


def test_truncated_pdf(bilan_pdf: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "tronque.pdf"
    truncated.write_bytes(bilan_pdf.read_bytes()[:10_240])
    with pytest.raises(InputError) as err:
        read_pdf(truncated.read_bytes(), str(truncated))
    assert err.value.path == str(truncated)
    assert err.value.code == "unreadable"
    assert "PDF illisible" in err.value.message and "tronqué" in err.value.message
    assert err.value.hint


# --------------------------------------------------------------------------- generated PDFs


def test_generated_text_pdf_reads(tmp_path: Path) -> None:
    """The hand-made PDF helpers make valid PDFs; without a metadata Title, the document's
    title is the first page's heading (its largest text, at the top)."""
    path = tmp_path / "note.pdf"
    path.write_bytes(
        one_page_pdf(
            b"BT /F1 28 Tf 72 760 Td (Rapport annuel) Tj ET BT /F1 12 Tf 72 700 Td (Budget : 1 200 \x80) Tj ET"
        )
    )
    doc = read_pdf(path.read_bytes(), str(path))
    assert doc.pages == 1 and doc.page_starts == [0]
    assert doc.title == "Rapport annuel"
    assert [(b.kind, b.text, b.heading_path) for b in doc.blocks] == [
        (BlockKind.heading, "Rapport annuel", []),
        (BlockKind.paragraph, "Budget : 1 200 €", ["Rapport annuel"]),
    ]
    budget = doc.blocks[1]
    assert doc.text[budget.start : budget.end] == "Budget : 1 200 €"
    assert budget.location.page == 1 and budget.location.line == 3  # after the title and a blank line


@pytest.mark.parametrize("seed", range(6))
def test_damaged_copies_give_a_document_or_an_input_error(bilan_pdf: Path, seed: int) -> None:
    """Random bytes overwritten in the real deck: a Document or an InputError, nothing else."""
    rnd = random.Random(seed)
    data = bytearray(bilan_pdf.read_bytes())
    for _ in range(40 * (seed + 1)):
        data[rnd.randrange(len(data))] = rnd.randrange(256)
    try:
        doc = read_pdf(bytes(data), "abime.pdf")
    except InputError as err:
        assert err.path == "abime.pdf" and "PDF" in err.message
    else:
        assert doc.pages == 38


def test_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "faux.pdf"
    path.write_bytes(b"Ceci est un simple fichier texte, renomme en .pdf.\n" * 20)
    with pytest.raises(InputError) as err:
        read_pdf(path.read_bytes(), str(path))
    assert err.value.path == str(path)
    assert "n'est pas un PDF" in err.value.message
    assert err.value.hint


@pytest.mark.parametrize("data", [b"", b"%PDF-1.4\n", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", b"\x00\xff" * 500])
def test_garbage_gives_input_error(data: bytes) -> None:
    with pytest.raises(InputError) as err:
        read_pdf(data, "garbage.pdf")
    assert err.value.path == "garbage.pdf"
    assert "PDF" in err.value.message


def test_broken_page_content_gives_input_error() -> None:
    """The page's content stream and font are missing objects: pdfminer tolerates it and finds
    no text, which is reported (never a traceback)."""
    data = one_page_pdf(b"BT /F1 24 Tf 72 720 Td (texte) Tj ET")
    data = data.replace(b"/Contents 4 0 R", b"/Contents 9 0 R").replace(b"/Font << /F1 5 0 R >>", b"/Font 42")
    with pytest.raises(InputError) as err:
        read_pdf(data, "abime.pdf")
    assert err.value.code in {"unreadable", "no_text"}


@pytest.mark.parametrize(
    "objects",
    [
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"2 0 R"],  # an object that is a reference to itself
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"3 0 R", b"2 0 R"],  # two that point at each other
    ],
    ids=["self", "cycle"],
)
def test_a_reference_loop_is_unreadable_at_once(objects: list[bytes]) -> None:
    """pdfminer alone follows such a chain forever (the long fuzz run found one)."""
    started = time.monotonic()
    with pytest.raises(InputError) as err:
        read_pdf(pdf_file(objects), "boucle.pdf")
    assert err.value.code == "unreadable" and time.monotonic() - started < 5


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = tmp_path / "protege.pdf"
    path.write_bytes(encrypted_pdf(b"secret"))
    with pdfplumber.open(path, password="secret") as pdf:  # a genuine encrypted PDF
        assert "Rapport confidentiel" in (pdf.pages[0].extract_text() or "")
    with pytest.raises(InputError) as err:
        read_pdf(path.read_bytes(), str(path))
    assert err.value.code == "encrypted"
    assert "mot de passe" in err.value.message


def test_blank_page_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(one_page_pdf(None))
    with pytest.raises(InputError) as err:
        read_pdf(path.read_bytes(), str(path))
    assert err.value.code == "no_text"
    assert err.value.hint is not None and "OCR" in err.value.hint


def test_tens_of_thousands_of_tiny_text_boxes_are_read_in_linear_time() -> None:
    """Issue 12: 20,000 one-letter boxes at tiny, distinct sizes and positions chain into a single
    line band; its runs were grouped by recomputing the band at every run (quadratic: 28 s for
    20,000 boxes, 70 s for 30,000). Every letter is kept."""
    started = time.monotonic()
    doc = read_pdf(tiny_boxes_pdf(20_000), "boites.pdf")
    assert time.monotonic() - started < 10
    assert sum(len(re.sub(r"\W", "", b.text)) for b in doc.blocks) == 20_000


def test_tiny_digits_side_by_side_are_one_number() -> None:
    """20,000 digit boxes on one line are one run of 20,000 digits, as drawn (the number grammar,
    not the reader, has to cope with it: issue 12)."""
    doc = read_pdf(digit_boxes_pdf(20_000), "chiffres.pdf")
    assert [b.text for b in doc.blocks] == ["0123456789" * 2_000]
