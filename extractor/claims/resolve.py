"""Claim resolution: each number of a document becomes a `Claim` with its metric, scope and period
(DESIGN §2 resolve).

- metric: the table row header, the label before a colon ("Budget en 2021 : 1,3 million €"), the
  block that follows a lone number (slide exports: "23" then "investigations en cours"), or the
  noun phrase that follows the number; mapped to a canonical id by the vocabulary.
- scope: the product of a product-keyed table row; else the service named by the enclosing list
  item (seed 001: "Tchap" > "En 2024" > "279 500 utilisateurs actifs"), with its registry slug
  when the name links to /startups/SLUG.html; else the programme.
- period: a year or month in the same clause; the table column ("Résultats 2023"; "Objectifs PLF
  2024" is a target); an enclosing list item ("En 2024"); the nearest heading with a date; the
  document date for a dated press release; the year in the document's title.

What several numbers of a block look up (the clause around a number and whether it has other
figures, its sentence, the block's years, where its text stands in the source file, the metric a
phrase names) is computed once per block or per clause (`_Reading`), never by parsing the block
again for each number: the cost of a block grows with its number of figures, not with its square
(a line of 2,000 "1 " took minutes).
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import replace
from typing import Protocol

from extractor import profiles
from extractor.claims import vocabulary
from extractor.claims.numbers import NumberMatch, find_numbers
from extractor.dates import MONTH_NAME, YEAR, month_number
from extractor.memo import Recent
from extractor.models import Block, BlockKind, Claim, ClaimKind, Document, Quantity
from extractor.reference.store import product_slug


def publisher_scope() -> str:
    """The scope of a figure the text attributes to no one: the publishing programme (the profile's)."""
    from extractor import profiles

    return profiles.active().publisher_scope


_PRODUCT_HEADERS = {"produit", "produits", "service", "services", "laureat", "laureats", "nom"} | {
    word for kind in profiles.active().layout.kinds if kind.role == "product" for word in (kind.label, kind.plural)
}
_CLAUSE_END = re.compile(r"[.;:!?()\[\]]|,\s|\s[-–—]\s")
_LEADING_DE = re.compile(r"^(?:de |d'|d’|des |du )", re.I)
_YEAR = re.compile(rf"\b({YEAR})\b")
_MONTH_YEAR = re.compile(rf"\b({MONTH_NAME})\s+(\d{{4}})\b", re.I)
_REPORT_TITLE = re.compile(
    r"\b(?:"
    + "|".join(map(re.escape, [*profiles.active().report_words, "rapport"]))
    + rf")\b[^.]{{0,40}}?\b({YEAR})\b",
    re.I,
)
_COMPARED_TO = re.compile(rf"par rapport (?:à|a) (?:fin |début )?({YEAR})", re.I)
_NUMERIC_DATE = re.compile(rf"\b(\d{{1,2}})/(\d{{1,2}})/({YEAR})\b")
_TEMPORAL = re.compile(
    rf"\b(?:en|fin|début|depuis|au|à|au cours de)\s+(?:\d{{1,2}}(?:er)?\s+)?(?:[^\W\d_]+\s+)?{YEAR}\b", re.I
)
_CAPS_NAME = re.compile(r"\b(?:[A-ZÉÈ]{2,}[A-Z0-9É]*|[A-Z][a-zé]+(?:[A-Z][a-zé]+)+)\b")
_ARTICLE = re.compile(r"^(?:les|le|la|l['’ʼ])\s*", re.I)
_DURATION = re.compile(r"\s*(?:ans?|années?|mois|semaines?|jours?|heures?)\b", re.I)
_SINCE = re.compile(r"\bdepuis\s+(?:le\s+|la\s+)?(?:\d{1,2}(?:er)?\s+)?(?:[^\W\d_]+\.?\s+)?$", re.I)
_NOT_A_NOUN = re.compile(
    r"(?:sont|ont|a|est|été|ont été|sera|seront|de|d'|en|au|aux|à|pour|par|sur|dans|avec|attribués?|accordés?"
    r"|investis?|débloqués?|dépensés?|consacrés?|répartis?)\b",
    re.I,
)
# "79 intrapreneurs (dont 11 en 2024)": the figure is a running total; the year is its part's.
_RUNNING_TOTAL = re.compile(rf"(?:\s+[^\W\d_'’]+){{0,3}}\s*\(\s*dont\b[^)]*\b{YEAR}\b[^)]*\)", re.I)
_NOW = re.compile(r"aujourd['’]hui|à la date d['’]écriture|à ce jour|actuellement", re.I)
# "la DINSIC, aujourd'hui DINUM", "(l'actuelle DINUM)": a name of now, not a figure of now.
_NOW_ASIDE = re.compile(r"(?:aujourd['’]hui|actuellement)\s+(?:[A-ZÉ][\w-]+|devenue?s?)\b")
_PUBLISHED = re.compile(
    rf"(?:(?:date de )?publication|publié(?:e|s|es)?\s+(?:le|en)|mis(?:e)?\s+en\s+ligne\s+(?:le|en))\s*:?\s*"
    rf"(?:(?:le\s+)?(?:1er|\d{{1,2}})\s+)?((?:[^\W\d_]+\s+)?{YEAR})",
    re.I,
)
# A cover's month: a block that is only a month and a year ("Janvier 2025"), near the top.
_COVER_MONTH = re.compile(rf"\s*({MONTH_NAME})\s+({YEAR})\s*", re.I)
COVER_BLOCKS = 8
_TITLE_NAME = re.compile(r"\b[A-ZÉÈ][\w’'-]+(?:\s+(?:de\s+|du\s+|des\s+|la\s+|l['’])?[A-ZÉÈ][\w’'-]+)+")
_PHRASE_END = re.compile(r"\s(?:qui|que|afin|grâce|dont|en\s+[^\W\d_]+ant)\b", re.I)
_JOIN = re.compile(
    r"\b(\d+)\s+nouve(?:aux|lles)\b[^.;:]*?\b(?:rejoign\w*|(?:ont|a|avaient|avait)\s+rejoint)\s+les\s+(\d+)\b", re.I
)
_FOOTNOTE_CALL = re.compile(r"\[\^\d+\]")  # a Markdown footnote call: its number counts nothing
_CONNECTOR = re.compile(r"^(?:dont|et|soit|ou|sur|pour|avec)$", re.I)
_MAX_METRIC_WORDS = 14
_NAME_LOOKBACK = 8  # blocks between a service's name and its last figure, in slide exports
_OPEN_BEFORE = re.compile(r"\(\s*$")  # searched in the text before a number: "(5,6M€", "( 12"
_OPEN_SIGNED_BEFORE = re.compile(r"\(\s*[+\-−]?\s*$")  # "(+40)"
_IN_ASIDE = re.compile(r"\(\s*[^()]*$")  # "(dont 11 en 2024": the number is inside parentheses
_ASIDE = re.compile(r"\([^()]*\)")
_WORD = re.compile(r"\S+")
_COLON_AFTER = re.compile(r"\s*:\s*")
_CONNECTOR_AFTER = re.compile(r"(?:et|ou|dont|soit)\b")
_DIGIT = re.compile(r"\d")
_NEXT_NUMBER = re.compile(r"\s[+(]?\d")
# Where clauses and sentences end: every occurrence (no two overlap), for bisection.
_CLAUSE_MARKS = re.compile(r";|\(|\)|\. |! |\? ")
_SENTENCE_MARKS = re.compile(r"\. |! |\? |; ")
_CLAUSE_END_AT = re.compile(f"(?={_CLAUSE_END.pattern})")
_HOST_LABEL = re.compile(
    r"\s*(?:(?:produits?|services?"
    + "".join(f"|{re.escape(k.label)}s?" for k in profiles.active().layout.kinds if k.role == "product")
    + r")\s+)?(?:à|au|aux)\s+\S+(?:\s+\S+){0,3}"
)


class NameIndex(Protocol):
    """Finds the registry slug of a service named in the text (the reference registry)."""

    def slug_for(self, name: str) -> str | None: ...


def extract_claims(doc: Document, names: NameIndex | None = None) -> list[Claim]:
    """Every quantity of the document as a claim. `names` links service names without a link to
    their registry slug (scope "KIND:<slug>", the products' kind); without it they stay "name:<name>"."""
    claims: list[Claim] = []
    found = {block.id: find_numbers(block.text) for block in doc.blocks}
    known = {n.value for numbers in found.values() for n in numbers if n.is_count and not n.ambiguous}
    shared = _Shared(names)
    in_sample = _sample_lists(doc)
    for block in doc.blocks:
        first = len(claims)  # this block's claims are claims[first:]
        matches = found.pop(block.id)  # dropped as the claims grow: the peak is one of them, not both
        if block.kind == BlockKind.table_cell and (
            block.col == 0 or (block.row_header is None and block.column_header is None and block.row == 0)
        ):
            continue  # a row or column label ("NPS entre -100 et 100", "1 élève, 1 stage") is not a claim
        numbers = _split_ambiguous(block.text, matches, known)
        reading = _Reading(doc, block, numbers, shared)
        previous: Claim | None = None
        for number in (n for n in numbers if n.kind == "quantity"):
            if _decorative(doc, block, number):
                continue
            claim = _claim(reading, number)
            if previous is not None and previous.quantity.denominator == number.value and previous.block == block.id:
                # "157 tribunaux sur 168", "sur un potentiel de 900": the whole, not another count
                claim = replace(claim, metric_id=None, metric_text="")
            if previous and number.is_delta and _OPEN_SIGNED_BEFORE.search(block.text, 0, number.start):
                # "213 Startups d'État sont en activité (+40)": the change of the figure before it.
                close = block.text.find(")", number.start)
                aside = block.text[number.start : close if close != -1 else len(block.text)]
                dated = _YEAR.search(aside) is not None  # "(+ 20 en 2020)" has its own period
                claim = replace(
                    claim,
                    metric_text=previous.metric_text,
                    metric_id=previous.metric_id,
                    period=claim.period if dated else previous.period,
                )
            elif number.is_delta or (block.bullet == "+" and number.start == 0):
                claim = _delta_of(claims, claim, block)
            elif claim.metric_id is None and _OPEN_BEFORE.search(block.text, 0, number.start):
                claim = _same_as_before(claims, claim, block)
            claims.append(claim)
            previous = claim
        _bracketed_before_their_figure(claims, block, first)
        sample_from = 0 if block.id in in_sample else _sample_from(block)
        if sample_from is not None:
            # "Ce panel contenait : 4 services à impact national": the sample's make-up, not the
            # programme's count of those services (issue 27, cause 9)
            for i in range(first, len(claims)):
                if claims[i].start >= sample_from:
                    claims[i] = replace(claims[i], metric_id=None)
        claims.extend(_joined(doc, block, claims[first:]))
    return claims


def _joined(doc: Document, block: Block, claims: list[Claim]) -> list[Claim]:
    """ "6 nouvelles Startups d'État rejoignent les 18 services à impact national": the stock is now
    24, a figure the text implies without writing it (a derived claim, dated like the text's present).
    `claims` are the block's own."""
    out = []
    at: dict[int, Claim] = {}
    for claim in claims:
        at.setdefault(claim.start, claim)
    for found in _JOIN.finditer(block.text):
        new = at.get(found.start(1))
        base = at.get(found.start(2))
        if new is None or base is None or base.metric_id is None:
            continue
        period = f"{doc.date.year}-{doc.date.month:02d}" if doc.date else new.period
        total = new.quantity.value + base.quantity.value
        quantity = replace(base.quantity, value=total, raw=f"{new.quantity.raw} + {base.quantity.raw}")
        out.append(replace(base, quantity=quantity, period=period, located=new.location, start=new.start, derived=True))
    return out


def _bracketed_before_their_figure(claims: list[Claim], block: Block, first: int) -> None:
    """ "(5,6M€ en 2023) est de 5 869 442 €": the aside measures what the main figure measures.
    The block's claims are claims[first:]."""
    following: list[Claim | None] = [None] * (len(claims) - first)  # the next claim of the same unit
    upcoming: dict[str | None, Claim] = {}
    for i in range(len(claims) - 1, first - 1, -1):
        following[i - first] = upcoming.get(claims[i].quantity.unit)
        upcoming[claims[i].quantity.unit] = claims[i]
    for i in range(first, len(claims)):
        claim = claims[i]
        if claim.metric_id is None and _OPEN_BEFORE.search(block.text, 0, claim.start):
            after = following[i - first]  # not yet updated: only earlier claims are
            if after is not None and after.metric_id:
                claims[i] = replace(claim, metric_text=after.metric_text, metric_id=after.metric_id)


def _same_as_before(claims: list[Claim], claim: Claim, block: Block) -> Claim:
    """A bracketed figure of another period ("5 869 442 €" ... "(5,6M€ en 2023)") measures what
    the figure before it measures."""
    base = next((c for c in reversed(claims[-4:]) if c.block >= block.id - 3 and c.metric_id), None)
    if base is None or base.quantity.unit != claim.quantity.unit:
        return claim
    return replace(claim, metric_text=base.metric_text, metric_id=base.metric_id)


def _delta_of(claims: list[Claim], claim: Claim, block: Block) -> Claim:
    """A change written apart from its figure ("5 incubateurs" / "+3 par rapport à 2016") takes that
    figure's metric and scope; "par rapport à 2016" dates it from 2016 to the figure's period."""
    recent = [c for c in claims[-4:] if not c.quantity.is_delta and c.block >= block.id - 3]
    same = [c for c in recent if claim.metric_id is not None and c.metric_id == claim.metric_id]
    candidates = same or recent
    base = candidates[-1] if candidates else None
    out = claim
    if base is not None and claim.metric_id is None and _names_its_own(claim.metric_text):
        # "+120 % de signalements" under "Budget 2023 : ...": the rate of its own metric (issue 27, 11)
        out = replace(claim, scope_id=base.scope_id, scope_text=base.scope_text)
    elif base is not None and (claim.metric_id is None or claim.metric_id == base.metric_id):
        out = replace(claim, metric_text=base.metric_text, metric_id=base.metric_id, scope_id=base.scope_id,
                      scope_text=base.scope_text)  # fmt: skip
    compared = _COMPARED_TO.search(block.text)
    period = (base.period if base is not None and out is not claim else None) or claim.period
    if compared and period and "/" not in period:
        out = replace(out, period=f"{compared.group(1)}/{period[:4]}")
    return out


_SAMPLE_INTRO = re.compile(r"\b(?:panel|échantillon|cohorte|sondage)\b[^.!?]*:\s*", re.I)


def _sample_from(block: Block) -> int | None:
    """Where the block's figures start describing a sample chosen for a study: after "Ce panel
    contenait :" in the block; None."""
    found = _SAMPLE_INTRO.search(block.text)
    return found.end() if found else None


def _sample_lists(doc: Document) -> set[int]:
    """The list items of the lists a sentence introduces as a sample ("Ce panel contenait :"),
    found in one pass."""
    out: set[int] = set()
    sample = False  # whether the last block that is not a list item introduces a sample
    for block in doc.blocks:
        if block.kind != BlockKind.list_item:
            sample = block.text.rstrip().endswith(":") and _SAMPLE_INTRO.search(block.text) is not None
        elif sample:
            out.add(block.id)
    return out


# Words after a change that say when or against what, not what changes ("+3 par rapport à 2016").
_NOT_A_METRIC_WORD = frozenset(
    ["par", "rapport", "depuis", "sur", "vs", "entre", "soit", "au", "aux", "à", "en", "un", "une", "an", "ans",
     "année", "années", "mois", "semaine", "jour", "jours", "cette", "cet", "ce", "ces", "comparé", "comparée",
     "d'une", "d’une", "l'an", "l’an", "l'année", "l’année"]
)  # fmt: skip


def _names_its_own(metric_text: str) -> bool:
    """Whether the words after a change name what it measures ("de signalements", "de rendez-vous
    pris"), not only its period or its reference ("par rapport à 2016", "en un an", "")."""
    words = _LEADING_DE.sub("", metric_text.strip()).split()
    return (
        bool(words)
        and len(words[0]) >= 3
        and words[0].casefold() not in _NOT_A_METRIC_WORD
        and not _DIGIT.search(words[0])
    )


def _split_ambiguous(text: str, numbers: list[NumberMatch], known: set) -> list[NumberMatch]:
    """A plain-space grouping that could be two numbers ("les 18 154 agents") is read as two when
    the document states each part on its own elsewhere ("les 18 services", "154 agents publics");
    otherwise as one ("99 278 bénévoles")."""
    out: list[NumberMatch] = []
    for number in numbers:
        if not (number.ambiguous and number.unit is None and all(v in known for v in number.alternatives)):
            out.append(number)
            continue
        position = number.start
        for value in number.alternatives:
            start = text.index(str(value), position)
            out.append(replace(number, start=start, end=start + len(str(value)), value=value, raw=str(value),
                               ambiguous=False, alternatives=()))  # fmt: skip
            position = start + len(str(value))
    return out


def _decorative(doc: Document, block: Block, number: NumberMatch) -> bool:
    """Numbers that label rather than count: a footnote call ("[^1]", "¹"), a slide's step number
    ("1" above "INVESTIGATION"), or a number in a heading that is part of a name ("Innolab 62")."""
    if _FOOTNOTE_CALL.match(block.text, max(0, number.start - 2)) and number.start >= 2:
        return True
    lone = block.kind == BlockKind.paragraph and _only_number(block.text, number)
    if lone and number.unit is None and 1 <= number.value <= 9:
        following = doc.blocks[block.id + 1] if block.id + 1 < len(doc.blocks) else None
        if following is not None and (
            following.kind == BlockKind.heading
            or (
                len(following.text.split()) <= 6
                and following.text[:1].isupper()
                and not re.search(r"\d", following.text)
            )
        ):
            return True
    if block.kind == BlockKind.heading and number.start > 0 and not number.is_delta:
        word = re.search(r"([^\W\d_][\w-]*)\s+$", block.text[: number.start])
        if word and word.group(1)[:1].isupper() and word.group(1).lower() not in ("en", "au", "de", "les", "des"):
            return True
    return False


class _Shared:
    """What the blocks of one extraction share: the metric each phrase names (matching normalises
    the phrase, and a clause is a candidate for each of its figures) and each block's scope (the
    same for all its figures)."""

    def __init__(self, names: NameIndex | None) -> None:
        self.names = names
        self._metrics: Recent[tuple[str, str | None, bool], vocabulary.Metric | None] = Recent()
        self._scopes: Recent[int, tuple[str | None, str]] = Recent()

    def metric(self, text: str, unit: str | None, same_unit_only: bool) -> vocabulary.Metric | None:
        """`vocabulary.match`, once per phrase (of the recent ones)."""
        key = (text, unit, same_unit_only)
        if key not in self._metrics:
            self._metrics[key] = vocabulary.match(text, unit, same_unit_only=same_unit_only)
        return self._metrics[key]

    def scope(self, doc: Document, block: Block) -> tuple[str | None, str]:
        """`scope_for`, once per block (of the recent ones)."""
        if block.id not in self._scopes:
            self._scopes[block.id] = scope_for(doc, block, self.names)
        return self._scopes[block.id]


class _Reading:
    """One block as its figures are resolved. What several of its figures look up is found once
    for the block (where its clauses and sentences end, its years and dates, where a figure's text
    stands in the source) or once per clause (its text, whether it has other counts); and the texts
    claims keep (sentence, clause) are one string per clause, not a copy per figure."""

    def __init__(
        self, doc: Document, block: Block, numbers: list[NumberMatch] | None = None, shared: _Shared | None = None
    ) -> None:
        self.doc = doc
        self.block = block
        self.text = block.text
        self.shared = shared or _Shared(None)
        self._numbers = numbers
        self._spaced: str | None = None
        self._marks: dict[str, tuple[list[int], list[int]]] = {}
        self._clauses: dict[tuple[bool, int, int], str] = {}
        self._alone: dict[tuple[bool, int, int], bool] = {}
        self._sentences: dict[tuple[int, int], str] = {}
        self._dated: dict[str, tuple[list[int], list[NumberMatch]]] | None = None  # text -> starts, numbers
        self._dated_in: dict[tuple[int, int], list[str]] = {}

    @property
    def numbers(self) -> list[NumberMatch]:
        """The block's numbers (as `extract_claims` splits them)."""
        if self._numbers is None:
            self._numbers = find_numbers(self.text)
        return self._numbers

    @property
    def spaced(self) -> str:
        """The text with its asides blanked out (same offsets), so that a clause runs on past them."""
        if self._spaced is None:
            self._spaced = _ASIDE.sub(lambda m: " " * len(m.group(0)), self.text)
        return self._spaced

    def _positions(self, name: str, text: str, pattern: re.Pattern[str]) -> tuple[list[int], list[int]]:
        """Starts and ends of the matches of `pattern` in `text`, found once."""
        if name not in self._marks:
            found = list(pattern.finditer(text))
            self._marks[name] = ([m.start() for m in found], [m.end() for m in found])
        return self._marks[name]

    def clause_bounds(self, start: int, end: int, spaced: bool = False) -> tuple[int, int]:
        """Where the part of the sentence that text[start:end] belongs to begins and ends:
        sentences, parentheses and semicolons separate (`_CLAUSE_MARKS`). With `spaced`, in the
        text with its asides blanked out."""
        text = self.spaced if spaced else self.text
        starts, ends = self._positions("spaced" if spaced else "text", text, _CLAUSE_MARKS)
        before = bisect.bisect_right(ends, start)  # the marks that end before the number
        after = bisect.bisect_left(starts, end)  # the first one from its end
        return ends[before - 1] if before else 0, starts[after] if after < len(starts) else len(text)

    def clause_end(self, pos: int) -> int | None:
        """Where `_CLAUSE_END` first matches from `pos` (None: nowhere)."""
        starts, _ = self._positions("clause ends", self.text, _CLAUSE_END_AT)
        after = bisect.bisect_left(starts, pos)
        return starts[after] if after < len(starts) else None

    def _clause_key(self, number: NumberMatch) -> tuple[bool, int, int]:
        """A number in an aside ("(dont 11 en 2024)") belongs to the aside's clause; any other to
        its clause with the asides blanked out ("20 intrapreneurs en 2021 (+ 20 en 2020) ont reçu
        une certification")."""
        aside = _IN_ASIDE.search(self.text, 0, number.start) is not None
        return (aside, *self.clause_bounds(number.start, number.end, spaced=not aside))

    def clause(self, number: NumberMatch) -> str:
        """The whole clause around the number, white space collapsed: "investigué 115 problèmes",
        "3 millions d'euros débloqués"."""
        key = self._clause_key(number)
        if key not in self._clauses:
            aside, left, right = key
            self._clauses[key] = " ".join((self.text if aside else self.spaced)[left:right].split())
        return self._clauses[key]

    def alone(self, number: NumberMatch) -> bool:
        """Whether the number's clause has no other count."""
        key = self._clause_key(number)
        if key not in self._alone:
            self._alone[key] = sum(n.is_count for n in find_numbers(self.clause(number))) <= 1
        return self._alone[key]

    def sentence(self, start: int, end: int) -> str:
        """The sentence around text[start:end]: from after the ". ", "! ", "? " or "; " before it to
        the punctuation of the one after it, included."""
        starts, _ = self._positions("sentences", self.text, _SENTENCE_MARKS)
        before = bisect.bisect_right(starts, start - 2)
        after = bisect.bisect_left(starts, end)
        bounds = (starts[before - 1] + 2 if before else 0, starts[after] + 1 if after < len(starts) else len(self.text))
        if bounds not in self._sentences:
            self._sentences[bounds] = self.text[bounds[0] : bounds[1]].strip()
        return self._sentences[bounds]

    def nearest_date(self, left: int, right: int, start: int) -> NumberMatch | None:
        """Of the block's years and dates (not after "depuis") whose text is written in
        text[left:right], the nearest to `start` (the first of two as near)."""
        if self._dated is None:
            groups: dict[str, list[NumberMatch]] = {}
            for n in self.numbers:
                if n.kind in ("year", "date") and not _SINCE.search(self.text[max(0, n.start - 25) : n.start]):
                    groups.setdefault(n.raw, []).append(n)
            self._dated = {raw: ([n.start for n in group], group) for raw, group in groups.items()}
        written = self._dated_in.get((left, right))
        if written is None:
            clause = self.text[left:right]
            written = self._dated_in[(left, right)] = [raw for raw in self._dated if raw in clause]
        nearest: NumberMatch | None = None
        for raw in written:
            starts, group = self._dated[raw]
            after = bisect.bisect_left(starts, start)
            for n in group[max(0, after - 1) : after + 1]:
                if nearest is None or (abs(n.start - start), n.start) < (abs(nearest.start - start), nearest.start):
                    nearest = n
        return nearest


def _claim(reading: _Reading, number: NumberMatch) -> Claim:
    doc, block, names = reading.doc, reading.block, reading.shared.names
    is_delta = number.is_delta or (block.bullet == "+" and number.start == 0)
    card = _card_name(doc, block, number)
    scope_text: str | None
    if card is not None:  # a slide card: NAME / mission / "121 000 €"
        metric_text = block.heading_path[-1] if block.heading_path else ""
        scope_text, scope_id = card.text, _scope_id(card.text, _slug(card), names)
    else:
        metric_text = metric_text_for(doc, block, number, reading)
        scope_text, scope_id = reading.shared.scope(doc, block)
    period, kind = period_for(doc, block, number, reading.numbers, reading)
    share = number.unit == "%" and not is_delta  # a share is of a %-metric; a growth is of any
    metric = reading.shared.metric(metric_text, number.unit, share)
    if metric is not None and metric.scope_named_after == "host" and names is not None:
        host = _host_scope(block.text[number.end :], names)
        if host is not None:
            scope_text, scope_id = host
    if is_delta and number.unit == "%" and period and "/" not in period and period[:4].isdigit():
        year = int(period[:4])
        period = f"{year - 1}/{year}"  # a growth rate compares a period with the one before
    return Claim(
        quantity=Quantity(
            value=number.value,
            unit=number.unit,
            qualifier=number.qualifier,
            is_delta=is_delta,
            raw=number.raw,
            decimals=number.decimals,
            denominator=number.denominator,
        ),
        metric_text=metric_text,
        metric_id=metric.id if metric else None,
        scope_id=scope_id,
        scope_text=scope_text,
        period=period,
        kind=kind,
        source=doc,
        sentence=reading.sentence(number.start, number.end),
        block=block.id,
        start=number.start,
        end=number.end,
    )


# --- metric ---------------------------------------------------------------------------------------


def _product_table(doc: Document, block: Block) -> bool:
    """A table whose rows are products: "Produit | Mission | Montant", or a header-less list of
    "Name :<TAB>150K€" rows."""
    if block.kind != BlockKind.table_cell or block.table is None:
        return False
    first = doc.table_cell(block.table, 0, 0)
    if first and vocabulary.normalise(first.text) in _PRODUCT_HEADERS:
        return True
    return block.column_header is None and block.row_header is not None and _is_name_text(block.row_header)


def metric_text_for(doc: Document, block: Block, number: NumberMatch, reading: _Reading | None = None) -> str:
    """What the number counts, as written: tried in order, the first that the vocabulary knows
    wins, else the first that is not empty. `reading` is the block's, when its other numbers are
    resolved too."""
    reading = reading or _Reading(doc, block)
    text = block.text
    if block.kind == BlockKind.table_cell and block.col:
        if _product_table(doc, block):
            return block.column_header or (block.heading_path[-1] if block.heading_path else "")
        return block.row_header or block.column_header or ""
    if _only_number(text, number):
        context = _context_block(doc, block)
        return context.text if context else ""
    after = _after(reading, number)
    candidates = [after, _colon_label(text, number)]
    duration = _DURATION.match(text, number.end)
    # A noun after the number says what it counts ("23 personnes"): the rest of the sentence
    # ("... compte plus de 50 000 utilisateurs") is about other figures.
    counted = bool(after) and not _NOT_A_NOUN.match(after)
    if number.unit != "%" and not duration:
        # A share is of the population named after it; a duration ("5 ans") counts time: neither
        # takes its meaning from the rest of the sentence. A counted noun does, when the clause has
        # no other figure ("investigué 115 problèmes", "20 intrapreneurs ... ont reçu une certification").
        clause = reading.clause(number)
        if not counted:
            candidates += [_before(text, number), clause]
        elif reading.alone(number):
            candidates.append(clause)
    if block.kind == BlockKind.list_item and _HOST_LABEL.fullmatch(text, number.end):
        intro = _context_block(doc, block)  # "Graphique ... le nombre de produit par incubateur :"
        if intro is not None:
            candidates.append(intro.text)
    share = number.unit == "%" and not number.is_delta
    for candidate in candidates:
        if candidate and reading.shared.metric(candidate, number.unit, share):
            return candidate
    return next((c for c in candidates if c), "")


def _after(reading: _Reading, number: NumberMatch) -> str:
    """The noun phrase after the number: "213 Startups d'État sont en activité"."""
    text = reading.text
    colon = _COLON_AFTER.match(text, number.end)
    start = colon.end() if colon else number.end  # "4,2/5 : note de satisfaction"
    phrase = text[start : reading.clause_end(start)]
    phrase = _LEADING_DE.sub("", phrase.strip(" \u00a0*"))
    if _CONNECTOR_AFTER.match(phrase) or _DIGIT.match(phrase):
        return ""  # "5 869 442 € et 25,7 ETPT": the next words belong to the next number
    phrase = _cut(phrase, _NEXT_NUMBER)  # "6 nouvelles Startups rejoignent les 18 services": stop at 18
    # The counted noun phrase ends where a new clause starts ("organismes publics en diminuant ...")
    phrase = _cut(phrase, _PHRASE_END)
    return " ".join(m.group() for m in itertools.islice(_WORD.finditer(phrase), _MAX_METRIC_WORDS))


def _cut(text: str, pattern: re.Pattern[str]) -> str:
    """The text before the first match of `pattern` (all of it without one)."""
    found = pattern.search(text)
    return text[: found.start()] if found else text


def _last_words(text: str, count: int) -> str:
    """ " ".join(text.split()[-count:]), without splitting all of a long text."""
    return " ".join(text.rsplit(None, count)[-count:])


def _colon_label(text: str, number: NumberMatch) -> str:
    """ "Budget en 2021 : 1,3 million €" -> "Budget en 2021"."""
    colon = text.rfind(":", 0, number.start)
    if colon == -1 or text[colon + 1 : number.start].strip(" *«»\u00a0+("):
        return ""
    label_start = max(text.rfind(p, 0, colon) for p in ".;,\n") + 1
    return _last_words(text[label_start:colon], _MAX_METRIC_WORDS)


def _before(text: str, number: NumberMatch) -> str:
    """The clause before a number that ends it: "Le total des ressources ... est de 5 869 442 €"."""
    before = re.sub(r"\([^)]*\)", " ", text[: number.start])  # "(5,6M€ en 2023)" is an aside
    start = max((before.rfind(p) + len(p) for p in (". ", "; ", ": ", "\n") if before.rfind(p) != -1), default=0)
    return _last_words(before[start:], 2 * _MAX_METRIC_WORDS)


_NOT_MARKUP = re.compile(r"[^\s*>+]")


def _only_number(text: str, number: NumberMatch) -> bool:
    """Whether the number is all the text has (besides white space and list or quote markers)."""
    return not (_NOT_MARKUP.search(text, 0, number.start) or _NOT_MARKUP.search(text, number.end))


def _context_block(doc: Document, block: Block) -> Block | None:
    """What a lone number ("23", "3 370 820 €") is about: its parent list item, the paragraph
    that introduces its list ("... (FINDPE) :"), or, in slide exports, the label block after it."""
    if block.kind == BlockKind.list_item:
        if block.parent is not None:
            return doc.blocks[block.parent]
        return doc.memo("list_intros", lambda: _list_intros(doc)).get(block.id)
    for candidate in doc.blocks[block.id + 1 : block.id + 4]:
        if _CONNECTOR.match(candidate.text.strip()):
            continue  # "6 821 046 €" / "dont" / "Total du financement ...": the label is after "dont"
        if candidate.kind in (BlockKind.paragraph, BlockKind.list_item) and re.search(r"[^\W\d_]{3}", candidate.text):
            return candidate
        if candidate.kind == BlockKind.heading:
            return None
    return None


# --- scope ----------------------------------------------------------------------------------------


def _slug(block: Block) -> str | None:
    return next((slug for span in block.spans if span.kind == "link" and (slug := product_slug(span.href))), None)


def _is_name(block: Block) -> bool:
    return _is_name_text(block.text)


def _is_name_text(text: str) -> bool:
    words = text.split()
    # "1Elève1Stage" is a name; "12 services" is not.
    return 0 < len(words) <= 6 and not re.search(r"(?<!\w)\d+(?!\w)", text) and not text.endswith((":", "."))


def _scope_id(name: str, slug: str | None, names: NameIndex | None) -> str:
    """The link's slug wins (even under a misspelled name); else the registry; else the name.
    A name that starts with the hosts' label (beta.gouv.fr's "Incubateur DGFIP": a grant's laureate
    can be a host) is looked up among the hosts."""
    layout = profiles.active().layout
    host_kind = layout.role("host")
    host = re.match(rf"(?i){re.escape(host_kind.label)}\s+(?:de\s+|du\s+|des\s+)?(.+)", name) if host_kind else None
    finder = getattr(names, "host_for", None)
    if slug is None and host and finder is not None:
        found = finder(host.group(1))
        if found:
            return found
    if slug is None and names is not None:
        slug = names.slug_for(name) or _closest(names, name)
    return f"{layout.product.id}:{slug}" if slug else f"name:{vocabulary.normalise(name)}"


def _list_intros(doc: Document) -> dict[int, Block]:
    """For each top-level list item, the paragraph ending in ":" that introduces its list (the
    list's other items in between, however long the list), in one pass over the document."""
    out: dict[int, Block] = {}
    intro: Block | None = None
    for candidate in doc.blocks:
        if candidate.kind == BlockKind.list_item:
            if intro is not None:
                out[candidate.id] = intro
            continue
        is_intro = candidate.kind == BlockKind.paragraph and candidate.parent is None
        intro = candidate if is_intro and candidate.text.rstrip().endswith(":") else None
    return out


def _closest(names: NameIndex, name: str) -> str | None:
    finder = getattr(names, "closest_product", None)
    return finder(name) if finder is not None else None


def scope_for(doc: Document, block: Block, names: NameIndex | None = None) -> tuple[str | None, str]:
    if _product_table(doc, block) and block.row_header:
        row_first = doc.table_cell(block.table, block.row, 0)
        slug = _slug(row_first) if row_first else None
        return block.row_header, _scope_id(block.row_header, slug, names)
    chain = [block, *doc.ancestors(block)] if block.kind == BlockKind.list_item else doc.ancestors(block)
    for item in reversed(chain):  # the outermost list item names the service
        if item.parent is None and item is not block and _is_name(item):
            return item.text, _scope_id(item.text, _slug(item), names)
    if names is not None:
        named = _named_nearby(doc, block, names)
        if named is not None:
            return named
        # A service named by a heading ("## Pass Culture"), or, in slide exports, by a short
        # paragraph before its figures ("Pass Culture" / description / "Impact" / figures).
        for heading in reversed(block.heading_path):
            slug = names.slug_for(heading)
            if slug:
                return heading, _product_scope(slug)
        for candidate in reversed(doc.blocks[max(0, block.id - _NAME_LOOKBACK) : block.id]):
            if candidate.kind == BlockKind.heading:
                break
            if candidate.kind == BlockKind.paragraph and _is_name(candidate):
                slug = names.slug_for(candidate.text)
                if slug:
                    return candidate.text, _product_scope(slug)
    return None, publisher_scope()


def _product_scope(slug: str) -> str:
    """The scope id of a product of the registry: 'KIND:SLUG'."""
    return f"{profiles.active().product.id}:{slug}"


def _host_scope(after: str, names: NameIndex) -> tuple[str, str] | None:
    """'59 produits à la Fabrique', '43 à l'écologie': the host the label names."""
    label = re.match(r"\s*(?:produits?\s+|services?\s+)?(?:à|au|aux)\s+(.+)$", after)
    finder = getattr(names, "host_for", None)
    if label is None or finder is None:
        return None
    name = label.group(1).strip(" .")
    found = finder(name)
    return (name, found) if found else (name, f"name:{vocabulary.normalise(_ARTICLE.sub('', name))}")


def _named_nearby(doc: Document, block: Block, names: NameIndex) -> tuple[str, str] | None:
    """A service named in the figure's own paragraph ("... de 50 % : [demarches-simplifiees.fr]"), or
    in the lines that complete it ("20 millions" / "d'informations" / "grâce à [API Entreprise]")."""
    if block.kind not in (BlockKind.paragraph, BlockKind.list_item):
        return None
    for candidate in doc.blocks[block.id : block.id + 4]:
        if candidate is not block and (
            candidate.kind == BlockKind.heading or not re.match(r"[^\w]*[a-zà-ÿ]", candidate.text)
        ):
            break  # a new section or a new name: only lines that continue the figure's sentence count
        links = [candidate.text[s.start : s.end] for s in candidate.spans if s.kind == "link"]
        written = [candidate.text[s.start : s.end] for s in candidate.spans if s.kind == "strong"]
        written += _CAPS_NAME.findall(candidate.text)  # "sur PIX", "via FranceConnect"
        written += _TITLE_NAME.findall(candidate.text)  # "qui utilisent La Bonne Boîte"
        found = {(name, slug) for name in links if (slug := names.slug_for(name) or _closest(names, name))}
        found |= {(name, slug) for name in written if (slug := names.slug_for(name))}
        if not found and candidate is block and any(not re.match(r"https?://|#", n) for n in links):
            return None  # the figure's own sentence links something the registry does not know
        if len({slug for _, slug in found}) == 1:
            name, slug = found.pop()
            return name, _product_scope(slug)
        if found:
            return None  # several services: no single scope
        if candidate is not block and any(n.is_count for n in find_numbers(candidate.text)):
            break  # the next figure starts here
    return None


def _card_name(doc: Document, block: Block, number: NumberMatch) -> Block | None:
    """In slide decks, a product card is its NAME, a mission sentence, then a lone amount."""
    if block.kind != BlockKind.paragraph or number.unit != "EUR" or not _only_number(block.text, number):
        return None
    before = doc.blocks[max(0, block.id - 2) : block.id]
    if len(before) < 2 or any(b.kind == BlockKind.heading or b.location.page != block.location.page for b in before):
        return None
    name, mission = before
    if _is_name(mission) and sum(c.isupper() for c in mission.text) >= 2:
        return mission  # NAME / amount, no mission line
    if mission.text.startswith("(") or len(mission.text.split()) < 3:
        return None  # "Cofinancement de Startups d'État" / "(FAST, Gamma, ...)" / amount: a label, not a card
    return name if _is_name(name) and sum(c.isupper() for c in name.text) >= 2 else None


# --- period ---------------------------------------------------------------------------------------


def _period_in(text: str) -> str | None:
    month = _MONTH_YEAR.search(text)
    if month:
        return f"{month.group(2)}-{month_number(month.group(1)):02d}"
    numeric = _NUMERIC_DATE.search(text)  # "AU 01/01/2022"
    if numeric and 1 <= int(numeric.group(2)) <= 12:
        return f"{numeric.group(3)}-{int(numeric.group(2)):02d}"
    year = _YEAR.search(text)
    return year.group(1) if year else None


def period_for(
    doc: Document, block: Block, number: NumberMatch, numbers: list[NumberMatch], reading: _Reading | None = None
) -> tuple[str | None, ClaimKind]:
    """The period of the number and whether it is a result or a target. `numbers` are the block's
    (`reading` is the block's, with the same numbers, when its other numbers are resolved too)."""
    if reading is None or reading.numbers is not numbers:
        reading = _Reading(doc, block, numbers)
    kind: ClaimKind = "result"
    if _RUNNING_TOTAL.match(block.text, number.end):
        return None, kind  # a total since the start, of no one period: not compared with a year's figure
    # A figure of now ("le réseau compte aujourd'hui 1 200 membres", "136 à la date d'écriture du
    # rapport") is a figure of the day the document was published, not of the year it reports on
    # (issue 27, cause 6). When that day is not known, the figure's period is not sure: None, and
    # the figure is compared with nothing.
    start, _ = reading.clause_bounds(number.start, number.end)
    if _NOW.search(block.text[start : number.end + 40]) and not _NOW_ASIDE.search(block.text[start : number.end + 40]):
        return publication_month(doc), kind
    # The nearest year or date written in the clause dates the figure.
    nearest = reading.nearest_date(*reading.clause_bounds(number.start, number.end), number.start)
    if nearest is not None:
        period = _period_in(block.text[max(0, nearest.start - 12) : nearest.end])
        if period:
            return period, kind
    if block.kind == BlockKind.table_cell and block.column_header:
        if re.search(r"objectif|cible|prévision", block.column_header, re.I):
            kind = "target"
        period = _period_in(block.column_header)
        if period:
            return period, kind
    for ancestor in doc.ancestors(block):
        period = _period_in(ancestor.text) if len(ancestor.text) < 40 else None
        if period:
            return period, kind
    if block.kind == BlockKind.list_item and block.parent is None:
        intro = _context_block(doc, block)  # "En 2021, ... les administrations publiques ont :"
        temporal = _TEMPORAL.search(intro.text) if intro is not None else None
        period = _period_in(temporal.group(0)) if temporal else None  # not "la Loi ... de 2016"
        if period:
            return period, kind
    for heading in reversed(block.heading_path):
        period = _period_in(heading)
        if period:
            return period, kind
    if doc.date is not None:
        return f"{doc.date.year}-{doc.date.month:02d}", kind
    return document_year(doc), kind


def publication_month(doc: Document) -> str | None:
    """When the document was published: its date, or a "Date de publication : Juin 2018" line."""
    if doc.date is not None:
        return f"{doc.date.year}-{doc.date.month:02d}"
    return doc.memo("published", lambda: _published_line(doc))


def _published_line(doc: Document) -> str | None:
    """ "Publication : février 2022", "Publié le 12 janvier 2025" anywhere; or a cover's month
    ("Janvier 2025" alone in one of the first blocks, the first page of a PDF)."""
    for block in doc.blocks:
        found = _PUBLISHED.search(block.text)
        if found:
            return _period_in(found.group(1))
    for block in doc.blocks[:COVER_BLOCKS]:
        if block.location.page not in (None, 1):
            break
        cover = _COVER_MONTH.fullmatch(block.text)
        if cover:
            return f"{cover.group(2)}-{month_number(cover.group(1)):02d}"
    return None


def document_year(doc: Document) -> str | None:
    """The year a report covers: in its title ("Bilan 2024"), or a year standing alone near the top
    of a slide export ("BILAN DU PROGRAMME BETA.GOUV.FR" then "2021")."""
    return doc.memo("year", lambda: _document_year(doc))


def _document_year(doc: Document) -> str | None:
    if doc.title and _YEAR.search(doc.title):
        return _YEAR.search(doc.title).group(1)  # type: ignore[union-attr]
    for block in doc.blocks[:10]:
        if _YEAR.fullmatch(block.text.strip()):
            return block.text.strip()
        titled = _REPORT_TITLE.search(block.text)
        if titled:  # "Rapport d'activité 2017"
            return titled.group(1)
    return None
