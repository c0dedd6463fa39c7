"""`factcheck eval`: the matching, the scores, the gate, and the corpus figures themselves."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app
from extractor.evaluate.gold import Score, evaluate
from tests.conftest import CORPUS, ROOT

EXPECTED = ROOT / "expected"


def total(results, attr: str) -> Score:
    score = Score()
    for result in results:
        score.add(getattr(result, attr))
    return score


def test_corpus_meets_the_thresholds_with_the_registry(registry) -> None:
    results = evaluate(CORPUS, EXPECTED, registry)
    assert {r.document for r in results} == {p.name for p in CORPUS.iterdir() if p.name != "README.md"}
    numbers, claims = total(results, "numbers"), total(results, "claims")
    print(f"\nnumbers P {numbers.precision:.3f} R {numbers.recall:.3f} F1 {numbers.f1:.3f}; claims F1 {claims.f1:.3f}")
    assert numbers.tp + numbers.fn == 364  # the gold set's size: a changed gold file is a reviewed change
    assert numbers.f1 >= 0.98
    assert claims.f1 >= 0.90


def test_numbers_do_not_need_the_registry() -> None:
    assert total(evaluate(CORPUS, EXPECTED), "numbers").f1 >= 0.98


def gold(tmp_path: Path, claims: list[dict]) -> Path:
    expected = tmp_path / "expected"
    expected.mkdir()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "doc.md").write_text("# Bilan 2024\n\n- 35 investigations en cours\n- 12 services\n", encoding="utf-8")
    (expected / "doc.md.claims.json").write_text(
        json.dumps({"document": "doc.md", "checked": "test", "claims": claims}), encoding="utf-8"
    )
    return tmp_path


def test_scores_and_gate(tmp_path: Path) -> None:
    base = {
        "unit": None,
        "qualifier": "exact",
        "is_delta": False,
        "scope_id": "programme:beta.gouv.fr",
        "kind": "result",
    }
    root = gold(
        tmp_path,
        [
            {
                **base,
                "line": 3,
                "raw": "35",
                "value": "35",
                "metric_id": "investigations_in_progress",
                "period": "2024",
            },
            {**base, "line": 4, "raw": "12", "value": "12", "metric_id": "wrong_metric", "period": "2024"},
            {**base, "line": 9, "raw": "7", "value": "7", "metric_id": None, "period": "2024"},  # missed by design
        ],
    )
    (result,) = evaluate(root / "corpus", root / "expected")
    assert (result.numbers.tp, result.numbers.fp, result.numbers.fn) == (2, 0, 1)
    assert (result.claims.tp, result.claims.fp, result.claims.fn) == (1, 1, 2)
    runner = CliRunner()
    args = ["eval", "--corpus", str(root / "corpus"), "--expected", str(root / "expected"), "--reference", "none"]
    assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, [*args, "--min-numbers-f1", "0.9"]).exit_code == 1
    assert runner.invoke(app, [*args, "--min-claims-f1", "0.3"]).exit_code == 0
    assert runner.invoke(app, [*args, "--min-claims-f1", "0.5"]).exit_code == 1


def test_missing_gold_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "--expected", str(tmp_path)])
    assert result.exit_code == 2 and "claims.json" in result.stderr


def test_findings_meet_the_gold_and_no_must_not_flag_case_fires(registry) -> None:
    from extractor.evaluate.gold import evaluate_findings

    result = evaluate_findings(CORPUS, EXPECTED, registry)
    assert result.violations == [] and result.misses == []
    assert {"arithmetic/sum-mismatch", "corpus/conflicting-date", "reference/name-typo"} <= set(result.per_rule)
    assert all(score.recall == 1.0 and score.precision == 1.0 for score in result.per_rule.values())


def test_a_must_not_flag_case_that_fires_is_a_violation(tmp_path: Path) -> None:
    from extractor.evaluate.gold import evaluate_findings

    corpus, expected = tmp_path / "corpus", tmp_path / "expected"
    corpus.mkdir()
    expected.mkdir()
    (corpus / "doc.md").write_text("Voir la section X.\n", encoding="utf-8")
    (expected / "doc.md.findings.json").write_text(
        json.dumps({"document": "doc.md", "checked": "test", "findings": [],
                    "must_not_flag": [{"rule": "text/placeholder", "line": 1, "note": "pretend it is fine"}]}),
        encoding="utf-8",
    )  # fmt: skip
    result = evaluate_findings(corpus, expected)
    assert result.violations == ["doc.md:1 text/placeholder (pretend it is fine)"]
    assert result.per_rule["text/placeholder"].fp == 1
