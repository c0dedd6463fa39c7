"""The whole site checked as its CI would (issues 14 and 25), as ratios measured in one run on
../shared/site (a copy of it, in a new working folder with a new user cache: XDG_CACHE_HOME is
where a site's state lives):

- the floor: reading every byte of every file the run checks, pypdfium2's raw text of every PDF,
  ftfy over every text file (in this process; wall and CPU time);
- cold: `factcheck check SITE` with no state (registry imported from the site, corpus index built,
  every document read and checked), wall and CPU time (this process's children: the command and
  its worker processes) against the floor;
- nothing changed: the same command again;
- one registry page changed (a space added to a startup's page) and one page changed (a figure of a
  page changed), each as a share of the cold run's wall and CPU time; and, for what remains, one
  registry entry's content changed (a startup's title: every document's registry rules re-run).

Goals (issue 25): cold CPU ≤ 8× the floor's, cold wall ≤ 5× the floor's; one registry page or one
page changed ≤ 15 % of a cold run; nothing changed ≤ 1 s.

Usage: python bench/site.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from common import SHARED, machine, median, pdfium_text, run, writable_copy

SITE = SHARED / "site"
REGISTRY_PAGE = Path("content/_startups")  # a startup's page: registry data and a checked document
PAGE = Path("_pages/approche.md")  # a page with figures


def floor(site: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds to read every checked file, pypdfium2's raw text of every PDF and ftfy
    over every text; the number of files."""
    import ftfy
    import pypdfium2

    from extractor.ingest import collect
    from extractor.run import site as sites

    here = Path.cwd()
    os.chdir(site)
    try:
        files, _ = collect(sites.checked_folders(Path(".")))
        cpu, start = time.process_time(), time.perf_counter()
        for name in files:
            data = Path(name).read_bytes()
            if name.lower().endswith(".pdf"):
                try:
                    pdfium_text(data)
                except pypdfium2.PdfiumError:
                    continue
            else:
                ftfy.fix_text(data.decode("utf-8", "replace"))
        return time.perf_counter() - start, time.process_time() - cpu, len(files)
    finally:
        os.chdir(here)


def show(label: str, value: str, goal: str = "") -> None:
    print(f"  {label:<48}{value:>32}  {goal}".rstrip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    if not SITE.is_dir():
        print("bench/site.py: ../shared/site is not here; nothing measured")
        return
    factcheck = [sys.executable, "-m", "extractor", "check", "--fail-on", "never", "--format", "json"]
    print(f"The site checked as a whole ({machine()})")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        copy = writable_copy(SITE, work / "site")
        floors = [floor(copy) for _ in range(max(args.runs, 3))]
        floor_wall, floor_cpu = median([(w, c) for w, c, _ in floors])
        colds = []
        for i in range(args.runs):
            (work / f"cold-{i}").mkdir()
            os.environ["XDG_CACHE_HOME"] = str(work / f"cold-{i}" / "cache")  # the site's state: none yet
            colds.append(run([*factcheck, str(copy)], work))
        cold_wall, cold_cpu = median(colds)
        unchanged, unchanged_cpu = median([run([*factcheck, str(copy)], work) for _ in range(max(args.runs, 3))])
        startup = sorted(REGISTRY_PAGE.joinpath(p.name) for p in (copy / REGISTRY_PAGE).glob("*.md"))[0]
        registry_page = copy / startup
        registry_page.write_bytes(registry_page.read_bytes().rstrip(b"\n") + b" \n")
        registry_wall, registry_cpu = run([*factcheck, str(copy)], work)
        page = copy / PAGE
        text = page.read_text(encoding="utf-8")
        figure = re.search(r"(?<![\w.,])[1-9][0-9]*(?![\w.,])", text.split("---", 2)[-1])
        assert figure is not None, f"{PAGE}: no figure to change"
        start = len(text) - len(text.split("---", 2)[-1]) + figure.start()
        text = text[:start] + str(int(figure.group()) + 1) + text[start + len(figure.group()) :]
        page.write_text(text, encoding="utf-8")
        page_wall, page_cpu = run([*factcheck, str(copy)], work)
        # What remains (issue 25, item 7): a change of the registry's content (here a startup's title)
        # re-runs, on every document, the rules that read the registry (most of them).
        registry_page.write_bytes(re.sub(rb"(?m)^title: *", b"title: X ", registry_page.read_bytes(), count=1))
        content_wall, content_cpu = run([*factcheck, str(copy)], work)
        print(f"  {floors[0][2]} files checked; floor: {floor_wall:.2f} s wall, {floor_cpu:.2f} s CPU")
        print(f"  {'':<48}{'wall':>16}{'CPU':>16}")
        ratios = f"{cold_wall:6.2f} s {cold_wall / floor_wall:5.1f}×  {cold_cpu:6.2f} s {cold_cpu / floor_cpu:5.1f}×"
        show("cold", ratios, "goal: wall ≤ 5×, CPU ≤ 8× the floor")
        show("nothing changed", f"{unchanged:6.2f} s        {unchanged_cpu:6.2f} s       ", "goal: ≤ 1 s")
        for label, wall, cpu in ((f"one registry page changed ({startup.name})", registry_wall, registry_cpu),
                                 (f"one page changed ({PAGE.name}: a figure)", page_wall, page_cpu),
                                 ("one registry entry's title changed", content_wall, content_cpu)):  # fmt: skip
            show(label, f"{wall:6.2f} s {wall / cold_wall:6.0%}  {cpu:6.2f} s {cpu / cold_cpu:6.0%}",
                 "goal: ≤ 15 % of cold")  # fmt: skip


if __name__ == "__main__":
    main()
