"""Terminal output: findings grouped by file, coloured by severity, with quoted evidence."""

from __future__ import annotations

from collections import defaultdict

from rich.console import Console
from rich.markup import escape

from extractor.models import Finding, Report, Severity
from extractor.report.skipped import line_fr

LABELS = {Severity.error: "erreur", Severity.warning: "avertissement", Severity.info: "info"}
STYLES = {Severity.error: "bold red", Severity.warning: "yellow", Severity.info: "cyan"}


def plural(n: int, word: str) -> str:
    """ "2 erreurs", "1 info", "0 avertissement": a count and its word, in French."""
    if n <= 1:  # French: "0 erreur", "1 erreur", "2 erreurs"
        return f"{n} {word}"
    return f"{n} {word}s" if not word.endswith(("s", "x")) else f"{n} {word}"


def render(report: Report, console: Console) -> None:
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        path = finding.evidence[0].location.path if finding.evidence else "?"
        by_file[path].append(finding)
    for doc in report.documents:
        findings = by_file.pop(doc.path, [])
        if not findings:
            continue
        console.print(f"[bold underline]{escape(doc.path)}[/]")
        for finding in findings:
            _finding(finding, console)
        console.print()
    for path, findings in by_file.items():  # findings whose first place is in another file
        console.print(f"[bold underline]{escape(path)}[/]")
        for finding in findings:
            _finding(finding, console)
        console.print()
    for error in report.errors:
        hint = f" ({escape(error.hint)})" if error.hint else ""
        console.print(f"[bold red]erreur de lecture[/] {escape(error.path)} : {escape(error.message)}{hint}")
    if report.errors:
        console.print()
    _summary(report, console)
    skipped = line_fr(report)
    if skipped:
        console.print(f"[yellow]{escape(skipped)}[/]")


def _finding(finding: Finding, console: Console) -> None:
    first = finding.evidence[0].location if finding.evidence else None
    where = f"{first.line}:{first.column}" if first else ""
    if first and first.page:
        where = f"p. {first.page}"  # a PDF: its lines count within the page, the evidence says which
    style = STYLES[finding.severity]
    console.print(
        f"  [dim]{where:>9}[/]  [{style}]{LABELS[finding.severity]}[/]  [bold]{escape(finding.rule)}[/]  "
        f"{escape(finding.message_fr)}"
    )
    for ev in finding.evidence:
        loc = ev.location
        place = f"{loc.path}, {loc.place_fr()}" if loc.page else f"{loc.path}:{loc.line}:{loc.column}"
        console.print(f"             [dim]{escape(place)}[/]  « {escape(ev.quote)} »", highlight=False)
    if finding.suggestion:
        console.print(f"             [green]→ {escape(finding.suggestion)}[/]", highlight=False)


def _summary(report: Report, console: Console) -> None:
    counts = report.stats.findings
    total = sum(counts.values())
    files = plural(report.stats.files, "fichier")
    seconds = f"{report.stats.seconds:.2f}".replace(".", ",")
    errors = (
        f", {plural(report.stats.errors, 'fichier')} illisible{'s' if report.stats.errors > 1 else ''}"
        if report.stats.errors
        else ""
    )
    if report.stats.ignored:
        errors += f", {report.stats.ignored} ignoré{'s' if report.stats.ignored > 1 else ''} (commentaires)"
    if report.stats.suppressed:
        errors += f", {report.stats.suppressed} déjà connu{'s' if report.stats.suppressed > 1 else ''} (baseline)"
    if total == 0 and report.stats.documents == 0:
        console.print(f"[bold red]Aucun document vérifié[/] ({files}{errors}, {seconds} s)")
        return
    if total == 0:
        where = " dans les fichiers lus" if report.stats.errors else ""
        console.print(f"[bold green]Aucune incohérence détectée[/]{where} ({files}{errors}, {seconds} s)")
        return
    parts = [
        plural(counts["error"], "erreur"),
        plural(counts["warning"], "avertissement"),
        plural(counts["info"], "info"),
    ]
    console.print(f"[bold]{plural(total, 'constat')}[/] ({', '.join(parts)}) dans {files}{errors}, {seconds} s")
