"""arithmetic/sum-mismatch (issue 4): the must-flag and must-not-flag cases of the corpus, and
the rounding tolerance."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractor import checks
from extractor.checks.arithmetic import fr, tolerance
from extractor.claims.resolve import extract_claims
from extractor.ingest import load, read_bytes
from tests.conftest import A_PROPOS, BILAN_2021, BILAN_2024, PRESS_RELEASE, RAPPORT_2017


def sums(doc, registry=None) -> list:
    return checks.run(doc, checks.Context(registry=registry), only=["arithmetic/sum-mismatch"])


@pytest.fixture(scope="module")
def bilan(registry) -> list:
    return sums(load(BILAN_2024), registry)


def test_budget_total_off_by_one_euro(bilan: list) -> None:
    finding = next(f for f in bilan if "5\u00a0869\u00a0442\u00a0€" in f.message_fr)
    assert finding.severity == "error"
    assert finding.message_fr.startswith(
        "Les 3 postes totalisent 5\u00a0869\u00a0441\u00a0€ (3\u00a0370\u00a0820\u00a0€ + 1\u00a0406\u00a0165\u00a0€ "
        "+ 1\u00a0092\u00a0456\u00a0€), le total annoncé est 5\u00a0869\u00a0442\u00a0€ (écart : 1\u00a0€)."
    )
    assert [e.value for e in finding.evidence] == [5869442, 3370820, 1406165, 1092456]
    assert [e.location.line for e in finding.evidence] == [254, 256, 259, 262]


def test_fast_promotions_total(bilan: list) -> None:
    finding = next(f for f in bilan if "promotions 14 et 15" in f.message_fr)
    assert "totalisent 2\u00a0217\u00a0000\u00a0€" in finding.message_fr
    assert "le total annoncé est 2\u00a0480\u00a0000\u00a0€ (écart : 263\u00a0000\u00a0€)" in finding.message_fr
    assert len(finding.evidence) == 17 and finding.evidence[0].quote.startswith("En 2024, il y a eu 16 lauréats")


def test_chart_against_portfolio_is_a_warning(bilan: list) -> None:
    finding = next(f for f in bilan if "graphique" in f.message_fr)
    assert finding.severity == "warning" and "totalisent 251" in finding.message_fr and "est 248" in finding.message_fr


def test_etpt_with_their_dont_part_add_up(bilan: list) -> None:
    # 2 + 3,7 + 15,1 = 20,8 ETPT, and 20,8 + the 4,9 "transverses" stated with the total = 25,7
    assert len(bilan) == 3
    assert not any("ETPT" in f.message_fr or "25,7" in f.message_fr for f in bilan)


@pytest.mark.parametrize("path", [PRESS_RELEASE, BILAN_2021, A_PROPOS, RAPPORT_2017], ids=lambda p: p.name)
def test_no_sum_finding_on_the_other_documents(registry, path) -> None:
    assert sums(load(path), registry) == []


def test_a_breakdown_that_adds_up_and_one_that_does_not() -> None:
    good = (
        "Le budget est de 7,2 millions d'euros, répartis ainsi :\n\n- 1,4 million d'euros\n- 2,8 millions d'euros\n"
        "- 3 millions d'euros\n"
    )
    assert sums(read_bytes(good.encode(), "a.md")) == []
    bad = "Le budget de 1 000 € est réparti ainsi :\n\n- 600 €\n- 300 €\n"
    (finding,) = sums(read_bytes(bad.encode(), "b.md"))
    assert "totalisent 900\u00a0€" in finding.message_fr and "(écart : 100\u00a0€)" in finding.message_fr


def test_rounded_totals_are_compared_within_their_last_digit() -> None:
    doc = read_bytes("3 millions d'euros débloqués ; 2,48 millions d'euros ; 5 869 442 €.".encode(), "a.md")
    three, two_48, exact = extract_claims(doc)
    assert tolerance(three) == Decimal(500_000) and tolerance(two_48) == Decimal(5_000)
    assert tolerance(exact) == Decimal("0.5")
    assert fr(Decimal("20.8"), None) == "20,8" and fr(Decimal(5869441), "EUR") == "5\u00a0869\u00a0441\u00a0€"


NPS = """| Sondage interne | Moyenne 2024 | Novembre 2024 | Avril 2024 | Moyenne 2023 |
| :-- | :-: | :-: | :-: | :-: |
| **Nombre de répondants** | **{respondents}** | 296 | 158 | 282 |
| **NPS** | **{nps}** | 36 | 55 | 51 |
"""


def test_table_means_of_the_corpus_agree(registry) -> None:
    # NPS "Moyenne 2024" 45,5 = mean(36, 55) and 227 respondents = mean(296, 158)
    assert checks.run(load(BILAN_2024), checks.Context(registry=registry), only=["arithmetic/average-mismatch"]) == []


@pytest.mark.parametrize(
    ("respondents", "nps", "flagged"), [(227, "45,5", []), (230, "45,5", [230]), (227, "47", [47])]
)
def test_table_mean_against_the_same_year(respondents: int, nps: str, flagged: list) -> None:
    doc = read_bytes(NPS.format(respondents=respondents, nps=nps).encode(), "a.md")
    found = checks.run(doc, checks.Context(), only=["arithmetic/average-mismatch"])
    assert [f.evidence[0].value for f in found] == flagged
    if found:
        assert "Novembre 2024" in found[0].message_fr and "Moyenne 2023" not in found[0].message_fr


def count_findings(text: str) -> list:
    return checks.run(read_bytes(text.encode(), "a.md"), checks.Context(), only=["arithmetic/count-vs-list"])


def test_announced_counts_of_the_corpus_match_their_lists(registry) -> None:
    # "8 ... lauréates ... : [Oz Ensemble] ; ... ; [MonServiceSécurisé]", "6 nouvelles ... : [JeVeuxAider], ..."
    # and "dont 3 incubateurs créés en 2024 :" with its 3 items
    for path in (PRESS_RELEASE, BILAN_2024, BILAN_2021, RAPPORT_2017, A_PROPOS):
        assert checks.run(load(path), checks.Context(registry=registry), only=["arithmetic/count-vs-list"]) == []


def test_the_press_release_lists_are_really_counted() -> None:
    text = PRESS_RELEASE.read_text(encoding="utf-8")
    changed = text.replace("Aujourd’hui, 8 Startups d’État", "Aujourd’hui, 9 Startups d’État")
    (finding,) = count_findings(changed)
    assert finding.message_fr.startswith("« 9 » annoncé, mais 8 éléments énumérés : Oz Ensemble, France Chaleur")
    # "7 nouvelles Startups rejoignent les 18 services : [six names]": two counts, the list could be
    # either's; the rule does not guess
    assert count_findings(text.replace("En 2023, 6 nouvelles", "En 2023, 7 nouvelles")) == []


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Les 3 lauréats sont :\n\n- Tchap\n- Mano\n", True),
        ("Les 2 lauréats sont :\n\n- Tchap\n- Mano\n", False),
        (
            "En 2024, 7 services ont atteint le statut :\n\n- Critère 1 : "
            + "un long critère " * 6
            + "\n- Critère 2 : "
            + "un autre long critère " * 5
            + "\n",
            False,
        ),  # the list is not of services: its items are sentences
        ("Ce montant de 25,7 ETPT est réparti ainsi :\n\n- 2 ETP\n- 3,7 ETPT\n", False),
    ],
)
def test_count_vs_list_cases(text: str, flagged: bool) -> None:
    assert bool(count_findings(text)) == flagged
