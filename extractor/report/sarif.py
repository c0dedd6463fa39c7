"""SARIF 2.1.0 output, for code-scanning tools (GitHub code scanning uploads it as is).

Every rule is described (French short and full descriptions); every finding is a result at the
place of its first evidence, with the other evidence places as related locations and the
finding's fingerprint as a partial fingerprint, so that an edit elsewhere in the file does not
make the result look new.
"""

from __future__ import annotations

import os
from typing import Any

from extractor import __version__, checks, profiles
from extractor.models import Evidence, Finding, Report
from extractor.report.skipped import TITLE_FR, skipped

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")


def _location(evidence: Evidence, index: int | None = None) -> dict[str, Any]:
    loc = evidence.location
    region: dict[str, Any] = {
        "startLine": loc.line,
        "startColumn": loc.column,
        "endLine": max(loc.end_line, loc.line),
        "endColumn": max(loc.end_column, loc.column + 1) if loc.end_line <= loc.line else loc.end_column,
        "snippet": {"text": evidence.quote},
    }
    if loc.page is not None:
        # A PDF has no lines of its own: the lines count within the page, which the region names
        # (with the box on it, in PDF points from the top-left corner).
        region["message"] = {"text": loc.place_fr()}
        region["properties"] = {"page": loc.page, **({"bbox": list(loc.bbox)} if loc.bbox else {})}
    out: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": _uri(loc.path)}, "region": region}}
    if index is not None:
        out["id"] = index
        out["message"] = {"text": evidence.quote}
    return out


def _result(finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": LEVELS[finding.severity.value],
        "message": {"text": finding.message_fr + (f" {finding.suggestion}" if finding.suggestion else "")},
        "locations": [_location(finding.evidence[0])] if finding.evidence else [],
        "partialFingerprints": {"factcheck/v1": finding.fingerprint},
    }
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    first = finding.evidence[0].location if finding.evidence else None
    if first is not None and first.page is not None:
        result["message"]["text"] = f"Page {first.page} : {result['message']['text']}"
        result["properties"] = {"page": first.page, **({"bbox": list(first.bbox)} if first.bbox else {})}
    related = [_location(e, i) for i, e in enumerate(finding.evidence[1:], start=1)]
    if related:
        result["relatedLocations"] = related
    return result


def render(report: Report) -> dict[str, Any]:
    checks.rules()
    registered = dict(sorted(checks.catalogue().items()))  # the pipeline's own rules too (site/unread-file)
    rules = [
        {
            "id": r.id,
            "name": r.id.replace("/", "-"),
            "shortDescription": {"text": r.title_fr},
            "fullDescription": {"text": r.description_fr},
            "help": {"text": f"{r.description_fr} {r.rationale_fr} Sévérité par défaut : {r.severity.value}.".strip()},
            "defaultConfiguration": {"level": LEVELS[r.severity.value]},
        }
        for r in registered.values()
    ]
    rule_index: dict[str, int] = {str(rule["id"]): i for i, rule in enumerate(rules)}
    notifications = [
        {"level": "error", "message": {"text": f"{e.path} : {e.message}" + (f" ({e.hint})" if e.hint else "")},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(e.path)}}}]}
        for e in report.errors
    ]  # fmt: skip
    for entry in skipped(report):  # a rule that did not run: why, and the command that fixes it
        hint = f" ; {entry.hint_fr}" if entry.hint_fr else ""
        notification: dict[str, Any] = {
            "level": "warning",
            "message": {"text": f"{TITLE_FR} : {entry.rule} ({entry.reason_fr}{hint})"},
            "associatedRule": {"id": entry.rule},
            "properties": {"reason_fr": entry.reason_fr, "hint_fr": entry.hint_fr},
        }
        if entry.rule in rule_index:
            notification["associatedRule"]["index"] = rule_index[entry.rule]
        notifications.append(notification)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "factcheck",
                "version": __version__,
                **({"informationUri": uri} if (uri := profiles.active().information_uri) else {}),
                "language": "fr",
                "rules": rules,
            }
        },
        "results": [_result(f, rule_index) for f in report.findings],
        "columnKind": "unicodeCodePoints",
    }
    if notifications:
        run["invocations"] = [{"executionSuccessful": not report.errors, "toolExecutionNotifications": notifications}]
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
