"""What a long run shows while it works (issue 23, item 17): each phase named in French (the
registry read, the corpus index updated, the documents checked...), with a count when it has one.

In a terminal: a rich bar on stderr, which goes away at the end. Without a terminal (CI, a pipe)
or with CI set: one line on stderr every `INTERVAL` seconds, saying the phase, the count and the
time so far; a run shorter than that prints nothing. Never on stdout, which carries the report
(JSON, SARIF).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO

INTERVAL = 5.0  # seconds between two progress lines without a terminal


class Progress:
    """Says nothing: what the pipeline calls when nobody watches (the Python API, the service)."""

    def phase(self, label_fr: str, total: int | None = None) -> None:
        """A new phase starts: `label_fr` names it ("Mise à jour de l'index du corpus"), `total`
        counts its steps when known."""

    def advance(self, item: str | None = None) -> None:
        """One step of the phase is done (`item`: what it was, a file's path)."""

    def close(self) -> None:
        """The run is over."""

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Lines(Progress):
    """One line every `interval` seconds on `stream`, from a thread, while the run lasts."""

    def __init__(self, stream: TextIO | None = None, interval: float | None = None) -> None:
        self.stream = stream or sys.stderr
        self.interval = INTERVAL if interval is None else interval
        self.started = time.monotonic()
        self.label, self.done = "Démarrage", 0
        self.total: int | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, name="factcheck-progress", daemon=True)
        self._thread.start()

    def phase(self, label_fr: str, total: int | None = None) -> None:
        with self._lock:
            self.label, self.total, self.done = label_fr, total, 0

    def advance(self, item: str | None = None) -> None:
        with self._lock:
            self.done += 1

    def line(self) -> str:
        with self._lock:
            label, total, done = self.label, self.total, self.done
        seconds = f"{time.monotonic() - self.started:.0f}"
        count = f" : {done}/{total} ({100 * done // total} %)" if total else ""
        return f"factcheck : {label}{count} ({seconds} s)"

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                print(self.line(), file=self.stream, flush=True)
            except (OSError, ValueError):  # the stream was closed: nobody reads any more
                return

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


class Bar(Progress):
    """A rich bar on stderr: the phase's name, a spinner, and the count when the phase has one."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        self.bar = RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[count]}"),  # "12/911", or nothing for a phase without a count
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
            redirect_stdout=False,  # stdout is the report's
        )
        self.bar.start()
        self.task = self.bar.add_task("Démarrage", total=None, count="")
        self.label, self.done = "Démarrage", 0
        self.total: int | None = None

    def phase(self, label_fr: str, total: int | None = None) -> None:
        self.label = label_fr
        self.total = total
        self.done = 0
        self.bar.reset(self.task, total=total, completed=0, description=label_fr, count=f"0/{total}" if total else "")

    def advance(self, item: str | None = None) -> None:
        self.done += 1
        name = f" : {os.path.basename(item)}" if item else ""
        count = f"{self.done}/{self.total}" if self.total else ""
        self.bar.update(self.task, advance=1, description=f"{self.label}{name}", count=count)

    def close(self) -> None:
        self.bar.stop()


def for_terminal() -> Progress:
    """A bar in a terminal (not in CI), else progress lines on stderr."""
    from rich.console import Console

    if Console(stderr=True).is_terminal and not os.environ.get("CI"):
        return Bar()
    return Lines()
