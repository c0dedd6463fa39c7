"""The whole site checked as its CI would (issue 14, item 8): `factcheck check ../shared/site` in a
new working folder with a new user cache (XDG_CACHE_HOME: where a site's state lives; cold: the
registry imported from the site, the corpus index built, every document read and checked), then
again with nothing changed (the registry's import and each document's results kept by content
hash), then after one page is touched (a copy of the site, one line added to a page: the corpus
changed, so every document is checked again, the registry not re-imported). The baseline,
measured in the same run, is `factcheck check` of the bundled corpus's press release (one
document), so the ratios hold on a noisy machine.

Goals: cold at most 20 s on 2 cores with every rule on, unchanged at most 2 s.

Usage: python bench/site.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from common import PRESS_RELEASE, SHARED, machine, row, timed

SITE = SHARED / "site"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    if not SITE.is_dir():
        print("bench/site.py: ../shared/site is not here; nothing measured")
        return
    factcheck = [sys.executable, "-m", "extractor", "check"]
    print(f"The site checked as a whole ({machine()})")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        baseline = timed([*factcheck, str(PRESS_RELEASE), "--corpus", str(work / "none")], max(args.runs, 3), cwd=work)
        row("one press release (baseline)", baseline, 1.0)
        colds = []
        for i in range(args.runs):
            run = work / f"cold-{i}"
            run.mkdir()
            os.environ["XDG_CACHE_HOME"] = str(run / "cache")  # the site's state: none yet
            colds.append(timed([*factcheck, str(SITE), "--fail-on", "never"], 1, cwd=run))
        cold = sorted(colds)[len(colds) // 2]
        row("site, cold (no state in XDG_CACHE_HOME)", cold, cold / baseline, "goal: ≤ 20 s")
        os.environ["XDG_CACHE_HOME"] = str(work / "cold-0" / "cache")
        unchanged = timed([*factcheck, str(SITE), "--fail-on", "never"], max(args.runs, 3), cwd=work / "cold-0")
        row("site, nothing changed", unchanged, unchanged / baseline, "goal: ≤ 2 s")
        copy = work / "site"
        shutil.copytree(SITE, copy)
        for item in copy.rglob("*"):
            item.chmod(0o755 if item.is_dir() else 0o644)
        timed([*factcheck, str(copy), "--fail-on", "never"], 1, cwd=work / "cold-0")
        page = copy / "_pages" / "about.md"
        page.write_text(page.read_text(encoding="utf-8") + "\nUne ligne de plus.\n", encoding="utf-8")
        touched = timed([*factcheck, str(copy), "--fail-on", "never"], 1, cwd=work / "cold-0")
        row("site, one page changed", touched, touched / baseline, "every document re-checked (the corpus changed)")


if __name__ == "__main__":
    main()
