"""A UTF-8 file with some lines in another encoding (issue 12, item 8): decoded line by line,
each foreign line reported where it is, and never a garbled reading presented as a repair."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from extractor import checks
from extractor.cli import app
from extractor.ingest import load, read_bytes, repair
from extractor.ingest.repair import ForeignLine, decode, decode_file
from extractor.models import Document

runner = CliRunner()

TWO_LINES = (
    b"Le budget est de 5 869 442 \xe2\x82\xac pour la pr\xc3\xa9sentation.\n"
    b"Une ligne : 12 \xe9v\xe9nements.\n"  # Windows-1252
)
TWO_LINES_TEXT = "Le budget est de 5 869 442 € pour la présentation.\nUne ligne : 12 événements.\n"


def _encoding_findings(doc: Document) -> list:
    return [f for f in checks.run(doc) if f.rule.startswith("encoding/")]


def _long_file(cp1252_lines: tuple[int, ...], newline: str = "\n") -> tuple[bytes, str]:
    """50 UTF-8 lines with accents, € and typography, and the given lines (1-based) in Windows-1252."""
    lines = [
        f"Ligne {n} : la présentation des {n * 7} événements a coûté {n * 1000 + 442} € « TTC » à l’État."
        for n in range(1, 51)
    ]
    data = []
    for n, line in enumerate(lines, start=1):
        if n in cp1252_lines:
            lines[n - 1] = line = f"Ligne {n} : réunion prévue à Noël, coût 1 200 € « HT » — cœur du sujet…"
            data.append(line.encode("cp1252"))
        else:
            data.append(line.encode("utf-8"))
    return newline.encode().join(data) + newline.encode(), "\n".join(lines) + "\n"


def test_two_line_file_keeps_the_euro_and_the_accents_through_load(tmp_path: Path) -> None:
    page = tmp_path / "mixed.md"
    page.write_bytes(TWO_LINES)
    doc = load(page)
    assert doc.text == TWO_LINES_TEXT
    assert "5 869 442 €" in doc.text and "présentation" in doc.text and "12 événements" in doc.text
    assert doc.encoding == "utf-8+cp1252"
    assert all(r.kind == "decoding:cp1252" and r.location.line == 2 for r in doc.repairs)
    assert decode(TWO_LINES, "mixed.md") == (TWO_LINES_TEXT, "utf-8+cp1252")


def test_two_line_file_through_factcheck_repair(tmp_path: Path) -> None:
    page = tmp_path / "mixed.md"
    page.write_bytes(TWO_LINES)
    result = runner.invoke(app, ["repair", str(page)])
    assert result.exit_code == 0
    assert result.stdout_bytes == TWO_LINES_TEXT.encode("utf-8")
    out = tmp_path / "fixed.md"
    assert runner.invoke(app, ["repair", str(page), "-o", str(out)]).exit_code == 0
    assert out.read_bytes() == TWO_LINES_TEXT.encode("utf-8")
    assert page.read_bytes() == TWO_LINES


def test_check_reports_the_line_2_redecoding(tmp_path: Path) -> None:
    page = tmp_path / "mixed.md"
    page.write_bytes(TWO_LINES)
    result = runner.invoke(app, ["check", str(page), "--corpus", str(tmp_path / "none"), "-f", "json"])
    report = json.loads(result.stdout)
    findings = [f for f in report["findings"] if f["rule"].startswith("encoding/")]
    assert [f["rule"] for f in findings] == ["encoding/mixed-encoding"]
    (finding,) = findings
    assert finding["severity"] == "warning"
    assert "Ligne 2 non enregistrée en UTF-8" in finding["message_fr"]
    assert "Windows-1252" in finding["message_fr"] and "12 �v�nements" in finding["message_fr"]
    assert "UTF-8" in finding["suggestion"] and "Republier" not in finding["suggestion"]
    (evidence,) = finding["evidence"]
    assert evidence["quote"] == "Une ligne : 12 événements."
    location = evidence["location"]
    assert (location["line"], location["column"], location["end_line"], location["end_column"]) == (2, 1, 2, 27)
    assert report["documents"][0]["encoding"] == "utf-8+cp1252"
    text = runner.invoke(app, ["check", str(page), "--corpus", str(tmp_path / "none")])
    assert "Aucune incohérence" not in text.stdout and "2:1" in text.stdout


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_a_long_mixed_file_reports_each_cp1252_line(tmp_path: Path, newline: str) -> None:
    data, expected = _long_file((5, 23, 47), newline)
    page = tmp_path / "long.md"
    page.write_bytes(data)
    doc = load(page)
    assert doc.text == expected
    assert decode_file(data, "long.md").foreign_lines == [ForeignLine(n, "cp1252") for n in (5, 23, 47)]
    findings = _encoding_findings(doc)
    assert [f.rule for f in findings] == ["encoding/mixed-encoding"] * 3
    assert [f.evidence[0].location.line for f in findings] == [5, 23, 47]
    assert all(
        f.evidence[0].quote.startswith(f"Ligne {n} : réunion") for f, n in zip(findings, (5, 23, 47), strict=True)
    )
    result = runner.invoke(app, ["repair", str(page)])
    assert result.stdout_bytes == expected.encode("utf-8").replace(b"\n", newline.encode())


def test_columns_on_a_redecoded_line_are_those_of_the_original() -> None:
    data = "Première ligne, coût 5 € « TTC ».\n".encode() + "Réunion à Noël : voir le le rapport.\n".encode("cp1252")
    doc = read_bytes(data, "a.md")
    (dup,) = [f for f in checks.run(doc) if f.rule == "text/duplicated-token"]
    location = dup.evidence[0].location
    assert (location.line, location.column) == (2, len("Réunion à Noël : voir ") + 1)


def test_a_pure_utf8_file_reports_nothing() -> None:
    data, expected = _long_file(())
    doc = read_bytes(data, "clean.md")
    assert doc.text == expected and doc.encoding == "utf-8"
    assert doc.repairs == [] and _encoding_findings(doc) == []
    assert decode_file(data, "clean.md").foreign_lines == []


LEGACY = "Le développement des démarches numériques à l'échelle de l'État, année après année."


@pytest.mark.parametrize("codec", ["cp1252", "latin-1", "mac_roman"])
def test_a_wholly_legacy_file_still_decodes_as_a_whole(codec: str) -> None:
    text = (LEGACY + "\n") * 3
    decoded = decode_file(text.encode(codec), "a.txt")
    assert decoded.text == text and decoded.foreign_lines == [] and "+" not in decoded.encoding
    doc = read_bytes(text.encode(codec), "a.txt")
    assert doc.text == text and _encoding_findings(doc) == []


def test_a_wholly_cp1252_file_with_an_accidental_utf8_line() -> None:
    """The line "CAFÉ…" in Windows-1252 is valid UTF-8 ("CAFɅ") but is no evidence of UTF-8: the file is
    left to the whole-file detection, as before."""
    from charset_normalizer import from_bytes

    data = ("MENU DU CAFÉ…\n" + (LEGACY + "\n") * 2).encode("cp1252")
    decoded = decode_file(data, "a.txt")
    assert decoded.foreign_lines == [] and "+" not in decoded.encoding
    assert decoded.text == str(from_bytes(data).best())


def test_utf8_lines_of_a_mostly_cp1252_file_are_never_lost() -> None:
    """When most lines are Windows-1252 the whole-file guess is kept only if it gives the UTF-8
    lines back (here it would not: line by line then)."""
    legacy = [f"Réunion à Noël n°{n}, coût {n} €." for n in range(10)]
    utf8 = ["Présentation : 5 869 442 € à l’État", "Événement « fin »"]
    data = b"\n".join([line.encode("cp1252") for line in legacy] + [line.encode() for line in utf8]) + b"\n"
    doc = read_bytes(data, "b.md")
    assert doc.text == "\n".join(legacy + utf8) + "\n"
    assert "5 869 442 €" in doc.text
    assert not any(f.rule == "encoding/mojibake-repaired" for f in checks.run(doc))


def test_a_utf8_bom_file_with_a_cp1252_line() -> None:
    data = b"\xef\xbb\xbf" + TWO_LINES.replace(b"\n", b"\r\n")
    decoded = decode_file(data, "a.md")
    assert decoded.text == TWO_LINES_TEXT.replace("\n", "\r\n")
    assert decoded.encoding == "utf-8-sig+cp1252" and decoded.foreign_lines == [ForeignLine(2, "cp1252")]


def test_a_damaged_utf8_line_keeps_its_valid_characters() -> None:
    data = "Ligne propre : 5 € à l’État.\n".encode() + b"La pr\xc3\xa9sentation co\xc3\xbbte 5 \xe2\x82 HT.\n"
    doc = read_bytes(data, "a.md")
    assert doc.text.splitlines()[1] == "La présentation coûte 5 \ufffd HT."
    rules = sorted(f.rule for f in _encoding_findings(doc))
    assert rules == ["encoding/mixed-encoding", "encoding/residual-mojibake"]
    mixed = next(f for f in _encoding_findings(doc) if f.rule == "encoding/mixed-encoding")
    assert "octets invalides" in mixed.message_fr and mixed.evidence[0].location.line == 2


def test_a_foreign_line_that_is_not_cp1252_gets_a_legacy_guess() -> None:
    """Windows-1252 does not define 0x8D ("ç" in Mac Roman): the line is read as Mac Roman."""
    mac = "Le développement, ça coûte à l’échelle."
    data = "Réunion à Noël, 5 € à l’État.\n".encode() * 2 + mac.encode("mac_roman") + b"\n"
    decoded = decode_file(data, "a.md")
    assert decoded.text.splitlines()[2] == mac
    assert decoded.foreign_lines == [ForeignLine(3, "mac_roman")]
    (finding,) = [f for f in _encoding_findings(read_bytes(data, "a.md")) if f.rule == "encoding/mixed-encoding"]
    assert "Mac Roman" in finding.message_fr


def test_the_doctests_of_the_decoder_run() -> None:
    result = doctest.testmod(repair)
    assert result.attempted >= 5 and result.failed == 0


# Words an editor writes that Windows-1252 can encode: a line made of them is either UTF-8 or cp1252.
CP1252_WORDS = [
    "l’État", "«", "»", "“bilan”", "où", "à", "déjà", "Élysée", "cœur", "ça", "Noël", "naïf", "1\u00a0200",
    "5\u00a0869\u00a0442\u00a0€", "45,5\u00a0%", "—", "–", "…", "2,48 M€", "n°352", "d’intérêt", "général",
    "Startups", "pérennisés", "(+40)", "«\u00a0PLF\u00a0»", "budget", "2024", "Über", "façade",
]  # fmt: skip
LINE = st.lists(st.sampled_from(CP1252_WORDS), min_size=1, max_size=12).map(" ".join)


@st.composite
def mixed_files(draw: st.DrawFn) -> tuple[list[str], list[bool]]:
    """French lines, some of them marked to be saved in Windows-1252, never more of those than of
    UTF-8 lines with non-ASCII characters (the file stays mostly UTF-8)."""
    lines = draw(st.lists(LINE, min_size=1, max_size=20))
    flags = draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
    utf8 = sum(1 for line, legacy in zip(lines, flags, strict=True) if not legacy and not line.isascii())
    budget = utf8
    kept = []
    for line, legacy in zip(lines, flags, strict=True):
        take = legacy and not line.isascii() and budget > 0
        budget -= take
        kept.append(take)
    return lines, kept


@settings(max_examples=200, deadline=None)
@given(mixed_files())
def test_mixed_utf8_and_cp1252_lines_decode_to_the_original(case: tuple[list[str], list[bool]]) -> None:
    lines, legacy = case
    data = b"".join(
        (line + "\n").encode("cp1252" if flag else "utf-8") for line, flag in zip(lines, legacy, strict=True)
    )
    text = "".join(line + "\n" for line in lines)
    decoded = decode_file(data, "a.md")
    assert decoded.text == text
    assert decoded.foreign_lines == [ForeignLine(n, "cp1252") for n, flag in enumerate(legacy, start=1) if flag]
    doc = read_bytes(data, "a.md")
    assert doc.text == text
    assert [f.evidence[0].location.line for f in _encoding_findings(doc)] == [
        n for n, flag in enumerate(legacy, start=1) if flag
    ]


def test_a_long_redecoded_line_is_quoted_around_its_first_foreign_character() -> None:
    line = "Texte sans accent " * 10 + "puis réunion à Noël " + "et encore du texte " * 10
    doc = read_bytes("Première ligne, 5 €.\n".encode() + line.encode("cp1252") + b"\n", "a.md")
    (finding,) = [f for f in _encoding_findings(doc) if f.rule == "encoding/mixed-encoding"]
    (evidence,) = finding.evidence
    assert evidence.quote.startswith("…accent Texte") and "puis réunion à Noël" in evidence.quote
    assert evidence.quote.endswith("…") and len(evidence.quote) <= 122
    assert "r�union � No�l" in finding.message_fr
    assert (evidence.location.line, evidence.location.column, evidence.location.end_column) == (2, 1, len(line) + 1)


def test_repair_says_which_lines_it_decoded_apart(tmp_path) -> None:
    page = tmp_path / "mixed.md"
    page.write_bytes(
        "Le budget est de 5 869 442 € pour la présentation.\n".encode()
        + "Une ligne : 12 événements.\n".encode("cp1252")
    )
    result = runner.invoke(app, ["repair", str(page)])
    assert result.exit_code == 0
    assert "1 ligne(s) enregistrée(s) dans un autre encodage" in result.stderr and "ligne 2 : cp1252" in result.stderr
