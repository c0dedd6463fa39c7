"""Optional engines (issue 23, items 6 and 7; issue 25, item 3): what a rule needs beyond the
document that a machine may lack, such as Hunspell's French dictionary through Enchant for
`text/spelling`.

Each engine is declared once, here (`_ENGINES`): its name, what it is (in French), the command
that installs it, its `load` (returns its handle or raises `EngineMissing` with the reason) and its
`key` (describes its version and data by content, for the results kept between runs:
`extractor.cachekey.engines`). Both are "module:function" names, imported on first use: building
a cache key imports no rule, and an engine is loaded once per process, when first asked for. A
rule names the engines it needs in its catalogue entry (`needs`), next to "registry" and "corpus":
the rule engine (`extractor.checks`) then skips the rule, with the reason and the install
command, instead of running it (`Context.skipped`), and every output says so. A missing engine and
a broken one (a library that fails to load, a stale path in an environment variable) are the same
to the run: the rule is skipped, no file fails.

Adding an engine is one entry below (or `@engine(...)` on its loader, for a plugin), and its name
in the `needs` of its rules.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

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
    load: Callable[[], object] | str  # or "module:function", imported when first probed
    key: Callable[[], str] | str | None = None  # its version and data, for cache keys; None: nothing outside

    def loader(self) -> Callable[[], object]:
        return _resolve(self.load)

    def describe(self) -> str:
        """The engine as a cache key sees it (nothing is loaded)."""
        return _resolve(self.key)() if self.key is not None else "-"


def _resolve(target: Callable[..., Any] | str) -> Callable[..., Any]:
    if callable(target):
        return target
    module, _, function = target.partition(":")
    return cast(Callable[..., Any], getattr(importlib.import_module(module), function))


_ENGINES: dict[str, Engine] = {
    engine.name: engine
    for engine in (
        Engine(
            "hunspell-fr",
            "dictionnaire français (Hunspell, par Enchant)",
            "sudo apt-get install hunspell-fr-comprehensive libenchant-2-2 && pip install pyenchant",
            load="extractor.checks.spelling:_french",
            key="extractor.checks.engine_keys:dictionaries",
        ),
        Engine(
            "grammalecte",
            "correcteur Grammalecte",
            "sudo apt-get install python3-grammalecte",
            load="extractor.checks.grammalecte:_load",
            key="extractor.checks.engine_keys:grammalecte",
        ),
    )
}


def engine(
    name: str, *, title_fr: str, install_fr: str, key: Callable[[], str] | str | None = None
) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Registers an engine declared by its loader (a plugin, a test): `load()` returns its handle
    or raises EngineMissing."""

    def register(load: Callable[[], object]) -> Callable[[], object]:
        _ENGINES[name] = Engine(name, title_fr, install_fr, load, key)
        return load

    return register


def declared() -> dict[str, Engine]:
    """Every engine, by name."""
    return dict(_ENGINES)


def known(name: str) -> bool:
    return name in _ENGINES


def names() -> list[str]:
    return sorted(_ENGINES)


@functools.cache
def _loaded(name: str) -> tuple[object | None, Availability]:
    found = _ENGINES[name]
    try:
        handle = found.loader()()
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
