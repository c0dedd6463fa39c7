"""Grant rounds as reference data (issue 14, item 2): each round's own page (the profile's grant pages:
its number of projects selected, its total, its call's deadline) and the registry's entries that
name the round. A round's page is checked against the registry; a report's laureate count, total
and deadline of named rounds against the rounds' pages, else against the registry.

The registry may lack laureates (an incubator laureate has no startup entry; some entries keep
only their latest award), so it is a lower bound: fewer laureates than it lists is a finding, more
is not; a total is compared with its entries' amounts only when it lists every laureate."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from extractor import profiles
from extractor.checks import Context, finding, rule
from extractor.claims.compare import states
from extractor.evidence import block_evidence, claim_evidence
from extractor.models import Claim, Document, Evidence, Finding, Location, Severity
from extractor.profiles import Grant
from extractor.reference.models import Entity, Round
from extractor.reference.store import Registry


def laureates(registry: Registry, grant: Grant, number: int) -> dict[str, set[int]]:
    """The registry's entries that name the round, each with the amounts it gives for it (empty
    when it gives none)."""
    out: dict[str, set[int]] = {}
    for entity in registry.of_kind(profiles.active().product.id):
        for award in entity.awards:
            if award.grant == grant.id and award.round == number:
                amounts = out.setdefault(entity.id, set())
                if award.amount is not None:
                    amounts.add(award.amount)
    return out


def _page_at(doc: Document, page: Round, name: str) -> Location:
    line = page.lines.get(name, 1)
    return Location(path=doc.path, line=line, column=1, end_line=line, end_column=1)


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
    listed = laureates(registry, grant, page.round)
    label = ctx.profile.registry_label
    words: dict[str, Any] = {"grant": grant.label, "round": page.round, "registry": label}
    words["round_word"] = grant.round_word
    if page.selected is not None and len(listed) > page.selected:
        said = Evidence(
            location=_page_at(doc, page, "selected"), quote=str(page.selected), value=Decimal(page.selected)
        )
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
            if scoped or claim.metric_id not in (grant.amount_metric, grant.laureates_metric):
                continue
            if claim.quantity.unit == "EUR":  # "600 000 € aux lauréats" is an amount awarded too
                yield from _total(doc, claim, grant, registry)
            elif claim.metric_id == grant.laureates_metric:
                yield from _count(doc, claim, grant, registry, label)
        yield from _deadlines(doc, grant, registry)


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


def _count(doc: Document, claim: Claim, grant: Grant, registry: Registry, label: str) -> Iterator[Finding]:
    rounds = _rounds_of(doc, claim, grant)
    if not rounds or claim.quantity.unit not in (None, "count"):
        return
    pages = _pages(registry, grant, rounds)
    if pages and all(p.selected is not None for p in pages):
        yield from _against_pages(claim, grant, rounds, pages, "selected")
        return
    listed: dict[str, set[int]] = {}
    for n in rounds:
        listed.update(laureates(registry, grant, n))
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
