"""`factcheck serve` under slow and vanishing clients (issue 17, item 3), on 127.0.0.1 only.

One server (2 workers, the default limits of extractor/ingest/limits.py):
- 20 slow clients on raw sockets (10 send their headers, 10 their body, one byte every 2 s) and
  200 normal requests at once: every normal request gets its documented status (200, or the
  refusal it asks for: 415, 422 empty text, 400 for a Host header that is not allowed), the slow
  ones are answered 408 `slow_client` and closed, and /healthz answers in under 1 s throughout;
- two long checks whose clients hang up, and a client that leaves halfway through its body: both
  workers are free again within about a second (the same processes, interrupted, not killed), and
  the log has one line per hang-up, no traceback.

Bounded: each slow client sends at most 20 bytes, every wait has a timeout; about 40 s on 2 cores.
"""

from __future__ import annotations

import asyncio
import collections
import json
import socket
import threading
import time
from pathlib import Path

import httpx

from extractor.ingest import limits
from tests.conftest import CORPUS, PRESS_RELEASE
from tests.server import probe_healthz, serving, tree
from tests.test_load import in_own_loop

HEALTH_BOUND = 1.0  # seconds: the slowest /healthz answer while the load runs
DRIP = 2.0  # seconds between two bytes of a slow client
SLOW_BODY_TEXT = "".join(f"En {2000 + i % 25}, le programme compte {i} services.\n\n" for i in range(6000))


def slow_client(port: int, kind: str, results: list[tuple[str, float, bytes]]) -> None:
    """A client that sends its headers (kind "headers") or its body ("body") one byte at a time."""
    start = time.monotonic()
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.settimeout(0.05)
        if kind == "headers":
            sock.sendall(b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            drip = b"X-Slow: " + b"a" * 40
        else:
            sock.sendall(b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                         b"content-length: 5000\r\n\r\n")  # fmt: skip
            drip = b'{"text": "' + b"a" * 40
        for byte in drip[:20]:  # bounded: 20 bytes at most, 40 s at most
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
            deadline = time.monotonic() + DRIP
            closed = False
            while time.monotonic() < deadline:
                try:
                    chunk = sock.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    closed = True
                    break
                if not chunk:
                    closed = True
                    break
                answer += chunk
            if closed:
                break
    results.append((kind, time.monotonic() - start, answer))


def normal_requests() -> list[tuple[str, dict, int, str | None]]:
    press = {"text": PRESS_RELEASE.read_text(encoding="utf-8"), "format": "markdown", "date": "2024-02-26"}
    mix: list[tuple[str, dict, int, str | None]] = []
    mix += [("press release", {"json": press}, 200, None)] * 150
    mix += [("clean text", {"json": {"text": "Un texte sans chiffre.", "format": "text"}}, 200, None)] * 20
    mix += [("unsupported", {"files": {"file": ("outil.exe", b"MZ\x90\x00")}}, 415, "unsupported")] * 10
    mix += [("empty text", {"json": {"text": "  \n", "format": "markdown"}}, 422, "empty_text")] * 10
    mix += [("foreign host", {"json": press, "headers": {"Host": "attaquant.example"}}, 400, "host_not_allowed")] * 10
    assert len(mix) == 200
    return mix


async def load(url: str, mix) -> tuple[list[tuple[int, dict]], list[float]]:
    limits_ = httpx.Limits(max_connections=len(mix), max_keepalive_connections=len(mix))
    health: list[float] = []
    async with (
        httpx.AsyncClient(base_url=url, timeout=120, limits=limits_) as client,
        httpx.AsyncClient(base_url=url, timeout=10) as prober,
    ):

        async def one(kwargs: dict) -> tuple[int, dict]:
            response = await client.post("/api/check", **kwargs)
            return response.status_code, response.json()

        done = asyncio.Event()
        prober_task = asyncio.create_task(probe_healthz(prober, health, done))
        await asyncio.sleep(1.0)  # the slow clients are connected and holding their sockets
        answers = await asyncio.gather(*(one(kwargs) for _, kwargs, _, _ in mix))
        await asyncio.sleep(max(0.0, limits.SERVICE_HEADER_SECONDS - 2))  # probe while the slow ones are dropped
        done.set()
        await prober_task
    return answers, health


def hang_up_after(port: int, seconds: float) -> None:
    """Sends a long check, then closes the connection without reading the answer."""
    payload = json.dumps({"text": SLOW_BODY_TEXT, "format": "text"}).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                     b"content-length: %d\r\n\r\n" % len(payload) + payload)  # fmt: skip
        time.sleep(seconds)


def vanish_mid_body(port: int) -> None:
    """Sends half of its declared body, then closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                     b'content-length: 1000\r\n\r\n{"text": "' + b"a" * 400)  # fmt: skip
        time.sleep(0.3)


def raw(port: int, request: bytes) -> bytes:
    """The whole answer to `request` (the server closes the connection)."""
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        for _ in range(100):  # bounded
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer


def worker_pids(server_pid: int) -> set[int]:
    return set(tree(server_pid)) - {server_pid}


def test_slow_and_vanishing_clients(tmp_path: Path) -> None:
    with serving(tmp_path, "--corpus", str(CORPUS), "--workers", "2") as server:
        port = int(server.url.rsplit(":", 1)[1])
        slow: list[tuple[str, float, bytes]] = []
        drips = [threading.Thread(target=slow_client, args=(port, kind, slow), daemon=True)
                 for kind in ["headers"] * 10 + ["body"] * 10]  # fmt: skip
        for thread in drips:
            thread.start()
        started = time.perf_counter()
        answers, health = in_own_loop(load(server.url, normal_requests()))
        wall = time.perf_counter() - started
        for thread in drips:
            thread.join(60)

        # Vanishing clients: two long checks (one per worker) whose clients hang up after 1 s.
        workers_before = worker_pids(server.pid)
        hang_ups = [threading.Thread(target=hang_up_after, args=(port, 1.0)) for _ in range(2)]
        for thread in hang_ups:
            thread.start()
        for thread in hang_ups:
            thread.join(30)
        vanish_mid_body(port)
        malformed = raw(port, b"PAS DU HTTP\r\n\r\n")
        gone = time.perf_counter()
        tiny = httpx.post(f"{server.url}/api/check", json={"text": "Voir la section X.", "format": "text"}, timeout=30)
        freed = time.perf_counter() - gone
        workers_after = worker_pids(server.pid)
    log = (tmp_path / "server.log").read_text(encoding="utf-8", errors="replace")

    mix = normal_requests()
    wrong = [(kind, status, body) for (status, body), (kind, _, expected, code) in zip(answers, mix, strict=True)
             if status != expected or (code and body.get("code") != code)
             or (status >= 400 and not (body.get("message_fr") and body.get("hint_fr")))]  # fmt: skip
    assert not wrong, wrong[:5]
    assert all(
        any("20" in f["message_fr"] for f in body["findings"])
        for (status, body), (kind, _, _, _) in zip(answers, mix, strict=True)
        if kind == "press release"
    )
    assert len(slow) == 20
    for kind, seconds, answer in slow:
        assert answer.startswith(b"HTTP/1.1 408"), (kind, answer[:200])
        assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["code"] == "slow_client", answer
        assert seconds < 2 * limits.SERVICE_BODY_GRACE_SECONDS + 2 * DRIP, (kind, seconds)
    assert health and max(health) < HEALTH_BOUND, f"slowest /healthz {max(health):.2f} s"

    assert malformed.startswith(b"HTTP/1.1 400"), malformed[:200]
    assert json.loads(malformed.split(b"\r\n\r\n", 1)[1])["code"] == "bad_request"
    assert tiny.status_code == 200 and tiny.json()["findings"], tiny.text
    assert freed < 1.5, f"a tiny check waited {freed:.2f} s after its clients hung up"
    assert workers_after == workers_before  # interrupted, not killed and replaced
    assert log.count("annulée") == 2, log[-2000:]
    assert log.count("parti pendant l'envoi") == 1, log[-2000:]
    assert "Traceback" not in log and "Exception in ASGI application" not in log, log[-3000:]

    counts = collections.Counter(status for status, _ in answers)
    print(json.dumps({"normal": len(answers), "statuses": dict(counts), "wall_s": round(wall, 1),
                      "slow_dropped": len(slow), "slow_max_s": round(max(s for _, s, _ in slow), 1),
                      "healthz_max_ms": round(max(health) * 1000), "healthz_probes": len(health),
                      "freed_after_hang_up_ms": round(freed * 1000)}))  # fmt: skip
