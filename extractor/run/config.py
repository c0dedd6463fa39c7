"""Per-rule severity, configured next to the checked files (DESIGN §4, severity policy).

The nearest `factcheck.toml` (table `[severity]`) or `pyproject.toml` (table
`[tool.factcheck.severity]`) found from a checked file's folder upwards applies to it:

    [severity]
    "text/duplicated-token" = "error"   # error | warning | info | off
    "corpus/stock-flow" = "off"
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from extractor.errors import FactcheckError
from extractor.models import Severity

LEVELS = {"error", "warning", "info", "off"}


@functools.lru_cache(maxsize=256)
def severities_for(folder: Path) -> dict[str, str]:
    """The rule -> level table that applies to files of `folder` ({} when none is configured)."""
    for directory in (folder, *folder.parents):
        for name, keys in (("factcheck.toml", ("severity",)), ("pyproject.toml", ("tool", "factcheck", "severity"))):
            candidate = directory / name
            if not candidate.is_file():
                continue
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise FactcheckError(f"{candidate}: configuration illisible ({exc})") from exc
            table: object = data
            for key in keys:
                table = table.get(key) if isinstance(table, dict) else None
            if table is None:
                continue
            if not isinstance(table, dict) or any(str(v) not in LEVELS for v in table.values()):
                raise FactcheckError(
                    f"{candidate}: les sévérités doivent être error, warning, info ou off (« règle » = « niveau »)"
                )
            return {str(k): str(v) for k, v in table.items()}
    return {}


def apply(level: str, default: Severity) -> Severity | None:
    """The severity a finding gets, or None when its rule is turned off."""
    if level == "off":
        return None
    return Severity(level) if level in LEVELS else default
