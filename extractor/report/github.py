"""GitHub Actions workflow commands: one `::error file=…,line=…::message` annotation per finding (a PDF
finding: the file, its page in the title and the message, no line),
escaped as the runner requires (data: %, CR, LF; properties: also ':' and ',')."""

from __future__ import annotations

import os

from extractor.models import Report
from extractor.report.skipped import TITLE_FR, groups

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for finding in report.findings:
        if not finding.evidence:
            continue
        loc = finding.evidence[0].location
        props: dict[str, str | int] = {"file": os.path.normpath(loc.path).replace(os.sep, "/")}
        message = finding.message_fr + (f" {finding.suggestion}" if finding.suggestion else "")
        if loc.page is None:
            props.update(line=loc.line, col=loc.column, endLine=loc.end_line, endColumn=loc.end_column)
            props["title"] = finding.rule
        else:  # a PDF has no lines to point at: the page goes in the title and the message
            props["title"] = f"{finding.rule} (page {loc.page})"
            place = loc.place_fr()
            message = f"{place[0].upper()}{place[1:]} : {message}"
        head = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items())
        lines.append(f"::{COMMANDS[finding.severity.value]} {head}::{escape_data(message)}")
    for error in report.errors:
        lines.append(f"::error file={escape_property(error.path)},title=lecture::{escape_data(error.message)}")
    for group in groups(report):  # a rule that did not run: a notice on the run, not on a file
        lines.append(f"::notice title={escape_property(TITLE_FR)}::{escape_data(group.text_fr)}")
    return "\n".join(lines) + ("\n" if lines else "")
