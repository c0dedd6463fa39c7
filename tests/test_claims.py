"""Claim resolution: metric, scope, period, qualifier, delta (issue 3, acceptance 2)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractor.claims.resolve import extract_claims, publisher_scope
from extractor.ingest import load, read_bytes
from extractor.models import Claim, Qualifier
from tests.conftest import BILAN_2021, BILAN_2024, PRESS_RELEASE


@pytest.fixture(scope="module")
def press() -> list[Claim]:
    return extract_claims(load(PRESS_RELEASE))


@pytest.fixture(scope="module")
def bilan() -> list[Claim]:
    return extract_claims(load(BILAN_2024))


def find(claims: list[Claim], raw: str, **attrs: object) -> Claim:
    found = [c for c in claims if c.quantity.raw == raw and all(getattr(c, k) == v for k, v in attrs.items())]
    assert found, f"no claim {raw!r} {attrs}"
    return found[0]


def test_active_startups_and_their_change(press: list[Claim]) -> None:
    claim = find(press, "213", metric_id="services_active", period="2024-02")
    assert claim.quantity.value == 213 and claim.quantity.qualifier == Qualifier.exact
    assert not claim.quantity.is_delta and claim.scope_id == publisher_scope()
    delta = find(press, "+40")
    assert (delta.quantity.value, delta.quantity.is_delta) == (40, True)
    assert (delta.metric_id, delta.period) == ("services_active", "2024-02")


def test_amounts_and_percentages(bilan: list[Claim]) -> None:
    fast = find(bilan, "2,48 millions d'euros")
    assert (fast.quantity.value, fast.quantity.unit) == (Decimal(2_480_000), "EUR")
    assert fast.metric_id == "fast_amount"
    total = find(bilan, "5 869 442 €")
    assert (total.quantity.value, total.quantity.unit, total.period) == (5_869_442, "EUR", "2024")
    women = find(bilan, "17,4 %")
    assert (women.quantity.value, women.quantity.unit, women.metric_id) == (Decimal("17.4"), "%", "women_share_eig")


def test_scope_from_the_enclosing_list_item(bilan: list[Claim]) -> None:
    mano = find(bilan, "325 000")
    assert mano.quantity.qualifier == Qualifier.lower_bound
    assert (mano.scope_id, mano.scope_text, mano.period, mano.metric_id) == ("startup:mano", "Mano", "2024", "users")
    growth = find(bilan, "+47 %")
    assert growth.quantity.is_delta and growth.quantity.unit == "%"
    assert (growth.scope_id, growth.period, growth.metric_id) == ("startup:tchap", "2023/2024", "active_users")
    users_2023 = find(bilan, "190 000")
    assert (users_2023.scope_id, users_2023.period) == ("startup:tchap", "2023")


def test_misspelled_service_keeps_its_link_slug(bilan: list[Claim]) -> None:
    claim = find(bilan, "828")
    assert (claim.scope_text, claim.scope_id) == ("Franche Chaleur Urbaine", "startup:chauffage-urbain")


def test_ratio(bilan: list[Claim]) -> None:
    claim = find(bilan, "157")
    assert claim.quantity.denominator == 168 and claim.scope_id == "startup:a-just"


def test_dates_ordinals_and_years_are_not_claims(press: list[Claim], bilan: list[Claim]) -> None:
    raws = {c.quantity.raw for c in press}
    assert not raws & {"29", "29 mai 2024", "14ème", "14", "2019", "2023", "2024"} - {"14"}
    assert not any(c.quantity.raw in ("14ème", "15ème") for c in press)
    assert not any(c.quantity.raw == "604,58" for c in bilan)  # a file size
    claims_2021 = extract_claims(load(BILAN_2021))
    assert not any(c.quantity.value in (2015, 2013) for c in claims_2021)


def test_plf_table_gives_20_claims_with_period_and_kind(bilan: list[Claim]) -> None:
    table = [c for c in bilan if c.location.line in range(48, 55)]
    assert len(table) == 20  # 7 rows x 3 columns, less the N/A cell
    assert {(c.period, c.kind) for c in table} == {("2023", "result"), ("2024", "target"), ("2024", "result")}
    targets = [c.quantity.raw for c in table if c.kind == "target"]
    assert targets == ["15", "8", "220", "50 %", "7", "25", "50 %"]
    assert {c.metric_id for c in table} == {
        "fast_products_supported",
        "products_launched",
        "new_public_agents",
        "women_share_new_agents",
        "national_impact_new",
        "eig_recruited",
        "women_share_eig",
    }


def test_fast_tables_scope_is_the_product(bilan: list[Claim]) -> None:
    fast = [c for c in bilan if c.metric_id == "fast_amount" and c.scope_id != publisher_scope()]
    assert len(fast) == 16
    assert sum(c.quantity.value for c in fast[:8]) == 1_387_000
    assert sum(c.quantity.value for c in fast[8:]) == 830_000
    oz = find(bilan, "220 000 €")
    assert (oz.scope_text, oz.scope_id) == ("Oz Ensemble", "startup:ozensemble")


def test_lone_numbers_take_their_label_from_the_next_block() -> None:
    claims = extract_claims(load(BILAN_2021))
    investigations = find(claims, "23")
    assert investigations.metric_id == "investigations_in_progress"
    problems = find(claims, "115", metric_id="problems_investigated")
    assert problems.period == "2021"


def test_period_from_a_heading_with_a_month() -> None:
    doc = read_bytes(b"### En janvier 2025\n\n- 35 investigations en cours\n", "a.md")
    (claim,) = extract_claims(doc)
    assert (claim.period, claim.metric_id) == ("2025-01", "investigations_in_progress")


def test_claim_locations_point_at_the_number(bilan: list[Claim]) -> None:
    lines = BILAN_2024.read_text(encoding="utf-8").splitlines()
    for claim in bilan:
        line = lines[claim.location.line - 1]
        digits = claim.quantity.raw.lstrip("+ ")[:2]
        if digits[:1].isdigit():
            assert line[claim.location.column - 1 :].startswith(digits), (claim.quantity.raw, line)


def test_extract_command_json_and_table(tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from extractor.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["extract", str(PRESS_RELEASE), "--format", "json"])
    assert result.exit_code == 0
    (doc,) = json.loads(result.stdout)
    assert doc["document"]["path"] == str(PRESS_RELEASE)
    assert any(c["quantity"]["raw"] == "213" and c["metric_id"] == "services_active" for c in doc["claims"])
    table = runner.invoke(app, ["extract", str(PRESS_RELEASE)])
    assert table.exit_code == 0 and "services_active" in table.stdout
    missing = runner.invoke(app, ["extract", str(tmp_path / "absent.md"), str(PRESS_RELEASE), "-f", "json"])
    assert missing.exit_code == 2 and "introuvable" in missing.stderr
    assert json.loads(missing.stdout)[0]["document"]["path"] == str(PRESS_RELEASE)


def test_ambiguous_plain_space_grouping_is_resolved_by_context() -> None:
    doc = read_bytes(
        "Les 18 services à impact national et 154 agents publics.\n\n"
        "Bilan : les 18 154 agents et 99 278 bénévoles inscrits.\n".encode(),
        "a.md",
    )
    values = [(c.location.line, c.quantity.value) for c in extract_claims(doc)]
    # "18" and "154" are stated on their own elsewhere: two numbers; "99 278" is not: one number
    assert values == [(1, 18), (1, 154), (3, 18), (3, 154), (3, 99278)]
    alone = read_bytes(b"Bilan : les 18 154 agents.\n", "b.md")
    assert [c.quantity.value for c in extract_claims(alone)] == [18154]


def test_a_footnote_call_is_no_figure() -> None:
    from extractor.ingest import read_bytes

    text = "En 2024, 154 agents publics[^1] ont rejoint le programme.\n\n[^1]: Source : DINUM, 12 mars.\n"
    raws = [c.quantity.raw for c in extract_claims(read_bytes(text.encode(), "a.md"))]
    assert "154" in raws and "1" not in raws
    # A bracketed number that is not a footnote call is still read.
    other = [c.quantity.raw for c in extract_claims(read_bytes(b"Il reste [3] places.\n", "b.md"))]
    assert "3" in other
