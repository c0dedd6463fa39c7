"""What every `factcheck` command shares: the error guard (one French line on stderr, exit code 2)."""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable
from typing import ParamSpec

import typer
from rich.console import Console

from extractor.errors import FactcheckError, InputError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
P = ParamSpec("P")


def err_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str) -> typer.Exit:
    """Prints an error line and returns the exit to raise."""
    err_console().print(f"[bold red]erreur[/] {message}", markup=True)
    return typer.Exit(EXIT_ERROR)


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

    return wrapper
