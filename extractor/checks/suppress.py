"""Inline suppression comments in Markdown and HTML (issue 5).

    <!-- factcheck: ignore text/placeholder -- la section est numérotée à la mise en page -->
        the findings of that rule (or of every rule: `ignore all`) on the next block;
    <!-- factcheck: off --> ... <!-- factcheck: on -->
        no finding at all in between.

A suppression states why after "--"; one that does not is itself reported (a warning), so that
nothing is silenced without a reason a reviewer can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.checks import finding
from extractor.models import Document, Evidence, Finding

_COMMENT = re.compile(
    r"<!--\s*factcheck:\s*(?P<verb>ignore|off|on)\b(?P<rules>(?:(?!--).)*?)(?:--\s*(?P<reason>(?:(?!-->).)*?))?\s*-->",
    re.I | re.S,
)
MISSING_REASON = "text/suppression-without-reason"


@dataclass
class Suppression:
    rules: set[str] | None  # None: every rule
    first_line: int
    last_line: int


def suppressions(doc: Document) -> tuple[list[Suppression], list[Finding]]:
    """The line ranges each comment silences, and a finding for each comment without a reason."""
    if doc.format not in ("markdown", "html"):
        return [], []
    out: list[Suppression] = []
    problems: list[Finding] = []
    off_from: int | None = None
    for match in _COMMENT.finditer(doc.text):
        location = doc.locate(match.start(), match.end())
        verb = match.group("verb").lower()
        if verb == "off":
            off_from = location.line
        elif verb == "on" and off_from is not None:
            out.append(Suppression(None, off_from, location.line))
            off_from = None
        if verb in ("off", "ignore") and not (match.group("reason") or "").strip():
            evidence = [Evidence(location=location, quote=match.group(0)[:160])]
            problems.append(finding(MISSING_REASON, evidence, suggestion={}))
        if verb != "ignore":
            continue
        rules = {r for r in re.split(r"[\s,]+", match.group("rules").strip()) if r}
        following = next((b for b in doc.blocks if b.start >= match.end()), None)
        if following is not None:
            scope = None if not rules or "all" in rules else rules
            out.append(Suppression(scope, following.location.line, following.location.end_line))
    if off_from is not None:
        out.append(Suppression(None, off_from, 10**9))
    return out, problems


def silenced(finding: Finding, ranges: list[Suppression]) -> bool:
    if not finding.evidence or finding.rule == MISSING_REASON:
        return False
    line = finding.evidence[0].location.line
    return any((s.rules is None or finding.rule in s.rules) and s.first_line <= line <= s.last_line for s in ranges)
