"""Properties (issue 7): the Markdown/front-matter reader gives back what was written, where it was
written; finding fingerprints do not move when unrelated text is added around the findings."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.ingest import read_bytes
from extractor.run.pipeline import check_document

# Real French words (random letter strings can spell mojibake, "Çœ" for "ǜ", which is repaired).
VOCABULARY = [
    "le",
    "la",
    "les",
    "des",
    "une",
    "aux",
    "pour",
    "avec",
    "dans",
    "sur",
    "entre",
    "depuis",
    "programme",
    "service",
    "services",
    "numérique",
    "État",
    "incubateur",
    "incubateurs",
    "agents",
    "publics",
    "usagers",
    "équipes",
    "communauté",
    "intrapreneurs",
    "financement",
    "lauréats",
    "accompagnés",
    "pérennisés",
    "déployés",
    "été",
    "hiver",
    "élèves",
    "collectivités",
    "ministères",
    "régions",
    "opérateurs",
    "réussite",
    "impact",
    "démarche",
    "produit",
    "données",
    "accessibilité",
    "sécurité",
    "ouverture",
    "coûts",
    "bilan",
    "année",
]
WORD = st.sampled_from(VOCABULARY)
SENTENCE = (  # no word twice, which would be a real slip ("le le")
    st.lists(WORD, min_size=1, max_size=15, unique=True).map(" ".join).map(lambda s: s[0].upper() + s[1:] + ".")
)
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=4).map(" ".join)
TITLE = st.lists(
    st.one_of(WORD, st.sampled_from(["2024", "2 500", ":", "«", "»", "–", "beta.gouv.fr", "d’État", "(bilan)"])),
    min_size=1,
    max_size=10,
).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(TITLE, st.dates(dt.date(2000, 1, 1), dt.date(2035, 12, 31)), st.lists(PARAGRAPH, min_size=1, max_size=8))
def test_front_matter_and_paragraphs_read_back_at_their_place(title: str, date: dt.date, paragraphs: list[str]) -> None:
    head = f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: {date.isoformat()}\nlayout: post\n---\n\n"
    source = head + "\n\n".join(paragraphs) + "\n"
    doc = read_bytes(source.encode("utf-8"), "article.md")
    assert doc.title == title and doc.date == date
    body = [block for block in doc.blocks if block.field is None]
    assert [block.text for block in body] == paragraphs
    first_line = head.count("\n") + 1
    for n, block in enumerate(body):
        assert block.location.line == first_line + 2 * n and block.location.column == 1
        assert doc.text[block.start : block.end] == paragraphs[n]


BASE = [
    "Voir la section X pour le détail.",  # text/placeholder
    "La communauté beta.gouv.fr.fr grandit.",  # text/doubled-domain
    "Le budget de 1 000 € est réparti ainsi :\n\n- 600 €\n- 300 €",  # arithmetic/sum-mismatch
]


def fingerprints(paragraphs: list[str]) -> list[str]:
    doc = read_bytes(("\n\n".join(paragraphs) + "\n").encode(), "rapport.md")
    return sorted(finding.fingerprint for finding in check_document(doc))


BASE_PRINTS = fingerprints(BASE)


UNRELATED = PARAGRAPH.filter(lambda p: not fingerprints([p]))  # text with no finding of its own ("Xxx." has one)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(BASE)), UNRELATED), max_size=6))
def test_fingerprints_are_stable_under_unrelated_edits(insertions: list[tuple[int, str]]) -> None:
    """Paragraphs without figures or slips, inserted anywhere between the others, change no fingerprint
    (a baseline keeps matching after an editor adds text elsewhere in the report)."""
    edited = [[p] for p in BASE] + [[]]
    for at, paragraph in insertions:
        edited[at].insert(0, paragraph)
    assert fingerprints([p for group in edited for p in group]) == BASE_PRINTS


def test_the_fingerprint_property_is_not_vacuous() -> None:
    assert len(BASE_PRINTS) >= 3 and len(set(BASE_PRINTS)) == len(BASE_PRINTS)
    assert fingerprints([*BASE[:2], BASE[2].replace("300 €", "350 €")]) != BASE_PRINTS
