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
from typing import TYPE_CHECKING

from extractor.models import Claim, Document, Finding, Severity

if TYPE_CHECKING:
    from extractor.corpus.index import CorpusIndex
    from extractor.reference.store import Registry


@dataclass
class Context:
    """What a rule may use beyond the document itself. A rule that needs something the run does
    not have (no registry imported) is skipped, and `skipped` says which, so the caller can tell
    the user once."""

    options: dict[str, object] = field(default_factory=dict)
    registry: Registry | None = None
    corpus: CorpusIndex | None = None
    skipped: set[str] = field(default_factory=set)
    ignored: int = 0  # findings silenced by inline comments
    _claims: dict[str, list[Claim]] = field(default_factory=dict, repr=False)

    def claims(self, doc: Document) -> list[Claim]:
        """The document's claims, extracted once for all the rules that compare figures."""
        if doc.sha256 not in self._claims:
            from extractor.claims.resolve import extract_claims

            self._claims[doc.sha256] = extract_claims(doc, self.registry)
        return self._claims[doc.sha256]


RuleFunc = Callable[[Document, Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title_fr: str
    description_fr: str
    func: RuleFunc
    needs: tuple[str, ...] = ()  # "registry"


_REGISTRY: dict[str, Rule] = {}
_loaded = False


def rule(
    id: str, severity: Severity | str, title_fr: str, description_fr: str, needs: tuple[str, ...] = ()
) -> Callable[[RuleFunc], RuleFunc]:
    """Registers a rule. `id` is stable (baselines and SARIF depend on it); `needs` names what the
    rule cannot run without ("registry")."""

    def register(func: RuleFunc) -> RuleFunc:
        if id in _REGISTRY and _REGISTRY[id].func is not func:
            raise ValueError(f"rule {id} is registered twice")
        _REGISTRY[id] = Rule(id, Severity(severity), title_fr, description_fr, func, needs)
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


def selects(selection: str, rule_id: str) -> bool:
    """Whether a `--rule` value (an id, or a family such as "text/") names this rule."""
    return rule_id == selection or rule_id.startswith(selection.rstrip("/") + "/")


def unknown(selection: Iterable[str]) -> list[str]:
    """The `--rule` values that name no rule."""
    known = rules()
    return [s for s in selection if not any(selects(s, k) for k in known)]


def run(doc: Document, ctx: Context | None = None, only: Iterable[str] | None = None) -> list[Finding]:
    """Runs the rules (all, or those whose id or family prefix is in `only`) on one document."""
    ctx = ctx or Context()
    selected = list(only) if only else None
    findings: list[Finding] = []
    for rule_id, r in rules().items():
        if selected and not any(selects(s, rule_id) for s in selected):
            continue
        if ("registry" in r.needs and ctx.registry is None) or ("corpus" in r.needs and ctx.corpus is None):
            ctx.skipped.add(rule_id)
            continue
        for finding in r.func(doc, ctx):
            findings.append(finding.model_copy(update={"rule": rule_id}) if finding.rule != rule_id else finding)
    return findings
