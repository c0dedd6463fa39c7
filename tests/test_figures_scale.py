"""The cost of a check grows with the number of figures, not with its square or its cube (issue 12,
item 9: one line of 1,000 "1 " took 46 s, as each figure's clause was parsed again, and the number
grammar compared each match with every earlier one). Counted, not timed: the matches the grammar's
scanner goes through, and every function call and line of Python the check makes
(`sys.setprofile`, `sys.settrace`), for 100 and for 400 figures. Linear work gives at most 4 times
as much; the old code gave 16 to 30 times. `bench/figures.py` times the same shapes up to 64,000 figures."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

import pytest

from extractor import checks
from extractor.claims import numbers
from extractor.ingest import read_bytes
from extractor.run.pipeline import check_document

GROWTH = 4.5  # for 4 times the figures; a little room for what does not grow with them


def one_line(n: int) -> str:
    return "1 " * n + "\n"


def consecutive_lines(n: int) -> str:
    """One paragraph: two figures a line, no sentence end."""
    return "".join(f"Poste {i} : {i * 7 + 3} €\n" for i in range(n // 2))


def separate_lines(n: int) -> str:
    return "".join(f"Poste {i} : {i * 7 + 3} €\n\n" for i in range(n // 2))


def mixed_sentences(n: int) -> str:
    """One paragraph of the shapes the rules look at: years, asides, shares, changes, amounts."""
    sentence = "En 2024, 12 services (+3 par rapport à 2023) ont reçu 1,2 million d'euros, soit 45 % des 27 projets ; "
    return sentence * (n // 5) + "\n"


def list_items(n: int) -> str:
    return "Les montants se répartissent ainsi :\n\n" + "".join(f"- {i} services : {i * 3} €\n" for i in range(n // 2))


def table_with_averages(n: int) -> str:
    """arithmetic/average-mismatch: each mean against the cells of its row."""
    rows = "".join(f"| NPS {i} | {i % 90} | {(i * 7) % 90} | {(i * 3) % 90} |\n" for i in range(n // 4))
    return "| Indicateur | Novembre 2024 | Décembre 2024 | Moyenne 2024 |\n|---|---|---|---|\n" + rows


def shares_and_growths(n: int) -> str:
    """arithmetic/percentage-mismatch: each share against its count, each growth against its two
    values (a GRIM test and a growth rate per paragraph)."""
    year = "En 2024, 25 entrepreneurs d'intérêt général ont été recrutés ; 17,4 % : part des femmes dans les EIG."
    service = (
        "- En 2023\n  - 190 000 utilisateurs actifs\n"
        "- En 2024\n  - 279 500 utilisateurs actifs\n  - +47 % d'utilisateurs actifs"
    )
    return "\n\n".join(f"## Service {i}\n\n{year}\n\n{service}" for i in range(n // 7)) + "\n"


def fast_promotions(n: int) -> str:
    """arithmetic/sum-mismatch: totals that name promotions, against the FAST amounts (of other
    promotions: a finding lists all the parts of its total, which would grow with its square)."""
    total = "2,48 millions d'euros ont été accordés sur les promos 8 et 9."
    table = "| Produit | Mission | Montant attribué |\n|---|---|---|\n" + "| Service | mission | 150 000 € |\n" * 4
    return "\n\n".join(f"{total}\n\n#### FAST {14 + i % 2}\n\n{table}" for i in range(n // 5)) + "\n"


SHAPES: list[Callable[[int], str]] = [one_line, consecutive_lines, separate_lines, mixed_sentences, list_items,
                                      table_with_averages, shares_and_growths, fast_promotions]  # fmt: skip


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts the matches of the number grammar's scanner (`_CORE`), over every call of
    find_numbers: one list item per match."""
    core = numbers._CORE
    matches: list[int] = []

    class Counting:
        def finditer(self, text: str, *args: int) -> Iterator[object]:
            for match in core.finditer(text, *args):
                matches.append(1)
                yield match

    monkeypatch.setattr(numbers, "_CORE", Counting())
    yield matches


def _check(text: str) -> None:
    check_document(read_bytes(text.encode(), "figures.md"), ctx=checks.Context())


def _work(text: str, rules_only: bool = False) -> int:
    """The function calls (Python and C) and the lines of Python (each turn of a loop is one) that
    checking `text` takes; with `rules_only`, the rules' own (the claims are extracted before)."""
    doc = read_bytes(text.encode(), "figures.md")
    _check("1 et 2\n")  # rules imported, vocabulary loaded: not counted
    ctx = checks.Context()
    if rules_only:
        ctx.claims(doc)
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    def trace(frame: object, event: str, arg: object) -> Callable[..., object]:
        nonlocal count
        count += event == "line"
        return trace

    sys.setprofile(profile)
    sys.settrace(trace)
    try:
        check_document(doc, ctx=ctx)
    finally:
        sys.settrace(None)
        sys.setprofile(None)
    return count


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.__name__)
def test_the_grammar_scans_each_figure_a_bounded_number_of_times(shape, scanned: list[int]) -> None:
    _check(shape(100))
    small = len(scanned)
    scanned.clear()
    _check(shape(400))
    assert small > 0 and len(scanned) <= GROWTH * small, (small, len(scanned))


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.__name__)
def test_the_whole_check_does_linearly_much_work(shape) -> None:
    small, large = _work(shape(100)), _work(shape(400))
    assert large <= GROWTH * small, (small, large, round(large / small, 1))


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.__name__)
def test_the_rules_do_linearly_much_work(shape) -> None:
    # each figure against its related figures, looked up, not against every figure of the document
    small, large = _work(shape(100), rules_only=True), _work(shape(400), rules_only=True)
    assert large <= GROWTH * small, (small, large, round(large / small, 1))


def test_the_shapes_have_their_figures() -> None:
    for shape in SHAPES:
        found = sum(n.kind == "quantity" for n in numbers.find_numbers(shape(400)))
        assert 300 <= found <= 500, (shape.__name__, found)
