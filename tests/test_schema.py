"""`factcheck schema`: the JSON Schema of the report, and the report validates against it."""

from __future__ import annotations

import json

import jsonschema
import pytest
from typer.testing import CliRunner

from extractor.cli import app
from tests.conftest import CORPUS


def test_check_json_validates_against_the_exported_schema() -> None:
    runner = CliRunner()
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    assert schema["title"] == "Report" and "findings" in schema["properties"]
    report = json.loads(runner.invoke(app, ["check", str(CORPUS), "--format", "json"]).stdout)
    assert report["findings"]
    jsonschema.validate(report, schema)
    broken = {**report, "findings": [{**report["findings"][0], "severity": "fatal"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


# A PDF finding says its page wherever a person reads it (issue 16, item 4): its lines count within
# a page, so "file.pdf:3:1" alone points nowhere.


def pdf_report():
    from extractor.models import Evidence, Finding, Location, Report, Severity

    def at(line: int, page: int, bbox: tuple[float, float, float, float]) -> Location:
        return Location(path="bilan.pdf", line=line, column=38, end_line=line, end_column=43, page=page, bbox=bbox)

    finding = Finding(
        rule="arithmetic/percentage-mismatch",
        severity=Severity.error,
        message_fr="17,4 % de 25 personnes est impossible.",
        evidence=[
            Evidence(location=at(10, 9, (786.4, 485.3, 937.0, 523.1)), quote="17,4%"),
            Evidence(location=at(9, 9, (786.4, 447.4, 937.0, 485.3)), quote="25"),
        ],
        fingerprint="0123456789abcdef",
    )
    text = Finding(  # a Markdown finding keeps its lines and columns
        rule="text/placeholder",
        severity=Severity.warning,
        message_fr="Texte provisoire.",
        evidence=[Evidence(location=Location(path="a.md", line=3, column=5, end_line=3, end_column=9), quote="X")],
        fingerprint="fedcba9876543210",
    )
    return Report(findings=[finding, text])


def test_sarif_gives_a_pdf_finding_its_page_and_box_and_stays_valid() -> None:
    from extractor.report import sarif
    from tests.test_formats import sarif_validator

    out = sarif.render(pdf_report())
    sarif_validator().validate(out)
    pdf, md = out["runs"][0]["results"]
    assert pdf["properties"] == {"page": 9, "bbox": [786.4, 485.3, 937.0, 523.1]}
    assert pdf["message"]["text"].startswith("Page 9 : ")
    region = pdf["locations"][0]["physicalLocation"]["region"]
    assert region["properties"]["page"] == 9 and region["message"]["text"].startswith("page 9, ligne 10 de la page")
    assert pdf["relatedLocations"][0]["physicalLocation"]["region"]["properties"]["page"] == 9
    assert "properties" not in md and "properties" not in md["locations"][0]["physicalLocation"]["region"]


def test_github_annotation_of_a_pdf_finding_names_its_page_not_a_line() -> None:
    from extractor.report import github

    pdf, md = github.render(pdf_report()).splitlines()
    assert pdf.startswith("::error file=bilan.pdf,title=arithmetic/percentage-mismatch (page 9)::")
    assert ",line=" not in pdf and "::Page 9, ligne 10 de la page, cadre x 786–937, y 485–523 pt : 17,4 %" in pdf
    assert md.startswith("::warning file=a.md,line=3,col=5,endLine=3,endColumn=9,title=text/placeholder::")


def test_text_output_of_a_pdf_finding_says_page_and_box() -> None:
    from rich.console import Console

    from extractor.report import text

    console = Console(record=True, width=200, color_system=None)
    text.render(pdf_report(), console)
    out = console.export_text()
    assert "p. 9  erreur" in out
    assert "bilan.pdf, page 9, ligne 10 de la page, cadre x 786–937, y 485–523 pt  « 17,4% »" in out
    assert "bilan.pdf:10:38" not in out and "a.md:3:5" in out


def test_a_real_pdf_finding_gives_its_page_in_every_output(bilan_pdf) -> None:
    from tests.test_formats import sarif_validator

    runner = CliRunner()
    result = runner.invoke(app, ["check", str(bilan_pdf), "--format", "sarif", "--fail-on", "never"])
    out = json.loads(result.stdout)
    sarif_validator().validate(out)
    results = out["runs"][0]["results"]
    assert results and all(isinstance(r["properties"]["page"], int) for r in results)
    github = runner.invoke(app, ["check", str(bilan_pdf), "--format", "github", "--fail-on", "never"]).stdout
    assert github.count("(page ") >= len(results) and ",line=" not in github
