"""Shares whose base the text states, and growth written in a sentence (issue 27, class 1): the
parts of `arithmetic/percentage-mismatch` that read the prose and the tables around a share.

- a count with its share ("9 Startups d'État ont échoué (15 %)"): the share of the population the
  same sentence states ("sur les 31 services", "sur un panel de 38 produits"), of the sample the
  share names ("(soit 47 % de notre échantillon)"), or, when the sentence's shares add up to 100 %
  within their rounding, of the sum of its counts (9 + 49 + 5 = 63);
- a table's column of shares (or a list of shares) under a sentence that states its population
  ("Sur un panel de 38 produits ..., le niveau se répartit ainsi :"): each share must be a whole
  number of that population, and the shares of a breakdown must add up to 100 % within rounding;
- a share of the sample in words ("La majorité de notre panel (75 %) s'appuyant sur le DSFR")
  against the count the document gives of the same subset ("les 31 services utilisant le DSFR");
- a growth in a sentence ("passé de 200 000 en 2024 à 300 000 en 2025, soit une hausse de 40 %").

The rounding rule (statcheck-style): a share written with d decimals stands for every value within
half a unit of its last digit, boundaries included (25 % for 24,5 % to 25,5 %; 14,3 % for 14,25 %
to 14,35 %); a count k of a population n agrees when k/n lies there. A column of rounded shares
may add up to 100 % plus or minus half a unit per share; with a known population it agrees when
some whole counts, each giving its share, add up to the population. A growth rate keeps the
half-point of truncation the other growth check allows.

A table or a list introduced as partial ("extrait", "notamment", "parmi", "la liste complète")
is no breakdown: its shares are not summed.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from collections.abc import Iterator
from decimal import Decimal

from extractor import dates
from extractor.checks import finding
from extractor.checks.arithmetic import MEASURES, fr, list_after, partial
from extractor.checks.arithmetic import intro as arithmetic_intro
from extractor.claims.evidence import claim_evidence, claims_by_block
from extractor.models import Block, BlockKind, Claim, Document, Finding, Qualifier

RULE = "arithmetic/percentage-mismatch"
HUNDRED = Decimal(100)

_SAMPLE = r"(?:panel|échantillon)"
# "un panel de 38 produits", "un échantillon de 40 services": the sample's size.
_SAMPLE_SIZE_BEFORE = re.compile(rf"\b{_SAMPLE}\s+(?:de|d['’])\s*$", re.I)
_SAMPLE_NAMED = re.compile(rf"\b(?:notre|nos|le|ce|cet|du|l['’])\s*{_SAMPLE}\b", re.I)
# "sur les 31 services", "parmi les 63 Startups d'État", "Sur un total de 40": the population.
_BASE_BEFORE = re.compile(
    rf"\b(?:sur|parmi)\s+(?:les|ces|nos|un\s+total\s+de|un\s+{_SAMPLE}\s+de|l['’]ensemble\s+des)\s*$", re.I
)
# What may stand between a count and its share: the count's phrase, then "(" or "(soit" or ", soit"
# (these three are matched at a figure's end: `match(text, pos)`, no "^").
_SHARE_AFTER_COUNT = re.compile(r"[^()\d;:.!?]{0,80}?(?:\(\s*(?:soit\s+)?|,\s*soit\s+)$", re.I)
# What may follow the share: the end of the aside, or the sample it is a share of.
_SHARE_CLOSE = re.compile(rf"\s*(?:\)|de\s+(?:notre|l['’]|ce|cet|du)\s*{_SAMPLE}\s*\)|[,.;]|$)", re.I)
_SHARE_OF_SAMPLE = re.compile(rf"\s*de\s+(?:notre|l['’]|ce|cet|du)\s*{_SAMPLE}", re.I)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|;")
_BREAKDOWN_WORDS = re.compile(r"\brépartit\b|\brépartissent\b|\brépartition\b|\brépartis?\b|\bréparties?\b", re.I)
_TOTAL_ROW = re.compile(r"^\W*total\b", re.I)
_YEAR_HEADER = re.compile(rf"\b({dates.YEAR})\b")
_NEGATION = re.compile(r"\b(?:ne|n['’]|pas|sans|aucun|aucune)\b", re.I)
_KEY_WORD = re.compile(r"(?<!^)\b(?:[A-ZÉ]{2,}[A-Z0-9]*|[A-Z][a-zé]+[A-Z]\w*)\b")


_WORD = re.compile(r"\s*([^\W\d_][\w'’-]*)")
_SAMPLE_SHARE_OPEN = re.compile(rf"{_SAMPLE_NAMED.pattern}\s*\(\s*$", re.I)


def _before(text: str, at: int, begin: int = 0) -> str:
    """The 80 characters of `text` before `at` (not before `begin`): what the patterns anchored at a
    figure read, without copying the whole text before it for each figure."""
    return text[max(begin, at - 80) : at]


_ORDER_WORDS = re.compile(r"\s*(?:derni\w+|premi\w+|prochain\w*)\b", re.I)


def _a_population(doc: Document, base: Claim) -> bool:
    """Whether a count after "sur les" counts people or things, not time ("sur les 12 derniers
    mois", "sur 3 ans")."""
    text = doc.blocks[base.block].text
    at = base.end
    order = _ORDER_WORDS.match(text, at)
    if order:
        at = order.end()
    word = _WORD.match(text, at)
    return word is not None and word.group(1).casefold() not in MEASURES


def _count(claim: Claim) -> bool:
    """A whole, exact count (no unit, no change)."""
    q = claim.quantity
    return (
        q.unit is None
        and not q.is_delta
        and q.qualifier == Qualifier.exact
        and q.value == q.value.to_integral_value()
        and q.value >= 1
    )


def _share(claim: Claim) -> bool:
    q = claim.quantity
    return q.unit == "%" and not q.is_delta and q.qualifier == Qualifier.exact and 0 <= q.value <= 100


def _half(share: Claim) -> Decimal:
    return Decimal(1).scaleb(-share.quantity.decimals) / 2


def _pct(value: Decimal) -> str:
    return fr(value.quantize(Decimal("0.1")), "%")


def _population_of(doc: Document, base: Claim | None, n: Decimal) -> str:
    """ "38 produits": the population's size and the noun written after it (the size alone when
    the population is a sum, or no noun follows)."""
    if base is None:
        return str(int(n))
    word = _WORD.match(doc.blocks[base.block].text, base.end)
    return f"{int(n)}\u00a0{word.group(1)}" if word else str(int(n))


def _stated(share: Claim) -> str:
    return fr(share.quantity.value, "%")


def _agrees(share: Claim, k: Decimal, n: Decimal) -> bool:
    return abs(k * HUNDRED / n - share.quantity.value) <= _half(share)


def _counts_for(share: Claim, n: int) -> range:
    """The whole counts of `n` that give the share, boundaries included (empty: none does)."""
    p, half = share.quantity.value, _half(share)
    low = max(0, math.ceil((p - half) * n / HUNDRED))
    high = min(n, math.floor((p + half) * n / HUNDRED))
    return range(low, high + 1)


def _options(share: Claim, n: int) -> str:
    """The two counts either side of the share: "9/38 = 23,7 %, 10/38 = 26,3 %"."""
    low = math.floor(share.quantity.value * n / HUNDRED)
    return ", ".join(f"{k}/{n} = {_pct(Decimal(k) * HUNDRED / n)}" for k in (low, low + 1) if k <= n)


@functools.lru_cache(maxsize=64)
def _sentence_marks(text: str) -> tuple[list[int], list[int]]:
    """Where the sentences of a text end: the starts and ends of their marks, found once."""
    found = list(_SENTENCE_END.finditer(text))
    return [m.start() for m in found], [m.end() for m in found]


def _sentence_bounds(text: str, start: int) -> tuple[int, int]:
    """Where the sentence around `start` begins and ends."""
    starts, ends = _sentence_marks(text)
    before = bisect.bisect_right(ends, start)  # the marks that end at or before `start`
    after = bisect.bisect_left(starts, start)
    return (ends[before - 1] if before else 0), (starts[after] if after < len(starts) else len(text))


def sample_size(doc: Document, claims: list[Claim]) -> Claim | None:
    """The one size the document gives its sample ("un panel de 38 produits"), else None (none,
    or two different ones)."""
    sizes = [c for c in claims if _count(c) and _SAMPLE_SIZE_BEFORE.search(_before(doc.blocks[c.block].text, c.start))]
    return sizes[0] if sizes and len({c.quantity.value for c in sizes}) == 1 else None


def shares(doc: Document, claims: list[Claim]) -> Iterator[Finding]:
    by_block = claims_by_block(claims)
    sample = sample_size(doc, claims)
    yield from _prose_shares(doc, by_block, sample)
    yield from _column_shares(doc, by_block, sample)
    yield from _list_shares(doc, by_block, sample)
    yield from _share_in_words(doc, claims, sample)
    yield from _prose_growth(doc, by_block)


def _pairs(block: Block, claims: list[Claim]) -> list[tuple[Claim, Claim]]:
    """Each count followed by its share in the block ("9 Startups d'État ont échoué (15 %)")."""
    ordered = sorted(claims, key=lambda c: c.start)
    out = []
    for count, share in itertools.pairwise(ordered):
        if not (_count(count) and _share(share)):
            continue
        if _SHARE_AFTER_COUNT.match(block.text, count.end, share.start) and _SHARE_CLOSE.match(block.text, share.end):
            out.append((count, share))
    return out


def _stated_base(doc: Document, block: Block, claims: list[Claim], before: int) -> Claim | None:
    """The population the sentence states before `before` ("sur les 31 services, 8 ...")."""
    begin, _ = _sentence_bounds(block.text, before)
    bases = [
        c
        for c in claims
        if begin <= c.start < before and _count(c) and _BASE_BEFORE.search(_before(block.text, c.start, begin))
    ]
    bases = [c for c in bases if _a_population(doc, c)]
    return bases[-1] if len(bases) >= 1 else None


def _prose_shares(doc: Document, by_block: dict[int, list[Claim]], sample: Claim | None) -> Iterator[Finding]:
    for block_id, claims in by_block.items():
        block = doc.blocks[block_id]
        pairs = _pairs(block, claims)
        sentences: dict[int, list[tuple[Claim, Claim]]] = {}
        for pair in pairs:
            sentences.setdefault(_sentence_bounds(block.text, pair[0].start)[0], []).append(pair)
        for group in sentences.values():
            added = sum((s.quantity.value for _, s in group), Decimal(0))
            whole = (
                len(group) >= 2
                and abs(added - HUNDRED) <= sum((_half(s) for _, s in group), Decimal(0))
                and _one_population(block, [c for c, _ in group])
            )
            for count, share in group:
                base: Claim | None = None
                if _SHARE_OF_SAMPLE.match(block.text, share.end):
                    base = sample
                else:
                    base = _stated_base(doc, block, claims, count.start)
                    if base is not None and not _one_population(block, [base, count]):
                        base = None  # "sur les 40 services, 12 agents (30 %)": a share of what, unsure
                if base is not None:
                    n = base.quantity.value
                    if count.quantity.value > n or _agrees(share, count.quantity.value, n):
                        continue
                    yield _share_finding(doc, count, share, n, [base], population=base)
                elif whole:
                    n = sum((c.quantity.value for c, _ in group), Decimal(0))
                    if _agrees(share, count.quantity.value, n):
                        continue
                    yield _share_finding(doc, count, share, n, [c for c, _ in group if c is not count], summed=True)


_WORD_AFTER = re.compile(r"\s*([^\W\d_][\w'’-]*)")
# What follows a count of the same population as the one before it: "49 sont", "5 ont", "3 n'ont".
_VERB_AFTER = frozenset(["sont", "ont", "a", "est", "se", "s'", "s’", "n'", "n’", "ne", "y", "étaient", "avaient"])


def _one_population(block: Block, counts: list[Claim]) -> bool:
    """Whether the counts of a sentence count one population: each after the first counts the
    first's noun ("9 Startups ... 49 Startups") or goes on with a verb ("49 sont", "5 ont")."""
    first = _WORD_AFTER.match(block.text, counts[0].end)
    noun = first.group(1).casefold() if first else None
    for count in counts[1:]:
        word = _WORD_AFTER.match(block.text, count.end)
        said = word.group(1).casefold() if word else ""
        if said != noun and said not in _VERB_AFTER and not said.startswith(("n'", "n’", "s'", "s’")):
            return False
    return True


def _share_finding(doc: Document, count: Claim, share: Claim, n: Decimal, others: list[Claim], summed: bool = False,
                   population: Claim | None = None) -> Finding:  # fmt: skip
    k = count.quantity.value
    return finding(
        RULE,
        [claim_evidence(share), claim_evidence(count), *(claim_evidence(c) for c in others)],
        variant="share-of-sum" if summed else "share-of",
        share=_stated(share),
        count=int(k),
        base=_population_of(doc, population, n),
        computed=_pct(k * HUNDRED / n),
        suggestion={},
    )


def _population(
    doc: Document, intro: list[Block], by_block: dict[int, list[Claim]], sample: Claim | None
) -> Claim | None:
    """The population a table's shares are of: the one its introduction states ("Sur un panel de
    38 produits"), or the document's sample when the introduction names it ("dans notre panel")."""
    for block in intro:
        claims = by_block.get(block.id, [])
        bases = [
            c
            for c in claims
            if _count(c) and _BASE_BEFORE.search(_before(block.text, c.start)) and _a_population(doc, c)
        ]
        introduces = block.text.rstrip().endswith(":") or _BREAKDOWN_WORDS.search(block.text) is not None
        if bases and introduces:
            return bases[0]  # "Sur un panel de 38 produits, le niveau se répartit ainsi :"
        if sample is not None and _SAMPLE_NAMED.search(block.text):
            return sample  # "les erreurs majoritaires dans notre panel"
    return None


def _columns(doc: Document, by_block: dict[int, list[Claim]]) -> Iterator[tuple[list[Block], list[Claim], str]]:
    """Each table column whose body cells hold one share each (two cells at least), with its
    header; then each list whose items hold one share each."""
    tables: dict[int, dict[tuple[int, int], Block]] = {}
    for block in doc.blocks:
        if block.kind == BlockKind.table_cell and block.table is not None and block.row is not None:
            tables.setdefault(block.table, {})[(block.row, block.col or 0)] = block
    for cells in tables.values():
        for col in sorted({c for _, c in cells}):
            body = [
                b
                for (r, c), b in sorted(cells.items())
                if c == col and r > 0 and not _TOTAL_ROW.match(b.row_header or cells.get((r, 0), b).text)
            ]
            shares = [by_block.get(b.id, []) for b in body]
            if len(body) >= 2 and all(len(s) == 1 and _share(s[0]) for s in shares):
                header = cells.get((0, col))
                yield body, [s[0] for s in shares], header.text if header is not None else ""


def _list_shares(doc: Document, by_block: dict[int, list[Claim]], sample: Claim | None) -> Iterator[Finding]:
    """A list of shares after a sentence that announces their breakdown ("Les usagers se
    répartissent ainsi :" then "- 40 % ..."), measured as a table's column."""
    for block in doc.blocks:
        if not block.text.rstrip().endswith(":") or not _BREAKDOWN_WORDS.search(block.text) or partial(block.text):
            continue
        items = list_after(doc, block)
        shares = [by_block.get(i.id, []) for i in items]
        if len(items) < 2 or not all(len(c) == 1 and _share(c[0]) for c in shares):
            continue
        base = _population(doc, [block], by_block, sample)
        yield from _column(doc, [c[0] for c in shares], "", base, True, listed=True)


def _column_shares(doc: Document, by_block: dict[int, list[Claim]], sample: Claim | None) -> Iterator[Finding]:
    columns = list(_columns(doc, by_block))
    by_table: dict[int | None, list[tuple[list[Block], list[Claim], str]]] = {}
    for found in columns:
        by_table.setdefault(found[0][0].table, []).append(found)
    for table_columns in by_table.values():
        first = min((b for body, _, _ in table_columns for b in body), key=lambda b: b.id)
        intro = arithmetic_intro(doc, first)
        said = " ".join(b.text for b in intro)
        if partial(said):
            continue
        base = _population(doc, intro, by_block, sample)
        years = {h: m.group(1) for _, _, h in table_columns if (m := _YEAR_HEADER.search(h))}
        breakdown = any(_BREAKDOWN_WORDS.search(b.text) for b in intro[:3])
        for _, shares_of_column, header in table_columns:
            n = base
            if n is not None and len(years) > 1 and years.get(header) != (n.period or "")[:4]:
                n = None  # "2025 | 2024": the population stated is one year's
            yield from _column(doc, shares_of_column, header, n, breakdown)


def _column(
    doc: Document, column: list[Claim], header: str, base: Claim | None, breakdown: bool, listed: bool = False
) -> Iterator[Finding]:
    """The shares of one column (or list) against their population, and their sum when they are a
    breakdown."""
    kind = "list" if listed else "column"
    added = sum((s.quantity.value for s in column), Decimal(0))
    if base is not None and base.quantity.value <= 10_000:
        n = int(base.quantity.value)
        possible = [_counts_for(s, n) for s in column]
        impossible = [s for s, r in zip(column, possible, strict=True) if not r]
        fits = not impossible and sum(r.start for r in possible) <= n <= sum(r.stop - 1 for r in possible)
        if breakdown and not fits:
            yield finding(
                RULE,
                [claim_evidence(s) for s in column] + [claim_evidence(base)],
                variant=f"{kind}-base",
                header=header,
                added=fr(added, "%"),
                base=n,
                population=_population_of(doc, base, base.quantity.value),
                impossible="; ".join(f"{_stated(s)} ({_options(s, n)})" for s in impossible) or "—",
                suggestion={},
            )
            return
        for s in impossible:
            yield finding(
                RULE,
                [claim_evidence(s), claim_evidence(base)],
                variant="share-base",
                share=_stated(s),
                population=_population_of(doc, base, base.quantity.value),
                options=_options(s, n),
                suggestion={},
            )
        return
    if breakdown and abs(added - HUNDRED) > sum((_half(s) for s in column), Decimal(0)):
        yield finding(
            RULE,
            [claim_evidence(s) for s in column],
            variant=f"{kind}-sum",
            header=header,
            added=fr(added, "%"),
            count=len(column),
            suggestion={},
        )


def _share_in_words(doc: Document, claims: list[Claim], sample: Claim | None) -> Iterator[Finding]:
    """ "La majorité de notre panel (75 %) s'appuyant sur le DSFR" against "les 31 services
    utilisant le DSFR": the same subset (the same distinctive name: DSFR), counted of the sample."""
    if sample is None:
        return
    n = sample.quantity.value
    for share in claims:
        if not _share(share):
            continue
        block = doc.blocks[share.block]
        if not _SAMPLE_SHARE_OPEN.search(_before(block.text, share.start)):
            continue
        close = block.text.find(")", share.end)
        if close == -1 or block.text[share.end : close].strip():
            continue
        _, end = _sentence_bounds(block.text, close)
        predicate = re.split(r",|\s[-–—]\s", block.text[close + 1 : min(max(end, close + 1), close + 200)])[0]
        keys = set(_KEY_WORD.findall(" " + predicate))
        if not keys or _NEGATION.search(predicate):
            continue
        matches = []
        for count in claims:
            if count is sample or not _count(count) or count.quantity.value > n or count.block == share.block:
                continue
            phrase = count.metric_text
            if keys <= set(_KEY_WORD.findall(" " + phrase)) and not _NEGATION.search(phrase):
                matches.append(count)
        if len(matches) != 1:
            continue
        count = matches[0]
        if _agrees(share, count.quantity.value, n):
            continue
        yield finding(
            RULE,
            [claim_evidence(share), claim_evidence(count), claim_evidence(sample)],
            variant="share-in-words",
            share=_stated(share),
            count=int(count.quantity.value),
            base=_population_of(doc, sample, n),
            computed=_pct(count.quantity.value * HUNDRED / n),
            subset=count.metric_text,
            suggestion={},
        )


# "est passé de 200 000 en 2024 à 300 000 en 2025, soit une hausse de 40 %"
_FROM = re.compile(r"\b(?:pass\w*|évolué|grimpé|chuté)\s+de\s*$", re.I)
# What may stand between two figures of a growth: the unit's words and the first figure's date.
_DATED = r"(?:\s+[^\W\d_][\w'’-]*){0,3}(?:\s+(?:en|fin|au|début|à\s+fin)\s+(?:[^\W\d_]+\s+)?" + dates.YEAR + ")?"
_TO = re.compile(rf"^{_DATED}\s+à\s*$", re.I)
_RISE = re.compile(r"\b(?:hausse|augmentation|progression|croissance)\b", re.I)
_FALL = re.compile(r"\b(?:baisse|diminution|recul|réduction)\b", re.I)
_RATE_AFTER = re.compile(
    rf"^{_DATED}\s*(?:,\s*soit\s+(?:une?\s+)?(?:(?:hausse|augmentation|progression|croissance|baisse|diminution"
    r"|recul|réduction|évolution)\s+de\s*)?|\(\s*(?:soit\s+)?)[+\-−]?\s*$",
    re.I,
)


# "une hausse de 40 % (de 200 000 à 300 000)", "en hausse de 40 %, passant de 200 000 à 300 000"
_RATE_WORD_BEFORE = re.compile(
    r"\b(?:hausse|augmentation|progression|croissance|baisse|diminution|recul|réduction)\s+de\s*[+\-−]?\s*$", re.I
)
_FROM_AFTER_RATE = re.compile(r"^\s*(?:\(\s*|,\s*|:\s*)(?:en\s+)?(?:passant\s+|pass\w+\s+)?de\s*$", re.I)


def _prose_growth(doc: Document, by_block: dict[int, list[Claim]]) -> Iterator[Finding]:
    for block_id, claims in by_block.items():
        block = doc.blocks[block_id]
        ordered = sorted(claims, key=lambda c: c.start)
        for first, second, third in zip(ordered, ordered[1:], ordered[2:], strict=False):
            text = block.text
            if _FROM.search(text[max(0, first.start - 40) : first.start]):
                old, new, rate = first, second, third  # "passé de A à B, soit une hausse de p %"
                if not _TO.match(text[old.end : new.start]) or not _RATE_AFTER.match(text[new.end : rate.start]):
                    continue
                said = text[new.end : rate.start]
            elif _RATE_WORD_BEFORE.search(text[max(0, first.start - 40) : first.start]):
                rate, old, new = first, second, third  # "une hausse de p % (de A à B)"
                if not _FROM_AFTER_RATE.match(text[rate.end : old.start]) or not _TO.match(text[old.end : new.start]):
                    continue
                said = text[max(0, rate.start - 40) : rate.start]
            else:
                continue
            found = _growth_finding(old, new, rate, said)
            if found is not None:
                yield found


def _growth_finding(old: Claim, new: Claim, rate: Claim, said: str) -> Finding | None:
    """The finding of a growth rate its two values do not give (None: they do, or it is unsure)."""
    if old.quantity.unit != new.quantity.unit or old.quantity.unit == "%" or rate.quantity.unit != "%":
        return None
    if {old.quantity.qualifier, new.quantity.qualifier, rate.quantity.qualifier} != {Qualifier.exact}:
        return None
    if not old.quantity.value or old.quantity.is_delta or new.quantity.is_delta:
        return None
    stated = rate.quantity.value
    if _FALL.search(said) and stated > 0:
        stated = -stated
    elif not _RISE.search(said) and not rate.quantity.is_delta and new.quantity.value < old.quantity.value:
        stated = -stated  # "(25 %)" after a fall: its size
    computed = (new.quantity.value - old.quantity.value) / old.quantity.value * HUNDRED
    if abs(computed - stated) <= _half(rate) + Decimal("0.5"):
        return None
    written = ("+" if computed >= 0 else "") + _pct(computed)
    return finding(
        RULE,
        [claim_evidence(rate), claim_evidence(old), claim_evidence(new)],
        variant="growth-prose",
        stated=fr(rate.quantity.value, "%"),
        old=fr(old.quantity.value, old.quantity.unit),
        new=fr(new.quantity.value, new.quantity.unit),
        computed=written,
        suggestion={"computed": written},
    )
