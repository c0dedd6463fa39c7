"""--format sarif (validated against the official SARIF 2.1.0 schema) and --format github."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.report.github import escape_data, escape_property
from tests.conftest import CORPUS, SARIF_SCHEMA, need

runner = CliRunner()


@pytest.fixture(scope="module")
def sarif() -> dict:
    result = runner.invoke(app, ["check", str(CORPUS), "--format", "sarif", "--corpus", str(CORPUS)])
    assert result.exit_code == 1
    return json.loads(result.stdout)


def sarif_validator() -> jsonschema.Draft7Validator:
    """The official schema keeps its root under definitions/Root: validating against the file's
    top level would accept anything, so the validator starts at that root."""
    schema = json.loads(need(SARIF_SCHEMA).read_text(encoding="utf-8"))
    root = {**schema, "$ref": "#/definitions/Root"} if "Root" in schema.get("definitions", {}) else schema
    return jsonschema.Draft7Validator(root)


def test_sarif_validates_against_the_official_schema(sarif: dict) -> None:
    validator = sarif_validator()
    validator.validate(sarif)
    broken = json.loads(json.dumps(sarif))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator.iter_errors(broken))  # the schema really is enforced
    assert list(validator.iter_errors({**sarif, "unknownTopLevelKey": 1}))


def test_sarif_content(sarif: dict) -> None:
    run = sarif["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["text/placeholder"]["shortDescription"]["text"] == "Texte provisoire oublié"
    total = next(
        r for r in run["results"] if r["ruleId"] == "arithmetic/sum-mismatch" and "5\u00a0869" in r["message"]["text"]
    )
    assert total["level"] == "error" and total["partialFingerprints"]["factcheck/v1"]
    region = total["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (254, 26)
    assert [loc["physicalLocation"]["region"]["startLine"] for loc in total["relatedLocations"]] == [256, 259, 262]
    assert run["tool"]["driver"]["rules"][total["ruleIndex"]]["id"] == "arithmetic/sum-mismatch"
    assert {r["level"] for r in run["results"]} <= {"error", "warning", "note"}


GITHUB = re.compile(
    r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[^,:]+::[^\r\n]+$"
)


def test_github_annotations_are_well_formed() -> None:
    result = runner.invoke(app, ["check", str(CORPUS), "--format", "github", "--corpus", str(CORPUS)])
    lines = [line for line in result.stdout.splitlines() if not line.startswith("::notice title=")]
    assert lines and all(GITHUB.match(line) for line in lines), [line for line in lines if not GITHUB.match(line)]
    placeholder = next(line for line in lines if "title=text/placeholder" in line)
    assert placeholder.startswith("::error file=") and ",line=52,col=102," in placeholder
    assert any("%25" in line for line in lines)  # "17,4 %" is escaped


def test_github_escaping() -> None:
    assert escape_data("50 %\nsuite\r") == "50 %25%0Asuite%0D"
    assert escape_property("a:b,c") == "a%3Ab%2Cc"
