"""The PDF reader on pypdfium2 against the former pdfplumber reader (issue 17, items 1 and 2), in one run:

- speed, on the Bilan 2024 deck (38 pages) and on a generated 300-page text PDF: pages per second
  of pdfplumber's `extract_text()`, of the former reader (pdfplumber words, tables, layout:
  `extractor.ingest.pdf.plumber`), of the reader (pypdfium2 characters and rules, the same
  layout) and of pypdfium2's raw `get_text_range()` (the floor), as ratios to the former reader;
- memory: the peak resident memory (ru_maxrss) of each, read in its own process;
- `factcheck check` of the 300-page PDF: wall time and peak memory;
- the peak memory of `factcheck check` on each hostile input (tests/test_hostile.py's files, the
  300-page PDF, a 5,000 x 20 Markdown table), every one under 1 GB.

Each measure runs in a new process, which prints its own peak resident memory (VmHWM) at exit.

Usage: python bench/pdf_reader.py [--runs N] [--quick]   (--quick: skip the hostile inputs)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import zlib
from pathlib import Path

from common import BILAN_2024_PDF, CHECK, ROOT, in_child, machine

GOAL_SPEED = 10.0  # times the former reader's pages per second
GOAL_MEMORY_MB = 500  # the reader's peak on the 300-page PDF
GOAL_CHECK_SECONDS = 20.0  # `factcheck check` of the 300-page PDF
GOAL_HOSTILE_MB = 1024  # `factcheck check` of any accepted or refused hostile input

# Run in a child process: read the PDF `runs` times with one reader, print the median seconds.
READER = """
import io, statistics, sys, time
kind, path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(path, 'rb').read()
if kind == 'plumber-text':
    import pdfplumber
    def read():
        with pdfplumber.open(io.BytesIO(data)) as document:
            for page in document.pages:
                page.extract_text()
                page.close()
elif kind == 'former':
    from extractor.ingest.pdf.plumber import read_pdf_plumber
    def read():
        read_pdf_plumber(data, path)
elif kind == 'reader':
    from extractor.ingest.pdf import read_pdf
    def read():
        read_pdf(data, path)
else:
    sys.path.insert(0, 'bench')
    from common import pdfium_text
    def read():
        pdfium_text(data)
samples = []
for _ in range(runs):
    started = time.perf_counter()
    read()
    samples.append(time.perf_counter() - started)
print(statistics.median(samples))
"""

WORDS = (
    "le",
    "programme",
    "a",
    "accompagné",
    "services",
    "numériques",
    "agents",
    "publics",
    "en",
    "2024",
    "la",
    "dotation",
    "de",
    "l'incubateur",
    "finance",
    "les",
    "équipes",
    "qui",
    "ont",
    "déployé",
    "des",
    "outils",
    "dans",
    "les",
    "administrations",
    "et",
    "suivi",
    "leurs",
    "usagers",
    "selon",
    "le",
    "bilan",
    "annuel",
    "publié",
    "par",
    "la",
    "direction",
    "interministérielle",
    "du",
    "numérique",
)


def text_pdf(pages: int, lines: int = 48) -> bytes:
    """A PDF of `pages` A4 pages of 10-pt Helvetica prose (`lines` lines of 12 words, about 3,500
    characters a page) with a figure in one word of 40 (about 17 a page, as in a report), its
    content streams compressed: about 0.5 MB for 300 pages."""

    def literal(text: str) -> bytes:
        raw = text.encode("cp1252", "replace")
        return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    state = 12345
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    font = 3 + 2 * pages
    for page in range(pages):
        ops = [b"BT /F1 16 Tf 56 800 Td (" + literal(f"Rapport d'activité, partie {page + 1}") + b") Tj ET"]
        for line in range(lines):
            words = []
            for _ in range(12):
                state = (state * 1103515245 + 12345) % 2**31
                word = WORDS[state % len(WORDS)] if state % 40 else f"{state % 9000 + 100} {state % 1000:03d}"
                words.append(word if not words or word != words[-1] else WORDS[(state + 1) % len(WORDS)])
            y = 770 - line * 15
            ops.append(b"BT /F1 10 Tf 56 %d Td (" % y + literal(" ".join(words)) + b") Tj ET")
        content = zlib.compress(b"\n".join(ops), 9)
        kids.append(b"%d 0 R" % (3 + 2 * page))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + 2 * page, font)
        )
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream")
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % pages
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    from tests.samples import pdf_file

    return pdf_file(objects)


def markdown_table(rows: int = 5_000, cols: int = 20) -> bytes:
    head = "| " + " | ".join(f"colonne {c}" for c in range(cols)) + " |\n"
    rule = "|" + "---|" * cols + "\n"
    body = "".join("| " + " | ".join(f"{r * cols + c}" for c in range(cols)) + " |\n" for r in range(rows))
    return (head + rule + body).encode()


def reader_row(label: str, kind: str, path: Path, pages: int, runs: int, former: float | None) -> float:
    out, _, code, rss, _ = in_child(READER, [kind, str(path), str(runs)])
    if code != 0:
        print(f"  {label:<34} failed (exit {code})")
        return float("nan")
    seconds = float(out.strip().splitlines()[-1])
    ratio = f"{former / seconds:7.1f}x" if former else "   1.0x"
    print(f"  {label:<34}{seconds * 1000:10.1f} ms {pages / seconds:9.1f} pages/s {ratio} {rss:7d} MB peak")
    return seconds


def speed(path: Path, pages: int, runs: int, former_runs: int) -> tuple[float, float, int]:
    print(f"PDF reader: {path.name}, {pages} pages (median of {runs} runs; former reader: {former_runs})")
    print(f"  {'':<34}{'time':>13} {'speed':>17} {'vs former':>8} {'memory':>12}")
    former = reader_row("former reader (pdfplumber)", "former", path, pages, former_runs, None)
    reader_row("pdfplumber extract_text", "plumber-text", path, pages, former_runs, former)
    ours = reader_row("reader (pypdfium2)", "reader", path, pages, runs, former)
    reader_row("pypdfium2 get_text_range (floor)", "floor", path, pages, runs, former)
    _, _, _, rss, _ = in_child(READER, ["reader", str(path), "1"])
    return former / ours, ours, rss


def check_row(label: str, path: Path, env: dict[str, str]) -> tuple[float, int]:
    _, seconds, code, rss, cpu = in_child(CHECK, ["check", str(path), "--corpus", "/nonexistent"], env)
    verdict = "read" if code in (0, 1) else f"refused (exit {code})"
    print(f"  {label:<34}{seconds:8.2f} s {cpu:7.2f} s CPU {rss:7d} MB peak  {verdict}")
    return seconds, rss


def hostile(folder: Path, long_pdf: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from tests import samples
    from tests.test_hostile import CASES, digit_boxes_pdf, tiny_boxes_pdf

    files = {name: make() for name, (make, _) in CASES.items()}
    files |= {"boites.pdf": tiny_boxes_pdf(30_000), "chiffres.pdf": digit_boxes_pdf(20_000)}
    files |= {"tableau.md": markdown_table()}  # 5,000 rows of 20 cells
    files["texte.pdf"] = samples.text_pdf()
    env = {**os.environ, "FACTCHECK_MAX_MEMORY_MB": "4096"}
    print("factcheck check on hostile inputs: peak resident memory (goal: under 1 GB each)")
    worst = 0
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        _, rss = check_row(name, path, env)
        worst = max(worst, rss)
    _, rss = check_row(long_pdf.name + " (300 pages)", long_pdf, env)
    return max(worst, rss)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="skip the hostile inputs")
    args = parser.parse_args()
    print(f"  machine: {machine()}")
    sys.path.insert(0, str(ROOT))
    from extractor.ingest.pdf import pdfium

    how = (
        "PDFium's segment array"
        if pdfium._SEGMENT_ARRAY
        else "the API (this PDFium's segment layout is not the one known)"
    )
    print(f"  path segments read from {how}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        long_pdf = folder / "rapport-300-pages.pdf"
        long_pdf.write_bytes(text_pdf(300))
        print(f"  generated: {long_pdf.name}, 300 pages, {long_pdf.stat().st_size / 1e6:.2f} MB")
        ratios = []
        if BILAN_2024_PDF.exists():
            ratio, _, _ = speed(BILAN_2024_PDF, 38, args.runs, args.runs)
            ratios.append(ratio)
        else:
            print(f"PDF reader: {BILAN_2024_PDF} is absent, the deck is skipped")
        ratio, _, long_rss = speed(long_pdf, 300, args.runs, 1)
        ratios.append(ratio)
        env = {**os.environ, "FACTCHECK_MAX_MEMORY_MB": "4096"}
        print("factcheck check of the 300-page PDF")
        check_seconds, check_rss = check_row(long_pdf.name, long_pdf, env)
        worst = hostile(folder, long_pdf) if not args.quick else check_rss
    print("goals (issue 17)")
    print(f"  speed vs former reader: {', '.join(f'{r:.1f}x' for r in ratios)} (goal >= {GOAL_SPEED:.0f}x)")
    print(f"  reader peak on 300 pages: {long_rss} MB (goal < {GOAL_MEMORY_MB} MB)")
    print(f"  check of 300 pages: {check_seconds:.1f} s (goal < {GOAL_CHECK_SECONDS:.0f} s)")
    scope = " (300 pages only)" if args.quick else ""
    print(f"  worst check peak{scope}: {worst} MB (goal < {GOAL_HOSTILE_MB} MB)")


if __name__ == "__main__":
    main()
