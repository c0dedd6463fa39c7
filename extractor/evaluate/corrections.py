"""`factcheck eval --corrections DIR` (issue 26, item 4): recall on real corrections from a site's
history, the benchmark of the spelling and grammar rules.

DIR holds `cases.jsonl` and the pages as published (`before/`) and right after the fix (`after/`);
each case is one word an editor corrected (`before` -> `after`) on a `line`, of `kind` "non-word"
(a word no dictionary has) or "real-word" (a French word used wrongly: agreement, conjugation).
A case is found when a finding on the `before/` page covers the published word on its line or the
line before or after; a false flag is a finding on the `after/` page that covers the corrected
word on those lines, unless a later case corrects that word again (`corrected_again`: the page
was still wrong after the fix).

Two readers are measured in the same run:
- factcheck: every rule that runs by default, with `text/grammar` turned on (it is off by
  default for speed, not for precision) and the capitals without their accents and the
  ligatures written in two letters (« coeur ») of `text/typography`, on the document as a whole;
- Grammalecte alone (the baseline): every spelling and grammar error the engine reports with its
  default options on the raw lines of the file, Markdown included, as an editor's plug-in reads
  them; its typography is left out (its apostrophe rule alone covers every elided word, found or
  not: "d'embauche" would count as caught, "l'État" as flagged).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from extractor.errors import FactcheckError
from extractor.models import Finding

Kind = Literal["non-word", "real-word"]
KINDS: tuple[Kind, ...] = ("non-word", "real-word")
READERS = ("factcheck", "grammalecte")
WRITING = "text/grammar"  # the rule off by default that the benchmark turns on
# A capital without its accent (« l'Etat ») is text/typography's since issue 26, and a misspelling
# the site's editors fixed: the benchmark counts that part of text/typography, not the rest.
TYPOGRAPHY = "text/typography"
CAPITALS = ("Majuscule sans accent", "Ligature absente")  # and a ligature in two letters (« coeur »)


class Case(BaseModel):
    file: str
    line: int
    before: str
    after: str
    kind: Kind
    text: str = ""
    path: str = ""
    date: str = ""
    commit: str = ""


@dataclass
class Tally:
    """One reader's result on one kind of case."""

    cases: int = 0
    found: int = 0
    false_flags: int = 0
    missed: list[Case] = field(default_factory=list)
    flagged: list[Case] = field(default_factory=list)  # cases whose corrected word is flagged
    left_wrong: list[Case] = field(default_factory=list)  # flagged, and corrected again later: no false flag

    @property
    def recall(self) -> float:
        return self.found / self.cases if self.cases else 1.0


@dataclass
class CorrectionsResult:
    tallies: dict[str, dict[Kind, Tally]]  # reader -> kind -> tally

    def false_flags(self, reader: str) -> int:
        return sum(t.false_flags for t in self.tallies[reader].values())


def load_cases(folder: Path) -> list[Case]:
    path = folder / "cases.jsonl"
    if not path.is_file():
        raise FactcheckError(
            f"{path} : fichier introuvable (le dossier des corrections contient cases.jsonl, before/ et after/)"
        )
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            cases.append(Case.model_validate_json(line))
        except ValidationError as exc:
            raise FactcheckError(f"{path}, ligne {number} : cas illisible ({exc.errors()[0]['msg']})") from None
    return cases


def _occurrences(lines: list[str], line: int, word: str) -> list[tuple[int, int, int]]:
    """(line, first column, last column), 1-based, of the word on its line and the lines around it."""
    found = []
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")
    for number in (line - 1, line, line + 1):
        if 1 <= number <= len(lines):
            found += [(number, m.start() + 1, m.end()) for m in pattern.finditer(lines[number - 1])]
    return found


def _covers(findings: list[Finding], places: list[tuple[int, int, int]]) -> bool:
    for finding in findings:
        for evidence in finding.evidence:
            where = evidence.location
            end_line = where.end_line or where.line
            end_column = (where.end_column or where.column + 1) - 1  # exclusive in a Location
            for line, first, last in places:
                if not where.line <= line <= end_line:
                    continue
                start = where.column if where.line == line else 1
                stop = end_column if end_line == line else 10**9
                if start <= last and first <= stop:
                    return True
    return False


def corrected_again(case: Case, cases: list[Case]) -> bool:
    """Whether a later case of the set corrects the word this case put in, on the same page and
    line (± 1): the page was still wrong after this fix (« representent » → « représentent », then
    « représentent » → « représente » two days later), so a finding on it is no false flag.

    >>> first = Case(file="a.md", path="p.md", line=19, before="representent", after="représentent",
    ...              kind="non-word", date="2020-01-30")
    >>> later = Case(file="b.md", path="p.md", line=19, before="représentent", after="représente",
    ...              kind="real-word", date="2020-02-01")
    >>> corrected_again(first, [first, later]), corrected_again(later, [first, later])
    (True, False)
    """
    return any(
        other.path == case.path
        and other.date > case.date
        and other.before == case.after
        and abs(other.line - case.line) <= 1
        for other in cases
        if other is not case
    )


def _factcheck_findings(path: Path, kept: dict[bytes, list[Finding]]) -> list[Finding]:
    """factcheck's findings on a page (pages that several cases share are checked once)."""
    from extractor import checks
    from extractor.ingest import read_bytes

    data = path.read_bytes()
    if data not in kept:
        found = checks.run(read_bytes(data, path.name), checks.Context(), enabled=[WRITING, TYPOGRAPHY])
        kept[data] = [f for f in found if f.rule != TYPOGRAPHY or f.message_fr.startswith(CAPITALS)]
    return kept[data]


def _grammalecte_spans(lines: list[str], numbers: list[int]) -> list[tuple[int, int, int]]:
    """Raw Grammalecte's errors on some lines of a file: (line, first column, last column)."""
    from extractor.checks.grammalecte import checker
    from extractor.checks.grammar import families

    engine = checker()
    if engine is None:
        return []
    typography = set(families().get("typography") or [])
    wanted = [n for n in numbers if 1 <= n <= len(lines)]
    spans = []
    for number, result in zip(wanted, engine.check([lines[n - 1] for n in wanted]), strict=True):
        for error in result.spelling:
            spans.append((number, error.start + 1, error.end))
        for grammar in result.grammar:
            if grammar.type not in typography:
                spans.append((number, grammar.start + 1, grammar.end))
    return spans


def _grammalecte_covers(lines: list[str], places: list[tuple[int, int, int]]) -> bool:
    if not places:
        return False
    spans = _grammalecte_spans(lines, sorted({p[0] for p in places}))
    return any(s[0] == p[0] and s[1] <= p[2] and p[1] <= s[2] for s in spans for p in places)


def evaluate_corrections(folder: Path, *, baseline: bool = True) -> CorrectionsResult:
    """Both readers on every case of the folder (Grammalecte alone unless `baseline` is False)."""
    from extractor.checks.grammalecte import checker

    cases = load_cases(folder)
    readers = [r for r in READERS if baseline or r != "grammalecte"]
    tallies: dict[str, dict[Kind, Tally]] = {r: {k: Tally() for k in KINDS} for r in readers}
    have_engine = checker() is not None
    kept: dict[bytes, list[Finding]] = {}
    for case in cases:
        before, after = folder / "before" / case.file, folder / "after" / case.file
        if not before.is_file() or not after.is_file():
            raise FactcheckError(f"{case.file} : page absente de {folder}/before ou {folder}/after")
        before_lines = before.read_text(encoding="utf-8", errors="replace").splitlines()
        after_lines = after.read_text(encoding="utf-8", errors="replace").splitlines()
        wrong = _occurrences(before_lines, case.line, case.before)
        right = _occurrences(after_lines, case.line, case.after)
        for reader in readers:
            tally = tallies[reader][case.kind]
            tally.cases += 1
            if reader == "factcheck":
                found = _covers(_factcheck_findings(before, kept), wrong)
                flagged = _covers(_factcheck_findings(after, kept), right)
            else:
                found = have_engine and _grammalecte_covers(before_lines, wrong)
                flagged = have_engine and _grammalecte_covers(after_lines, right)
            tally.found += found
            if flagged and corrected_again(case, cases):
                tally.left_wrong.append(case)  # still wrong after the fix: flagging it is right
                flagged = False
            tally.false_flags += flagged
            if not found:
                tally.missed.append(case)
            if flagged:
                tally.flagged.append(case)
    return CorrectionsResult(tallies)


def summary(result: CorrectionsResult) -> str:
    """One line per reader, for logs."""
    return "; ".join(
        f"{reader}: non-word {t['non-word'].recall:.1%} ({t['non-word'].found}/{t['non-word'].cases}), "
        f"real-word {t['real-word'].recall:.1%} ({t['real-word'].found}/{t['real-word'].cases}), "
        f"false flags {result.false_flags(reader)}"
        for reader, t in result.tallies.items()
    )


def as_json(result: CorrectionsResult) -> str:
    return json.dumps(
        {
            reader: {
                kind: {"cases": t.cases, "found": t.found, "recall": t.recall, "false_flags": t.false_flags}
                for kind, t in tallies.items()
            }
            for reader, tallies in result.tallies.items()
        },
        ensure_ascii=False,
    )
