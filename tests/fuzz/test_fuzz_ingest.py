"""Fuzzing ingest + check (issues 7, 17): mutated PDFs, DOCX (the archive's bytes, and the XML of
its body repacked), Markdown, HTML and raw bytes must give either a document whose check runs, or
the documented clear error (InputError with a known code and a French message). Never another
exception. The HTTP API has its own target (test_fuzz_api.py).

Bounded in CI (FACTCHECK_FUZZ_EXAMPLES, default 150 per target); the long run is `bench/fuzz N`
(N per target)."""

from __future__ import annotations

import io
import os
import re
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor import checks
from extractor.errors import InputError
from extractor.ingest import limits, read_bytes
from extractor.run.pipeline import check_document
from tests import samples
from tests.conftest import A_PROPOS, PRESS_RELEASE

EXAMPLES = int(os.environ.get("FACTCHECK_FUZZ_EXAMPLES", "150"))
CODES = {"binary", "empty", "encoding", "encrypted", "front_matter", "no_text", "too_large", "too_many_pages",
         "too_deep", "too_complex", "unreadable", "unsupported"}  # fmt: skip


def docx_seed() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = "Bilan"
    document.add_heading("Bilan 2024", level=1)
    document.add_paragraph("Au total 12 services : 5 ici et 6 là.")
    document.add_paragraph("Tchap : 279 500 utilisateurs", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "Produit", (0, 1): "Montant", (1, 0): "Mes Aides", (1, 1): "150 000 €"}.items():
        table.rows[row].cells[col].text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def with_body(archive: bytes, body: bytes) -> bytes:
    """The DOCX `archive` with its word/document.xml replaced by `body`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, body if item.filename == "word/document.xml" else source.read(item))
    return out.getvalue()


SEEDS = {
    "pdf": samples.text_pdf(["Bilan 2024 : 5 869 442 euros", "Au total 12 services : 5 ici et 6 la."]),
    "md": PRESS_RELEASE.read_bytes()[:3000],
    "html": b"<html><body><h1>Bilan</h1><ul><li>12 services</li><li>3 incubateurs</li></ul>"
    b"<table><tr><th>Produit</th><th>Montant</th></tr><tr><td>Mes Aides</td><td>150 000 \xe2\x82\xac</td></tr></table>",
    "txt": A_PROPOS.read_bytes()[:2000],
    "docx": docx_seed(),
}
with zipfile.ZipFile(io.BytesIO(SEEDS["docx"])) as _archive:
    DOCX_BODY = _archive.read("word/document.xml")


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


def flate_pdf(content: bytes) -> bytes:
    """One page whose content stream is `content`, Flate-compressed."""
    import zlib

    packed = zlib.compress(content, 9)
    return samples._with_stream(
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    )


PDF_SEEDS = [
    SEEDS["pdf"],
    flate_pdf(b"BT /F1 12 Tf 72 700 Td (Au total 12 services) Tj ET"),
    # a content stream of 2 MB of spaces (2 KB packed): a bomb under the limit
    # `test_a_disguised_bomb_is_refused` sets (1 MB)
    flate_pdf(b" " * 2_000_000),
]


def _escaped(name: bytes, draw_index: int) -> bytes:
    """`name` ("/FlateDecode") with one of its letters written as a #xx escape."""
    at = 1 + draw_index % (len(name) - 1)
    return name[:at] + b"#%02X" % name[at] + name[at + 1 :]


@st.composite
def mutated_pdf(draw) -> bytes:
    """A PDF seed, its objects disguised the way a PDF reader still reads them (names written
    with #xx escapes, a stream that says it is an image, comments between a dictionary's `>>`
    and `stream`), then mutated byte by byte."""
    data = draw(st.sampled_from(PDF_SEEDS))
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["escape", "image", "comment"]))
        if kind == "escape":
            names = sorted({m.group(0) for m in re.finditer(rb"/[A-Za-z]{2,}", data)})
            if names:
                name = draw(st.sampled_from(names))
                data = data.replace(name, _escaped(name, draw(st.integers(0, 64))))
        elif kind == "image":
            data = data.replace(b"<< /Length", b"<< /Subtype /Image /Length", 1)
        else:
            comment = b"%" + draw(st.binary(max_size=12)).replace(b"\n", b"").replace(b"\r", b"") + b"\n"
            places = [m.start() for m in re.finditer(rb">>\s*stream", data)]
            if places:
                at = draw(st.sampled_from(places)) + 2
                data = data[:at] + b" " + comment + data[at:]
    if draw(st.booleans()):
        data = draw(mutated(data))
    return data


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
@given(mutated(SEEDS["docx"]))
def test_mutated_docx_archives(data: bytes) -> None:
    ingest_and_check(data, "fuzz.docx")


@FUZZ
@given(mutated(DOCX_BODY))
def test_mutated_docx_bodies(body: bytes) -> None:
    ingest_and_check(with_body(SEEDS["docx"], body), "fuzz.docx")


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from(["x.md", "x.txt", "x.html", "x.pdf", "x.docx"]))
def test_raw_bytes(data: bytes, name: str) -> None:
    ingest_and_check(data, name)


def test_a_docx_whose_body_is_not_wordprocessingml_is_unreadable() -> None:
    # Found by test_mutated_docx_bodies: python-docx raised AttributeError on a body without <w:body>.
    for body in (b"", b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'):
        try:
            read_bytes(with_body(SEEDS["docx"], body), "vide.docx")
        except InputError as exc:
            assert exc.code in {"unreadable", "no_text"}, exc


@FUZZ
@given(mutated_pdf())
def test_mutated_pdfs_with_disguised_streams(data: bytes) -> None:
    ingest_and_check(data, "fuzz.pdf")


@settings(FUZZ, max_examples=min(EXAMPLES, 40))
@given(st.lists(st.sampled_from(["escape-filter", "escape-key", "image", "comment", "comments"]), max_size=4))
def test_a_disguised_bomb_is_refused(disguises: list[str]) -> None:
    """The bomb seed, disguised in any of the ways the stream check once missed (issue 24: PDFium
    then inflated it and aborted the process), is refused before PDFium reads it."""
    from unittest import mock

    from extractor.ingest.pdf import streams

    data = PDF_SEEDS[2]
    for disguise in disguises:
        if disguise == "escape-filter":
            data = data.replace(b"/FlateDecode", b"/Flate#44ecode")
        elif disguise == "escape-key":
            data = data.replace(b"/Filter", b"/F#69lter")
        elif disguise == "image":
            data = data.replace(b"<< /Length", b"<< /Subtype /Image /Length", 1)
        else:
            note = b" % note\n" if disguise == "comment" else b"\n%a\r% b >> stream\n  %c\n"
            data = data.replace(b">>\nstream", b">>" + note + b"stream", 1)
    try:
        with mock.patch.object(streams, "MAX_INFLATED_STREAM", 1_000_000):
            read_bytes(data, "bombe.pdf")
    except InputError as exc:
        assert exc.code == "too_complex", exc
    else:
        raise AssertionError(f"not refused: {disguises}")
