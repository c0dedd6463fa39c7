"""The French number grammar."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.claims.numbers import find_numbers
from extractor.models import Qualifier


def quantities(text: str) -> list[tuple[Decimal, str | None]]:
    return [(n.value, n.unit) for n in find_numbers(text) if n.kind == "quantity"]


def one(text: str):
    found = [n for n in find_numbers(text) if n.kind == "quantity"]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("213 Startups d’État sont en activité", 213, None),
        ("2,48 millions d'euros ont été accordés", 2_480_000, "EUR"),
        ("10 millions d’euros", 10_000_000, "EUR"),
        ("un total de 5 869 442 € et", 5_869_442, "EUR"),
        ("5\u202f869\u202f442\u00a0€", 5_869_442, "EUR"),
        ("1\u00a0200 membres", 1200, None),
        ("17,4 %", Decimal("17.4"), "%"),
        ("(5,5 M€ en 2020)", 5_500_000, "EUR"),
        ("5,6M€ en 2023", 5_600_000, "EUR"),
        ("Eva : 150K€", 150_000, "EUR"),
        ("3 090 K€", 3_090_000, "EUR"),
        ("300 000€", 300_000, "EUR"),
        ("Budget 2021 : 1,2 million €", 1_200_000, "EUR"),
        ("3 millions de dossiers", 3_000_000, None),
        ("47 millions d'appels uniques", 47_000_000, None),
        ("Coût par dossier : 0,5€", Decimal("0.5"), "EUR"),
        ("1,30€ par mois", Decimal("1.3"), "EUR"),
        ("45,5 de NPS", Decimal("45.5"), None),
        ("6 nouvelles Startups", 6, None),
        ("2 173 979  simulations", 2_173_979, None),
        ("20 Euros", 20, "EUR"),
        ("2 millions de €", 2_000_000, "EUR"),
        ("3 millions et demi d'euros", 3_500_000, "EUR"),
        ("1.200.000 €", 1_200_000, "EUR"),
        ("180.000 interventions", 180_000, None),
    ],
)
def test_values_and_units(text: str, value: Decimal | int, unit: str | None) -> None:
    number = one(text)
    assert number.value == Decimal(value)
    assert number.unit == unit


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("Plus de 325 000 personnes suivies", Qualifier.lower_bound),
        ("Plus 400 000  dossiers enregistrés", Qualifier.lower_bound),
        ("> 100 partenariats terminés", Qualifier.lower_bound),
        ("au moins 12 services", Qualifier.lower_bound),
        ("la communauté a dépassé les 1 500 membres actifs", Qualifier.lower_bound),
        ("moins de 5 jours", Qualifier.upper_bound),
        ("jusqu’à 30 postes", Qualifier.upper_bound),
        ("n’excédant pas 300 000€", Qualifier.upper_bound),
        ("près de 20 Startups d’État", Qualifier.approximate),
        ("environ 40 000 orientations", Qualifier.approximate),
        ("quasi 100 % des tribunaux", Qualifier.approximate),
        ("pas plus de 20 agents", Qualifier.upper_bound),
        ("supérieur ou égal à 5 jours", Qualifier.lower_bound),
        ("en dessous de 5 %", Qualifier.upper_bound),
        ("213 Startups", Qualifier.exact),
    ],
)
def test_qualifiers(text: str, qualifier: Qualifier) -> None:
    number = one(text)
    assert number.qualifier == qualifier
    if qualifier != Qualifier.exact:
        assert number.qualifier_start is not None and number.qualifier_start < number.start


def test_deltas_and_shares() -> None:
    assert [(n.value, n.is_delta) for n in find_numbers("213 Startups d’État sont en activité (+40).")] == [
        (213, False),
        (40, True),
    ]
    growth = one("+47 % d’utilisateurs actifs")
    assert (growth.value, growth.unit, growth.is_delta) == (47, "%", True)
    assert one("+ 38 par rapport à 2016").is_delta
    share = one("+80 % des services en accélération ont un code source ouvert")
    assert (share.is_delta, share.qualifier) == (False, Qualifier.lower_bound)
    assert one("baisse de -12 %").value == -12


def test_ratios() -> None:
    first, second = [n for n in find_numbers("avec 157 tribunaux sur 168 utilisant le produit") if n.kind == "quantity"]
    assert (first.value, first.denominator, second.value) == (157, 168, 168)
    score = one("4,2/5 : note de satisfaction")
    assert (score.value, score.denominator, score.unit) == (Decimal("4.2"), 5, "/5")
    assert find_numbers("1 sur 3")[0].denominator == 3
    potential = find_numbers("500 utilisateurs actifs mensuels sur un potentiel de 900")[0]
    assert potential.denominator == 900
    assert find_numbers("21 failles corrigées, sur 9 services")[0].denominator is None


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("6 nouvelles Startups et six nouvelles", 6, None),
        ("trois nouveaux incubateurs", 3, None),
        ("dont deux tiers sont aujourd'hui membres", Decimal("0.666667"), "fraction"),
        ("Plus d’un million de trajets", 1_000_000, None),
        ("un million d'euros", 1_000_000, "EUR"),
        ("deux millions et demi d'euros", 2_500_000, "EUR"),
        ("deux mille deux cents agents", 2200, None),
        ("quatre-vingt-dix-neuf agents", 99, None),
        ("neuf agents", 9, None),
        ("la moitié des agents", Decimal("0.5"), "fraction"),
    ],
)
def test_written_numbers(text: str, value: Decimal | int, unit: str | None) -> None:
    number = [n for n in find_numbers(text) if n.kind == "quantity"][-1]
    assert (number.value, number.unit) == (Decimal(value), unit)


def test_written_numbers_are_not_read_in_running_text() -> None:
    assert quantities("un service, les deux équipes, à deux, Sept. 2021") == []
    assert quantities("un site tout neuf, un bâtiment neuf, des milliers de connexions, à moitié") == []


def test_a_range_shares_its_unit_and_multiplier() -> None:
    low, high = [n for n in find_numbers("entre 2 et 3 millions d'euros") if n.kind == "quantity"]
    assert (low.value, low.unit, low.qualifier) == (2_000_000, "EUR", Qualifier.lower_bound)
    assert (high.value, high.unit, high.qualifier) == (3_000_000, "EUR", Qualifier.upper_bound)
    assert quantities("de 10 à 15 %") == [(10, "%"), (15, "%")]
    assert quantities("2 services et 3 millions d'euros") == [(2, None), (3_000_000, "EUR")]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("en 2024", "year"),
        ("Objectifs PLF 2024", "year"),
        ("jusqu’au 29 mai 2024", "date"),
        ("au 1er janvier 2022", "date"),
        ("Sep. 2015", "date"),
        ("Juin 2019", "date"),
        ("ÉTAT DES LIEUX AU 01/01/2022", "date"),
        ("la 14ème édition", "ordinal"),
        ("1ère édition de l'appel", "ordinal"),
        ("le programme budgétaire n°352", "reference"),
        ("les lauréats du FAST 14", "reference"),
        ("Critère n°1", "reference"),
        ("rappelés en section 2", "reference"),
        ("LES SERVICES À IMPACT NATIONAL EN 2021 (1/3)", "reference"),
        ("Appeler le 01 23 45 67 89", "phone"),
        ("20, avenue de Ségur", "address"),
        ("75007 Paris", "postal"),
        ("version v2.3.1", "version"),
        ("version 1.2.3.", "version"),
        ("le serveur 192.168.1.1", "version"),
        ("le 12.03.2024", "version"),
    ],
)
def test_not_counts(text: str, kind: str) -> None:
    found = find_numbers(text)
    assert found and all(n.kind != "quantity" for n in found), found
    assert kind in {n.kind for n in found}


def test_promotions_are_references() -> None:
    kinds = [n.kind for n in find_numbers("2,48 millions d'euros ont été accordés sur les promos 14 et 15.")]
    assert kinds == ["quantity", "reference", "reference"]


@pytest.mark.parametrize(
    "text",
    [
        "https://beta.gouv.fr/startups/1-eleve-1-stage.html",
        "Service exploité par 1jeune1solution",
        "class fr-col-12 et T4",
        "contact@beta2024.gouv.fr",
    ],
)
def test_numbers_inside_urls_and_words_are_not_numbers(text: str) -> None:
    assert quantities(text) == []


def test_ambiguous_plain_space_grouping_is_flagged() -> None:
    number = one("les 18 154 agents")
    assert number.value == 18154 and number.ambiguous and list(number.alternatives) == [18, 154]
    assert not one("1 200 membres").ambiguous  # a leading group of one digit is a thousands separator
    assert not one("325 000 personnes").ambiguous
    assert not one("18\u00a0154 agents").ambiguous  # a non-breaking space is always a separator


# --- round trip: format a number in every French style, parse it back -----------------------------


def french(value: Decimal, thousands: str, decimals: int) -> str:
    whole, _, frac = f"{value:.{decimals}f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return thousands.join(groups) + ("," + frac if frac else "")


@settings(max_examples=400, deadline=None)
@given(
    st.integers(min_value=0, max_value=999_999_999),
    st.integers(min_value=0, max_value=2),
    st.sampled_from(["\u00a0", "\u202f", " "]),
    st.sampled_from([("", None, 1), (" €", "EUR", 1), ("\u00a0%", "%", 1), (" millions d'euros", "EUR", 10**6)]),
    st.sampled_from(["Le total est de ", "", "Soit "]),
)
def test_round_trip(whole: int, decimals: int, sep: str, suffix: tuple, prefix: str) -> None:
    text_suffix, unit, mult = suffix
    value = Decimal(whole) / (10**decimals)
    if mult > 1 and whole >= 10**6:
        value = Decimal(whole % 1000) / (10**decimals)  # "123,45 millions", not "123 456 789 millions"
    rendered = french(value, sep, decimals)
    if decimals == 0 and text_suffix == "" and 1980 <= value <= 2049 and sep not in rendered:
        return  # a bare four-digit number in that range is a year, by design
    number = one(f"{prefix}{rendered}{text_suffix} au total.")
    assert number.value == value * mult
    assert number.unit == unit
    assert number.qualifier == Qualifier.exact and not number.is_delta
