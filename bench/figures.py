"""Many figures in one document (issue 12, item 9): the time to check 1,000, 4,000, 16,000 and
64,000 figures, each size against the one before it (4 times the figures: linear is about 4x; the
old code was cubic in the figures of one block: 1,000 "1 " on one line took 46 s).

Three shapes, every rule but the corpus ones (no registry, no corpus index), in this process:
  - one line:          "1 1 1 ..." (the issue's case; the block builder cuts a paragraph into blocks
                       of 4,000 characters, so 2,000 figures per block);
  - consecutive lines: "Poste i : n €" lines, two figures each, one Markdown paragraph (the issue's
                       2,500 lines of 74 s);
  - separate lines:    the same lines, each its own paragraph (a blank line between).
Then `factcheck check` on 2,000 figures on one line, end to end in a new process (target: < 5 s).

Memory (issue 25, item 7): the peak resident memory (VmHWM) of `factcheck check` on a page of
64,000 figures ("separate lines": 32,000 "Poste i : n €" paragraphs, 0.8 MB), each run in a new
process, against the same command on a page of 10 figures in the same run (the process itself:
Python, the libraries, the French dictionary). Goal: 150 MB at most.

Usage: python bench/figures.py [--sizes 1000 4000 16000 64000] [--runs N] [--memory-only]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from common import CHECK, in_child, machine, median_of, row, timed


def one_line(n: int) -> str:
    return "1 " * n + "\n"


def consecutive_lines(n: int) -> str:
    return "".join(f"Poste {i} : {i * 7 + 3} €\n" for i in range(n // 2))


def separate_lines(n: int) -> str:
    return "".join(f"Poste {i} : {i * 7 + 3} €\n\n" for i in range(n // 2))


SHAPES: dict[str, Callable[[int], str]] = {
    "one line": one_line,
    "consecutive lines": consecutive_lines,
    "separate lines": separate_lines,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 16_000, 64_000])
    parser.add_argument("--runs", type=int, default=1, help="runs per measure (median); 64,000 figures take ~10 s")
    parser.add_argument("--memory-only", action="store_true", help="only the peak memory of 64,000 figures")
    args = parser.parse_args()
    if args.memory_only:
        memory()
        return
    from extractor import checks
    from extractor.ingest import load
    from extractor.run.pipeline import check_document

    print(f"figures in one document (median of {args.runs} run(s); ratio: against the size before)")
    print(f"  machine: {machine()}")
    check_document(load(_write(Path(tempfile.mkdtemp()), "1 et 2\n")), None, checks.Context())  # imports, caches
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, shape in SHAPES.items():
            print(f"  {name}:")
            before = None
            for n in args.sizes:
                path = _write(folder, shape(n))

                def check(path: Path = path) -> None:  # a new context each time: no claims cached
                    check_document(load(path), None, checks.Context())

                seconds = median_of(check, args.runs)
                note = f"{seconds / n * 1e6:.0f} µs a figure"
                row(f"{n:>7,} figures", seconds, seconds / before if before else None, note)
                before = seconds
        line = _write(folder, one_line(2000), "line.md")
        command = [sys.executable, "-m", "extractor", "check", str(line), "--corpus", str(folder / "none")]
        seconds = timed(command, max(1, args.runs), cwd=folder)  # no registry, no corpus
        row("factcheck check, 2,000 on one line", seconds, None, "target < 5 s (new process)")
    memory()


GOAL_MB = 150  # issue 25: a page of 64,000 figures


def memory(figures: int = 64_000) -> None:
    """Peak memory of `factcheck check` on a page of `figures` figures against a page of 10."""
    print(f"peak memory of factcheck check (VmHWM, a new process each), machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        peaks = {}
        for n in (10, figures):
            path = _write(folder, separate_lines(n), f"figures-{n}.md")
            _, seconds, code, rss, _ = in_child(CHECK, ["check", str(path), "--corpus", str(folder / "none")])
            if code not in (0, 1):
                raise SystemExit(f"factcheck check {path.name} failed (exit {code})")
            peaks[n] = rss
            print(f"  {n:>7,} figures {rss:7d} MB  {seconds:6.1f} s")
    extra = peaks[figures] - peaks[10]
    verdict = "met" if peaks[figures] <= GOAL_MB else "NOT met"
    print(f"  {figures:,} figures: {peaks[figures]} MB peak ({peaks[figures] / peaks[10]:.2f}x the 10-figure run;")
    print(f"    {extra} MB above it, {extra * 2**20 / figures:.0f} bytes a figure); goal <= {GOAL_MB} MB: {verdict}")


def _write(folder: Path, text: str, name: str = "figures.md") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


if __name__ == "__main__":
    main()
