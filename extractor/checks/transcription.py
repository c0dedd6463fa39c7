"""A web page against the PDF it transcribes (issue 14, item 6): the page links the file for
download, and most of the file's figures are in the page. Then, slide by slide, each slide is
matched with the page's section that states most of its figures, and within that pair:

- a figure that differs: the same words around it (what it counts) in both, another value;
- a table row dropped or added: two tables that share at least two row labels, and a row label
  of one that the other does not have.

A figure present in one and absent from the other is not reported by itself: pages rewrite
("79 intrapreneurs (dont 11 en 2024)" becomes "en 2024, 11 intrapreneurs"), and a chart drawn as
an image on a slide is a list of figures in its page. A page and its own PDF are one publication:
the `corpus/*` rules never compare them (checks/corpus.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import PurePath as Path  # names only: a rule reads no file
from typing import cast

from extractor.checks import Context, finding, rule
from extractor.claims.compare import tolerance
from extractor.claims.evidence import claim_evidence
from extractor.models import Block, BlockKind, Claim, Document, Evidence, Finding, Severity
from extractor.normalise import fold

MIN_FIGURES = 10  # a file with fewer figures is not compared figure by figure
SHARED_FIGURES = 0.6  # the part of the file's figures the page must state to be its transcription
SECTION_FIGURES = 3  # a slide and a section share at least this many figures (and 60 % of the slide's)
LABEL_SCORE = 90.0  # rapidfuzz token_sort_ratio of the words around two figures: the same label
ROW_SCORE = 85.0  # two row labels this alike are one row

_DIGITS = re.compile(r"[\d\s\u00a0\u202f.,%€+-]+")


def _year(claim: Claim) -> bool:
    from extractor.dates import is_year

    return claim.quantity.unit in (None, "count") and is_year(claim.quantity.value) and claim.quantity.decimals == 0


def _figures(ctx: Context, doc: Document) -> list[Claim]:
    return [c for c in ctx.claims(doc) if not c.derived and not _year(c)]


def _key(claim: Claim) -> tuple[Decimal, str | None]:
    unit = claim.quantity.unit if claim.quantity.unit != "count" else None
    return claim.quantity.value, unit


def _label(doc: Document, claim: Claim) -> str:
    """The words around a figure, without figures: what it counts, compared across the two."""
    from extractor.checks.arithmetic import caption

    text = claim.sentence + " " + caption(doc, claim)
    return " ".join(fold(_DIGITS.sub(" ", text)).split())


def _transcribed(doc: Document, ctx: Context) -> Iterator[Document]:
    """The documents of the corpus this one links for download and transcribes (the run reads
    and analyses them: `ctx.corpus_document`)."""
    from extractor.corpus.index import linked_files

    corpus = ctx.corpus
    assert corpus is not None
    names = set(linked_files(doc))
    if not names:
        return
    by_name = _by_name(corpus.links(), ctx)
    for path in (p for name in sorted(names) for p in by_name.get(name, [])):
        found = ctx.corpus_document(path)
        if found is None or found.document.sha256 == doc.sha256:
            continue  # unreadable (reported when it is checked itself), or the document itself
        yield found.document


def _by_name(links: dict[str, set[str]], ctx: Context) -> dict[str, list[str]]:
    """The corpus's documents by file name (built once per corpus's links map, kept in the run's
    context: a rule keeps no state of its own between runs)."""
    kept = ctx.options.get("transcription.by_name")
    if isinstance(kept, tuple) and kept[0] is links:
        return cast(dict[str, list[str]], kept[1])
    grouped: dict[str, list[str]] = {}
    for path in links:
        grouped.setdefault(path.replace("\\", "/").rsplit("/", 1)[-1], []).append(path)
    ctx.options["transcription.by_name"] = (links, grouped)
    return grouped


@rule("corpus/transcription")
def transcription(doc: Document, ctx: Context) -> Iterator[Finding]:
    if doc.format == "pdf":
        return
    for source in _transcribed(doc, ctx):
        yield from _compare(doc, source, ctx)


def _sections(doc: Document, figures: list[Claim]) -> dict[str, list[Claim]]:
    out: dict[str, list[Claim]] = {}
    for claim in figures:
        block = doc.blocks[claim.block]
        key = str(block.location.page) if doc.format == "pdf" else (block.heading_path[0] if block.heading_path else "")
        out.setdefault(key, []).append(claim)
    return out


def _compare(page: Document, pdf: Document, ctx: Context) -> Iterator[Finding]:
    from rapidfuzz import fuzz

    mine, theirs = _figures(ctx, page), _figures(ctx, pdf)
    values = {_key(c) for c in mine}
    if len(theirs) < MIN_FIGURES or sum(_key(c) in values for c in theirs) < SHARED_FIGURES * len(theirs):
        return  # not its transcription (a link to another report)
    sections = _sections(page, mine)
    for slide, figures in _sections(pdf, theirs).items():
        keys = {_key(c) for c in figures}
        best, shared = None, 0
        for name, claims in sections.items():
            n = len(keys & {_key(c) for c in claims})
            if n > shared:
                best, shared = name, n
        if best is None or shared < max(SECTION_FIGURES, SHARED_FIGURES * len(keys)):
            continue
        section = sections[best]
        labels = [(c, _label(page, c)) for c in section]
        for claim in figures:
            if _key(claim) in values:
                continue  # stated in the page (here or elsewhere)
            label = _label(pdf, claim)
            if len(label) < 12:
                continue  # a bare figure: nothing tells what it counts
            match = max(labels, key=lambda cl: fuzz.token_sort_ratio(label, cl[1]), default=None)
            if match is None or fuzz.token_sort_ratio(label, match[1]) < LABEL_SCORE:
                continue
            other = match[0]
            if _key(other) in keys or other.quantity.unit != claim.quantity.unit:
                continue  # the page's figure is the slide's too: another figure of the same words
            if abs(other.quantity.value - claim.quantity.value) <= max(tolerance(other), tolerance(claim)):
                continue  # the same figure, rounded
            yield finding(
                "corpus/transcription",
                [claim_evidence(other), claim_evidence(claim)],
                written=other.quantity.raw,
                file=Path(pdf.path).name,
                page=claim.location.page,
                transcribed=claim.quantity.raw,
                suggestion={},
            )
        yield from _rows(page, pdf, best, slide)


def _table_rows(doc: Document, keep: str, pdf: bool) -> dict[int, dict[int, str]]:
    """Each table's row labels (its first column), for the blocks of one section or slide."""
    tables: dict[int, dict[int, str]] = {}
    for block in doc.blocks:
        if block.kind != BlockKind.table_cell or block.table is None or block.row is None or block.col != 0:
            continue
        where = str(block.location.page) if pdf else (block.heading_path[0] if block.heading_path else "")
        if where == keep and block.row > 0 and block.text.strip():
            tables.setdefault(block.table, {})[block.row] = block.text.strip()
    return tables


def _rows(page: Document, pdf: Document, section: str, slide: str) -> Iterator[Finding]:
    from rapidfuzz import fuzz

    ours, theirs = _table_rows(page, section, False), _table_rows(pdf, slide, pdf.format == "pdf")
    for their_rows in theirs.values():
        for our_table, our_rows in ours.items():
            alike = [
                (a, b)
                for a in their_rows.values()
                for b in our_rows.values()
                if fuzz.ratio(fold(a), fold(b)) >= ROW_SCORE
            ]
            if len(alike) < 2:
                continue
            for label in their_rows.values():
                if not any(fuzz.ratio(fold(label), fold(b)) >= ROW_SCORE for b in our_rows.values()):
                    yield _row_finding(page, pdf, label, our_table, slide, dropped=True)
            for row, label in our_rows.items():
                if not any(fuzz.ratio(fold(label), fold(a)) >= ROW_SCORE for a in their_rows.values()):
                    yield _row_finding(page, pdf, label, our_table, slide, dropped=False, row=row)


def _row_finding(page: Document, pdf: Document, label: str, table: int, slide: str, *, dropped: bool,
                 row: int | None = None) -> Finding:  # fmt: skip
    cells: list[Block] = [b for b in page.blocks if b.kind == BlockKind.table_cell and b.table == table]
    anchor = next((b for b in cells if row is not None and b.row == row and b.col == 0), cells[0])
    return finding(
        "corpus/transcription",
        [Evidence(location=anchor.location, quote=anchor.text[:160])],
        severity=Severity.warning,
        variant="row-dropped" if dropped else "row-added",
        row=label,
        file=Path(pdf.path).name,
        page=slide,
        suggestion={},
    )
