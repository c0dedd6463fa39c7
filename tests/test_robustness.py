"""Readers and rules never fail with anything but a clear InputError; fingerprints are stable."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor import checks
from extractor.errors import InputError
from extractor.ingest import read_bytes
from extractor.report import fingerprint
from extractor.run.pipeline import check_document
from tests.conftest import BILAN_2024

MARKUP = st.sampled_from(
    [
        "---\n",
        "title: x\n",
        "# ",
        "- ",
        "    - ",
        "| a | b |\n",
        "|---|---|\n",
        "**",
        "[",
        "](",
        ")",
        "<div>",
        "</div>",
        "<li>",
        "<!--",
        "-->",
        "\t",
        "\n",
        "\n\n",
        "1 200 €",
        "section X",
        "√©",
        "Ã©",
        "`",
        "\\",
        ">",
        "<sup>1</sup>",
    ]
)
TEXTS = st.lists(st.one_of(MARKUP, st.text(max_size=20)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, st.sampled_from(["doc.md", "doc.txt", "doc.html"]))
def test_readers_and_rules_never_crash(text: str, name: str) -> None:
    try:
        doc = read_bytes(text.encode("utf-8", errors="surrogatepass"), name)
    except InputError as err:
        assert err.path == name and err.message
        return
    for block in doc.blocks:
        assert 0 <= block.start <= block.end <= len(doc.text)
        assert block.location.line >= 1 and block.location.end_line >= block.location.line
    for finding in checks.run(doc):
        assert finding.message_fr and finding.evidence is not None


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from(["a.md", "a.txt", "a.html", "a.pdf", "a.docx"]))
def test_random_bytes_are_a_document_or_a_clear_error(data: bytes, name: str) -> None:
    try:
        read_bytes(data, name)
    except InputError as err:
        assert err.path == name and err.message


def fingerprints(text: str) -> list[str]:
    doc = read_bytes(text.encode(), "rapport.md")
    return [f.fingerprint for f in check_document(doc)]


def test_fingerprints_survive_unrelated_edits_above_and_below() -> None:
    base = "# Bilan\n\nVoir la section X.\n\nLa communauté beta.gouv.fr.fr grandit.\n"
    edited = (
        "# Bilan\n\nUn paragraphe ajouté.\n\n- et une liste\n\nVoir la section X.\n\n"
        "La communauté beta.gouv.fr.fr grandit.\n\nUn autre paragraphe en bas.\n"
    )
    assert len(fingerprints(base)) == 2
    assert fingerprints(base) == fingerprints(edited)
    assert fingerprints(base) != fingerprints(base.replace("section X", "section XX"))


def test_two_identical_slips_get_two_fingerprints() -> None:
    prints = fingerprints("Voir la section X.\n\nEt encore la section X.\n")
    assert len(prints) == 2 and len(set(prints)) == 2


def test_fingerprint_ignores_case_accents_and_punctuation_of_quotes() -> None:
    assert fingerprint.normalise("« Égalité », l’État!") == fingerprint.normalise("egalite l etat")


@pytest.mark.parametrize("path", [BILAN_2024])
def test_checking_never_writes_the_input(path) -> None:
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    from extractor.run.pipeline import check_paths

    check_paths([str(path)])
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
