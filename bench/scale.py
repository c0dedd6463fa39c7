"""Scale (issue 7):
  - the time to check one document (the press release, every rule) against corpus indexes of 10,
    1,000 and 10,000 synthetic documents on top of the real corpus (50 claims each, over the real
    corpus's metrics and 700 other services, 2021-2024: a bigger corpus about other services); flat
    is the target;
  - the corpus index build throughput, documents/s, with 1 and 2 worker processes (`index --jobs`),
    on copies of the real corpus made distinct (each copy gets one line of its own).

Usage: python bench/scale.py [--sizes 10 1000 10000] [--copies 30] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
from pathlib import Path

from common import CORPUS, PRESS_RELEASE, machine, median_of, registry_in, row
from corpus_index import add_synthetic


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 10_000])
    parser.add_argument("--copies", type=int, default=30, help="copies of the corpus for the build throughput")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from extractor import checks
    from extractor.corpus.index import CorpusIndex
    from extractor.ingest import load
    from extractor.run.pipeline import check_document

    print(f"scale (median of {4 * args.runs} runs, round-robin over the sizes; the build: of {max(1, args.runs // 2)})")
    print(f"  machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        registry = registry_in(folder)
        indexes, checks_of = {}, {}
        for size in args.sizes:
            index = indexes[size] = CorpusIndex(folder / f"index-{size}.sqlite")
            index.refresh(CORPUS, registry)
            metrics = [m for (m,) in index.db.execute("SELECT DISTINCT metric_id FROM claims")]
            add_synthetic(index, size, metrics, [f"startup:synthetic-{i}" for i in range(700)])

            def check(index=index) -> None:  # a new context each time: nothing cached from the last run
                check_document(load(PRESS_RELEASE), None, checks.Context(registry=registry, corpus=index))

            check()
            checks_of[size] = check
        print("  the press release checked against a corpus index of N synthetic documents + the corpus:")
        # Round-robin over the sizes, so that the machine's drift falls on all of them alike.
        samples: dict[int, list[float]] = {size: [] for size in args.sizes}
        for _ in range(4 * args.runs):
            for size in args.sizes:
                samples[size].append(median_of(checks_of[size], 1))
        base = statistics.median(samples[args.sizes[0]])
        for size in args.sizes:
            seconds = statistics.median(samples[size])
            fastest = min(samples[size]) * 1000
            row(f"{size:>6} documents", seconds, seconds / base, f"target: flat (fastest {fastest:.1f} ms)")
            indexes[size].close()

        print(f"  index build, {args.copies} copies of the corpus ({args.copies * 5} documents), from empty:")
        corpus = folder / "copies"
        for n in range(args.copies):
            for source in CORPUS.iterdir():
                if source.suffix == ".md" and not source.name.lower().startswith("readme"):
                    target = corpus / f"copy-{n}" / source.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, target)
                    with target.open("a", encoding="utf-8") as stream:
                        stream.write(f"\nCopie {n}.\n")
        documents = args.copies * 5
        timings = {}
        for jobs in (1, 2):

            def build(jobs=jobs) -> None:
                path = folder / f"build-{jobs}.sqlite"
                path.unlink(missing_ok=True)
                index = CorpusIndex(path)
                index.refresh(corpus, registry, jobs=jobs)
                index.close()

            timings[jobs] = median_of(build, max(1, args.runs // 2))
        for jobs, seconds in timings.items():
            row(f"{jobs} worker{'s' if jobs > 1 else ''} ({os.cpu_count()} cores)", seconds, seconds / timings[1],
                f"{documents / seconds:6.1f} documents/s")  # fmt: skip


if __name__ == "__main__":
    main()
