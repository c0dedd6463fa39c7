"""Forms of running French that the number grammar read wrongly or not at all (issue 13, item 8):
ranges sharing a unit or a multiplier, "et demi", approximate nouns ("une dizaine"), "la moitié",
bounds ("pas plus de", "5 ou plus"), currencies ("20 Euros", "de €"), dot-grouped thousands, "neuf"
and compound written numbers. Each form has its boundary next to it: what must stay as it was."""

from __future__ import annotations

import doctest
import sys
from collections.abc import Callable
from decimal import Decimal

import pytest

from extractor.claims import numbers
from extractor.claims.numbers import find_numbers
from extractor.models import Qualifier

LOWER, UPPER, APPROX, EXACT = Qualifier.lower_bound, Qualifier.upper_bound, Qualifier.approximate, Qualifier.exact


def read(text: str) -> list[tuple[Decimal, str | None, Qualifier]]:
    """The quantities of `text`: value, unit, qualifier."""
    return [(n.value, n.unit, n.qualifier) for n in find_numbers(text) if n.kind == "quantity"]


def values(text: str) -> list[Decimal]:
    return [n.value for n in find_numbers(text) if n.kind == "quantity"]


def D(value: int | str) -> Decimal:
    return Decimal(value)


# --- ranges ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("entre 2 et 3 millions d'euros", [(D(2_000_000), "EUR", LOWER), (D(3_000_000), "EUR", UPPER)]),
        ("de 10 à 15 %", [(D(10), "%", LOWER), (D(15), "%", UPPER)]),
        ("Entre deux et trois millions d'euros", [(D(2_000_000), "EUR", LOWER), (D(3_000_000), "EUR", UPPER)]),
        ("de 2 à 3 M€", [(D(2_000_000), "EUR", LOWER), (D(3_000_000), "EUR", UPPER)]),
        ("entre 2,5 et 3 millions de dossiers", [(D(2_500_000), None, LOWER), (D(3_000_000), None, UPPER)]),
        ("entre 15 et 18 milliards d’euros", [(D(15 * 10**9), "EUR", LOWER), (D(18 * 10**9), "EUR", UPPER)]),
        ("entre 10 % et 15 %", [(D(10), "%", LOWER), (D(15), "%", UPPER)]),
        ("une équipe de 2 à 4 personnes", [(D(2), None, LOWER), (D(4), None, UPPER)]),
        ("NPS entre -100 et 100", [(D(-100), None, LOWER), (D(100), None, UPPER)]),
        ("entre deux et trois cents agents", [(D(200), None, LOWER), (D(300), None, UPPER)]),
    ],
)
def test_a_range_is_two_bounds_sharing_the_unit_and_multiplier(text: str, expected: list) -> None:
    assert read(text) == expected
    low = next(n for n in find_numbers(text) if n.kind == "quantity")
    assert low.qualifier_start is not None and low.qualifier_start <= low.start


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # no "entre" before "et": two figures, not a range
        ("2 services et 3 millions d'euros", [(D(2), None, EXACT), (D(3_000_000), "EUR", EXACT)]),
        # the multiplier is shared only below the second bound's coefficient
        ("entre 500 et 3 millions d'euros", [(D(500), "EUR", LOWER), (D(3_000_000), "EUR", UPPER)]),
        # a change from a value to another: the unit is shared, the values stay exact
        ("le taux est passé de 10 à 15 %", [(D(10), "%", EXACT), (D(15), "%", EXACT)]),
        ("le coût a baissé de 15 à 10 %", [(D(15), "%", EXACT), (D(10), "%", EXACT)]),
        ("de 15 à 10 %", [(D(15), "%", EXACT), (D(10), "%", EXACT)]),  # decreasing: not a range
        ("un montant de 10 à 15 €", [(D(10), "EUR", LOWER), (D(15), "EUR", UPPER)]),  # "montant" is a noun
        ("de 10 € à 15 %", [(D(10), "EUR", EXACT), (D(15), "%", EXACT)]),  # units that differ
        ("entre 2019 et 2024", []),  # years
        ("entre deux réunions", []),
    ],
)
def test_range_boundaries(text: str, expected: list) -> None:
    assert read(text) == expected


# --- "et demi" ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 millions et demi", [(D(3_500_000), None, EXACT)]),
        ("3 millions et demi d'euros", [(D(3_500_000), "EUR", EXACT)]),
        ("deux millions et demi", [(D(2_500_000), None, EXACT)]),
        ("deux millions et demi d'euros", [(D(2_500_000), "EUR", EXACT)]),
        ("un million et demi d'usagers", [(D(1_500_000), None, EXACT)]),
        ("1 milliard et demi", [(D(1_500_000_000), None, EXACT)]),
        # boundaries: no "et demi", or a half of something that is not a multiplier
        ("3 millions et 2 services", [(D(3_000_000), None, EXACT), (D(2), None, EXACT)]),
        ("deux millions", [(D(2_000_000), None, EXACT)]),
        ("2 heures et demie", [(D(2), None, EXACT)]),
    ],
)
def test_and_a_half(text: str, expected: list) -> None:
    assert read(text) == expected


# --- approximate nouns and "la moitié" ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("une centaine de personnes", 100, APPROX),
        ("lors d’une dizaine d’ateliers", 10, APPROX),
        ("un millier d'usagers", 1000, APPROX),
        ("une quinzaine d'entretiens", 15, APPROX),
        ("Une vingtaine de sites", 20, APPROX),
        ("une trentaine de services", 30, APPROX),
        ("une bonne dizaine de sites", 10, APPROX),
        ("une dizaine de milliers d'agents", 10_000, APPROX),
        ("deux centaines de dossiers", 200, APPROX),
        ("près d'une centaine d'agents", 100, APPROX),
        ("plus d'une vingtaine d'acteurs", 20, LOWER),
        ("au maximum une dizaine de demandes", 10, UPPER),
    ],
)
def test_approximate_nouns(text: str, value: int, qualifier: Qualifier) -> None:
    assert read(text) == [(D(value), None, qualifier)]


def test_an_approximate_amount() -> None:
    assert read("une centaine de millions d'euros") == [(D(100_000_000), "EUR", APPROX)]


@pytest.mark.parametrize(
    "text",
    [
        "des milliers de connexions",  # "many": no value, and no guessed bound
        "des centaines d'agents",
        "plusieurs dizaines de produits",
        "centaines de milliers voire de millions de Français",
        "dans une quinzaine.",  # two weeks: quantifies nothing
        "mis en quarantaine",
        "une dizaine",
    ],
)
def test_vague_plurals_and_bare_nouns_are_not_figures(text: str) -> None:
    assert read(text) == []


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("la moitié des agents", EXACT),
        ("plus de la moitié des agents", LOWER),
        ("près de la moitié d'entre eux", APPROX),
        ("jusqu'à la moitié des agents", UPPER),
    ],
)
def test_half_is_the_fraction_one_half(text: str, qualifier: Qualifier) -> None:
    assert read(text) == [(D("0.5"), "fraction", qualifier)]
    assert read("dont deux tiers sont membres") == [(D("0.666667"), "fraction", EXACT)]  # as before


@pytest.mark.parametrize(
    "text", ["un verre à moitié plein", "réduit de moitié", "à la moitié du parcours", "une moitié d'année type"]
)
def test_moitie_that_is_not_a_share(text: str) -> None:
    assert read(text) == []


# --- bounds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("pas plus de 20 agents", UPPER),
        ("plus de 20 agents", LOWER),  # as before
        ("pas moins de 20 agents", LOWER),  # as before
        ("pas au-delà de 20 agents", UPPER),
        ("au-delà de 20 agents", LOWER),
        ("au moins 5 services", LOWER),
        ("supérieur ou égal à 5", LOWER),
        ("supérieure ou égale à 5 %", LOWER),
        ("supérieur à 5", LOWER),
        ("au-dessus de 33 degrés", LOWER),
        ("en dessous de 5 %", UPPER),
        ("en-dessous de 5", UPPER),
        ("au-dessous de 5", UPPER),
        ("en deçà de 5 %", UPPER),
        ("inférieur à 5", UPPER),
        ("inférieur ou égal à 5", UPPER),
        ("5 ou plus", LOWER),
        ("3 saisies ou plus par semaine", LOWER),
        ("65 ans et plus", LOWER),
        ("5 ou moins", UPPER),
        ("50 salariés minimum", LOWER),
        ("2 minutes maximum", UPPER),
        ("10 % au maximum", UPPER),
        ("5 services", EXACT),
    ],
)
def test_bounds(text: str, qualifier: Qualifier) -> None:
    (number,) = [n for n in find_numbers(text) if n.kind == "quantity"]
    assert number.qualifier == qualifier
    if qualifier != EXACT:
        assert number.qualifier_start is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5 ou plus précisément 6", [EXACT, EXACT]),
        ("12 services et plus de 300 agents", [EXACT, LOWER]),
        ("5 ou plus de 10", [EXACT, LOWER]),
        ("8 agents et plus tard 10", [EXACT, EXACT]),
    ],
)
def test_bounds_after_the_number_boundaries(text: str, expected: list[Qualifier]) -> None:
    assert [q for _, _, q in read(text)] == expected


# --- currencies -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("20 Euros", 20, "EUR"),
        ("20 EUROS", 20, "EUR"),
        ("20 EUR", 20, "EUR"),
        ("20 euros", 20, "EUR"),
        ("2 millions de €", 2_000_000, "EUR"),
        ("23 milliards d’Euros", 23 * 10**9, "EUR"),
        ("vingt euros", 20, "EUR"),
        ("20 Européens", 20, None),
        ("20 EURL créées", 20, None),
        ("2 millions de dossiers", 2_000_000, None),
    ],
)
def test_currencies(text: str, value: int, unit: str | None) -> None:
    assert read(text) == [(D(value), unit, EXACT)]


# --- dot-grouped thousands ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("1.200.000 €", 1_200_000, "EUR"),
        ("un budget de 1.200.000 euros", 1_200_000, "EUR"),
        ("1.200.000,50 €", Decimal("1200000.5"), "EUR"),
        ("1.200.000 habitants", 1_200_000, None),
        ("180.000 interventions", 180_000, None),  # read as 180 before
        ("26.280€ d'amendes", 26_280, "EUR"),
        ("La somme est de 1.200.000.", 1_200_000, None),
        ("10.100.200.250 €", 10_100_200_250, "EUR"),  # four parts, but an amount
    ],
)
def test_dot_grouped_thousands(text: str, value: int | Decimal, unit: str | None) -> None:
    assert read(text) == [(D(value), unit, EXACT)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("v1.2.3", "version"),
        ("1.2.3", "version"),
        ("version 1.2.3.", "version"),
        ("v1.200.000", "version"),
        ("192.168.1.1", "version"),
        ("le serveur 192.168.100.100", "version"),
        ("12.03.2024", "version"),
        ("le 12.03.2024.", "version"),
    ],
)
def test_versions_addresses_and_dates_are_not_thousands(text: str, kind: str) -> None:
    found = find_numbers(text)
    assert read(text) == [] and kind in {n.kind for n in found}, found


# --- "neuf" and compound written numbers ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("neuf agents", 9),
        ("Neuf services ont été lancés", 9),
        ("sur neuf sites", 9),
        ("neuf nouveaux incubateurs", 9),
        ("dix-neuf agents", 19),
        ("vingt-neuf agents", 29),
        ("quatre-vingt-dix-neuf agents", 99),
        ("neuf cents agents", 900),
        ("neuf mille agents", 9000),
        ("ils sont dix-neuf.", 19),
    ],
)
def test_neuf_as_a_number(text: str, value: int) -> None:
    assert values(text) == [D(value)]


@pytest.mark.parametrize(
    "text",
    [
        "un site tout neuf",
        "un bâtiment neuf",
        "un bâtiment neuf accueille les agents",
        "un bâtiment neuf et moderne",
        "un logement neuf dans le quartier",
        "faire du neuf avec du vieux",
        "remis à neuf les locaux",
        "quoi de neuf dans le programme ?",
        "le neuf représente un tiers du marché",
        "un matériel flambant neuf",
    ],
)
def test_neuf_as_an_adjective_is_not_a_figure(text: str) -> None:
    assert [n for n in find_numbers(text) if n.kind == "quantity" and n.raw.lower() == "neuf"] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("deux mille deux cents agents", 2200),
        ("trois cent mille agents", 300_000),
        ("vingt et un agents", 21),
        ("vingt-et-un agents", 21),
        ("soixante-dix agents", 70),
        ("soixante et onze agents", 71),
        ("soixante-douze agents", 72),
        ("quatre-vingts agents", 80),
        ("quatre-vingt-un agents", 81),
        ("cent un agents", 101),
        ("deux cents agents", 200),
        ("vingt-deux agents", 22),
        ("deux millions trois cent mille usagers", 2_300_000),
        ("un million deux cent mille usagers", 1_200_000),
        ("mille agents", 1000),
        ("nonante agents", 90),
    ],
)
def test_compound_written_numbers_are_read_whole(text: str, value: int) -> None:
    assert values(text) == [D(value)]
    (number,) = [n for n in find_numbers(text) if n.kind == "quantity"]
    assert number.raw == text.rsplit(" ", 1)[0] and number.written


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("deux trois fois", []),  # not one number: none, rather than a part of it
        ("vingt et unième siècle", []),  # an ordinal
        ("la vingt-deuxième édition", []),
        ("un deux-pièces", []),
        ("les deux équipes", []),  # as before
        ("deux et trois agents", [D(2), D(3)]),  # "et" joins tens and "un" only
        ("vingt pour cent des agents", [D(20)]),  # and "cent" is not read again
        ("cent pour cent des tribunaux", [D(100)]),
    ],
)
def test_written_number_boundaries(text: str, expected: list[Decimal]) -> None:
    assert values(text) == expected


def test_a_written_percentage_and_year() -> None:
    assert read("vingt pour cent des agents") == [(D(20), "%", EXACT)]
    assert [(n.kind, n.value) for n in find_numbers("en deux mille vingt-quatre")] == [("year", D(2024))]


# --- the docstrings' examples, and linear cost ----------------------------------------------------


def test_the_doctests_of_the_grammar_run() -> None:
    result = doctest.testmod(numbers)
    assert result.attempted >= 15 and result.failed == 0


SHAPES: list[Callable[[int], str]] = [
    lambda n: "entre 2 et 3 millions d'euros, de 10 à 15 %, " * n,
    lambda n: "deux mille deux cents agents et vingt et un sites ; " * n,
    lambda n: "une dizaine de sites, la moitié des agents, 5 ou plus ; " * n,
    lambda n: "1.200.000 € et 192.168.100.100 ; " * n,
    lambda n: "deux " * (4 * n) + "agents",  # one run of number words that is no number
    lambda n: " ".join(["vingt-deux-pièces"] * (2 * n)),
]


def _calls(text: str) -> int:
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        count += event in ("call", "c_call")

    sys.setprofile(profile)
    try:
        find_numbers(text)
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize("shape", range(len(SHAPES)))
def test_the_new_forms_cost_linearly(shape: int) -> None:
    make = SHAPES[shape]
    small, large = _calls(make(50)), _calls(make(200))
    assert large <= 4.5 * small, (small, large)
