"""Corpus rules: a figure against the same figure in the other published documents.

Two claims are the same figure when they have the same metric, the same scope and compatible
periods: a flow (what happened in 2023) compares with the same period only; a stock (a level at
a date) compares with the same month, or the month next to it ("en janvier 2024" and a press
release dated February 2024). Qualifiers are respected: "plus de 400 000" agrees with 598 808;
"près de 20" agrees within 10 % ("près de 20" and 24 do not).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from extractor.checks import Context, rule
from extractor.checks.arithmetic import fr, tolerance
from extractor.claims import vocabulary
from extractor.corpus.index import IndexedClaim
from extractor.evidence import claim_evidence
from extractor.models import Claim, Document, Evidence, Finding, Qualifier, Severity

APPROXIMATE = Decimal("0.10")  # "près de", "environ": within 10 %


_MONTH_NAMES = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                "novembre", "décembre"]  # fmt: skip


def period_fr(period: str | None) -> str:
    """'2025-01' -> 'janvier 2025'; '2024' -> '2024'."""
    months = _months(period or "")
    if months is None:
        return period or "?"
    year, month = divmod(months - 1, 12)
    return f"{_MONTH_NAMES[month]} {year}"


def _months(period: str) -> int | None:
    parts = period.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]) * 12 + int(parts[1])


def neighbours(period: str, kind: str) -> list[str]:
    """The periods a figure of this period compares with (see `compatible`)."""
    months = _months(period)
    if kind != "stock" or months is None:
        return [period]
    out = []
    for m in (months - 1, months, months + 1):
        year, month = divmod(m - 1, 12)
        out.append(f"{year}-{month + 1:02d}")
    return out


def compatible(a: str | None, b: str | None, kind: str) -> bool:
    if not a or not b or "/" in a or "/" in b:
        return False
    if a == b:
        return True
    if kind == "stock":
        ma, mb = _months(a), _months(b)
        return ma is not None and mb is not None and abs(ma - mb) <= 1
    return False


def _half_unit(value: Decimal, decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals) / 2


def agree(a_value: Decimal, a_q: Qualifier, a_tol: Decimal, b_value: Decimal, b_q: Qualifier, b_tol: Decimal) -> bool:
    """Whether two statements of one figure can both be true."""
    exact = {Qualifier.exact}
    if a_q == Qualifier.approximate or b_q == Qualifier.approximate:
        approx, other = (a_value, b_value) if a_q == Qualifier.approximate else (b_value, a_value)
        return abs(other - approx) <= APPROXIMATE * max(abs(approx), abs(other))
    if a_q == Qualifier.lower_bound and b_q in exact:
        return b_value >= a_value - a_tol
    if b_q == Qualifier.lower_bound and a_q in exact:
        return a_value >= b_value - b_tol
    if a_q == Qualifier.upper_bound and b_q in exact:
        return b_value <= a_value + a_tol
    if b_q == Qualifier.upper_bound and a_q in exact:
        return a_value <= b_value + b_tol
    if a_q in exact and b_q in exact:
        return abs(a_value - b_value) <= max(a_tol, b_tol)
    return True  # two bounds: nothing certain to compare


def _words(q: Qualifier) -> str:
    return {"lower_bound": "plus de ", "upper_bound": "moins de ", "approximate": "près de "}.get(q.value, "")


@rule(
    "corpus/conflicting-value",
    Severity.error,
    "Chiffre contredit par une autre publication",
    "Un chiffre (même indicateur, même périmètre, même période) a une autre valeur dans un document publié, ou "
    "contredit ce que les chiffres du document lui-même impliquent.",
    needs=("corpus",),
)
def conflicting_value(doc: Document, ctx: Context) -> Iterator[Finding]:
    corpus = ctx.corpus
    assert corpus is not None
    own = [c for c in ctx.claims(doc) if c.metric_id and not c.quantity.is_delta and c.kind == "result" and c.period]
    for claim in own:
        metric = vocabulary.by_id(claim.metric_id or "")
        if metric is None:
            continue
        others = []
        for other in corpus.lookup(claim.metric_id or "", claim.scope_id, neighbours(claim.period or "", metric.kind)):
            if (other.sha256 == doc.sha256 or other.path == doc.path) and (claim.derived or not other.derived):
                # A document never conflicts with itself, except with what its own figures imply:
                # "près de 20" against the 6 + 18 = 24 its text adds up to.
                continue
            same_unit = other.kind == "result" and other.unit == claim.quantity.unit
            if same_unit and compatible(claim.period, other.period, metric.kind):
                others.append(other)
        for other in others:
            if _agrees(claim, other):
                continue
            # A figure the other publication also states, or one this document states too, is a
            # breakdown or a second reading of the same table (the ETPT lines, a PDF and its
            # transcription), not a contradiction: both must say something the other does not.
            if any(_agrees(claim, o) for o in others if o.path == other.path and o.sha256 == other.sha256):
                continue
            if any(
                _agrees(mine, other)
                for mine in own
                if mine is not claim and not mine.derived and _same_key(mine, claim, metric.kind)
            ):
                continue
            yield _finding(claim, other, metric.label)


def _agrees(claim: Claim, other: IndexedClaim) -> bool:
    q = claim.quantity
    return agree(q.value, q.qualifier, tolerance(claim), other.value, other.qualifier,
                 _half_unit(other.value, other.decimals))  # fmt: skip


def _same_key(a: Claim, b: Claim, kind: str) -> bool:
    return (
        a.metric_id == b.metric_id
        and a.scope_id == b.scope_id
        and a.quantity.unit == b.quantity.unit
        and compatible(a.period, b.period, kind)
    )


def _finding(claim: Claim, other: IndexedClaim, label: str) -> Finding:
    q = claim.quantity
    certain = q.qualifier == Qualifier.exact and other.qualifier == Qualifier.exact
    scope = claim.scope_text or (claim.scope_id or "").removeprefix("programme:")
    here = f"{_words(q.qualifier)}{fr(q.value, q.unit)}"
    there = f"{_words(other.qualifier)}{fr(other.value, other.unit)}"
    if other.derived:
        there += f" ({other.raw}, d'après ses propres chiffres)"
    return Finding(
        rule="corpus/conflicting-value",
        severity=Severity.error if certain else Severity.warning,
        message_fr=(
            f"« {label} » ({scope}, {period_fr(claim.period)}) : ce document dit {here}, {other.path} dit {there}."
        ),
        evidence=[
            claim_evidence(claim),
            Evidence(location=other.location, quote=other.quote[:160], value=other.value),
        ],
        suggestion="Vérifier lequel des deux chiffres est juste, et corriger l'autre.",
    )


@rule(
    "corpus/stock-flow",
    Severity.warning,
    "Stock, flux et nouveau stock incohérents",
    "Le stock du début d'une année plus les nouveaux éléments de l'année ne donnent pas le stock annoncé au début "
    "de l'année suivante (d'après l'ensemble des documents publiés).",
    needs=("corpus",),
)
def stock_flow(doc: Document, ctx: Context) -> Iterator[Finding]:
    corpus = ctx.corpus
    assert corpus is not None
    flows = {m.adds_to: m for m in vocabulary.metrics() if m.adds_to}
    for claim in ctx.claims(doc):
        flow_metric = flows.get(claim.metric_id or "")
        month = _months(claim.period or "")
        if flow_metric is None or month is None or claim.quantity.qualifier != Qualifier.exact or claim.derived:
            continue
        year, in_year = divmod(month - 1, 12)
        if in_year > 1:
            continue  # only a stock at the start of a year follows from the year before
        previous = str(year - 1)
        starts = [c for c in corpus.lookup(claim.metric_id, claim.scope_id)  # type: ignore[arg-type]
                  if (m := _months(c.period or "")) is not None and divmod(m - 1, 12) in ((year - 1, 0), (year - 1, 1))
                  and c.qualifier == Qualifier.exact]  # fmt: skip
        added = {c.value: c for c in corpus.lookup(flow_metric.id, claim.scope_id)
                 if c.period == previous and c.kind == "result" and c.qualifier == Qualifier.exact}  # fmt: skip
        if len({c.value for c in starts}) != 1 or len(added) != 1:
            continue  # no single statement of the start stock or of the flow: nothing certain to add up
        start, new = starts[0], next(iter(added.values()))
        expected = start.value + new.value
        if abs(expected - claim.quantity.value) <= tolerance(claim):
            continue
        origin = f" ({start.raw})" if start.derived else ""
        yield Finding(
            rule="corpus/stock-flow",
            severity=Severity.warning,
            message_fr=(
                f"{start.value}{origin} en {period_fr(start.period)} ({start.path}) + {new.value} nouveaux en "
                f"{previous} ({new.path}) = {expected}, mais ce document annonce {claim.quantity.value} en "
                f"{period_fr(claim.period)}."
            ),
            evidence=[
                claim_evidence(claim),
                Evidence(location=start.location, quote=start.quote[:160], value=start.value),
                Evidence(location=new.location, quote=new.quote[:160], value=new.value),
            ],
            suggestion="Vérifier le stock annoncé, ou les entrées de l'année.",
        )


def _same_date(a: str, b: str) -> bool:
    if len(a) == len(b):
        return a == b
    return a[:4] == b[:4]  # a year and a month: the year decides


@rule(
    "corpus/conflicting-date",
    Severity.error,
    "Date ou sujet d'un événement contredit par une autre publication",
    "Un même événement (une « première », le début du FAST) a une autre date, ou un autre sujet, dans un document "
    "publié.",
    needs=("corpus",),
)
def conflicting_date(doc: Document, ctx: Context) -> Iterator[Finding]:
    from extractor.claims.events import extract_events

    corpus = ctx.corpus
    assert corpus is not None
    for event in extract_events(doc):
        reported: set[str] = set()
        for other in corpus.events(event.key):
            if other.sha256 == doc.sha256 or other.path == doc.path or other.path in reported:
                continue
            dates_differ = not _same_date(event.date, other.date)
            subjects_differ = _different_subjects(ctx, event.subject, other.subject)
            if not dates_differ and not subjects_differ:
                continue
            reported.add(other.path)
            here = f"{period_fr(event.date)}" + (f" ({event.subject})" if event.subject else "")
            there = f"{period_fr(other.date)}" + (f" ({other.subject})" if other.subject else "")
            yield Finding(
                rule="corpus/conflicting-date",
                severity=Severity.error,
                message_fr=f"« {event.label} » : ce document dit {here}, {other.path} dit {there}.",
                evidence=[
                    Evidence(location=event.location, quote=event.quote),
                    Evidence(location=other.location, quote=other.quote),
                ],
                suggestion="Vérifier la date (et le sujet) de l'événement dans les deux publications.",
            )


def _different_subjects(ctx: Context, a: str | None, b: str | None) -> bool:
    """Different only when both are named and the registry says they are two services (a renamed
    service is one: Réso and Place des entreprises are both conseillers-entreprises)."""
    if not a or not b or ctx.registry is None:
        return False
    slug_a = ctx.registry.slug_for(a) or ctx.registry.closest_startup(a)
    slug_b = ctx.registry.slug_for(b) or ctx.registry.closest_startup(b)
    return slug_a is not None and slug_b is not None and slug_a != slug_b
