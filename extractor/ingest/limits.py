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

# Every limit the documentation states (docs/limits.md and docs/service.md), in this one place: the
# readers, the CLI and the service import them, and tests/test_limits.py checks each against the
# documentation's text and against what the code does at the limit and one past it.
DOCUMENT_SECONDS = 120.0
GRACE_SECONDS = 2.0  # after the budget, how long clean-up code may run before it is interrupted too
MAX_MEMORY = 4 * 1024**3  # bytes of address space for the CLI process (checking needs < 0.6 GB)
MAX_FILE_BYTES = 50 * 1024 * 1024  # a report larger than this is not a report
MAX_PDF_PAGES = 300  # from the PDF's catalog, before its pages are read
MAX_PDF_STREAM_BYTES = 64 * 1024 * 1024  # one PDF stream decoded (measured before PDFium decodes it)
MAX_PDF_INFLATED_BYTES = 1024 * 1024 * 1024  # all of a PDF's streams decoded, together
MAX_DOCX_INFLATED_BYTES = 200 * 1024 * 1024  # a larger total is a zip bomb, not a report
MAX_DOCX_RATIO = 200  # inflated / compressed size of one DOCX member
MAX_YAML_ALIASES = 20  # a front matter has a few, if any; the "billion laughs" bomb has 81
MAX_YAML_DEPTH = 50  # levels of lists and mappings; beta.gouv.fr front matters have 5 at most
MAX_MARKDOWN_DEPTH = 100  # nested lists and block quotes; 101 is refused
MAX_HTML_DEPTH = 512  # nested elements; 513 is refused
MAX_BLOCK_CHARS = 4_000  # longer paragraphs are cut at sentence ends (keeps the time linear)
# What a document may hold, refused beyond (the site's largest: 108,124 characters, 101 table
# cells, 505 numbers): the rules' time and memory grow with each of them (200,000 table cells
# cost 51 s and 1.4 GB; two million numbers, minutes), and the time budget alone would give no
# answer within half a minute.
MAX_TEXT_CHARS = 2_000_000  # characters of a text document (Markdown, HTML, text) once decoded
MAX_TABLE_CELLS = 10_000  # table cells, all the document's tables together
MAX_NUMBERS = 64_000  # runs of digits in the text: bench/figures.py's largest page (17.6 s), two million refused
MAX_FINDINGS_PER_RULE = 5_000  # one rule's findings on one document (the site's most: a few dozen)

# The service (`factcheck serve`; its options override the first three).
SERVICE_MAX_MB = 20  # --max-mb
SERVICE_MAX_BYTES = SERVICE_MAX_MB * 1024 * 1024
SERVICE_TIMEOUT = 30.0  # --timeout: seconds per document
SERVICE_MAX_RSS = 1_500_000_000  # bytes of resident memory per worker before it is stopped
SERVICE_MAX_PENDING_BYTES = 256 * 1024 * 1024  # bytes of request bodies held in memory, all clients
SERVICE_CLIENT_SHARE = 4  # one client address may hold 1/4 of them (at least one whole document)
SERVICE_HEADER_SECONDS = 10.0  # to send the request line and headers
SERVICE_BODY_GRACE_SECONDS = 10.0  # a body may take this long whatever its size...
SERVICE_BODY_MIN_RATE = 2_000  # ...plus one second per this many bytes received (mod_reqtimeout's rule)
SERVICE_BODY_IDLE_SECONDS = 10.0  # at most between two chunks of a body
SERVICE_KEEP_ALIVE_SECONDS = 5.0  # an idle kept-alive connection is closed after this
# The work a document may cost, estimated from its body before it is queued (service/cost.py): its
# figures (runs of digits) plus its table cells, a PDF page counting for SERVICE_PDF_PAGE_WORK.
SERVICE_MAX_WORK = 30_000  # units of work; more is refused at once (413 too_much_work)
SERVICE_SMALL_WORK = 2_000  # at most this much is a small check: one worker is kept for those
SERVICE_PDF_PAGE_WORK = 100  # units a PDF page counts for (its figures cannot be counted unread)


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
