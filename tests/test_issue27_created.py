"""Issue 27, class 4 (second half): a count of incubators created in a year against the incubators
whose registry pages state the year they started. Small texts and small registries written here,
in several wordings, with at least as many silent near-misses."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor import checks, profiles
from extractor.ingest import read_bytes
from extractor.profiles.registry import created_year, read_registry
from extractor.reference.models import Entity
from extractor.reference.store import Registry, import_into, load_registry

RULE = "reference/hosts-created"


def incubator(slug: str, created: int | None) -> Entity:
    return Entity(
        id=f"incubator:{slug}", kind="incubator", slug=slug, name=f"Incubateur {slug.title()}",
        source_path=f"_incubators/{slug}.md", created=created,
    )  # fmt: skip


# Three incubators started in 2024, one in 2021, one undated.
REGISTRY = Registry(
    [
        incubator("alpha", 2024),
        incubator("beta", 2024),
        incubator("gamma", 2024),
        incubator("delta", 2021),
        incubator("epsilon", None),
    ]
)


def found(text: str, registry: Registry = REGISTRY) -> list[str]:
    ctx = checks.Context(registry=registry)
    return [f.message_fr for f in checks.run(read_bytes(text.encode(), "bilan.md"), ctx, only=[RULE])]


@pytest.mark.parametrize(
    "text",
    [
        "Le réseau compte 2 incubateurs créés en 2024.\n",
        "Deux nouveaux incubateurs en 2024 : l'Incubateur Alpha et l'Incubateur Beta.\n",
        "L'année a vu la création de 2 incubateurs en 2024.\n",
        "En 2024, 2 nouveaux incubateurs ont rejoint le réseau.\n",
        "2 incubateurs ont été créés au sein du réseau en 2024.\n",
        "## Le réseau\n\n- 1 incubateur lancé en 2024\n- 2 incubateurs ont été lancés en 2024\n",
        "En 2021, 0 incubateurs créés : le réseau s'est consolidé.\n",
    ],
)
def test_a_count_below_the_registrys_creations_of_the_year_fires(text: str) -> None:
    messages = found(text)
    assert len(messages) == 1, messages
    assert "Incubateur Alpha" in messages[0] or "Incubateur Delta" in messages[0]


@pytest.mark.parametrize(
    "text",
    [
        # the registry's count, or more (the registry is a lower bound: closed or undated incubators)
        "Le réseau compte 3 incubateurs créés en 2024.\n",
        "Quatre nouveaux incubateurs en 2024.\n",
        "La création de 5 incubateurs en 2021 a marqué l'année.\n",
        # a count of something else
        "En 2024, 2 incubateurs partenaires ont rejoint le FAST.\n",
        "2 nouveaux incubateurs partenaires en 2024.\n",
        "Le programme a accompagné 2 incubateurs en 2024.\n",
        "2 incubateurs accompagnés en 2024 par l'équipe.\n",
        "3 incubateurs sensibilisés.\n",
        "2 nouveaux incubateurs ministériels en 2024.\n",
        # a part of them: a scope, not the programme's count
        "2 incubateurs ont été créés au sein du ministère des Armées en 2024.\n",
        "En 2024, 2 nouveaux incubateurs ont été lancés dans les régions.\n",
        "La création de 2 incubateurs chez les opérateurs en 2024.\n",
        # a count that is not exact
        "Plus de 2 incubateurs créés en 2024.\n",
        "Près de 2 nouveaux incubateurs en 2024.\n",
        # no year in the sentence
        "Le réseau compte 2 nouveaux incubateurs.\n",
        "## En 2024\n\n2 incubateurs créés cette année.\n",
        # a year of something else, another year with no dated incubator
        "2 nouveaux incubateurs en 2019.\n",
    ],
)
def test_other_counts_stay_silent(text: str) -> None:
    assert found(text) == []


def test_a_registry_that_dates_no_incubator_says_nothing() -> None:
    bare = Registry([incubator("alpha", None), incubator("beta", None)])
    assert found("0 nouveaux incubateurs en 2024.\n", bare) == []


def test_an_incubators_page_dates_its_start_only_when_it_states_one_year() -> None:
    host = profiles.active().layout.role("host")
    assert host is not None
    assert created_year(host, "short_description: Lancé en septembre 2020, cet incubateur …") == 2020
    assert created_year(host, "Créée en 2017 et intégrée à la Direction du Numérique.") == 2017
    assert created_year(host, "Depuis 2015, l'Incubateur accompagne… 42 produits incubés depuis 2015.") == 2015
    assert created_year(host, "Lancé en 2019, cet incubateur… Il a été créé en 2018.") is None
    assert created_year(host, "Créée en 2021 et intégrée depuis 2024 au réseau.") is None
    assert created_year(host, "Un incubateur qui accompagne 12 produits.") is None


def test_the_creation_year_goes_through_the_import_and_the_store(tmp_path: Path) -> None:
    root = tmp_path / "content"
    for folder in ("_startups", "_incubators", "_organisations"):
        (root / folder).mkdir(parents=True)
    (root / "_startups" / "s.md").write_text("---\ntitle: S\n---\nUn service lancé en 2012.\n", encoding="utf-8")
    (root / "_incubators" / "a.md").write_text(
        "---\ntitle: Incubateur A\nshort_description: Lancé en mars 2024, cet incubateur…\n---\nTexte.\n",
        encoding="utf-8",
    )
    (root / "_incubators" / "b.md").write_text("---\ntitle: Incubateur B\n---\nTexte.\n", encoding="utf-8")
    entities = read_registry(root).entities
    import_into(tmp_path / "ref.sqlite", entities)
    loaded = load_registry(tmp_path / "ref.sqlite")
    assert loaded is not None
    created = {e.slug: e.created for e in loaded.entities.values()}
    assert created == {"a": 2024, "b": None, "s": None}  # a product's page dates no creation
    assert found("1 nouvel incubateur en 2024 ; 0 incubateurs créés en 2024.\n", loaded)
