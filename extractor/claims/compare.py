"""Which claims may be compared with other documents, and within what tolerance.

A figure is compared with another publication's only when what it counts, for whom and when were
read from the text, not guessed (issue 13: "a claim whose compared fields were guessed is not
compared"):
- its metric: a vocabulary synonym that begins the counted noun phrase ("services à impact
  national déployés…"), not a word met somewhere in a long clause;
- its scope: named by the text (a table row, a list item, a heading, a name nearby), or the
  publisher of a document that is not a registry entry's own page (a startup's page speaks of
  that startup, not of the programme);
- not a part of a breakdown: a figure in a list item under a lead-in that states a number
  ("Notre panel compte 26 produits dont :" / "5 services à impact national") counts part of
  that number, not the whole.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Protocol

from extractor.claims import vocabulary
from extractor.dates import YEAR
from extractor.models import Block, BlockKind, Claim, Document

MULTIPLIER_WORDS = re.compile(r"millions?|milliards?|M€|K€|k€|Md€", re.I)


def tolerance(claim: Claim) -> Decimal:
    """Half a unit of the last digit written: '5 869 442 €' -> 0.5; '2,48 millions' -> 5 000;
    '5,6 M€' -> 50 000 (so that it agrees with 5 589 773 €)."""
    q = claim.quantity
    step = Decimal(1).scaleb(-q.decimals)
    if MULTIPLIER_WORDS.search(q.raw):
        raw_number = re.match(r"[+\-−]?\s*[\d\s\u00a0\u202f]+(?:,\d+)?", q.raw)
        digits = re.sub(r"[^\d,]", "", raw_number.group(0)).replace(",", ".") if raw_number else ""
        written = Decimal(digits) if digits.strip(".") else q.value
        if written:
            step = step * (q.value / written)
    return step / 2


APPROXIMATE = Decimal("0.10")  # "près de", "environ": within 10 %


def states(claim: Claim, value: Decimal) -> bool:
    """Whether the claim, with its qualifier and stated precision, is true of `value`: "plus de 10
    millions" of 10,7 millions, "près de 2,5 millions" of 2 417 000, "5 869 442 €" of itself only.

    >>> from extractor.models import Location, Quantity, Qualifier
    >>> def said(v, q="exact"):
    ...     at = Location(path="a", line=1, column=1, end_line=1, end_column=2)
    ...     quantity = Quantity(value=Decimal(v), raw=v, qualifier=Qualifier(q))
    ...     return Claim(quantity=quantity, metric_text="", located=at, sentence="", block=0, start=0, end=1)
    >>> states(said("10000000", "lower_bound"), Decimal(10700000)), states(said("20", "approximate"), Decimal(24))
    (True, False)
    """
    q = claim.quantity
    tol = tolerance(claim)
    if q.qualifier.value == "lower_bound":
        return value >= q.value - tol
    if q.qualifier.value == "upper_bound":
        return value <= q.value + tol
    if q.qualifier.value == "approximate":
        return abs(value - q.value) <= APPROXIMATE * max(abs(value), abs(q.value))
    return abs(value - q.value) <= tol


class Subjects(Protocol):
    """What knows which documents are registry entries' own pages (the registry)."""

    def entity_at(self, path: str) -> str | None: ...


# Words after which a noun phrase has ended: a verb, a relative pronoun, a preposition of place or
# time ("17 incubateurs existants" goes on; "4 incubateurs sont en création" has ended).
_PHRASE_ENDS = re.compile(
    r"^(?:$|[-–—:;,.()]|(?:sont|ont|est|a|qui|que|dont|en|au|aux|dans|sur|pour|par|avec|depuis|soit|et|ou|"
    r"rejoign\w*|deploy\w*|accompagn\w*)\b)"
)


def metric_sure(claim: Claim) -> bool:
    """Whether the claim's metric is a synonym that begins its counted noun phrase and covers it:
    "services à impact national déployés…" is `national_impact_total`; "13 incubateurs
    différents" is not the same thing as "3 incubateurs sensibilisés", so a one-word synonym
    ("incubateurs") is sure only when the phrase ends with it."""
    if claim.metric_id is None:
        return False
    text = vocabulary.normalise(claim.metric_text)
    # An amount is named before it ("le total des ressources … est de 5,6 M€"): its metric text is
    # the clause before the number, where a synonym of two words or more may stand anywhere.
    named_before = claim.quantity.unit == "EUR"
    for metric, patterns in vocabulary._compiled():
        if metric.id != claim.metric_id:
            continue
        for pattern in patterns:
            found = pattern.match(text)
            if found and (len(found.group(0).split()) >= 2 or _PHRASE_ENDS.match(text[found.end() :].strip())):
                return True
            found = pattern.search(text) if named_before else None
            if found and len(found.group(0).split()) >= 2:
                return True
        return False
    return False


def is_part(doc: Document, block: Block) -> bool:
    """Whether a figure of this block is a part of a breakdown: a list item under a lead-in that
    states a number of its own ("26 produits dont :")."""
    if block.kind != BlockKind.list_item:
        return False
    for candidate in reversed(doc.blocks[: block.id]):
        if candidate.kind == BlockKind.list_item:
            continue
        lead_in = re.sub(rf"\b{YEAR}\b", "", candidate.text)  # "En 2024 :" dates the list, counts nothing
        return candidate.text.rstrip().endswith(":") and re.search(r"\d", lead_in) is not None
    return False


def comparable(doc: Document, claim: Claim, subjects: Subjects | None, fallback_scope: str | None) -> bool:
    """Whether the claim may be compared with the other documents' (see the module's docstring).
    `fallback_scope` is the scope resolution gives a figure when the text names none."""
    if claim.quantity.is_delta or claim.kind != "result" or not claim.period or not metric_sure(claim):
        return False
    if claim.scope_id == fallback_scope and subjects is not None and subjects.entity_at(doc.path):
        return False
    return not is_part(doc, doc.blocks[claim.block])
