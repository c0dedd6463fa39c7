"""Issue 27, causes 6 and 7 (the corpus rules): one finding per disagreement, and the period of a
present-tense figure. Small corpora written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor import checks
from extractor.corpus.index import CorpusIndex
from extractor.ingest import load
from extractor.models import Finding


def corpus_run(tmp_path: Path, files: dict[str, str], checked: str, rule: str) -> list[Finding]:
    """`rule` on the document `checked` of a corpus of `files` (all indexed)."""
    folder = tmp_path / "corpus"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    index = CorpusIndex(tmp_path / "index.sqlite")
    index.refresh(folder)
    try:
        return checks.run(load(str(folder / checked)), checks.Context(corpus=index), only=[rule])
    finally:
        index.close()


def every_side(tmp_path: Path, files: dict[str, str], rule: str) -> list[Finding]:
    out: list[Finding] = []
    for name in files:
        out += corpus_run(tmp_path, files, name, rule)
    return out


DECK = (
    "---\ndate: 2024-03-01\n---\n# Bilan\n\n## Diapositive 1\n\nEn 2024, le programme compte 19 incubateurs.\n\n"
    "## Diapositive 2\n\nNos équipes.\n\n## Diapositive 3\n\nEn 2024, le programme compte 19 incubateurs.\n\n"
    "## Diapositive 4\n\nEn 2024, le programme compte 19 incubateurs.\n"
)
OTHER = "---\ndate: 2024-03-01\n---\nEn 2024, le programme compte 17 incubateurs.\n"


# --- cause 7: one finding per disagreement ---------------------------------------------------------


@pytest.mark.parametrize(("deck", "other"), [("a-deck.md", "b-rapport.md"), ("z-deck.md", "b-rapport.md")])
def test_a_figure_repeated_on_slides_against_one_document_is_one_finding(tmp_path: Path, deck: str, other: str) -> None:
    found = every_side(tmp_path, {deck: DECK, other: OTHER}, "corpus/conflicting-value")
    assert len(found) == 1, [f.message_fr for f in found]
    (finding,) = found
    places = [Path(e.location.path).name for e in finding.evidence]
    if Path(finding.evidence[0].location.path).name == deck:  # the deck's three places, then the other's
        assert places == [deck, deck, deck, other] and "3 fois" in finding.message_fr
    else:  # reported on the other document: the deck's statement is cited once
        assert places[0] == other and deck in places


def test_the_two_sides_of_one_disagreement_are_one_finding(tmp_path: Path) -> None:
    files = {
        "a.md": "---\ndate: 2024-03-01\n---\nEn 2024, le programme compte 19 incubateurs.\n",
        "b.md": "---\ndate: 2024-03-01\n---\nEn 2024, le programme compte 17 incubateurs.\n",
    }
    assert len(every_side(tmp_path, files, "corpus/conflicting-value")) == 1


def test_three_documents_one_minority_is_one_finding_on_the_minority(tmp_path: Path) -> None:
    files = {
        "a.md": "---\ndate: 2024-03-01\n---\nEn 2024, le programme compte 17 incubateurs.\n",
        "b.md": "---\ndate: 2024-03-01\n---\nEn 2024, le programme compte 19 incubateurs.\n\n"
        "Rappel : en 2024, le programme compte 19 incubateurs.\n",
        "c.md": "---\ndate: 2024-03-01\n---\n# Chiffres\n\nEn 2024, le programme compte 17 incubateurs.\n",
    }
    (finding,) = every_side(tmp_path, files, "corpus/conflicting-value")
    assert Path(finding.evidence[0].location.path).name == "b.md"
    assert "2 fois" in finding.message_fr and "a.md" in finding.message_fr and "c.md" in finding.message_fr


@pytest.mark.parametrize(
    "deck",
    [
        DECK.replace("19 incubateurs.\n\n## Diapositive 4", "17 incubateurs.\n\n## Diapositive 4"),  # 19 and 17
        DECK.replace("19", "17"),  # the deck agrees everywhere
    ],
)
def test_a_deck_that_states_the_other_figure_too_is_silent(tmp_path: Path, deck: str) -> None:
    assert every_side(tmp_path, {"deck.md": deck, "rapport.md": OTHER}, "corpus/conflicting-value") == []


@pytest.mark.parametrize(
    ("files", "reporter"),
    [
        ({"a.md": "Le FAST a été lancé en 2019.\n", "b.md": "Depuis 2022, le FAST accompagne les équipes.\n"}, "a.md"),
        (
            {
                "a.md": "Le FAST a été lancé en 2019.\n",
                "b.md": "Depuis 2022, le FAST accompagne les équipes.\n",
                "c.md": "# Rappel\n\nLe FAST a été lancé en 2019.\n",
            },
            "b.md",
        ),
        (
            {
                "a.md": "Le FAST a été lancé en 2019.\n\nLe FAST a été lancé en 2019, rappelons-le.\n",
                "b.md": "Depuis 2022, le FAST accompagne les équipes.\n",
            },
            "a.md",
        ),
    ],
)
def test_a_date_disagreement_is_one_finding_on_one_side(tmp_path: Path, files: dict[str, str], reporter: str) -> None:
    (found,) = every_side(tmp_path, files, "corpus/conflicting-date")
    assert Path(found.evidence[0].location.path).name == reporter
    assert {Path(e.location.path).name for e in found.evidence[1:]} == set(files) - {reporter}


# --- cause 6: the period of a present-tense figure -------------------------------------------------


def periods(text: str, name: str = "bilan.md") -> list[tuple[str, str | None]]:
    from extractor.claims.resolve import extract_claims
    from extractor.ingest import read_bytes

    doc = read_bytes(text.encode("utf-8"), name)
    return [(c.quantity.raw, c.period) for c in extract_claims(doc) if c.metric_id]


@pytest.mark.parametrize(
    ("text", "period"),
    [
        # The front matter's date is the publication's; the heading's year is the period reported on.
        ("---\ndate: 2025-01-20\n---\n# Bilan 2024\n\nLe programme compte aujourd'hui 19 incubateurs.\n", "2025-01"),
        ("---\ndate: 2025-01-20\n---\n# Bilan 2024\n\nÀ ce jour, le programme compte 19 incubateurs.\n", "2025-01"),
        ("# Bilan 2024\n\nPublication : février 2025\n\nLe programme compte actuellement 19 incubateurs.\n", "2025-02"),
        ("# Bilan 2024\n\nPublié le 12 mars 2025.\n\nLe programme compte aujourd'hui 19 incubateurs.\n", "2025-03"),
        ("Bilan du programme 2024\n\nJanvier 2025\n\nLe programme compte aujourd'hui 19 incubateurs.\n", "2025-01"),
        ("# Bilan 2024\n\nLe programme compte aujourd'hui 19 incubateurs.\n", None),  # published when? not sure
    ],
)
def test_a_figure_of_now_is_dated_by_the_publication(text: str, period: str | None) -> None:
    assert ("19", period) in periods(text)


@pytest.mark.parametrize(
    "text",
    [
        "---\ndate: 2025-01-20\n---\n# Bilan 2024\n\nEn 2024, le programme compte 19 incubateurs.\n",
        "---\ndate: 2025-01-20\n---\n# Bilan 2024\n\nLe programme compte 19 incubateurs (DINSIC, aujourd'hui DINUM).\n",
    ],
)
def test_a_dated_figure_keeps_its_year(text: str) -> None:
    assert ("19", "2024") in periods(text)


REPORT_2024 = "---\ndate: 2024-12-10\n---\n# Chiffres\n\nEn 2024, le programme compte 17 incubateurs.\n"


@pytest.mark.parametrize(
    "bilan",
    [
        "---\ndate: 2025-01-20\n---\n# Bilan 2024\n\nLe programme compte aujourd'hui 19 incubateurs.\n",
        "# Bilan 2024\n\nPublication : février 2025\n\nÀ ce jour, le programme compte 19 incubateurs.\n",
        "# Bilan 2024\n\nLe programme compte actuellement 19 incubateurs.\n",
        "Bilan du programme 2024\n\nJanvier 2025\n\nLe programme compte aujourd'hui 19 incubateurs.\n",
    ],
)
def test_a_figure_of_now_is_not_compared_with_the_year_reported_on(tmp_path: Path, bilan: str) -> None:
    files = {"bilan.md": bilan, "chiffres.md": REPORT_2024}
    assert every_side(tmp_path, files, "corpus/conflicting-value") == []


def test_a_figure_of_now_against_the_same_month_still_fires(tmp_path: Path) -> None:
    files = {
        "bilan.md": "---\ndate: 2025-01-20\n---\n# Bilan 2024\n\nLe programme compte aujourd'hui 19 incubateurs.\n",
        "chiffres.md": "---\ndate: 2025-01-10\n---\nEn janvier 2025, le programme compte 17 incubateurs.\n",
    }
    assert len(every_side(tmp_path, files, "corpus/conflicting-value")) == 1
