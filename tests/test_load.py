"""`factcheck serve` under load (issue 7): 200 requests sent at once, mixing good documents, bad ones
(each limit) and slow ones (over the time budget). Every request gets its documented answer (none
is lost or answered 5xx other than the 504 of a slow document), the server and its workers stay
under a stated memory bound, /healthz keeps answering quickly meanwhile, and the pool is whole
afterwards (killed workers replaced, no process left behind).

Bounded: about 20 s on 2 cores (the 6 slow documents cost 3 s each plus a worker restart)."""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import json
import time
from pathlib import Path

import httpx

from tests import samples
from tests.conftest import A_PROPOS, CORPUS, PRESS_RELEASE
from tests.server import PeakMemory, probe_healthz, serving, tree

RSS_BOUND = 1_000_000_000  # bytes: the server and its 2 workers together (idle: about 200 MB)
HEALTH_BOUND = 2.0  # seconds: the slowest /healthz answer while the load runs (a blocked loop: 3 s and more)
TIMEOUT = 3  # seconds per document on this server
MAX_MB = 2


def slow_text() -> str:
    """About 500 KB of sentences full of figures: some 9 s of checking, three times the budget."""
    return "".join(
        f"En {2000 + i % 25}, le programme compte {i} services et {i % 7 + 1} incubateurs.\n\n" for i in range(8000)
    )


def requests() -> list[tuple[str, dict, set[int], str | None]]:
    """(kind, httpx.post keyword arguments, the statuses allowed, the error code expected)."""
    press = {"text": PRESS_RELEASE.read_text(encoding="utf-8"), "format": "markdown", "date": "2024-02-26"}
    html = "<html><body><h1>Bilan</h1><p>12 services dont 5 ici et 7 là.</p></body></html>"
    pdf = samples.text_pdf(["Bilan 2024 : 12 services", "dont 5 ici et 7 la."])
    mix: list[tuple[str, dict, set[int], str | None]] = []
    mix += [("press release", {"json": press}, {200}, None)] * 100
    mix += [("markdown upload", {"files": {"file": (A_PROPOS.name, A_PROPOS.read_bytes())}}, {200}, None)] * 20
    mix += [("html", {"json": {"text": html, "format": "html"}}, {200}, None)] * 20
    mix += [("pdf upload", {"files": {"file": ("bilan.pdf", pdf, "application/pdf")}}, {200}, None)] * 10
    mix += [("encrypted pdf", {"files": {"file": ("secret.pdf", samples.encrypted_pdf(b"secret"))}}, {422},
             "encrypted")] * 10  # fmt: skip
    mix += [("truncated pdf", {"files": {"file": ("cut.pdf", pdf[: len(pdf) // 3])}}, {422}, None)] * 5
    mix += [("unsupported", {"files": {"file": ("tool.exe", b"MZ\x90\x00")}}, {415}, "unsupported")] * 10
    mix += [("too large", {"json": {"text": "x" * (MAX_MB * 1024 * 1024 + 10), "format": "text"}}, {413},
             "too_large")] * 10  # fmt: skip
    mix += [("invalid json", {"content": b'{"text": 3', "headers": {"content-type": "application/json"}}, {422},
             "invalid_body")] * 9  # fmt: skip
    mix += [("slow", {"json": {"text": slow_text(), "format": "text"}}, {504}, "timeout")] * 6
    assert len(mix) == 200
    return mix


async def hammer(url: str, mix) -> tuple[list[tuple[str, int, float, dict]], list[float]]:
    """Sends every request at once, and polls /healthz every 100 ms on its own connection meanwhile."""
    limits = httpx.Limits(max_connections=len(mix), max_keepalive_connections=len(mix))
    health: list[float] = []
    async with (
        httpx.AsyncClient(base_url=url, timeout=180, limits=limits) as client,
        httpx.AsyncClient(base_url=url, timeout=10) as prober,
    ):

        async def one(kind: str, kwargs: dict) -> tuple[str, int, float, dict]:
            start = time.perf_counter()
            response = await client.post("/api/check", **kwargs)
            return kind, response.status_code, time.perf_counter() - start, response.json()

        done = asyncio.Event()
        prober_task = asyncio.create_task(probe_healthz(prober, health, done))
        answers = await asyncio.gather(*(one(kind, kwargs) for kind, kwargs, _, _ in mix))
        done.set()
        await prober_task
    return answers, health


def in_own_loop(coroutine):
    """asyncio.run in a thread of its own: another test's event loop may be running in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def test_200_concurrent_mixed_requests(tmp_path: Path) -> None:
    mix = requests()
    options = ["--corpus", str(CORPUS), "--workers", "2", "--timeout", str(TIMEOUT), "--max-mb", str(MAX_MB)]
    with serving(tmp_path, *options) as server:
        processes_before = len(tree(server.pid))
        memory = PeakMemory(server.pid)
        memory.start()
        started = time.perf_counter()
        answers, health = in_own_loop(hammer(server.url, mix))
        wall = time.perf_counter() - started
        memory.stopped.set()
        memory.join()
        # The pool is whole again: a good document is checked, no worker is missing or left over.
        after = httpx.post(f"{server.url}/api/check", json=mix[0][1]["json"], timeout=30)
        processes_after = len(tree(server.pid))

    assert len(answers) == len(mix)
    wrong = [
        (kind, status, body)
        for (kind, status, _, body), (_, _, allowed, code) in zip(answers, mix, strict=True)
        if status not in allowed
        or (code and body.get("code") != code)
        or (status >= 400 and not body.get("message_fr"))
    ]
    assert not wrong, wrong[:5]
    reports = [body for kind, status, _, body in answers if status == 200]
    assert all(body["stats"]["documents"] == 1 for body in reports)
    # The press release's own conflict ("près de 20" against 18 + 6) is found under load too.
    assert all(
        any("20" in f["message_fr"] for f in body["findings"])
        for (kind, _, _, body) in answers
        if kind == "press release"
    )
    assert after.status_code == 200 and after.json()["findings"], after.text
    assert processes_after == processes_before
    assert memory.peak < RSS_BOUND, f"peak RSS {memory.peak / 1e6:.0f} MB"
    assert health and max(health) < HEALTH_BOUND, f"slowest /healthz {max(health):.2f} s"

    good = [seconds for kind, status, seconds, _ in answers if status == 200]
    counts = collections.Counter(status for _, status, _, _ in answers)
    print(json.dumps({
        "requests": len(answers), "wall_s": round(wall, 1), "statuses": dict(counts),
        "good_p50_ms": round(percentile(good, 0.5) * 1000), "good_p95_ms": round(percentile(good, 0.95) * 1000),
        "peak_rss_mb": round(memory.peak / 1e6), "healthz_p50_ms": round(percentile(health, 0.5) * 1000),
        "healthz_max_ms": round(max(health) * 1000), "healthz_probes": len(health),
    }))  # fmt: skip
