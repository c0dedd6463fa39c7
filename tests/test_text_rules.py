"""The first rules (encoding/*, text/*) and the rule registry (acceptance 2)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from extractor import checks
from extractor.checks.spelling import dictionary
from extractor.cli import app
from extractor.ingest import read_bytes
from tests.conftest import A_PROPOS, BILAN_2021, BILAN_2024, CORPUS, PRESS_RELEASE, RAPPORT_2017

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus_report() -> dict:
    result = runner.invoke(app, ["check", str(CORPUS), "--format", "json"])
    assert result.exit_code == 1, result.stderr  # the Bilan 2024 has errors
    return json.loads(result.stdout)


def findings_for(report: dict, path) -> list[dict]:
    return [f for f in report["findings"] if f["evidence"][0]["location"]["path"] == str(path)]


def test_bilan_2024_findings(corpus_report: dict) -> None:
    found = [f for f in findings_for(corpus_report, BILAN_2024) if f["rule"].startswith(("encoding/", "text/"))]
    rules = sorted(f["rule"] for f in found)
    if dictionary() is None:  # no French dictionary installed: text/spelling is skipped
        rules.append("text/spelling")
    assert rules == [
        "encoding/mojibake-repaired",
        "text/broken-reference",  # the « section X » link's anchor names the 2023 heading; the heading says 2024
        "text/duplicated-token",
        "text/placeholder",
        "text/repeated-item",  # the glossary defines « Communauté beta.gouv.fr » twice
        "text/spelling",  # « Les pilliers de l'approche »
    ]
    lines = BILAN_2024.read_text(encoding="utf-8").splitlines()
    for rule_id, line, start in [
        ("text/broken-reference", 52, "section X"),
        ("text/repeated-item", 24, "Communaut"),
        *([("text/spelling", 35, "pilliers")] if dictionary() is not None else []),
    ]:
        loc = next(f for f in found if f["rule"] == rule_id)["evidence"][0]["location"]
        assert loc["line"] == line and lines[line - 1][loc["column"] - 1 :].startswith(start), (rule_id, loc)

    mojibake = next(f for f in found if f["rule"] == "encoding/mojibake-repaired")
    assert mojibake["severity"] == "info"
    assert "820 passages" in mojibake["message_fr"] and "Mac Roman" in mojibake["message_fr"]
    for ev in mojibake["evidence"]:
        loc = ev["location"]
        original = ev["quote"].split(" → ")[0]
        # the evidence points at the original, still broken, line and column
        assert lines[loc["line"] - 1][loc["column"] - 1 :].startswith(original)
        assert loc["end_column"] - loc["column"] == len(original)
        assert "√" in original

    placeholder = next(f for f in found if f["rule"] == "text/placeholder")
    assert "section X" in placeholder["message_fr"]
    loc = placeholder["evidence"][0]["location"]
    assert lines[loc["line"] - 1][loc["column"] - 1 :].startswith("section X")

    duplicate = next(f for f in found if f["rule"] == "text/duplicated-token")
    loc = duplicate["evidence"][0]["location"]
    assert lines[loc["line"] - 1][loc["column"] - 1 :].startswith("beta.gouv.fr.fr")
    assert duplicate["suggestion"] == "Écrire « beta.gouv.fr »."


@pytest.mark.parametrize("path", [PRESS_RELEASE, BILAN_2021, A_PROPOS, RAPPORT_2017], ids=lambda p: p.name)
def test_no_text_finding_on_the_clean_seeds(corpus_report: dict, path) -> None:
    assert findings_for(corpus_report, path) == []


def test_every_finding_has_a_fingerprint(corpus_report: dict) -> None:
    prints = [f["fingerprint"] for f in corpus_report["findings"]]
    assert all(prints) and len(set(prints)) == len(prints)


def run_rules(text: str, name: str = "page.md") -> list:
    return checks.run(read_bytes(text.encode(), name))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Voir la section X pour les critères.", "section X"),
        ("Montant : XXX €.", "XXX"),
        ("TODO : ajouter le chiffre 2024.", "TODO"),
        ("Le budget est de [à compléter] euros.", "[à compléter]"),
        ("Lorem ipsum dolor sit amet.", "Lorem ipsum"),
        ("Nombre de lauréats : ??? en 2024.", "???"),
    ],
)
def test_placeholder_positives(text: str, found: str) -> None:
    findings = [f for f in run_rules(text) if f.rule == "text/placeholder"]
    assert len(findings) == 1
    assert f"« {found} »" in findings[0].message_fr


@pytest.mark.parametrize(
    "text",
    [
        "Les piliers sont rappelés en section 2.",
        "Le Xe plan, la phase X-ray, le modèle XXL, Louis XIV.",
        "Une équipe autonome, à définir avec le sponsor.",
        "Mme X a témoigné.",
    ],
)
def test_placeholder_negatives(text: str) -> None:
    assert [f for f in run_rules(text) if f.rule == "text/placeholder"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rejoindre la communauté beta.gouv.fr.fr en 2024.", "beta.gouv.fr"),
        ("Il a été lancé par le le ministère.", "le"),
        ("Voir www.www.numerique.gouv.fr", "www"),
    ],
)
def test_duplicated_token_positives(text: str, expected: str) -> None:
    findings = [f for f in run_rules(text) if f.rule == "text/duplicated-token"]
    assert len(findings) == 1
    assert (findings[0].variant, findings[0].arguments["fixed"]) == (None, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- mise en en place un dispositif d’accueil d’urgence ;", "mise en place d’un"),
        ("La mise en en œuvre la réforme a pris un an.", "mise en œuvre de la"),
    ],
)
def test_a_repeat_inside_a_noun_phrase_gets_a_grammatical_fix(text: str, expected: str) -> None:
    (found,) = [f for f in run_rules(text) if f.rule == "text/duplicated-token"]
    assert (found.variant, found.arguments["right"]) == ("nominal", expected)
    assert found.suggestion == f"Écrire « {expected} »."  # the catalogue's template, rendered


@pytest.mark.parametrize(
    "text",
    [
        "Nous nous engageons, vous vous mobilisez.",
        "Voir beta.gouv.fr et numerique.gouv.fr.",
        "Les 18 18 services.",  # numbers are the claims extractor's business, not this rule's
        "Le site data.gouv.fr, le fichier bilan.pdf.",
    ],
)
def test_duplicated_token_negatives(text: str) -> None:
    assert [f for f in run_rules(text) if f.rule == "text/duplicated-token"] == []


def test_residual_mojibake_rule() -> None:
    findings = run_rules("Un texte propre, puis une séquence cassée : ðŸ et un caractère perdu \ufffd.\n")
    residual = [f for f in findings if f.rule == "encoding/residual-mojibake"]
    assert len(residual) == 1 and residual[0].severity == "warning"
    assert "« ðŸ »" in residual[0].message_fr and "« \ufffd »" in residual[0].message_fr
    assert [f for f in run_rules("Un texte propre, « typographié » – l’été.") if f.rule.startswith("encoding/")] == []


def test_registry_discovers_rules_and_filters_by_family() -> None:
    registered = checks.rules()
    assert {
        "encoding/mojibake-repaired",
        "encoding/residual-mojibake",
        "text/placeholder",
        "text/duplicated-token",
    } <= set(registered)
    assert all(r.title_fr and r.description_fr for r in registered.values())
    doc = read_bytes(b"Voir la section X, le le texte.", "a.md")
    assert {f.rule for f in checks.run(doc, only=["text/placeholder"])} == {"text/placeholder"}
    assert {f.rule for f in checks.run(doc, only=["text/"])} == {"text/placeholder", "text/duplicated-token"}
    assert checks.run(doc, only=["encoding"]) == []


def test_a_new_rule_module_is_picked_up_without_touching_the_engine(monkeypatch) -> None:
    from extractor.models import Finding, Severity

    spec = checks.RuleSpec(id="test/always", severity=Severity.info, title_fr="Test", description_fr="Règle de test.")

    @checks.rule(spec)
    def always(doc, ctx):
        yield Finding(rule="test/always", severity=Severity.info, message_fr="ok", evidence=[])

    try:
        doc = read_bytes(b"Texte.", "a.md")
        assert [f.rule for f in checks.run(doc, only=["test/"])] == ["test/always"]
    finally:
        checks._REGISTRY.pop("test/always")
