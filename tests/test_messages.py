"""What the registry rules' messages and suggestions say (issue 23, item 14): a name in the text's
case, one finding per fact, a close entry proposed, on small registries written here."""

from __future__ import annotations

from extractor import checks
from extractor.ingest import read_bytes
from extractor.models import Finding
from extractor.reference.models import Entity
from extractor.reference.store import Registry


def startup(slug: str, name: str, **fields: object) -> Entity:
    return Entity.model_validate(
        {
            "id": f"startup:{slug}",
            "kind": "startup",
            "slug": slug,
            "name": name,
            "source_path": f"_startups/{slug}.md",
            "slugs": [{"section": "startups", "slug": slug, "current": True}],
            **fields,
        }
    )


def run(text: str, rule: str, entities: list[Entity], path: str = "page.md") -> list[Finding]:
    return checks.run(read_bytes(text.encode(), path), checks.Context(registry=Registry(entities)), only=[rule])


def test_a_name_typo_on_a_slide_in_capitals_is_corrected_in_capitals() -> None:
    (found,) = run(
        "# Bilan\n\n**MON DEVIS SANS OUBLI** aide les artisans.\n",
        "reference/name-typo",
        [startup("mon-devis-sans-oublis", "Mon Devis Sans Oublis")],
    )
    assert (found.variant, found.arguments["cased"]) == ("cased", "MON DEVIS SANS OUBLIS")
    assert found.arguments["name"] == "Mon Devis Sans Oublis"  # what the registry writes, told as such
    assert found.suggestion == "Écrire « MON DEVIS SANS OUBLIS »."


def test_a_name_typo_in_a_title_case_list_keeps_title_case() -> None:
    text = "# Lauréats\n\n- **Zéro Logements Vacants**\n- **Autre Produit Public**\n"
    found = run(text, "reference/name-typo", [startup("zero-logement-vacant", "Zéro logement vacant")])
    assert [f.arguments["cased"] for f in found] == ["Zéro Logement Vacant"]


def test_an_unknown_slug_whose_link_names_an_entry_proposes_it() -> None:
    text = "# Produits\n\nVoir [Emplois de l'inclusion](/startups/itou.html).\n"
    (found,) = run(text, "reference/unknown-slug", [startup("les-emplois", "Emplois de l'inclusion")])
    assert (found.variant, found.arguments["near_page"], found.arguments["name"]) == (
        "near-named", "/startups/les-emplois.html", "Emplois de l'inclusion",
    )  # fmt: skip


def test_an_unknown_entry_one_letter_off_proposes_the_close_one() -> None:
    organisation = Entity.model_validate(
        {
            "id": "organisation:menjs",
            "kind": "organisation",
            "slug": "menjs",
            "name": "Ministère de l'Éducation nationale",
            "source_path": "_organisations/menjs.md",
        }
    )
    incubator = Entity.model_validate(
        {
            "id": "incubator:educ",
            "kind": "incubator",
            "slug": "educ",
            "name": "Incubateur",
            "sponsors": ["organisation:menj"],
            "source_path": "_incubators/educ.md",
        }
    )
    page = "---\ntitle: Incubateur\nowner: /organisations/menj\n---\n\nUn incubateur.\n"
    (found,) = run(page, "reference/unknown-entry", [organisation, incubator], path="site/content/_incubators/educ.md")
    assert "« menjs »" in found.message_fr and "menjs" in (found.suggestion or "")


def test_an_unknown_slug_whose_link_names_an_incubator_points_at_its_page() -> None:
    incubator = Entity.model_validate(
        {"id": "incubator:gip-inclusion", "kind": "incubator", "slug": "gip-inclusion",
         "name": "Plateforme de l'inclusion", "source_path": "_incubators/gip-inclusion.md"}
    )  # fmt: skip
    text = "# Produits\n\nDans le cadre de [la Plateforme de l'Inclusion](/startups/itou.html).\n"
    (found,) = run(text, "reference/unknown-slug", [incubator, startup("dora", "Dora")])
    assert "/incubateurs/gip-inclusion.html" in found.message_fr and "gip-inclusion" in (found.suggestion or "")
