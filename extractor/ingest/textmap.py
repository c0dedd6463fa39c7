"""Offsets, lines and columns: from the repaired text back to the original file."""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Sequence


class LineIndex:
    """Converts character offsets of one text into 1-based (line, column). The lines' starts are
    a typed array (8 bytes a line, not a 40-byte int object and its pointer).

    >>> LineIndex("ab\\ncd").line_col(4)
    (2, 2)
    """

    def __init__(self, text: str) -> None:
        self.starts = array("q", [0])
        pos = text.find("\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        self.length = len(text)

    def line_col(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, self.length))
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def line_start(self, line: int) -> int:
        """Offset of the first character of a 1-based line."""
        return self.starts[max(0, min(line - 1, len(self.starts) - 1))]


class OffsetMap:
    """Maps offsets in the repaired text to offsets in the original text.

    Built from the repaired spans, each given as (start, end, orig_start, orig_end). Outside a
    span, the two texts are identical, so an offset only shifts by the length difference of
    the spans before it; inside a span, it maps to the span's start (or end, for an end offset).
    """

    def __init__(self, spans: Sequence[tuple[int, int, int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s[0] for s in self.spans]

    def to_original(self, offset: int, *, is_end: bool = False) -> int:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return offset
        start, end, orig_start, orig_end = self.spans[i]
        if offset < end or (offset == end and offset == start):
            if is_end and offset > start:
                return orig_end
            return orig_start
        return offset - end + orig_end

    def to_original_text(self, text: str, replacements: Sequence[tuple[int, int, str]]) -> str:
        """Rebuilds the original text from the repaired one: each (start, end, before) puts back
        what the repair replaced."""
        parts: list[str] = []
        pos = 0
        for start, end, before in sorted(replacements):
            parts.append(text[pos:start])
            parts.append(before)
            pos = end
        parts.append(text[pos:])
        return "".join(parts)


class Locator:
    """Turns offsets of a document's repaired text into original (line, column), page-aware.

    `replacements` are the repairs as (start, end, orig_start, orig_end, before); `page_starts`,
    for paged formats, the offsets where each page's text begins (lines then count from the
    top of the page)."""

    def __init__(
        self,
        text: str,
        replacements: Sequence[tuple[int, int, int, int, str]] = (),
        page_starts: Sequence[int] = (),
    ) -> None:
        self.page_starts = list(page_starts)
        self.map = OffsetMap([r[:4] for r in replacements])
        original = self.map.to_original_text(text, [(r[0], r[1], r[4]) for r in replacements])
        self.lines = LineIndex(original)
        self.page_lines = [self.lines.line_col(start)[0] for start in self.page_starts]  # each page's first line

    def position(self, offset: int, *, is_end: bool = False) -> tuple[int | None, int, int]:
        """(page, line, column) of an offset of the repaired text, in the original."""
        orig = self.map.to_original(offset, is_end=is_end)
        if not self.page_starts:
            line, col = self.lines.line_col(orig)
            return None, line, col
        page = max(0, bisect.bisect_right(self.page_starts, orig) - 1)
        line, col = self.lines.line_col(orig)
        return page + 1, line - self.page_lines[page] + 1, col
