"""Ruled tables: the grids pdfplumber's `find_tables()` finds (its line strategy), kept only when
they look like data tables.

Slides draw many boxes that pdfplumber also takes for tables (one-cell frames, grids of cards):
only grids with at least two rows and two filled columns and few merged cells are kept as tables.
A cell's text is built from the runs whose centre is in the cell; the first row gives the column
headers and a row's first cell the row header of the cells after it. The words of a kept table are
not read again as paragraphs (`blocks._read_page`).
"""

from __future__ import annotations

from typing import Any

from extractor.ingest.pdf.layout import BBox, _bbox, _Cell, _centre_in, _lines, _Run, _Table

_MAX_MERGED_CELLS = 0.25  # a "table" with more merged (None) cells is a layout of boxes


# --------------------------------------------------------------------------- tables


def _tables(page: Any, runs: list[_Run]) -> list[_Table]:
    """The page's ruled data tables (pdfplumber's line strategy), with cell texts built from
    the runs whose centre is in the cell."""
    tables: list[_Table] = []
    for found in page.find_tables():
        slots = [cell for row in found.rows for cell in row.cells]
        if not slots or sum(cell is None for cell in slots) / len(slots) > _MAX_MERGED_CELLS:
            continue  # a layout of boxes, not a grid of values
        in_table = [run for run in runs if _centre_in(run, found.bbox)]
        grid: list[list[_Cell | None]] = []
        for r, row in enumerate(found.rows):
            cells: list[_Cell | None] = []
            for c, bbox in enumerate(row.cells):
                if bbox is None:
                    cells.append(None)
                    continue
                inside = [run for run in in_table if _centre_in(run, bbox)]
                text = " ".join(ln.text for ln in _lines(inside))
                cells.append(_Cell(r, c, text, _bbox(bbox)))
            grid.append(cells)
        table = _data_table(_bbox(found.bbox), grid)
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
