"""text/spelling (issue 15): Hunspell's French dictionary, read once; precision first (both sides of
each boundary); without the dictionary the rule is skipped and the run says so."""

from __future__ import annotations

import pytest

from extractor import checks
from extractor.checks import spelling
from extractor.ingest import read_bytes
from extractor.models import Finding
from extractor.reference.models import Entity
from extractor.reference.store import Registry

needs_dictionary = pytest.mark.skipif(
    spelling.dictionary() is None, reason="no French Hunspell dictionary (hunspell-fr-comprehensive, pyenchant)"
)


def run(text: str, ctx: checks.Context | None = None) -> list[Finding]:
    return checks.run(read_bytes(text.encode("utf-8"), "exemple.md"), ctx or checks.Context(), only=["text/spelling"])


def words(findings: list[Finding]) -> list[str]:
    return [f.message_fr.split("« ")[1].split(" »")[0] for f in findings]


def test_without_the_dictionary_the_rule_is_skipped_and_said(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor import engines

    def missing() -> object:
        raise engines.EngineMissing("dictionnaire français de Hunspell absent")

    monkeypatch.setitem(engines._ENGINES, "hunspell-fr", engines.Engine("hunspell-fr", "dictionnaire", "apt", missing))
    engines.reset()
    try:
        ctx = checks.Context()
        assert run("Une faute : notament.\n", ctx) == []
    finally:
        engines.reset()
    assert ctx.skipped["text/spelling"].reason_fr == "dictionnaire français de Hunspell absent"


def test_the_dictionary_is_read_once() -> None:
    assert spelling.dictionary() is spelling.dictionary()


@needs_dictionary
@pytest.mark.parametrize(
    ("text", "word", "right"),
    [
        ("Le service est notament utilisé.", "notament", "notamment"),
        ("Il est nécéssaire de simplifier.", "nécéssaire", "nécessaire"),
        ("Le partage de partiques entre pairs.", "partiques", "pratiques"),
        ("L'équipe souhaite participerà la modernisation.", "participerà", "participer à"),
        ("Le territoire s’élargi chaque année.", "élargi", "élargit"),
        ("Le feu avance, tout en allongent les périodes à risque.", "allongent", "allongeant"),
    ],
)
def test_a_slip_is_found_with_the_dictionary_word(text: str, word: str, right: str) -> None:
    found = run(text + "\n")
    assert words(found) == [word] and f"« {right} » attendu" in found[0].message_fr
    assert found[0].evidence[0].location.line == 1


@needs_dictionary
@pytest.mark.parametrize(
    "text",
    [
        "Le service est notamment utilisé.",  # correct
        "Il connait le terrain, maitrise les outils et gèrera le budget.",  # the 1990 spelling
        "Le territoire s'est élargi ; les entreprises en assurent la publication.",  # participle, pronoun "en"
        "Les coûts qui en résultent pèsent lourd.",
        "Le Notament est un nom propre ici, comme NOTAMENT.",  # capitalised, acronym
        "Voir https://exemple.fr/notament ou notament@exemple.fr.",  # URL, e-mail
        "Lancer `notament --help` pour voir.",  # code
        "Users say the dashboard is really useful and the onboarding was smooth.",  # English
        "Les profils ont bénéficiés de la formation.",  # an agreement, not a spelling slip
        "Chaque développeur(euse) et collaborat·eurs·rices.",  # inclusive writing
        "Un mot2passe v2beta et un amorcge.",  # digits; a word no single slip makes a word
    ],
)
def test_what_is_not_a_misspelling(text: str) -> None:
    assert run(text + "\n") == []


@needs_dictionary
def test_registry_words_are_known() -> None:
    registry = Registry(
        [Entity(id="startup:notament", kind="startup", slug="notament", name="Notament", source_path="x.md")]
    )
    assert run("Le service notament.\n") != []
    assert run("Le service notament.\n", checks.Context(registry=registry)) == []


@needs_dictionary
def test_programme_words_come_from_the_profile() -> None:
    assert run("Les intras accompagnent les équipes investiguées.\n") == []


@needs_dictionary
def test_a_huge_run_of_letters_is_quick_and_silent() -> None:
    import time

    started = time.monotonic()
    assert run("a" * 200_000 + " notamment\n") == []
    assert time.monotonic() - started < 5


def test_a_participle_after_a_reflexive_pronoun_is_explained_rightly() -> None:
    """« s'est réparti » is correct: the explanation must not say a participle never follows one."""
    (found,) = run("Le budget se réparti ainsi entre les équipes.\n")
    assert found.suggestion == "Écrire « répartit »."
    assert "« se répartit »" in found.message_fr and "s’est réparti" in found.message_fr
    assert "ne suit pas un pronom réfléchi" not in found.message_fr
    assert run("Le temps s’est réparti entre les équipes.\n") == []
