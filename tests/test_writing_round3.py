"""The third precision round of the writing rules (issue 26): each cause of a false finding read
on the held-out half of ../shared/site, in wordings written for the test, silent; and next to each
filter, the error it must still report. Skips where Grammalecte is not installed."""

from __future__ import annotations

import pytest

from extractor import checks, engines
from extractor.checks import grammalecte
from extractor.ingest import read_bytes


@pytest.fixture(autouse=True)
def engine() -> grammalecte.Grammalecte:
    found = grammalecte.checker()
    if found is None:
        pytest.skip(f"Grammalecte is not installed: {engines.probe(grammalecte.ENGINE).reason_fr}")
    return found


def run(text: str, rule: str) -> list[str]:
    """The rule's findings, both writing rules running (Grammalecte's unknown words join
    text/spelling when text/grammar runs)."""
    doc = read_bytes(text.encode(), "exemple.md")
    both = ["text/grammar", "text/spelling"]
    found = checks.run(doc, checks.Context(), only=both, enabled=both)
    return [f"{f.evidence[0].quote} | {f.message_fr}" for f in found if f.rule == rule]


@pytest.mark.parametrize(
    "text",
    [
        "Les régions sont classées de la plus à la moins peuplée dans ce tableau.",  # a superlative's ellipsis
        "Nous suivons les indicateurs vélo de chaque commune.",  # two nouns
        "Bonjour, je suis Héla Martin et je coache des équipes.",  # a first name read as a verb
        "Extraction Transformer un document non structuré en un tableau.",  # a label, its line break lost
        "Un dossier sur quatre non traité reste en attente.",  # one in so many
        "Une demande sur deux refusée faute de pièces.",
        "La grille comporte trois volets : technique « mesurer » ; usage « tester » ; social « partager ».",
        "Les agents sont confrontés à la recopie manuelle des formulaires.",  # a noun made with a prefix
        "Les sols sont pollués par la chlordécone depuis les années 1970.",  # a gender in use
        "Le lancement de la bêta est prévu en mars.",
        "Le service recrute par le bouche à oreille dans les quartiers.",  # a compound without hyphens
        "Le service est ouvert pour les futur⸱es apprenti⸱es de la région.",  # U+2E31
        "Tous les élèves, quels que soient leur âge ou leur niveau, sont accueillis.",  # two subjects
        "Tous les candidats quels que soient leur filière/parcours/origine sont reçus.",
        "L’outil propose une recherche multicritères sur le catalogue.",  # prefix and plural noun
        "Roadmap de déploiement détaillée par région en fonction des besoins.",  # a head of unknown gender
        "C’est quand à la fin du mois on a clôturé les comptes que le problème est apparu.",  # « quand » of time
        "Je coache des Startups d’État depuis 3 ans, au sein de l’incubateur de Pôle emploi, qui compte 8 équipes.",
        "soit résident à Paris",  # a fragment of a PDF's line
    ],
)
def test_grammar_stays_silent_where_the_sentence_is_right(text: str) -> None:
    assert run(text + "\n", "text/grammar") == []


@pytest.mark.parametrize(
    "text",
    [
        "Ils suivent les services numérique de chaque commune.",  # an adjective, not a noun
        "Nous avons reçu les agents formé aux outils.",
        "Le premier enjeux de ce problème est la compréhension.",  # « premier » is no noun
        "Sur les trois dossiers, deux dossier sont incomplets.",  # a count, not one in so many
        "La service est ouvert tous les jours.",
        "Le bouche de métro est fermée.",  # no compound
        "Tous les élèves quels que soit leur âge sont accueillis.",
        "L’outil propose une recherche avancées sur le catalogue.",
        "Quand à la méthode, elle reste la même.",  # « quant à »
        "Les futur étudiants sont attendus en septembre.",
        "Nous avons organiser une réunion avec les équipes.",
        "Les démarches administratives (Dites le Nous une Fois) sont simplifiées.",  # a capital, an imperative
    ],
)
def test_grammar_still_reports_next_to_those_filters(text: str) -> None:
    assert run(text + "\n", "text/grammar")


@pytest.mark.parametrize(
    "text",
    [
        "Plusieurs centaines de demandes ont déjà été mergées dans le dépôt principal.",  # English verbs
        "Les fichiers taggés “à archiver” sont supprimés chaque mois.",
        "Le greffe assure le bâtonnage des pièces du dossier.",  # bâtonner + -age
        "Il a signé un contrat salarié/libéral avec l’hôpital.",  # « éral »: a piece of a word
        "Le service n’est pas scalable en l’état.",  # no fix keeps the first letter
        "La gamification est utilisée comme outil d’acquisition.",  # two letters changed: another word
    ],
)
def test_spelling_stays_silent_on_words_formed_or_borrowed(text: str) -> None:
    assert run(text + "\n", "text/spelling") == []


@pytest.mark.parametrize(
    "text",
    [
        "Les pages ont été developpées par l’équipe en deux mois.",  # not an English verb: an accent
        "Le service est disponnible pour tous les usagers.",
        "L'équipe a été récompencée pour son travail.",
        "Les profils validés ont bénéficiés de la part des conseillers.",  # no derivation in -és
        "Nous avons interrogé 150 répondants présentants une maladie chronique.",  # no -ants derivation
        "Les associations ondoniennes font un travail remarquable.",  # a first letter forgotten
        "La démarche intrepreneuriale est remplacée par autre chose.",  # a vowel for another
    ],
)
def test_spelling_still_reports_typos_next_to_those_filters(text: str) -> None:
    assert run(text + "\n", "text/spelling")


def test_the_lexicon_tells_a_noun_from_an_adjective(engine: grammalecte.Grammalecte) -> None:
    vélo, statistiques = engine.morph(["vélo", "statistiques"])
    assert all(":N" in m for m in vélo) and any(":A" in m for m in statistiques)
    assert engine.morph(["xqzwv"]) == [[]]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Il sait rédiger des user stories pour l’équipe.", "text/grammar"),  # an English term
        ("Nous avons rencontré de très bons agilistes à Lyon.", "text/spelling"),  # agile + -iste
        ("La stratégie vient du maréchal Helmuth von Moltke lui-même.", "text/spelling"),  # a name's particle
    ],
)
def test_the_fourth_rounds_causes_stay_silent(text: str, rule: str) -> None:
    """Causes read on the tune half of the corrections' pages (scripts/fresh_writing.py)."""
    assert run(text + "\n", rule) == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Nous avons user les chaussures.", "text/grammar"),  # « user », a French verb, alone
        ("Nous travaillons avec des dévelopeurs de Nantes.", "text/spelling"),
        ("Le train va de Paris ensuitte Lyon.", "text/spelling"),  # between two names, but no particle: long
    ],
)
def test_next_to_the_fourth_rounds_filters_errors_are_reported(text: str, rule: str) -> None:
    assert run(text + "\n", rule)


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        ("Les résultats sont stockés dans une base de donnée unique.", True),
        ("Les bases de donnée des deux ministères ne communiquent pas.", True),
        ("Le coût baisse par rapports aux carburants fossiles.", True),
        ("Les résultats sont stockés dans une base de données unique.", False),
        ("Les rapports à l’administration sont publiés.", False),  # no « par »
        ("Le projet `base de donnée` est un nom de dépôt.", False),  # code
    ],
)
def test_a_fixed_phrase_written_wrong_is_reported(text: str, reported: bool) -> None:
    """grammalecte.yaml's `locutions`: what Grammalecte lets through (the whole-page reading's
    « la base de donnée », « par rapports aux »)."""
    found = [f for f in run(text + "\n", "text/grammar") if "Locution mal écrite" in f]
    assert bool(found) is reported, found


def test_every_middle_dot_of_inclusive_writing_is_one_before_a_word_too() -> None:
    """The spelling filters read the same marks after a word (« développeurs• ») and before one
    (« •euses »): the bullet was missing before a word."""
    assert run("Nous recrutons des développeurs•euses et des designers•euses.\n", "text/spelling") == []
    assert run("Nous recrutons des dévelopeurs et des designers.\n", "text/spelling")
