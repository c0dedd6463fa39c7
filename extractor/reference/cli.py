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
    help="Registre de référence : les fiches du programme (produits, structures, partenaires).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _plural(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n <= 1 else plural}"


def render_import(report: ImportReport, console: Console) -> None:
    """The French summary of an import: counts, time, skipped entries and ignored fields."""
    from extractor import profiles

    seconds = f"{report.seconds:.2f}".replace(".", ",")
    console.print(f"Registre importé depuis {report.source} dans {report.database}", markup=False)
    kinds = profiles.active().layout.kinds
    counts = ", ".join(_plural(report.counts.get(k.id, 0), k.label, k.plural) for k in kinds)
    console.print(f"  {counts} en {seconds} s", markup=False)

    def listing(title: str, problems: list[ImportProblem]) -> None:
        console.print(f"  {title}" + (" :" if problems else ""), markup=False)
        for problem in problems:
            console.print(f"    {problem.path} : {problem.reason_fr}", markup=False)

    skipped = len(report.skipped)
    listing(f"{_plural(skipped, 'entrée ignorée', 'entrées ignorées')} (mal formée)", report.skipped)
    if report.warnings:
        warned = len(report.warnings)
        listing(f"{_plural(warned, 'avertissement', 'avertissements')} (entrée importée quand même)", report.warnings)


@guarded
def import_command(
    path: Annotated[
        str,
        typer.Argument(
            help="Dossier du registre (celui qui contient les dossiers de fiches du profil).",
            show_default=False,
            metavar="DOSSIER",
        ),
    ],
    reference: Annotated[
        Path, typer.Option("--reference", help="Base de référence à (re)créer.")
    ] = DEFAULT_REFERENCE_PATH,
) -> None:
    """Importe le registre du programme (celui du profil : FACTCHECK_PROFILE) dans la base de référence.

    Les entrées mal formées sont signalées et ignorées ; la base précédente est remplacée d'un bloc."""
    from extractor import profiles

    report = profiles.import_registry(path, reference)
    render_import(report, Console(highlight=False, soft_wrap=True))


reference_app.command("import")(import_command)
# The command's former name, kept for the scripts and CI jobs that call it.
reference_app.command("import-betagouv", hidden=True)(import_command)
