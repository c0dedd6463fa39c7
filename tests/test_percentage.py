"""arithmetic/percentage-mismatch (issue 4): growth rates and GRIM-impossible shares."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractor import checks
from extractor.ingest import load, read_bytes
from tests.conftest import A_PROPOS, BILAN_2021, BILAN_2024, PRESS_RELEASE, RAPPORT_2017

RULE = "arithmetic/percentage-mismatch"


def run(doc, registry=None) -> list:
    return checks.run(doc, checks.Context(registry=registry), only=[RULE])


def test_women_share_among_25_eig_is_impossible(registry) -> None:
    (finding,) = run(load(BILAN_2024), registry)
    assert finding.message_fr == (
        "17,4\u00a0% de 25 personnes est impossible : aucun nombre entier de personnes ne le donne "
        "(4/25 = 16\u00a0%, 5/25 = 20\u00a0%)."
    )
    assert [e.value for e in finding.evidence] == [Decimal("17.4"), 25]
    # the growth rates of the alumni (Tchap +47 %, Nos Gestes Climat +38 %, DossierFacile +76 % for
    # +76,8 %, Démarches simplifiées +15 % for +15,8 %, Domifa from a bound) are consistent


@pytest.mark.parametrize("path", [PRESS_RELEASE, BILAN_2021, A_PROPOS, RAPPORT_2017], ids=lambda p: p.name)
def test_nothing_on_the_other_documents(registry, path) -> None:
    assert run(load(path), registry) == []


SERVICE = """- **[Tchap](/startups/tchap.html)**
    - En 2023
        - 190 000 utilisateurs actifs
    - En 2024
        - 279 500 utilisateurs actifs
        - {rate} d’utilisateurs actifs
"""


@pytest.mark.parametrize(("rate", "flagged"), [("+47 %", False), ("+47,1 %", False), ("+52 %", True), ("+40 %", True)])
def test_growth_rate_against_its_two_values(rate: str, flagged: bool) -> None:
    findings = run(read_bytes(SERVICE.format(rate=rate).encode(), "a.md"))
    assert bool(findings) == flagged
    if flagged:
        assert "de 190\u00a0000 (2023) à 279\u00a0500 (2024) l'évolution est de +47,1\u00a0%" in findings[0].message_fr


def test_a_rate_from_a_bound_is_not_checked() -> None:
    text = SERVICE.replace("190 000", "Plus de 190 000").format(rate="+80 %")
    assert run(read_bytes(text.encode(), "a.md")) == []
