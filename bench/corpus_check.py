"""How long `factcheck check corpus/` takes, against baselines measured in the same run.

Prints the median wall time of N runs of:
  - python-startup: `python -c pass` (the interpreter alone);
  - import:         `python -c "import extractor.cli"` (the package and its dependencies);
  - check-cold:     `factcheck check corpus/` as a user runs it (new process each time);
and, in one process, the warm time of reading the corpus (ingest + repair) and of the full check.
Ratios are against the interpreter start-up, so they hold on a noisy machine. When the Bilan 2024
PDF is in ../shared, it also prints the PDF reader's time against the floor of pdfplumber's
plain `extract_text()` on every page.

Usage: python bench/corpus_check.py [--runs N] [CORPUS]
"""

from __future__ import annotations

import argparse
import io
import sys

from common import ROOT, timed, warm


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("corpus", nargs="?", default=str(ROOT / "corpus"))
    args = parser.parse_args()

    from extractor.ingest import collect, load
    from extractor.run.pipeline import check_paths

    py = sys.executable
    base = timed([py, "-c", "pass"], args.runs)
    imp = timed([py, "-c", "import extractor.cli"], args.runs)
    cold = timed([py, "-m", "extractor", "check", args.corpus, "--format", "json"], args.runs)
    files, _ = collect([args.corpus])
    read = warm(lambda: [load(f) for f in files], args.runs)
    full = warm(lambda: check_paths([args.corpus]), args.runs)
    print(f"corpus: {args.corpus} ({len(files)} files), median of {args.runs} runs")
    print(f"{'python-startup':<16}{base:8.3f} s   1.00x")
    print(f"{'import':<16}{imp:8.3f} s  {imp / base:5.2f}x")
    print(f"{'check-cold':<16}{cold:8.3f} s  {cold / base:5.2f}x   (target: under 5 s)")
    print(f"{'ingest-warm':<16}{read:8.3f} s")
    print(f"{'check-warm':<16}{full:8.3f} s  {full / read:5.2f}x ingest-warm")
    pdf = ROOT.parent / "shared" / "pdf" / "betagouv_bilan_2024.pdf"
    if pdf.exists():
        import pdfplumber

        from extractor.ingest.pdf import read_pdf

        data = pdf.read_bytes()

        def floor() -> None:
            with pdfplumber.open(io.BytesIO(data)) as document:
                for page in document.pages:
                    page.extract_text()

        plain = warm(floor, max(1, args.runs // 2))
        ours = warm(lambda: read_pdf(data, str(pdf)), max(1, args.runs // 2))
        print(f"{'pdf-floor':<16}{plain:8.3f} s   pdfplumber extract_text, 38 pages")
        print(f"{'pdf-reader':<16}{ours:8.3f} s  {ours / plain:5.2f}x pdf-floor")


if __name__ == "__main__":
    main()
