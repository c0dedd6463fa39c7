"""The data model shared by every stage (DESIGN §3).

Everything that crosses a boundary (reader -> checks -> report, CLI, API) is one of these
pydantic v2 models. Offsets (`start`, `end`) are character offsets into `Document.text`, the
repaired text; `Location` always points into the *original* file (original line and column,
or PDF page and bbox), so that a finding can be shown where the user will look for it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar, cast

from pydantic import BaseModel, Field, PrivateAttr, computed_field
from pydantic.json_schema import SkipJsonSchema

from extractor.ingest.textmap import Locator
from extractor.memo import Recent

T = TypeVar("T")


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"

    @property
    def rank(self) -> int:
        return {"info": 1, "warning": 2, "error": 3}[self.value]


class FailOn(StrEnum):
    """The severity from which a run fails (CLI exit code 1, `failed` in the report)."""

    error = "error"
    warning = "warning"
    info = "info"
    never = "never"

    def reached_by(self, findings: list[Finding]) -> bool:
        if self is FailOn.never:
            return False
        threshold = Severity(self.value).rank
        return any(f.severity.rank >= threshold for f in findings)


# The records made by the ten thousand (a figure's claim, its quantity, its location, a block, a
# span) are slotted dataclasses, not pydantic models: a pydantic instance keeps its fields in a
# dictionary (300-460 bytes each) and a set of the fields given; a slotted record keeps 8 bytes a
# field. 64,000 figures in one page took 425 MB, 5.5 KB a figure (issue 25, item 7). pydantic
# still validates and serialises them wherever they cross a boundary (a `Report`, an
# `Extraction`, a request), from the annotations below; built in code, they are not validated.


class BlockKind(StrEnum):
    front_matter = "front_matter"
    heading = "heading"
    paragraph = "paragraph"
    list_item = "list_item"
    table_cell = "table_cell"


class Qualifier(StrEnum):
    exact = "exact"
    lower_bound = "lower_bound"
    upper_bound = "upper_bound"
    approximate = "approximate"


@dataclasses.dataclass(slots=True, kw_only=True, frozen=True)
class Location:
    """A place in the original file. Lines and columns are 1-based; `end_*` is inclusive of the
    last character's line and exclusive of its column (like SARIF's endColumn).

    For PDF documents `line`/`column` count lines and characters in the page's reading-order
    text (what `factcheck ingest` prints for that page), and `page` (1-based) and `bbox`
    (x0, top, x1, bottom in PDF points, origin top-left) give the place on the page.
    """

    path: str
    line: Annotated[int, Field(ge=1)]
    column: Annotated[int, Field(ge=1)]
    end_line: Annotated[int, Field(ge=1)]
    end_column: Annotated[int, Field(ge=1)]
    page: Annotated[int | None, Field(ge=1)] = None
    bbox: tuple[float, float, float, float] | None = None

    def place_fr(self) -> str:
        """Where a person finds it, in French: "ligne 12, colonne 5"; in a PDF, whose lines are
        those of a page, the page first: "page 9, ligne 10 de la page, cadre x 786–937, y 485–523 pt"."""
        if self.page is None:
            return f"ligne {self.line}, colonne {self.column}"
        place = f"page {self.page}, ligne {self.line} de la page"
        if self.bbox is not None:
            x0, top, x1, bottom = self.bbox
            place += f", cadre x {x0:.0f}–{x1:.0f}, y {top:.0f}–{bottom:.0f} pt"
        return place


class Repair(BaseModel):
    """One span changed by the encoding repair: `before` (as in the original file) became `after`.
    `start`/`end` are offsets of `after` in `Document.text`; `orig_start`/`orig_end` are offsets
    of `before` in the decoded original text."""

    location: Location
    before: str
    after: str
    kind: str = "mojibake"
    start: int
    end: int
    orig_start: int
    orig_end: int


@dataclasses.dataclass(slots=True, kw_only=True)
class Span:
    """Inline markup inside a block's text (offsets into `Block.text`): links, bold, italics.
    Link texts and bold texts are where names of services are written."""

    kind: Literal["link", "strong", "em", "code"]
    start: int
    end: int
    href: str | None = None


@dataclasses.dataclass(slots=True, kw_only=True)
class Block:
    """A unit of text with its place in the document's structure."""

    id: int
    kind: BlockKind
    text: str
    location: Location
    start: Annotated[int, Field(description="offset of the block's source in Document.text")]
    end: int
    heading_path: list[str] = dataclasses.field(default_factory=list)
    parent: Annotated[int | None, Field(description="id of the enclosing list item")] = None
    level: Annotated[int | None, Field(description="heading level, or list nesting depth (0 = top)")] = None
    bullet: Annotated[
        str | None, Field(description="a list item's marker as written ('-', '*', '+', '1.'): '+ 38' may be a delta")
    ] = None
    field: Annotated[str | None, Field(description="front-matter key, for front_matter blocks")] = None
    table: Annotated[int | None, Field(description="table number in the document, for table cells")] = None
    row: int | None = None
    col: int | None = None
    row_header: str | None = None
    column_header: str | None = None
    spans: list[Span] = dataclasses.field(default_factory=list)


DocumentFormat = str  # a registered reader's format: "markdown", "text", "html", "pdf", "docx", …


class Document(BaseModel):
    id: str = Field(description="stable id: the first 16 hex digits of the sha256 of the original bytes")
    path: str
    format: DocumentFormat
    encoding: str | None = Field(default=None, description="detected encoding of a text file")
    title: str | None = None
    date: dt.date | None = None
    sha256: str
    text: str = Field(description="the repaired text the blocks point into")
    blocks: list[Block] = Field(default_factory=list)
    repairs: list[Repair] = Field(default_factory=list)
    pages: int | None = None
    repair_explanation: str | None = Field(
        default=None, description="how the text was repaired, e.g. 'UTF-8 lu comme Mac Roman'"
    )
    page_starts: list[int] = Field(
        default_factory=list, description="for paged formats: offset in `text` where each page begins"
    )

    _locator: Locator | None = PrivateAttr(default=None)
    _memo: dict[str, Any] = PrivateAttr(default_factory=dict)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """A value derived from the blocks, computed once per document (blocks do not change
        once read): keeps per-block lookups linear on documents of 100,000 blocks."""
        memo = self._private()["_memo"]
        if key not in memo:
            memo[key] = compute()
        return cast(T, memo[key])

    def _private(self) -> dict[str, Any]:
        """The private attributes, from the dict pydantic keeps them in: reading it directly
        skips BaseModel.__getattr__, which takes 30 times longer (1.8 µs, once per block)."""
        private = self.__pydantic_private__
        assert private is not None  # (the model declares private attributes)
        return private

    def table_cell(self, table: int | None, row: int | None, col: int) -> Block | None:
        """The cell of a table at (row, col), if any."""

        def cells() -> dict[tuple[int, int, int], Block]:
            out: dict[tuple[int, int, int], Block] = {}
            for b in self.blocks:
                if b.table is not None and b.row is not None and b.col is not None:
                    out.setdefault((b.table, b.row, b.col), b)
            return out

        return self.memo("cells", cells).get((table, row, col)) if table is not None and row is not None else None

    def locate(self, start: int, end: int, bbox: tuple[float, float, float, float] | None = None) -> Location:
        """The original-file location of `text[start:end]`."""
        private = self._private()
        loc = private["_locator"]
        if loc is None:
            loc = private["_locator"] = Locator(
                self.text,
                [(r.start, r.end, r.orig_start, r.orig_end, r.before) for r in self.repairs],
                self.page_starts,
            )
        page, line, col = loc.position(start)
        _, end_line, end_col = loc.position(max(start, end), is_end=True)
        end_line = line if end_line == line else end_line  # one int object, not two (many locations)
        return Location(
            path=self.path, line=line, column=col, end_line=end_line, end_column=end_col, page=page, bbox=bbox
        )

    def place(self, block: Block, start: int, end: int) -> Location:
        """The original-file location of `block.text[start:end]`: the k-th occurrence of that text
        in the block's source (k as in the block text), with each block's occurrences of a text
        found once (for the recent ones: not searched from the block's start for each of 2,000
        "1"); else a match that tolerates markup and white space between characters (the block
        text has its Markdown removed); else the block's own location."""
        needle = block.text[start:end]
        k = block.text.count(needle, 0, start) if needle.strip() else 0  # the k-th of the block text
        if needle:
            found = self.memo("occurrences", _recent_occurrences)
            key = (block.id, needle)
            at = found.get(key)
            if at is None:
                at, pos = [], self.text.find(needle, block.start, block.end)
                while pos != -1:
                    at.append(pos)
                    pos = self.text.find(needle, pos + 1, block.end)
                found[key] = at
            if k < len(at):
                return self.locate(at[k], at[k] + len(needle), block.location.bbox)
        span = _markup_span(self.text, block, needle, k)
        return block.location if span is None else self.locate(span[0], span[1], block.location.bbox)

    def block(self, block_id: int) -> Block:
        return self.blocks[block_id]

    def ancestors(self, block: Block) -> list[Block]:
        """The enclosing list items of a block, nearest first."""
        chain: list[Block] = []
        seen: set[int] = set()
        while block.parent is not None and block.parent not in seen:
            seen.add(block.parent)
            block = self.blocks[block.parent]
            chain.append(block)
        return chain


def _recent_occurrences() -> Recent[tuple[int, str], list[int]]:
    return Recent()


_MARKUP = r"(?:[\s*_`\\\[\]]|\]\([^)\s]*\)|<[^>]{0,200}>)*"


def _markup_span(text: str, block: Block, needle: str, k: int) -> tuple[int, int] | None:
    """Offsets in `text` (a document's) of `needle` written with markup and white space between its
    characters: the k-th match in the block's source (the last one if there are fewer)."""
    chars = [c for c in needle if not c.isspace()]
    if not chars or len(chars) > 400:
        return None
    pattern = _MARKUP.join(re.escape(c) for c in chars)
    matches = list(re.finditer(pattern, text[block.start : block.end]))
    if not matches:
        return None
    match = matches[min(k, len(matches) - 1)]
    return block.start + match.start(), block.start + match.end()


@dataclasses.dataclass(slots=True, kw_only=True)
class Quantity:
    value: Decimal
    unit: Annotated[str | None, Field(description="'EUR', '%', 'pt', 'fraction', '/5'; None for a count")] = None
    qualifier: Qualifier = Qualifier.exact
    is_delta: bool = False
    raw: str
    decimals: Annotated[int, Field(description="digits written after the comma (rounding tolerance)")] = 0
    denominator: Annotated[Decimal | None, Field(description="'157 tribunaux sur 168' -> 168")] = None


ClaimKind = Literal["result", "target"]


@dataclasses.dataclass(slots=True, kw_only=True)
class Claim:
    """A number with what it counts (metric), for whom (scope) and when (period)."""

    quantity: Quantity
    metric_text: str
    metric_id: str | None = None
    scope_id: str | None = None
    scope_text: str | None = None
    period: Annotated[str | None, Field(description="'2024', '2024-01', or '2023/2024' for a growth")] = None
    kind: ClaimKind = "result"
    sentence: str
    block: Annotated[int, Field(description="id of the block the number is in")]
    start: Annotated[int, Field(description="offset of the number in the block's text")]
    end: int
    derived: Annotated[
        bool, Field(description="computed from stated figures ('6 nouvelles … rejoignent les 18' -> 24)")
    ] = False
    # Where the figure stands in the original file is found when first asked (`location`, from the
    # document, `source`), or given (`located`): a Location kept for each of 64,000 figures was 120
    # bytes a figure that almost no rule reads (issue 25, item 7).
    source: Annotated[SkipJsonSchema[Document | None], Field(exclude=True)] = dataclasses.field(
        default=None, repr=False, compare=False
    )
    located: Annotated[SkipJsonSchema[Location | None], Field(exclude=True)] = dataclasses.field(
        default=None, repr=False, compare=False
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def location(self) -> Location:
        """The figure's place in the original file (`Document.place` of its block's text)."""
        if self.located is None:
            if self.source is None:
                raise ValueError("a claim with neither its document nor its location")
            self.located = self.source.place(self.source.blocks[self.block], self.start, self.end)
        return self.located


MentionSource = Literal["slug", "site", "name", "gazetteer", "ner"]


class EntityMention(BaseModel):
    """A name in the text, linked to the registry (`entity_id`, e.g. "startup:tchap") when known."""

    text: str
    label: str = Field(description="the mention label of the profile's kind, or spaCy's ORG / PER / LOC / MISC")
    entity_id: str | None = None
    score: float = 1.0
    location: Location
    block: int | None = None
    start: int | None = Field(default=None, description="offset in the block's text")
    end: int | None = None
    source: MentionSource | None = Field(default=None, description="how it was found and linked")
    href: str | None = Field(default=None, description="the link target, for link mentions")


class Evidence(BaseModel):
    location: Location
    quote: str
    value: Decimal | None = None


class Finding(BaseModel):
    rule: str
    severity: Severity
    message_fr: str
    evidence: list[Evidence]
    suggestion: str | None = None
    fingerprint: str = ""
    # What the rule gave `extractor.checks.finding` to render its catalogue templates (issue 25,
    # item 4): the case of the rule (`variant`, None: its `message_fr`) and the arguments. In memory
    # only, for tests and the Python API: reports and caches keep the rendered French.
    variant: SkipJsonSchema[str | None] = Field(default=None, exclude=True, repr=False)
    arguments: SkipJsonSchema[dict[str, Any]] = Field(default_factory=dict, exclude=True, repr=False)


class InputErrorInfo(BaseModel):
    """A file that could not be read: the run goes on, and the error is reported."""

    path: str
    message: str
    hint: str | None = None


class DocumentSummary(BaseModel):
    path: str
    id: str
    format: str
    encoding: str | None = None
    title: str | None = None
    date: dt.date | None = None
    sha256: str
    blocks: int
    repairs: int
    pages: int | None = None


class SkippedRule(BaseModel):
    """A rule that did not run, why, and what to run so that it does (issue 23, item 6)."""

    rule: str
    reason_fr: str = Field(description="what is missing: no registry, no corpus, an engine not installed or broken")
    hint_fr: str = Field(default="", description="the command that installs or repairs what is missing")


class Stats(BaseModel):
    files: int = 0
    documents: int = 0
    errors: int = 0
    findings: dict[str, int] = Field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})
    suppressed: int = Field(default=0, description="findings left out because a baseline lists them")
    ignored: int = Field(default=0, description="findings silenced by inline <!-- factcheck: ... --> comments")
    skipped_rules: list[str] = Field(
        default_factory=list,
        description="rules not run: what they need is missing (no registry, no corpus, an engine); why: `skipped`",
    )
    skipped: list[SkippedRule] = Field(
        default_factory=list, description="the rules not run, each with the reason and the command that fixes it"
    )
    seconds: float = Field(
        default=0.0, description="wall time of the run (the command line: from the start of the process)"
    )


class Extraction(BaseModel):
    """What `factcheck extract` and `POST /api/extract` return for one document."""

    document: DocumentSummary
    claims: list[Claim] = Field(default_factory=list)
    entities: list[EntityMention] = Field(default_factory=list)


class DocumentDetail(BaseModel):
    """What the pipeline read of one document, for the renderers that show the text (HTML): the
    document itself, its claims and its registry-linked names."""

    document: Document
    claims: list[Claim] = Field(default_factory=list)
    entities: list[EntityMention] = Field(default_factory=list)


class Report(BaseModel):
    documents: list[DocumentSummary] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    errors: list[InputErrorInfo] = Field(default_factory=list)
    stats: Stats = Field(default_factory=Stats)
    failed: bool = Field(default=False, description="a finding reaches the --fail-on / fail_on severity")
    details: list[DocumentDetail] = Field(
        default_factory=list, exclude=True, description="the documents as read (kept on request; not serialised)"
    )

    def restricted(self, kept: list[Finding], suppressed: int = 0) -> Report:
        """The same report with only `kept` findings (counts recomputed; `suppressed` added)."""
        stats = self.stats.model_copy(deep=True)
        stats.suppressed += suppressed
        stats.findings = {"error": 0, "warning": 0, "info": 0}
        for finding in kept:
            stats.findings[finding.severity.value] += 1
        return self.model_copy(update={"findings": kept, "stats": stats})


def summarise(doc: Document) -> DocumentSummary:
    return DocumentSummary(
        path=doc.path,
        id=doc.id,
        format=doc.format,
        encoding=doc.encoding,
        title=doc.title,
        date=doc.date,
        sha256=doc.sha256,
        blocks=len(doc.blocks),
        repairs=len(doc.repairs),
        pages=doc.pages,
    )
