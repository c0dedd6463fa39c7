"""Issue 27, class 3: a report's figures against the grant rounds' pages and the registry. Small
reports and small rounds' pages written here, in several wordings, with at least as many silent
near-misses (partial tables, another promotion, another year, k€ and €, a total that the text says
holds more than the table lists)."""

from __future__ import annotations

import datetime as dt

import pytest

from extractor import checks
from extractor.ingest import read_bytes
from extractor.models import Finding
from extractor.reference.models import Award, Entity, Round
from extractor.reference.store import Registry

MISMATCH = "reference/round-mismatch"
PAGE = "reference/round-page"


def page(number: int, month: int, year: int, selected: int | None, total: int | None) -> Round:
    return Round(
        grant="fast", round=number, title=f"FAST {number}", date=dt.date(year, month, 1), selected=selected,
        total=total, source_path=f"_fasts/{number}_fast.md", lines={"selected": 4, "total": 4},
    )  # fmt: skip


# FAST 13 (September 2023) 10 laureates; FAST 14 (March 2024) 3 laureates, 450 000 €; FAST 15
# (October 2024) 12 laureates, 2 000 000 €; FAST 16 (March 2025) 5 laureates. FAST 12 is announced
# in January 2023: it may be counted in 2022 or in 2023.
ROUNDS = [
    page(12, 1, 2023, 10, None),
    page(13, 9, 2023, 10, 2530000),
    page(14, 3, 2024, 3, 450000),
    page(15, 10, 2024, 12, 2000000),
    page(16, 3, 2025, 5, 1000000),
]


def run(text: str, rounds: list[Round] = ROUNDS) -> list[Finding]:
    ctx = checks.Context(registry=Registry([], rounds=rounds))
    return checks.run(read_bytes(text.encode(), "bilan.md"), ctx, only=[MISMATCH])


def variants(text: str) -> list[str | None]:
    return [f.variant for f in run(text)]


HEAD = "| Produit | Mission | Montant attribué |\n| --- | --- | --- |\n"


def table(*amounts: str, heading: str = "#### FAST 14", before: str = "", after: str = "") -> str:
    rows = "".join(f"| **[P{i}](/startups/p{i}.html)** | Mission {i} | {a} |\n" for i, a in enumerate(amounts))
    return f"# Bilan 2024\n\n{heading}\n\n{before}{HEAD}{rows}{after}"


# --- (i) a table of one promotion's laureates against the total on the promotion's page --------


@pytest.mark.parametrize(
    "text",
    [
        table("150 000 €", "150 000 €", "200 000 €"),
        table("150 k€", "150 k€", "200 k€"),
        table("150 000 €", "150 000 €", "200 000 €", heading="## Lauréats FAST 14"),
        table("150 000 €", "150 000 €", "200 000 €", before="Les lauréats de la promotion :\n\n"),
        table("150 000 €", "150 000 €", "200 000 €") + "| **Total** | | 500 000 € |\n",
        table("150 000 €", "150 000 €", "200 000 €", heading="## LAURÉATS FAST 14 (1/1)"),
    ],
)
def test_a_laureates_table_that_does_not_add_up_to_the_page_total(text: str) -> None:
    found = run(text)
    assert [f.variant for f in found] == ["table"], [f.message_fr for f in found]
    assert "450\u00a0000\u00a0€" in found[0].message_fr and "500\u00a0000\u00a0€" in found[0].message_fr


@pytest.mark.parametrize(
    "text",
    [
        table("150 000 €", "150 000 €", "150 000 €"),  # adds up (identical amounts are no repeated item)
        table("150 k€", "100 000 €", "200 k€"),  # adds up, in k€ and €
        table("150 000 €", "200 000 €"),  # two rows of three laureates: a partial table
        table("150 000 €", "150 000 €", "200 000 €", before="Parmi les lauréats de la promotion :\n\n"),
        table("150 000 €", "150 000 €", "200 000 €", before="Extrait des lauréats :\n\n"),
        table("150 000 €", "150 000 €", "200 000 €", before="Des lauréats, notamment :\n\n"),
        table("150 000 €", "150 000 €", "200 000 €", before="Voir [la liste complète](/fast/lauréats).\n\n"),
        table("150 000 €", "150 000 €", "200 000 €", heading="#### FAST 17"),  # a promotion without a page
        table("150 000 €", "150 000 €", "200 000 €", heading="#### FAST 13"),  # ten laureates, not three
        table("150 000 €", "150 000 €", "200 000 €", heading="#### Les lauréats"),  # no promotion named
        table(
            "120 000 €",
            "120 000 €",
            "120 000 €",
            after="\nLe total de la promotion comprend aussi 90 000 € d'accompagnement, hors tableau.\n",
        ),
        table(
            "120 000 €",
            "120 000 €",
            "120 000 €",
            before="Montant total : 450 000 €, dont 90 000 € d'accompagnement.\n\n",
        ),
    ],
)
def test_partial_tables_and_other_promotions_stay_silent(text: str) -> None:
    assert variants(text) == []


def test_a_row_without_an_amount_is_left_alone() -> None:
    """Three amounts for the page's three laureates, but a fourth row: the table is not the page's."""
    text = table("150 000 €", "150 000 €", "200 000 €") + "| **[P9](/startups/p9.html)** | Mission 9 | à venir |\n"
    assert variants(text) == []


def test_a_row_with_two_amounts_is_left_alone() -> None:
    head = "| Produit | Demandé | Attribué |\n| --- | --- | --- |\n"
    rows = "".join(f"| P{i} | 300 000 € | 200 000 € |\n" for i in range(3))
    assert variants(f"#### FAST 14\n\n{head}{rows}") == []


# --- (ii) a count of laureates in a year against the promotions of that year ----------------------


@pytest.mark.parametrize(
    ("text", "variant"),
    [
        ("En 2024, le FAST a sélectionné 20 lauréats.\n", "year"),
        ("Le FAST a distingué 12 lauréats en 2024.\n", "year"),
        ("Au cours de l'année 2024, 16 lauréats ont rejoint le FAST.\n", "year"),
        # 2023: FAST 12 (January) may belong to 2022; FAST 13 alone gives at least 10
        ("En 2023, le FAST a retenu 8 lauréats.\n", "year-below"),
    ],
)
def test_a_years_laureates_against_the_promotions_of_that_year(text: str, variant: str) -> None:
    assert variants(text) == [variant]


@pytest.mark.parametrize(
    "text",
    [
        "En 2024, le FAST a sélectionné 15 lauréats.\n",  # 3 + 12
        "En 2024, le FAST a accompagné 20 lauréats.\n",  # supported that year: earlier rounds too
        "En 2023, le FAST compte 8 lauréats.\n",  # counted, not selected that year
        "En 2023, le FAST a retenu 20 lauréats.\n",  # 2023 is not sure (FAST 12 in January): 20 ≥ 10
        "En 2023, le FAST a retenu 12 lauréats.\n",
        "Depuis 2019, le FAST a sélectionné 20 lauréats.\n",  # a span, not a year
        "Entre 2023 et 2024, le FAST a sélectionné 20 lauréats.\n",
        "En 2024, le concours a sélectionné 20 lauréats.\n",  # another programme's laureates
        "Le FAST a sélectionné 20 lauréats.\n",  # no year in the sentence
        "En 2021, le FAST a sélectionné 3 lauréats.\n",  # a year without a page
        "En 2024, le FAST 14 a sélectionné 3 lauréats.\n",  # a named promotion, that agrees with its page
    ],
)
def test_other_years_and_counts_stay_silent(text: str) -> None:
    assert variants(text) == []


def test_a_year_whose_later_promotion_has_no_page_is_a_lower_bound_only() -> None:
    assert variants("En 2025, le FAST a sélectionné 7 lauréats.\n") == []
    assert variants("En 2025, le FAST a sélectionné 2 lauréats.\n") == ["year-below"]


# --- (iii) a total for named promotions against their pages' totals --------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Le FAST a accordé 600 000 € aux lauréats de la promotion 14.\n",
        "Les promos 14 et 15 ont reçu 2,8 millions d'euros.\n",
        "Le FAST a accordé 2,8 millions d'euros aux promos 14 et 15.\n",
        "La 14ème édition du FAST a attribué 500 k€ aux lauréats.\n",
        "## FAST 15\n\nLes lauréats de la promotion 15 se partagent 2,2 M€.\n",
    ],
)
def test_a_total_for_named_promotions_against_their_pages(text: str) -> None:
    assert variants(text) == [None]


@pytest.mark.parametrize(
    "text",
    [
        "Le FAST a accordé 450 000 € aux lauréats de la promotion 14.\n",
        "Les promos 14 et 15 ont reçu 2,45 millions d'euros.\n",
        "La 14ème édition du FAST a attribué 450 k€ aux lauréats.\n",
        "Le FAST a accordé 600 000 € aux lauréats de la promotion 17.\n",  # no page for it
        "Les promos 12 et 14 ont reçu 3 millions d'euros.\n",  # FAST 12's page states no total
        "Les promos 14 et 15 ont coûté 2,8 millions d'euros en frais de jury.\n",  # not an amount awarded
        "Le FAST a accordé 2,45 millions d'euros aux promos 14 et 15.\n",
        "Le FAST a accordé 600 000 € à Tchap (promotion 14).\n".replace("Tchap", "[Tchap](/startups/tchap.html)"),
    ],
)
def test_totals_that_agree_or_cannot_be_checked_stay_silent(text: str) -> None:
    assert variants(text) == []


# --- (iv) a promotion's page against the registry's entries naming it -----------------------------


def laureate(slug: str, round_: int) -> Entity:
    return Entity(
        id=f"startup:{slug}", kind="startup", slug=slug, name=slug.title(), source_path=f"_startups/{slug}.md",
        awards=[Award(grant="fast", round=round_, amount=150000, source="field")],
    )  # fmt: skip


PAGE_TEXT = "---\ntitle: FAST 14 - Mars 2024\n---\nLe comité a sélectionné 3 projets.\n"


def on_page(entities: list[Entity], rounds: list[Round]) -> list[Finding]:
    ctx = checks.Context(registry=Registry(entities, rounds=rounds))
    return checks.run(read_bytes(PAGE_TEXT.encode(), "content/_fasts/14_fast.md"), ctx, only=[PAGE])


def test_the_laureates_a_page_lists_itself_count_with_the_registrys() -> None:
    """A laureate with no product entry (an incubator's project) written into the page with its
    amount: 2 registry entries and 1 on the page make the 3 the page states."""
    entities = [laureate("alpha", 14), laureate("beta", 14)]
    ctx = checks.Context(registry=Registry(entities, rounds=ROUNDS))
    for own in ("Montant : 200 000 €", "**Montant**: 200 000 €", "Financement : 1,2 M€"):
        text = PAGE_TEXT + f"\n## L'Accélérateur de l'agence\n\nUn projet porté par l'agence.\n\n{own}\n"
        found = checks.run(read_bytes(text.encode(), "content/_fasts/14_fast.md"), ctx, only=[PAGE])
        assert [f.variant for f in found if f.variant == "missing"] == [], own
    text = PAGE_TEXT + "\nLe montant total atteint 200 000 € pour la promotion.\n"  # a sentence, no laureate
    found = checks.run(read_bytes(text.encode(), "content/_fasts/14_fast.md"), ctx, only=[PAGE])
    assert [f.variant for f in found] == ["missing"]


def test_a_promotion_page_with_more_laureates_than_the_registry_names_is_told() -> None:
    found = on_page([laureate("alpha", 14), laureate("beta", 14), laureate("gamma", 13)], ROUNDS)
    assert [(f.variant, f.severity.value) for f in found] == [("missing", "info")]
    assert "Alpha, Beta" in found[0].message_fr and "Gamma" not in found[0].message_fr


@pytest.mark.parametrize(
    ("entities", "rounds"),
    [
        ([laureate("alpha", 14), laureate("beta", 14), laureate("gamma", 14)], ROUNDS),  # as many
        ([laureate("alpha", 14)], [page(14, 3, 2024, None, 450000)]),  # the page states no count
        ([laureate("alpha", 14)], [page(15, 10, 2024, 12, None)]),  # not this promotion's page
    ],
)
def test_a_promotion_page_the_registry_does_not_contradict_is_silent(
    entities: list[Entity], rounds: list[Round]
) -> None:
    assert [f.variant for f in on_page(entities, rounds) if f.variant == "missing"] == []
