"""factcheck: extraction and fact-checking of French public-sector publications.

Python API: `from extractor import check; report = check(["corpus/"])` (or a site: `check("site/")`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from extractor.ingest import limits
from extractor.models import FailOn, Report
from extractor.run import defaults

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
    timeout: float = limits.DOCUMENT_SECONDS,
    baseline: str | Path | None = None,
    changed: bool = False,
    base: str = "HEAD",
) -> Report:
    """Checks files, folders or a whole site as `factcheck check` does and returns the report.

    The same run as the CLI's (extractor.run), with its defaults: the registry imported at
    `reference` (the `reference/*` rules), the documents of `corpus` through the index at `index`
    (the `corpus/*` rules); `None` turns either off. A site's root (or paths inside a site) is
    checked as a site: its own registry, its folders as corpus, its results kept in the user's
    cache. Rules that could not run are listed in `report.stats.skipped_rules`; input errors are
    in `report.errors`; `report.failed` says whether a finding reaches `fail_on`. Raises
    `extractor.errors.FactcheckError` for what the caller must fix (an unknown rule, no path).
    """
    from extractor.run import Options, run

    names = [paths] if isinstance(paths, str | Path) else list(paths)
    options = Options(
        paths=[str(p) for p in names], rules=list(rules) if rules is not None else None,
        reference=Path(reference) if reference is not None else None,
        corpus=Path(corpus) if corpus is not None else None, index=Path(index), timeout=timeout,
        baseline=Path(baseline) if baseline is not None else None, changed=changed, base=base,
    )  # fmt: skip
    report = run(options).report
    report.failed = FailOn(fail_on).reached_by(report.findings)
    return report
