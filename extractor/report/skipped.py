"""The rules a run did not run, as every output says them (issue 23, item 6): grouped by reason,
with the command that installs or repairs what is missing; a whole family skipped for one reason is
named once ("reference/*")."""

from __future__ import annotations

from dataclasses import dataclass

from extractor import checks
from extractor.models import Report, SkippedRule

TITLE_FR = "Règles non lancées"


@dataclass(frozen=True)
class Group:
    rules: list[str]  # ids, or "family/*" for a whole family
    reason_fr: str
    hint_fr: str

    @property
    def text_fr(self) -> str:
        hint = f" ; {self.hint_fr}" if self.hint_fr else ""
        return f"{', '.join(self.rules)} ({self.reason_fr}{hint})"


def skipped(report: Report) -> list[SkippedRule]:
    """The report's skipped rules with their reasons (a report of an older version: ids only)."""
    if report.stats.skipped or not report.stats.skipped_rules:
        return list(report.stats.skipped)
    return [SkippedRule(rule=r, reason_fr="ce qu'elle nécessite est absent") for r in report.stats.skipped_rules]


def groups(report: Report) -> list[Group]:
    by_reason: dict[tuple[str, str], list[str]] = {}
    for entry in skipped(report):
        by_reason.setdefault((entry.reason_fr, entry.hint_fr), []).append(entry.rule)
    families: dict[str, set[str]] = {}
    for spec in checks.catalogue().values():  # a family: its rules a run runs unless told otherwise
        if spec.produced_by == "check" and (spec.default == "on" or spec.id in {e.rule for e in skipped(report)}):
            families.setdefault(spec.id.split("/")[0], set()).add(spec.id)
    out = []
    for (reason, hint), ids in by_reason.items():
        named: list[str] = []
        for rule_id in sorted(ids):
            family = rule_id.split("/")[0]
            whole = len(families.get(family, ())) > 1 and families[family] <= set(ids)
            label = f"{family}/*" if whole else rule_id
            if label not in named:
                named.append(label)
        out.append(Group(named, reason, hint))
    return out


def line_fr(report: Report) -> str | None:
    """One line for a person: "Règles non lancées : text/spelling (dictionnaire … ; l'installer : …)."."""
    found = groups(report)
    if not found:
        return None
    return f"{TITLE_FR} : {' ; '.join(g.text_fr for g in found)}."
