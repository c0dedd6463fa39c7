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
