"""The rule registry (DESIGN §4).

A rule is a plain function `(doc, ctx) -> Iterable[Finding]` registered with `@rule(...)` in a
module of this package. Every module here is imported on first use, so adding a rule family is
adding a module: the engine does not change.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from extractor.models import Document, Finding, Severity


@dataclass
class Context:
    """What a rule may use beyond the document itself (the corpus and the registry come later)."""

    options: dict[str, object] = field(default_factory=dict)


RuleFunc = Callable[[Document, Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title_fr: str
    description_fr: str
    func: RuleFunc


_REGISTRY: dict[str, Rule] = {}
_loaded = False


def rule(id: str, severity: Severity | str, title_fr: str, description_fr: str) -> Callable[[RuleFunc], RuleFunc]:
    """Registers a rule. `id` is stable (baselines and SARIF depend on it)."""

    def register(func: RuleFunc) -> RuleFunc:
        if id in _REGISTRY and _REGISTRY[id].func is not func:
            raise ValueError(f"rule {id} is registered twice")
        _REGISTRY[id] = Rule(id, Severity(severity), title_fr, description_fr, func)
        return func

    return register


def rules() -> dict[str, Rule]:
    """All the registered rules, by id (imports every module of this package once)."""
    global _loaded
    if not _loaded:
        for module in pkgutil.iter_modules(__path__):
            if not module.name.startswith("_"):
                importlib.import_module(f"{__name__}.{module.name}")
        _loaded = True
    return dict(sorted(_REGISTRY.items()))


def run(doc: Document, ctx: Context | None = None, only: Iterable[str] | None = None) -> list[Finding]:
    """Runs the rules (all, or those whose id or family prefix is in `only`) on one document."""
    ctx = ctx or Context()
    selected = list(only) if only else None
    findings: list[Finding] = []
    for rule_id, r in rules().items():
        if selected and not any(rule_id == s or rule_id.startswith(s.rstrip("/") + "/") for s in selected):
            continue
        for finding in r.func(doc, ctx):
            findings.append(finding.model_copy(update={"rule": rule_id}) if finding.rule != rule_id else finding)
    return findings
