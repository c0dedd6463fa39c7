"""`factcheck extract --format table`: one row per claim."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from extractor.models import Extraction

QUALIFIERS = {"exact": "", "lower_bound": "≥", "upper_bound": "≤", "approximate": "≈"}


def _value(claim) -> str:
    q = claim.quantity
    value = f"{q.value:,}".replace(",", "\u202f").replace(".", ",")
    unit = {"EUR": " €", "%": " %"}.get(q.unit or "", f" {q.unit}" if q.unit else "")
    sign = "+" if q.is_delta and q.value > 0 else ""
    ratio = f" sur {q.denominator}" if q.denominator is not None and not (q.unit or "").startswith("/") else ""
    return f"{QUALIFIERS[q.qualifier.value]}{sign}{value}{unit}{ratio}"


def render_claims(results: list[Extraction], console: Console) -> None:
    for result in results:
        table = Table(title=f"{result.document.path} — {len(result.claims)} chiffres", title_justify="left")
        for column in ("ligne", "valeur", "métrique", "texte", "portée", "période", "type"):
            table.add_column(column, overflow="fold")
        for claim in result.claims:
            loc = claim.location
            where = (f"p.{loc.page} " if loc.page else "") + f"{loc.line}:{loc.column}"
            table.add_row(
                where,
                _value(claim),
                claim.metric_id or "—",
                claim.metric_text[:60],
                claim.scope_text or claim.scope_id or "",
                claim.period or "—",
                "objectif" if claim.kind == "target" else "",
            )
        console.print(table)
