"""factcheck's YAML files read with libyaml's parser (extractor.yamlio) give what the pure-Python
parser gives."""

from __future__ import annotations

from pathlib import Path

import yaml

from extractor import yamlio

PACKAGE = Path(__file__).resolve().parent.parent / "extractor"


def test_each_yaml_file_of_factcheck_reads_the_same_with_either_parser() -> None:
    files = sorted([*PACKAGE.rglob("*.yaml"), *PACKAGE.rglob("*.yml")])
    assert len(files) > 5
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert yamlio.safe_load(text) == yaml.safe_load(text), file
