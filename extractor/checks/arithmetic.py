"""Arithmetic inside a document: stated totals against the parts listed with them.

- a sentence states totals and announces their breakdown ("... est de 5 869 442 € et 25,7 ETPT,
  dont 4,9 ETPT transverses. Ce montant et ces ETP sont répartis ainsi :"), and the list after it
  gives one figure of each kind per item: the items must add up to the total (a "dont" part
  stated with the total may be the difference: 20,8 + 4,9 = 25,7);
- a total names the rounds of a grant it covers (the profile's grants: "2,48 millions d'euros ...
  sur les promos 14 et 15"): the amounts listed under those rounds' headings must add up to it;
- figures that the profile declares the parts of a total (`part_sums`: a chart of a count per
  incubator, against the portfolio stated elsewhere in the document): a warning, since the two may
  not be counted the same way.

A total written rounded is compared within half a unit of its last written digit
("3 millions" agrees with 3 090 000; "2,48 millions" does not agree with 2 217 000).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from decimal import Decimal

from extractor.checks import Context, finding, rule
from extractor.claims.compare import states, tolerance
from extractor.claims.evidence import claim_evidence, claims_by_block
from extractor.claims.numbers import find_numbers
from extractor.dates import YEAR
from extractor.memo import Recent
from extractor.models import Block, BlockKind, Claim, Document, Finding, Severity
from extractor.profiles import Grant, PartSum

# The text states that a breakdown follows: a colon alone does not ("Cette approche se décline en
# 4 phases :" lists phases with durations, not parts of 4).
_BREAKDOWN = re.compile(
    r"(?:répartis?|réparties?|se répartit|se répartissent|ventilée?s?|décompos\w+)\s+(?:ainsi|comme suit|"
    r"de la (?:manière|façon) suivante)|\b(?:au total|total|dont|soit)\s*:\s*$",
    re.I,
)
_ROUND_NUMBERS = re.compile(r"\d+")
# A table or a list introduced as partial is no breakdown of a stated total, nor a count of its
# items (issue 27, cause 9): "extrait", "notamment", "parmi les lauréats", "la liste complète".
_PARTIAL = re.compile(
    r"\b(?:extraits?|notamment|parmi|par\s+exemple|entre\s+autres|quelques|exemples?|liste\s+compl[èe]te"
    r"|(?:les\s+)?principa(?:ux|les)|dont\s+certain|sélection|etc)\b|…|\.\.\.",
    re.I,
)


def partial(text: str) -> bool:
    """Whether a text introduces a partial table or list (an extract, a selection, examples)."""
    return _PARTIAL.search(text) is not None


def intro(doc: Document, block: Block) -> list[Block]:
    """The paragraphs that introduce the table or the list a block is in (or the block): those
    between its start and the heading above it, nearest first; six at most, among the twenty
    blocks before it (the cost of a call does not grow with the document)."""
    first = block.id
    if block.kind in (BlockKind.table_cell, BlockKind.list_item):
        while first > 0 and doc.blocks[first - 1].kind == block.kind and doc.blocks[first - 1].table == block.table:
            first -= 1
    out: list[Block] = []
    for i in range(first - 1, max(-1, first - 21), -1):
        before = doc.blocks[i]
        if before.kind == BlockKind.heading or len(out) >= 6:
            break
        if before.kind == BlockKind.paragraph:
            out.append(before)
    return out


def partial_blocks(doc: Document) -> set[int]:
    """The blocks of the tables and lists whose introduction presents them as partial ("extrait",
    "parmi les lauréats", "la liste complète"): each table's or list's introduction read once."""
    starts: dict[int, int] = {}  # block id -> the first block of its table or list
    first_cell: dict[int | None, int] = {}
    for block in doc.blocks:
        if block.kind == BlockKind.table_cell:
            starts[block.id] = first_cell.setdefault(block.table, block.id)
        elif block.kind == BlockKind.list_item:
            previous = doc.blocks[block.id - 1] if block.id else None
            listed = previous is not None and previous.kind == BlockKind.list_item
            starts[block.id] = starts[previous.id] if listed and previous is not None else block.id
    said = {first: any(partial(b.text) for b in intro(doc, doc.blocks[first])[:3]) for first in set(starts.values())}
    return {block_id for block_id, first in starts.items() if said[first]}


def grant_round(grant: Grant, block: Block) -> int | None:
    """The round of a grant a block stands under: its nearest heading naming one (the profile's
    `round_heading`, e.g. "#### FAST 14", "LAURÉATS FAST 14 (2/3)")."""
    found = next((m for h in reversed(block.heading_path) if (m := grant.heading.search(h))), None)
    return int(found.group(1)) if found else None


def fr(value: Decimal, unit: str | None) -> str:
    """5869441 -> '5 869 441 €'; 20.8 -> '20,8'."""
    value = value.normalize() if value != value.to_integral_value() else value.quantize(Decimal(1))
    whole, _, frac = f"{value:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = sign + "\u00a0".join(groups) + ("," + frac if frac else "")
    return text + {"EUR": "\u00a0€", "%": "\u00a0%"}.get(unit or "", "")


def _kind(claim: Claim) -> tuple[str | None, str | None] | None:
    """What can be added together: euros with euros, ETPT with ETPT; counts only of one known
    metric (None: this figure is not a part or a total of anything the rule can tell)."""
    if claim.quantity.unit == "EUR":
        return ("EUR", None)
    if claim.metric_id is None or claim.quantity.unit == "%" or claim.quantity.is_delta:
        return None
    return (claim.quantity.unit, claim.metric_id)


def _mismatch(doc: Document, total: Claim, parts: list[Claim], severity: Severity, variant: str | None,
              included: Claim | None = None, **words: str) -> Finding:  # fmt: skip
    """The finding of a total that its parts do not give; `variant` names what the parts are (None:
    the items of a list; "table-rows", "table-columns", "rounds", "part-sum"), `words` the variant's
    own arguments."""
    unit = total.quantity.unit
    added = sum((p.quantity.value for p in parts), Decimal(0))
    gap = abs(total.quantity.value - added)
    evidence = [claim_evidence(total), *(claim_evidence(p) for p in parts)]
    return finding(
        "arithmetic/sum-mismatch", evidence, severity=severity,
        variant="items-included" if included is not None else variant,
        count=len(parts), added=fr(added, unit), listed=" + ".join(fr(p.quantity.value, unit) for p in parts),
        total=fr(total.quantity.value, unit), gap=fr(gap, unit),
        included=fr(included.quantity.value, unit) if included is not None else None, **words,
        suggestion={},
    )  # fmt: skip


def _agrees(total: Claim, added: Decimal) -> bool:
    return states(total, added)


def list_after(doc: Document, block: Block) -> list[Block]:
    """The top-level items of the list that follows a block."""
    items: list[Block] = []
    for candidate in doc.blocks[block.id + 1 :]:
        if candidate.kind != BlockKind.list_item:
            break
        if candidate.parent is None or (block.kind == BlockKind.list_item and candidate.parent == block.id):
            items.append(candidate)
    return items


def _subtree(doc: Document, item: Block) -> list[int]:
    ids = [item.id]
    for candidate in doc.blocks[item.id + 1 :]:
        if candidate.kind != BlockKind.list_item or candidate.parent is None:
            break
        if candidate.parent in ids:
            ids.append(candidate.id)
    return ids


Kind = tuple[str | None, str | None]


def _one_part(doc: Document, item: Block, kind: Kind, by_block: dict[int, list[Claim]]) -> Claim | None:
    """The item's one figure of this kind: in its own text, else in its sub-items; None when it has
    none or several ("40 sessions à 1 000 € l'unité, soit 40 000 €": the part is unsure)."""
    own = [c for c in by_block.get(item.id, []) if _fits(c, kind)]
    if not own:
        own = [c for i in _subtree(doc, item)[1:] for c in by_block.get(i, []) if _fits(c, kind)]
    return own[0] if len(own) == 1 else None


@rule("arithmetic/sum-mismatch")
def sum_mismatch(doc: Document, ctx: Context) -> Iterator[Finding]:
    claims = ctx.claims(doc)
    by_block = claims_by_block(claims)
    yield from _breakdowns(doc, by_block)
    yield from _table_totals(doc, by_block)
    for grant in ctx.profile.grants:
        yield from _rounds(doc, claims, grant)
    for part_sum in ctx.profile.part_sums:
        yield from _part_sums(doc, claims, part_sum)


_HEADCOUNT_BREAKDOWN = re.compile(
    r"(?:répartis?|réparties?|se répartit|se répartissent|ventilée?s?|décompos\w+)\s+(?:ainsi|comme suit|"
    r"de la (?:manière|façon) suivante|en|entre)\b",
    re.I,
)
_INLINE_SEPARATOR = re.compile(r",|;|/|\+|\bet\b|\bainsi que\b", re.I)
_SENTENCE_STOP = re.compile(r"[.!?](?:\s|$)")
COUNT: Kind = ("#count", None)  # a headcount ("12 agents"), whatever it counts


def _fits(claim: Claim, kind: Kind) -> bool:
    """Whether a figure can be a part of a total of this kind (a headcount's parts are counts of
    anything: "5 développeurs, 4 designers")."""
    if kind == COUNT:
        q = claim.quantity
        return q.unit is None and not q.is_delta and q.value == q.value.to_integral_value()
    return _kind(claim) == kind


def _headcount(block: Block, stated: list[Claim], at: int) -> Claim | None:
    """The count a breakdown phrase at `at` breaks down: the last figure before it in its sentence,
    a whole exact count ("Le pôle compte 12 agents, répartis ainsi")."""
    begin = max((m.end() for m in _SENTENCE_STOP.finditer(block.text, 0, at)), default=0)
    before = [c for c in stated if begin <= c.start < at]
    if not before:
        return None
    last = before[-1]
    q = last.quantity
    gap = block.text[last.end : at]
    if q.unit is not None or q.is_delta or q.qualifier.value != "exact" or q.value != q.value.to_integral_value():
        return None
    return last if len(gap) <= 60 and not re.search(r"\d", gap) else None


def _inline_parts(block: Block, claims: list[Claim], start: int, kind: Kind) -> list[Claim] | None:
    """The parts written after a breakdown phrase in the same sentence ("répartis ainsi : 5
    développeurs, 4 designers et 2 coachs", "45 / 50 / 30"): one figure of the kind per segment,
    none without; None when the sentence lists no such parts."""
    colon = block.text.find(":", start)
    stop = _SENTENCE_STOP.search(block.text, start)
    end = stop.start() if stop else len(block.text)
    if colon != -1 and colon < end:
        start = colon + 1
    span = block.text[start:end]
    if not span.strip():
        return None
    inside = [c for c in claims if start <= c.start < end]
    parts: list[Claim] = []
    position = start
    for segment in _INLINE_SEPARATOR.split(span):
        seg_start = block.text.find(segment, position)
        position = seg_start + len(segment)
        if not segment.strip():
            continue
        found = [c for c in inside if seg_start <= c.start < position]
        if len(found) != 1 or not _fits(found[0], kind) or re.search(r"\(", segment):
            return None
        parts.append(found[0])
    return parts if len(parts) >= 2 else None


def _breakdowns(doc: Document, by_block: dict[int, list[Claim]]) -> Iterator[Finding]:
    for block in doc.blocks:
        if block.id not in by_block or partial(block.text):
            continue
        found = _BREAKDOWN.search(block.text)
        headcount_at = _HEADCOUNT_BREAKDOWN.search(block.text)
        if found is None and headcount_at is None:
            continue
        items = list_after(doc, block)
        stated = [c for c in by_block[block.id] if not re.search(r"\([^)]*$", block.text[: c.start])]
        if headcount_at is not None:
            total = _headcount(block, stated, headcount_at.start())
            if total is not None:
                yield from _headcount_breakdown(doc, block, total, by_block, items, headcount_at.end())
        if found is None or len(items) < 2:
            continue
        for kind in dict.fromkeys(k for c in stated if (k := _kind(c)) is not None):
            totals = [c for c in stated if _kind(c) == kind]
            parts = [part for item in items if (part := _one_part(doc, item, kind, by_block)) is not None]
            if len(parts) != len(items) or not totals:
                continue  # an item without a figure of this kind, or with several: no part per item
            total, included = totals[0], totals[1] if len(totals) > 1 else None
            if kind[0] is None and headcount_at is not None and _headcount(block, stated, headcount_at.start()):
                continue  # a headcount's breakdown: read above
            if len(totals) > 2 or (
                included is not None and not re.search(r"\bdont\b", block.text[total.end : included.start], re.I)
            ):
                continue  # two figures ("passe de 12 € à 8 €, soit :"): which one is broken down is unsure
            added = sum((p.quantity.value for p in parts), Decimal(0))
            if _agrees(total, added) or (included is not None and _agrees(total, added + included.quantity.value)):
                continue
            yield _mismatch(doc, total, parts, Severity.error, None, included)


def _headcount_breakdown(doc: Document, block: Block, total: Claim, by_block: dict[int, list[Claim]],
                         items: list[Block], after: int) -> Iterator[Finding]:  # fmt: skip
    """ "12 agents, répartis ainsi : 5 ..., 4 ..., 2 ..." (in the sentence, or one item each in the
    list that follows): the parts of a headcount are counts."""
    parts = _inline_parts(block, by_block[block.id], after, COUNT)
    rest = block.text[after:]
    if parts is None and len(items) >= 2 and rest.strip(" :\u00a0") == "":
        found = [_one_part(doc, item, COUNT, by_block) for item in items]
        parts = [p for p in found if p is not None] if all(p is not None for p in found) else None
    if parts is None:
        return
    if _agrees(total, sum((p.quantity.value for p in parts), Decimal(0))):
        return
    yield _mismatch(doc, total, parts, Severity.error, "headcount", what=_noun(block.text[total.end :]))


def _noun(text: str) -> str:
    """The noun a count counts: the first word after it ("agents")."""
    word = re.match(r"\s*([^\W\d_][\w'’-]*)", text)
    return word.group(1) if word else ""


_TOTAL_LABEL = re.compile(r"^\W*total\b", re.I)
_SUBTOTAL_LABEL = re.compile(r"^\W*sous[-\s]?tota(?:l|ux)\b", re.I)


def _text(cell: Block | None) -> str:
    """A table cell's text ("" for no cell)."""
    return cell.text if cell is not None else ""


def _cell_figure(cell: Block | None, by_block: dict[int, list[Claim]]) -> Claim | None:
    """A cell's one figure that can be added (no percentage, no delta), or None."""
    figures = by_block.get(cell.id, []) if cell is not None else []
    if len(figures) != 1 or figures[0].quantity.unit == "%" or figures[0].quantity.is_delta:
        return None
    return figures[0]


def _table_totals(doc: Document, by_block: dict[int, list[Claim]]) -> Iterator[Finding]:
    """A table's Total row (first cell "Total") against the rows above it, column by column, and
    its Total column (header "Total") against the other cells of each row. Only when every part
    has one figure of the total's unit: a blank, a dash or a second figure leaves the column (or the
    row) unsure; a table with sub-totals is left alone."""
    tables: dict[int, dict[tuple[int, int], Block]] = {}
    for block in doc.blocks:
        if block.kind == BlockKind.table_cell and block.table is not None and block.row is not None:
            tables.setdefault(block.table, {})[(block.row, block.col or 0)] = block
    for cells in tables.values():
        if any(_SUBTOTAL_LABEL.match(b.text) for (_, col), b in cells.items() if col == 0):
            continue
        rows = sorted({r for r, _ in cells})
        cols = sorted({c for _, c in cells})
        body = [r for r in rows if r > 0]
        totals = [r for r in body if _TOTAL_LABEL.match(_text(cells.get((r, 0))))]
        if len(totals) == 1 and totals[0] == body[-1]:
            parts_rows = body[:-1]
            for col in cols[1:]:
                total = _cell_figure(cells.get((totals[0], col)), by_block)
                parts = [_cell_figure(cells.get((r, col)), by_block) for r in parts_rows]
                yield from _table_sum(doc, total, parts, "table-rows")
        header = [c for c in cols[1:] if _TOTAL_LABEL.match(_text(cells.get((0, c))))]
        if len(header) == 1 and header[0] == cols[-1]:
            for row in body:
                if row in totals:
                    continue
                total = _cell_figure(cells.get((row, header[0])), by_block)
                parts = [_cell_figure(cells.get((row, c)), by_block) for c in cols[1:-1]]
                first = _figure_only(cells.get((row, cols[0])))
                known = [p for p in parts if p is not None]
                # a first column of figures (|1|2|3|6|) may be a part, not the row's label
                complete = total is not None and len(known) == len(parts)
                if first is not None and complete and total is not None and _agrees(total, first + _sum(known)):
                    continue
                yield from _table_sum(doc, total, parts, "table-columns")


def _figure_only(cell: Block | None) -> Decimal | None:
    """The value of a cell that holds one figure and nothing else ("12", "1 200 €"), else None (a
    label, even with a figure in it: "Ligne 4"). First-column cells are labels to the claims."""
    if cell is None:
        return None
    text = cell.text.strip(" *_")
    numbers = find_numbers(text)
    if len(numbers) != 1 or numbers[0].kind != "quantity" or numbers[0].unit == "%" or numbers[0].is_delta:
        return None
    if re.search(r"[^\W\d_]", text[: numbers[0].start] + text[numbers[0].end :].replace("€", "")):
        return None
    return numbers[0].value


def _sum(parts: list[Claim]) -> Decimal:
    return sum((p.quantity.value for p in parts), Decimal(0))


def _table_sum(doc: Document, total: Claim | None, parts: list[Claim | None], variant: str) -> Iterator[Finding]:
    if total is None or len(parts) < 2 or any(p is None for p in parts):
        return
    known = [p for p in parts if p is not None]
    if any(p.quantity.unit != total.quantity.unit for p in known):
        return  # euros and counts in one row: not parts of one total
    if _agrees(total, sum((p.quantity.value for p in known), Decimal(0))):
        return
    yield _mismatch(doc, total, known, Severity.error, variant)


def _rounds(doc: Document, claims: list[Claim], grant: Grant) -> Iterator[Finding]:
    """The parts of a total are the grant's amounts of the rounds it names, but its own service's.
    Each round's amounts are gathered once, and added up once per service, not once per total
    (a table of 1,000 amounts that each name their round)."""
    amounts = [(c, grant_round(grant, doc.blocks[c.block])) for c in claims if c.metric_id == grant.amount_metric]
    in_partial = partial_blocks(doc) if amounts else set()
    named_in: Recent[str, frozenset[int] | None] = Recent()  # sentence -> the rounds it names
    gathered: dict[frozenset[int], tuple[list[Claim], Decimal, dict[str | None, tuple[int, Decimal]]]] = {}
    for total in claims:
        if total.quantity.unit != "EUR":
            continue
        said = total.sentence + " " + caption(doc, total)
        if said not in named_in:
            named = grant.named.search(said)
            named_in[said] = frozenset(int(n) for n in _ROUND_NUMBERS.findall(named.group(0))) if named else None
        rounds = named_in[said]
        if rounds is None:
            continue
        if rounds not in gathered:
            listed = [c for c, number in amounts if number in rounds]
            by_scope: dict[str | None, tuple[int, Decimal]] = {}
            for c in listed:
                count, value = by_scope.get(c.scope_id, (0, Decimal(0)))
                by_scope[c.scope_id] = (count + 1, value + c.quantity.value)
            gathered[rounds] = (listed, sum((c.quantity.value for c in listed), Decimal(0)), by_scope)
        listed, added, by_scope = gathered[rounds]
        if any(c.block in in_partial for c in listed):
            continue  # "parmi les lauréats", "extrait": the amounts listed are not all of them
        own_count, own_value = by_scope.get(total.scope_id, (0, Decimal(0)))
        if len(listed) - own_count < 2 or _agrees(total, added - own_value):
            continue
        parts = [c for c in listed if c.scope_id != total.scope_id]
        listed_rounds = " et ".join(map(str, sorted(rounds)))
        yield _mismatch(doc, total, parts, Severity.error, "rounds", round_word=grant.round_word, rounds=listed_rounds)


def caption(doc: Document, claim: Claim) -> str:
    """What a figure standing alone in its block says it counts, on a slide: the next block of
    the same page when it goes on the phrase in lower case ("2,48 M€" then "accordés sur les promos
    14 et 15"); empty otherwise.

    A callout's figure and its caption are two text boxes of the slide, hence two blocks."""
    block = doc.blocks[claim.block]
    rest = block.text.replace(claim.quantity.raw, "", 1).strip(" \u00a0€%*")
    following = doc.blocks[claim.block + 1] if claim.block + 1 < len(doc.blocks) else None
    if len(rest) > 3 or following is None or following.location.page != block.location.page:
        return ""
    text = following.text.strip()
    return text if text[:1].islower() else ""


def _part_sums(doc: Document, claims: list[Claim], part_sum: PartSum) -> Iterator[Finding]:
    bars = [c for c in claims if c.metric_id == part_sum.parts]
    stocks = [c for c in claims if c.metric_id == part_sum.total and c.quantity.qualifier.value == "exact"]
    if len(bars) < 3 or not stocks:
        return
    added = sum((b.quantity.value for b in bars), Decimal(0))
    for stock in stocks:
        if not _agrees(stock, added):
            yield _mismatch(doc, stock, bars, Severity.warning, "part-sum", what=part_sum.what)


_MEAN_HEADER = re.compile(r"\bmoyenne\b", re.I)
_YEAR_IN = re.compile(rf"\b({YEAR})\b")


@rule("arithmetic/average-mismatch")
def average_mismatch(doc: Document, ctx: Context) -> Iterator[Finding]:
    cells = {}
    for claim in ctx.claims(doc):
        block = doc.blocks[claim.block]
        if block.kind == BlockKind.table_cell and block.column_header and not claim.quantity.is_delta:
            cells[(block.table, block.row, block.col)] = (block, claim)
    rows: dict[tuple[int | None, int | None], list[tuple[Block, Claim]]] = {}  # each row's cells, in order
    for (table, row, _), cell in cells.items():
        rows.setdefault((table, row), []).append(cell)
    for (table, row, _), (block, mean) in cells.items():
        year = _YEAR_IN.search(block.column_header or "")
        if not _MEAN_HEADER.search(block.column_header or "") or year is None:
            continue
        values = [
            claim
            for other, claim in rows[(table, row)]
            if other is not block
            and not _MEAN_HEADER.search(other.column_header or "")
            and year.group(1) in (other.column_header or "")
        ]
        if len(values) < 2:
            continue
        computed = sum((c.quantity.value for c in values), Decimal(0)) / len(values)
        if abs(computed - mean.quantity.value) <= tolerance(mean):
            continue
        unit = mean.quantity.unit
        listed = ", ".join(f"{fr(c.quantity.value, unit)} ({doc.blocks[c.block].column_header})" for c in values)
        yield finding(
            "arithmetic/average-mismatch",
            [claim_evidence(mean), *(claim_evidence(c) for c in values)],
            header=block.column_header,
            stated=fr(mean.quantity.value, unit),
            values=listed,
            computed=fr(computed.quantize(Decimal("0.01")), unit),
            suggestion={},
        )


_ITEM_SEPARATORS = re.compile(r"^[\s,;.]*(?:et|ainsi que|&)?[\s,;.]*(?:le|la|les|l['’])?\s*$", re.I)


def _name_like(text: str) -> bool:
    """A list item that names something ("La ruche numérique (Ministère de l'Agriculture)"), not a
    sentence: at most ten words once its parenthesis is set aside."""
    return 0 < len(re.sub(r"\([^)]*\)?", " ", text).split()) <= 10


# Nouns that a number before a list measures rather than counts: "pendant deux jours pour :",
# "Au bout de 8 mois d'activité, Lotocar :", "455 k€ sur 2 ans :".
MEASURES = frozenset(
    [
        "an",
        "ans",
        "année",
        "années",
        "mois",
        "semaine",
        "semaines",
        "jour",
        "jours",
        "journée",
        "journées",
        "heure",
        "heures",
        "minute",
        "minutes",
        "seconde",
        "secondes",
        "fois",
        "km",
        "kilomètres",
        "mètres",
        "euros",
        "points",
        "pourcents",
    ]
)
# Words that end the counted noun phrase: a relative clause, a verb, a selection or a scope
# ("les 3 pages les plus pertinentes parmi les types suivants", "50 entretiens ont été réalisés").
_NOT_IN_PHRASE = frozenset(
    [
        "dont",
        "parmi",
        "pour",
        "qui",
        "que",
        "qu",
        "sur",
        "pendant",
        "avec",
        "selon",
        "entre",
        "afin",
        "ont",
        "a",
        "est",
        "sont",
        "été",
        "sera",
        "seront",
        "avons",
        "avez",
        "étaient",
        "était",
        "fut",
        "peut",
        "peuvent",
        "doit",
        "doivent",
        "les",
        "plus",
    ]
)
# What a number right before it makes a base, a duration or a population, not a count of the items.
_NOT_A_COUNT_BEFORE = re.compile(
    r"(?:\bsur|\bparmi|\bpendant|\bau bout de|\bà|\ben|\bdans|\bpour|\baprès|\()\s*(?:les\s+|des\s+)?$", re.I
)
_PHRASE_WORD = re.compile(rf"^(?:[^\W\d_][\w'’-]*|{YEAR})$")


_COPULA = frozenset(["sont", "est", "seront", "sera", "suivants", "suivantes", "ci-dessous"])


def _counted_phrase(tail: str, *, whole: bool = True) -> bool:
    """Whether the words after a number are the noun it counts: the first is no measure ("jours",
    "mois") and, when the phrase runs to the colon (`whole`), the words are that noun with its
    adjectives and complements ("lauréates", "incubateurs créés en 2024", "lauréats sont"), not a
    clause ("pages les plus pertinentes parmi les types suivants", "entretiens ont été réalisés").

    >>> _counted_phrase(" lauréates "), _counted_phrase(" incubateurs créés en 2024 ")
    (True, True)
    >>> _counted_phrase(" lauréats sont ")
    True
    >>> _counted_phrase(" jours pour "), _counted_phrase(" entretiens ont été réalisés ")
    (False, False)
    """
    words = tail.split()
    if not words or not _PHRASE_WORD.match(words[0]) or words[0].casefold() in MEASURES:
        return False
    if not whole:
        return True
    while len(words) > 1 and words[-1].casefold() in _COPULA:
        words.pop()
    if len(words) > 6 or not all(_PHRASE_WORD.match(w) for w in words):
        return False
    return not any(w.casefold() in _NOT_IN_PHRASE for w in words)


def _announced(block: Block, claims: list[Claim], *, whole: bool = True, colon: int | None = None) -> Claim | None:
    """The count a block announces just before its colon (its last, or `colon`), when the text says
    it counts what follows: "dont 3 incubateurs créés en 2024 :", not "pendant deux jours pour :" (a
    duration), "sur les 159 000 simulations :" (a base) or "Pour les collectivités (35 000) :" (a
    population)."""
    colon = block.text.rfind(":") if colon is None else colon
    if colon == -1:
        return None
    sentence_start = max(block.text.rfind(p, 0, colon) for p in (". ", "; ", "! ", "? ")) + 1
    counts = [c for c in claims if sentence_start <= c.start < colon and c.quantity.unit is None
              and not c.quantity.is_delta and c.quantity.value == c.quantity.value.to_integral_value()
              and c.quantity.value >= 2]  # fmt: skip
    if len(counts) != 1:
        return None
    count = counts[0]
    if count.quantity.qualifier.value != "exact":
        return None  # "Plus de 50 entretiens :" announces no exact number of items
    if _NOT_A_COUNT_BEFORE.search(block.text[sentence_start : count.start]):
        return None
    return count if _counted_phrase(block.text[count.end : colon], whole=whole) else None


_PREPOSITION_START = re.compile(r"^(?:dans|auprès|en|à|au|aux|avec|pour|par|sur|chez|entre)\b", re.I)


def _not_instances(items: list[Block]) -> bool:
    """Whether the items are not instances of the counted noun: they state figures of their own
    ("5 services à impact national", "67 % …": a breakdown, the sum rule's business), begin
    with a preposition ("Dans 4 départements", "Auprès de gendarmes": where, not what) or group
    several instances each ("Bretagne : Finistère, Morbihan, Ille-et-Vilaine")."""
    figures = sum(bool(re.search(r"\d", i.text)) for i in items)
    places = sum(bool(_PREPOSITION_START.match(i.text.strip())) for i in items)
    # A group per item ("Bretagne : Finistère, Morbihan") lists several instances in each.
    groups = sum(":" in i.text or i.text.count(",") >= 2 for i in items)
    return max(figures, places, groups) >= len(items) / 2


_LINE_ITEM_SEPARATOR = re.compile(r"\s*(?:,|;|\bet\b|\bainsi que\b)\s*", re.I)
_NAME_ITEM = re.compile(r"^(?:l['’]|le\s+|la\s+|les\s+)?[A-ZÉÈÀÂÎ«\"][^\d:()]*$")


def _one_line(block: Block, claims: list[Claim]) -> tuple[Claim, list[str]] | None:
    """A count and the names it announces in the same sentence: "8 incubateurs : A, B et C." (each
    item a name of at most six words, capitalised, without figures); None when the sentence lists
    no names, or says the list is partial ("notamment", "etc.")."""
    for colon in (m.start() for m in re.finditer(":", block.text)):
        begin = max((m.end() for m in _SENTENCE_STOP.finditer(block.text, 0, colon)), default=0)
        stop = _SENTENCE_STOP.search(block.text, colon)
        end = stop.start() if stop else len(block.text)
        sentence = block.text[begin:end]
        if partial(sentence) or block.text.find(":", colon + 1, end) != -1:
            continue
        count = _announced(block, [c for c in claims if begin <= c.start < colon], colon=colon)
        if count is None:
            continue
        items = [i.strip() for i in _LINE_ITEM_SEPARATOR.split(block.text[colon + 1 : end])]
        if len(items) < 2 or not all(i and len(i.split()) <= 6 and _NAME_ITEM.match(i) for i in items):
            continue
        return count, items
    return None


@rule("arithmetic/count-vs-list")
def count_vs_list(doc: Document, ctx: Context) -> Iterator[Finding]:
    by_block = claims_by_block(ctx.claims(doc))
    for block in doc.blocks:
        claims = by_block.get(block.id, [])
        if not claims:
            continue
        if block.text.rstrip().endswith(":"):  # "dont 3 incubateurs créés en 2024 :" then a list
            count = _announced(block, claims) if not partial(block.text) else None
            listed = list_after(doc, block)
            items = [i.text for i in listed]
            if count is None or len(items) < 2 or sum(map(_name_like, items)) < 0.6 * len(items):
                continue
            if _not_instances(listed):
                continue
        else:  # "8 Startups d'État ... lauréates : [Oz Ensemble] ; [France Chaleur Urbaine] ; ..."
            links = [s for s in block.spans if s.kind == "link"]
            colon = block.text.rfind(":", 0, links[0].start) if links else -1
            # The items are links (names): the counted noun needs no more than to be one.
            count = _announced(block, [c for c in claims if c.start < colon], whole=False) if colon != -1 else None
            after = [s for s in links if s.start > colon]
            gaps = [block.text[a.end : b.start] for a, b in itertools.pairwise(after)]
            if count is None or len(after) < 2 or not all(_ITEM_SEPARATORS.match(g) for g in gaps):
                found = _one_line(block, claims)  # "8 incubateurs : A, B, C."
                if found is None:
                    continue
                count, items = found
            else:
                items = [block.text[s.start : s.end] for s in after]
        if Decimal(len(items)) == count.quantity.value:
            continue
        yield finding(  # two items at least (one is no list)
            "arithmetic/count-vs-list",
            [claim_evidence(count)],
            announced=count.quantity.raw,
            count=len(items),
            items=", ".join(items[:12]) + ("…" if len(items) > 12 else ""),
            suggestion={},
        )
