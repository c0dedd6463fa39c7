"""Grammalecte as an engine (issue 26, item 1): the reference open-source French grammar and
spelling checker (Debian's `python3-grammalecte`), for `text/grammar`, `text/typography` and
`text/spelling`.

How it is called, and why: a long-lived worker on the interpreter Grammalecte is installed for
(`/usr/bin/python3`, or `FACTCHECK_GRAMMALECTE_PYTHON`), started once per process when a rule first
needs it, speaking JSON lines over its stdin and stdout (`_grammalecte_worker.py`).
- Grammalecte is GPL-3: it runs in its own process and factcheck never imports it.
- It is installed for the system interpreter, not factcheck's virtual environment: a worker on
  that interpreter needs no copy and no path tricks.
- Its dictionaries and rules take about 0.15 s to load: the CLI (`grammalecte-cli -j`) would pay
  this and an interpreter start for every call, and its JSON output is by line of a file, not by
  block. `grammalecte-server` would need a free port, a start-up wait and an HTTP round trip per
  request, and would be reachable by other users of the machine. A pipe has none of these costs;
  one request carries all the blocks of a document.
The worker ends when its input closes (the process that started it exits, or `close()`); a
worker that stops answering is killed after `TIMEOUT` seconds and the document's check fails
with a French error, never hangs. Offsets are Python string indices on both sides, the same as
`Block.text`'s.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel, Field

from extractor import engines
from extractor.engines import EngineMissing

ENGINE = "grammalecte"
INSTALL = "sudo apt-get install python3-grammalecte"
PYTHON_ENV = "FACTCHECK_GRAMMALECTE_PYTHON"
DEFAULT_PYTHON = "/usr/bin/python3"
WORKER = Path(__file__).with_name("_grammalecte_worker.py")
TIMEOUT = 120.0  # seconds for one request (a document's blocks): 30-40 KB a second, a 4 MB page fits
START_TIMEOUT = 30.0


class GrammarError(BaseModel):
    """One of Grammalecte's grammar or typography errors, offsets into the text sent."""

    start: int
    end: int
    rule: str = Field(description="Grammalecte's rule id")
    type: str = Field(description="Grammalecte's option (family): gn, conj, ppas, nbsp, …")
    message: str
    suggestions: list[str] = Field(default_factory=list)


class SpellingError(BaseModel):
    start: int
    end: int
    word: str


class Result(BaseModel):
    grammar: list[GrammarError] = Field(default_factory=list)
    spelling: list[SpellingError] = Field(default_factory=list)


class WorkerError(RuntimeError):
    """The worker stopped answering or answered garbage (a French message for the user)."""


def python() -> str:
    """The interpreter Grammalecte is installed for."""
    return os.environ.get(PYTHON_ENV) or DEFAULT_PYTHON


@dataclass
class Grammalecte:
    """A worker process and the lock that keeps one request at a time on its pipe."""

    interpreter: str
    version: str = ""
    _process: subprocess.Popen[str] | None = field(default=None, repr=False)
    _lines: queue.Queue[str | None] = field(default_factory=queue.Queue, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _pid: int = field(default=0, repr=False)

    def start(self) -> None:
        """Starts the worker and reads its greeting; EngineMissing when Grammalecte cannot run."""
        try:
            process = subprocess.Popen(
                [self.interpreter, "-I", str(WORKER)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
                bufsize=1,
            )
        except OSError as exc:
            raise EngineMissing(
                f"interpréteur Python de Grammalecte introuvable ({self.interpreter} : {exc.strerror})",
                f"installer Grammalecte ({INSTALL}) ou indiquer son interpréteur dans {PYTHON_ENV}",
            ) from None
        self._process, self._pid, self._lines = process, os.getpid(), queue.Queue()
        threading.Thread(target=self._read, args=(process, self._lines), daemon=True).start()
        greeting = self._next(START_TIMEOUT)
        if greeting is None or not greeting.get("ready"):
            self.close()
            why = (greeting or {}).get("error") or "le processus n'a pas répondu"
            if "ModuleNotFoundError" in str(why):
                raise EngineMissing(f"Grammalecte absent pour l'interpréteur {self.interpreter}")
            raise EngineMissing(f"Grammalecte inutilisable avec {self.interpreter} ({why})")
        self.version = str(greeting.get("version", "?"))

    @staticmethod
    def _read(process: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)  # the worker ended

    def _next(self, timeout: float) -> dict[str, Any] | None:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            return None
        if line is None:
            return None
        try:
            return cast("dict[str, Any]", json.loads(line))
        except ValueError:
            return None

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if self._process is None or self._pid != os.getpid() or self._process.poll() is not None:
                self.start()  # first use, a forked child, or a worker that ended: a fresh one
            process = self._process
            assert process is not None and process.stdin is not None
            try:
                process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
                process.stdin.flush()
            except OSError:
                self.close()
                raise WorkerError("Grammalecte s'est arrêté pendant la vérification") from None
            answer = self._next(TIMEOUT)
            if answer is None:
                self.close()  # killed: the next request starts a fresh worker
                raise WorkerError(f"Grammalecte n'a pas répondu en {TIMEOUT:.0f} s ; il a été arrêté")
            if "error" in answer:
                raise WorkerError(f"Grammalecte a échoué : {answer['error']}")
            return answer

    def check(self, texts: list[str], options: dict[str, bool] | None = None) -> list[Result]:
        """Grammalecte's errors in each text (a paragraph each; line breaks are read as spaces)."""
        if not texts:
            return []
        sent = [t.replace("\r", " ").replace("\n", " ") for t in texts]
        answer = self._ask({"op": "check", "texts": sent, "options": options or {}})
        return [Result.model_validate(r) for r in answer["results"]]

    def suggest(self, words: list[str]) -> list[list[str]]:
        """Grammalecte's spelling suggestions for each word, likeliest first."""
        if not words:
            return []
        return [list(s) for s in self._ask({"op": "suggest", "words": words})["suggestions"]]

    def morph(self, words: list[str]) -> list[list[str]]:
        """The lexicon's analyses of each word (">vélo/:N:m:s*": a noun, masculine, singular);
        none for a word the lexicon lacks."""
        if not words:
            return []
        return [list(m) for m in self._ask({"op": "morph", "words": words})["morphs"]]

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None or self._pid != os.getpid():
            return
        try:
            if process.stdin is not None:
                process.stdin.close()
            process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()


def _load() -> Grammalecte:
    """A started worker, or EngineMissing with the reason (no interpreter, no Grammalecte)."""
    worker = Grammalecte(python())
    worker.start()
    atexit.register(worker.close)
    return worker


def checker() -> Grammalecte | None:
    """The process's worker, or None when Grammalecte cannot be used (`engines.probe` says why)."""
    return cast("Grammalecte | None", engines.get(ENGINE))
