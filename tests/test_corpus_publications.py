"""corpus/conflicting-value across publications (issue 13): one finding per disagreeing figure,
a web page and the PDF it transcribes as one publication, stated precision, and a document's
contradiction of its own figures wherever it comes from (a draft, the API)."""

from __future__ import annotations

from pathlib import Path

from extractor import checks
from extractor.corpus.index import CorpusIndex
from extractor.ingest import load, read_bytes
from tests.samples import text_pdf

RULE = ["corpus/conflicting-value"]


def corpus_of(folder: Path, documents: dict[str, str | bytes]) -> CorpusIndex:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in documents.items():
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    index = CorpusIndex(folder.parent / "index.sqlite", folder)
    index.refresh(folder)
    return index


def findings_over(index: CorpusIndex, folder: Path) -> list:
    out = []
    for path in sorted(folder.iterdir()):
        out += checks.run(load(str(path)), checks.Context(corpus=index), only=RULE)
    return out


def report(year: int, incubators: int, title: str) -> str:
    return f"---\ntitle: {title}\n---\n\nEn {year}, le programme compte {incubators} incubateurs.\n"


def test_four_documents_one_of_them_different_give_one_finding_with_four_places(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    documents = {
        "a-rapport.md": report(2024, 17, "Rapport"),
        "b-communique.md": report(2024, 17, "Communiqué"),
        "c-bilan.md": report(2024, 19, "Bilan"),
        "d-page.md": report(2024, 17, "Page"),
    }
    index = corpus_of(folder, documents)
    (finding,) = findings_over(index, folder)
    assert finding.evidence[0].location.path.endswith("c-bilan.md")
    assert len(finding.evidence) == 4
    assert {Path(e.location.path).name for e in finding.evidence} == set(documents)
    assert "ce document dit 19" in finding.message_fr and finding.message_fr.count("dit 17") == 3


def test_two_documents_that_disagree_give_one_finding_not_two(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    index = corpus_of(folder, {"a.md": report(2024, 17, "A"), "b.md": report(2024, 19, "B")})
    (finding,) = findings_over(index, folder)
    assert len(finding.evidence) == 2


def test_a_draft_against_the_corpus_is_told_even_when_it_is_alone(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    index = corpus_of(folder, {"a.md": report(2024, 17, "A"), "b.md": report(2024, 17, "B")})
    draft = read_bytes(report(2024, 18, "Brouillon").encode(), "brouillon.md")
    (finding,) = checks.run(draft, checks.Context(corpus=index), only=RULE)
    assert len(finding.evidence) == 3
    agreeing = read_bytes(report(2024, 17, "Brouillon").encode(), "brouillon.md")
    assert checks.run(agreeing, checks.Context(corpus=index), only=RULE) == []


def test_a_web_page_and_the_pdf_it_links_are_one_publication(tmp_path: Path) -> None:
    page = report(2024, 17, "Bilan") + "\n[Télécharger le bilan (PDF)](/content/docs/bilan.pdf)\n"
    deck = text_pdf(["En 2024, le programme compte 19 incubateurs."])
    linked = tmp_path / "linked"
    index = corpus_of(linked, {"bilan.md": page, "bilan.pdf": deck})
    assert findings_over(index, linked) == []
    # The same two documents without the link are two publications that disagree.
    unlinked = tmp_path / "unlinked"
    index = corpus_of(unlinked, {"bilan.md": report(2024, 17, "Bilan"), "bilan.pdf": deck})
    assert len(findings_over(index, unlinked)) == 1


BUDGET = "---\ntitle: {title}\n---\n\nEn 2023, le total des ressources consacrées au programme est de {amount}.\n"


def test_a_rounded_figure_agrees_within_its_stated_precision(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    index = corpus_of(folder, {"exact.md": BUDGET.format(title="Exact", amount="5 589 773 €")})
    for amount, conflicts in (("5,6 M€", False), ("5,59 millions d'euros", False), ("5,8 M€", True),
                              ("5,5 M€", True)):  # fmt: skip
        rounded = read_bytes(BUDGET.format(title="Arrondi", amount=amount).encode(), "arrondi.md")
        assert bool(checks.run(rounded, checks.Context(corpus=index), only=RULE)) is conflicts, amount


SELF = (
    "---\ntitle: Communiqué\ndate: 2024-02-26\n---\n\n"
    "En 2023, 6 nouvelles Startups d’État rejoignent les 18 services à impact national déployés sur le territoire.\n\n"
    "La ministre salue près de 20 Startups d’État à impact national.\n"
)


def test_a_text_contradicting_its_own_figures_is_told_as_a_draft(tmp_path: Path) -> None:
    # Not a copy of a corpus document: a draft with an empty corpus, read from bytes as the API does.
    empty = tmp_path / "empty"
    index = corpus_of(empty, {})
    draft = read_bytes(SELF.encode(), "brouillon.md")
    (finding,) = checks.run(draft, checks.Context(corpus=index), only=RULE)
    assert "près de 20" in finding.message_fr and "6 + 18" in finding.message_fr
    consistent = read_bytes(SELF.replace("près de 20", "24").encode(), "brouillon.md")
    assert checks.run(consistent, checks.Context(corpus=index), only=RULE) == []
