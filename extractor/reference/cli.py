"""`factcheck reference ...`: the reference registry commands. Mounted in the main app with
`app.add_typer(reference_app, name="reference")`.

Errors follow the main CLI's convention (one clear French line on stderr, exit code 2) through
`extractor.cliutil.guarded`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from extractor.cliutil import guarded
from extractor.reference.models import ImportProblem, ImportReport
from extractor.reference.store import DEFAULT_REFERENCE_PATH

reference_app = typer.Typer(
    name="reference",
    help="Registre de référence : startups, incubateurs et organisations du programme.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _plural(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n <= 1 else plural}"


def render_import(report: ImportReport, console: Console) -> None:
    """The French summary of an import: counts, time, skipped entries and ignored fields."""
    seconds = f"{report.seconds:.2f}".replace(".", ",")
    console.print(f"Registre importé depuis {report.source} dans {report.database}", markup=False)
    console.print(
        f"  {_plural(report.startups, 'startup', 'startups')}, "
        f"{_plural(report.incubators, 'incubateur', 'incubateurs')}, "
        f"{_plural(report.organisations, 'organisation', 'organisations')} en {seconds} s",
        markup=False,
    )

    def listing(title: str, problems: list[ImportProblem]) -> None:
        console.print(f"  {title}" + (" :" if problems else ""), markup=False)
        for problem in problems:
            console.print(f"    {problem.path} : {problem.reason_fr}", markup=False)

    skipped = len(report.skipped)
    listing(f"{_plural(skipped, 'entrée ignorée', 'entrées ignorées')} (mal formée)", report.skipped)
    if report.warnings:
        warned = len(report.warnings)
        listing(f"{_plural(warned, 'avertissement', 'avertissements')} (entrée importée quand même)", report.warnings)


@reference_app.command("import-betagouv")
@guarded
def import_betagouv_command(
    path: Annotated[
        str,
        typer.Argument(
            help="Dossier du registre (celui qui contient _startups/, _incubators/, _organisations/).",
            show_default=False,
            metavar="DOSSIER",
        ),
    ],
    reference: Annotated[
        Path, typer.Option("--reference", help="Base de référence à (re)créer.")
    ] = DEFAULT_REFERENCE_PATH,
) -> None:
    """Importe le registre beta.gouv.fr (startups, incubateurs, organisations) dans la base de référence.

    Les entrées mal formées sont signalées et ignorées ; la base précédente est remplacée d'un bloc."""
    from extractor.profiles.betagouv.registry import import_betagouv

    report = import_betagouv(path, reference)
    render_import(report, Console(highlight=False, soft_wrap=True))
