"""Percentages against the values they come from.

- a growth rate ("+47 % d'utilisateurs actifs" under "En 2024") against the same metric and scope
  in the two periods it compares (190 000 -> 279 500 is +47,1 %);
- a share of whole people ("17,4 %" of "25" EIG recruited) that no whole number of people gives
  (a GRIM test: 4/25 = 16 %, 5/25 = 20 %). The vocabulary says which count a share is of.

A stated percentage agrees when it is within half a unit of its last digit, plus half a point
for authors who truncate rather than round (+76 % for +76,8 %).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterator
from decimal import Decimal

from extractor.checks import Context, finding, rule
from extractor.checks.arithmetic import fr
from extractor.checks.shares import shares
from extractor.claims import vocabulary
from extractor.claims.evidence import claim_evidence
from extractor.models import Claim, Document, Finding, Qualifier

TRUNCATION = Decimal("0.5")


def _tolerance(claim: Claim, truncation: Decimal = TRUNCATION) -> Decimal:
    return Decimal(1).scaleb(-claim.quantity.decimals) / 2 + truncation


def _pct(value: Decimal) -> str:
    return fr(value.quantize(Decimal("0.1")), "%")


@rule("arithmetic/percentage-mismatch")
def percentage_mismatch(doc: Document, ctx: Context) -> Iterator[Finding]:
    claims = ctx.claims(doc)
    said: set[tuple[str, int | None, int, int]] = set()  # the figures already reported: one finding each
    for found in [*_growth(claims), *_grim(claims), *shares(doc, claims)]:
        at = found.evidence[0].location
        key = (at.path, at.page, at.line, at.column)
        if key in said:
            continue
        said.add(key)
        yield found


def _by(claims: list[Claim], key: Callable[[Claim], Hashable | None]) -> dict[Hashable, list[Claim]]:
    """The claims grouped by `key` (None: left out), each group in document order: the rules look
    a figure's related figures up there, not in every claim of the document for each figure."""
    groups: dict[Hashable, list[Claim]] = {}
    for claim in claims:
        found = key(claim)
        if found is not None:
            groups.setdefault(found, []).append(claim)
    return groups


def _growth(claims: list[Claim]) -> Iterator[Finding]:
    values = _by(claims, lambda c: None if c.quantity.is_delta or c.quantity.unit == "%"
                 else (c.metric_id, c.scope_id, c.period))  # fmt: skip
    for rate in claims:
        q = rate.quantity
        if not (q.is_delta and q.unit == "%" and rate.metric_id and rate.period and "/" in rate.period):
            continue
        before, after = rate.period.split("/")
        old = values.get((rate.metric_id, rate.scope_id, before), [])
        new = values.get((rate.metric_id, rate.scope_id, after), [])
        if len(old) != 1 or len(new) != 1 or not old[0].quantity.value:
            continue
        if {old[0].quantity.qualifier, new[0].quantity.qualifier} != {Qualifier.exact}:
            continue  # "Plus 400 000" -> 598 808: a bound gives no exact rate to compare with
        computed = (new[0].quantity.value - old[0].quantity.value) / old[0].quantity.value * 100
        if abs(computed - q.value) <= _tolerance(rate):
            continue
        yield finding(
            "arithmetic/percentage-mismatch",
            [claim_evidence(rate), claim_evidence(old[0]), claim_evidence(new[0])],
            stated=_pct(q.value),
            old=fr(old[0].quantity.value, old[0].quantity.unit),
            before=before,
            new=fr(new[0].quantity.value, new[0].quantity.unit),
            after=after,
            computed=("+" if computed >= 0 else "") + _pct(computed),
            suggestion={},
        )


def _grim(claims: list[Claim]) -> Iterator[Finding]:
    counts = _by(claims, lambda c: None if c.kind != "result" or c.quantity.is_delta
                 else (c.metric_id, c.period, c.scope_id))  # fmt: skip
    for share in claims:
        metric = vocabulary.by_id(share.metric_id) if share.metric_id else None
        if metric is None or metric.share_of is None or share.kind != "result" or share.quantity.unit != "%":
            continue
        bases = counts.get((metric.share_of, share.period, share.scope_id), [])
        if len(bases) != 1:
            continue
        n = bases[0].quantity.value
        if n <= 0 or n != n.to_integral_value() or n > 10_000:
            continue
        p = share.quantity.value
        half = Decimal(1).scaleb(-share.quantity.decimals) / 2  # a share is rounded, not truncated
        low = math.floor(p * n / 100)
        options = [Decimal(k) * 100 / n for k in (low, low + 1)]
        if any(abs(o - p) <= half for o in options):
            continue
        people = int(n)
        shown = ", ".join(f"{k}/{people} = {_pct(o)}" for k, o in zip((low, low + 1), options, strict=True))
        yield finding(
            "arithmetic/percentage-mismatch",
            [claim_evidence(share), claim_evidence(bases[0])],
            variant="share",
            share=_pct(p).replace(",0", ""),
            people=people,
            options=shown,
            suggestion={},
        )
