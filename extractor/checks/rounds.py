"""Grant rounds as reference data (issue 14, item 2): each round's own page (the profile's grant pages:
its number of projects selected, its total, its call's deadline) and the registry's entries that
name the round. A round's page is checked against the registry; a report's laureate count, total
and deadline of named rounds against the rounds' pages, else against the registry.

The registry may lack laureates (an incubator laureate has no startup entry; some entries keep
only their latest award), so it is a lower bound: fewer laureates than it lists is a finding, more
is not; a total is compared with its entries' amounts only when it lists every laureate."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from extractor.checks import Context, finding, phrase, rule
from extractor.claims.compare import states
from extractor.claims.evidence import block_evidence, claim_evidence
from extractor.models import Block, BlockKind, Claim, Document, Evidence, Finding, Location, Severity
from extractor.profiles import Grant
from extractor.reference.models import Entity, Round
from extractor.reference.store import Registry


def laureates(registry: Registry, grant: Grant, number: int, product: str) -> dict[str, set[int]]:
    """The registry's entries of the `product` kind that name the round, each with the amounts it
    gives for it (empty when it gives none)."""
    out: dict[str, set[int]] = {}
    for entity in registry.of_kind(product):
        for award in entity.awards:
            if award.grant == grant.id and award.round == number:
                amounts = out.setdefault(entity.id, set())
                if award.amount is not None:
                    amounts.add(award.amount)
    return out


def _page_at(doc: Document, page: Round, name: str) -> Location:
    line = page.lines.get(name, 1)
    return Location(path=doc.path, line=line, column=1, end_line=line, end_column=1)


def _selected(doc: Document, page: Round) -> Evidence:
    """The page's count of laureates, where it states it."""
    assert page.selected is not None
    return Evidence(location=_page_at(doc, page, "selected"), quote=str(page.selected), value=Decimal(page.selected))


def _fr(value: int) -> str:
    from extractor.checks.arithmetic import fr

    return fr(Decimal(value), "EUR")


@rule("reference/round-page")
def round_page(doc: Document, ctx: Context) -> Iterator[Finding]:
    """A round's page against the registry's entries naming that round."""
    registry = ctx.registry
    assert registry is not None
    page = registry.round_at(doc.path)
    grant = next((g for g in ctx.profile.grants if page is not None and g.id == page.grant), None)
    if page is None or grant is None:
        return
    listed = laureates(registry, grant, page.round, ctx.profile.product.id)
    label = ctx.profile.registry_label
    words: dict[str, Any] = {"grant": grant.label, "round": page.round, "registry": label}
    words["round_word"] = grant.round_word
    if page.selected is not None and len(listed) > page.selected:
        said = _selected(doc, page)
        yield finding(
            "reference/round-page",
            [said],
            selected=page.selected,
            count=len(listed),
            names=", ".join(sorted(_name(registry, e) for e in listed)),
            **words,
            suggestion={},
        )
        return
    if page.selected is not None and len(listed) + _own_laureates(doc) < page.selected:
        # Issue 27, class 3: the page's laureates that no registry entry names (a laureate without
        # an entry, or an entry whose grant field keeps a later round): told, as information. The
        # laureates the page lists itself, each with its amount (an incubator's project written
        # into the page, which has no product entry), are counted with the registry's.
        said = _selected(doc, page)
        yield finding(
            "reference/round-page",
            [said],
            severity=Severity.info,
            variant="missing",
            selected=page.selected,
            count=len(listed),
            names=", ".join(sorted(_name(registry, e) for e in listed)) or phrase("reference/round-page", "none"),
            **words,
            suggestion={},
        )
    if page.total is None or page.selected != len(listed) or any(len(a) != 1 for a in listed.values()):
        return  # a laureate missing from the registry, or an entry that says two amounts: unsure
    added = sum(next(iter(a)) for a in listed.values())
    if added == page.total:
        return
    parts = " + ".join(f"{_fr(next(iter(a)))} ({_name(registry, e)})" for e, a in sorted(listed.items()))
    yield finding(
        "reference/round-page",
        [Evidence(location=_page_at(doc, page, "total"), quote=_fr(page.total), value=Decimal(page.total))],
        variant="total",
        total=_fr(page.total),
        count=len(listed),
        added=_fr(added),
        parts=parts,
        **words,
        suggestion={},
    )


_OWN_AMOUNT = re.compile(r"^\W*[^\W\d_]+\W*\s*:\s*\d[\d\s\u00a0\u202f.,]*\s*(?:k|M)?\s*€", re.I)


def _own_laureates(doc: Document) -> int:
    """How many laureates the round's page lists itself: lines that are a label and an amount
    alone (« Montant : 200 000 € »), one per laureate the page describes."""
    return sum(1 for b in doc.blocks if b.kind != BlockKind.front_matter and _OWN_AMOUNT.match(b.text.strip()))


def _name(registry: Registry, entity_id: str) -> str:
    entity: Entity | None = registry.get(entity_id)
    return entity.name if entity else entity_id


def _rounds_of(doc: Document, claim: Claim, grant: Grant) -> frozenset[int]:
    from extractor.checks.arithmetic import caption

    return grant.rounds_in(claim.sentence + " " + caption(doc, claim))


@rule("reference/round-mismatch")
def round_mismatch(doc: Document, ctx: Context) -> Iterator[Finding]:
    """A report's laureate count, total or call deadline of named rounds against the rounds' pages
    (else, for a count, the registry's entries as a lower bound)."""
    registry = ctx.registry
    assert registry is not None
    if registry.round_at(doc.path) is not None or (not registry.rounds and not registry.entities):
        return
    label = ctx.profile.registry_label
    kinds = tuple(f"{k.id}:" for k in ctx.profile.layout.kinds if k.role in ("product", "host"))
    for grant in ctx.profile.grants:
        for claim in ctx.claims(doc):
            if claim.quantity.is_delta or claim.derived:
                continue
            scoped = (claim.scope_id or "").startswith(kinds)
            awarded = claim.metric_id is None and claim.quantity.unit == "EUR" and _awarded(claim.sentence, grant)
            if scoped or (claim.metric_id not in (grant.amount_metric, grant.laureates_metric) and not awarded):
                continue
            if claim.quantity.unit == "EUR":  # "600 000 € aux lauréats" is an amount awarded too
                yield from _total(doc, claim, grant, registry)
            elif claim.metric_id == grant.laureates_metric:
                yield from _count(doc, claim, grant, registry, label, ctx.profile.product.id)
                yield from _year_count(doc, claim, grant, registry)
        yield from _deadlines(doc, grant, registry)
        yield from _tables(doc, ctx, grant, registry)


# An amount the sentence says was awarded (« Le FAST a accordé 2,8 M€ aux promos 14 et 15 »): the
# total of the named rounds, though the vocabulary gives it no metric.
_AWARDED = re.compile(r"\b(?:accord|attribu|distribu|octroy|allou|reçu|obtenu)\w*", re.I)
# … to the rounds or their laureates (« aux lauréats », « les promos 14 et 15 », « à la promotion
# 14 »), not to one product (« à Tchap (promotion 14) »).
_TO_LAUREATES = re.compile(r"\b(?:aux|les|des)\s+(?:\w+\s+){0,2}?(?:lauréat|projet|équipe)\w*", re.I)
_ARTICLE_BEFORE = re.compile(r"\b(?:aux|les|des|la)\s+$", re.I)


def _awarded(sentence: str, grant: Grant) -> bool:
    if _AWARDED.search(sentence) is None:
        return False
    if _TO_LAUREATES.search(sentence):
        return True
    return any(_ARTICLE_BEFORE.search(sentence[: m.start()]) for m in grant.named.finditer(sentence))


def _pages(registry: Registry, grant: Grant, rounds: frozenset[int]) -> list[Round] | None:
    pages = [registry.round_page(grant.id, n) for n in sorted(rounds)]
    return [p for p in pages if p is not None] if all(pages) else None


def _rounds_fr(grant: Grant, rounds: frozenset[int]) -> str:
    numbers = sorted(rounds)
    if len(numbers) == 1:
        return f"{grant.label} {numbers[0]}"
    return f"{grant.label} {', '.join(map(str, numbers[:-1]))} et {numbers[-1]}"


def _against_pages(claim: Claim, grant: Grant, rounds: frozenset[int], pages: list[Round] | None,
                   figure: str) -> Iterator[Finding]:  # fmt: skip
    """The claim against the sum of one figure ("total", "selected") of the named rounds' pages,
    when every page states it."""
    said = [getattr(p, figure) for p in pages or []]
    if not pages or any(v is None for v in said):
        return
    if states(claim, Decimal(sum(said))):
        return
    shown = [_fr(v) if figure == "total" else str(v) for v in said]
    sources = " ; ".join(f"{v} ({p.source_path})" for v, p in zip(shown, pages, strict=True))
    yield finding(
        "reference/round-mismatch",
        [claim_evidence(claim)],
        variant="laureates" if figure == "selected" else None,
        said=claim.quantity.raw,
        rounds=_rounds_fr(grant, rounds),
        round_word=grant.round_word,
        sources=sources,
        suggestion={},
    )


def _total(doc: Document, claim: Claim, grant: Grant, registry: Registry) -> Iterator[Finding]:
    rounds = _rounds_of(doc, claim, grant)
    if rounds:
        yield from _against_pages(claim, grant, rounds, _pages(registry, grant, rounds), "total")


def _count(
    doc: Document, claim: Claim, grant: Grant, registry: Registry, label: str, product: str
) -> Iterator[Finding]:
    rounds = _rounds_of(doc, claim, grant)
    if not rounds or claim.quantity.unit not in (None, "count"):
        return
    pages = _pages(registry, grant, rounds)
    if pages and all(p.selected is not None for p in pages):
        yield from _against_pages(claim, grant, rounds, pages, "selected")
        return
    listed: dict[str, set[int]] = {}
    for n in rounds:
        listed.update(laureates(registry, grant, n, product))
    if claim.quantity.qualifier.value != "exact" or claim.quantity.value >= len(listed):
        return  # the registry may lack laureates: more than it lists is no contradiction
    yield finding(
        "reference/round-mismatch",
        [claim_evidence(claim)],
        severity=Severity.warning,
        variant="registry",
        said=claim.quantity.raw,
        rounds=_rounds_fr(grant, rounds),
        count=len(listed),
        registry=label,
        round_word=grant.round_word,
        names=", ".join(sorted(_name(registry, e) for e in listed)),
        suggestion={},
    )


# A text that says a round's total holds more than the laureates' amounts a table lists ("dont
# 150 000 € d'accompagnement", "y compris l'accompagnement", "hors accompagnement").
_INCLUDES = re.compile(r"\b(?:dont|y\s+compris|inclu\w*|hors|en\s+plus|s['’]ajout\w*|compl[ée]t\w*)\b", re.I)
_TOTAL_ROW = re.compile(r"^\W*(?:sous[-\s]?)?total\b", re.I)


def _tables(doc: Document, ctx: Context, grant: Grant, registry: Registry) -> Iterator[Finding]:
    """The amounts of a table of one round's laureates (under a heading naming the round: « ####
    FAST 14 ») against the total on the round's page, when the tables under that round list as many
    laureates as the page says it selected, each with one amount, and nothing says the list is
    partial or the total holds something else."""
    from extractor.checks.arithmetic import grant_round, intro, partial_blocks

    by_round: dict[int, dict[tuple[int, int], list[Claim]]] = {}  # round -> (table, row) -> amounts
    for claim in ctx.claims(doc):
        block = doc.blocks[claim.block]
        if block.kind != BlockKind.table_cell or block.table is None or block.row is None:
            continue
        if claim.metric_id != grant.amount_metric or claim.quantity.unit != "EUR" or claim.quantity.is_delta:
            continue
        number = grant_round(grant, block)
        if number is not None:
            by_round.setdefault(number, {}).setdefault((block.table, block.row), []).append(claim)
    if not by_round:
        return
    in_partial = partial_blocks(doc)
    for number, rows in sorted(by_round.items()):
        page = registry.round_page(grant.id, number)
        if page is None or page.total is None or page.selected is None:
            continue
        tables = {table for table, _ in rows}
        every = [b for b in doc.blocks if b.kind == BlockKind.table_cell and b.table in tables]
        labels = {(b.table, b.row): b.text for b in every if b.col == 0}
        if any(k not in rows and k[1] != 0 and not _TOTAL_ROW.match(t) for k, t in labels.items()):
            continue  # a row below the header with no amount: a laureate the sum would miss
        cells = [b for b in every if (b.table, b.row) in rows]
        laureates = {key: amounts for key, amounts in rows.items() if not _TOTAL_ROW.match(labels.get(key, ""))}
        if len(laureates) != page.selected or any(len(a) != 1 for a in laureates.values()):
            continue  # a partial table, or a row with two amounts (asked and awarded): unsure
        if any(b.id in in_partial for b in cells):
            continue  # "parmi les lauréats", "extrait", "la liste complète"
        around = [b.text for b in cells for b in intro(doc, b)] + _after(doc, cells)
        if any(_INCLUDES.search(text) for text in around):
            continue  # the text says the total holds something the table does not list
        amounts = [a[0] for _, a in sorted(laureates.items())]
        added = sum((c.quantity.value for c in amounts), Decimal(0))
        if added == page.total:
            continue
        yield finding(
            "reference/round-mismatch",
            [claim_evidence(c) for c in amounts],
            variant="table",
            rounds=_rounds_fr(grant, frozenset({number})),
            added=_fr(int(added)) if added == added.to_integral_value() else str(added),
            count=len(amounts),
            total=_fr(page.total),
            round_word=grant.round_word,
            source=page.source_path,
            suggestion={},
        )


def _after(doc: Document, cells: list[Block]) -> list[str]:
    """The paragraphs right after the tables of `cells` (a note under a table), up to the next
    heading or table: two at most after each table."""
    out: list[str] = []
    for table in {b.table for b in cells}:
        last = max(b.id for b in doc.blocks if b.kind == BlockKind.table_cell and b.table == table)
        for block in doc.blocks[last + 1 : last + 3]:
            if block.kind != BlockKind.paragraph:
                break
            out.append(block.text)
    return out


# The year a count of laureates is of, written in its sentence (« En 2023, … », « … en 2023 »),
# not a span (« depuis 2019 », « entre 2020 et 2023 », « de 2020 à 2023 »).
_IN_YEAR = re.compile(r"\b(?:en|au\s+cours\s+de|durant|pendant)\s+(?:l['’]ann[ée]e\s+)?(?P<year>20\d\d)\b", re.I)
# A count of the laureates selected that year (« sélectionné », « retenu », « ont rejoint »), not
# of those supported during it (« accompagnés » includes earlier rounds' laureates).
_SELECTED = re.compile(
    r"\b(?:s[ée]lectionn|retenu|d[ée]sign|distingu|choisi|r[ée]compens|rejoint|nouveaux\s+laur)\w*", re.I
)
_SPAN = re.compile(r"\b(?:depuis|entre|jusqu['’]|à\s+fin|fin)\b|\b20\d\d\s*(?:-|–|à|et)\s*20\d\d\b", re.I)


def _unsure_month(page: Round) -> bool:
    """A round announced in January or December may be counted in either year."""
    return page.date is None or page.date.month in (1, 12)


def _year_count(doc: Document, claim: Claim, grant: Grant, registry: Registry) -> Iterator[Finding]:
    """A count of laureates in a year that names no round (« En 2023, le FAST a sélectionné 20
    lauréats ») against the rounds whose page is dated that year: their pages' sum when every round
    of the year has a page that states its laureates and none is announced at the turn of a year;
    else the rounds surely of that year (announced from February to November) as a lower bound."""
    if claim.quantity.qualifier.value != "exact" or claim.quantity.unit not in (None, "count"):
        return
    if _rounds_of(doc, claim, grant):
        return  # a count of named rounds: _count
    said = claim.sentence
    if not re.search(rf"\b{re.escape(grant.label)}\b", said, re.I) or _SPAN.search(said):
        return
    if not _SELECTED.search(said):
        return  # « le FAST a accompagné 25 lauréats en 2024 »: earlier rounds' laureates too
    years = {int(m.group("year")) for m in _IN_YEAR.finditer(said)}
    if len(years) != 1:
        return
    year = next(iter(years))
    pages = sorted((p for p in registry.rounds.values() if p.grant == grant.id), key=lambda p: p.round)
    of_year = [p for p in pages if p.date is not None and p.date.year == year]
    if not of_year:
        return
    numbers = {p.round for p in pages}
    first, last = of_year[0].round, of_year[-1].round
    before, after = registry.round_page(grant.id, first - 1), registry.round_page(grant.id, last + 1)
    complete = (
        all(n in numbers for n in range(first, last + 1))
        and before is not None and before.date is not None and before.date.year < year
        and after is not None and after.date is not None and after.date.year > year
        and not any(_unsure_month(p) for p in (before, *of_year, after))
        and all(p.selected is not None for p in of_year)
    )  # fmt: skip
    value = claim.quantity.value
    if complete:
        expected = sum(p.selected or 0 for p in of_year)
        if value == expected:
            return
        counted = of_year
    else:
        counted = [p for p in of_year if not _unsure_month(p) and p.selected is not None]
        expected = sum(p.selected or 0 for p in counted)
        if not counted or value >= expected:
            return  # a round of the year without a page, or at the turn of a year: a lower bound only
    yield finding(
        "reference/round-mismatch",
        [claim_evidence(claim)],
        variant="year" if complete else "year-below",
        said=claim.quantity.raw,
        year=year,
        expected=expected,
        round_word=grant.round_word,
        sources=" ; ".join(f"{p.selected} ({p.title}, {p.source_path})" for p in counted),
        suggestion={},
    )


def _deadlines(doc: Document, grant: Grant, registry: Registry) -> Iterator[Finding]:
    """A call's deadline as a report states it ("ouvert à candidature jusqu'au 15 mai 2023") in a
    sentence or under a heading that names one round, against the round's page."""
    pattern = grant.pages.patterns.get("deadline") if grant.pages else None
    if pattern is None:
        return
    from extractor.dates import date_fr, written_date

    for block in doc.blocks:
        for match in pattern.finditer(block.text):
            rounds = grant.rounds_in(block.text) or grant.rounds_in(" ".join(block.heading_path))
            if len(rounds) != 1:
                continue
            page = registry.round_page(grant.id, next(iter(rounds)))
            said = written_date(match.group("day"), match.group("month"), match.group("year"))
            if page is None or page.deadline is None or said is None or said == page.deadline:
                continue
            yield finding(
                "reference/round-mismatch",
                [block_evidence(doc, block, match.start(), match.end())],
                variant="deadline",
                rounds=_rounds_fr(grant, rounds),
                said=date_fr(said),
                round_word=grant.round_word,
                deadline=date_fr(page.deadline),
                source=page.source_path,
                suggestion={},
            )
