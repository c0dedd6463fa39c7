"""Optional engines (issue 23, items 6 and 7): what a rule needs beyond the document that a
machine may lack, such as Hunspell's French dictionary through Enchant for `text/spelling`.

An engine is a name, what it is (in French), the command that installs it, and a `load()` that
returns its handle or raises `EngineMissing` with the reason. It is loaded once per process, when
first asked for. A rule names the engines it needs in its catalogue entry (`needs`), next to
"registry" and "corpus": the rule engine (`extractor.checks`) then skips the rule, with the
reason and the install command, instead of running it (`Context.skipped`), and every output says
so. A missing engine and a broken one (a library that fails to load, a stale path in an
environment variable) are the same to the run: the rule is skipped, no file fails.

Adding an engine (Grammalecte, say) is one `@engine(...)` function in the module of its rules,
and its name in their `needs`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, Field


class Availability(BaseModel):
    """What probing an engine found: available, or why not and what to run to install it."""

    available: bool
    reason_fr: str = Field(default="", description="why the engine cannot be used (empty when it can)")
    hint_fr: str = Field(default="", description="what to run to install or repair it")


class EngineMissing(Exception):
    """Raised by an engine's `load()`: the engine is not installed, or cannot be used."""

    def __init__(self, reason_fr: str, hint_fr: str | None = None) -> None:
        super().__init__(reason_fr)
        self.reason_fr = reason_fr
        self.hint_fr = hint_fr  # None: the engine's own install command


@dataclass(frozen=True)
class Engine:
    name: str
    title_fr: str  # what it is, for a person: "dictionnaire français (Hunspell, par Enchant)"
    install_fr: str  # the command that installs it
    load: Callable[[], object]


_ENGINES: dict[str, Engine] = {}


def engine(name: str, *, title_fr: str, install_fr: str) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Registers an engine's loader: `load()` returns its handle or raises EngineMissing."""

    def register(load: Callable[[], object]) -> Callable[[], object]:
        _ENGINES[name] = Engine(name, title_fr, install_fr, load)
        return load

    return register


def known(name: str) -> bool:
    return name in _ENGINES


def names() -> list[str]:
    return sorted(_ENGINES)


@functools.cache
def _loaded(name: str) -> tuple[object | None, Availability]:
    found = _ENGINES[name]
    try:
        handle = found.load()
    except EngineMissing as exc:
        hint = exc.hint_fr or f"l'installer : {found.install_fr}"
        return None, Availability(available=False, reason_fr=exc.reason_fr, hint_fr=hint)
    except Exception as exc:  # a broken installation skips the rules that need it; it never fails a file
        reason = f"{found.title_fr} installé mais inutilisable ({type(exc).__name__} : {exc})"
        return None, Availability(available=False, reason_fr=reason, hint_fr=f"le réinstaller : {found.install_fr}")
    return handle, Availability(available=True)


def probe(name: str) -> Availability:
    """Whether the engine can be used here, and if not why and how to install it (loads it once)."""
    return _loaded(name)[1]


def get(name: str) -> object | None:
    """The engine's handle, or None when it cannot be used (`probe` says why)."""
    return _loaded(name)[0]


def reset() -> None:
    """Forgets what was loaded (tests)."""
    _loaded.cache_clear()
