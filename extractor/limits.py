"""Hard limits on the work one document may cost the command line (DESIGN §7).

The readers refuse what they can see is too big (file size, PDF pages, DOCX inflated size, YAML
aliases) and cut over-long blocks; what cannot be seen in advance (a PDF stream that inflates to
gigabytes, a pathological layout) is stopped by two enforced limits:

- time: a per-document budget, by an interval timer (SIGALRM) whose handler raises in the reader
  or the rule that is running; the document becomes an error entry and the run goes on;
- memory: the process's address space is capped (RLIMIT_AS) by the CLI's entry point, so that a
  runaway allocation raises MemoryError in that document instead of exhausting the machine.

The service does not use these: its worker processes are killed from outside (service/workers.py).
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import threading
from collections.abc import Iterator

DOCUMENT_SECONDS = 120.0
GRACE_SECONDS = 2.0  # after the budget, how long clean-up code may run before it is interrupted too
MAX_MEMORY = 4 * 1024**3  # bytes of address space for the CLI process (checking needs < 0.6 GB)


class DocumentTimeout(BaseException):
    """Raised by the timer inside whatever is running. A BaseException, so that no reader's
    `except Exception` swallows it."""


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raises DocumentTimeout in the block once `seconds` have passed (main thread only; a no-op
    elsewhere, or when `seconds` is None or 0)."""
    usable = seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        # Armed again: a library's clean-up code (a `finally`, a `close()`) that loops as well is
        # interrupted in turn, instead of hanging the run after the budget has expired.
        signal.setitimer(signal.ITIMER_REAL, GRACE_SECONDS)
        raise DocumentTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds or 0.0)  # `usable`: seconds is set
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def cap_memory(limit: int | None = None) -> None:
    """Caps the address space of this process at `limit` bytes (default: FACTCHECK_MAX_MEMORY_MB
    from the environment, else MAX_MEMORY); never raises it above the current cap; does nothing
    where the platform has no such limit."""
    if limit is None:
        configured = os.environ.get("FACTCHECK_MAX_MEMORY_MB", "")
        limit = int(configured) * 1024**2 if configured.isdigit() else MAX_MEMORY
    with contextlib.suppress(ValueError, OSError, AttributeError):
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft == resource.RLIM_INFINITY or soft > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
