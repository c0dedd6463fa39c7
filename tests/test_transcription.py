"""A web page against the PDF it transcribes (issue 14, item 6), on a page and a PDF written here:
a figure that differs is an error quoting the page's line and the PDF's page, a faithful page is
silent, a page that links a PDF it does not transcribe is not compared, and the page and its PDF
never make `corpus/*` conflicts with each other. The real pair (the Bilan 2024 page, a seed, and
its deck) is checked too: 166 of the deck's 170 figures are in the page, and nothing differs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.samples import lines_pdf

FACTCHECK = [sys.executable, "-m", "extractor"]
SLIDE = [
    "Resultats 2024",
    "63 projets finances par le fonds en 2024",
    "217 nouveaux agents publics impliques dans le programme",
    "45 % de femmes parmi les nouveaux agents publics",
    "25 entrepreneurs d'interet general recrutes cette annee",
    "7 produits a impact national dans le programme",
    "16 laureats du fonds d'acceleration cette annee",
    "11 produits lances par la direction cette annee",
    "38 incubateurs actifs dans tout le territoire",
    "1 200 membres actifs de la communaute en decembre",
    "5 869 442 euros de ressources consacrees au programme",
]


def page_of(lines: list[str], link: str = "/content/docs/bilan.pdf") -> str:
    body = "\n\n".join(lines[1:])
    return f"---\ntitle: Bilan 2024\n---\n\n# {lines[0]}\n\n{body}\n\n[Télécharger le bilan (PDF)]({link})\n"


def check(folder: Path, page: str) -> list[dict]:
    (folder / "page.md").write_text(page, encoding="utf-8")
    done = subprocess.run([*FACTCHECK, "check", str(folder / "page.md"), "--corpus", str(folder), "-f", "json",
                           "--fail-on", "never"], cwd=folder, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["findings"]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "bilan.pdf").write_bytes(lines_pdf([SLIDE]))
    return folder


def test_a_figure_the_page_changed_is_an_error_on_its_line(corpus: Path) -> None:
    changed = [line.replace("63 projets", "64 projets") for line in SLIDE]
    findings = check(corpus, page_of(changed))
    found = [f for f in findings if f["rule"] == "corpus/transcription"]
    assert len(found) == 1, findings
    assert (
        "« 64 »" in found[0]["message_fr"] and "« 63 »" in found[0]["message_fr"] and "page 1" in found[0]["message_fr"]
    )
    page_at, pdf_at = (e["location"] for e in found[0]["evidence"])
    assert page_at["path"].endswith("page.md") and page_at["line"] == 7
    assert pdf_at["path"].endswith("bilan.pdf") and pdf_at["page"] == 1
    # One publication: the page's 64 and the PDF's 63 are no corpus conflict besides.
    assert not [f for f in findings if f["rule"].startswith("corpus/conflicting")]


def test_a_faithful_page_is_silent(corpus: Path) -> None:
    assert [f for f in check(corpus, page_of(SLIDE)) if f["rule"] == "corpus/transcription"] == []


def test_a_rounded_figure_within_its_precision_is_no_difference(corpus: Path) -> None:
    rounded = [line.replace("1 200 membres", "près de 1 200 membres") for line in SLIDE]
    assert [f for f in check(corpus, page_of(rounded)) if f["rule"] == "corpus/transcription"] == []


def test_a_page_that_does_not_transcribe_the_pdf_is_not_compared(corpus: Path) -> None:
    """Another report, linked for reference: few of the PDF's figures are in it."""
    other = ["Rapport 2017", "63 projets finances par le fonds en 2017", "12 incubateurs en 2017"]
    assert [f for f in check(corpus, page_of(other)) if f["rule"] == "corpus/transcription"] == []


def test_a_page_without_the_download_link_is_not_compared(corpus: Path) -> None:
    changed = [line.replace("63 projets", "64 projets") for line in SLIDE]
    page = page_of(changed, link="/content/docs/autre.pdf")
    assert [f for f in check(corpus, page) if f["rule"] == "corpus/transcription"] == []


PAIR = (ROOT / "corpus" / "bilan-2024.md", ROOT.parent / "shared" / "pdf" / "betagouv_bilan_2024.pdf")


@pytest.mark.skipif(not PAIR[1].is_file(), reason="../shared/pdf is not here")
def test_the_real_bilan_page_transcribes_its_deck_faithfully(tmp_path: Path) -> None:
    for path in PAIR:
        shutil.copy(path, tmp_path / path.name)
        (tmp_path / path.name).chmod(0o644)
    command = [*FACTCHECK, "check", str(tmp_path / PAIR[0].name), "--corpus", str(tmp_path), "-f", "json"]
    command += ["--fail-on", "never", "-r", "corpus/"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    rules = [f["rule"] for f in json.loads(done.stdout)["findings"]]
    assert "corpus/transcription" not in rules
    assert "corpus/conflicting-value" not in rules  # the page and its own PDF are one publication


TABLE = "| Indicateur | 2024 |\n|---|---|\n{rows}\n"
ROWS = [("Produits lancés", "11"), ("Agents impliqués", "217"), ("Lauréats du FAST", "16"), ("Incubateurs", "38")]


def table(rows: list[tuple[str, str]]) -> str:
    return TABLE.format(rows="\n".join(f"| {a} | {b} |" for a, b in rows))


def test_a_table_row_dropped_or_added_by_the_page(tmp_path: Path) -> None:
    """The published file here is a Markdown export (its tables are read as tables whatever the
    format): the page's table loses « Lauréats du FAST » and adds « Membres »."""
    prose = "\n\n".join(SLIDE[1:])
    (tmp_path / "bilan.md").write_text(f"# Résultats 2024\n\n{table(ROWS)}\n{prose}\n", encoding="utf-8")
    rows = [r for r in ROWS if r[0] != "Lauréats du FAST"] + [("Membres", "1 200")]
    page = (
        f"---\ntitle: Bilan\n---\n\n# Résultats 2024\n\n{table(rows)}\n{prose}\n\n[Le bilan](/content/docs/bilan.md)\n"
    )
    found = [f for f in check(tmp_path, page) if f["rule"] == "corpus/transcription"]
    messages = sorted(f["message_fr"] for f in found)
    assert len(messages) == 2, messages
    assert "« Lauréats du FAST »" in messages[0] and "manque" in messages[0]
    assert "« Membres »" in messages[1] and "n'est pas dans" in messages[1]
    assert all(f["severity"] == "warning" for f in found)
