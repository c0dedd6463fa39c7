"""Counts of structures created in a year against the registry (issue 27, class 4, second half): « 3
incubateurs créés en 2024 », « création de 4 incubateurs en 2022 » against the registry's entries
of that kind whose page states the year they started (the kind's `created` patterns, read when the
registry is imported: `Entity.created`).

The registry is a lower bound of the structures created in a year: a closed incubator's page is
removed from the site, and a page may state no date (or two, which dates nothing). So a stated
count BELOW the number of entries the registry dates to that year contradicts it, whatever the
undated entries are; a count above it is no finding (the missing ones may be the undated or
removed ones)."""

from __future__ import annotations

from collections.abc import Iterator

from extractor.checks import Context, finding, rule
from extractor.claims.evidence import block_evidence
from extractor.claims.numbers import TEEN_WORDS, UNIT_WORDS
from extractor.models import Document, Finding

HOSTS_CREATED = "reference/hosts-created"
_SKIPPED = ("front_matter",)


def _count(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return {**UNIT_WORDS, **TEEN_WORDS}.get(word.casefold())


@rule(HOSTS_CREATED)
def hosts_created(doc: Document, ctx: Context) -> Iterator[Finding]:
    """A count of structures created in a year, below the registry's entries dated to that year."""
    registry = ctx.registry
    assert registry is not None
    for kind in ctx.profile.layout.kinds:
        if not kind.created_count or not kind.created:
            continue
        entries = registry.of_kind(kind.id)
        if not any(e.created is not None for e in entries):
            continue  # the registry dates none: it says nothing of any year
        # "plus de 3 incubateurs créés en 2024", "près de 3": a count that is not exact is no contradiction
        inexact = {(c.block, c.start) for c in ctx.claims(doc) if c.quantity.qualifier.value != "exact"}
        for block in doc.blocks:
            if block.kind in _SKIPPED:
                continue
            for pattern in kind.created_count_patterns:
                for match in pattern.finditer(block.text):
                    count, year = _count(match.group("count")), int(match.group("year"))
                    dated = sorted((e for e in entries if e.created == year), key=lambda e: e.name)
                    if count is None or count >= len(dated) or (block.id, match.start("count")) in inexact:
                        continue
                    yield finding(
                        HOSTS_CREATED,
                        [block_evidence(doc, block, match.start(), match.end())],
                        said=match.group("count"),
                        plural=kind.plural,
                        year=year,
                        dated=len(dated),
                        names=", ".join(f"{e.name} ({e.source_path})" for e in dated),
                        registry=ctx.profile.registry_label,
                        suggestion={"plural_one": kind.label},
                    )
