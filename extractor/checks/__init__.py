"""The rule registry (DESIGN §4).

A rule is data plus a check: its entry in the catalogue (`catalogue/<family>.yaml`: id,
severities, French title and description, rationale, examples, the templates of its messages) and a
plain function `(doc, ctx) -> Iterable[Finding]` registered with `@rule(id)` in a module of this
package, which builds its findings with `finding(id, evidence, **arguments)`: the French is in the
catalogue, the check gives the arguments. Every module here is imported on first
use, so adding a rule family is adding a module and its catalogue entries: the engine does not
change. The engine refuses what breaks the catalogue's contract (RuleError).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from extractor import engines as engine_registry  # the name `engines` stays free for a submodule
from extractor import yamlio
from extractor.errors import InputError
from extractor.ingest import limits
from extractor.models import Claim, Document, Evidence, Finding, Severity, SkippedRule

if TYPE_CHECKING:
    from extractor.analyse import Analyses, Analysis, Folders
    from extractor.claims.events import Event
    from extractor.corpus.index import CorpusIndex
    from extractor.profiles import Profile
    from extractor.reference.store import Registry
    from extractor.run.sitemap import SiteMap


def _active_profile() -> Profile:
    from extractor import profiles

    return profiles.active()


@dataclass
class Context:
    """What a rule may use beyond the document itself: its inputs, each declared by the rules
    that read it (`needs`: the rule cannot run without it; `uses`: read when there). The run reads
    them (rules never touch the file system). A rule that needs something the run does not have
    (no registry imported, an engine not installed) is skipped, and `skipped` says which and why,
    so the caller can tell the user once."""

    options: dict[str, object] = field(default_factory=dict)
    registry: Registry | None = None
    corpus: CorpusIndex | None = None
    site: SiteMap | None = None  # the URLs of the site a site run checks (extractor.run.sitemap)
    # The programme's profile (extractor.profiles): read from the environment here, once per run.
    profile: Profile = field(default_factory=_active_profile)
    folder: Folders = field(default_factory=lambda: _folders())  # the files beside a document
    skipped: dict[str, SkippedRule] = field(default_factory=dict)  # by rule id
    ignored: int = 0  # findings silenced by inline comments
    enabled: frozenset[str] = frozenset()  # rules off by default that this run turns on (by id)
    running: frozenset[str] = frozenset()  # the rules `run` runs on the current document
    _analyses: Analyses | None = field(default=None, repr=False)

    @property
    def analyses(self) -> Analyses:
        """The run's analyses (extractor.analyse), made with this context's registry: the corpus
        index and the check of a document share them, so each document is analysed once."""
        if self._analyses is None or self._analyses.names is not self.registry:
            from extractor.analyse import Analyses

            self._analyses = Analyses(self.registry)
        return self._analyses

    def analysis(self, doc: Document) -> Analysis:
        """The document's analysis: made once for all the rules (and the index) that read it."""
        return self.analyses.of(doc)

    def claims(self, doc: Document) -> list[Claim]:
        """The document's claims, extracted once for all the rules that compare figures."""
        return self.analysis(doc).claims

    def events(self, doc: Document) -> list[Event]:
        """The dated events the document states, extracted once."""
        return self.analysis(doc).events

    def site_words(self, minimum: int) -> frozenset[str]:
        """The words written the same way on `minimum` pages or more of the corpus (a site's
        vocabulary), read by the run once per content of the corpus; none without a corpus."""
        from extractor.analyse import site_words

        return site_words(self.corpus, minimum)

    def corpus_document(self, path: str) -> Analysis | None:
        """The analysis of a document of the corpus (read by the run's store, once), or None when
        it cannot be read (it is reported when it is checked itself)."""
        try:
            return self.analyses.load(path)
        except Exception:  # an unreadable file is reported when it is checked
            return None


def _folders() -> Folders:
    from extractor.analyse import Folders

    return Folders()


RuleFunc = Callable[[Document, Context], Iterable[Finding]]


class Example(BaseModel):
    """A text a rule fires on, or stays silent on (run as tests: tests/test_catalogue.py)."""

    text: str | None = None
    raw: str | None = Field(
        default=None, alias="bytes", description="the file's bytes, one character U+0000-U+00FF each"
    )
    name: str = "exemple.md"
    date: str | None = Field(default=None, description="the document's date (front matter), AAAA-MM-JJ")
    corpus: dict[str, str] = Field(default_factory=dict, description="published documents, by file name")
    registry: list[dict[str, Any]] = Field(default_factory=list, description="registry entities")
    rounds: list[dict[str, Any]] = Field(default_factory=list, description="grant rounds' pages (reference data)")
    site: dict[str, str] = Field(
        default_factory=dict, description="files of a Jekyll site, by path: the document is its file `name`"
    )

    def data(self) -> bytes:
        if self.raw is not None:
            return self.raw.encode("latin-1")
        text = self.text or ""
        if self.date:
            text = f"---\ntitle: Exemple\ndate: {self.date}\n---\n\n{text}"
        return text.encode("utf-8")


class Examples(BaseModel):
    fires: list[Example] = Field(default_factory=list)
    silent: list[Example] = Field(default_factory=list)


class RuleSpec(BaseModel):
    """A rule as data (extractor/checks/catalogue/<family>.yaml)."""

    id: str = Field(pattern=r"^[a-z]+/[a-z][a-z-]*$")
    severity: Severity
    severities: list[Severity] = Field(default_factory=list, description="all it may give; default: its own")
    title_fr: str
    description_fr: str
    rationale_fr: str = ""
    needs: tuple[str, ...] = ()
    uses: tuple[str, ...] = Field(
        default=(), description="inputs it reads when the run has them (the profile, the registry): no skip"
    )
    examples: Examples = Field(default_factory=Examples)
    produced_by: Literal["check", "pipeline"] = Field(
        default="check", description="a check of the document, or the pipeline itself (a file it could not read)"
    )
    default: Literal["on", "off"] = Field(
        default="on",
        description="off: runs only when named by its id (--rule ID) or given a severity in factcheck.toml",
    )
    message_fr: str | None = Field(
        default=None, description="the finding's message, a str.format template of the rule's arguments"
    )
    suggestion_fr: str | None = Field(default=None, description="the fix, a template of the suggestion's arguments")
    variants_fr: dict[str, str] = Field(
        default_factory=dict, description="other message templates of the rule, by the name its check gives"
    )
    suggestions_fr: dict[str, str] = Field(
        default_factory=dict, description="other suggestion templates of the rule, by the same names as variants_fr"
    )
    phrases_fr: dict[str, str] = Field(
        default_factory=dict, description="pieces of the rule's messages (a list's items), rendered by phrase()"
    )

    @property
    def anchor(self) -> str:
        """Its place (the `id` of its row) in docs/rules.md, the rules reference."""
        return "rule-" + self.id.replace("/", "-")

    @property
    def allowed(self) -> set[Severity]:
        return {self.severity, *self.severities}


class RuleError(RuntimeError):
    """A rule that breaks the catalogue's contract: a bug in factcheck, not in the document."""


def finding(
    rule_id: str,
    evidence: list[Evidence],
    *,
    severity: Severity | None = None,
    suggestion: Mapping[str, object] | None = None,
    variant: str | None = None,
    **arguments: object,
) -> Finding:
    """A finding built from its rule's catalogue entry (issue 25, item 4): the rule gives the
    arguments of its `message_fr` template, its evidence and the arguments of its `suggestion_fr`
    template (None: no suggestion; the message's arguments are there too). A `variant` names a case
    of the rule: its `variants_fr` and `suggestions_fr` templates replace the message's and the
    suggestion's when it has them. The French prose lives in the catalogue, not in rule code."""
    spec = catalogue().get(rule_id)
    if spec is None:
        raise RuleError(f"rule {rule_id} is not in the catalogue")
    if variant is not None and variant not in spec.variants_fr and variant not in spec.suggestions_fr:
        raise RuleError(f"rule {rule_id} has no variant {variant} in the catalogue")
    template = spec.variants_fr.get(variant, spec.message_fr) if variant else spec.message_fr
    if template is None:
        raise RuleError(f"rule {rule_id} has no message template {variant or 'message_fr'} in the catalogue")
    fix_template = spec.suggestions_fr.get(variant, spec.suggestion_fr) if variant else spec.suggestion_fr
    if suggestion is not None and fix_template is None:
        raise RuleError(f"rule {rule_id} has no suggestion template {variant or 'suggestion_fr'} in the catalogue")
    given = {**arguments, **(suggestion or {})}
    try:
        message = template.format_map(arguments)
        fix = fix_template.format_map(given) if suggestion is not None and fix_template is not None else None
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        raise RuleError(f"rule {rule_id}: its template and its arguments differ ({exc!r})") from None
    return Finding(
        rule=rule_id, severity=severity or spec.severity, message_fr=message, evidence=evidence, suggestion=fix,
        variant=variant, arguments=given,
    )  # fmt: skip


def phrase(rule_id: str, name: str, **arguments: object) -> str:
    """A piece of a rule's message (its catalogue entry's `phrases_fr[name]`, filled): what a
    message repeats (the items of a list) or holds only in some cases."""
    spec = catalogue().get(rule_id)
    template = spec.phrases_fr.get(name) if spec is not None else None
    if template is None:
        raise RuleError(f"rule {rule_id} has no phrase {name} in the catalogue")
    try:
        return template.format_map(arguments)
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        raise RuleError(f"rule {rule_id}: its phrase {name} and its arguments differ ({exc!r})") from None


CATALOGUE = "catalogue"  # the folder of the catalogue's files, one per rule family


@functools.cache
def catalogue() -> dict[str, RuleSpec]:
    """Every rule of the catalogue (catalogue/<family>.yaml, in file-name order), by id."""
    specs: dict[str, RuleSpec] = {}
    files = sorted(
        (f for f in resources.files(__name__).joinpath(CATALOGUE).iterdir() if f.name.endswith(".yaml")),
        key=lambda f: f.name,
    )
    for file in files:
        family = file.name.removesuffix(".yaml")
        for entry in yamlio.safe_load(file.read_text("utf-8"))["rules"]:
            spec = RuleSpec.model_validate(entry)
            if spec.id.split("/")[0] != family:
                raise RuleError(f"rule {spec.id} is in {CATALOGUE}/{file.name}, not in its family's file")
            if spec.id in specs:
                raise RuleError(f"rule {spec.id} is twice in the catalogue")
            specs[spec.id] = spec
    return specs


@dataclass(frozen=True)
class Rule:
    spec: RuleSpec
    func: RuleFunc

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def severity(self) -> Severity:
        return self.spec.severity

    @property
    def title_fr(self) -> str:
        return self.spec.title_fr

    @property
    def description_fr(self) -> str:
        return self.spec.description_fr

    @property
    def needs(self) -> tuple[str, ...]:
        return self.spec.needs


_REGISTRY: dict[str, Rule] = {}
_loaded = False


def rule(spec: str | RuleSpec) -> Callable[[RuleFunc], RuleFunc]:
    """Registers the check of a rule: its id in the catalogue (its metadata come from there), or a
    whole `RuleSpec` for a rule defined elsewhere (a test, a plugin)."""
    if isinstance(spec, str):
        found = catalogue().get(spec)
        if found is None:
            raise RuleError(f"rule {spec} is not in the catalogue (extractor/checks/catalogue/)")
        spec = found

    def register(func: RuleFunc) -> RuleFunc:
        if spec.id in _REGISTRY and _REGISTRY[spec.id].func is not func:
            raise RuleError(f"rule {spec.id} is registered twice")
        _REGISTRY[spec.id] = Rule(spec, func)
        return func

    return register


# The inputs a rule may declare besides engines (extractor.engines): each is the Context attribute
# of that name, which the run fills, with the reason and the hint a run without it says. A rule
# that `needs` an input the run lacks is skipped (one mechanism for all, `unmet`); the run tells
# the user why, except for `site` (None): outside a site run a site rule has nothing to check,
# that is no missing piece to report. `profile` and `folder` are always there.
CONTEXT_NEEDS: dict[str, tuple[str, str] | None] = {
    "site": None,
    "registry": (
        "aucun registre de référence importé",
        "lancer « factcheck reference import DOSSIER » ou indiquer --reference FICHIER",
    ),
    "corpus": ("pas de corpus de publications", "indiquer le dossier des documents publiés : --corpus DOSSIER"),
    "profile": None,
    "folder": None,
}
# What a rule may read of the Context (`ctx.<name>`), and the input it must declare for it (None:
# the document's own analysis, or the run's options: nothing to declare). tests/test_architecture.py
# checks every rule against it.
CONTEXT_ATTRIBUTES: dict[str, str | None] = {
    "registry": "registry",
    "corpus": "corpus",
    "corpus_document": "corpus",
    "site_words": "corpus",
    "site": "site",
    "profile": "profile",
    "folder": "folder",
    "analysis": None,
    "claims": None,
    "events": None,
    "options": None,
    "running": None,
}
_QUIET = ""  # the reason of a skip the run does not report (a site rule outside a site run)


def unmet(r: Rule, ctx: Context) -> SkippedRule | None:
    """Why the rule cannot run in this context (the first need it lacks), or None when it can. A
    skip with no reason (`reason_fr` empty) is not reported (see `CONTEXT_NEEDS`)."""
    for need in r.needs:
        if need in CONTEXT_NEEDS:
            if getattr(ctx, need) is None:
                said = CONTEXT_NEEDS[need]
                reason, hint = said if said is not None else (_QUIET, "")
                return SkippedRule(rule=r.id, reason_fr=reason, hint_fr=hint)
            continue
        status = engine_registry.probe(need)
        if not status.available:
            return SkippedRule(rule=r.id, reason_fr=status.reason_fr, hint_fr=status.hint_fr)
    return None


def skip_unavailable(ctx: Context, only: Iterable[str] | None = None) -> None:
    """Records in `ctx.skipped` the selected rules that cannot run in this context, before any
    document is read: a run says so even when it checks no document, or reads kept results."""
    selected = list(only) if only else None
    for rule_id, r in rules().items():
        if not chosen(r, selected, ctx.enabled):
            continue
        missing = unmet(r, ctx)
        if missing is not None and missing.reason_fr:
            ctx.skipped.setdefault(rule_id, missing)


def chosen(r: Rule, selected: list[str] | None, enabled: Iterable[str] = ()) -> bool:
    """Whether a run with this `--rule` selection runs the rule: a rule off by default only when
    named by its own id, or when `enabled` names it (a severity in factcheck.toml); a family
    ("text/") does not turn it on."""
    if r.spec.default == "off":
        return r.id in (selected or ()) or r.id in enabled
    return not selected or any(selects(s, r.id) for s in selected)


def rules() -> dict[str, Rule]:
    """All the registered rules, by id (imports every module of this package once)."""
    global _loaded
    if not _loaded:
        for module in pkgutil.iter_modules(__path__):
            if not module.name.startswith("_"):
                importlib.import_module(f"{__name__}.{module.name}")
        _loaded = True
        missing = sorted({i for i, s in catalogue().items() if s.produced_by == "check"} - set(_REGISTRY))
        if missing:
            raise RuleError(f"catalogue entries without a check: {', '.join(missing)}")
        needs = {n for r in _REGISTRY.values() for n in (*r.needs, *r.spec.uses)}
        unknown_needs = sorted(n for n in needs if n not in CONTEXT_NEEDS and not engine_registry.known(n))
        if unknown_needs:
            raise RuleError(f"rules need what is neither in the context nor an engine: {', '.join(unknown_needs)}")
    return dict(sorted(_REGISTRY.items()))


def selects(selection: str, rule_id: str) -> bool:
    """Whether a `--rule` value (an id, or a family such as "text/") names this rule."""
    return rule_id == selection or rule_id.startswith(selection.rstrip("/") + "/")


def unknown(selection: Iterable[str]) -> list[str]:
    """The `--rule` values that name no rule."""
    known = {**rules(), **catalogue()}
    return [s for s in selection if not any(selects(s, k) for k in known)]


def _too_many_findings(path: str, rule_id: str) -> InputError:
    limit = f"{limits.MAX_FINDINGS_PER_RULE:,}".replace(",", " ")
    return InputError(
        path,
        f"plus de {limit} constats de la règle {rule_id} : au-delà de la limite de {limit} constats par règle"
        " et par document ; le document n'est pas vérifié",
        "corriger d'abord la cause répétée, un mot ou un motif copié des milliers de fois, puis relancer",
        code="too_complex",
    )


def run(
    doc: Document, ctx: Context | None = None, only: Iterable[str] | None = None, enabled: Iterable[str] = ()
) -> list[Finding]:
    """Runs the rules (all, or those whose id or family prefix is in `only`) on one document; the
    rules off by default only when `only` or `enabled` (the configuration's severities) names them."""
    ctx = ctx or Context()
    selected = list(only) if only else None
    turned_on = {*enabled, *ctx.enabled}
    findings: list[Finding] = []
    ctx.running = frozenset(i for i, r in rules().items() if chosen(r, selected, turned_on) and unmet(r, ctx) is None)
    for rule_id, r in rules().items():
        if not chosen(r, selected, turned_on):
            continue
        missing = unmet(r, ctx)
        if missing is not None:
            if missing.reason_fr:
                ctx.skipped.setdefault(rule_id, missing)
            continue
        for count, finding in enumerate(r.func(doc, ctx), 1):
            if count > limits.MAX_FINDINGS_PER_RULE:  # the rule's generator stops here
                raise _too_many_findings(doc.path, rule_id)
            if finding.rule != rule_id:
                raise RuleError(f"{rule_id} returned a finding of {finding.rule}")
            if finding.severity not in r.spec.allowed:
                raise RuleError(f"{rule_id} returned a {finding.severity.value}, not in the catalogue's severities")
            findings.append(finding)
    return findings
