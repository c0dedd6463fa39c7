"""Pydantic's validation errors in French, for the service's bodies and parameters and the command
line's values: what is wrong with which field, and what is expected.

`error_fr(error)` takes one error as pydantic gives it (`type`, `loc`, `msg`, `input`, `ctx`);
`problem_fr(msg)` turns pydantic's English sentence alone (what typer passes on) into French.
"""

from __future__ import annotations

import re
from typing import Any

# pydantic_core's messages (their stable part) -> French; {0}, {1} are the message's own values.
_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Field required$"), "champ obligatoire absent"),
    (re.compile(r"^Input should be a valid (?:number|float)"), "un nombre est attendu"),
    (re.compile(r"^Input should be a valid integer"), "un nombre entier est attendu"),
    (re.compile(r"^Input should be a valid string"), "un texte (chaîne JSON) est attendu"),
    (re.compile(r"^Input should be a valid boolean"), "true ou false est attendu"),
    (re.compile(r"^Input should be a valid dictionary"), "un objet JSON {…} est attendu"),
    (re.compile(r"^Input should be a valid (?:list|array)"), "une liste JSON […] est attendue"),
    (re.compile(r"^Input should be greater than or equal to (\S+)$"), "la valeur doit être supérieure ou égale à {0}"),
    (re.compile(r"^Input should be greater than (\S+)$"), "la valeur doit être supérieure à {0}"),
    (re.compile(r"^Input should be less than or equal to (\S+)$"), "la valeur doit être inférieure ou égale à {0}"),
    (re.compile(r"^Input should be less than (\S+)$"), "la valeur doit être inférieure à {0}"),
    (re.compile(r"^Extra inputs are not permitted$"), "champ inconnu"),
    (re.compile(r"^String should have at least (\d+) characters?$"), "au moins {0} caractère(s) attendu(s)"),
    (re.compile(r"^String should have at most (\d+) characters?$"), "au plus {0} caractère(s) permis"),
]

# serde_json's words in pydantic's "Invalid JSON: …" -> French.
_JSON: list[tuple[str, str]] = [
    ("EOF while parsing", "le JSON s'arrête avant la fin"),
    ("trailing comma", "virgule en trop"),
    ("trailing characters", "texte en trop après le JSON"),
    ("key must be a string", "une clé doit être une chaîne entre guillemets"),
    ("expected `,` or `}`", "« , » ou « } » attendu"),
    ("expected `,` or `]`", "« , » ou « ] » attendu"),
    ("expected `:`", "« : » attendu"),
    ("expected value", "valeur attendue"),
    ("expected ident", "mot inconnu (true, false ou null attendu)"),
    ("control character", "caractère de contrôle dans une chaîne"),
    ("invalid escape", "échappement invalide dans une chaîne"),
    ("invalid unicode", "code Unicode invalide"),
    ("lone leading surrogate", "code Unicode invalide"),
    ("invalid number", "nombre invalide"),
    ("number out of range", "nombre hors limites"),
]
_AT = re.compile(r"at line (\d+) column (\d+)")


def _alternatives(expected: str) -> str:
    """ "'markdown', 'text' or 'html'" -> "markdown, text, html"."""
    return ", ".join(p.strip().strip("'\"") for p in re.split(r",|\bor\b", expected) if p.strip())


def json_problem_fr(detail: str) -> str:
    """'EOF while parsing a string at line 1 column 10' -> "le JSON s'arrête avant la fin (ligne 1,
    colonne 10)"."""
    what = next((fr for en, fr in _JSON if en in detail), "syntaxe JSON invalide")
    at = _AT.search(detail)
    return f"{what} (ligne {at.group(1)}, colonne {at.group(2)})" if at else what


def problem_fr(msg: str, expected: str | None = None) -> str:
    """One pydantic message in French (the message as it is when it is not known)."""
    if msg.startswith("Invalid JSON"):
        return "JSON invalide : " + json_problem_fr(msg.partition(":")[2].strip())
    if expected or msg.startswith("Input should be "):
        if expected is None:
            found = re.match(r"^Input should be (.+)$", msg)
            expected = found.group(1) if found and "'" in found.group(1) else None
        if expected:
            return f"valeurs possibles : {_alternatives(expected)}"
    for pattern, french in _MESSAGES:
        match = pattern.match(msg)
        if match:
            return french.format(*match.groups())
    return msg.removeprefix("Value error, ")


def error_fr(error: dict[str, Any], skip: tuple[str, ...] = ("body", "query", "path")) -> str:
    """One pydantic error: the field it is about, what is wrong, the value given."""
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in skip)
    context = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind == "json_invalid":
        return "JSON invalide : " + json_problem_fr(str(context.get("error", "")))
    expected = context.get("expected") if isinstance(context.get("expected"), str) else None
    problem = problem_fr(str(error.get("msg", "")), expected)
    value = error.get("input")
    shown = f" : {str(value)[:60]!r}" if kind != "missing" and isinstance(value, str | int | float) else ""
    if kind == "missing":
        return f"champ « {where} » absent" if where else "champ obligatoire absent"
    if not where:
        return f"{problem}{shown}"
    return f"valeur invalide pour « {where} »{shown} ({problem})"
