"""`factcheck serve` under load: N requests (the press release), C at a time, against a local server.

Prints p50 / p95 / max latency of POST /api/check and the peak resident memory of the server and
its workers (sampled every 50 ms), against two baselines measured in the same run:
  - healthz: GET /healthz under the same concurrency (the HTTP stack alone);
  - in-process: the same check called directly in this process, warm (the work alone).
The target (issue 6) is a warm p50 under 100 ms for the press release.

With --slow-clients N (issue 17, item 3): N raw-socket clients that declare a 20 MB body and send
it one byte every 2 s, while 50 press-release checks are sent 10 at a time, and 10 uploads of a
3 MB file that is no PDF (documented answer: 422 unreadable); then two long checks
whose clients hang up after 1 s, and how long a tiny check waits after that. Prints the statuses
of the normal checks, the slowest /healthz, how many slow clients were dropped, the wait, and the
tracebacks in the server's log.

Usage: python bench/service.py [--requests 200] [--concurrency 10] [--workers 2] [--slow-clients 20]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
from common import PRESS_RELEASE, ROOT

from tests.server import PeakMemory, serving, tree_rss


async def load(url: str, count: int, concurrency: int, request, fail: bool = True) -> list[float]:
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
    if failures and fail:
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


def drip(port: int, seconds: float, dropped: list[bool]) -> None:
    """A client declaring a 20 MB JSON body and sending one byte every 2 s, for `seconds` at most."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                     b"content-length: 20000000\r\n\r\n")  # fmt: skip
        sock.settimeout(2.0)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                sock.sendall(b"a")
                if sock.recv(65536) == b"":
                    break
                dropped.append(True)  # answered (408): dropped
                return
            except TimeoutError:
                continue
            except OSError:
                break
    dropped.append(time.monotonic() < end)  # closed by the server before the client gave up


def hang_up(port: int, text: str) -> None:
    payload = json.dumps({"text": text, "format": "text"}).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                     b"content-length: %d\r\n\r\n" % len(payload) + payload)  # fmt: skip
        time.sleep(1.0)


def slow_clients(count: int, workers: int, body: dict) -> None:
    long_text = "".join(f"En {2000 + i % 25}, le programme compte {i} services.\n\n" for i in range(6000))
    with tempfile.TemporaryDirectory() as folder:
        options = ["--corpus", str(ROOT / "corpus"), "--workers", str(workers)]
        with serving(Path(folder), *options) as server:
            port = int(server.url.rsplit(":", 1)[1])
            dropped: list[bool] = []
            threads = [threading.Thread(target=drip, args=(port, 30, dropped), daemon=True) for _ in range(count)]
            for thread in threads:
                thread.start()
            time.sleep(1.0)
            statuses: collections.Counter[int] = collections.Counter()
            uploads: collections.Counter[int] = collections.Counter()

            async def normal() -> tuple[list[float], list[float]]:
                health: list[float] = []
                async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:

                    async def probe() -> None:
                        for _ in range(30):
                            start = time.perf_counter()
                            await client.get("/healthz")
                            health.append(time.perf_counter() - start)
                            await asyncio.sleep(0.1)

                    async def check(c: httpx.AsyncClient) -> httpx.Response:
                        response = await c.post("/api/check", json=body)
                        statuses[response.status_code] += 1
                        return response

                    async def upload(c: httpx.AsyncClient) -> httpx.Response:
                        response = await c.post("/api/check", files={"file": ("scan.pdf", b"\x00" * 3_000_000)})
                        uploads[response.status_code] += 1
                        return response

                    prober = asyncio.create_task(probe())
                    latencies, _ = await asyncio.gather(load(server.url, 50, 10, check, fail=False),
                                                        load(server.url, 10, 10, upload, fail=False))  # fmt: skip
                    await prober
                return latencies, health

            latencies, health = asyncio.run(normal())
            for thread in threads:
                thread.join(40)
            hangs = [threading.Thread(target=hang_up, args=(port, long_text)) for _ in range(workers)]
            for thread in hangs:
                thread.start()
            for thread in hangs:
                thread.join(30)
            gone = time.perf_counter()
            httpx.post(f"{server.url}/api/check", json={"text": "Voir la section X.", "format": "text"}, timeout=60)
            waited = time.perf_counter() - gone
        log = (Path(folder) / "server.log").read_text(encoding="utf-8", errors="replace")
    print(f"{count} slow clients (20 MB declared, 1 byte / 2 s) + 50 press-release checks, 10 at a time:")
    print(f"  normal checks: {dict(sorted(statuses.items()))}, p50 {percentile(latencies, 0.5) * 1000:.0f} ms; "
          f"slowest /healthz {max(health) * 1000:.0f} ms")  # fmt: skip
    print(f"  3 MB uploads (422 expected): {dict(sorted(uploads.items()))}")
    print(f"  slow clients dropped by the server: {sum(dropped)} of {count}")
    print(f"  after {workers} long checks whose clients hung up: a tiny check waited {waited:.2f} s")
    print(f"  tracebacks in the server log: {log.count('Traceback')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--slow-clients", type=int, default=0)
    args = parser.parse_args()
    body = {"text": PRESS_RELEASE.read_text(encoding="utf-8"), "format": "markdown", "date": "2024-02-26"}
    if args.slow_clients:
        slow_clients(args.slow_clients, args.workers, body)
        return

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
