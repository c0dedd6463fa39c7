"""Issue 27, classes 1 and 2 and causes 9 and 11: shares whose base the prose states, headcount
breakdowns and one-line lists, partial lists and samples, growth rates of their own metric.

Each class has texts written for it in several wordings that must fire, and at least as many
near-misses that must stay silent."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from extractor import checks
from extractor.claims.resolve import extract_claims
from extractor.ingest import load, read_bytes

PERCENT = "arithmetic/percentage-mismatch"
SUM = "arithmetic/sum-mismatch"
COUNT = "arithmetic/count-vs-list"
SITE = Path(__file__).resolve().parents[1] / ".." / "shared" / "site"


def run(text: str, rule: str, name: str = "a.md") -> list:
    return checks.run(read_bytes(text.encode(), name), checks.Context(), only=[rule])


# --- Class 1: a share of a population stated in the same passage ---------------------------------

SHARES_FIRE = [
    # the sum of the sentence's counts (9 + 49 + 5 = 63): 9/63 = 14,3 %, 49/63 = 77,8 %
    "Sur l'ensemble du portefeuille, 9 Startups d'État ont échoué (15 %), 49 sont toujours en "
    "développement (77 %) et 5 sont devenues des services nationaux (8 %).",
    # a population stated before the count: 8/31 = 25,8 %
    "En 2025, sur les 31 services utilisant le DSFR, 8 ont implémenté le thème sombre (25 %).",
    "Parmi les 40 agents formés, 14 ont obtenu la certification (soit 30 %).",
    "Sur un panel de 20 produits, 7 sont accessibles (40 %).",
    # the sample named in the share
    "Nous avons étudié un échantillon de 38 services. Au total, 18 services affichent des vidéos "
    "(soit 40 % de notre échantillon).",
    "Sur les 12 incubateurs, 5 ont signé la charte, soit 50 %.",
]
SHARES_SILENT = [
    "Sur l'ensemble du portefeuille, 9 Startups d'État ont échoué (14 %), 49 sont toujours en "
    "développement (78 %) et 5 sont devenues des services nationaux (8 %).",
    "En 2025, sur les 31 services utilisant le DSFR, 8 ont implémenté le thème sombre (26 %).",
    "Parmi les 40 agents formés, 12 ont obtenu la certification (soit 30 %).",
    # boundaries: 1/8 = 12,5 % is written 12 % or 13 %; 1/3 = 33,3 %
    "Sur les 8 équipes, 1 a abandonné (13 %).",
    "Sur les 8 équipes, 1 a abandonné (12 %).",
    "Sur les 3 incubateurs, 1 a fermé (33,3 %).",
    # shares that do not add up to 100 % and no population stated: of what, unsure
    "9 Startups d'État ont échoué (15 %) et 49 sont toujours en développement (77 %).",
    # a change, not a share; a bound
    "Le service compte 1 200 utilisateurs (+15 %) et 300 partenaires (+20 %).",
    "Sur les 31 services, 8 ont un thème sombre (plus de 20 %).",
    # a share of something else than the count's population
    "Sur les 31 services, 8 ont un thème sombre (25 % des visites).",
    # the count is not of the population stated
    "Sur les 40 services, 12 agents sont partis (25 %).",
    # a duration is no population
    "Sur les 12 derniers mois, 5 services ont ouvert (40 %).",
    "Sur les 3 ans du programme, 1 service a fermé (30 %).",
    # the sample named, consistent: 18/38 = 47,4 %
    "Nous avons étudié un échantillon de 38 services. Au total, 18 services affichent des vidéos "
    "(soit 47 % de notre échantillon).",
]


@pytest.mark.parametrize("text", SHARES_FIRE)
def test_a_share_of_a_stated_population_fires(text: str) -> None:
    findings = run(text + "\n", PERCENT)
    assert findings and all(f.variant in ("share-of", "share-of-sum") for f in findings)


@pytest.mark.parametrize("text", SHARES_SILENT)
def test_a_share_that_agrees_or_whose_base_is_unsure_is_silent(text: str) -> None:
    assert run(text + "\n", PERCENT) == []


def test_the_share_finding_names_the_count_and_the_computed_share() -> None:
    (finding,) = run("En 2025, sur les 31 services utilisant le DSFR, 8 ont un thème sombre (25 %).\n", PERCENT)
    assert finding.arguments["count"] == 8 and finding.arguments["base"] == "31\u00a0services"
    assert finding.arguments["computed"] == "25,8\u00a0%" and finding.arguments["share"] == "25\u00a0%"
    assert [e.value for e in finding.evidence] == [Decimal(25), 8, 31]


def test_the_guide_shares_of_its_63_startups(tmp_path: Path) -> None:
    guide = SITE / "content" / "docs" / "guide.pdf"
    if not guide.exists():
        pytest.skip("../shared/site is not there")
    findings = checks.run(load(guide), checks.Context(), only=[PERCENT])
    stated = sorted(f.arguments["share"] for f in findings if f.variant == "share-of-sum")
    assert stated == ["15\u00a0%", "77\u00a0%"]
    assert {f.evidence[0].location.page for f in findings} == {5}


@pytest.mark.parametrize(
    ("share", "n", "counts"),
    [
        ("25", 38, []),  # 9/38 = 23,7 %, 10/38 = 26,3 %
        ("24", 38, [9]),
        ("26", 38, [10]),
        ("12", 8, [1]),  # 12,5 % is on the boundary of 12 % and 13 %: both hold
        ("13", 8, [1]),
        ("14", 8, []),
        ("33,3", 3, [1]),
        ("33,4", 3, []),
        ("0", 38, [0]),
        ("100", 38, [38]),
    ],
)
def test_the_rounding_rule_on_both_sides_of_a_boundary(share: str, n: int, counts: list[int]) -> None:
    """statcheck-style: a share written with d decimals holds for every k/n within half a unit of
    its last digit, boundaries included."""
    from extractor.checks.shares import _counts_for

    text = f"Sur les {n} services, 1 a fermé ({share} %).\n"
    doc = read_bytes(text.encode(), "a.md")
    claim = next(c for c in extract_claims(doc) if c.quantity.unit == "%")
    assert list(_counts_for(claim, n)) == counts


# --- Class 1: a table column of shares of a stated population --------------------------------------

LEVELS = """Sur un panel de 38 produits, le niveau d'accessibilité se répartit ainsi :

| Niveau | 2025 | 2024 |
| --- | --- | --- |
| Correct | 29 % | 42 % |
| Moyen | 42 % | 27 % |
| Faible | {faible} % | 19 % |
| Très faible | 5 % | 12 % |
"""


def test_a_breakdown_column_no_whole_counts_give_fires() -> None:
    # 25 % of 38 is no whole number, and the column adds up to 101 %; the 2024 column (another
    # year's sample, adding up to 100 %) is not measured against the 38 of 2025
    (finding,) = run(LEVELS.format(faible=25), PERCENT)
    assert finding.variant == "column-base" and finding.arguments["header"] == "2025"
    assert finding.arguments["added"] == "101\u00a0%" and "25\u00a0%" in finding.arguments["impossible"]


def test_a_breakdown_column_whole_counts_give_is_silent() -> None:
    assert run(LEVELS.format(faible=24), PERCENT) == []  # 11 + 16 + 9 + 2 = 38


def test_a_breakdown_column_off_by_more_than_rounding_fires_without_a_population() -> None:
    text = "Le niveau d'accessibilité se répartit ainsi :\n\n| Niveau | Part |\n| --- | --- |\n"
    text += "| Correct | 30 % |\n| Moyen | 45 % |\n| Faible | 30 % |\n"
    (finding,) = run(text, PERCENT)
    assert finding.variant == "column-sum" and finding.arguments["added"] == "105\u00a0%"


@pytest.mark.parametrize(
    "rows",
    [
        ["34 %", "33 %", "34 %"],  # 101 %: three rounded thirds
        ["33 %", "33 %", "33 %"],  # 99 %
        ["50,5 %", "49,4 %"],  # 99,9 %: within a twentieth of a point each
    ],
)
def test_a_column_within_rounding_of_100_is_silent(rows: list[str]) -> None:
    text = "Les réponses se répartissent ainsi :\n\n| Réponse | Part |\n| --- | --- |\n"
    text += "".join(f"| Réponse {i} | {r} |\n" for i, r in enumerate(rows))
    assert run(text, PERCENT) == []


ERRORS = """Nous avons étudié un panel de 38 produits.

## Erreurs courantes

Nous avons répertorié les erreurs majoritaires dans notre panel.

| Point de contrôle | Bloquants | Gênants |
| --- | --- | --- |
| Titres | 32 % | 37 % |
| Contrastes | 16 % | {share} % |
"""


def test_a_share_of_the_sample_no_whole_count_gives_fires() -> None:
    (finding,) = run(ERRORS.format(share=36), PERCENT)
    assert finding.variant == "share-base" and finding.arguments["population"] == "38\u00a0produits"
    assert finding.arguments["options"] == "13/38 = 34,2\u00a0%, 14/38 = 36,8\u00a0%"


@pytest.mark.parametrize("share", ["37", "34"])
def test_a_share_of_the_sample_a_whole_count_gives_is_silent(share: str) -> None:
    assert run(ERRORS.format(share=share), PERCENT) == []


def test_a_population_stated_in_passing_is_not_the_table_base() -> None:
    text = "Sur les 38 services, nous avons interrogé les usagers.\n\n| Réponse | Part |\n| --- | --- |\n"
    text += "| Satisfaits | 36 % |\n| Déçus | 64 % |\n"
    assert run(text, PERCENT) == []


def test_a_table_not_introduced_by_its_population_is_not_measured() -> None:
    text = ERRORS.format(share=36).replace("dans notre panel", "dans les services de l'État")
    assert run(text, PERCENT) == []


def test_an_extract_is_no_breakdown() -> None:
    text = "Extrait : le niveau se répartit ainsi :\n\n| Niveau | Part |\n| --- | --- |\n"
    text += "| Correct | 30 % |\n| Moyen | 45 % |\n| Faible | 30 % |\n"
    assert run(text, PERCENT) == []


# --- Class 1: a share in words against the count it summarises --------------------------------------

IN_WORDS = """Nous avons étudié un panel de 38 produits.

{share_sentence}

En 2025, sur les 31 services utilisant le DSFR, 8 ont un thème sombre.
"""


@pytest.mark.parametrize(
    "sentence",
    [
        "La majorité de notre panel (75 %) s'appuyant sur le DSFR, on a pu constater ses effets.",
        "Une large part du panel (70 %) utilise le DSFR.",
        "Les trois quarts de l'échantillon (75 %) reposent sur le DSFR.",
    ],
)
def test_a_share_of_the_sample_in_words_against_its_count_fires(sentence: str) -> None:
    (finding,) = run(IN_WORDS.format(share_sentence=sentence), PERCENT)
    assert finding.variant == "share-in-words" and finding.arguments["computed"] == "81,6\u00a0%"


@pytest.mark.parametrize(
    "sentence",
    [
        "La majorité de notre panel (82 %) s'appuyant sur le DSFR, on a pu constater ses effets.",
        "La majorité de notre panel (75 %) ne s'appuie pas sur le DSFR.",  # another subset
        "La majorité de notre panel (75 %) a un formulaire.",  # nothing names the subset
        "La majorité des sites du monde (75 %) utilisent le DSFR.",  # not the sample
    ],
)
def test_a_share_in_words_that_agrees_or_names_another_subset_is_silent(sentence: str) -> None:
    assert run(IN_WORDS.format(share_sentence=sentence), PERCENT) == []


# --- Class 1: growth written in prose ----------------------------------------------------------------

GROWTH_FIRE = [
    "Le nombre d'usagers est passé de 200 000 en 2024 à 300 000 en 2025, soit une hausse de 40 %.",
    "Les demandes sont passées de 1 000 à 1 500 (+40 %).",
    "Le budget est passé de 2 000 000 € en 2023 à 1 500 000 € en 2024, soit une baisse de 20 %.",
    "Le nombre d'agents est passé de 40 à 50 agents, soit 20 %.",
    "Les usagers sont en hausse de 40 % (de 200 000 en 2024 à 300 000 en 2025).",
    "Le budget est en baisse de 10 %, passant de 2 000 000 € à 1 500 000 €.",
]
GROWTH_SILENT = [
    "Le nombre d'usagers est passé de 200 000 en 2024 à 300 000 en 2025, soit une hausse de 50 %.",
    "Les demandes sont passées de 1 000 à 1 500 (+50 %).",
    "Le budget est passé de 2 000 000 € en 2023 à 1 500 000 € en 2024, soit une baisse de 25 %.",
    "Le délai est passé de 30 à 20 jours, soit une baisse de 33 %.",  # 33,3 %
    "Le nombre d'usagers est passé de plus de 200 000 à 300 000, soit une hausse de 40 %.",  # a bound
    "Le nombre d'usagers a augmenté de 200 000 à 300 000 et la satisfaction de 40 %.",  # no rate of it
    "Le taux est passé de 20 % à 30 %, soit une hausse de 10 %.",  # points, not a growth
    "Les usagers sont en hausse de 50 % (de 200 000 en 2024 à 300 000 en 2025).",
    "Le budget est en baisse de 25 %, passant de 2 000 000 € à 1 500 000 €.",
    "Une hausse de 40 % des usagers, et de 200 000 à 300 000 pour les visites.",  # not the rate's values
]


@pytest.mark.parametrize("text", GROWTH_FIRE)
def test_a_growth_in_a_sentence_fires(text: str) -> None:
    (finding,) = run(text + "\n", PERCENT)
    assert finding.variant == "growth-prose"


@pytest.mark.parametrize("text", GROWTH_SILENT)
def test_a_growth_in_a_sentence_that_agrees_or_is_unsure_is_silent(text: str) -> None:
    assert run(text + "\n", PERCENT) == []


# --- Class 2: breakdowns of headcounts ---------------------------------------------------------------

HEADCOUNT_FIRE = [
    "L'équipe compte 12 agents, répartis ainsi : 5 développeurs, 4 designers et 2 coachs.",
    "Le programme accompagne 120 services, répartis ainsi : 45 / 50 / 30.",
    "Le programme accompagne 120 services répartis en 3 phases : 45 en investigation, 50 en construction "
    "et 30 en accélération.",
    "Les 20 lauréats se répartissent comme suit : 8 collectivités ; 10 ministères ; 3 opérateurs.",
    "Le pôle compte 12 agents, répartis ainsi :\n\n- 5 développeurs ;\n- 4 designers ;\n- 2 coachs.",
]
HEADCOUNT_SILENT = [
    "L'équipe compte 11 agents, répartis ainsi : 5 développeurs, 4 designers et 2 coachs.",
    "Le programme accompagne 125 services, répartis ainsi : 45 / 50 / 30.",
    "Le pôle compte 12 agents, répartis entre 3 incubateurs.",  # the number of groups, no parts
    "Le pôle compte 12 agents, répartis ainsi :\n\n- 5 développeurs (dont 2 en 2024) ;\n- 4 designers ;\n- 2 coachs.",
    "Le pôle compte 12 agents, répartis ainsi : 5 développeurs, des designers et 2 coachs.",  # a part unstated
    "Le pôle compte plus de 12 agents, répartis ainsi : 5 développeurs, 4 designers et 2 coachs.",  # a bound
    "Le pôle compte 12 agents, notamment répartis ainsi : 5 développeurs, 4 designers et 2 coachs.",  # partial
]


@pytest.mark.parametrize("text", HEADCOUNT_FIRE)
def test_a_headcount_breakdown_that_does_not_add_up_fires(text: str) -> None:
    (finding,) = run(text + "\n", SUM)
    assert finding.variant == "headcount"


@pytest.mark.parametrize("text", HEADCOUNT_SILENT)
def test_a_headcount_breakdown_that_adds_up_or_is_unsure_is_silent(text: str) -> None:
    assert run(text + "\n", SUM) == []


# --- Class 2: a list on one line ---------------------------------------------------------------------

ONE_LINE_FIRE = [
    ("Le réseau compte 8 incubateurs : Paris, Lyon, Nantes.", 3),
    ("Nos 4 lauréates : Tchap, Mano et Aides-Jeunes.", 3),
    ("Les 2 incubateurs créés en 2024 : Albert, la Ruche et l'Atelier.", 3),
]
ONE_LINE_SILENT = [
    "Le réseau compte 3 incubateurs : Paris, Lyon et Nantes.",
    "Le réseau compte 8 incubateurs, notamment : Paris, Lyon et Nantes.",
    "Le réseau compte 8 incubateurs : Paris, Lyon, Nantes, etc.",
    "Le réseau compte 8 incubateurs dont : Paris, Lyon…",
    "Nous avons 3 objectifs : réduire les délais, simplifier et accélérer.",  # no names
    "Pendant 3 jours : Paris, Lyon.",  # a duration
    "Sur les 8 incubateurs : Paris et Lyon ont signé.",  # a base
    "Cette année, 2 nouveaux incubateurs : La Fabrique.",  # one name is no list
]


@pytest.mark.parametrize(("text", "listed"), ONE_LINE_FIRE)
def test_a_count_before_a_one_line_list_of_names_fires(text: str, listed: int) -> None:
    (finding,) = run(text + "\n", COUNT)
    assert finding.arguments["count"] == listed


@pytest.mark.parametrize("text", ONE_LINE_SILENT)
def test_a_one_line_list_that_agrees_or_is_partial_is_silent(text: str) -> None:
    assert run(text + "\n", COUNT) == []


# --- Cause 9: partial lists and samples are no breakdowns nor counts of the programme ----------------

PARTIAL_SILENT = [
    "Le programme compte 10 lauréats, parmi lesquels :\n\n- Tchap\n- Mano\n",
    "Voici un extrait des 10 lauréats :\n\n- Tchap\n- Mano\n",
    "Les 10 lauréats (voir la liste complète) :\n\n- Tchap\n- Mano\n",
    "Les 10 lauréats sont notamment :\n\n- Tchap\n- Mano\n",
]


@pytest.mark.parametrize("text", PARTIAL_SILENT)
def test_a_list_introduced_as_partial_is_not_counted(text: str) -> None:
    assert run(text, COUNT) == []


@pytest.mark.parametrize(
    "text",
    [
        "Le budget de 3 001 € en voici un extrait, réparti ainsi :\n\n- 1 000 € pour le design ;\n"
        "- 2 000 € pour le code.\n",
        "Le budget est de 3 001 €, réparti notamment ainsi :\n\n- 1 000 € pour le design ;\n- 2 000 € pour le code.\n",
        "Parmi les 12 agents, répartis ainsi : 5 développeurs et 4 designers.\n",
    ],
)
def test_a_breakdown_introduced_as_partial_is_not_summed(text: str) -> None:
    assert run(text, SUM) == []


@pytest.mark.parametrize(
    "text",
    [
        "Nous avons choisi des services. Ce panel contenait :\n\n- 4 services à impact national ;\n"
        "- 17 services candidats.\n",
        "Notre échantillon est composé de : 4 services à impact national et 17 services candidats.\n",
        "L'échantillon de l'enquête comprenait :\n\n- 4 services à impact national.\n",
    ],
)
def test_a_sample_chosen_for_a_study_is_not_the_programme_count(text: str) -> None:
    doc = read_bytes(text.encode(), "a.md")
    four = next(c for c in extract_claims(doc) if c.quantity.value == 4)
    assert four.metric_id is None


def test_the_programme_count_outside_a_sample_keeps_its_metric() -> None:
    text = "Nous avons choisi des services. Ce panel contenait :\n\n- 4 services à impact national.\n\n"
    text += "Le programme compte 20 services à impact national.\n"
    claims = extract_claims(read_bytes(text.encode(), "a.md"))
    assert [c.metric_id for c in claims if c.quantity.value == 20] == ["national_impact_total"]


# --- Cause 11: a growth rate belongs to its own metric -----------------------------------------------

SERVICE = """- **Mon service**
    - En 2022
        - Budget : 100 000 €
    - En 2023
        - Budget : 150 000 €
        - {rate}
"""


@pytest.mark.parametrize(
    "rate",
    ["+120 % de rendez-vous pris", "+120 % de signalements", "+120 % de demandes traitées", "+120 % d'inscrits"],
)
def test_a_rate_of_another_metric_is_not_the_budget_growth(rate: str) -> None:
    assert run(SERVICE.format(rate=rate), PERCENT) == []


@pytest.mark.parametrize("rate", ["+120 %", "+120 % par rapport à 2022", "+120 % en un an"])
def test_a_bare_rate_under_the_budget_is_its_growth(rate: str) -> None:
    (finding,) = run(SERVICE.format(rate=rate), PERCENT)
    assert finding.arguments["computed"] == "+50\u00a0%"


def test_a_prose_rate_of_another_metric_is_not_the_budget_growth() -> None:
    text = "Budget 2022 : 100 000 €. Budget 2023 : 150 000 €, +120 % de rendez-vous pris.\n"
    assert run(text, PERCENT) == []


# --- Class 1: a list of shares announced as a breakdown -------------------------------------------

LIST_INTRO = "Sur les 20 usagers interrogés, les réponses se répartissent ainsi :\n\n"


@pytest.mark.parametrize(
    ("items", "variant"),
    [
        (["40 % sur le site", "30 % par téléphone", "35 % au guichet"], "list-sum"),  # 105 %
        (["40 % oui", "33 % non", "27 % sans avis"], "list-base"),  # 33 % and 27 % of 20: none
    ],
)
def test_a_list_of_shares_that_no_breakdown_gives_fires(items: list[str], variant: str) -> None:
    intro = LIST_INTRO if variant == "list-base" else "Les usagers se répartissent ainsi :\n\n"
    (finding,) = run(intro + "".join(f"- {i} ;\n" for i in items), PERCENT)
    assert finding.variant == variant


@pytest.mark.parametrize(
    "text",
    [
        LIST_INTRO + "- 40 % oui ;\n- 35 % non ;\n- 25 % sans avis.\n",
        "Les usagers se répartissent ainsi :\n\n- 40 % sur le site ;\n- 30 % par téléphone ;\n- 30 % au guichet.\n",
        "Les usagers se répartissent notamment ainsi :\n\n- 40 % sur le site ;\n- 30 % par téléphone.\n",  # partial
        "Les usagers ont cité :\n\n- 40 % le site ;\n- 30 % le téléphone ;\n- 65 % le guichet.\n",  # no breakdown
        "Le niveau se répartit ainsi :\n\n| Niveau | Part |\n| --- | --- |\n| A | 60 % |\n| B | 40 % |\n"
        "| Total | 100 % |\n",
    ],
)
def test_a_list_or_column_that_adds_up_or_is_no_breakdown_is_silent(text: str) -> None:
    assert run(text, PERCENT) == []


def test_counts_of_different_populations_are_not_summed_as_one() -> None:
    text = (
        "Sur l'ensemble, 3 incubateurs ont fermé (20 %), 5 services ont échoué (30 %) et 7 agents sont partis (50 %).\n"
    )
    assert run(text, PERCENT) == []


ROUNDS = """En 2024, 3 millions d'euros ont été accordés sur les promos 14 et 15.

#### FAST 14

{intro}

| Produit | Montant attribué |
| --- | --- |
| Tchap | 1 000 000 € |
| Mano | 500 000 € |

#### FAST 15

| Produit | Montant attribué |
| --- | --- |
| Aides | 400 000 € |
| Pix | 300 000 € |
"""


def test_the_laureates_of_the_rounds_named_are_summed() -> None:
    (finding,) = run(ROUNDS.format(intro="Les lauréats de cette promotion."), SUM)
    assert finding.variant == "rounds"


@pytest.mark.parametrize(
    "intro",
    [
        "Parmi les lauréats de cette promotion :",
        "Extrait des lauréats (voir la liste complète) :",
        "Les lauréats sont notamment :",
        "Quelques exemples de lauréats :",
    ],
)
def test_a_partial_table_of_laureates_is_not_the_total_breakdown(intro: str) -> None:
    assert run(ROUNDS.format(intro=intro), SUM) == []
