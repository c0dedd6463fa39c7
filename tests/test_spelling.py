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


# Issue 26: the words Grammalecte's dictionary rejects, and the filters that keep them precise.

needs_grammalecte = pytest.mark.skipif(
    __import__("extractor.checks.grammalecte", fromlist=["checker"]).checker() is None,
    reason="Grammalecte is not installed",
)


def with_grammar(text: str, ctx: checks.Context | None = None) -> list[str]:
    document = read_bytes(text.encode("utf-8"), "exemple.md")
    found = checks.run(document, ctx or checks.Context(), only=["text/spelling", "text/grammar"])
    return words([f for f in found if f.rule == "text/spelling"])


@needs_dictionary
def test_a_word_ending_a_block_is_checked_too() -> None:
    assert not spelling._inclusive("Le service notament", 11, 19)  # "" is in every string
    assert words(run("Le service est notament\n")) == ["notament"]
    assert spelling._inclusive("les collaborat·eurs", 4, 14)


@needs_dictionary
@needs_grammalecte
@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("La loi sera prochainement abbrogée au profit de la caisse.\n", "abbrogée"),  # a letter doubled
        ("Les équipes veulent tester lasolution avec les agents.\n", "lasolution"),  # a space forgotten
        ("Nous suivons la construciton des kits avec les agents.\n", "construciton"),  # two letters swapped
    ],
)
def test_a_misspelling_a_slip_away_from_its_fix_is_reported(text: str, word: str) -> None:
    assert with_grammar(text) == [word]


@needs_dictionary
@needs_grammalecte
@pytest.mark.parametrize(
    "text",
    [
        "Les usages des maintenanciers sont suivis par les équipes.\n",  # no fix a slip away: jargon
        "Ce projet améliore le partage de la donnée bâtimentaire entre services.\n",  # a suffix
        "La proactivité est dépriorisée dans les services depuis un an.\n",  # a prefix
        "Les services développés sont « apisables » depuis cette année.\n",  # quoted on purpose
        "Les adresses génériques (wanadoo.fr, gmail.com) ne suffisent pas.\n",  # domain names
        "Les équipes utilisent le langage fullstack pour leurs produits.\n",  # English words glued
        "Nous recrutons un/e designeu/se pour cette équipe.\n",  # inclusive writing with a slash
    ],
    ids=["jargon", "suffix", "prefix", "quoted", "domains", "english", "slash"],
)
def test_words_the_dictionaries_lack_are_not_all_misspellings(text: str) -> None:
    assert with_grammar(text) == []


class Corpus:
    """A corpus index with the given pages (what `site_vocabulary` reads of it)."""

    def __init__(self, pages: list[str]) -> None:
        import sqlite3

        self.key = "corpus"
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE TABLE documents (path TEXT, sha256 TEXT, corpus TEXT)")
        self.db.executemany("INSERT INTO documents VALUES (?, ?, 'corpus')", [(p, str(i)) for i, p in enumerate(pages)])


def vocabulary_of(tmp_path, texts: list[str]) -> checks.Context:
    pages = []
    for i, text in enumerate(texts):
        page = tmp_path / f"page{i}.md"
        page.write_text(text, encoding="utf-8")
        pages.append(str(page))
    return checks.Context(corpus=Corpus(pages))  # type: ignore[arg-type]


def test_the_site_vocabulary_is_a_word_on_three_pages(tmp_path) -> None:
    ctx = vocabulary_of(tmp_path, ["La donnée bâtimentaire.\n", "Les parcs bâtimentaires et la donnée Bâtimentaire.\n",
                                   "Une donnée bâtimentaire, une construciton, une construciton.\n",
                                   "Un bâtimentaire de plus ; une construciton.\n"])  # fmt: skip
    vocabulary = spelling.site_vocabulary(ctx)
    assert spelling.VOCABULARY_PAGES == 3
    assert "bâtimentaire" in vocabulary  # on three pages (once with a capital)
    assert "construciton" not in vocabulary  # three times on one page and once on another: a typo copied


@needs_dictionary
@needs_grammalecte
def test_jargon_of_the_site_is_silent_and_a_typo_copied_to_two_pages_is_not(tmp_path) -> None:
    text = "Les équipes veulent tester lasolution avec les agents.\n"
    (tmp_path / "two").mkdir()
    (tmp_path / "three").mkdir()
    copied = vocabulary_of(tmp_path / "two", [text, text, "Une autre page.\n"])
    assert with_grammar(text, copied) == ["lasolution"]  # a typo on two pages is still reported
    jargon = vocabulary_of(tmp_path / "three", [text, text, text])
    assert with_grammar(text, jargon) == []  # written the same way on three pages: the site's word


@needs_dictionary
@needs_grammalecte
@pytest.mark.parametrize(
    "text",
    [
        "L’application est la petite soeur du service, en un clin d'oeil.\n",  # « oe » for the ligature
        "Les acteurs associatifs oeuvrant déjà au renforcement du réseau.\n",
        "La démarche est fastidieuse et très jargonnée pour les employeurs.\n",  # from « jargonner »
        "Le texte est ensuite revu par un valideur du ministère.\n",  # from « valider »
        "Les règles de délivrabilité des courriels se sont durcies.\n",  # from « délivrable »
        "Un contentieux de masse qui embolise les tribunaux administratifs.\n",  # from « embolie »
        "Les données permettent une surveillance (épidémio-surveillance et gestion d’alertes sanitaires) et un"
        " pilotage de la filière (analyse de risques, actions de sensibilisation ciblées).\n",  # a compound in -o
        "Il y a une frustration de la part des assos et des commerçants.\n",  # a familiar clipping
        "Des sites (macantine, le.taxi, covoiturage.beta.gouv.fr) ont adopté le service.\n",  # a list of sites
        "Nous accueillons toustes les agents, celleux qui le souhaitent.\n",  # inclusive writing
    ],
    ids=[
        "ligature",
        "ligature-verb",
        "participle",
        "agent-noun",
        "abilite",
        "iser",
        "compound-o",
        "clipping",
        "site-list",
        "inclusive",
    ],
)
def test_words_formed_as_french_forms_them_are_not_misspellings(text: str) -> None:
    assert with_grammar(text) == []


@needs_dictionary
@needs_grammalecte
@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Le projet est lancé avec les dévelopeurs du ministère.\n", "dévelopeurs"),  # no verb « déveloper »
        ("Les actions sont realisées par les équipes.\n", "realisées"),  # no verb « realiser »
        ("Les acteurs associatifs ouevrant déjà au renforcement du réseau.\n", "ouevrant"),  # no ligature: a swap
        ("Nous suivons la construciton des kits et lasolution (voir exemple.fr).\n", "construciton"),  # no list
        ("Le forfait est unclus dans le prix du service.\n", "unclus"),  # its first key may slip
        ("Les profils validés ont bénéficiés de la part des conseillers.\n", "bénéficiés"),  # after « avoir »
    ],
)
def test_what_looks_formed_but_is_a_slip_is_reported(text: str, word: str) -> None:
    assert word in with_grammar(text)


@needs_dictionary
@needs_grammalecte
def test_a_word_written_several_times_on_a_page_is_deliberate_unless_a_habitual_slip() -> None:
    """The rule: a word the dictionaries lack, written PAGE_REPEATS (2) times or more the same way
    on one page, is the writer's word (« littéracie » for « littératie »: a letter changed;
    « sourdaveugles »: a compound written as one word), unless its fix undoes a slip writers repeat
    by habit: an accent, a doubled, missing or extra letter, two swapped letters, a vowel for
    another (« dévelopement », « construciton », « disponiblités » twice on a page are still
    typos). Written once, both are reported."""
    assert spelling.PAGE_REPEATS == 2
    once = "Les compétences de base (littéracie et calcul) sont évaluées.\n"
    twice = once + "La littéracie est au cœur du test.\n"
    assert with_grammar(once) == ["littéracie"]
    assert with_grammar(twice) == []
    typo = "Nous suivons le dévelopement des kits.\n"
    assert with_grammar(typo + typo) == ["dévelopement", "dévelopement"]
    swap = "Nous suivons la construciton des kits.\n"
    assert with_grammar(swap + swap) == ["construciton", "construciton"]
    missing = "Le service est ouvert selon vos disponiblités.\n"
    assert with_grammar(missing + missing) == ["disponiblités", "disponiblités"]
