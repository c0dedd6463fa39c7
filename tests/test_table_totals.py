"""arithmetic/sum-mismatch on tables: a Total row or column against its parts (issue 13, item 4)."""

from __future__ import annotations

import pytest

from extractor import checks
from extractor.ingest import read_bytes

HEAD = "| Poste | 2023 | 2024 | Total |\n| --- | --- | --- | --- |\n"


def sums(table: str) -> list[tuple[str | None, str]]:
    """Each finding's case (what its parts are: table rows or columns) and the gap it states."""
    doc = read_bytes(("# Budget\n\n" + table).encode(), "budget.md")
    found = checks.run(doc, checks.Context(), only=["arithmetic/sum-mismatch"])
    return [(f.variant, f.arguments["gap"]) for f in found]


def test_a_consistent_table_says_nothing() -> None:
    rows = "| Produits | 1 000 € | 2 000 € | 3 000 € |\n| Réseau | 500 € | 700 € | 1 200 € |\n"
    assert sums(HEAD + rows + "| Total | 1 500 € | 2 700 € | 4 200 € |\n") == []


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # The Total row is 1 € off in one column (its own Total cell is not checked again row-wise).
        ("| Produits | 1 000 € | 2 000 € | 3 000 € |\n| Réseau | 500 € | 700 € | 1 200 € |\n"
         "| Total | 1 500 € | 2 701 € | 4 200 € |\n", ["table-rows"]),
        # A row's Total cell is 1 € off: the row, and the Total row's total column.
        ("| Produits | 1 000 € | 2 000 € | 3 000 € |\n| Réseau | 500 € | 700 € | 1 201 € |\n"
         "| Total | 1 500 € | 2 700 € | 4 200 € |\n", ["table-columns", "table-rows"]),
    ],
)  # fmt: skip
def test_a_total_one_euro_off_is_told(rows: str, expected: list[str]) -> None:
    found = sums(HEAD + rows)
    assert sorted(variant or "" for variant, _ in found) == expected
    assert all(gap == "1\u00a0€" for _, gap in found)


@pytest.mark.parametrize(
    "rows",
    [
        # A blank cell: the column's parts are not all there.
        "| Produits | 1 000 € | | 3 000 € |\n| Réseau | 500 € | 700 € | 1 200 € |\n| Total | 1 500 € | 2 701 € | |\n",
        # Sub-totals: which rows a total covers is unsure.
        "| Produits | 1 000 € | 2 000 € | 3 000 € |\n| Sous-total | 1 000 € | 2 000 € | 3 000 € |\n"
        "| Réseau | 500 € | 700 € | 1 200 € |\n| Total | 1 500 € | 9 999 € | 4 200 € |\n",
        # Two totals (engaged, then overall): each covers other rows.
        "| Produits | 1 000 € | 2 000 € | 3 000 € |\n| Total engagé | 1 000 € | 2 000 € | 3 000 € |\n"
        "| Réseau | 500 € | 700 € | 1 200 € |\n| Total global | 1 500 € | 2 700 € | 4 200 € |\n",
        # A Total row that is not the last: not a total of the rows above.
        "| Total | 1 500 € | 9 999 € | 4 200 € |\n| Produits | 1 000 € | 2 000 € | 3 000 € |\n"
        "| Réseau | 500 € | 700 € | 1 200 € |\n",
    ],
    ids=["blank-cell", "sub-totals", "two-totals", "total-first"],
)
def test_an_unsure_table_says_nothing(rows: str) -> None:
    assert sums(HEAD + rows) == []


def test_shares_and_counts_are_not_added_to_euros() -> None:
    table = (
        "| Poste | Coût | Part |\n| --- | --- | --- |\n| Développement | 435 515 € | 51 % |\n"
        "| Design | 111 055 € | 13 % |\n| Total | 546 570 € | 65 % |\n"
    )
    # The euros add up; the shares (64 %, written 65 %) are rounded percentages, not parts to add.
    assert sums(table) == []


def test_a_first_column_of_figures_may_be_a_part_of_the_row_total() -> None:
    table = "| A | B | C | Total |\n| --- | --- | --- | --- |\n| 1 | 2 | 3 | 6 |\n| 4 | 5 | 6 | 15 |\n"
    assert sums(table) == []


def test_a_row_total_wrong_either_way_is_still_told() -> None:
    table = "| A | B | C | Total |\n| --- | --- | --- | --- |\n| 1 | 2 | 3 | 7 |\n| Ligne 4 | 5 | 6 | 12 |\n"
    assert len(sums(table)) == 2
