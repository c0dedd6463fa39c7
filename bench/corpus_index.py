"""Corpus-index lookup time as the corpus grows (issue 4: under 50 ms at 10,000 documents).

Builds indexes of 10, 1,000 and 10,000 synthetic documents (50 claims each, over 60 metrics and
700 scopes, as the real corpus spreads them), then times the lookups one checked document makes
(one per claim: 250). Prints the median time per lookup and per document, and the ratio to the
10-document index measured in the same run (flat is the target).

Usage: python bench/corpus_index.py [--sizes 10 1000 10000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.corpus.index import CorpusIndex  # noqa: E402

METRICS = [f"metric_{i}" for i in range(60)]
SCOPES = [f"startup:s{i}" for i in range(700)] + ["programme:beta.gouv.fr"] * 300


def add_synthetic(index: CorpusIndex, size: int, metrics: list[str] = METRICS, scopes: list[str] = SCOPES) -> None:
    """Adds `size` synthetic documents of 50 claims each to the index."""
    rng = random.Random(size)
    corpus = index.key or "synthetic"  # the corpus the index looks up, so that the lookups see them
    rows = []
    for d in range(size):
        path = f"synthetic/doc-{d}.md"
        for line in range(50):
            metric, scope, year = rng.choice(metrics), rng.choice(scopes), str(rng.choice([2021, 2022, 2023, 2024]))
            value = str(rng.randint(1, 10**6))
            rows.append((corpus, path, f"sha{d}", metric, scope, year, value, None, "exact", 0, "result", "1",
                         line + 1, 1, None, "quote", 0, "0.5"))  # fmt: skip
    with index.db:
        index.db.executemany("INSERT INTO claims VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)


def build(size: int, folder: Path) -> CorpusIndex:
    index = CorpusIndex(folder / f"index-{size}.sqlite")
    add_synthetic(index, size)
    return index


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000, 10_000])
    args = parser.parse_args()
    rng = random.Random(0)
    queries = [
        (rng.choice(METRICS), rng.choice(SCOPES), [str(rng.choice([2021, 2022, 2023, 2024]))]) for _ in range(250)
    ]
    base = None
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            started = time.perf_counter()
            index = build(size, Path(tmp))
            built = time.perf_counter() - started
            samples = []
            for _ in range(5):
                t = time.perf_counter()
                for metric, scope, periods in queries:
                    index.lookup(metric, scope, periods)
                samples.append(time.perf_counter() - t)
            per_doc = statistics.median(samples)
            base = base or per_doc
            print(f"{size:>6} documents ({size * 50:>7} claims, built in {built:.1f} s): "
                  f"{per_doc * 1000 / len(queries):.3f} ms per lookup, {per_doc * 1000:.1f} ms per checked document "
                  f"(250 lookups), {per_doc / base:.2f}x the 10-document index")  # fmt: skip
            index.close()


if __name__ == "__main__":
    main()
