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
from typing import Any

from extractor.ingest.pdf.layout import BBox, _Cell, _centre_in, _lines, _Run, _Table

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


def _length(edge: Edge) -> float:
    return edge[4] - edge[2] if edge[0] == "v" else edge[3] - edge[1]


def _ruled_grids(edges: list[Edge]) -> list[Grid]:
    """The grids pdfplumber's table finder (line strategy, default settings) finds from a page's
    horizontal and vertical edges, computed as it does: edges snapped to a common position and
    joined, their intersections, the smallest cell each intersection starts, cells that share a
    corner grouped into a table (of two cells or more), tables from the top."""
    kept = [e for e in edges if _length(e) >= _EDGE_MIN_LENGTH_PREFILTER]
    merged = [e for e in _join(_snap(kept)) if _length(e) >= _EDGE_MIN_LENGTH]
    vertical = sorted((e for e in merged if e[0] == "v"), key=lambda e: (e[1], e[2]))
    horizontal = sorted((e for e in merged if e[0] == "h"), key=lambda e: (e[2], e[1]))
    if len({e[1] for e in vertical}) < 3 or len({e[2] for e in horizontal}) < 3:
        return []  # two rows and two columns (the least a data table has) need three lines of each
    crossings: dict[_Point, tuple[set[BBox], set[BBox]]] = {}
    tops = [h[2] for h in horizontal]
    for v in vertical:
        first = bisect.bisect_left(tops, v[2] - _INTERSECTION)
        last = bisect.bisect_right(tops, v[4] + _INTERSECTION)
        for h in horizontal[first:last]:  # v's top - tolerance <= h's top <= v's bottom + tolerance
            if h[1] - _INTERSECTION <= v[1] <= h[3] + _INTERSECTION:
                sets = crossings.setdefault((v[1], h[2]), (set(), set()))
                sets[0].add(v[1:])
                sets[1].add(h[1:])
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


def _position(edge: Edge) -> float:
    """Where an edge lies across its direction: the x of a vertical edge, the top of a
    horizontal one."""
    return edge[1] if edge[0] == "v" else edge[2]


def _snap(edges: list[Edge]) -> list[Edge]:
    """Vertical edges whose x are within the snap tolerance (chained) moved to their mean x;
    horizontal ones likewise by their top."""
    snapped: list[Edge] = []
    for orientation in ("v", "h"):
        for cluster in _clusters([e for e in edges if e[0] == orientation], _SNAP):
            mean = sum(_position(e) for e in cluster) / len(cluster)
            for kind, x0, top, x1, bottom in cluster:
                if kind == "v":
                    snapped.append((kind, mean, top, mean + (x1 - x0), bottom))
                else:
                    snapped.append((kind, x0, mean, x1, mean + (bottom - top)))
    return snapped


def _clusters(edges: list[Edge], tolerance: float) -> list[list[Edge]]:
    """Edges grouped by position: sorted distinct values, a new group past `tolerance` from the
    previous value."""
    values = sorted({_position(e) for e in edges})
    index: dict[float, int] = {}
    group = 0
    for i, value in enumerate(values):
        if i and value > values[i - 1] + tolerance:
            group += 1
        index[value] = group
    groups: list[list[Edge]] = [[] for _ in range(group + 1)] if values else []
    for e in edges:
        groups[index[_position(e)]].append(e)
    return groups


def _join(edges: list[Edge]) -> list[Edge]:
    """Edges on one line (same orientation and position) that touch or nearly (join
    tolerance) become one."""

    def line(e: Edge) -> tuple[str, float]:
        return e[0], _position(e)

    joined: list[Edge] = []
    for (orientation, position), group in itertools.groupby(sorted(edges, key=line), key=line):
        # spans along the line: x0..x1 of a horizontal edge, top..bottom of a vertical one
        spans = sorted((e[1], e[3]) if orientation == "h" else (e[2], e[4]) for e in group)
        merged = [list(spans[0])]
        for start, end in spans[1:]:
            if start <= merged[-1][1] + _JOIN:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            if orientation == "h":
                joined.append(("h", start, position, end, position))
            else:
                joined.append(("v", position, start, position, end))
    return joined


def _cells(crossings: dict[_Point, tuple[set[BBox], set[BBox]]]) -> list[BBox]:
    """The smallest cell each crossing is the top-left corner of: a crossing below it and one to
    its right joined to it by an edge, and the crossing that closes the rectangle joined to both."""
    by_x: dict[float, list[_Point]] = {}
    by_y: dict[float, list[_Point]] = {}
    for point in sorted(crossings):
        by_x.setdefault(point[0], []).append(point)
        by_y.setdefault(point[1], []).append(point)

    def joined(p: _Point, q: _Point) -> bool:
        if p[0] == q[0] and not crossings[p][0].isdisjoint(crossings[q][0]):
            return True
        return p[1] == q[1] and not crossings[p][1].isdisjoint(crossings[q][1])

    cells: list[BBox] = []
    for point in sorted(crossings):
        below = [q for q in by_x[point[0]] if q[1] > point[1]]
        right = [q for q in by_y[point[1]] if q[0] > point[0]]
        cell = _smallest_cell(point, below, right, crossings, joined)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(point: _Point, below: list[_Point], right: list[_Point], crossings: Any, joined: Any) -> BBox | None:
    for down in below:
        if not joined(point, down):
            continue
        for across in right:
            if not joined(point, across):
                continue
            corner = (across[0], down[1])
            if corner in crossings and joined(corner, across) and joined(corner, down):
                return (point[0], point[1], corner[0], corner[1])
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
    for found_bbox, found_rows in grids:
        slots = [cell for row in found_rows for cell in row]
        if not slots or sum(cell is None for cell in slots) / len(slots) > _MAX_MERGED_CELLS:
            continue  # a layout of boxes, not a grid of values
        in_table = [run for run in runs if _centre_in(run, found_bbox)]
        grid: list[list[_Cell | None]] = []
        for r, row in enumerate(found_rows):
            cells: list[_Cell | None] = []
            for c, bbox in enumerate(row):
                if bbox is None:
                    cells.append(None)
                    continue
                inside = [run for run in in_table if _centre_in(run, bbox)]
                text = " ".join(ln.text for ln in _lines(inside))
                cells.append(_Cell(r, c, text, bbox))
            grid.append(cells)
        table = _data_table(found_bbox, grid)
        if table is not None:
            tables.append(table)
    return tables


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
