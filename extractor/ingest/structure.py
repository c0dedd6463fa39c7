"""Building blocks: every reader turns its format's structure into `Block`s through this builder,
so that heading paths, list parents, table headers and locations are computed one way."""

from __future__ import annotations

import re
from dataclasses import replace

from extractor.errors import InputError
from extractor.ingest import limits
from extractor.models import Block, BlockKind, Document, Span

_WS = re.compile(r"[ \t\r\n\f\v]+")
# A paragraph of a real report is under 1,000 characters. Longer ones (a 10 MB single line) are cut
# at sentence ends into blocks of at most this size, so that the work per block stays bounded and
# a document costs time in proportion to its length.
MAX_BLOCK_CHARS = limits.MAX_BLOCK_CHARS
_HAS_CONTENT = re.compile(r"\w")


def french_count(count: int) -> str:
    """1234567 -> "1 234 567" (a space between groups of three, as French writes them)."""
    return f"{count:,}".replace(",", " ")


def too_many_cells(path: str, count: int | None = None) -> InputError:
    """The error of a document whose tables hold more than MAX_TABLE_CELLS cells (`count` when
    known; a reader that stops at the limit says "plus de")."""
    limit = french_count(limits.MAX_TABLE_CELLS)
    what = f"{french_count(count)} cellules" if count is not None else f"plus de {limit} cellules"
    return InputError(
        path,
        f"tableaux de {what} : au-delà de la limite de {limit} cellules par document ; le document n'est pas vérifié",
        "publier les données du tableau à part, en fichier CSV, ou découper le document",
        code="too_complex",
    )


def normalize_ws(text: str) -> str:
    """Collapses runs of ordinary white space; keeps U+00A0 and U+202F, which are thousands
    separators in French numbers."""
    return _WS.sub(" ", text).strip()


class BlockBuilder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._headings: list[tuple[int, str]] = []
        self._path: list[str] | None = None  # heading_path, until the headings change
        self._tables = 0
        self._cells = 0

    def new_table(self) -> int:
        """A document-wide table number (1-based), shared by all the readers of one document."""
        self._tables += 1
        return self._tables

    @property
    def current_level(self) -> int:
        """Level of the innermost open heading (0 at the top of the document)."""
        return self._headings[-1][0] if self._headings else 0

    @property
    def heading_path(self) -> list[str]:
        """The open headings' texts: one list for the blocks under the same headings (a block
        never changes it; a page of 32,000 paragraphs kept 32,000 copies)."""
        if self._path is None:
            self._path = [text for _, text in self._headings]
        return self._path

    def heading(self, level: int, text: str, start: int, end: int, spans: list[Span] | None = None) -> Block | None:
        text = normalize_ws(text)
        if not _HAS_CONTENT.search(text):
            return None
        while self._headings and self._headings[-1][0] >= level:
            self._headings.pop()
        self._path = None
        block = self.add(BlockKind.heading, text, start, end, level=level, spans=spans)
        self._headings.append((level, text))
        self._path = None
        return block

    def add(
        self,
        kind: BlockKind,
        text: str,
        start: int,
        end: int,
        *,
        spans: list[Span] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        **extra: object,
    ) -> Block | None:
        """Appends a block unless its text has no letter or digit. `start`/`end` are offsets of
        the block's source in `doc.text`."""
        if kind == BlockKind.table_cell:
            self._cells += 1
            if self._cells > limits.MAX_TABLE_CELLS:  # stops the reader at the limit
                raise too_many_cells(self.doc.path)
        clean = normalize_ws(text)
        if not _HAS_CONTENT.search(clean):
            return None
        if spans and clean != text:
            spans = _remap_spans(text, clean, spans)
        start, end = _trim(self.doc.text, start, end)
        if len(clean) > MAX_BLOCK_CHARS:
            return self._add_pieces(kind, clean, start, end, spans or [], bbox, extra)
        start = _content_start(self.doc.text, start, end, clean)
        block = Block(
            id=len(self.doc.blocks),
            kind=kind,
            text=clean,
            location=self.doc.locate(start, end, bbox),
            start=start,
            end=end,
            heading_path=self.heading_path if kind != BlockKind.heading else self.heading_path[:],
            spans=spans or [],
            **extra,  # type: ignore[arg-type]
        )
        self.doc.blocks.append(block)
        return block

    def _add_pieces(
        self,
        kind: BlockKind,
        clean: str,
        start: int,
        end: int,
        spans: list[Span],
        bbox: tuple[float, float, float, float] | None,
        extra: dict[str, object],
    ) -> Block | None:
        """Adds an over-long text as consecutive blocks of the same kind; returns the first. Each
        piece's source starts where its first word is found, after the previous piece's."""
        pieces = _pieces(clean)
        starts, cursor = [], start
        for a, b in pieces:
            word = _FIRST_WORD.search(clean, a, b)
            pos = self.doc.text.find(word.group(0), cursor, end) if word else -1
            cursor = pos if pos != -1 else cursor
            starts.append(cursor)
        first = None
        for i, (a, b) in enumerate(pieces):
            piece_end = starts[i + 1] if i + 1 < len(pieces) else end
            inner = [
                replace(span, start=max(span.start, a) - a, end=min(span.end, b) - a)
                for span in spans
                if span.start < b and span.end > a
            ]
            block = Block(
                id=len(self.doc.blocks),
                kind=kind,
                text=clean[a:b],
                location=self.doc.locate(starts[i], max(starts[i], piece_end), bbox),
                start=starts[i],
                end=max(starts[i], piece_end),
                heading_path=self.heading_path if kind != BlockKind.heading else self.heading_path[:],
                spans=inner,
                **extra,  # type: ignore[arg-type]
            )
            self.doc.blocks.append(block)
            first = first or block
        return first


def _pieces(text: str) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces of `text` of at most MAX_BLOCK_CHARS, cut after a
    sentence end where there is one, else at a space, else anywhere."""
    out, i = [], 0
    while len(text) - i > MAX_BLOCK_CHARS:
        window = i + MAX_BLOCK_CHARS
        cut = max(text.rfind(mark, i, window) for mark in (". ", "! ", "? ", "; "))
        cut = cut + 1 if cut > i else text.rfind(" ", i, window)
        cut = cut if cut > i else window
        out.append((i, cut))
        i = cut
        while i < len(text) and text[i] == " ":
            i += 1
    out.append((i, len(text)))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\r\n":
        start += 1
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    return start, end


_LEADING_MARKUP = re.compile(r"[\s\-*+>#|\[_`\d.)]*")
_FIRST_WORD = re.compile(r"\w[\w.,\u00a0\u202f-]{0,15}")


def _content_start(text: str, start: int, end: int, clean: str) -> int:
    """Moves a block's start past leading markup (list bullets, "**[", "| ") to its first word."""
    first = _FIRST_WORD.search(clean)
    if first is None:
        return start
    pos = text.find(first.group(0), start, min(end, start + 64))
    return pos if pos != -1 and _LEADING_MARKUP.fullmatch(text, start, pos) else start


def _remap_spans(raw: str, clean: str, spans: list[Span]) -> list[Span]:
    """Moves span offsets from the raw text to its whitespace-normalised form."""
    mapping: list[int] = []
    ci = 0
    lead = len(raw) - len(raw.lstrip(" \t\r\n\f\v"))
    i = 0
    while i < len(raw):
        if i < lead:
            mapping.append(0)
            i += 1
            continue
        ch = raw[i]
        if ch in " \t\r\n\f\v":
            j = i
            while j < len(raw) and raw[j] in " \t\r\n\f\v":
                mapping.append(min(ci, len(clean)))
                j += 1
            ci += 1
            i = j
            continue
        mapping.append(min(ci, len(clean)))
        ci += 1
        i += 1
    mapping.append(len(clean))

    def at(offset: int) -> int:
        return mapping[max(0, min(offset, len(mapping) - 1))]

    out = []
    for span in spans:
        s, e = at(span.start), at(span.end)
        while e > s and e <= len(clean) and clean[e - 1] == " ":
            e -= 1
        if e > s:
            out.append(replace(span, start=s, end=e))
    return out


class TextBuffer:
    """Accumulates inline text and its markup spans, as readers walk inline content."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[Span] = []
        self._open: list[tuple[str, int, str | None]] = []

    def write(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.length += len(text)

    def open(self, kind: str, href: str | None = None) -> None:
        self._open.append((kind, self.length, href))

    def close(self, kind: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == kind:
                _, start, href = self._open.pop(i)
                if self.length > start:
                    self.spans.append(Span(kind=kind, start=start, end=self.length, href=href))  # type: ignore[arg-type]
                return

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def take(self) -> tuple[str, list[Span]]:
        text, spans = self.text, sorted(self.spans, key=lambda s: (s.start, -s.end))
        self.parts, self.length, self.spans, self._open = [], 0, [], []
        return text, spans
