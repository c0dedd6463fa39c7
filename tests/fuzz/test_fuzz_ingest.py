"""Fuzzing ingest + check (issue 7): mutated PDFs, Markdown, HTML and raw bytes must give either a
document whose check runs, or the documented clear error (InputError with a known code and a
French message). Never another exception.

Bounded in CI (FACTCHECK_FUZZ_EXAMPLES, default 150 per target); the long run is
`FACTCHECK_FUZZ_EXAMPLES=2500 python -m pytest tests/fuzz -q` (4 targets: 10,000 cases)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor import checks, limits
from extractor.errors import InputError
from extractor.ingest import read_bytes
from extractor.pipeline import check_document
from tests import samples
from tests.conftest import A_PROPOS, PRESS_RELEASE

EXAMPLES = int(os.environ.get("FACTCHECK_FUZZ_EXAMPLES", "150"))
CODES = {"binary", "empty", "encoding", "encrypted", "front_matter", "no_text", "too_large", "too_many_pages",
         "too_deep", "too_complex", "unreadable", "unsupported"}  # fmt: skip
SEEDS = {
    "pdf": samples.text_pdf(["Bilan 2024 : 5 869 442 euros", "Au total 12 services : 5 ici et 6 la."]),
    "md": PRESS_RELEASE.read_bytes()[:3000],
    "html": b"<html><body><h1>Bilan</h1><ul><li>12 services</li><li>3 incubateurs</li></ul>"
    b"<table><tr><th>Produit</th><th>Montant</th></tr><tr><td>Mes Aides</td><td>150 000 \xe2\x82\xac</td></tr></table>",
    "txt": A_PROPOS.read_bytes()[:2000],
}


@st.composite
def mutated(draw, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "duplicate", "delete"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "duplicate":
            end = min(len(data), at + draw(st.integers(1, 200)))
            data[at:at] = data[at:end]
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 64))]
    return bytes(data)


def ingest_and_check(data: bytes, name: str) -> None:
    try:
        with limits.time_budget(20):
            doc = read_bytes(data, name)
            check_document(doc, None, checks.Context())
    except InputError as exc:
        assert exc.code in CODES and exc.message and exc.path == name, (exc.code, exc.message)


FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))  # fmt: skip


@FUZZ
@given(mutated(SEEDS["pdf"]))
def test_mutated_pdfs(data: bytes) -> None:
    ingest_and_check(data, "fuzz.pdf")


@FUZZ
@given(mutated(SEEDS["md"]))
def test_mutated_markdown(data: bytes) -> None:
    ingest_and_check(data, "fuzz.md")


@FUZZ
@given(st.one_of(mutated(SEEDS["html"]), mutated(SEEDS["txt"])), st.sampled_from(["fuzz.html", "fuzz.txt"]))
def test_mutated_html_and_text(data: bytes, name: str) -> None:
    ingest_and_check(data, name)


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from(["x.md", "x.txt", "x.html", "x.pdf", "x.docx"]))
def test_raw_bytes(data: bytes, name: str) -> None:
    ingest_and_check(data, name)
