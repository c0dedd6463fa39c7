"""What every `factcheck` command shares: the error guard (one French line on stderr, exit code 2)."""

from __future__ import annotations

import functools
import os
import sys
import time
import traceback
from collections.abc import Callable
from typing import ParamSpec

import typer
from rich.console import Console

from extractor.errors import FactcheckError, InputError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
P = ParamSpec("P")


_STARTED: dict[str, float] = {}  # "process": time.monotonic() of the process's start, set by main()


def process_started() -> float:
    """When this process started, on time.monotonic()'s clock (Linux: /proc; elsewhere: now)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stream:
            ticks = int(stream.read().rsplit(")", 1)[1].split()[19])  # field 22: start time, in clock ticks
        with open("/proc/uptime", encoding="ascii") as stream:
            uptime = float(stream.read().split()[0])  # CLOCK_BOOTTIME, seconds
        age = uptime - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        age = 0.0
    return time.monotonic() - max(0.0, age)


def mark_process_start() -> None:
    """Called by main(): the command it runs counts its time from the process's start."""
    _STARTED["process"] = process_started()


def run_start() -> float:
    """When the command's run started (time.monotonic()): the process's start when main() ran it,
    else now (a command invoked in-process: tests, scripts). Taken once."""
    return _STARTED.pop("process", None) or time.monotonic()


def err_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str) -> typer.Exit:
    """Prints an error line and returns the exit to raise."""
    err_console().print(f"[bold red]erreur[/] {message}", markup=True)
    return typer.Exit(EXIT_ERROR)


_AT_END: list[Callable[[], None]] = []


def at_end(callback: Callable[[], None]) -> None:
    """Runs `callback` when the command ends, however it ends (a progress display to take down)."""
    _AT_END.append(callback)


def guarded(func: Callable[P, None]) -> Callable[P, None]:
    """Turns the errors a user can cause into one clear line on stderr and exit code 2
    (`--debug` also prints the traceback)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            func(*args, **kwargs)
        except FactcheckError as exc:
            if "--debug" in sys.argv:
                traceback.print_exc()
            if isinstance(exc, InputError):
                hint = f" ({exc.hint})" if exc.hint else ""
                raise fail(f"{exc.path} : {exc.message}{hint}") from None
            raise fail(str(exc)) from None
        finally:
            while _AT_END:
                _AT_END.pop()()

    return wrapper
