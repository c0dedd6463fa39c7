"""`factcheck serve` as a real process on 127.0.0.1, for the browser, API-fuzzing and load tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

    import httpx
from dataclasses import dataclass
from pathlib import Path

import httpx

from extractor.service.workers import rss


@dataclass
class Server:
    url: str
    process: subprocess.Popen

    @property
    def pid(self) -> int:
        return self.process.pid


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(folder: Path, *options: str, start_timeout: float = 90) -> Iterator[Server]:
    """Starts `factcheck serve` (from `folder`, which holds its .factcheck/ store) and waits until
    /healthz says ready; stops it at the end."""
    port = free_port()
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "extractor", "serve", "--port", str(port), *options],
        cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"factcheck serve stopped: {(folder / 'server.log').read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=2).json().get("status") == "ready":
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("factcheck serve did not get ready in time")
            time.sleep(0.2)
        yield Server(url, process)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def tree(pid: int) -> list[int]:
    """A process and its descendants (the server and its worker processes)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as stream:
                    todo += [int(child) for child in stream.read().split()]
        except OSError:
            continue
    return out


def tree_rss(pid: int) -> int:
    """Resident memory of a process and its descendants, in bytes."""
    return sum(rss(p) for p in tree(pid))


class PeakMemory(threading.Thread):
    """Samples the resident memory of a process tree every 50 ms and keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stopped = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.05):
            self.peak = max(self.peak, tree_rss(self.pid))


async def probe_healthz(prober: httpx.AsyncClient, health: list[float], done: asyncio.Event) -> None:
    """Until `done` is set, asks /healthz every 0.1 s through `prober`, asserts it says ready and
    records each answer's time in `health` (load tests: the service stays ready throughout)."""
    import asyncio

    while not done.is_set():
        start = time.perf_counter()
        response = await prober.get("/healthz")
        assert response.status_code == 200 and response.json()["status"] == "ready"
        health.append(time.perf_counter() - start)
        await asyncio.sleep(0.1)
