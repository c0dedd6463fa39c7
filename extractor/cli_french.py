"""The command line's own words in French: typer's help labels and the usage errors of the click
it bundles (typer._click), whose messages are English f-strings with no gettext catalogue.

`install()` sets typer's help strings (panel titles, "[par défaut : …]"), the help option's text,
the usage line's prefix, and rewrites each usage error in French before typer shows it: what is
wrong (an unknown option, a missing argument, a bad value) and where (the option or argument),
with the possible values or the close names. A message this module does not know is shown as it
is, prefixed by what kind of error it is.
"""

from __future__ import annotations

import re
from typing import Any

from typer import rich_utils
from typer._click import core as click_core
from typer._click import decorators as click_decorators
from typer._click import exceptions as click_errors
from typer._click.formatting import HelpFormatter

from extractor.validation_fr import problem_fr

USAGE = "Utilisation : "
HELP_TEXT = "Afficher cette aide et quitter."

_LABELS = {
    "DEPRECATED_STRING": "(obsolète) ",
    "DEFAULT_STRING": "[par défaut : {}]",
    "ENVVAR_STRING": "[variable d'environnement : {}]",
    "REQUIRED_LONG_STRING": "[obligatoire]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commandes",
    "ERRORS_PANEL_TITLE": "Erreur",
    "ABORTED_TEXT": "Interrompu.",
    "RICH_HELP": "Aide : [blue]{command_path} {help_option}[/]",
}


class FrenchHelpFormatter(HelpFormatter):
    """The help formatter whose usage line begins "Utilisation : "."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("COMMAND [ARGS]...", "COMMANDE [ARGUMENTS]...")
        super().write_usage(prog, args, USAGE if prefix is None else prefix)


def _help_option(param_decls: list[str]) -> Any:
    decorate = _ORIGINAL_HELP_OPTION(param_decls)

    def apply(command: Any) -> Any:
        done = decorate(command)
        option = command.params[-1] if getattr(command, "params", None) else None
        if option is not None and option.help == "Show this message and exit.":
            option.help = HELP_TEXT
        return done

    return apply


_ORIGINAL_HELP_OPTION = click_decorators.help_option
_ORIGINAL_FORMAT_ERROR = rich_utils.rich_format_error


def _quoted(names: Any) -> str:
    """'--fail-on' from "'--fail-on'" or ["--fail-on"]: the names as the user types them."""
    if names is None:
        return ""
    if not isinstance(names, str):
        names = " / ".join(str(n) for n in names)
    return names.replace("'", "")


def _choices(param: Any, ctx: Any) -> list[str]:
    descriptor = getattr(param, "type_descriptor", None)
    choices = getattr(descriptor, "choices", None) if descriptor is not None else None
    if choices:
        return [str(getattr(c, "value", c)) for c in choices]
    return []


_VALUE = re.compile(r"'([^']*)'")
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^No such command '(?P<a>[^']*)'\.?(?: Did you mean (?P<b>.+)\?)?$"), "commande inconnue : {a}"),
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((?P<a>.*)\)$"), "argument en trop : {a}"),
    (re.compile(r"^Option '(?P<a>[^']*)' requires (?:an argument|\d+ arguments)\.$"), "l'option {a} attend une valeur"),
    (re.compile(r"^Option '(?P<a>[^']*)' does not take a value\.$"), "l'option {a} ne prend pas de valeur"),
    (re.compile(r"^Missing command\.$"), "commande manquante"),
    (re.compile(r"^Argument '(?P<a>[^']*)' takes (?P<b>\d+) values\.$"), "l'argument {a} attend {b} valeurs"),
]


def message_fr(exc: click_errors.ClickException) -> str:
    """A click error in French: what is wrong and where (the option or the argument)."""
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click_errors.NoSuchOption):
        text = f"option inconnue : {exc.option_name}"
        if exc.possibilities:
            text += f" (voulez-vous dire : {', '.join(sorted(exc.possibilities))} ?)"
        return text
    if isinstance(exc, click_errors.MissingParameter):
        param = exc.param
        where = _quoted(exc.param_hint) or (_quoted(param.get_error_hint()) if param is not None else "")
        kind = exc.param_type or (param.param_type_name if param is not None else "parameter")
        missing = {"argument": "argument manquant", "option": "option obligatoire manquante"}
        what = missing.get(kind, "paramètre manquant")
        return f"{what} : {where}" if where else what
    if isinstance(exc, click_errors.BadParameter):
        param = exc.param
        where = _quoted(exc.param_hint) or (_quoted(param.get_error_hint()) if param is not None else "")
        text = f"valeur invalide pour {where}" if where else "valeur invalide"
        given = _VALUE.search(exc.message)
        if given:
            text += f" : « {given.group(1)} »"
        choices = _choices(param, ctx) if param is not None else []
        if choices:
            text += f" (valeurs possibles : {', '.join(choices)})"
        elif exc.message:
            text += f" ({problem_fr(exc.message)})"
        return text
    message = exc.format_message()
    for pattern, french in _PATTERNS:
        match = pattern.match(message)
        if match:
            groups = {k: (v or "").replace("'", "") for k, v in match.groupdict().items()}
            text = french.format(**groups)
            if pattern.pattern.startswith("^No such command") and groups.get("b"):
                text += f" (voulez-vous dire : {groups['b']} ?)"
            return text
    return f"erreur d'utilisation : {message}"


def _format_error(exc: click_errors.ClickException) -> None:
    text = message_fr(exc)
    exc.format_message = lambda: text  # type: ignore[method-assign]
    _ORIGINAL_FORMAT_ERROR(exc)


def install() -> None:
    """Puts the French words in place (once; calling it again changes nothing)."""
    for name, value in _LABELS.items():
        setattr(rich_utils, name, value)
    click_core.Context.formatter_class = FrenchHelpFormatter
    click_decorators.help_option = _help_option
    rich_utils.rich_format_error = _format_error  # type: ignore[assignment]
