"""Entity mentions linked to the registry (issue 3, acceptance 3) and PDF/Markdown agreement (5)."""

from __future__ import annotations

import pytest

from extractor.claims.resolve import extract_claims
from extractor.entities.extract import extract_entities
from extractor.ingest import load, read_bytes
from extractor.models import EntityMention
from tests.conftest import BILAN_2024, PRESS_RELEASE

PRESS_NAMES = {
    "JeVeuxAider": "startup:jeveuxaider",
    "Registre de preuve de covoiturage": "startup:preuve-de-covoiturage",
    "Tchap": "startup:tchap",
    "Immersion Facilitée": "startup:l-immersion-facile",
    "DomiFa": "startup:domifa",
    "eva": "startup:eva",
    "Oz Ensemble": "startup:ozensemble",
    "France Chaleur Urbaine": "startup:chauffage-urbain",
    "Tableau de bord de l’apprentissage": "startup:tdb-apprentissage",
    "Territoires en Transitions": "startup:territoires-en-transitions",
    "Mes Événements emploi": "startup:mes-evenements-emploi",
    "Marché de l’inclusion": "startup:place-de-marche-inclusion",
    "MonServiceSécurisé": "startup:homologation",
}
BILAN_NAMES = {
    "Mano": "startup:mano",
    "Accès Libre": "startup:acceslibre",
    "Réfugiés.info": "startup:refugies.info",  # the link's slug (refugies.infos) is unknown: the name decides
    "Franche Chaleur Urbaine": "startup:chauffage-urbain",  # misspelled: the link slug wins
    "Franche VAE": "startup:reva",
    "A-Just": "startup:a-just",
    "Tchap": "startup:tchap",
    "Mes événements emploi Simplifiées": "startup:mes-evenements-emploi",
    "seLEXpert": "startup:experts",
    "1 élève, 1 stage": "startup:1-eleve-1-stage",
}


@pytest.fixture(scope="module")
def press(registry) -> list[EntityMention]:
    return extract_entities(load(PRESS_RELEASE), registry)


@pytest.fixture(scope="module")
def bilan(registry) -> list[EntityMention]:
    return extract_entities(load(BILAN_2024), registry)


@pytest.mark.parametrize(("name", "entity_id"), PRESS_NAMES.items())
def test_press_release_services_are_linked(press: list[EntityMention], name: str, entity_id: str) -> None:
    linked = {m.entity_id for m in press if m.text == name}
    assert linked == {entity_id}


@pytest.mark.parametrize(("name", "entity_id"), BILAN_NAMES.items())
def test_bilan_services_are_linked(bilan: list[EntityMention], name: str, entity_id: str) -> None:
    assert entity_id in {m.entity_id for m in bilan if m.text == name}


def test_unknown_slug_keeps_its_href(bilan: list[EntityMention]) -> None:
    mention = next(m for m in bilan if m.text == "Réfugiés.info")
    assert mention.href == "/startups/refugies.infos.html" and mention.source == "slug"
    lines = BILAN_2024.read_text(encoding="utf-8").splitlines()
    assert lines[mention.location.line - 1][mention.location.column - 1 :].startswith("R√©fugi√©s.info")


def test_common_words_are_not_services(registry) -> None:
    doc = read_bytes(
        "Des personnes expertes des métiers du numérique prennent des docs et plantent une haie.\n".encode(), "a.md"
    )
    assert [m for m in extract_entities(doc, registry) if m.label == "STARTUP"] == []


def test_without_registry_slugs_still_name_startups() -> None:
    doc = read_bytes(b"- [Tchap](/startups/tchap.html) : 279 500 utilisateurs\n", "a.md")
    mentions = extract_entities(doc, None, use_ner=False)
    assert [(m.text, m.entity_id, m.source) for m in mentions] == [("Tchap", "startup:tchap", "slug")]


def test_pdf_and_markdown_give_the_same_plf_and_fast_claims(registry, bilan_pdf) -> None:
    md = extract_claims(load(BILAN_2024), registry)
    pdf = extract_claims(load(bilan_pdf), registry)

    def key(claim) -> tuple:
        return (claim.quantity.value, claim.quantity.unit, claim.metric_id, claim.scope_id, claim.period, claim.kind)

    plf_md = sorted(key(c) for c in md if c.location.line in range(48, 55))
    plf_pdf = sorted(key(c) for c in pdf if c.location.page == 9)
    assert len(plf_md) == 20 and plf_md == plf_pdf
    fast_md = sorted(key(c) for c in md if c.metric_id == "fast_amount" and c.scope_id.startswith("startup:"))
    fast_pdf = sorted(key(c) for c in pdf if c.metric_id == "fast_amount" and c.scope_id.startswith("startup:"))
    assert len(fast_md) == 16
    assert fast_md == fast_pdf


@pytest.mark.parametrize(
    ("label", "incubator"),
    [
        ("la DINUM", "incubator:dinum"),  # its own name wins over the other incubators DINUM owns
        ("l'écologie", "incubator:mtes"),  # not the ADEME's "Transition Écologique"
        ("l'IGN", "incubator:fab-geocommuns"),  # through its owning organisation
        ("Cerema", "incubator:accelerema"),
        ("Affaires étrangères", "incubator:latelier.numerique.du.ministere.de.leurope.et.des.affaires.etrangeres"),
        ("l'Engagement Civique", None),
    ],
)
def test_incubator_labels(registry, label: str, incubator: str | None) -> None:
    assert registry.host_for(label) == incubator


def test_slug_for_variants(registry) -> None:
    assert registry.slug_for("Les emplois de l'inclusion") == "les-emplois"  # title without its article
    assert registry.slug_for("mes-aides.gouv.fr") == "mes-aides"  # a site name
    assert registry.slug_for("Wikicarbone") == "ecobalyse"  # a former slug
    assert registry.slug_for("Franche Chaleur Urbaine") is None  # typos are the name-typo rule's job


def test_chart_items_are_scoped_to_their_incubator(registry) -> None:
    claims = extract_claims(load(BILAN_2024), registry)
    chart = {c.quantity.raw: c.scope_id for c in claims if c.metric_id == "services_per_incubator"}
    assert chart["59"] == "incubator:dinum" and chart["43"] == "incubator:mtes"


def test_the_light_tokenizer_finds_what_the_model_s_tokenizer_finds(registry, bilan_pdf) -> None:
    """The gazetteer without NER (check's HTML report, the service) tokenises with spaCy's light
    multi-language tokenizer plus French elisions instead of loading the model (6 s): on the corpus
    and the Bilan 2024 PDF it must find exactly the same registry mentions."""
    from extractor.entities import nlp
    from extractor.entities.gazetteer import matcher_for
    from tests.conftest import CORPUS

    light, model = nlp._tokenizer(), nlp.load_nlp()
    assert light is not model and light.vocab is not model.vocab
    assert [t.text for t in light.make_doc("l’État et d'Aides Jeunes, qu’il lance")][:4] == ["l’", "État", "et", "d'"]
    docs = [load(path) for path in sorted(CORPUS.glob("*.md"))] + [load(CORPUS / "bilan-2021.txt"), load(bilan_pdf)]
    found = 0
    for doc in docs:
        mentions = {}
        for pipeline in (light, model):
            matcher = matcher_for(pipeline, registry)
            spans = []
            for block in doc.blocks:
                tokens = pipeline.make_doc(block.text)
                for match_id, start, end in matcher(tokens):  # token indexes differ: compare characters
                    span = tokens[start:end]
                    spans.append((block.id, span.start_char, span.end_char, match_id))
            mentions[pipeline] = sorted(spans)
        assert mentions[light] == mentions[model], doc.path
        found += len(mentions[light])
    assert found > 250


def test_a_report_without_ner_does_not_load_the_model(tmp_path) -> None:
    """In a new process (other tests load the model): the gazetteer works, and neither the model
    nor spaCy's French language (the slow import) is loaded."""
    import subprocess
    import sys

    from tests.conftest import REFERENCE, need

    need(REFERENCE)
    db = str(tmp_path / "reference.sqlite")
    script = f"""
import sys
from extractor.entities import nlp
from extractor.entities.extract import extract_entities
from extractor.ingest import load
from extractor.profiles.betagouv.registry import import_betagouv
from extractor.reference.store import load_registry
import_betagouv({str(REFERENCE)!r}, {db!r})
mentions = extract_entities(load({str(PRESS_RELEASE)!r}), load_registry({db!r}), use_ner=False)
assert any(m.source == "gazetteer" and m.text == "DINUM" for m in mentions), mentions
assert nlp._load.cache_info().currsize == 0, "the model was loaded"
assert "spacy.lang.fr" not in sys.modules, "spaCy's French language was imported"
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
