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

from extractor.checks import Context, finding, phrase, rule
from extractor.checks.arithmetic import fr
from extractor.claims import vocabulary
from extractor.claims.compare import comparable, tolerance
from extractor.claims.evidence import claim_evidence
from extractor.claims.resolve import publisher_scope
from extractor.corpus.index import IndexedClaim
from extractor.dates import period_fr
from extractor.models import Claim, Document, Evidence, Finding, Qualifier, Severity

APPROXIMATE = Decimal("0.10")  # "près de", "environ": within 10 %


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


@rule("corpus/conflicting-value")
def conflicting_value(doc: Document, ctx: Context) -> Iterator[Finding]:
    """One finding per figure that disagrees with the other publications stating it: the figure
    of the minority (or, on a tie, of the first document by path) lists every document that states
    the figure otherwise. A web page and a file it links to (the PDF it transcribes) are one
    publication; a figure the document's own figures imply ("6 + 18") is a statement too."""
    corpus = ctx.corpus
    assert corpus is not None
    subjects = ctx.registry if ctx.registry is not None and hasattr(ctx.registry, "entity_at") else None
    own = [c for c in ctx.claims(doc) if c.metric_id and comparable(doc, c, subjects, publisher_scope())]
    links = corpus.links()
    mine = _linked_names(doc)
    indexed = any(path == doc.path for path in links)  # the document is one of the corpus's
    # The same figure stated again (on five slides of a deck): one statement, at all its places.
    repeats: dict[tuple[object, ...], list[Claim]] = {}
    for claim in own:
        if not claim.derived:
            repeats.setdefault(_statement(claim), []).append(claim)
    for claim in own:
        metric = vocabulary.by_id(claim.metric_id or "")
        if metric is None or claim.derived or repeats[_statement(claim)][0] is not claim:
            continue
        by_document: dict[str, list[IndexedClaim]] = {}
        for other in corpus.lookup(claim.metric_id or "", claim.scope_id, neighbours(claim.period or "", metric.kind)):
            if other.sha256 == doc.sha256 or other.path == doc.path:
                continue  # the document itself: its own figures are read from it, not from the index
            if _one_publication(doc.path, mine, other.path, links):
                continue
            if (
                other.kind == "result"
                and other.unit == claim.quantity.unit
                and compatible(claim.period, other.period, metric.kind)
            ):
                by_document.setdefault(other.path, []).append(other)
        implied = [_as_indexed(doc, c) for c in own if c.derived and _same_key(c, claim, metric.kind)]
        if implied:
            by_document[doc.path] = implied  # "près de 20" against the 6 + 18 its own text states
        agreeing, disagreeing = 1, {}
        for path, statements in by_document.items():
            if any(_agrees(claim, o) for o in statements):
                agreeing += 1
                continue
            # A figure this document states too is a breakdown or a second reading of the same
            # table (the ETPT lines), not a contradiction.
            siblings = [c for c in own if c is not claim and not c.derived and _same_key(c, claim, metric.kind)]
            if any(_agrees(c, o) for o in statements for c in siblings):
                continue
            disagreeing[path] = statements[0]
        if not disagreeing or agreeing > len(disagreeing):
            continue  # no conflict, or this figure is the majority's: the others' findings say it
        if agreeing == len(disagreeing) and indexed and doc.path > min(disagreeing):
            continue  # a tie between two published documents: reported once, on the first
        yield _finding(repeats[_statement(claim)], list(disagreeing.values()), metric.label)


def _statement(claim: Claim) -> tuple[object, ...]:
    """What makes two claims of one document the same statement of a figure."""
    q = claim.quantity
    return (claim.metric_id, claim.scope_id, claim.period, q.unit, q.value, q.qualifier)


def _linked_names(doc: Document) -> set[str]:
    from extractor.corpus.index import linked_files

    return set(linked_files(doc))


def _one_publication(path: str, links_here: set[str], other: str, links: dict[str, set[str]]) -> bool:
    """Whether a document and another are one publication: one links to the other's file."""
    name, other_name = path.replace("\\", "/").rsplit("/", 1)[-1], other.replace("\\", "/").rsplit("/", 1)[-1]
    return other_name in links_here or name in links.get(other, set())


def _as_indexed(doc: Document, claim: Claim) -> IndexedClaim:
    q = claim.quantity
    return IndexedClaim(
        path=doc.path, sha256=doc.sha256, metric_id=claim.metric_id or "", scope_id=claim.scope_id,
        period=claim.period, value=q.value, unit=q.unit, qualifier=q.qualifier, decimals=q.decimals,
        kind=claim.kind, raw=q.raw, location=claim.location, quote=claim.sentence[:200], derived=claim.derived,
        tolerance=tolerance(claim),
    )  # fmt: skip


def _agrees(claim: Claim, other: IndexedClaim) -> bool:
    q = claim.quantity
    return agree(q.value, q.qualifier, tolerance(claim), other.value, other.qualifier, other.tolerance)


def _same_key(a: Claim, b: Claim, kind: str) -> bool:
    return (
        a.metric_id == b.metric_id
        and a.scope_id == b.scope_id
        and a.quantity.unit == b.quantity.unit
        and compatible(a.period, b.period, kind)
    )


CONFLICTING_VALUE = "corpus/conflicting-value"


def _finding(places: list[Claim], others: list[IndexedClaim], label: str) -> Finding:
    """One finding for a figure the document states at `places` (the first is the one compared)
    and the other documents' statements it disagrees with."""
    claim = places[0]
    q = claim.quantity
    pages = [c.location.page for c in places]
    slides = all(pages) and len(set(pages)) == len(pages)  # a deck: one slide each
    where = sorted({(c.location.page if slides else c.location.line) or 0 for c in places})
    certain = q.qualifier == Qualifier.exact and all(o.qualifier == Qualifier.exact for o in others)
    said = [
        phrase(
            CONFLICTING_VALUE,
            "derived" if other.derived else "other",
            path=other.path,
            value=phrase(CONFLICTING_VALUE, other.qualifier.value, value=fr(other.value, other.unit)),
            raw=other.raw,
        )
        for other in others
    ]
    return finding(
        CONFLICTING_VALUE,
        [
            *(claim_evidence(c) for c in places),
            *(Evidence(location=o.location, quote=o.quote[:160], value=o.value) for o in others),
        ],
        severity=Severity.error if certain else Severity.warning,
        metric=label,
        scope=claim.scope_text or (claim.scope_id or "").split(":", 1)[-1],
        period=period_fr(claim.period),
        value=phrase(CONFLICTING_VALUE, q.qualifier.value, value=fr(q.value, q.unit)),
        places=phrase(CONFLICTING_VALUE, "pages" if slides else "places", n=len(places), at=", ".join(map(str, where)))
        if len(places) > 1
        else "",
        others=" ; ".join(said),
        suggestion={},
    )


@rule("corpus/stock-flow")
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
        yield finding(
            "corpus/stock-flow",
            [
                claim_evidence(claim),
                Evidence(location=start.location, quote=start.quote[:160], value=start.value),
                Evidence(location=new.location, quote=new.quote[:160], value=new.value),
            ],
            variant="derived" if start.derived else None,
            start=start.value,
            start_raw=start.raw,
            start_period=period_fr(start.period),
            start_path=start.path,
            new=new.value,
            year=previous,
            new_path=new.path,
            expected=expected,
            stated=claim.quantity.value,
            period=period_fr(claim.period),
            suggestion={},
        )


def _same_date(a: str, b: str) -> bool:
    if len(a) == len(b):
        return a == b
    return a[:4] == b[:4]  # a year and a month: the year decides


@rule("corpus/conflicting-date")
def conflicting_date(doc: Document, ctx: Context) -> Iterator[Finding]:
    """One finding per event the document dates (or attributes) otherwise than other publications:
    it lists every one of them. Between published documents, one finding per disagreement: the
    document of the minority reports it (on a tie, the first by path), not each side."""
    corpus = ctx.corpus
    assert corpus is not None
    indexed = any(path == doc.path for path in corpus.links())
    seen: set[str] = set()
    for event in ctx.events(doc):
        if event.key in seen:
            continue  # the same event dated again in the document: one statement
        seen.add(event.key)
        agreeing, differing = 1, {}
        for other in corpus.events(event.key):
            if other.sha256 == doc.sha256 or other.path == doc.path or other.path in differing:
                continue
            if _same_date(event.date, other.date) and not _different_subjects(ctx, event.subject, other.subject):
                agreeing += 1
            else:
                differing[other.path] = other
        if not differing:
            continue
        if indexed and agreeing > len(differing):
            continue  # the others are the minority: their findings say it
        if indexed and agreeing == len(differing) and doc.path > min(differing):
            continue  # a tie between published documents: reported once, on the first
        others = list(differing.values())
        yield finding(
            "corpus/conflicting-date",
            [Evidence(location=event.location, quote=event.quote)]
            + [Evidence(location=o.location, quote=o.quote) for o in others],
            event=event.label,
            here=_dated(event.date, event.subject),
            others=" ; ".join(
                phrase("corpus/conflicting-date", "other", path=o.path, there=_dated(o.date, o.subject)) for o in others
            ),
            suggestion={},
        )


def _dated(date: str, subject: str | None) -> str:
    """An event's date as a message says it, with its subject when it has one."""
    if subject:
        return phrase("corpus/conflicting-date", "dated-subject", date=period_fr(date), subject=subject)
    return period_fr(date)


def _different_subjects(ctx: Context, a: str | None, b: str | None) -> bool:
    """Different only when both are named and the registry says they are two services (a renamed
    service is one: Réso and Place des entreprises are both conseillers-entreprises)."""
    if not a or not b or ctx.registry is None:
        return False
    slug_a = ctx.registry.slug_for(a) or ctx.registry.closest_product(a)
    slug_b = ctx.registry.slug_for(b) or ctx.registry.closest_product(b)
    return slug_a is not None and slug_b is not None and slug_a != slug_b
