"""PDF throughput (issue 7): pages per second on the Bilan 2024 deck (38 pages) for
  - pdfplumber's plain `extract_text()` (the floor of the PDF library factcheck uses);
  - factcheck's reader (pdfplumber words with fonts and boxes, ruled tables, columns, headings);
  - pypdfium2's text path (`get_text_bounded()`), the C library pdfplumber installs too.

Usage: python bench/pdf_pages.py [--runs N] [PDF]
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from common import BILAN_2024_PDF, machine, row, warm


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("pdf", nargs="?", default=str(BILAN_2024_PDF))
    args = parser.parse_args()
    path = Path(args.pdf)
    if not path.exists():
        print(f"PDF throughput: skipped, {path} is absent")
        return
    import pdfplumber
    import pypdfium2

    from extractor.ingest.pdf import read_pdf

    data = path.read_bytes()

    def plumber() -> None:
        with pdfplumber.open(io.BytesIO(data)) as document:
            for page in document.pages:
                page.extract_text()

    def pdfium() -> None:
        document = pypdfium2.PdfDocument(data)
        try:
            for page in document:
                page.get_textpage().get_text_bounded()
        finally:
            document.close()

    pages = len(pypdfium2.PdfDocument(data))
    floor = warm(plumber, args.runs)
    ours = warm(lambda: read_pdf(data, str(path)), args.runs)
    fast = warm(pdfium, args.runs)
    print(f"PDF throughput: {path.name}, {pages} pages (median of {args.runs} runs)")
    print(f"  machine: {machine()}")
    row("pdfplumber extract_text", floor, 1.0, f"{pages / floor:7.1f} pages/s")
    row("factcheck PDF reader", ours, ours / floor, f"{pages / ours:7.1f} pages/s")
    row("pypdfium2 text", fast, fast / floor, f"{pages / fast:7.1f} pages/s")


if __name__ == "__main__":
    main()
