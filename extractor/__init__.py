"""factcheck: extraction and fact-checking of French public-sector publications.

Python API: `from extractor import check; report = check(["corpus/"])`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from extractor.models import Report

__all__ = ["Report", "check"]
__version__ = "0.1.0"


def check(paths: str | Sequence[str], rules: Iterable[str] | None = None) -> Report:
    """Checks files or folders and returns the report (input errors are in `report.errors`)."""
    from extractor.pipeline import check_paths

    return check_paths([paths] if isinstance(paths, str) else list(paths), rules)
