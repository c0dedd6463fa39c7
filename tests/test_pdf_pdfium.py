"""The PDF reader on pypdfium2 (issue 17): characters and boxes in points, hidden and off-page
text, ruled tables from path objects, page numbers, streams that inflate too far, and memory that
does not grow with the page count. The PDFs are written here, by hand (tests/samples.py's
`pdf_file`): no binary is committed."""

from __future__ import annotations

import base64
import os
import random
import re
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.errors import InputError
from extractor.ingest.pdf import MAX_INFLATED_STREAM, read_pdf, streams
from extractor.ingest.pdf.pdfium import read_page
from extractor.models import BlockKind, Document
from tests.conftest import BILAN_2024_PDF, need
from tests.samples import pdf_file, stream

HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
HELVETICA_BOLD = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
# Helvetica's advance widths (AFM, thousandths of the font size) and descent.
WIDTHS = {"B": 667, "u": 556, "d": 556, "g": 556, "e": 556, "t": 278, " ": 278, "1": 556, "2": 556}
DESCENT = -207


def page_pdf(pages: list[bytes], image: bool = False, width: int = 595, height: int = 842) -> bytes:
    """A PDF with one page per content stream (fonts F1 Helvetica and F2 Helvetica-Bold; with
    `image`, a 1 x 1 grey image named Im1 that the content may draw)."""
    n = len(pages)
    fonts = 3 + 2 * n
    resources = b"/Font << /F1 %d 0 R /F2 %d 0 R >>" % (fonts, fonts + 1)
    if image:
        resources += b" /XObject << /Im1 %d 0 R >>" % (fonts + 2)
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(n))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n]
    for i, content in enumerate(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R /Resources << %s >> >>"
            % (width, height, 4 + 2 * i, resources)
        )
        objects.append(stream(content))
    objects += [HELVETICA, HELVETICA_BOLD]
    if image:
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray"
            b" /BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
        )
    return pdf_file(objects)


def text(x: float, y: float, words: str, size: float = 12, font: bytes = b"F1", mode: int = 0) -> bytes:
    return b"BT /%s %g Tf %d Tr %g %g Td (%s) Tj ET\n" % (font, size, mode, x, y, words.encode("cp1252"))


def width_of(words: str, size: float) -> float:
    return sum(WIDTHS[ch] for ch in words) * size / 1000


def only_page(data: bytes) -> list[tuple[str, float, float, float, float, float, str]]:
    """(text, x0, top, x1, bottom, size, font) of each character of the first page."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        content = read_page(document.raw, 0)
    finally:
        document.close()
    return [(c[4], c[0], c[2], c[1], c[3], g.size, g.font) for g in content.chars for c in g.chars]


# --------------------------------------------------------------------------- characters


def test_characters_have_their_boxes_and_size_in_points() -> None:
    """A 20-pt "Budget" whose baseline is at y = 700 on an A4 page: the box starts at x = 100,
    ends after Helvetica's advance widths, goes below the baseline by the font's descent
    (measured from the top of the page) and is as high as the font size."""
    chars = only_page(page_pdf([text(100, 700, "Budget", size=20)]))
    assert "".join(c[0] for c in chars) == "Budget"
    first, last = chars[0], chars[-1]
    assert first[1] == pytest.approx(100, abs=0.01)
    assert last[3] == pytest.approx(100 + width_of("Budget", 20), abs=0.05)
    for _, _, top, _, bottom, size, font in chars:
        assert size == pytest.approx(20)
        # PDFium measures a standard font by its own substitute: a descent of about a fifth of an em
        assert bottom - (842 - 700) == pytest.approx(-DESCENT * 20 / 1000, abs=0.1 * 20)
        assert bottom - top == pytest.approx(20)
        assert "Helvetica" in font


def test_a_scaled_text_matrix_gives_the_size_on_the_page() -> None:
    """A 40-pt font drawn at half scale (the `cm` of a slide export) is 20 pt on the page, and
    its box is where it is drawn: the same as a 20-pt font drawn at scale 1."""
    scaled = only_page(page_pdf([b"0.5 0 0 0.5 0 0 cm " + text(200, 1400, "Budget", size=40)]))
    plain = only_page(page_pdf([text(100, 700, "Budget", size=20)]))
    assert len(scaled) == len(plain)
    for a, b in zip(scaled, plain, strict=True):
        assert a[0] == b[0]
        assert a[1:6] == pytest.approx(b[1:6], abs=0.01)


def test_words_runs_and_fonts() -> None:
    """One line in two fonts: two runs, the bold one a strong span; a gap of 6 pt (more than the
    3 pt that end a word, less than a column gap) between two words of one font: two runs
    joined by one space."""
    title = text(72, 760, "Rapport", size=24)
    bold = text(72, 700, "Budget ") + text(72 + width_of("Budget ", 12), 700, "12", font=b"F2")
    gap = text(72, 700, "Budget") + text(72 + width_of("Budget", 12) + 6, 700, "12")
    doc = read_pdf(page_pdf([title + bold, title + gap]), "mots.pdf")
    first, second = (b for b in doc.blocks if b.kind == BlockKind.paragraph)
    assert (first.text, first.location.page) == ("Budget 12", 1)
    assert [(s.kind, first.text[s.start : s.end]) for s in first.spans] == [("strong", "12")]
    assert (second.text, second.location.page, second.spans) == ("Budget 12", 2, [])


# --------------------------------------------------------------------------- hidden and off-page text


def test_off_page_and_invisible_text_are_dropped() -> None:
    """Text beyond the page's box and invisible text (render mode 3) on a page without an image
    are not read; the visible text is."""
    content = b"\n".join(
        [
            text(72, 700, "Budget 12"),
            text(700, 700, "Budget 21"),  # right of the page
            text(72, 900, "Budget 11"),  # above the page
            text(72, 600, "Budget 111", mode=3),  # invisible
        ]
    )
    doc = read_pdf(page_pdf([content]), "cache.pdf")
    assert [b.text for b in doc.blocks] == ["Budget 12"]
    assert "21" not in doc.text and "11" not in doc.text


def test_invisible_text_over_an_image_is_an_ocr_layer_and_is_read() -> None:
    """A scanned page: an image and, over it, the OCR's invisible text. It is what the page
    shows, and the only text there is: it is read (the reader's hint for a PDF without text is
    to run OCR)."""
    content = b"q 595 0 0 842 0 0 cm /Im1 Do Q\n" + text(72, 700, "Budget 12", mode=3)
    doc = read_pdf(page_pdf([content], image=True), "scan-ocr.pdf")
    assert [b.text for b in doc.blocks] == ["Budget 12"]


def test_only_invisible_text_and_no_image_is_a_pdf_without_text() -> None:
    with pytest.raises(InputError) as err:
        read_pdf(page_pdf([text(72, 700, "Budget 12", mode=3)]), "invisible.pdf")
    assert err.value.code == "no_text"


# --------------------------------------------------------------------------- ruled tables


def ruled_table(
    rows: list[list[str]], x: float = 72, top: float = 700, widths: tuple[float, ...] = (160, 90, 90)
) -> bytes:
    """A table drawn as a grid of stroked lines (every row 20 pt high), its cells' text inside."""
    height = 20 * len(rows)
    right = x + sum(widths)
    ops = [b"0.5 w"]
    for r in range(len(rows) + 1):
        ops.append(b"%g %g m %g %g l S" % (x, top - 20 * r, right, top - 20 * r))
    edge = x
    for w in (0, *widths):
        edge += w
        ops.append(b"%g %g m %g %g l S" % (edge, top, edge, top - height))
    for r, row in enumerate(rows):
        left = x
        for c, cell in enumerate(row):
            ops.append(text(left + 4, top - 20 * r - 14, cell, size=10))
            left += widths[c]
    return b"\n".join(ops)


def test_a_ruled_table_is_read_as_table_cells() -> None:
    rows = [["Indicateur", "2023", "2024"], ["Services", "12", "15"], ["Agents", "1 200", "1 450"]]
    content = text(72, 760, "Les indicateurs", size=20) + b"\n" + ruled_table(rows)
    doc = read_pdf(page_pdf([content]), "tableau.pdf")
    cells = [b for b in doc.blocks if b.kind == BlockKind.table_cell]
    assert [(c.row, c.col, c.text) for c in cells] == [
        (r, c, cell) for r, row in enumerate(rows) for c, cell in enumerate(row)
    ]
    fifteen = next(c for c in cells if c.text == "15")
    assert (fifteen.row_header, fifteen.column_header, fifteen.table) == ("Services", "2024", 1)
    assert fifteen.location.page == 1
    x0, top, x1, bottom = fifteen.location.bbox or (0, 0, 0, 0)
    assert 72 + 250 <= x0 < x1 <= 72 + 340 and 842 - 700 + 20 <= top < bottom <= 842 - 700 + 40
    assert [b.text for b in doc.blocks if b.kind == BlockKind.heading] == ["Les indicateurs"]
    assert not [b for b in doc.blocks if b.kind == BlockKind.paragraph and "Services" in b.text]


def test_rectangles_make_a_table_too_and_a_frame_does_not() -> None:
    """Cells drawn as rectangles (`re`) are a table; a single frame around a paragraph is not."""
    ops = []
    for r in range(3):
        for c in range(2):
            ops.append(b"%d %d 100 20 re S" % (72 + 100 * c, 680 - 20 * r))
    labels = [["Poste", "Montant"], ["Salaires", "1 200"], ["Locaux", "300"]]
    for r, row in enumerate(labels):
        for c, label in enumerate(row):
            ops.append(text(76 + 100 * c, 686 - 20 * r, label, size=10))
    framed = b"60 400 300 40 re S\n" + text(72, 415, "Budget 12")
    doc = read_pdf(page_pdf([b"\n".join(ops), framed]), "cadres.pdf")
    cells = [b for b in doc.blocks if b.kind == BlockKind.table_cell]
    assert {c.text for c in cells} == {"Poste", "Montant", "Salaires", "1 200", "Locaux", "300"}
    assert next(c for c in cells if c.text == "300").row_header == "Locaux"
    assert [(b.kind, b.text) for b in doc.blocks if b.location.page == 2] == [(BlockKind.paragraph, "Budget 12")]


# --------------------------------------------------------------------------- pages


def test_every_block_has_its_page_and_box() -> None:
    pages = [text(72, 700, f"Budget {n}") + b"\n" + text(72, 600, f"Agents {n}{n}") for n in (1, 2, 12)]
    doc = read_pdf(page_pdf(pages), "pages.pdf")
    assert doc.pages == 3 and len(doc.page_starts) == 3
    assert [(b.text, b.location.page) for b in doc.blocks] == [
        ("Budget 1", 1), ("Agents 11", 1), ("Budget 2", 2), ("Agents 22", 2), ("Budget 12", 3), ("Agents 1212", 3),
    ]  # fmt: skip
    for block in doc.blocks:
        page = block.location.page or 0
        assert doc.page_starts[page - 1] <= block.start
        assert doc.text[block.start : block.end] == block.text
        x0, top, x1, bottom = block.location.bbox or (0, 0, 0, 0)
        assert 0 < x0 < x1 < 595 and 0 < top < bottom < 842


# --------------------------------------------------------------------------- streams that inflate too far


def stream_page(body: bytes, extra: list[bytes] | None = None) -> bytes:
    """One page whose content stream object is `body` (a dictionary and its data)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        body,
        HELVETICA,
    ]
    return pdf_file(objects + (extra or []))


def encoded(content: bytes, filters: list[str], padding: int = 0, indirect: bool = False) -> bytes:
    """A content stream object: `content` encoded by `filters` (the first one is applied last
    when reading), its dictionary padded with `padding` bytes of an unused key."""
    data = content
    for name in reversed(filters):
        if name == "FlateDecode":
            data = zlib.compress(data, 9)
        elif name == "ASCII85Decode":
            data = base64.a85encode(data) + b"~>"
        elif name == "LZWDecode":
            data = lzw(data)
    names = b"[" + b" ".join(b"/" + f.encode() for f in filters) + b"]"
    pad = b" /Remplissage (" + b"x" * padding + b")" if padding else b""
    filter_entry = b"6 0 R" if indirect else names
    return b"<< /Filter %s%s /Length %d >>\nstream\n" % (filter_entry, pad, len(data)) + data + b"\nendstream"


def lzw(data: bytes) -> bytes:
    """PDF's LZW (9 to 12-bit codes, early change), for the tests."""
    table = {bytes([i]): i for i in range(256)}
    codes, width, word = [256], 9, b""
    widths = [9]
    for byte in data:
        candidate = word + bytes([byte])
        if candidate in table:
            word = candidate
            continue
        codes.append(table[word])
        widths.append(width)
        table[candidate] = len(table) + 2
        if len(table) + 2 >= (1 << width) and width < 12:
            width += 1
        if len(table) + 2 >= 4095:
            codes.append(256)
            widths.append(width)
            table = {bytes([i]): i for i in range(256)}
            width = 9
        word = bytes([byte])
    codes += [table[word], 257] if word else [257]
    widths += [width, width] if word else [width]
    bits = "".join(format(code, f"0{w}b") for code, w in zip(codes, widths, strict=True))
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big")


BOMB = text(72, 700, "Budget 12") + b" " * (MAX_INFLATED_STREAM + 1_000_000)


@pytest.mark.parametrize(
    "body, extra",
    [
        pytest.param(encoded(BOMB, ["FlateDecode"]), None, id="flate"),
        pytest.param(encoded(BOMB, ["FlateDecode", "FlateDecode"]), None, id="flate-of-flate"),
        pytest.param(encoded(BOMB, ["ASCII85Decode", "FlateDecode"]), None, id="ascii85-then-flate"),
        pytest.param(encoded(BOMB, ["FlateDecode"], padding=70_000), None, id="long-dictionary"),
        pytest.param(encoded(BOMB, ["FlateDecode"], indirect=True), [b"[/FlateDecode]"], id="filter-by-reference"),
    ],
)
def test_a_stream_that_inflates_too_far_is_refused_before_pdfium_reads_it(
    body: bytes, extra: list[bytes] | None
) -> None:
    """PDFium aborts the process when an allocation fails under the CLI's memory cap: a content
    stream beyond MAX_INFLATED_STREAM once decoded is refused first, however it is encoded."""
    with pytest.raises(InputError) as err:
        read_pdf(stream_page(body, extra), "bombe.pdf")
    assert err.value.code == "too_complex" and "PDF trop lourd" in err.value.message


@pytest.mark.parametrize(
    "filters", [["FlateDecode"], ["FlateDecode", "FlateDecode"], ["ASCII85Decode", "FlateDecode"], ["LZWDecode"]]
)
def test_an_encoded_stream_within_the_limits_is_read_and_measured(filters: list[str]) -> None:
    content = text(72, 700, "Budget 12") + b" " * 200_000
    data = stream_page(encoded(content, filters))
    assert streams._decoded_size(data, *_stream_span(data), [f.encode() for f in filters]) == len(content)
    assert [b.text for b in read_pdf(data, "compresse.pdf").blocks] == ["Budget 12"]


def _stream_span(data: bytes) -> tuple[int, int]:
    start = data.index(b"stream\n") + len(b"stream\n")
    return start, data.index(b"\nendstream", start)


# --------------------------------------------------------------------------- memory

PEAK = """
import sys
from extractor.ingest.pdf import read_pdf
doc = read_pdf(open(sys.argv[1], 'rb').read(), sys.argv[1])
assert doc.pages == int(sys.argv[2]), doc.pages
peak = [line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM')]
print(int(peak[0]) // 1024)
"""


def long_pdf(pages: int) -> bytes:
    lines = [f"Ligne {n} : {n * 37 % 9000 + 100} services et {n * 11 % 90} % des agents publics" for n in range(20)]
    return page_pdf([b"\n".join(text(56, 780 - 30 * i, line, size=10) for i, line in enumerate(lines))] * pages)


def peak_mb(path: Path, pages: int) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(path), str(pages)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "FACTCHECK_MAX_MEMORY_MB": "2000"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-800:]
    return int(done.stdout.split()[-1])


def test_a_300_page_pdf_is_read_in_bounded_memory(tmp_path: Path) -> None:
    """Pages are released as they are read: 300 pages stay far under 500 MB, and take little
    more than 30 pages do (the document's own text and blocks)."""
    short, long = tmp_path / "court.pdf", tmp_path / "long.pdf"
    short.write_bytes(long_pdf(30))
    long.write_bytes(long_pdf(300))
    small, large = peak_mb(short, 30), peak_mb(long, 300)
    print(f"\npeak resident memory: 30 pages {small} MB, 300 pages {large} MB")
    assert large < 500
    assert large - small < 100


# --------------------------------------------------------------------------- the former reader


def test_the_deck_reads_as_the_former_pdfplumber_reader_read_it() -> None:
    """The Bilan 2024 deck gives the blocks the former reader (pdfplumber) gave, page by page and
    in the same order; only pictograms of a colour-emoji font that PDFium cannot measure (zero
    width) are missing."""
    from extractor.ingest.pdf.plumber import read_pdf_plumber

    path = need(BILAN_2024_PDF)
    data = path.read_bytes()
    new, old = read_pdf(data, str(path)), read_pdf_plumber(data, str(path))

    def blocks(doc: Document) -> list[tuple[str, int | None, str]]:
        pictograms = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf]\ufe0f? ?")
        return [(b.kind.value, b.location.page, pictograms.sub("", b.text)) for b in doc.blocks]

    assert blocks(new) == blocks(old)
    assert new.title == old.title and new.pages == old.pages


# --------------------------------------------------------------------------- the reader's shortcuts
# Each shortcut the reader takes for speed gives what the plain way gives: PDFium's own segment
# array against its API, the backward search of an object header against the regular
# expression's forward scan, a stream's bound against its decoded size.


def _pages(data: bytes) -> Iterator[Any]:
    """Each page of a PDF (an FPDF_PAGE), closed afterwards."""
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    document = pypdfium2.PdfDocument(data)
    opened = []
    try:
        opened = [pdfium_c.FPDF_LoadPage(document.raw, index) for index in range(len(document))]
        yield from opened
    finally:
        for page in opened:
            pdfium_c.FPDF_ClosePage(page)
        document.close()


def _shapes_pdf() -> bytes:
    """Lines, rectangles, curves, closed and open subpaths, a path inside a form."""
    ops = b"\n".join(
        [
            b"72 700 m 300 700 l S",
            b"72 600 200 50 re f",
            b"72 500 m 100 550 150 450 200 500 c h S",
            b"300 300 m 400 300 l 400 400 l 350 420 300 410 300 400 c S",
            b"q 0.5 0 0 2 10 20 cm 10 10 50 50 re S Q",
            text(72, 760, "Formes"),
        ]
    )
    return page_pdf([ops])


def test_paths_read_from_pdfiums_segment_array_are_what_its_api_gives() -> None:
    """PDFium keeps a path's segments in one array that the reader reads whole when its layout is
    the one checked at import (`_SEGMENT_ARRAY`; else, after an upgrade of PDFium that changed
    it, the reader uses the API, more slowly, and `bench/pdf_reader.py` says so): every path of
    the test PDFs reads as the API gives it, from the array too when it is used."""
    from extractor.ingest.pdf import pdfium

    sources = [_shapes_pdf()] + ([BILAN_2024_PDF.read_bytes()] if BILAN_2024_PDF.exists() else [])
    paths = 0
    for data in sources:
        for page in _pages(data):
            for handle, kind, _ in pdfium._objects(page):
                if kind == pdfium._PATH:
                    expected = pdfium._api_segments(handle)
                    assert pdfium._segments(handle) == expected
                    if pdfium._SEGMENT_ARRAY:
                        assert pdfium._array_segments(handle) == expected
                    paths += 1
    assert paths >= 5


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"obj", b"endobj", b"1 0 obj", b"12", b" ", b"\n", b"0", b"R", b"x" * 80, b"objx",
                                 b"7" + b" " * 70 + b"8 obj", b"<<", b">>", b"obj" * 20]), max_size=30))  # fmt: skip
def test_an_object_header_found_backwards_is_the_regular_expressions_last_match(parts: list[bytes]) -> None:
    """`streams._dictionary` finds a stream's object header from the last "obj" backwards; it
    ends where the forward scan's last match ends, in each window, numbers longer than the
    backward look included."""
    data = b"".join(parts) + b">>stream\n"
    at = data.rindex(b">>stream")
    expected = data[:at]
    for window in (1024, streams._HEADER_WINDOW, at):
        start = max(0, at - window)
        last = None
        for last in streams._HEADER.finditer(data, start, at):  # noqa: B007
            pass
        if last is not None:
            expected = data[last.end() : at]
            break
        if start == 0:
            break
    assert streams._dictionary(data, at) == expected


def _streams_of(bodies: list[bytes]) -> bytes:
    """Flate streams, one object each (enough of a PDF for `streams.check_streams`)."""
    parts = [b"%PDF-1.4\n"]
    for n, body in enumerate(bodies, 1):
        packed = zlib.compress(body, 9)
        parts.append(b"%d 0 obj << /Length %d /Filter /FlateDecode >> stream\n" % (n, len(packed)))
        parts.append(packed + b"\nendstream endobj\n")
    return b"".join(parts) + b"%%EOF\n"


def test_streams_are_counted_at_their_bound_and_decoded_when_the_bounds_are_too_many(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Flate stream inflates at most 1,032 times: a stream whose bound is within the limit is
    not decoded, and when the bounds together exceed the total limit every stream is decoded and
    the exact total decides (limits lowered here to 1 MB a stream and 3 MB in all)."""
    monkeypatch.setattr(streams, "MAX_INFLATED_STREAM", 1_000_000)
    monkeypatch.setattr(streams, "MAX_INFLATED_TOTAL", 3_000_000)
    decoded: list[int] = []
    real = streams._decoded_size
    monkeypatch.setattr(streams, "_decoded_size", lambda *args: decoded.append(1) or real(*args))
    noise = random.Random(7).randbytes(800)  # does not compress
    streams.check_streams(_streams_of([noise]))  # bound 0.84 MB: not decoded
    assert decoded == []
    streams.check_streams(_streams_of([noise] * 4))  # bounds 3.4 MB in all: decoded, 3.2 KB
    assert len(decoded) == 4
    with pytest.raises(streams.TooLarge):  # each within its bound, 3.6 MB in all
        streams.check_streams(_streams_of([bytes(900_000)] * 4))
    with pytest.raises(streams.TooLarge):  # bound beyond 1 MB: decoded, 2 MB
        streams.check_streams(_streams_of([bytes(2_000_000)]))
