"""factcheck: extraction and fact-checking of French public-sector publications.

Python API: `from extractor import check; report = check(["corpus/"])`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from extractor import defaults
from extractor.models import FailOn, Report

__all__ = ["Report", "check"]
__version__ = "0.1.0"


def check(
    paths: str | Path | Sequence[str | Path],
    rules: Iterable[str] | None = None,
    *,
    reference: str | Path | None = defaults.REFERENCE,
    corpus: str | Path | None = defaults.CORPUS,
    index: str | Path = defaults.INDEX,
    fail_on: FailOn | str = FailOn.error,
) -> Report:
    """Checks files or folders as `factcheck check` does and returns the report.

    The same defaults as the CLI: the registry imported at `reference` (the `reference/*` rules),
    the documents of `corpus` through the index at `index` (the `corpus/*` rules); `None` turns
    either off. Rules that could not run are listed in `report.stats.skipped_rules`; input errors
    are in `report.errors`; `report.failed` says whether a finding reaches `fail_on`.
    """
    from extractor.pipeline import check_paths, open_context

    names = [paths] if isinstance(paths, str | Path) else list(paths)
    ctx = open_context(
        Path(reference) if reference is not None else None, Path(corpus) if corpus is not None else None, Path(index)
    )
    try:
        report = check_paths([str(p) for p in names], rules, ctx=ctx)
    finally:
        if ctx.corpus is not None:
            ctx.corpus.close()
    report.failed = FailOn(fail_on).reached_by(report.findings)
    return report
