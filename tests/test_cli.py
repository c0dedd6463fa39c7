"""The `factcheck` command: exit codes, formats, bad input (acceptance 5)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from tests.conftest import BILAN_2024, BILAN_2024_PDF, ROOT
from tests.samples import encrypted_pdf, text_pdf

runner = CliRunner()
GOOD = "Voir la section X du rapport.\n"  # a good file, with one error-level finding


def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "bon.md"
    path.write_text(GOOD, encoding="utf-8")
    return path


def bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, fragment of the expected message)."""
    files: dict[str, tuple[Path, str]] = {}

    def make(name: str, data: bytes, fragment: str) -> None:
        path = tmp_path / name
        path.write_bytes(data)
        files[name] = (path, fragment)

    make("vide.md", b"", "vide")
    make("binaire.txt", os.urandom(4096) + b"\x00" * 64, "binaire")
    make("tronque.pdf", text_pdf()[:300], "PDF")
    make("chiffre.pdf", encrypted_pdf(b"secret"), "mot de passe")
    make("scan.pdf", text_pdf([None]), "OCR")
    make("inconnu.xyz", b"Un texte", "non prise en charge")
    make("front.md", b"---\ntitle: [oops\n---\nTexte\n", "front matter")
    files["absent.md"] = (tmp_path / "absent.md", "introuvable")
    (tmp_path / "dossier.md").mkdir()
    files["dossier.md"] = (tmp_path / "dossier.md", "dossier")
    return files


def test_each_bad_input_exits_2_names_the_file_and_the_good_file_is_still_checked(tmp_path: Path) -> None:
    good = good_file(tmp_path)
    for name, (path, fragment) in bad_inputs(tmp_path).items():
        result = runner.invoke(app, ["check", str(path), str(good), "--format", "json"])
        assert result.exit_code == 2, name
        report = json.loads(result.stdout)
        assert [e["path"] for e in report["errors"]] == [str(path)], name
        message = report["errors"][0]["message"] + " " + (report["errors"][0]["hint"] or "")
        assert fragment.lower() in message.lower(), (name, message)
        assert str(path) in result.stderr and "Traceback" not in result.output
        # the good file was read and checked all the same
        assert [d["path"] for d in report["documents"]] == [str(good)]
        assert [f["rule"] for f in report["findings"]] == ["text/placeholder"]


def test_bad_input_in_text_format(tmp_path: Path) -> None:
    good = good_file(tmp_path)
    path, _ = bad_inputs(tmp_path)["chiffre.pdf"]
    result = runner.invoke(app, ["check", str(path), str(good)])
    assert result.exit_code == 2
    assert f"erreur de lecture {path}" in result.stdout
    assert "section X" in result.stdout


def test_truncated_real_pdf(tmp_path: Path) -> None:
    if not BILAN_2024_PDF.exists():
        pytest.skip("../shared/pdf is absent")
    path = tmp_path / "bilan.pdf"
    path.write_bytes(BILAN_2024_PDF.read_bytes()[:10_000])
    result = runner.invoke(app, ["check", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["errors"][0]["path"] == str(path)


def test_exit_codes_and_fail_on(tmp_path: Path) -> None:
    clean = tmp_path / "propre.md"
    clean.write_text("# Bilan\n\nEn 2024, 7 services numériques ont atteint le statut.\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(clean)])
    assert result.exit_code == 0
    assert "Aucune incohérence détectée" in result.stdout
    error = good_file(tmp_path)
    assert runner.invoke(app, ["check", str(error)]).exit_code == 1
    assert runner.invoke(app, ["check", str(error), "--fail-on", "never"]).exit_code == 0
    warning = tmp_path / "avert.md"
    warning.write_text("Il a été lancé par le le ministère.\n", encoding="utf-8")
    assert runner.invoke(app, ["check", str(warning)]).exit_code == 0
    assert runner.invoke(app, ["check", str(warning), "--fail-on", "warning"]).exit_code == 1
    assert runner.invoke(app, ["check", str(BILAN_2024), "--rule", "encoding/"]).exit_code == 0
    assert runner.invoke(app, ["check", str(BILAN_2024), "--rule", "encoding/", "--fail-on", "info"]).exit_code == 1


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["check"]).exit_code == 2
    assert runner.invoke(app, ["check", str(tmp_path), "--fail-on", "sometimes"]).exit_code == 2
    result = runner.invoke(app, ["check", str(good_file(tmp_path)), "--rule", "nope/rule"])
    assert result.exit_code == 2 and "règle inconnue" in result.stderr
    empty = tmp_path / "vide"
    empty.mkdir()
    result = runner.invoke(app, ["check", str(empty)])
    assert result.exit_code == 2 and "aucun document" in result.stdout


ENGLISH = re.compile(
    r"\b(?:Usage|Show this|Try|Error|No such|Possible|Missing|Invalid|Got unexpected|requires|default|or)\b"
)


def _unboxed(text: str) -> str:
    """What the panels say, their borders and line breaks taken out."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["check", "--nope"], ["option inconnue : --nope"]),
        (["repair"], ["argument manquant", "file"]),
        (["check", "x.md", "--fail-on", "parfois"], ["invalide pour --fail-on", "« parfois »", "error, warning"]),
        (["check", "x.md", "--timeout", "abc"], ["valeur invalide pour --timeout", "nombre"]),
        (["check", "x.md", "--format"], ["l'option --format attend une valeur"]),
        (["chek"], ["commande inconnue : chek", "check"]),
        (["rules", "en-trop"], ["argument en trop : en-trop"]),
    ],
)
def test_usage_errors_are_french_and_name_what_is_wrong(arguments: list[str], words: list[str]) -> None:
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2
    said = _unboxed(result.stderr)
    assert all(word in said for word in words), said
    assert not ENGLISH.search(said.replace("[OPTIONS]", "")), said


@pytest.mark.parametrize("arguments", [["--help"], ["check", "--help"], ["reference", "--help"], ["rules", "--help"]])
def test_help_is_french(arguments: list[str]) -> None:
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0
    said = _unboxed(result.stdout)
    assert "Utilisation :" in said and "Afficher cette aide et quitter." in said
    assert not ENGLISH.search(said.replace("[OPTIONS]", "")), said


def test_rules_lists_severities_in_french() -> None:
    said = runner.invoke(app, ["rules"]).stdout
    assert "erreur (ou avertissement)" in said and "(or " not in said and "nécessite le registre" in said


def test_text_output_groups_findings_by_file_with_quotes() -> None:
    result = runner.invoke(app, ["check", str(BILAN_2024)])
    assert result.exit_code == 1
    out = result.stdout
    assert out.index(str(BILAN_2024)) < out.index("text/placeholder")
    assert "« …qui répondent aux critères définis sur la section X) »" in out
    # the summary line says what the JSON report counts
    counts = json.loads(runner.invoke(app, ["check", str(BILAN_2024), "-f", "json"]).stdout)["stats"]["findings"]
    total = sum(counts.values())
    assert (
        f"{total} constats ({counts['error']} erreurs, {counts['warning']} avertissements, {counts['info']} info) "
        "dans 1 fichier" in out
    )
    assert counts["error"] >= 1 and counts["info"] == 1


def test_findings_on_one_line_come_in_column_order(tmp_path: Path) -> None:
    """A warning at column 1 comes before an error further on the same line."""
    page = tmp_path / "page.md"
    page.write_text("# Bilan\n\nLe le bilan figure dans la section X du rapport.\n", encoding="utf-8")
    report = json.loads(runner.invoke(app, ["check", str(page), "-f", "json"]).stdout)
    places = [(e["location"]["line"], e["location"]["column"]) for e in (f["evidence"][0] for f in report["findings"])]
    assert len(places) == 2 and places == sorted(places)


def test_json_output_to_file_is_written_and_input_untouched(tmp_path: Path) -> None:
    before = BILAN_2024.read_bytes()
    out = tmp_path / "rapport.json"
    result = runner.invoke(app, ["check", str(BILAN_2024), "--format", "json", "-o", str(out)])
    assert result.exit_code == 1
    report = json.loads(out.read_text())
    rules = [f["rule"] for f in report["findings"]]
    assert report["stats"]["findings"]["error"] == sum(f["severity"] == "error" for f in report["findings"])
    assert {"text/placeholder", "encoding/mojibake-repaired", "arithmetic/sum-mismatch"} <= set(rules)
    assert BILAN_2024.read_bytes() == before


def test_ingest_command(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(BILAN_2024), "--format", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["format"] == "markdown" and len(doc["repairs"]) == 820
    result = runner.invoke(app, ["ingest", str(BILAN_2024)])
    assert "59 produits à la DINUM" in result.stdout
    result = runner.invoke(app, ["ingest", str(tmp_path / "absent.md")])
    assert result.exit_code == 2 and "introuvable" in result.stderr


def test_module_entry_point_and_console_script() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "extractor", "check", str(BILAN_2024), "--rule", "text/", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 1
    found = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert found - {"text/spelling"} == {  # text/spelling is skipped without a French dictionary
        "text/placeholder",
        "text/duplicated-token",
        "text/repeated-item",
        "text/broken-reference",
    }
    result = subprocess.run(
        [sys.executable, "-m", "extractor", "check", "nulle-part.md"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr + result.stdout
