"""`factcheck serve` under load: N requests (the press release), C at a time, against a local server.

Prints p50 / p95 / max latency of POST /api/check and the peak resident memory of the server and
its workers (sampled every 50 ms), against two baselines measured in the same run:
  - healthz: GET /healthz under the same concurrency (the HTTP stack alone);
  - in-process: the same check called directly in this process, warm (the work alone).
The target (issue 6) is a warm p50 under 100 ms for the press release.

Usage: python bench/service.py [--requests 200] [--concurrency 10] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from common import PRESS_RELEASE, ROOT

from tests.server import PeakMemory, serving, tree_rss


async def load(url: str, count: int, concurrency: int, request) -> list[float]:
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    failures: list[str] = []

    async with httpx.AsyncClient(base_url=url, timeout=120, limits=httpx.Limits(max_connections=concurrency)) as client:

        async def one() -> None:
            async with gate:
                start = time.perf_counter()
                response = await request(client)
                latencies.append(time.perf_counter() - start)
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {response.text[:200]}")

        await asyncio.gather(*(one() for _ in range(count)))
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, e.g. {failures[0]}")
    return latencies


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def in_process(runs: int) -> float:
    from extractor.service import work

    with tempfile.TemporaryDirectory() as folder:
        from extractor.corpus.index import CorpusIndex

        index_path = Path(folder) / "index.sqlite"
        index = CorpusIndex(index_path)
        index.refresh(ROOT / "corpus")
        index.close()
        work.init(Path(folder) / "none.sqlite", index_path, 300)
        data = PRESS_RELEASE.read_bytes()
        work.check(data, PRESS_RELEASE.name, None, None)
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            work.check(data, PRESS_RELEASE.name, None, None)
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    body = {"text": PRESS_RELEASE.read_text(encoding="utf-8"), "format": "markdown", "date": "2024-02-26"}

    with tempfile.TemporaryDirectory() as folder:
        options = ["--corpus", str(ROOT / "corpus"), "--workers", str(args.workers)]
        with serving(Path(folder), *options) as server:
            memory = PeakMemory(server.pid)
            idle = tree_rss(server.pid)
            memory.start()
            health = asyncio.run(load(server.url, args.requests, args.concurrency, lambda c: c.get("/healthz")))
            asyncio.run(load(server.url, 2 * args.workers, args.workers, lambda c: c.post("/api/check", json=body)))
            started = time.perf_counter()
            checks = asyncio.run(
                load(server.url, args.requests, args.concurrency, lambda c: c.post("/api/check", json=body))
            )
            wall = time.perf_counter() - started
            memory.stopped.set()
            memory.join()
    alone = in_process(20)

    p50, p95 = percentile(checks, 0.5), percentile(checks, 0.95)
    print(f"machine: {os.cpu_count()} cores; server workers: {args.workers}")
    print(f"{args.requests} × POST /api/check (press release, {len(body['text'])} characters), "
          f"{args.concurrency} at a time: {args.requests / wall:.1f} requests/s")  # fmt: skip
    print(f"  latency p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {max(checks) * 1000:.0f} ms")
    print(f"  peak RSS (server + workers) {memory.peak / 1e6:.0f} MB (idle {idle / 1e6:.0f} MB)")
    print(f"baseline healthz p50 {percentile(health, 0.5) * 1000:.1f} ms; "
          f"in-process check {alone * 1000:.1f} ms")  # fmt: skip
    print(f"ratio p50 / in-process check: {p50 / alone:.2f}× "
          f"(queueing: {args.concurrency} requests share {args.workers} workers)")  # fmt: skip
    service_time = wall / args.requests * args.workers  # time per request a worker spends, on average
    print(f"ratio per-request service time / in-process check: {service_time / alone:.2f}×")
    print(f"target warm p50 < 100 ms: {'met' if p50 < 0.1 else 'NOT met'}")


if __name__ == "__main__":
    main()
