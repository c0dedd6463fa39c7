"""Writing findings on text the rules were never tuned on (issue 26, third round).

The pages of ../shared/corrections/after are real pages of the site as published between 2016 and
2023. Their lines that the site snapshot (../shared/site) no longer holds, the corrected lines and
their neighbours aside, are prose that no tuning round read: this script runs `text/spelling` and
`text/grammar` on those pages, as part of the site (the site's vocabulary from ../shared/site), and
writes the findings on such lines, one per distinct line and word, for a second reader to judge.

With `--verdicts FILE` (a list of {"key", "verdict"}), it prints each rule's precision instead,
and the findings not judged yet.

Usage: python scripts/fresh_writing.py [--shared ../shared] [--out fresh.json] [--verdicts FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

RULES = ("text/spelling", "text/grammar")


def _site_lines(site: Path) -> set[str]:
    lines: set[str] = set()
    for path in site.rglob("*"):
        if path.suffix in (".md", ".markdown", ".html", ".htm") and path.is_file():
            lines.update(line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines())
    return lines


def _vocabulary(site: Path, minimum: int) -> frozenset[str]:
    """The site's vocabulary as a site run reads it (extractor.analyse.vocabulary)."""
    from extractor.analyse import vocabulary

    return vocabulary([str(p) for p in site.rglob("*") if p.is_file()], minimum)


def findings(shared: Path) -> list[dict[str, Any]]:
    from extractor import checks
    from extractor.checks import spelling
    from extractor.ingest import read_bytes

    site, folder = shared / "site", shared / "corrections"
    seen = _site_lines(site)
    vocabulary = _vocabulary(site, spelling.VOCABULARY_PAGES)

    class SiteContext(checks.Context):
        def site_words(self, minimum: int) -> frozenset[str]:
            return vocabulary if minimum == spelling.VOCABULARY_PAGES else frozenset()

    corrected: dict[str, set[int]] = {}
    for line in (folder / "cases.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            corrected.setdefault(case["file"], set()).update({case["line"] - 1, case["line"], case["line"] + 1})
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((folder / "after").iterdir()):
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()
        doc = read_bytes(path.read_bytes(), path.name)
        for found in checks.run(doc, SiteContext(), enabled=list(RULES), only=list(RULES)):
            where = found.evidence[0].location
            line = text[where.line - 1].strip() if where.line and where.line <= len(text) else ""
            if not line or line in seen or where.line in corrected.get(path.name, set()):
                continue
            word = found.evidence[0].quote
            key = hashlib.sha1(f"{found.rule}\0{line}\0{where.column}".encode()).hexdigest()[:16]
            out.setdefault(
                key,
                {
                    "key": key,
                    "rule": found.rule,
                    "file": f"after/{path.name}",
                    "line": where.line,
                    "column": where.column,
                    "quote": word,
                    "message": found.message_fr,
                    "suggestion": found.suggestion,
                },
            )
    return sorted(out.values(), key=lambda f: (f["file"], f["line"], f["column"]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--verdicts", type=Path)
    args = parser.parse_args()
    found = findings(args.shared)
    if args.out:
        args.out.write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.verdicts:
        print(f"{len(found)} findings: {dict(Counter(f['rule'] for f in found))}")
        return
    judged = json.loads(args.verdicts.read_text(encoding="utf-8"))
    judged = judged["findings"] if isinstance(judged, dict) else judged  # expected/corrections/fresh-writing.json
    verdicts = {v["key"]: v["verdict"] for v in judged}
    for rule in RULES:
        mine = [f for f in found if f["rule"] == rule]
        judged = [verdicts[f["key"]] for f in mine if f["key"] in verdicts]
        true = judged.count("true")
        print(f"{rule}: {len(mine)} findings, {len(judged)} judged, precision {true}/{len(judged)}")
    unjudged = [f["key"] for f in found if f["key"] not in verdicts]
    print(f"not judged: {len(unjudged)}")


if __name__ == "__main__":
    main()
