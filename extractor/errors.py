"""Errors that reach the user: what went wrong, where, and what to do about it."""

from __future__ import annotations


class FactcheckError(Exception):
    """Base class for the errors the CLI and the API turn into a clear message (exit code 2)."""


class InputError(FactcheckError):
    """A file cannot be read as a document. Messages are in French: editors read them."""

    def __init__(self, path: str, message: str, hint: str | None = None, code: str = "unreadable") -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
        self.hint = hint
        self.code = code

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, str | None, str]]:
        # pickled by the PDF reader's child process (extractor/ingest/pdf): rebuilt with all four
        return (type(self), (self.path, self.message, self.hint, self.code))

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text
