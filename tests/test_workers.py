"""The service's worker processes: a task over its time or memory budget is stopped, not left
running, and its worker replaced; a task's own error comes back as is."""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest

from extractor.service.workers import Overrun, WorkerCrashed, WorkerPool, rss


def _nothing() -> None:
    pass


def _pid() -> int:
    return os.getpid()


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "réveillé"


def _grow(megabytes: int) -> int:
    block = b"\1" * (megabytes * 1_000_000)  # touched pages: resident
    time.sleep(5)
    return len(block)


def _fail() -> None:
    raise ValueError("mauvais document")


def _die() -> None:
    os._exit(3)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def loop():
    """One event loop, in its own thread, for the whole module (as in the service; and the browser
    tests may keep a loop running in the main thread)."""
    running = asyncio.new_event_loop()
    thread = threading.Thread(target=running.run_forever, daemon=True)
    thread.start()
    yield running
    running.call_soon_threadsafe(running.stop)
    thread.join()


@pytest.fixture(scope="module")
def pool(loop):
    workers = WorkerPool(1, _nothing, max_rss=300_000_000)
    asyncio.run_coroutine_threadsafe(asyncio.to_thread(workers.start), loop).result()
    workers.loop = loop
    yield workers
    workers.close()


def run(pool: WorkerPool, func, *args, timeout: float = 10):
    return asyncio.run_coroutine_threadsafe(pool.run(func, *args, timeout=timeout), pool.loop).result()


def test_a_task_runs_in_another_process_and_its_errors_come_back(pool: WorkerPool) -> None:
    first = run(pool, _pid)
    assert first != os.getpid() and run(pool, _pid) == first  # loaded once, reused
    with pytest.raises(ValueError, match="mauvais document"):
        run(pool, _fail)
    assert run(pool, _pid) == first  # an error in the task does not cost the worker


def test_a_task_over_time_is_killed_and_its_worker_replaced(pool: WorkerPool) -> None:
    before = run(pool, _pid)
    started = time.monotonic()
    with pytest.raises(Overrun) as stopped:
        run(pool, _sleep, 30, timeout=0.5)
    assert stopped.value.what == "time" and time.monotonic() - started < 10
    assert not _alive(before)  # not left running
    after = run(pool, _pid)
    assert after != before and run(pool, _sleep, 0, timeout=5) == "réveillé"


def test_a_task_over_memory_is_killed(pool: WorkerPool) -> None:
    before = run(pool, _pid)
    with pytest.raises(Overrun) as stopped:
        run(pool, _grow, 500, timeout=20)
    assert stopped.value.what == "memory" and not _alive(before)
    assert rss(run(pool, _pid)) < 300_000_000


def test_a_crashed_worker_is_replaced(pool: WorkerPool) -> None:
    before = run(pool, _pid)
    with pytest.raises(WorkerCrashed):
        run(pool, _die)
    assert run(pool, _pid) != before and pool.replaced >= 1


def test_requests_queue_for_a_free_worker(pool: WorkerPool) -> None:
    async def go():
        return await asyncio.gather(*(pool.run(_sleep, 0.05, timeout=10) for _ in range(6)))

    answers = asyncio.run_coroutine_threadsafe(go(), pool.loop).result()
    assert answers == ["réveillé"] * 6  # one worker, six requests: all answered in turn


def _busy(seconds: float) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:  # Python code: the interrupt lands between two bytecodes
        pass
    return "fini"


def _deaf(seconds: float) -> str:
    import signal

    signal.signal(signal.SIGUSR1, signal.SIG_IGN)  # like native code that never returns to Python
    time.sleep(seconds)
    return "fini"


def _cancel_after(pool: WorkerPool, func, seconds: float, after: float) -> float:
    """Starts `func(seconds)`, cancels it after `after` s; how long until the pool ran a tiny task."""

    async def go() -> float:
        task = asyncio.ensure_future(pool.run(func, seconds, timeout=30))
        await asyncio.sleep(after)
        task.cancel()
        cancelled = time.monotonic()
        with pytest.raises(asyncio.CancelledError):
            await task
        await pool.run(_nothing, timeout=30)
        return time.monotonic() - cancelled

    return asyncio.run_coroutine_threadsafe(go(), pool.loop).result()


def test_a_cancelled_task_frees_its_worker_at_once(pool: WorkerPool) -> None:
    before = run(pool, _pid)
    assert _cancel_after(pool, _busy, 20, 0.3) < 1.0  # not the 20 s of the task
    assert run(pool, _pid) == before  # interrupted, not killed: still loaded
    assert run(pool, _busy, 0.01) == "fini"  # and the next task is not interrupted by a late signal


def test_a_task_deaf_to_the_interrupt_is_killed(pool: WorkerPool) -> None:
    before = run(pool, _pid)
    _cancel_after(pool, _deaf, 20, 0.3)
    assert not _alive(before) and run(pool, _pid) != before  # killed and replaced, not left running
