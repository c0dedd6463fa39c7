"""Encoding detection and mojibake repair (acceptance 1)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from extractor.cli import app
from extractor.errors import InputError
from extractor.ingest.repair import decode, diff_spans, repair, residual_mojibake
from tests.conftest import A_PROPOS, BILAN_2021, BILAN_2024, PRESS_RELEASE, RAPPORT_2017

runner = CliRunner()
CLEAN = [PRESS_RELEASE, BILAN_2021, A_PROPOS, RAPPORT_2017]


def test_repair_command_restores_bilan_2024_exactly() -> None:
    raw = BILAN_2024.read_text(encoding="utf-8")
    expected = raw.encode("mac_roman").decode("utf-8")
    result = runner.invoke(app, ["repair", str(BILAN_2024)])
    assert result.exit_code == 0
    assert result.stdout_bytes == expected.encode("utf-8")
    # the line with the money-bag emoji, which a line-by-line repair gets wrong
    assert "- 💰 un co-financement et soutien de la DINUM" in result.stdout_bytes.decode("utf-8")
    assert "üí∞" in raw


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_repair_is_identity_on_clean_documents(path) -> None:
    result = runner.invoke(app, ["repair", str(path)])
    assert result.exit_code == 0
    assert result.stdout_bytes == path.read_bytes()


def test_repair_to_file_never_overwrites_the_input(tmp_path) -> None:
    source = tmp_path / "page.md"
    source.write_bytes(BILAN_2024.read_bytes())
    result = runner.invoke(app, ["repair", str(source), "-o", str(source)])
    assert result.exit_code == 2
    assert "écraser" in result.stderr
    assert source.read_bytes() == BILAN_2024.read_bytes()
    out = tmp_path / "fixed.md"
    assert runner.invoke(app, ["repair", str(source), "-o", str(out)]).exit_code == 0
    assert "présentation" in out.read_text(encoding="utf-8")
    assert source.read_bytes() == BILAN_2024.read_bytes()


def test_repair_spans_point_at_the_original_text() -> None:
    raw = BILAN_2024.read_text(encoding="utf-8")
    result = repair(raw)
    assert result.explanation == "texte UTF-8 lu comme Mac Roman"
    assert len(result.spans) > 500
    for span in result.spans:
        assert raw[span.orig_start : span.orig_end] == span.before
        assert result.text[span.start : span.end] == span.after
    first = result.spans[0]
    assert (first.before, first.after) == ("√©", "é")


def test_an_overlong_changed_line_becomes_one_span(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_ALIGN cells the alignment is not attempted (its time grows with the square of the
    line): the line is one span, still pointing at the right text on both sides."""
    from extractor.ingest import repair as module

    raw = "Titre\n" + "Le r\u00e9sultat de l\u2019ann\u00e9e. " * 40 + "\nFin\n"
    broken = raw.encode("utf-8").decode("mac_roman")
    fine = repair(broken)
    monkeypatch.setattr(module, "MAX_ALIGN", 1000)
    coarse = repair(broken)
    assert coarse.text == fine.text == raw and len(fine.spans) == 120 and len(coarse.spans) == 1
    (span,) = coarse.spans
    assert broken[span.orig_start : span.orig_end] == span.before and raw[span.start : span.end] == span.after
    assert span.before.startswith("Le r√©sultat") and span.after.startswith("Le résultat")


def test_legitimate_typography_is_kept() -> None:
    text = "L’État « dévoile » “le bilan” : 1\u00a0200 membres, 5\u202f869\u202f442 €, lʼannée — coût 0,90 €…"
    assert repair(text).text == text


WORDS = [
    "l’État",
    "«",
    "»",
    "“bilan”",
    "lʼannée",
    "où",
    "à",
    "déjà",
    "Élysée",
    "cœur",
    "œuvre",
    "ça",
    "Noël",
    "naïf",
    "1\u00a0200",
    "5\u202f869\u202f442\u00a0€",
    "45,5\u00a0%",
    "—",
    "–",
    "…",
    "+47 %",
    "2,48 M€",
    "n°352",
    "d’intérêt",
    "général",
    "Startups",
    "d’État",
    "pérennisés",
    "(+40)",
    "«\u00a0PLF\u00a0»",
    "😀",
    "🎯",
    "\n",
]
# Clean French text as editors write it: words, numbers and typography separated by spaces.
FRENCH = st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(FRENCH)
def test_clean_french_text_is_never_changed(text: str) -> None:
    assert repair(text).text == text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
@example("Prix : 12 €Ä")
def test_repair_is_idempotent(text: str) -> None:
    once = repair(text).text
    assert repair(once).text == once


# French characters that an editor may put side by side ("12 €Ä"): their UTF-8 reading in Mac
# Roman or Windows-1252 is some other script, never the text that was meant.
GLUED = ["€", "Ä", "Ö", "Ü", "É", "À", "Ç", "é", "è", "à", "ç", "ô", "ê", "’", "«", "»", "…", "—", "°", "%", "12", "a"]
FRENCH_GLUED = st.lists(st.tuples(st.sampled_from(WORDS + GLUED), st.sampled_from(["", " "])), max_size=30).map(
    lambda parts: "".join(word + sep for word, sep in parts)
)


@settings(max_examples=400, deadline=None)
@given(FRENCH_GLUED)
@example("Prix : 12 €Ä")
@example("12 Ä€ et €Ö")
def test_french_characters_side_by_side_are_never_repaired(text: str) -> None:
    assert repair(text).text == text


def _broken(word: str, wrong: str) -> str:
    return word.encode("utf-8").decode(wrong, errors="replace")


# The usual mojibake: French words whose UTF-8 was read as Mac Roman, Windows-1252 or Latin-1.
MOJIBAKE = st.tuples(
    st.sampled_from(["présentation", "l’État", "déjà", "cœur", "« bilan »", "5 869 442 €", "💰 co-financement"]),
    st.sampled_from(["mac_roman", "cp1252", "latin-1"]),
).map(lambda pair: _broken(*pair))
MIXED = st.lists(st.one_of(st.sampled_from(WORDS + GLUED), MOJIBAKE), max_size=20).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(MIXED)
@example("pr√©sentation 12 €Ä")
@example("pr√©sentation lâ€™Ã‰tat")  # two mojibakes: one repaired a pass (found by CI)
def test_repairs_of_french_and_mojibake_are_idempotent_and_read_as_french(text: str) -> None:
    result = repair(text)
    assert repair(result.text).text == result.text
    for span in result.spans:
        assert text[span.orig_start : span.orig_end] == span.before
        assert result.text[span.start : span.end] == span.after
        assert not any(unicodedata.category(c)[0] == "L" and c > "\u017f" for c in span.after), span


def test_mojibake_beside_french_characters_is_repaired_and_they_are_kept() -> None:
    result = repair("La pr√©sentation : 12 €Ä.")
    assert result.text == "La présentation : 12 €Ä."
    assert [(s.before, s.after) for s in result.spans] == [("√©", "é")]


@pytest.mark.parametrize(
    "sentence",
    [
        "La présentation qui a été faite à la communauté début 2025.",
        "Les Startups d’État répondent aux besoins des usagers à l’échelle nationale.",
    ],
)
@pytest.mark.parametrize("wrong", ["mac_roman", "cp1252", "latin-1"])
def test_mojibake_is_repaired_with_spans(sentence: str, wrong: str) -> None:
    broken = sentence.encode("utf-8").decode(wrong, errors="strict")
    result = repair(broken)
    assert result.text == sentence
    rebuilt = list(broken)
    for span in sorted(result.spans, key=lambda s: s.orig_start, reverse=True):
        rebuilt[span.orig_start : span.orig_end] = list(span.after)
    assert "".join(rebuilt) == sentence


def test_diff_spans_on_multiline_text() -> None:
    spans = diff_spans("a\npr√©s\nb\n√†\n", "a\nprés\nb\nà\n")
    assert [(s.before, s.after, s.orig_start) for s in spans] == [("√©", "é", 4), ("√†", "à", 10)]


def test_decode_detects_encodings() -> None:
    text = "Numérique au service de l’efficacité"
    assert decode(text.encode("utf-8"), "a.md") == (text, "utf-8")
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8"), "a.md") == (text, "utf-8-sig")
    assert decode(text.encode("utf-16"), "a.md") == (text, "utf-16")
    latin = "Le développement des démarches numériques à l'échelle de l'État, année après année."
    decoded, encoding = decode(latin.encode("cp1252"), "a.txt")
    assert decoded == latin
    assert encoding != "utf-8"


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", "empty"), (b"  \n\n ", "empty"), (bytes(range(256)) * 20, "binary"), (b"\x00\x01\x02abc" * 100, "binary")],
)
def test_decode_rejects_empty_and_binary(data: bytes, code: str) -> None:
    with pytest.raises(InputError) as err:
        decode(data, "x.md")
    assert err.value.code == code
    assert err.value.path == "x.md"


def test_residual_mojibake_is_found_only_in_broken_text() -> None:
    assert residual_mojibake("Le bilan Ã©tait prÃªt üí∞")
    assert residual_mojibake("un caractère perdu \ufffd ici")
    for path in [*CLEAN, BILAN_2024]:
        assert residual_mojibake(repair(path.read_text(encoding="utf-8")).text) == []


# Issue 15: decomposed letters (NFD) are composed and invisible characters removed, as repairs of
# their own kinds, whose spans point at the original text.


def test_decomposed_letters_and_invisible_characters_are_repairs_with_spans() -> None:
    from extractor.ingest.repair import INVISIBLE, NFC

    original = "Un caracte\u0300re re\u0301pe\u0301titif.\nM\ufeffon Suivi Social, Ã©tÃ©\n"
    result = repair(original)
    assert result.text == "Un caractère répétitif.\nMon Suivi Social, été\n"
    kinds = [s.kind for s in result.spans]
    assert kinds == [NFC, NFC, INVISIBLE, "mojibake"]
    for span in result.spans:
        assert original[span.orig_start : span.orig_end] == span.before
        assert result.text[span.start : span.end] == span.after
    assert result.spans[2].before == "\ufeff" and result.spans[2].after == ""


def test_normalisation_keeps_lines_emoji_and_french_spaces() -> None:
    text = "Prix\u00a0: 12\u202f000\u00a0€ !\n👩\u200d💻 développeuse\n"
    assert repair(text).text == text and repair(text).spans == []


def test_a_document_points_at_the_original_bytes_after_normalisation() -> None:
    from extractor.ingest import read_bytes

    doc = read_bytes("L\ufeffa communaute\u0301 de l'inclusion et le budget.\n".encode(), "x.md")
    start = doc.text.index("budget")
    loc = doc.locate(start, start + len("budget"))
    assert (loc.line, loc.column) == (1, 1 + "L\ufeffa communaute\u0301 de l'inclusion et le ".__len__())
    assert [r.kind for r in doc.repairs] == ["unicode:invisible", "unicode:nfc"]


def test_lines_of_zero_width_spaces_keep_every_later_place_exact() -> None:
    """Pages pasted from an editor that leaves lines of U+200B (the site's recrutement-simplifie):
    aligning the two texts line by line paired the wrong lines, so a figure further down pointed at
    another sentence and the removals were reported as mojibake. Each removal is its own span."""
    from extractor.ingest import read_bytes

    text = "\u200b\n\u200b\nCela a pour conséquence: \u200b\nLes conseillers : 12 entreprises\u200b\u200b\nFin.\n"
    result = repair(text)
    assert [s.kind for s in result.spans] == ["unicode:invisible"] * 5
    assert all(s.before == "\u200b" and s.after == "" for s in result.spans)
    doc = read_bytes(text.encode(), "page.md")
    start = doc.text.index("12 entreprises")
    at = doc.locate(start, start + 2)
    assert (at.line, at.column) == (4, 19)


def test_two_mojibakes_in_one_text_are_both_repaired_at_once() -> None:
    """A Mac Roman word and a Windows-1252 word in one text (found by the property above): ftfy
    repairs one encoding a pass, so a second repair changed the text again."""
    result = repair("pr√©sentation lâ€™Ã‰tat")
    assert result.text == "présentation l’État"
    assert repair(result.text).text == result.text
    assert "".join(s.after for s in result.spans) in ("é’É", "é’Ét")
    assert result.explanation is not None and result.explanation.startswith("texte UTF-8 lu comme Mac Roman")
