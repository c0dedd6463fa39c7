"""The writing rules on the whole site (issue 26, item 7), as ratios measured in one run on a copy
of ../shared/site, each run with a new user cache (XDG_CACHE_HOME is where a site's state lives):

- cold, without the writing rules: `factcheck check SITE` as the site's CI runs it (text/spelling's
  Hunspell slips only; text/grammar is off by default);
- cold, with them: the same with `-r text/grammar -r text/spelling` added (Grammalecte's worker on
  every document, its unknown words joining text/spelling), against the run without;
- nothing changed, with them: the same command again (kept results per document), against the
  cold run with them;
- one page changed, with them: a word of one page's prose changed.

Goals (issue 26): the writing rules run in parallel (the site run's worker processes) and are kept
per document, so that an unchanged site costs what it costs without them.

Usage: python bench/writing.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from common import SHARED, machine, median, run, writable_copy

SITE = SHARED / "site"
PAGE = Path("_pages/approche.md")  # a page of prose
WRITING = ["-r", "text/grammar", "-r", "text/spelling"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    if not SITE.is_dir():
        print("bench/writing.py: ../shared/site is not here; nothing measured")
        return
    factcheck = [sys.executable, "-m", "extractor", "check", "--fail-on", "never", "--format", "json"]
    print(f"The writing rules on the whole site ({machine()})")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        copy = writable_copy(SITE, work / "site")

        def cold(extra: list[str], name: str) -> tuple[float, float]:
            measures = []
            for i in range(args.runs):
                os.environ["XDG_CACHE_HOME"] = str(work / f"{name}-{i}")  # no state yet
                measures.append(run([*factcheck, *extra, str(copy)], work))
            return median(measures)

        without = cold([], "without")
        with_them = cold(WRITING, "with")  # the last run's state stays for what follows
        unchanged = median([run([*factcheck, *WRITING, str(copy)], work) for _ in range(max(args.runs, 3))])
        page = copy / PAGE
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace(" le ", " la ", 1), encoding="utf-8")
        changed = run([*factcheck, *WRITING, str(copy)], work)
        print(f"  {'':<44}{'wall':>18}{'CPU':>18}")

        def show(label: str, measure: tuple[float, float], base: tuple[float, float], against: str) -> None:
            wall, cpu = measure
            print(f"  {label:<44}{wall:7.2f} s {wall / base[0]:6.2f}×  {cpu:7.2f} s {cpu / base[1]:6.2f}×  {against}")

        show("cold, without the writing rules", without, without, "")
        show("cold, with them", with_them, without, "against the cold run without them")
        show("nothing changed, with them", unchanged, with_them, "against the cold run with them")
        show(f"one page changed ({PAGE.name}), with them", changed, with_them, "against the cold run with them")


if __name__ == "__main__":
    main()
