"""reference/name-typo and reference/unknown-slug (issue 4, registry rules)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from extractor import checks
from extractor.cli import app
from extractor.ingest import load, read_bytes
from tests.conftest import A_PROPOS, BILAN_2024, PRESS_RELEASE, RAPPORT_2017


def run(doc, registry, rule: str) -> list:
    return checks.run(doc, checks.Context(registry=registry), only=[rule])


def test_bilan_2024_name_typos(registry) -> None:
    found = {
        f.evidence[0].quote.strip("« »"): f.suggestion for f in run(load(BILAN_2024), registry, "reference/name-typo")
    }
    assert found["Franche Chaleur Urbaine"] == "Écrire « France Chaleur Urbaine »."
    assert found["Franche VAE"] == "Écrire « France VAE »."
    assert found["Mes événements emploi Simplifiées"] == "Écrire « Mes événements emploi »."
    # names written another way on purpose are not typos
    assert not {"Accès Libre", "Je Veux Aider", "Dossier facile", "Mon service sécurisé", "Domifa"} & set(found)


def test_bilan_2024_unknown_slugs(registry) -> None:
    found = run(load(BILAN_2024), registry, "reference/unknown-slug")
    assert [f.suggestion for f in found] == [
        "Pointer vers /startups/refugies.info.html.",
        "Pointer vers /startups/l-immersion-facile.html.",
    ]
    lines = BILAN_2024.read_text(encoding="utf-8").splitlines()
    location = found[0].evidence[0].location
    assert lines[location.line - 1][location.column - 1 :].startswith("R√©fugi√©s.info](/startups/refugies.infos")


@pytest.mark.parametrize("path", [PRESS_RELEASE, A_PROPOS, RAPPORT_2017], ids=lambda p: p.name)
def test_no_registry_finding_on_clean_documents(registry, path) -> None:
    assert run(load(path), registry, "reference/") == []


def test_short_names_only_when_linked(registry) -> None:
    doc = read_bytes(b"- [Tchapp](/startups/tchap.html)\n- **Tchapp** est cit\xc3\xa9\n", "a.md")
    found = run(doc, registry, "reference/name-typo")
    assert [(f.evidence[0].location.line, f.suggestion) for f in found] == [(1, "Écrire « Tchap ».")]


def test_registry_rules_are_skipped_without_a_registry(tmp_path) -> None:
    ctx = checks.Context()
    assert checks.run(load(BILAN_2024), ctx, only=["reference/"]) == []
    assert set(ctx.skipped) == {
        "reference/fast-mismatch",
        "reference/hosts-created",
        "reference/impact-mismatch",
        "reference/name-typo",
        "reference/phase-mismatch",
        "reference/registry-conflict",
        "reference/round-mismatch",
        "reference/round-page",
        "reference/unknown-entry",
        "reference/unknown-slug",
    }
    result = CliRunner().invoke(app, ["check", str(BILAN_2024), "--reference", str(tmp_path / "none.sqlite")])
    assert (result.stdout + result.stderr).count("aucun registre de référence importé") == 1


def test_fast_amount_against_the_registry_and_its_history(registry) -> None:
    found = run(load(BILAN_2024), registry, "reference/fast-mismatch")
    # One finding for the report's figure: the registry's own contradiction is no fact of the report
    # (reference/registry-conflict tells it on the registry's page).
    assert [(f.severity, f.evidence[0].location.line) for f in found] == [("warning", 307)]
    (warning,) = found
    assert "Territoires en Transitions, FAST 14 : le document dit 150\u00a0000\u00a0€" in warning.message_fr
    assert "comme l'événement fast" in warning.message_fr and "300\u00a0000\u00a0€ (champ fast)" in warning.message_fr
    assert "partie du registre" not in warning.message_fr
    assert "registre" not in (warning.suggestion or "") and "Vérifier le montant" in (warning.suggestion or "")


def test_fast_amount_that_no_registry_statement_gives(registry) -> None:
    table = (
        "#### FAST 14\n\n| Produit | Mission | Montant attributé |\n| :-- | :-- | --: |\n"
        "| [Oz Ensemble](/startups/ozensemble.html) | Boire moins | 999 000 € |\n"
        "| [Deveco](/startups/deveco.html) | Données | 150 000 € |\n"
    )
    found = run(read_bytes(table.encode(), "a.md"), registry, "reference/fast-mismatch")
    # Oz Ensemble won 220 000 € in FAST 14; Deveco's registry entry says nothing of FAST 14 (it won FAST 15)
    assert [(f.severity, f.evidence[0].value) for f in found] == [("error", 999000)]
    assert "le registre beta.gouv.fr dit 220\u00a0000\u00a0€" in found[0].message_fr
