"""Whole-page recall of the writing rules (issue 26): of the spelling and grammar errors a second
reader listed on the 10 pages of expected/site/writing-recall.json (contested ones aside), how many
a text/spelling or text/grammar finding covers: on the error's line, over one of the words the
reader's fix changes. The pages are checked as part of the site (its vocabulary).

Usage: python scripts/writing_recall.py [--shared ../shared] [-v]
"""

from __future__ import annotations

import argparse
import difflib
import json
from collections import Counter, defaultdict
from pathlib import Path

from fresh_writing import RULES, _vocabulary

RECALL = Path(__file__).resolve().parent.parent / "expected" / "site" / "writing-recall.json"


def main() -> None:
    from extractor import checks
    from extractor.checks import spelling
    from extractor.ingest import load

    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    site = args.shared / "site"
    errors = [
        e
        for e in json.loads(RECALL.read_text(encoding="utf-8"))["errors"]
        if e["kind"] in ("spelling", "grammar") and not e["unsure"]
    ]
    vocabulary = _vocabulary(site, spelling.VOCABULARY_PAGES)

    class SiteContext(checks.Context):
        def site_words(self, minimum: int) -> frozenset[str]:
            return vocabulary if minimum == spelling.VOCABULARY_PAGES else frozenset()

    by_page: dict[str, list[dict[str, object]]] = defaultdict(list)
    for error in errors:
        by_page[str(error["path"])].append(error)
    found: Counter[str] = Counter()
    for path, listed in by_page.items():
        doc = load(site / path)
        findings = checks.run(doc, SiteContext(), enabled=list(RULES), only=list(RULES))
        spans = [(e.location.line, e.location.column, e.location.end_column or e.location.column + 1)
                 for f in findings for e in f.evidence]  # fmt: skip
        lines = None if path.endswith(".pdf") else (site / path).read_text(encoding="utf-8").splitlines()
        for error in listed:
            before, after = str(error["text"]).split(), str(error["fix"]).split()
            changes = difflib.SequenceMatcher(a=before, b=after).get_opcodes()
            words = [w for op, i1, i2, _, _ in changes if op != "equal" for w in before[i1:i2]] or before
            hit = False
            for line, first, last in spans:
                if line != error["line"]:
                    continue
                if lines is None:  # a PDF's line: a finding on it
                    hit = True
                    continue
                text = lines[line - 1]
                for word in words:
                    at = text.find(word)
                    while at != -1:
                        hit = hit or (first - 1 < at + len(word) and at < last - 1)
                        at = text.find(word, at + 1)
            found[str(error["kind"])] += hit
            if args.verbose:
                print(f"{'found ' if hit else 'missed'} {path}:{error['line']} {error['text']!r} -> {error['fix']!r}")
    kinds = Counter(str(e["kind"]) for e in errors)
    print(f"whole-page recall: {sum(found.values())}/{len(errors)} "
          + ", ".join(f"{k} {found[k]}/{n}" for k, n in sorted(kinds.items())))  # fmt: skip


if __name__ == "__main__":
    main()
