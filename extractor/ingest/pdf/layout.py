"""Page layout: text runs, lines and the reading order across columns.

- characters: pdfplumber words with `keep_blank_chars`, split at changes of font or size, become
  text runs, normalised by NFKC (ligatures) except for the thousands separators U+00A0 and U+202F,
  and without private-use glyphs (icons);
- lines: runs whose vertical centres fall in a line's band, joined by the white space the PDF had
  between them;
- reading order: pdfplumber's `extract_text()` interleaves side-by-side columns line by line, so
  runs (and tables, whole) are ordered by a recursive XY-cut: the widest white gap of the region,
  vertical (between columns) or horizontal (between bands), cuts it in two, until only lines
  remain.

Also the layout objects the other modules share (runs, lines, table cells and tables) and their
geometry. Off-page text never gets here: `blocks._read_page` crops the page to its box first, which
drops the off-page white text boxes while keeping the on-page white text that carries figures.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

# Thousands separators that must survive both NFKC and white-space collapsing.
_KEPT_SPACES = "\u00a0\u202f"
_WS_RUN = re.compile(r"[ \t\r\n\f\v]+")
_KEPT_SPACE_SPLIT = re.compile(f"([{_KEPT_SPACES}])")
_KEPT_SPACE = re.compile(f"[{_KEPT_SPACES}]")
_OUTER_SPACES = " \t\r\n\f\v" + _KEPT_SPACES  # stripped from a run, kept apart
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")  # category Co
_BULLETS = frozenset("-–•●▪◦‣○■►✓✔")
_MIN_COLUMN_GAP = 1.0  # a vertical cut needs a white gap of at least this many font sizes
_COLUMN_GAP_WEIGHT = 0.5  # a vertical gap weighs this much of its width against horizontal gaps
_EQUAL_GAP = 0.5  # gaps within this many points of the widest one are cut at the same time

BBox = tuple[float, float, float, float]


# --------------------------------------------------------------------------- text normalisation


def _nfkc(text: str) -> str:
    """NFKC (ligatures such as "ﬀ"), except for U+00A0 and U+202F, which NFKC would turn into
    plain spaces; also drops private-use glyphs (icons) and turns BEL into a space."""
    text = text.replace("\x07", " ")
    if text.isascii():
        return text  # NFKC leaves ASCII as it is, and it has no private-use character
    if unicodedata.is_normalized("NFKC", text):  # (then it has no U+00A0 or U+202F either)
        return _PRIVATE_USE.sub("", text)
    parts = _KEPT_SPACE_SPLIT.split(text)
    text = "".join(p if p and p in _KEPT_SPACES else unicodedata.normalize("NFKC", p) for p in parts)
    return _PRIVATE_USE.sub("", text)


def _collapse(text: str) -> str:
    """Collapses runs of ordinary white space; keeps U+00A0 and U+202F."""
    return _WS_RUN.sub(" ", text).strip()


def _letters(text: str) -> int:
    return sum(map(str.isalpha, text))


# --------------------------------------------------------------------------- layout objects


@dataclass(slots=True)
class _Run:
    """A run of characters on one line in one font (a pdfplumber word with its spaces)."""

    text: str  # normalised, without leading/trailing white space
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    italic: bool
    space_before: str  # white space the raw run began with ("" if none)
    space_after: str

    @property
    def style(self) -> tuple[bool, bool]:
        return self.bold, self.italic


@dataclass(slots=True)
class _Line:
    runs: list[_Run]
    text: str = ""
    strong: list[tuple[int, int]] = field(default_factory=list)  # bold spans in `text`
    # The line's box and size, computed once (the layout reads them many times).
    x0: float = field(init=False, default=0.0)
    x1: float = field(init=False, default=0.0)
    top: float = field(init=False, default=0.0)
    bottom: float = field(init=False, default=0.0)
    size: float = field(init=False, default=0.0)  # the size carrying most of the line's characters

    def __post_init__(self) -> None:
        runs = self.runs
        if len(runs) == 1:  # (as below, for one run)
            run = runs[0]
            self.text = run.text
            self.strong = [(0, len(run.text))] if run.bold else []
            self.x0, self.top, self.x1, self.bottom = run.x0, run.top, run.x1, run.bottom
            self.size = round(run.size, 1)
            return
        self.text, self.strong = _join_runs(runs)
        self.x0 = min(r.x0 for r in runs)
        self.top = min(r.top for r in runs)
        self.x1 = max(r.x1 for r in runs)
        self.bottom = max(r.bottom for r in runs)
        weights: dict[float, int] = {}
        for r in runs:
            size = round(r.size, 1)
            weights[size] = weights.get(size, 0) + len(r.text)
        self.size = max(weights, key=weights.__getitem__)

    @property
    def bullet(self) -> bool:
        first = self.text.split(" ", 1)[0]
        return first in _BULLETS or (len(first) > 1 and first[0] in "•●▪")


@dataclass(slots=True)
class _Cell:
    row: int
    col: int
    text: str
    bbox: BBox


@dataclass(slots=True)
class _Table:
    bbox: BBox
    rows: list[list[_Cell | None]]  # None: covered by a merged cell
    header: list[str | None]  # column headers, from the first row


def _union(boxes: Sequence[BBox]) -> BBox:
    if len(boxes) == 1:
        return boxes[0]
    x0s, tops, x1s, bottoms = zip(*boxes, strict=True)
    return min(x0s), min(tops), max(x1s), max(bottoms)


def _join_runs(runs: list[_Run]) -> tuple[str, list[tuple[int, int]]]:
    """The text of a line: runs in x order, separated by the white space the PDF had between
    them (a kept U+00A0/U+202F stays itself), by a space when they are apart, else glued (a
    font change inside a word). Also returns the bold runs' spans."""
    parts: list[str] = []
    strong: list[tuple[int, int]] = []
    length = 0
    prev: _Run | None = None
    for run in runs:
        if prev is not None:
            sep = _separator(prev, run)
            parts.append(sep)
            length += len(sep)
        if run.bold:
            strong.append((length, length + len(run.text)))
        parts.append(run.text)
        length += len(run.text)
        prev = run
    return "".join(parts), strong


def _separator(left: _Run, right: _Run) -> str:
    space = left.space_after or right.space_before
    if space:
        kept = _KEPT_SPACE.search(space)  # the first one (a run can end with thousands of spaces)
        return kept.group() if kept else " "
    return " " if right.x0 - left.x1 > 0.15 * min(left.size, right.size) else ""


def _bbox(values: Sequence[Any]) -> BBox:
    x0, top, x1, bottom = (float(v) for v in values)
    return x0, top, x1, bottom


def _box(run: _Run) -> BBox:
    return run.x0, run.top, run.x1, run.bottom


def _centre_in(run: _Run, bbox: Sequence[float]) -> bool:
    x = (run.x0 + run.x1) / 2
    y = (run.top + run.bottom) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


# --------------------------------------------------------------------------- runs and lines


# A drawn character: x0, x1, top, bottom (points from the page's top-left corner) and its text.
CharBox = tuple[float, float, float, float, str]


class CharGroup(NamedTuple):
    """Consecutive characters (content-stream order) of one font, size and direction."""

    size: float  # points
    font: str
    upright: bool
    chars: list[CharBox]


_X_TOLERANCE = 3.0  # a word ends where the next character starts more than this many points on
_Y_TOLERANCE = 3.0  # ... or its top is more than this many points off (pdfplumber's defaults)
_X0 = operator.itemgetter(0)
_X1 = operator.itemgetter(1)
_TOP = operator.itemgetter(2)
_BOTTOM = operator.itemgetter(3)
_TEXT = operator.itemgetter(4)
_RUN_X0 = operator.attrgetter("x0")
_RUN_TOP_X0 = operator.attrgetter("top", "x0")


def _runs_from_chars(groups: list[CharGroup]) -> list[_Run]:
    """Text runs from groups of characters, as pdfplumber's `extract_words` with
    `keep_blank_chars` builds its words: in each group of one font, size and direction, the
    characters are clustered into lines by their tops (within 3 pt), each line sorted by x and
    cut where a character starts before the previous one or more than 3 pt after its end."""
    runs: list[_Run] = []
    for group in groups:
        lines, one_line = _char_lines(group.chars)
        for line in lines:
            # Sorted by x0, a character never starts before the previous one: a word ends at a gap
            # (and, in a cluster of lines, at a change of top).
            pairs = enumerate(itertools.pairwise(line), 1)
            if one_line:
                cuts = [j for j, (left, right) in pairs if right[0] > left[1] + _X_TOLERANCE]
            else:
                cuts = [  # (abs(right top - left top) > _Y_TOLERANCE, without the call)
                    j
                    for j, (left, right) in pairs
                    if right[0] > left[1] + _X_TOLERANCE
                    or right[2] - left[2] > _Y_TOLERANCE
                    or left[2] - right[2] > _Y_TOLERANCE
                ]
            start = 0
            for j in cuts:
                _add_run(runs, line[start:j], group)
                start = j
            _add_run(runs, line[start:], group)
    return runs


def _char_lines(chars: list[CharBox]) -> tuple[list[list[CharBox]], bool]:
    """Characters clustered by their tops (a new cluster past 3 pt from the previous distinct
    top), each cluster sorted by x (ties in stream order); and whether all the tops are within
    3 pt of each other (one line)."""
    if max(map(_TOP, chars)) - min(map(_TOP, chars)) <= _Y_TOLERANCE:  # one line (the common case)
        return [sorted(chars, key=_X0)], True
    tops = sorted(set(map(_TOP, chars)))
    cluster: dict[float, int] = {}
    index = 0
    last = tops[0]
    for top in tops:
        if top > last + _Y_TOLERANCE:
            index += 1
        cluster[top] = index
        last = top
    lines: list[list[CharBox]] = [[] for _ in range(index + 1)]
    for ch in chars:
        lines[cluster[ch[2]]].append(ch)
    return [sorted(line, key=_X0) for line in lines if line], False


def _add_run(runs: list[_Run], word: list[CharBox], group: CharGroup) -> None:
    text = "".join(map(_TEXT, word))
    run = _run(
        text,
        word[0][0],  # sorted by x0
        min(map(_TOP, word)),
        max(map(_X1, word)),
        max(map(_BOTTOM, word)),
        group.size,
        group.font,
    )
    if run is not None:
        runs.append(run)


def _run(raw_text: str, x0: float, top: float, x1: float, bottom: float, size: float, fontname: str) -> _Run | None:
    """A run from a word's raw text (normalised, its outer white space kept apart) and its font;
    None if it has no visible character."""
    raw = _nfkc(raw_text)
    text = raw.strip(_OUTER_SPACES)
    if not text:
        return None
    lead = raw[: len(raw) - len(raw.lstrip(_OUTER_SPACES))]
    trail = raw[len(raw.rstrip(_OUTER_SPACES)) :]
    if not text.isprintable() or "  " in text:  # (printable: no white space but single spaces)
        text = _collapse(text)
    bold, italic = _font_style(fontname)
    # text, x0, top, x1, bottom, size, bold, italic, space_before, space_after
    return _Run(text, x0, top, x1, bottom, size or (bottom - top), bold, italic, lead, trail)


@functools.lru_cache(maxsize=1024)
def _font_style(fontname: str) -> tuple[bool, bool]:
    """(bold, italic) of a font, from its name without the subset prefix ("ABCDEF+Inter-Bold")."""
    font = fontname.split("+")[-1].lower()
    return any(k in font for k in ("bold", "black", "heavy", "semibold")), "italic" in font or "oblique" in font


def _lines(runs: list[_Run]) -> list[_Line]:
    """Groups runs into lines (vertical centres inside the line's band), top to bottom.

    Each line's band (its runs' lowest top and highest bottom) is kept up to date as runs join
    it, not recomputed: a page of 20,000 tiny text boxes on one band took 100 s that way."""
    if len(runs) <= 1:
        return [_Line(runs)] if runs else []  # (most regions the XY-cut leaves are one run)
    lines: list[list[_Run]] = []
    bands: list[list[float]] = []  # [top, bottom] of each line
    for run in sorted(runs, key=_RUN_TOP_X0):
        centre = (run.top + run.bottom) / 2
        for k in range(len(lines) - 1, max(len(lines) - 4, -1), -1):  # the last three lines, last first
            band = bands[k]
            if band[0] <= centre <= band[1]:
                lines[k].append(run)
                band[0], band[1] = min(band[0], run.top), max(band[1], run.bottom)
                break
        else:
            lines.append([run])
            bands.append([run.top, run.bottom])
    return [_Line(sorted(line, key=_RUN_X0) if len(line) > 1 else line) for line in lines]


# --------------------------------------------------------------------------- reading order


@dataclass(slots=True)
class _Atom:
    """Something the XY-cut places: text runs (one, or a bullet and its text) or a table."""

    bbox: BBox
    runs: list[_Run] = field(default_factory=list)
    table: _Table | None = None
    size: float = field(init=False, default=0.0)  # the largest size of its runs
    # (start, end, size) along x and along y, for the gaps between atoms
    spans: tuple[tuple[float, float, float], tuple[float, float, float]] = field(init=False)

    def __post_init__(self) -> None:
        self.size = max((r.size for r in self.runs), default=0.0)
        x0, top, x1, bottom = self.bbox
        self.spans = ((x0, x1, self.size), (top, bottom, self.size))


def _atoms(runs: list[_Run], tables: list[_Table]) -> list[_Atom]:
    """Runs and tables as atoms; a bullet alone in its run is tied to the text that follows it
    on the line, so that no column gap can separate them."""
    groups: list[list[_Run]] = []
    taken: set[int] = set()
    ordered = sorted(runs, key=_RUN_TOP_X0)
    for i, run in enumerate(ordered):
        if i in taken:
            continue
        group = [run]
        if run.text in _BULLETS:
            centre = (run.top + run.bottom) / 2
            for j in range(i + 1, len(ordered)):
                nxt = ordered[j]
                if j not in taken and nxt.top <= centre <= nxt.bottom and 0 <= nxt.x0 - run.x1 <= 4 * run.size:
                    group.append(nxt)
                    taken.add(j)
                    break
        groups.append(group)
    atoms = [_Atom(_box(g[0]) if len(g) == 1 else _union([_box(r) for r in g]), runs=g) for g in groups]
    return atoms + [_Atom(t.bbox, table=t) for t in tables]


def _gaps(atoms: list[_Atom], axis: int) -> list[tuple[float, float, float]]:
    """White gaps across the whole region along an axis (0: x, 1: y), as (start, end, size):
    `size` is the largest font size among the runs that border the gap."""
    spans = sorted([a.spans[axis] for a in atoms])
    gaps: list[tuple[float, float, float]] = []
    _, end, left_size = spans[0]
    count = len(spans)
    for k in range(1, count):
        start, stop, size = spans[k]
        if start > end:
            # the atoms starting here are next to each other (sorted): the largest of their sizes
            right_size = 0.0 if size < 0.0 else size  # max(size, 0.0), without the call
            m = k + 1
            while m < count and spans[m][0] == start:
                if spans[m][2] > right_size:
                    right_size = spans[m][2]
                m += 1
            gaps.append((end, start, right_size if right_size > left_size else left_size))
        if stop > end:
            end, left_size = stop, size
        elif stop == end and size > left_size:
            left_size = size
    return gaps


def _xy_cut(atoms: list[_Atom]) -> list[list[_Atom]]:
    """Orders atoms by recursive XY-cut (iterative, so that no page can exhaust the stack): a
    region is cut at its widest white gap, until no gap is left; the parts are read top to
    bottom, or left to right."""
    leaves: list[list[_Atom]] = []
    stack = [atoms] if atoms else []
    while stack:
        region = stack.pop()
        parts = _split(region)
        if parts is None:
            leaves.append(region)
        else:
            stack.extend(reversed(parts))
    return leaves


def _split(atoms: list[_Atom]) -> list[list[_Atom]] | None:
    """Cuts a region at its widest white gap spanning the whole region (and at the gaps as wide
    as it: lines evenly spaced are cut at once), or returns None if there is none.

    A vertical gap counts only if it is wider than the font size of the text that borders it
    (wide word spacing in a title is not a column gap), and counts for half its width against
    horizontal gaps: columns are further apart than the paragraphs in them, and a band that
    runs across the whole region (a row of cards, a row of a grid) is read before the next."""
    if len(atoms) <= 1:
        return None
    horizontal = _gaps(atoms, 1)
    vertical = [g for g in _gaps(atoms, 0) if g[1] - g[0] >= _MIN_COLUMN_GAP * g[2]]
    h_width = max((g[1] - g[0] for g in horizontal), default=0.0)
    v_width = max((g[1] - g[0] for g in vertical), default=0.0)
    if not horizontal and not vertical:
        return None
    if v_width * _COLUMN_GAP_WEIGHT > h_width:
        axis, cuts = 0, [g[0] for g in vertical if g[1] - g[0] >= v_width - _EQUAL_GAP]
    else:
        axis, cuts = 1, [g[0] for g in horizontal if g[1] - g[0] >= h_width - _EQUAL_GAP]
    parts: list[list[_Atom]] = [[] for _ in range(len(cuts) + 1)]
    for atom in atoms:
        parts[bisect.bisect_left(cuts, atom.bbox[axis + 2])].append(atom)
    return [part for part in parts if part]
