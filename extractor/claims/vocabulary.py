"""The metric vocabulary: metric text -> canonical metric id (the profile's vocabulary.yaml)."""

from __future__ import annotations

import functools
import re
from typing import Literal

from pydantic import BaseModel

from extractor import yamlio
from extractor.normalise import fold

UnitClass = Literal["count", "EUR", "%", "score", "ETPT"]


class Metric(BaseModel):
    id: str
    label: str
    kind: Literal["stock", "flow"]
    unit: UnitClass
    patterns: list[str]
    share_of: str | None = None
    adds_to: str | None = None
    scope_named_after: Literal["host"] | None = None  # the host (profile's registry role) named right after it


normalise = fold  # lower case, no accents, apostrophes as ', white space collapsed (extractor.normalise)


@functools.cache
def metrics() -> tuple[Metric, ...]:
    from extractor import profiles

    data = yamlio.safe_load(profiles.active().data("vocabulary.yaml"))
    return tuple(Metric(**m) for m in data["metrics"])


@functools.cache
def _compiled() -> tuple[tuple[Metric, tuple[re.Pattern[str], ...]], ...]:
    return tuple((m, tuple(re.compile(p) for p in m.patterns)) for m in metrics())


def by_id(metric_id: str) -> Metric | None:
    return next((m for m in metrics() if m.id == metric_id), None)


def unit_class(unit: str | None) -> UnitClass:
    if unit == "EUR":
        return "EUR"
    if unit == "%":
        return "%"
    if unit and unit.startswith("/"):
        return "score"
    return "count"


def match(metric_text: str, unit: str | None = None, *, same_unit_only: bool = False) -> Metric | None:
    """The first metric whose pattern matches; metrics of the number's own unit are tried first
    ("45 %" of "nouveaux agents publics" is a share, not a count of agents). With `same_unit_only`,
    only those: "72 % des signalements lus" is a share, not a number of reports."""
    text = normalise(metric_text)
    if not text:
        return None
    wanted = unit_class(unit)
    compiled = _compiled()
    for same_unit in (True,) if same_unit_only else (True, False):
        for metric, patterns in compiled:
            if (metric.unit == wanted) != same_unit:
                continue
            if any(p.search(text) for p in patterns):
                return metric
    return None
