"""Baselines (issue 5, acceptance 3): only new findings fail the run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app
from tests.conftest import CORPUS

runner = CliRunner()
NEW_TOTAL = "\n\nLe budget de 1 000 € est réparti ainsi :\n\n- 600 €\n- 300 €\n"


def check(copy: Path, *args: str):
    return runner.invoke(app, ["check", str(copy), "--corpus", str(copy), "--index", str(copy.parent / "ix.sqlite"),
                               "--format", "json", *args])  # fmt: skip


def test_baseline_round_trip_and_a_new_wrong_total(tmp_path: Path) -> None:
    copy = tmp_path / "corpus"
    shutil.copytree(CORPUS, copy)
    baseline = tmp_path / "baseline.json"
    first = check(copy, "--write-baseline", str(baseline))
    # Writing the baseline is the job: it exits 0 although the corpus has errors (issue 23, item 4).
    assert first.exit_code == 0 and len(json.loads(baseline.read_text())["findings"]) == len(
        json.loads(first.stdout)["findings"]
    )
    again = check(copy, "--baseline", str(baseline))
    report = json.loads(again.stdout)
    assert again.exit_code == 0 and report["findings"] == [] and report["stats"]["suppressed"] > 5
    # unrelated edits above and below the known findings keep them known
    page = copy / "bilan-2024.md"
    # (ASCII: the page is stored in mojibake, and a correctly encoded "é" next to it would make the
    # text mix two encodings, which the repair rightly refuses to guess)
    page.write_bytes(b"Un paragraphe ajoute en tete.\n\n" + page.read_bytes() + b"\n\nEt un autre en bas.\n")
    edited = check(copy, "--baseline", str(baseline))
    assert edited.exit_code == 0 and json.loads(edited.stdout)["findings"] == []
    # a new wrong total is the only finding
    report_2021 = copy / "bilan-2021.txt"
    report_2021.write_text(report_2021.read_text(encoding="utf-8") + NEW_TOTAL, encoding="utf-8")
    result = check(copy, "--baseline", str(baseline))
    findings = json.loads(result.stdout)["findings"]
    assert result.exit_code == 1
    assert [(f["rule"], f["evidence"][0]["location"]["path"]) for f in findings] == [
        ("arithmetic/sum-mismatch", str(report_2021))
    ]


def test_a_missing_or_broken_baseline_is_a_clear_error(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("Voir la section X.\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(page), "--baseline", str(tmp_path / "none.json")])
    assert result.exit_code == 2 and "baseline" in result.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["check", str(page), "--baseline", str(broken)])
    assert result.exit_code == 2 and "baseline illisible" in result.stderr
