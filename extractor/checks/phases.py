"""Registry timelines against the text (issue 14, item 3, in part): a product the text says is "en
accélération" or "pérennisé" in a year, against the registry's phases of that product (the list
item that links its page, or an item under it). The registry's phases with their start dates are
the reference; a phase that starts within a month of the year's bounds is no finding, and a
product whose phases are out of order in the registry (an acceleration that starts after its
consolidation) is left alone: the registry itself is unsure."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from extractor.checks import Context, finding, phrase, rule
from extractor.claims.evidence import block_evidence
from extractor.dates import YEAR
from extractor.models import Block, Document, Finding
from extractor.reference.models import Entity, Phase
from extractor.reference.store import product_slug

MARGIN = dt.timedelta(days=31)
PHASE_MISMATCH = "reference/phase-mismatch"
_YEAR = re.compile(rf"\ben\s+({YEAR})\b")


def _product(doc: Document, block: Block) -> str | None:
    """The product a block speaks of: the product page its own item, or an item above it, links."""
    seen = 0
    current: Block | None = block
    while current is not None and seen < 4:
        for span in current.spans:
            if span.kind == "link" and (slug := product_slug(span.href)):
                return slug
        current = doc.blocks[current.parent] if current.parent is not None else None
        seen += 1
    return None


def _year(doc: Document, block: Block) -> int | None:
    """The year the block speaks of: one its headings name ("… en 2024"), else the document's date's."""
    for heading in reversed(block.heading_path):
        if found := _YEAR.search(heading):
            return int(found.group(1))
    return doc.date.year if doc.date else None


def _ordered(phases: list[Phase], order: list[str]) -> bool:
    dated = sorted((p for p in phases if p.start and p.name in order), key=lambda p: p.start or dt.date.min)
    ranks = [order.index(p.name) for p in dated]
    return ranks == sorted(ranks)


def _phase_in(entity: Entity, day: dt.date) -> Phase | None:
    started = [p for p in entity.phases if p.start and p.start <= day]
    return max(started, key=lambda p: p.start or dt.date.min) if started else None


@rule("reference/phase-mismatch")
def phase_mismatch(doc: Document, ctx: Context) -> Iterator[Finding]:
    registry = ctx.registry
    assert registry is not None
    timeline = ctx.profile.phases
    if timeline is None:
        return
    label = ctx.profile.registry_label
    for block in doc.blocks:
        states = [(s, m) for s in timeline.states if (m := s.pattern.search(block.text))]
        heading = block.heading_path[-1] if block.heading_path and block.kind == "list_item" else ""
        states += [(s, m) for s in timeline.states if s.in_heading and not any(t is s for t, _ in states)
                   and (m := s.pattern.search(heading))]  # fmt: skip
        if not states:
            continue
        slug = _product(doc, block)
        entity = registry.by_slug(slug) if slug else None
        year = _year(doc, block)
        if entity is None or year is None or not _ordered(entity.phases, timeline.order):
            continue
        told_entered = False  # "nouveaux produits lancés en 2024": one finding for the product
        for state, match in states:
            if state.entered and told_entered:
                continue
            said_year = int(match.group("year")) if state.entered else year
            first, last = dt.date(said_year, 1, 1), dt.date(said_year, 12, 31)
            phases = [p for p in entity.phases if p.name in state.phases and p.start]
            if not phases and not any(p.start for p in entity.phases):
                continue  # no dated phase at all: the registry says nothing
            if state.entered:
                if not phases or any(first - MARGIN <= (p.start or first) <= last + MARGIN for p in phases):
                    continue  # no such phase recorded (unsure), or it starts that year
                if state.earlier_only and all((p.start or last) > last for p in phases):
                    continue  # the registry dates it later: it may lag the report, not contradict it
                start = phases[0].start
                said = phrase(PHASE_MISMATCH, "entered", phase=phases[0].name, day=_day(start))
                told_entered = True
                yield _finding(doc, block, match, entity, said_year, label, said)
                continue
            if any((p.start or last) <= last + MARGIN for p in phases):
                later = [p for p in entity.phases if p.start and p.name in state.ended_by and p.start < first - MARGIN]
                if not later:
                    continue  # the registry has it in that state by the end of the year
                ended = later[0]
                said = phrase(PHASE_MISMATCH, "ended", phase=ended.name, day=_day(ended.start))
            else:
                now = _phase_in(entity, last)
                said = (
                    phrase(PHASE_MISMATCH, "current", phase=now.name, day=_day(now.start))
                    if now and now.start
                    else phrase(PHASE_MISMATCH, "undated")
                )
                if phases:
                    said += phrase(PHASE_MISMATCH, "later", phase=phases[0].name, day=_day(phases[0].start))
            yield _finding(doc, block, match, entity, year, label, said)


def _finding(doc: Document, block: Block, match: re.Match[str], entity: Entity, year: int, label: str,
             said: str) -> Finding:  # fmt: skip
    if match.string == block.text:
        evidence = block_evidence(doc, block, match.start(), match.end())
    else:  # said by the heading over the list: the item's link to the product
        link = next((s for s in block.spans if s.kind == "link"), None)
        evidence = block_evidence(doc, block, link.start if link else 0, link.end if link else min(len(block.text), 60))
    return finding(
        PHASE_MISMATCH,
        [evidence],
        name=entity.name,
        written=match.group(0),
        year=year,
        registry=label,
        said=said,
        source=entity.source_path,
        suggestion={},
    )


def _day(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}"


@rule("reference/impact-mismatch")
def impact_mismatch(doc: Document, ctx: Context) -> Iterator[Finding]:
    """A product listed under a heading that says it reached national impact in a year ("Les
    services numériques à impact national en 2024", the list item linking its page), against the
    registry's national-impact events of that product: none at all, or one a year or more older
    (a product already at national impact is not new that year). The registry dates the events
    when a bilan announces them, after the year: a later event is no contradiction."""
    registry = ctx.registry
    assert registry is not None
    timeline = ctx.profile.phases
    milestone = timeline.national_impact if timeline else None
    if milestone is None:
        return
    label = ctx.profile.registry_label
    for block in doc.blocks:
        if block.kind != "list_item" or block.level != 0 or not block.heading_path:
            continue
        heading = block.heading_path[-1]
        year = _YEAR.search(heading)
        if not milestone.pattern.search(heading) or year is None:
            continue
        link = next((s for s in block.spans if s.kind == "link" and product_slug(s.href)), None)
        entity = registry.by_slug(product_slug(link.href) or "") if link else None
        if link is None or entity is None:
            continue
        first = dt.date(int(year.group(1)), 1, 1)
        if entity.national_impact and min(entity.national_impact) >= first - MARGIN:
            continue
        yield finding(
            "reference/impact-mismatch",
            [block_evidence(doc, block, link.start, link.end)],
            variant="earlier" if entity.national_impact else None,
            name=entity.name,
            milestone=milestone.label,
            year=year.group(1),
            registry=label,
            day=_day(min(entity.national_impact)) if entity.national_impact else None,
            source=entity.source_path,
            suggestion={},
        )
