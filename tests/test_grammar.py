"""Grammalecte as an engine and the rules that read it (issue 26): `text/grammar` (off by
default), `text/typography` (off by default), Grammalecte's non-words in `text/spelling`, the
catalogue's message templates, and `factcheck eval --corrections`. Skips where Grammalecte is not
installed, except the test that simulates its absence."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import checks, engines
from extractor.checks import grammalecte
from extractor.cli import app
from extractor.ingest import read_bytes
from extractor.models import Evidence, Finding, Location, Severity
from tests.conftest import ROOT, SHARED, need

GOLD = ["--corpus", str(ROOT / "corpus"), "--expected", str(ROOT / "expected")]  # the extraction's, from any folder


@pytest.fixture
def engine() -> grammalecte.Grammalecte:
    found = grammalecte.checker()
    if found is None:
        pytest.skip(f"Grammalecte is not installed: {engines.probe(grammalecte.ENGINE).reason_fr}")
    return found


@pytest.fixture
def no_grammalecte(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """The worker's interpreter is one without Grammalecte: it answers as the worker does there."""
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\nexec python3 -c 'import json; print(json.dumps({\"ready\": False, "
                    "\"error\": \"ModuleNotFoundError: No module named grammalecte\"}))'\n")  # fmt: skip
    fake.chmod(0o755)
    monkeypatch.setenv(grammalecte.PYTHON_ENV, str(fake))
    engines.reset()
    yield
    engines.reset()


def run(text: str, *rules: str, enabled: tuple[str, ...] = ()) -> list[Finding]:
    return checks.run(read_bytes(text.encode("utf-8"), "page.md"), checks.Context(), list(rules) or None, enabled)


def test_the_engine_answers_on_a_small_text(engine: grammalecte.Grammalecte) -> None:
    [result] = engine.check(["Les services évalué sont administratves."])
    assert [(e.type, e.start, e.end, e.suggestions) for e in result.grammar] == [("gn", 13, 19, ["évalués"])]
    assert [(e.word, e.start) for e in result.spelling] == [("administratves", 25)]
    assert "administratives" in engine.suggest(["administratves"])[0]


def test_the_cache_key_describes_grammalecte_without_starting_it() -> None:
    from extractor import cachekey

    assert "grammalecte=python=" in cachekey.engines()


def test_a_missing_grammalecte_skips_its_rules_with_the_reason(no_grammalecte, tmp_path: Path) -> None:
    status = engines.probe(grammalecte.ENGINE)
    assert not status.available and "Grammalecte absent" in status.reason_fr
    assert "apt-get install python3-grammalecte" in status.hint_fr
    page = tmp_path / "page.md"
    page.write_text("Quelque soit la situation, nous avons avancé.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(page), "-f", "json", "--fail-on", "never",
                                      "--reference", str(tmp_path / "none.sqlite"), "-r", "text/grammar"])  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    skipped = {s["rule"]: s for s in report["stats"]["skipped"]}
    assert "Grammalecte absent" in skipped["text/grammar"]["reason_fr"]
    assert "python3-grammalecte" in skipped["text/grammar"]["hint_fr"]
    assert report["findings"] == []


def test_a_missing_interpreter_is_a_reason_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(grammalecte.PYTHON_ENV, str(tmp_path / "no-python"))
    engines.reset()
    try:
        status = engines.probe(grammalecte.ENGINE)
        assert not status.available and "introuvable" in status.reason_fr and grammalecte.PYTHON_ENV in status.hint_fr
    finally:
        engines.reset()


def test_grammar_reports_agreement_with_the_fix_at_the_place_in_the_file(engine) -> None:
    text = "# Titre\n\nUn texte avec du **gras** et un [lien](https://exemple.fr), puis les services évalué.\n"
    [found] = run(text, "text/grammar")
    where = found.evidence[0].location
    line = text.splitlines()[where.line - 1]
    assert where.line == 3 and line[where.column - 1 : where.end_column - 1] == "évalué"
    assert found.suggestion is not None and "évalués" in found.suggestion
    assert "pluriel" in found.message_fr and "“" not in found.message_fr  # French quotation marks


def test_grammar_reports_confusions_and_locutions(engine) -> None:
    found = run("Quelque soit la situation, nous avons progressé en terme de qualité.\n", "text/grammar")
    quoted = [f.evidence[0].quote for f in found]
    assert len(found) == 2, [f.message_fr for f in found]
    assert all(f.suggestion for f in found) and any("Quel que soit" in (f.suggestion or "") for f in found)
    assert quoted


@pytest.mark.parametrize(
    "text",
    [
        "Voir `les services évalué` dans le code.\n",  # code
        "Voir [les services évalué](https://exemple.fr) sur le site.\n",  # a link's text
        "Nous recrutons deux développeur.e.s indépendant.e.s cette année.\n",  # inclusive writing
        "Nous faisons des tests utilisateur chaque mois.\n",  # an apposition
        "It helps to engage a real and deep digital transformation of the State.\n",  # English
        "| Total communauté | Nombre |\n| --- | --- |\n| 12 | 14 |\n",  # table cells
        "Le tableau dit : LES SERVICES ÉVALUÉ SONT NOMBREUX, en capitales.\n",  # capitals
    ],
    ids=["code", "link-text", "inclusive", "apposition", "english", "table", "capitals"],
)
def test_grammar_stays_silent_where_the_engine_is_wrong(engine, text: str) -> None:
    assert run(text, "text/grammar") == []


def test_typography_is_its_own_rule_and_off_by_default(engine) -> None:
    text = 'Il a répondu : "oui" , puis il est parti.\n'
    assert all(f.rule != "text/typography" for f in [*run(text), *run(text, "text/")])  # a family is not its id
    assert {f.rule for f in run(text, "text/typography")} == {"text/typography"}
    assert all(f.rule != "text/grammar" for f in run(text, "text/grammar", "text/typography"))


def test_a_rule_off_by_default_runs_when_the_configuration_names_it(engine, tmp_path: Path) -> None:
    def check(folder: Path) -> dict:
        folder.mkdir()
        page = folder / "page.md"
        page.write_text("Les services évalué sont nombreux.\n", encoding="utf-8")
        args = ["check", str(page), "-f", "json", "--fail-on", "never", "--reference", str(tmp_path / "none.sqlite")]
        return json.loads(CliRunner().invoke(app, args).stdout)

    default = check(tmp_path / "default")
    assert all(f["rule"] != "text/grammar" for f in default["findings"])
    (tmp_path / "configured").mkdir()
    (tmp_path / "configured" / "factcheck.toml").write_text('[severity]\n"text/grammar" = "error"\n', encoding="utf-8")
    configured = check(tmp_path / "configured" / "docs")
    assert [(f["rule"], f["severity"]) for f in configured["findings"]] == [("text/grammar", "error")]


def test_grammalecte_non_words_join_spelling_only_when_grammar_runs(engine) -> None:
    text = "Les outils administratves sont prêts, et le designer aussi.\n"
    assert run(text, "text/spelling") == []  # Hunspell's slips alone: no one-slip correction here
    found = run(text, "text/spelling", "text/grammar")
    assert [(f.rule, f.evidence[0].location.column) for f in found] == [("text/spelling", 12)]
    assert "administratives" in (found[0].suggestion or "")


def test_an_imperative_without_its_s_gets_the_right_form() -> None:
    text = "Pour candidater : 1/ décrit ton projet 2/ rempli ton dossier 3/ transmet ton dossier.\n"
    found = run(text, "text/grammar")
    assert [f.suggestion for f in found] == ["Écrire «\u00a0décris\u00a0».", "Écrire «\u00a0remplis\u00a0».",
                                             "Écrire «\u00a0transmets\u00a0»."]  # fmt: skip
    assert run("Il décrit ton projet et transmet ton dossier.\n", "text/grammar") == []


def test_inclusive_forms_keep_their_offsets() -> None:
    from extractor.checks.grammar import without_inclusive

    for text in ("deux développeur.e.s indépendant", "les inspecteur·ices et les agriculteur·ices", "voir page.html"):
        assert len(without_inclusive(text)) == len(text)
    assert without_inclusive("deux développeur.e.s indépendant").split() == ["deux", "développeurs", "indépendant"]
    assert without_inclusive("voir page.html etc.") == "voir page.html etc."


def test_names_and_english_are_not_misspellings(engine) -> None:
    text = (
        "Le produit Zorglub utilise le framework en production, avec un workflow, les agriculteurices, "
        "un email et du self-care.\n"
    )
    assert [f for f in run(text, "text/spelling", "text/grammar") if f.rule == "text/spelling"] == []


def test_the_catalogue_renders_messages_from_arguments() -> None:
    evidence = [
        Evidence(location=Location(path="a.md", line=1, column=1, end_line=1, end_column=5), quote="son l'impact")
    ]
    found = checks.finding("text/grammar", evidence, variant="double-determiner", passage="son l'", first="son",
                           second="l'")  # fmt: skip
    assert found.message_fr.startswith("Deux déterminants de suite : « son l' »") and found.suggestion is None
    found = checks.finding("text/grammar", evidence, explanation="Accord.", suggestion={"choices": "« a »"})
    assert (found.message_fr, found.suggestion, found.severity) == ("Accord.", "Écrire « a ».", Severity.warning)
    with pytest.raises(checks.RuleError, match="template"):
        checks.finding("text/grammar", evidence)  # no argument for {explanation}


def corrections_subset(source: Path, picked: list[dict[str, str]], folder: Path) -> Path:
    """A corrections folder holding some cases of `source` and their pages."""
    for side in ("before", "after"):
        (folder / side).mkdir(parents=True)
        for case in picked:
            shutil.copy(source / side / case["file"], folder / side / case["file"])
    (folder / "cases.jsonl").write_text("".join(json.dumps(c) + "\n" for c in picked), encoding="utf-8")
    return folder


def test_eval_corrections_prints_both_readers_and_gates(engine, tmp_path: Path) -> None:
    """On a few real cases of ../shared/corrections (the whole set takes a minute)."""
    source = need(SHARED / "corrections")
    cases = [json.loads(line) for line in (source / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
    picked = [c for c in cases if c["before"] in ("environemental", "autome", "rencontre", "basé")][:4]
    assert picked
    folder = corrections_subset(source, picked, tmp_path / "corrections")
    args = ["eval", "--corrections", str(folder), "--min-nonword-recall", "0.95", *GOLD]
    result = CliRunner().invoke(app, args)
    assert "factcheck" in result.stdout and "Grammalecte seul" in result.stdout, result.output
    assert result.exit_code == 0, result.output
    from extractor.evaluate.corrections import evaluate_corrections

    tallies = evaluate_corrections(folder).tallies
    assert tallies["factcheck"]["non-word"].recall == 1.0 and tallies["grammalecte"]["non-word"].recall == 1.0
    failing = CliRunner().invoke(app, [*args, "--min-realword-recall", "1.01"])
    assert failing.exit_code != 0 and "sous le seuil" in failing.output


def test_a_word_corrected_again_later_is_no_false_flag(engine, tmp_path: Path) -> None:
    """« representent » fixed to « représentent », then to « représente » two days later: the
    first fix's page is still wrong, so a finding on « représentent » there is not counted."""
    import doctest

    from extractor.evaluate import corrections as corrections_eval

    assert doctest.testmod(corrections_eval).failed == 0
    source = need(SHARED / "corrections")
    cases = [json.loads(line) for line in (source / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
    picked = [c for c in cases if c["path"].endswith("onstage.md") and "représent" in c["after"]]
    assert len(picked) == 2
    folder = corrections_subset(source, picked, tmp_path / "corrections")
    result = corrections_eval.evaluate_corrections(folder)
    ours = result.tallies["factcheck"]
    assert result.false_flags("factcheck") == 0
    assert [c.after for c in ours["non-word"].left_wrong] == ["représentent"]  # flagged, and rightly
    printed = CliRunner().invoke(app, ["eval", "--corrections", str(folder), "--max-false-flags", "0", *GOLD])
    assert printed.exit_code == 0, printed.output
    assert "une correction plus récente le corrige encore" in " ".join(printed.output.split())


def test_eval_corrections_says_what_is_missing(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "--corrections", str(tmp_path), *GOLD])
    assert result.exit_code != 0 and "cases.jsonl" in result.output and "Traceback" not in result.output


# Issue 26, precision on the site: each filter fires and stays silent on a small text.


def test_an_agreement_is_reported_once_not_on_both_of_its_words(engine) -> None:
    found = run("Les équipes ont présenté le prototype dans leur communes cette année.\n", "text/grammar")
    assert len(found) == 1, [f.message_fr for f in found]


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        ("Nous développons des services mutualisées pour les communes.\n", True),
        ("Ils gèrent les pics saisonniers ou liés à la météo difficiles à absorber.\n", False),  # head: pics
        ("Ce travail a réduit le temps consacré à la tâche divisé par trois.\n", False),  # head: temps
        ("Nous assurons la pré-sélection et la désignation dématérialisées des experts.\n", False),  # two nouns
    ],
    ids=["adjective-of-its-noun", "adjective-of-an-earlier-noun", "participle-of-an-earlier-noun", "coordination"],
)
def test_an_adjective_agreement_needs_the_parse_to_agree(engine, text: str, reported: bool) -> None:
    assert bool(run(text, "text/grammar")) is reported, [f.message_fr for f in run(text, "text/grammar")]


@pytest.mark.parametrize(
    "text",
    [
        "Le service est utilisé par les agents de la MAT depuis deux ans.\n",  # an acronym's gender
        "L'incubateur propose des solutions digitales centrées sur l'usager.\n",  # an ignored rule
        "La mesure votée dans la loi de finances pour 2024 promulguée le 30 décembre.\n",  # a year
        "Ils orientent rapidement vers les services le plus adaptés à chacun.\n",  # a superlative
        "Nous voulons mieux comprendre le(s) problème(s) des usagers.\n",  # an optional plural
    ],
    ids=["acronym", "ignored-rule", "year", "superlative", "optional-plural"],
)
def test_grammar_stays_silent_on_what_the_site_is_made_of(engine, text: str) -> None:
    assert run(text, "text/grammar") == [], [f.message_fr for f in run(text, "text/grammar")]


def test_a_capital_without_its_accent_is_typography_not_spelling(engine) -> None:
    text = "Cette Startup d'Etat accompagne les collectivités depuis deux ans.\n"
    assert [f for f in run(text, "text/spelling", "text/grammar") if f.rule == "text/spelling"] == []
    found = [f for f in run(text, "text/typography") if "Majuscule" in f.message_fr]
    assert [f.evidence[0].quote for f in found] and "État" in (found[0].suggestion or "")
    assert [f for f in run("Cette startup d’État avance.\n", "text/typography") if "Majuscule" in f.message_fr] == []


@pytest.mark.parametrize(
    "text",
    [
        "Le service est consommé par des startup d’État et par les ministères.\n",  # an invariable borrowing
        "Ils remplacent à terme des Captcha propriétaires sur les sites publics.\n",  # a name's number
        "Il met en pratique le principe du « dites le nous une fois » en Europe.\n",  # a quoted title
        "Nous avons 51 dossiers traités sur 6 mois appuyé de deux versions du produit.\n",  # a duration
        "L'estimation de temps consacré à la tâche divisé par 3 pour réaliser un compte-rendu.\n",  # « temps »
        "Le dossier a attendu 14 mois en cour d’appel avant son jugement.\n",  # a court
        "Le projet couvre 3 fois la surface de Paris, par des ma",  # a text cut short
        "Le taux de repartage des publications augmente chaque mois.\n",  # a noun, not a verb
    ],
    ids=["startup", "capitalised", "quoted-title", "duration", "invariable-noun", "court", "cut-text", "noun"],
)
def test_grammar_stays_silent_on_names_titles_and_cut_texts(engine, text: str) -> None:
    assert run(text, "text/grammar") == [], [f.message_fr for f in run(text, "text/grammar")]


@pytest.mark.parametrize(
    "text",
    [
        "Ils remplacent à terme des captcha propriétaires sur les sites publics.\n",  # no capital: a noun
        "Le service a recruté pour 3 agents formé aux outils.\n",  # no duration: the count is the head
        "Le Portail de Suivi des Plainte souhaitait devenir une référence.\n",  # inside a name
        '"Pressions" Quel sont les effets d’un projet sur la zone ?\n',  # a closing quotation mark
        "Le temps de la réponse est de 14 jours en cour de route.\n",  # no court: « en cours »
        "Le projet couvre 3 fois la surface de Paris, par des ma.\n",  # ends with a full stop: not cut
        "Ce travail a réduit la durée consacrée à la tâche divisé par trois.\n",  # « durée » is feminine
        "Il a besoin de travaille pour vivre.\n",  # a verb after « de »
    ],
    ids=["lower-case", "no-duration", "inside-a-name", "closing-quote", "no-court", "not-cut", "feminine-head", "verb"],
)
def test_grammar_still_reports_next_to_those_filters(engine, text: str) -> None:
    assert run(text, "text/grammar"), text


def test_one_mistake_read_by_two_rules_is_one_finding(engine) -> None:
    """Grammalecte reads « cherche a intégrer » as « à » and as a participle after « avoir », and
    « 45 mins passées » as a unit's plural and an agreement: one mistake, one finding (the confusion)."""
    for text, fix in (
        ("La suite numérique cherche a intégrer une brique de messagerie dans son offre.\n", "à"),
        ("Il y a un défaut de prescription : 45 mins passées par jour à la recherche.\n", "min"),
    ):
        found = run(text, "text/grammar")
        assert len(found) == 1 and f"«\u00a0{fix}\u00a0»" in (found[0].suggestion or ""), [f.message_fr for f in found]
    assert len(run("Les acteurs participent au suivi et à la remonté des flux.\n", "text/grammar")) == 1


def test_a_ligature_in_two_letters_is_typography_not_spelling(engine) -> None:
    text = "L’application est la petite soeur du service, au coeur de la démarche.\n"
    assert [f for f in run(text, "text/spelling", "text/grammar") if f.rule == "text/spelling"] == []
    found = [f for f in run(text, "text/typography") if "Ligature" in f.message_fr]
    assert [f.evidence[0].quote for f in found] and "cœur" in (found[1].suggestion or "")
    silent = run("Le lycée Poe est au cœur du projet.\n", "text/typography")
    assert [f for f in silent if "Ligature" in f.message_fr] == []
