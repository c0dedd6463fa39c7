"""Ruled tables: the grids pdfplumber's table finder (its line strategy, reimplemented here on
tuples) finds from the page's rules (`pdfium` reads them from the path objects), kept only when
they look like data tables.

Slides draw many boxes that pdfplumber also takes for tables (one-cell frames, grids of cards):
only grids with at least two rows and two filled columns and few merged cells are kept as tables.
A cell's text is built from the runs whose centre is in the cell; the first row gives the column
headers and a row's first cell the row header of the cells after it. The words of a kept table are
not read again as paragraphs (`blocks._read_page`).
"""

from __future__ import annotations

import bisect
import itertools
import operator

from extractor.ingest.pdf.layout import BBox, _Cell, _lines, _Run, _Table

_MAX_MERGED_CELLS = 0.25  # a "table" with more merged (None) cells is a layout of boxes


# --------------------------------------------------------------------------- tables


Grid = tuple[BBox, list[list[BBox | None]]]  # a table's box and its rows of cell boxes (None: merged)
Edge = tuple[str, float, float, float, float]  # orientation ("h" or "v"), x0, top, x1, bottom
_Point = tuple[float, float]

# pdfplumber's default tolerances for its line strategy, in points
_SNAP = 3.0
_JOIN = 3.0
_EDGE_MIN_LENGTH = 3.0
_EDGE_MIN_LENGTH_PREFILTER = 1.0
_INTERSECTION = 3.0


def _ruled_grids(edges: list[Edge]) -> list[Grid]:
    """The grids pdfplumber's table finder (line strategy, default settings) finds from a page's
    horizontal and vertical edges, computed as it does: edges snapped to a common position and
    joined, their intersections, the smallest cell each intersection starts, cells that share a
    corner grouped into a table (of two cells or more), tables from the top.

    The edges are segments (a vertical one has x0 == x1, a horizontal one top == bottom, as
    `pdfium` and pdfplumber give them): a vertical edge is kept here as (x, top, bottom), a
    horizontal one as (top, x0, x1)."""
    vertical_lines: list[_Segment] = []
    horizontal_lines: list[_Segment] = []
    for kind, x0, top, x1, bottom in edges:
        if kind == "v":
            if bottom - top >= _EDGE_MIN_LENGTH_PREFILTER:
                vertical_lines.append((x0, top, bottom))
        elif x1 - x0 >= _EDGE_MIN_LENGTH_PREFILTER:
            horizontal_lines.append((top, x0, x1))
    # the joined edges, sorted as pdfplumber sorts them: vertical ones by (x, top), horizontal
    # ones by (top, x0)
    vertical = [e for e in _join(_snap(vertical_lines)) if e[2] - e[1] >= _EDGE_MIN_LENGTH]
    horizontal = [e for e in _join(_snap(horizontal_lines)) if e[2] - e[1] >= _EDGE_MIN_LENGTH]
    if len({e[0] for e in vertical}) < 3 or len({e[0] for e in horizontal}) < 3:
        return []  # two rows and two columns (the least a data table has) need three lines of each
    # each crossing with the edges through it (their indices: joined edges are all distinct)
    crossings: dict[_Point, tuple[set[int], set[int]]] = {}
    tops = [h[0] for h in horizontal]
    for i, (x, v_top, v_bottom) in enumerate(vertical):
        first = bisect.bisect_left(tops, v_top - _INTERSECTION)
        last = bisect.bisect_right(tops, v_bottom + _INTERSECTION)
        for j in range(first, last):  # v's top - tolerance <= h's top <= v's bottom + tolerance
            y, h_x0, h_x1 = horizontal[j]
            if h_x0 - _INTERSECTION <= x <= h_x1 + _INTERSECTION:
                sets = crossings.get((x, y))
                if sets is None:
                    sets = crossings[(x, y)] = (set(), set())
                sets[0].add(i)
                sets[1].add(j)
    grids: list[Grid] = []
    for cells in _cell_groups(_cells(crossings)):
        xs = sorted({c[0] for c in cells})
        rows: list[list[BBox | None]] = []
        for _, row_cells in itertools.groupby(sorted(cells, key=lambda c: (c[1], c[0])), key=lambda c: c[1]):
            by_x = {c[0]: c for c in row_cells}
            rows.append([by_x.get(x) for x in xs])
        box = (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))
        grids.append((box, rows))
    return grids


_Segment = tuple[float, float, float]  # an edge as (position across it, start, end along it)


def _snap(lines: list[_Segment]) -> list[_Segment]:
    """Edges of one orientation whose positions are within the snap tolerance (chained) moved to
    their mean position: sorted distinct positions, a new cluster past the tolerance from the
    previous one."""
    values = sorted({e[0] for e in lines})
    index: dict[float, int] = {}
    group = 0
    for i, value in enumerate(values):
        if i and value > values[i - 1] + _SNAP:
            group += 1
        index[value] = group
    clusters: list[list[_Segment]] = [[] for _ in range(group + 1)] if values else []
    for e in lines:
        clusters[index[e[0]]].append(e)
    snapped: list[_Segment] = []
    for cluster in clusters:
        mean = sum(e[0] for e in cluster) / len(cluster)
        snapped.extend((mean, start, end) for _, start, end in cluster)
    return snapped


def _join(lines: list[_Segment]) -> list[_Segment]:
    """Edges on one line (same position) that touch or nearly (join tolerance) become one; sorted
    by position, then start."""
    joined: list[_Segment] = []
    for position, group in itertools.groupby(sorted(lines), key=operator.itemgetter(0)):
        merged: list[list[float]] = []
        for _, start, end in group:  # sorted by start, then end
            if merged and start <= merged[-1][1] + _JOIN:
                if end > merged[-1][1]:
                    merged[-1][1] = end
            else:
                merged.append([start, end])
        joined.extend((position, start, end) for start, end in merged)
    return joined


def _cells(crossings: dict[_Point, tuple[set[int], set[int]]]) -> list[BBox]:
    """The smallest cell each crossing is the top-left corner of: a crossing below it and one to
    its right joined to it by an edge, and the crossing that closes the rectangle joined to both."""
    points = sorted(crossings)
    column: dict[float, list[_Point]] = {}  # the crossings on each x, top to bottom
    row: dict[float, list[_Point]] = {}  # ... on each y, left to right
    place: dict[_Point, tuple[int, int]] = {}  # a crossing's place in its column and in its row
    for point in points:
        x_list = column.setdefault(point[0], [])
        y_list = row.setdefault(point[1], [])
        place[point] = (len(x_list), len(y_list))
        x_list.append(point)
        y_list.append(point)
    cells: list[BBox] = []
    for point in points:
        vertical, horizontal = crossings[point]
        at_x, at_y = place[point]
        # the crossings below it on one of its vertical edges, those right of it on one of its
        # horizontal edges
        below = [q for q in column[point[0]][at_x + 1 :] if not vertical.isdisjoint(crossings[q][0])]
        if not below:
            continue
        right = [q for q in row[point[1]][at_y + 1 :] if not horizontal.isdisjoint(crossings[q][1])]
        cell = _smallest_cell(below, right, crossings)
        if cell is not None:
            cells.append((point[0], point[1], cell[0], cell[1]))
    return cells


def _smallest_cell(
    below: list[_Point], right: list[_Point], crossings: dict[_Point, tuple[set[int], set[int]]]
) -> _Point | None:
    """The corner that closes the first rectangle (the nearest crossing below first, then the
    nearest on the right): on an edge of the crossing right of the corner, and on one of the
    crossing below."""
    for down in below:
        down_horizontal = crossings[down][1]
        for across in right:
            corner = (across[0], down[1])
            sets = crossings.get(corner)
            if sets is None or sets[1].isdisjoint(down_horizontal):
                continue
            if not sets[0].isdisjoint(crossings[across][0]):
                return corner
    return None


def _cell_groups(cells: list[BBox]) -> list[list[BBox]]:
    """Cells that share a corner (transitively) as tables of two cells or more, from the top."""
    parent = list(range(len(cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[_Point, int] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            if corner in owner:
                parent[root(i)] = root(owner[corner])
            else:
                owner[corner] = i
    groups: dict[int, list[BBox]] = {}
    for i, cell in enumerate(cells):
        groups.setdefault(root(i), []).append(cell)
    tables = [g for g in groups.values() if len(g) > 1]
    return sorted(tables, key=lambda t: min((c[1], c[0]) for c in t))


def _tables(grids: list[Grid], runs: list[_Run]) -> list[_Table]:
    """The page's ruled data tables, with cell texts built from the runs whose centre is in the
    cell."""
    tables: list[_Table] = []
    centres = [((run.x0 + run.x1) / 2, (run.top + run.bottom) / 2, run) for run in runs]  # as _centre_in
    for found_bbox, found_rows in grids:
        slots = [cell for row in found_rows for cell in row]
        if not slots or sum(cell is None for cell in slots) / len(slots) > _MAX_MERGED_CELLS:
            continue  # a layout of boxes, not a grid of values
        in_table = _centred_in(centres, found_bbox)
        grid: list[list[_Cell | None]] = []
        for r, row in enumerate(found_rows):
            cells: list[_Cell | None] = []
            for c, bbox in enumerate(row):
                if bbox is None:
                    cells.append(None)
                    continue
                inside = [centre[2] for centre in _centred_in(in_table, bbox)]
                text = " ".join(ln.text for ln in _lines(inside))
                cells.append(_Cell(r, c, text, bbox))
            grid.append(cells)
        table = _data_table(found_bbox, grid)
        if table is not None:
            tables.append(table)
    return tables


def _centred_in(centres: list[tuple[float, float, _Run]], bbox: BBox) -> list[tuple[float, float, _Run]]:
    """The runs (with their centres) whose centre is in the box (`layout._centre_in`)."""
    x0, top, x1, bottom = bbox
    return [c for c in centres if x0 <= c[0] <= x1 and top <= c[1] <= bottom]


def _filled(row: list[_Cell | None], col: int) -> bool:
    cell = row[col] if col < len(row) else None
    return cell is not None and bool(cell.text)


def _data_table(bbox: BBox, grid: list[list[_Cell | None]]) -> _Table | None:
    """Keeps a grid found by pdfplumber (with few merged cells) only if it looks like a data
    table: at least two rows and two columns that each hold two or more values. Empty rows and
    columns are dropped and the rest renumbered from 0 (row 0 is the header row)."""
    rows = [row for row in grid if any(_filled(row, c) for c in range(len(row)))]
    width = max((len(row) for row in rows), default=0)
    cols = [c for c in range(width) if any(_filled(row, c) for row in rows)]
    filled = [c for c in cols if sum(_filled(row, c) for row in rows) >= 2]
    if len(rows) < 2 or len(filled) < 2:
        return None
    kept: list[list[_Cell | None]] = []
    for r, row in enumerate(rows):
        kept.append([])
        for c, col in enumerate(cols):
            cell = row[col] if col < len(row) else None
            kept[-1].append(_Cell(r, c, cell.text, cell.bbox) if cell is not None else None)
    return _Table(bbox, kept, _column_headers(kept[0]))


def _column_headers(first_row: list[_Cell | None]) -> list[str | None]:
    """Header text of each column; a merged header cell (None) heads the columns it covers."""
    headers: list[str | None] = []
    for cell in first_row:
        if cell is None:
            headers.append(headers[-1] if headers else None)
        else:
            headers.append(cell.text or None)
    return headers


def _row_header(row: list[_Cell | None], col: int) -> str | None:
    """The row's first cell text, for the cells after it."""
    first = next((c for c in row if c is not None and c.text), None)
    return first.text if first is not None and first.col < col else None
