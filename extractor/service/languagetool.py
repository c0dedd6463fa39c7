"""A LanguageTool-compatible API (issue 26, item 5): `POST /v2/check` and `GET /v2/languages`.

Editors already talk to LanguageTool (LTeX in VS Code, the browser and Obsidian add-ons, Python's
`language_tool_python`); pointed at `factcheck serve`, they show factcheck's findings (figures,
names and writing) where people write. This module is what the endpoints need, without FastAPI
(the check runs in the service's worker processes, which import it):

- `submitted(fields)`: the form's `text`, or its `data` (LanguageTool's annotated text,
  `{"annotation": [{"text": …}, {"markup": …, "interpretAs": …}]}`), as the text the client counts
  offsets in and the text factcheck reads (text parts, and each markup part as its `interpretAs`);
- `check(...)`: runs in a worker: the same check as `POST /api/check` (a pasted `text` is read as
  Markdown, like the web page's pasted text; `data`'s text parts are plain text: the client has
  taken the markup out), then one match per evidence place of each finding that lies in the text.

Offsets: each evidence's line and column (what the document says of it, `Location`) are mapped
back to the submitted text (the reader counts "\\r\\n", "\\r" and "\\n" as one line break and drops
a leading byte-order mark), then through the markup parts, then counted as LanguageTool counts
them: Java's UTF-16 code units (an emoji counts 2).
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from extractor.models import Finding, Location, Report
from extractor.service.work import ServiceError

VERSION = "0.1.0"
CONTEXT = 40  # characters of context on each side of a match, as LanguageTool gives
FRENCH = "Français"
LANGUAGES = [("fr", FRENCH), ("fr-FR", "Français (France)")]  # what `GET /v2/languages` lists
_LANGUAGE = re.compile(r"(?i)^fr(?:[-_]([a-z]{2}))?$")
_SENTENCE_END = re.compile(r"[.!?…](?=\s)|\n\s*\n|\r[ \t]*\r|[\r\n](?=[ \t]*(?:[-*+•]|\d+[.)])\s)")
_WRITE = re.compile(r"^Écrire\s+(«[^«»]+»(?:\s*(?:,|ou)\s*«[^«»]+»)*)\s*\.?$")
_QUOTED = re.compile(r"«\s*([^«»]*?)\s*»")  # \s: the non-breaking spaces inside « » too
_BREAK = re.compile(r"\r\n|\r|\n")

# LanguageTool's categories by rule family (a client may disable a category: "TYPOS" is what
# `language_tool_python`'s disable_spellchecking() turns off); a family not listed is FACTCHECK_<FAMILY>.
CATEGORIES: dict[str, tuple[str, str]] = {
    "text/spelling": ("TYPOS", "Fautes de frappe possibles"),
    "text/grammar": ("GRAMMAR", "Grammaire"),
    "text/typography": ("TYPOGRAPHY", "Typographie"),
    "arithmetic": ("FACTCHECK_ARITHMETIC", "Calculs (factcheck)"),
    "corpus": ("FACTCHECK_CORPUS", "Cohérence avec les autres publications (factcheck)"),
    "reference": ("FACTCHECK_REFERENCE", "Noms et chiffres du registre (factcheck)"),
    "text": ("FACTCHECK_TEXT", "Rédaction (factcheck)"),
    "encoding": ("FACTCHECK_ENCODING", "Encodage des caractères (factcheck)"),
    "site": ("FACTCHECK_SITE", "Liens et fichiers du site (factcheck)"),
}
# LanguageTool's issue types (ITS 2.0), which clients colour by: a rule's, else its family's.
ISSUE_TYPES: dict[str, str] = {
    "text/spelling": "misspelling",
    "reference/name-typo": "misspelling",
    "text/grammar": "grammar",
    "text/typography": "typographical",
    "text/duplicated-token": "duplication",
    "text/repeated-item": "duplication",
    "text/invisible-character": "characters",
    "text/placeholder": "omission",
    "text/empty-label": "omission",
    "arithmetic": "numbers",
    "corpus": "inconsistency",
    "reference": "inconsistent-entities",
    "encoding": "characters",
    "text": "inconsistency",
    "site": "other",
}


# --- The answers, as LanguageTool gives them -------------------------------------------------


class Replacement(BaseModel):
    value: str


class Context(BaseModel):
    text: str = Field(description="the text around the match (« ... » where it is cut), line breaks as spaces")
    offset: int = Field(description="where the match begins in `text` (UTF-16 code units)")
    length: int = Field(description="the match's length (UTF-16 code units)")


class Category(BaseModel):
    id: str = Field(description="TYPOS (spelling), GRAMMAR, TYPOGRAPHY, or FACTCHECK_<FAMILY>")
    name: str


class Rule(BaseModel):
    id: str = Field(description="factcheck's rule id (GET /api/rules), e.g. arithmetic/sum-mismatch")
    description: str = Field(description="the rule's French title")
    issueType: str = Field(description="misspelling, grammar, numbers, inconsistency, …")
    category: Category


class MatchType(BaseModel):
    typeName: str = Field(description="UnknownWord for a spelling mistake, else Other")


class Match(BaseModel):
    message: str = Field(description="the finding's French message (and what to do)")
    shortMessage: str = Field(description="the rule's French title")
    replacements: list[Replacement] = Field(description="the fix, when the finding names one")
    offset: int = Field(description="where the match begins in the text sent (UTF-16 code units, as Java counts)")
    length: int = Field(description="its length (UTF-16 code units)")
    context: Context
    sentence: str
    type: MatchType
    rule: Rule
    ignoreForIncompleteSentence: bool = False
    contextForSureMatch: int = 0


class Software(BaseModel):
    name: str = "factcheck"
    version: str = VERSION
    buildDate: str = ""
    apiVersion: int = 1
    premium: bool = False
    status: str = ""


class DetectedLanguage(BaseModel):
    name: str = FRENCH
    code: str = "fr"
    confidence: float = 1.0


class Language(BaseModel):
    name: str = FRENCH
    code: str = "fr"
    detectedLanguage: DetectedLanguage = Field(default_factory=DetectedLanguage)


class Warnings(BaseModel):
    incompleteResults: bool = False


class Skipped(BaseModel):
    rule: str
    reason_fr: str


class FactcheckInfo(BaseModel):
    """What LanguageTool's answer has no place for."""

    skipped: list[Skipped] = Field(default_factory=list, description="rules not run, and why")
    findings: int = Field(default=0, description="factcheck's findings on the text (a finding gives a match per place)")


class CheckAnswer(BaseModel):
    """LanguageTool's answer to `POST /v2/check`."""

    software: Software = Field(default_factory=Software)
    warnings: Warnings = Field(default_factory=Warnings)
    language: Language = Field(default_factory=Language)
    matches: list[Match] = Field(default_factory=list)
    factcheck: FactcheckInfo = Field(default_factory=FactcheckInfo)


class LanguageInfo(BaseModel):
    """A language of `GET /v2/languages`."""

    name: str
    code: str
    longCode: str


def languages() -> list[LanguageInfo]:
    return [LanguageInfo(name=name, code=code.split("-")[0], longCode=code) for code, name in LANGUAGES]


# --- What the client sent ----------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """LanguageTool's rule and category parameters (unknown ids are ignored, as LanguageTool does)."""

    disabled_rules: frozenset[str] = frozenset()
    enabled_rules: frozenset[str] = frozenset()
    enabled_only: bool = False
    disabled_categories: frozenset[str] = frozenset()
    enabled_categories: frozenset[str] = frozenset()

    def keeps(self, rule: str, category: str) -> bool:
        if self.enabled_only:
            return rule in self.enabled_rules or category in self.enabled_categories
        return rule not in self.disabled_rules and category not in self.disabled_categories


@dataclass(frozen=True)
class Submitted:
    """A check request: the text as the client counts offsets in it, and what factcheck reads."""

    text: str  # the `text` field, or every part of `data` (text and markup) in order
    checked: str  # the text, or `data`'s text parts with each markup part as its interpretAs
    format: str = "markdown"
    language: str = "fr"  # the code the answer gives
    # `data`'s parts: (start in `checked`, end, start in `text`, end, is markup), in order
    parts: tuple[tuple[int, int, int, int, bool], ...] = ()
    filters: Filters = field(default_factory=Filters)

    @property
    def name(self) -> str:
        """The document's name for the reader (its extension chooses the format)."""
        return "document.md" if self.format == "markdown" else "document.txt"


def language_code(value: str | None) -> str:
    """The answer's language code for a `language` field ("fr", "fr-FR", "auto", …); 400 in French
    for a language factcheck does not check."""
    if value is None or not value.strip():
        raise ServiceError(400, "unsupported_language", "paramètre « language » absent")
    value = value.strip()
    if value.lower() == "auto":
        return "fr"
    found = _LANGUAGE.match(value)
    if found is None:
        message = f"langue « {value[:40]} » non prise en charge : factcheck ne vérifie que des textes en français"
        raise ServiceError(400, "unsupported_language", message)
    return f"fr-{found.group(1).upper()}" if found.group(1) else "fr"


def _split(value: str | None) -> frozenset[str]:
    return frozenset(v.strip() for v in (value or "").split(",") if v.strip())


def submitted(fields: dict[str, str]) -> Submitted:
    """The request's form fields as a `Submitted`; ServiceError (400) for a missing or bad field."""
    code = language_code(fields.get("language"))
    filters = Filters(
        disabled_rules=_split(fields.get("disabledRules")),
        enabled_rules=_split(fields.get("enabledRules")),
        enabled_only=fields.get("enabledOnly", "").strip().lower() == "true",
        disabled_categories=_split(fields.get("disabledCategories")),
        enabled_categories=_split(fields.get("enabledCategories")),
    )
    text, data = fields.get("text"), fields.get("data")
    if text is not None and data is not None:
        raise ServiceError(400, "missing_text", "les champs « text » et « data » sont donnés tous les deux")
    if text is not None:
        return Submitted(text=text, checked=text, language=code, filters=filters)
    if data is None:
        raise ServiceError(400, "missing_text", "ni champ « text » ni champ « data » : aucun texte à vérifier")
    return _annotated(data, code, filters)


def _annotated(data: str, code: str, filters: Filters) -> Submitted:
    """LanguageTool's `data`: {"annotation": [{"text": …} or {"markup": …, "interpretAs": …}, …]}."""
    try:
        parsed: Any = json.loads(data)
    except ValueError as exc:
        raise ServiceError(400, "invalid_data", f"champ « data » : JSON invalide ({_json_error_fr(exc)})") from None
    items = parsed.get("annotation") if isinstance(parsed, dict) else None
    if not isinstance(items, list):
        raise ServiceError(400, "invalid_data", "champ « data » : la liste « annotation » manque")
    text: list[str] = []
    checked: list[str] = []
    parts: list[tuple[int, int, int, int, bool]] = []
    at = checked_at = 0
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ServiceError(
                400, "invalid_data", f"champ « data » : l'élément {n} d'« annotation » n'est pas un objet"
            )
        if isinstance(item.get("text"), str) and "markup" not in item:
            original = read = item["text"]
        elif isinstance(item.get("markup"), str) and "text" not in item:
            original, read = item["markup"], item.get("interpretAs", "")
            if not isinstance(read, str):
                raise ServiceError(
                    400, "invalid_data", f"champ « data » : « interpretAs » de l'élément {n} n'est pas un texte"
                )
        else:
            message = f"champ « data » : l'élément {n} d'« annotation » doit avoir « text » ou « markup » (un texte)"
            raise ServiceError(400, "invalid_data", message)
        parts.append((checked_at, checked_at + len(read), at, at + len(original), "markup" in item))
        text.append(original)
        checked.append(read)
        at += len(original)
        checked_at += len(read)
    return Submitted(text="".join(text), checked="".join(checked), format="text", language=code,
                     parts=tuple(parts), filters=filters)  # fmt: skip


def _json_error_fr(exc: ValueError) -> str:
    place = f"ligne {exc.lineno}, colonne {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
    return place or "texte illisible"


# --- From findings to matches ------------------------------------------------------------------


class Offsets:
    """Places of the checked text (a document's lines and columns, as its reader counts them) as
    offsets of the submitted text, in UTF-16 code units."""

    def __init__(self, sub: Submitted) -> None:
        self.sub = sub
        start = 1 if sub.checked.startswith("\ufeff") else 0  # the reader drops a byte-order mark
        self.line_starts = [start] + [m.end() for m in _BREAK.finditer(sub.checked)]
        self.by_start = [p[0] for p in sub.parts]
        self.by_end = [p[1] for p in sub.parts]
        self.astral = [i for i, c in enumerate(sub.text) if ord(c) > 0xFFFF]

    def checked_offset(self, line: int, column: int) -> int:
        """The offset of `checked` at a 1-based line and column."""
        if line > len(self.line_starts):
            return len(self.sub.checked)
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.sub.checked)
        return min(start + max(0, column - 1), end)

    def in_text(self, offset: int, *, is_end: bool) -> int:
        """An offset of `checked` as an offset of `text`, through `data`'s parts: a match that
        begins where a markup part reads as nothing begins after it, one that ends there ends
        before it; a place inside a markup part read as its `interpretAs` covers the whole part."""
        parts = self.sub.parts
        if not parts:
            return offset
        if is_end:  # the first part that ends at or after the offset
            c_start, c_end, t_start, t_end, markup = parts[min(bisect.bisect_left(self.by_end, offset), len(parts) - 1)]
            if c_start == c_end:  # an empty part (the text ends with markup read as nothing)
                return t_start
            return t_end if markup else t_start + min(max(0, offset - c_start), c_end - c_start)
        # the last part that begins at or before the offset: the one holding it
        c_start, c_end, t_start, t_end, markup = parts[max(0, bisect.bisect_right(self.by_start, offset) - 1)]
        if c_start == c_end:
            return t_end
        return t_start if markup else t_start + min(max(0, offset - c_start), c_end - c_start)

    def utf16(self, offset: int) -> int:
        return offset + bisect.bisect_left(self.astral, offset)

    def checked_span(self, location: Location) -> tuple[int, int]:
        """A location's (start, end) in `checked`."""
        start = self.checked_offset(location.line, location.column)
        return start, max(start, self.checked_offset(location.end_line, location.end_column))

    def span(self, checked: tuple[int, int]) -> tuple[int, int]:
        """A span of `checked` as (start, end) in `text`, in characters."""
        start = self.in_text(checked[0], is_end=False)
        return start, max(start, self.in_text(checked[1], is_end=True))


def _context(text: str, start: int, end: int) -> Context:
    left, right = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    before = ("..." if left else "") + text[left:start]
    shown = before + text[start:end] + text[end:right] + ("..." if right < len(text) else "")
    return Context(text=_BREAK.sub(lambda m: " " * len(m.group(0)), shown), offset=_len16(before),
                   length=_len16(text[start:end]))  # fmt: skip


def _len16(text: str) -> int:
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end] (to the end marks or paragraph breaks around it)."""
    left = 0
    for found in _SENTENCE_END.finditer(text, max(0, start - 600), start):
        left = found.end()
    after = _SENTENCE_END.search(text, end, end + 600)
    right = after.end() if after else min(len(text), end + 600)
    return " ".join(text[left:right].split())


def replacements(finding: Finding, matched: str) -> list[str]:
    """The finding's fix as replacements of the matched text, when its suggestion is only
    « Écrire « X » » (or « Écrire « X », « Y » ou « Z » »): a word or a name to write instead."""
    found = _WRITE.match(finding.suggestion or "")
    if not found:
        return []
    values = [v for v in _QUOTED.findall(found.group(1)) if v != matched]
    return list(dict.fromkeys(values))


def category_of(rule: str) -> Category:
    family = rule.split("/")[0]
    found = CATEGORIES.get(rule) or CATEGORIES.get(family)
    cid, name = found or (f"FACTCHECK_{family.upper()}", f"{family} (factcheck)")
    return Category(id=cid, name=name)


def matches_of(report: Report, sub: Submitted, titles: dict[str, str]) -> list[Match]:
    """One match per evidence place in the text of each finding, ordered by offset."""
    path = report.documents[0].path if report.documents else None
    offsets = Offsets(sub)
    text = sub.text
    found: dict[tuple[int, int, int], Match] = {}
    for n, finding in enumerate(report.findings):
        category = category_of(finding.rule)
        if not sub.filters.keeps(finding.rule, category.id):
            continue
        family = finding.rule.split("/")[0]
        issue = ISSUE_TYPES.get(finding.rule) or ISSUE_TYPES.get(family, "other")
        rule = Rule(
            id=finding.rule, description=titles.get(finding.rule, finding.rule), issueType=issue, category=category
        )
        for evidence in finding.evidence:
            if evidence.location.path != path or evidence.location.page is not None:
                continue  # a place in another publication, or in a registry file
            checked = offsets.checked_span(evidence.location)
            start, end = offsets.span(checked)
            if (n, start, end) in found:
                continue
            values = replacements(finding, text[start:end])
            message = finding.message_fr
            if finding.suggestion and not values:
                message = f"{message} {finding.suggestion}"
            found[n, start, end] = Match(
                message=message,
                shortMessage=rule.description,
                replacements=[Replacement(value=v) for v in values],
                offset=offsets.utf16(start),
                length=offsets.utf16(end) - offsets.utf16(start),
                context=_context(text, start, end),
                sentence=_sentence(sub.checked, *checked),  # as read: without `data`'s markup
                type=MatchType(typeName="UnknownWord" if rule.issueType == "misspelling" else "Other"),
                rule=rule,
            )
    return sorted(found.values(), key=lambda m: (m.offset, m.length))


def answer(report: Report | None, sub: Submitted, titles: dict[str, str]) -> CheckAnswer:
    """LanguageTool's answer for a report on the submitted text (None: nothing to check)."""
    code = sub.language
    name = dict(LANGUAGES).get(code, FRENCH)
    language = Language(name=name, code=code, detectedLanguage=DetectedLanguage(name=name, code=code))
    if report is None:
        return CheckAnswer(language=language)
    skipped = [Skipped(rule=s.rule, reason_fr=s.reason_fr) for s in report.stats.skipped]
    return CheckAnswer(language=language, matches=matches_of(report, sub, titles),
                       factcheck=FactcheckInfo(skipped=skipped, findings=len(report.findings)))  # fmt: skip


def rules_to_run(filters: Filters) -> list[str] | None:
    """The `rules` of the check: every rule a check runs by default (None), and, as LanguageTool's
    `enabledRules` does, the rules off by default that the client names by id (a family selects
    the rules on by default; an id selects its rule). The client's filters then apply to the matches."""
    from extractor import checks

    named = sorted(r for r in filters.enabled_rules if r in checks.catalogue())
    if not named:
        return None
    return sorted({rule.split("/")[0] + "/" for rule in checks.catalogue()}) + named


def check(sub: Submitted) -> bytes:
    """In a worker: the check of the submitted text as LanguageTool's JSON answer."""
    from extractor import checks
    from extractor.service import work

    report: Report | None = None
    if sub.checked.strip():
        data = sub.checked.encode("utf-8", "replace")  # a lone surrogate: "?", one character as well
        try:
            report = work._checked(data, sub.name, None, rules_to_run(sub.filters))
        except ServiceError as exc:
            if exc.code != "empty":  # a text with nothing to check (only markup, blank lines): no match
                raise
    titles = {spec.id: spec.title_fr for spec in checks.catalogue().values()}
    return answer(report, sub, titles).model_dump_json().encode()
