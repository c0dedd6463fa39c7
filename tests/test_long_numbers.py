"""Numbers of any length (issue 12, item 7): a run of 29 digits or more stopped the whole document
with an internal error (InvalidOperation: Decimal's 28-digit context). A number of more than 15
significant digits is not a figure (`numbers.too_long`): it is not read, and the document is
checked as if it were not there."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import checks
from extractor.claims.numbers import MAX_DIGITS, find_numbers
from extractor.claims.resolve import extract_claims
from extractor.cli import app
from extractor.ingest import read_bytes
from extractor.run.pipeline import check_paths

runner = CliRunner()


def digits(count: int) -> str:
    return ("1234567890" * (count // 10 + 1))[:count]


def sentences(count: int) -> list[str]:
    """A long number in each of the grammar's paths: a count, an amount with a multiplier, a
    decimal part, a sign, non-breaking-space groups, a score's scale, a slide counter."""
    long = digits(count)
    grouped = "\u00a0".join(long[i : i + 3] for i in range(0, count, 3))
    return [
        f"Il y a {long} services.",
        f"Le programme a reçu {long} millions d'euros.",
        f"La part est de 0,{long} %.",
        f"Un écart de -{long} € (+{long}).",
        f"Ils sont {grouped} agents.",
        f"Une note de 4,2/{long} pour {long[:3]} services.",
        f"Diapositive ({long}/3) : 12 services.",
        f"Les 3 postes totalisent {long} € :\n\n- {long} €\n- {long} €\n- {long} €\n",
    ]


@pytest.mark.parametrize("count", [29, 40, 100, 1000])
def test_a_document_with_a_very_long_number_is_checked(tmp_path: Path, count: int) -> None:
    for i, text in enumerate(sentences(count)):
        path = tmp_path / f"gros-{i}.md"
        path.write_text(text + "\n", encoding="utf-8")
        result = runner.invoke(app, ["check", str(path), "--corpus", str(tmp_path / "nothing")])
        assert result.exit_code in (0, 1), result.output
        assert "erreur interne" not in result.output
        report = check_paths([str(path)], ctx=checks.Context())  # the Python API
        assert report.errors == [] and report.stats.documents == 1


def test_the_issue_sentence_reads_as_no_figure(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_text("Il y a 12345678901234567890123456789 services.\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(path), "--corpus", "/nonexist"])
    assert result.exit_code == 0, result.output
    assert extract_claims(read_bytes(path.read_bytes(), str(path))) == []


def test_fifteen_significant_digits_are_a_figure_sixteen_are_not() -> None:
    assert MAX_DIGITS == 15
    assert [n.value for n in find_numbers("Un budget de 492 189 234 567,89 € en 2024.") if n.kind == "quantity"] == [
        Decimal("492189234567.89")
    ]
    assert [n.value for n in find_numbers("999999999999999 milliards d'euros")] == [Decimal(10) ** 24 - 10**9]
    assert [n.value for n in find_numbers("une part de 0,000000000000000000012 %")] == [Decimal(0)]  # 2 significant
    assert [(n.raw, n.unit) for n in find_numbers("la carte 4970101234567890 et la note 3/1234567890123456")] == [
        ("3", None)
    ]
    assert [n.raw for n in find_numbers("1234567890123456 usagers, 12 services")] == ["12"]
    # the figures around a refused number are read as before
    assert [n.raw for n in find_numbers("12 services, 1234567890123456789012345 usagers et 3 incubateurs")] == [
        "12",
        "3",
    ]
