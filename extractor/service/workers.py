"""Worker processes that can be stopped.

A thread cannot be killed: a document that takes too long, or grows too big, would keep its thread
(and its memory) after the request gave up. So the service runs each document in one of a few
worker processes, started once (each loads the registry once), and answers from the parent. When a
document overruns its time or memory budget the parent kills that worker and starts a fresh one:
nothing is left running. Requests wait for a free worker (they queue, they do not fail); a big
task waits until it would leave one worker free, kept for small ones (service/cost.py).

A request whose client goes away cancels its task: the parent interrupts the worker (SIGUSR1, which
raises `Interrupted` in the task), which answers and is free again at once, still loaded; a worker
that does not answer within `CANCEL_GRACE` (stuck in native code) is killed and replaced.

Workers are started with "spawn": forking a process that already runs an event loop and threads is
not safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
POLL = 0.1  # seconds between two looks at a busy worker's clock and memory
CANCEL_GRACE = 0.8  # seconds an interrupted worker has to answer before it is killed


class Overrun(Exception):
    """The task went over its budget; its worker was killed."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what  # "time" or "memory"


class WorkerCrashed(Exception):
    """The worker died (or could not start) without an answer."""


class Cancelled(Exception):
    """The task was cancelled (its client went away); its worker is free again."""


class Interrupted(BaseException):
    """Raised inside a worker's task when the parent cancels it. A BaseException, so that no
    reader's `except Exception` swallows it."""


_TASK = {"running": False}


def _interrupt(signum: int, frame: object) -> None:
    if _TASK["running"]:  # between two tasks the signal is late: nothing to stop
        _TASK["running"] = False
        raise Interrupted()


def rss(pid: int) -> int:
    """Resident memory of a process, in bytes (0 when unknown)."""
    try:
        with open(f"/proc/{pid}/statm") as stream:
            return int(stream.read().split()[1]) * PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0


def _serve(conn: Connection, initializer: Callable[..., None], initargs: tuple) -> None:
    """A worker's life: load once, then run what the parent sends until it hangs up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops us
    signal.signal(signal.SIGUSR1, _interrupt)  # a cancelled task
    # This process is the PDF reader's guard (extractor/ingest/pdf): its memory is watched and
    # its death answered; a child of its own would escape the memory watch.
    os.environ["FACTCHECK_PDF_CHILD"] = "0"
    try:
        initializer(*initargs)
    except BaseException:
        conn.send(("crash", traceback.format_exc()))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        func, args = message
        try:
            _TASK["running"] = True
            try:
                outcome: tuple[str, Any] = ("ok", func(*args))
            finally:
                _TASK["running"] = False
        except Interrupted:
            outcome = ("cancelled", None)
        except MemoryError:
            outcome = ("overrun", "memory")
        except Exception as exc:  # every failure goes back to the parent, which answers the request
            outcome = ("error", exc)
        try:
            conn.send(outcome)
        except Exception:  # an exception that does not pickle: send its text instead
            conn.send(("crash", traceback.format_exc()))


@dataclass
class Worker:
    process: BaseProcess
    conn: Connection

    @property
    def pid(self) -> int:
        return self.process.pid or 0


class WorkerPool:
    """`size` worker processes; `run` sends a task to a free one and waits within a budget."""

    def __init__(
        self,
        size: int,
        initializer: Callable[..., None],
        initargs: tuple = (),
        *,
        max_rss: int | None = None,
        start_timeout: float = 120.0,
    ) -> None:
        self.size = size
        self.initializer = initializer
        self.initargs = initargs
        self.max_rss = max_rss
        self.start_timeout = start_timeout
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[Worker] = []
        self.replaced = 0  # workers killed for overrunning (or crashing) and started anew
        self._idle: asyncio.Queue[Worker] | None = None
        # Big tasks may hold all workers but one: that one is kept for small tasks (a one-line check
        # is answered while big documents are checked). With one worker, big tasks may take it.
        self._big: asyncio.Semaphore | None = None

    # -- life cycle -----------------------------------------------------------------------------
    def _spawn(self) -> Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_serve, args=(child, self.initializer, self.initargs), name="factcheck-worker", daemon=True
        )
        process.start()
        child.close()
        return Worker(process, parent)

    def _await_ready(self, worker: Worker) -> Worker:
        if not worker.conn.poll(self.start_timeout):
            self._kill(worker)
            raise WorkerCrashed("le processus de vérification n'a pas démarré à temps")
        try:
            kind, detail = worker.conn.recv()
        except (EOFError, OSError) as exc:
            self._kill(worker)
            raise WorkerCrashed("le processus de vérification s'est arrêté au démarrage") from exc
        if kind != "ready":
            self._kill(worker)
            raise WorkerCrashed(f"le processus de vérification n'a pas démarré :\n{detail}")
        return worker

    def start(self) -> None:
        """Starts every worker and waits until each has loaded (blocking)."""
        spawned = [self._spawn() for _ in range(self.size)]  # they load in parallel
        self.workers = [self._await_ready(worker) for worker in spawned]
        self._idle = asyncio.Queue()
        for worker in self.workers:
            self._idle.put_nowait(worker)
        self._big = asyncio.Semaphore(max(1, self.size - 1))

    def close(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
        deadline = time.monotonic() + 2
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            self._kill(worker)
        self.workers = []

    def _kill(self, worker: Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        with contextlib.suppress(OSError):
            worker.conn.close()

    def _replace(self, worker: Worker) -> Worker:
        self._kill(worker)
        self.replaced += 1
        fresh = self._await_ready(self._spawn())
        self.workers = [fresh if w is worker else w for w in self.workers]
        return fresh

    # -- running --------------------------------------------------------------------------------
    def _wait(self, worker: Worker, timeout: float, cancel: threading.Event | None = None) -> tuple[str, Any]:
        """Blocks until the worker answers, or raises Overrun once it is over a budget. When
        `cancel` is set, interrupts the task: ("cancelled", None) once the worker is free again."""
        deadline = time.monotonic() + timeout
        while not worker.conn.poll(min(POLL, max(0.0, deadline - time.monotonic()))):
            if cancel is not None and cancel.is_set():
                return self._interrupt(worker)
            if not worker.process.is_alive():
                raise WorkerCrashed("le processus de vérification s'est arrêté")
            if time.monotonic() >= deadline:
                raise Overrun("time")
            if self.max_rss and rss(worker.pid) > self.max_rss:
                raise Overrun("memory")
        try:
            return worker.conn.recv()
        except (EOFError, OSError) as exc:
            raise WorkerCrashed("le processus de vérification s'est arrêté") from exc

    def _interrupt(self, worker: Worker) -> tuple[str, Any]:
        """Stops the worker's task (it answers "cancelled", or its result if it had just ended);
        raises Overrun("cancelled") when it does not answer in time (the caller kills it)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGUSR1)
        if not worker.conn.poll(CANCEL_GRACE):
            raise Overrun("cancelled")
        try:
            worker.conn.recv()  # "cancelled", or the result that was on its way: dropped either way
        except (EOFError, OSError) as exc:
            raise WorkerCrashed("le processus de vérification s'est arrêté") from exc
        return "cancelled", None

    def _call(
        self,
        worker: Worker,
        func: Callable[..., Any],
        args: tuple,
        timeout: float,
        cancel: threading.Event | None = None,
    ) -> tuple[Worker | None, Any]:
        """Runs one task on `worker`. Never raises: returns the worker to put back (a fresh one when
        it was killed, None when no fresh one would start) and the result or the exception."""
        try:
            worker.conn.send((func, args))
            kind, detail = self._wait(worker, timeout, cancel)
        except (Overrun, WorkerCrashed) as exc:
            kind, detail = "killed", exc
        except Exception as exc:  # the task did not pickle: nothing was sent, the worker is fine
            return worker, exc
        if kind == "ok":
            return worker, detail
        if kind == "error":  # an exception raised by the task: the worker is fine
            return worker, detail
        if kind == "cancelled":  # interrupted, and free again
            return worker, Cancelled()
        if isinstance(detail, Overrun) and detail.what == "cancelled":
            detail = Cancelled()
        failure = {"overrun": Overrun, "crash": WorkerCrashed}.get(kind, lambda d: d)(detail)
        try:  # killed, out of memory (its heap may be in a bad state) or crashed: start a new one
            return self._replace(worker), failure
        except WorkerCrashed as exc:
            self.workers = [w for w in self.workers if w is not worker]
            return None, exc

    def _release(self, future: asyncio.Future, big: bool = False) -> None:
        if not future.cancelled() and future.exception() is None:
            worker = future.result()[0]
            if worker is not None and self._idle is not None:
                self._idle.put_nowait(worker)
        if big and self._big is not None:
            self._big.release()  # once its worker is back, not when its client left

    async def run(self, func: Callable[..., Any], *args: Any, timeout: float, small: bool = True) -> Any:
        """Runs `func(*args)` in a free worker (waiting for one) and returns its result, or raises
        what it raised, or Overrun / WorkerCrashed. Cancelling the call (its client went away)
        interrupts the task: the worker goes back to the pool within about a second. A task that
        is not `small` waits until it would leave a worker free for small ones."""
        assert self._idle is not None and self._big is not None, "start() the pool first"
        if not self.workers:
            raise WorkerCrashed("aucun processus de vérification disponible")
        big = not small
        if big:
            await self._big.acquire()
        try:
            worker = await self._idle.get()
        except BaseException:
            if big:
                self._big.release()
            raise
        cancel = threading.Event()
        future = asyncio.get_running_loop().run_in_executor(None, self._call, worker, func, args, timeout, cancel)
        future.add_done_callback(functools.partial(self._release, big=big))
        try:
            outcome = (await asyncio.shield(future))[1]
        except asyncio.CancelledError:
            cancel.set()
            raise
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    @property
    def waiting(self) -> int:
        return self._idle.qsize() if self._idle else 0
