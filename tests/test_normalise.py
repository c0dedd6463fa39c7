"""One text normaliser (issue 18, item 3): the forms words are compared in are built on
extractor/normalise.py, and the fingerprints built on them have not moved."""

from __future__ import annotations

import doctest
import hashlib
import os
import re
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import normalise
from extractor.normalise import compact, fold, plain, strip_accents
from extractor.reference.names import normalise_name
from extractor.reference.store import Registry
from extractor.report import fingerprint
from extractor.run.pipeline import check_paths, open_context
from tests.conftest import CORPUS, ROOT

# The normalisers as they were written before they shared extractor/normalise.py, kept here
# verbatim: what they gave is what baselines, verdicts and registry stores were made with.


def old_fingerprint_normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", " ", text).strip()


def old_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold().replace("’", "'").replace("ʼ", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip()


_OLD_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "ħ": "h", "þ": "th"})


def old_normalise_name(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_OLD_LIGATURES))
    return "".join(c for c in folded if c.isalnum() and c not in frozenset("ʼʻʹ") and not unicodedata.combining(c))


def old_strip_accents(text: str) -> str:  # entities/gazetteer.py
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


TRICKY = [
    "« Égalité », l’État!",
    "lʼinclusion numérique",
    "Œuvre-1 ÆTHER ø",
    "ﬁnancement\u00a0de\u202f12 000 €",
    "Startups d’État\tEN   activité ",
    "snake_case-et—tirets",
    unicodedata.normalize("NFD", "élève à l'école"),
    "İstanbul ß ǅ",
    "",
    "   ",
    "١٢٣ chiffres arabes",
]


def test_the_doctests_of_the_normaliser_run() -> None:
    result = doctest.testmod(normalise)
    assert result.attempted >= 6 and result.failed == 0


def test_the_shared_forms_are_the_old_ones_on_tricky_text() -> None:
    for text in TRICKY:
        assert fingerprint.normalise(text) == plain(text) == old_fingerprint_normalise(text), text
        assert fold(text) == old_fold(text), text
        assert normalise_name(text) == compact(text) == old_normalise_name(text), text
        assert strip_accents(text) == old_strip_accents(text), text


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40))
def test_the_shared_forms_are_the_old_ones(text: str) -> None:
    assert plain(text) == old_fingerprint_normalise(text)
    assert fold(text) == old_fold(text)
    assert compact(text) == old_normalise_name(text)
    assert strip_accents(text) == old_strip_accents(text)


def as_fingerprinted(path: str) -> str:
    """A corpus file as fingerprints name it (issue 23, item 3): relative to the repository's root
    (or, in a copy without git, to the working directory), however the run spelled it."""
    real = Path(path).resolve()
    if (ROOT / ".git").exists():
        return real.relative_to(ROOT).as_posix()
    return Path(os.path.relpath(real)).as_posix()


def test_the_fingerprints_of_the_corpus_findings_have_not_moved(registry: Registry, tmp_path: Path) -> None:
    """Each finding of the corpus (`factcheck check corpus/`, with the registry) keeps the
    fingerprint the old normaliser gave it: baselines and the site's verdicts are keyed by them."""
    ctx = open_context(reference=None, corpus=CORPUS, index=tmp_path / "index.sqlite")
    ctx.registry = registry
    try:
        report = check_paths([str(CORPUS)], ctx=ctx)
    finally:
        if ctx.corpus is not None:
            ctx.corpus.close()
    assert len(report.findings) >= 20 and {f.rule.split("/")[0] for f in report.findings} >= {"reference", "corpus"}
    seen: dict[str, int] = {}
    for finding in report.findings:
        files = sorted({as_fingerprinted(e.location.path) for e in finding.evidence})
        key = "\x1f".join([finding.rule, *files, *(old_fingerprint_normalise(e.quote) for e in finding.evidence)])
        rank = seen.get(key, 0)
        seen[key] = rank + 1
        assert finding.fingerprint == hashlib.sha256(f"{key}\x1e{rank}".encode()).hexdigest()[:20], finding


def test_accents_are_folded_in_one_place_only() -> None:
    """Accent folding (NFKD without combining marks) is written in extractor/normalise.py alone
    (five modules had their own). numbers.py only composes (NFC)."""
    copies = []
    for path in sorted((ROOT / "extractor").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        if rel != "extractor/normalise.py" and ('"NFKD"' in text or "combining(" in text or '"NFD"' in text):
            copies.append(rel)
    assert copies == []
