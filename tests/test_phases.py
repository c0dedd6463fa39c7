"""Registry timelines against the text (issue 14, item 3, in part): "en accélération",
"pérennisé" and "lancé en 2024" in a year against the registry's phases, both sides of the
one-month margin, and a registry whose phases are out of order left alone. The real Bilan 2024
page (a seed) names seven products in a phase and eight launched in 2024; the registry agrees with
each, has France Chaleur Urbaine's phases out of order, or does not date the launch."""

from __future__ import annotations

import pytest

from extractor import checks
from extractor.ingest import load, read_bytes
from extractor.reference.models import Entity
from extractor.reference.store import Registry, load_registry
from tests.conftest import ROOT

PAGE = (
    "---\ntitle: Bilan\ndate: 2025-01-15\n---\n\n## Les services en 2024\n\n"
    "- [Alpha](/startups/alpha.html)\n    - {state}\n"
)


def alpha(*phases: tuple[str, str]) -> Registry:
    entity = Entity(id="startup:alpha", kind="startup", slug="alpha", name="Alpha", source_path="_startups/alpha.md",
                    slugs=[{"section": "startups", "slug": "alpha", "current": True}],  # type: ignore[list-item]
                    phases=[{"name": n, "start": d} for n, d in phases])  # type: ignore[misc]  # fmt: skip
    return Registry([entity])


def found(state: str, registry: Registry) -> list[str]:
    doc = read_bytes(PAGE.format(state=state).encode(), "bilan.md")
    return [f.message_fr for f in checks.run(doc, checks.Context(registry=registry), ["reference/phase-mismatch"])]


def test_sustained_in_a_year_the_registry_has_it_in_acceleration() -> None:
    registry = alpha(("construction", "2022-01-01"), ("acceleration", "2023-06-01"))
    messages = found("Pérennisé à la Fabrique.", registry)
    assert len(messages) == 1 and "« acceleration » (depuis le 01/06/2023)" in messages[0]
    assert found("En accélération au sein de la Fabrique.", registry) == []


def test_a_phase_within_a_month_of_the_year_is_no_finding() -> None:
    assert found("Pérennisé.", alpha(("acceleration", "2023-06-01"), ("consolidation", "2025-01-20"))) == []
    assert len(found("Pérennisé.", alpha(("acceleration", "2023-06-01"), ("consolidation", "2025-02-15")))) == 1


def test_in_acceleration_in_a_year_after_its_consolidation() -> None:
    registry = alpha(("acceleration", "2021-06-01"), ("consolidation", "2022-03-01"))
    messages = found("En accélération au sein de la Fabrique.", registry)
    assert len(messages) == 1 and "« consolidation » depuis le 01/03/2022" in messages[0]
    assert found("En accélération.", alpha(("acceleration", "2021-06-01"), ("consolidation", "2023-12-15"))) == []


def test_in_acceleration_before_the_registry_starts_it() -> None:
    messages = found("En accélération.", alpha(("construction", "2023-01-01"), ("acceleration", "2025-06-01")))
    assert len(messages) == 1 and "ne commence que le 01/06/2025" in messages[0]


def test_phases_out_of_order_in_the_registry_are_left_alone() -> None:
    registry = alpha(("construction", "2020-12-01"), ("consolidation", "2025-05-14"), ("acceleration", "2026-01-01"))
    assert found("En accélération.", registry) == []


@pytest.mark.skipif(not (ROOT.parent / "shared" / "reference").is_dir(), reason="../shared is not here")
def test_the_real_bilan_names_phases_the_registry_agrees_with(tmp_path) -> None:
    from extractor.profiles.betagouv.registry import import_betagouv

    import_betagouv(ROOT.parent / "shared" / "reference" / "betagouv", tmp_path / "reference.sqlite")
    registry = load_registry(tmp_path / "reference.sqlite")
    doc = load(str(ROOT / "corpus" / "bilan-2024.md"))
    assert checks.run(doc, checks.Context(registry=registry), ["reference/phase-mismatch"]) == []


LAUNCHED = (
    "---\ntitle: Bilan\n---\n\n### Focus sur quelques nouveaux produits lancés en 2024\n\n"
    "- [Alpha](/startups/alpha.html) : un service.\n"
)


def launched(registry: Registry) -> list[str]:
    doc = read_bytes(LAUNCHED.encode(), "bilan.md")
    return [f.message_fr for f in checks.run(doc, checks.Context(registry=registry), ["reference/phase-mismatch"])]


def test_a_product_launched_in_a_year_whose_construction_started_earlier() -> None:
    messages = launched(alpha(("investigation", "2022-01-10"), ("construction", "2022-06-01")))
    assert len(messages) == 1 and "le 01/06/2022" in messages[0] and "lancés en 2024" in messages[0]


def test_a_launch_within_the_year_or_a_month_of_it_is_no_finding() -> None:
    assert launched(alpha(("investigation", "2024-01-10"), ("construction", "2024-06-01"))) == []
    assert launched(alpha(("investigation", "2024-02-21"), ("construction", "2025-01-17"))) == []  # Carte Facile
    assert len(launched(alpha(("investigation", "2024-02-21"), ("construction", "2025-02-17")))) == 1


def test_a_launch_the_registry_does_not_date_is_no_finding() -> None:
    assert launched(alpha(("acceleration", "2025-06-25"))) == []  # no construction phase recorded


IMPACT = (
    "---\ntitle: Bilan\n---\n\n### Les services numériques à impact national en 2024\n\n"
    "- **[Alpha](/startups/alpha.html)**\n    - Sa mission : aider.\n"
)


def impact(*dates: str) -> list[str]:
    entity = Entity(id="startup:alpha", kind="startup", slug="alpha", name="Alpha", source_path="_startups/alpha.md",
                    slugs=[{"section": "startups", "slug": "alpha", "current": True}],  # type: ignore[list-item]
                    national_impact=list(dates))  # type: ignore[arg-type]  # fmt: skip
    doc = read_bytes(IMPACT.encode(), "bilan.md")
    ctx = checks.Context(registry=Registry([entity]))
    return [f.message_fr for f in checks.run(doc, ctx, ["reference/impact-mismatch"])]


def test_a_product_listed_at_national_impact_the_registry_dates_years_before() -> None:
    messages = impact("2021-12-31")
    assert len(messages) == 1 and "dès le 31/12/2021" in messages[0]
    assert "aucun événement" in impact()[0]


def test_the_registry_dates_national_impact_when_the_next_bilan_announces_it() -> None:
    assert impact("2025-02-26") == []  # the Bilan 2024's cohort, announced on 2025-02-26
    assert impact("2023-12-15") == []  # within a month of the year
    assert len(impact("2023-11-15")) == 1


@pytest.mark.skipif(not (ROOT.parent / "shared" / "reference").is_dir(), reason="../shared is not here")
def test_the_real_bilan_lists_the_registry_cohort_of_2024(tmp_path) -> None:
    """The seven services of « Les services numériques à impact national en 2024 » are the
    registry's national_impact events of 2025-02-26 (Refugies.info is linked under a former slug
    the registry does not know, which reference/unknown-slug reports)."""
    from extractor.profiles.betagouv.registry import import_betagouv

    import_betagouv(ROOT.parent / "shared" / "reference" / "betagouv", tmp_path / "reference.sqlite")
    registry = load_registry(tmp_path / "reference.sqlite")
    doc = load(str(ROOT / "corpus" / "bilan-2024.md"))
    assert checks.run(doc, checks.Context(registry=registry), ["reference/impact-mismatch"]) == []


# --- issue 27, class 4: created, born, new in a year -------------------------------------------


NEW_PAGE = "---\ntitle: Bilan\ndate: 2025-01-15\n---\n\n## {heading}\n\n- [Alpha](/startups/alpha.html){item}\n"


def said(heading: str, item: str, registry: Registry) -> list[str]:
    doc = read_bytes(NEW_PAGE.format(heading=heading, item=item).encode(), "bilan.md")
    return [f.message_fr for f in checks.run(doc, checks.Context(registry=registry), ["reference/phase-mismatch"])]


EARLIER = alpha(("investigation", "2022-03-01"), ("construction", "2022-09-01"))


@pytest.mark.parametrize(
    ("heading", "item"),
    [
        ("Les nouveaux produits de 2024", ""),
        ("Nos nouveaux services en 2024", " : un outil pour les mairies"),
        ("Les services", " : créé en 2024 pour les mairies"),
        ("Les services", " : naissance du service en 2024, à Lyon"),
        ("Les services", " : lancé en 2024"),
    ],
)
def test_a_product_called_new_in_a_year_the_registry_started_it_earlier(heading: str, item: str) -> None:
    (message,) = said(heading, item, EARLIER)
    assert "2024" in message and "Alpha" in message


@pytest.mark.parametrize(
    ("heading", "item", "registry"),
    [
        ("Les nouveaux produits de 2024", "", alpha(("investigation", "2024-03-01"))),  # started that year
        ("Les nouveaux produits de 2024", "", alpha(("investigation", "2023-12-10"))),  # within the month
        ("Les nouveaux produits de 2024", "", alpha(("investigation", "2025-04-01"))),  # dated later: may lag
        ("Les services", " : créé en 2024", alpha(("construction", "2024-05-01"))),
        ("Les services", " : créé en 2024", alpha()),  # no dated phase: the registry says nothing
        ("Les nouveaux produits de 2024", "", alpha(("investigation", "2022-03-01"), ("construction", "2024-02-01"))),
        ("Les services", " : en 2024, ses nouveaux usagers", EARLIER),  # new users, not a new product
    ],
)
def test_a_product_new_that_year_in_the_registry_is_silent(heading: str, item: str, registry: Registry) -> None:
    assert said(heading, item, registry) == []


# --- reference/phase-overlap: a registry page's phases that overlap (issue 27's recall reading) ---


def _overlap(phases: list[dict[str, str]]) -> list:
    from extractor import checks
    from extractor.ingest import read_bytes
    from extractor.reference.models import Entity
    from extractor.reference.store import Registry

    lines = "".join(
        f"  - name: {p['name']}\n" + "".join(f"    {k}: {p[k]}\n" for k in ("start", "end") if k in p) for p in phases
    )
    text = f"---\ntitle: Produit\nphases:\n{lines}---\nUn service.\n"
    entity = Entity.model_validate({"id": "startup:produit", "kind": "startup", "slug": "produit", "name": "Produit",
                                    "source_path": "_startups/produit.md", "phases": phases})  # fmt: skip
    doc = read_bytes(text.encode(), "_startups/produit.md")
    return checks.run(doc, checks.Context(registry=Registry([entity])), only=["reference/phase-overlap"])


def test_phases_that_overlap_by_more_than_a_month_fire_on_the_later_start() -> None:
    for phases, later in [
        ([{"name": "construction", "start": "2018-03-01"},
          {"name": "investigation", "start": "2018-03-01", "end": "2019-03-01"}], "construction"),
        ([{"name": "acceleration", "start": "2020-07-01", "end": "2022-12-16"},
          {"name": "consolidation", "start": "2021-01-01"}], "consolidation"),
        ([{"name": "investigation", "start": "2020-04-01", "end": "2020-07-07"},
          {"name": "abandon", "start": "2020-05-01"}], "abandon"),
    ]:  # fmt: skip
        (found,) = _overlap(phases)
        assert found.arguments["second"] == later
        assert found.evidence[0].location.line > 3  # the later phase's start line, not the page's top


def test_phases_that_follow_each_other_within_a_month_are_silent() -> None:
    for phases in [
        [{"name": "investigation", "start": "2018-03-01", "end": "2018-09-01"},
         {"name": "construction", "start": "2018-09-01"}],
        [{"name": "investigation", "start": "2018-03-01", "end": "2018-09-20"},
         {"name": "construction", "start": "2018-09-01"}],  # 19 days: within the month's margin
        [{"name": "construction", "start": "2018-03-01"}, {"name": "acceleration", "start": "2019-01-01"}],
        [{"name": "construction", "start": "2019-01-01", "end": "2019-06-01"},
         {"name": "investigation", "start": "2018-03-01", "end": "2019-01-01"}],  # listed out of order
    ]:  # fmt: skip
        assert _overlap(phases) == []
