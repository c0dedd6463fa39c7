"""The site's results kept between runs (issue 14, item 8; issue 25, item 7): how a site run opens
them. extractor.run.results holds the store and the groups of rules; here, what each group's key is
made of in this run (the registry's content, the corpus index's rows, the site map, the labels
the files of a folder fill)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extractor import checks
    from extractor.run.results import ResultCache


def site_results(
    site: Path,
    ctx: checks.Context,
    rules: list[str] | None,
    reference: Path | None,
    timeout: float,
    state: Path,
    base: str | None = None,
) -> ResultCache:
    """The results of a site's previous run. The run's key: factcheck's code, the profile, the
    libraries, the engines (extractor.run.results.run_key), the rules selected and the time budget;
    each group's key: what it reads of the registry, the corpus, the site (extractor.run.results).
    `base`: `extractor.run.results.base_key()` when the run has it already."""
    from extractor.run.results import Dependencies, ResultCache, run_key

    registry = ctx.registry.digest() if ctx.registry is not None else ""
    deps = Dependencies(registry=registry, corpus=ctx.corpus, site=ctx.site, labels=_labels)
    parts = [",".join(sorted(rules or [])), f"{timeout:g}", _vocabulary(ctx, rules)]
    return ResultCache(state / "site-results.sqlite", run_key(parts, base), deps)


def _vocabulary(ctx: checks.Context, rules: list[str] | None) -> str:
    """The site's vocabulary (the words of 3 pages or more), by content, when the run reads it:
    Grammalecte's unknown words (text/spelling with text/grammar) are left alone when the site
    writes them on several pages, so a page that adds a word to it changes other pages' findings.
    Empty when text/grammar does not run (the vocabulary is then never read)."""
    import hashlib

    # text/grammar is off by default (its catalogue entry): it runs only when named by its id, in
    # the selection or in the configuration's severities (`checks.chosen`); checked by name here
    # so that a run that does not read the vocabulary loads no rule (the unchanged run's time).
    if "text/grammar" not in (rules or []) and "text/grammar" not in ctx.enabled:
        return ""
    from extractor.checks.spelling import site_vocabulary

    return hashlib.sha256("\n".join(sorted(site_vocabulary(ctx))).encode()).hexdigest()


def _labels(folder: Path, suffix: str) -> object:
    """The labels the files of a folder fill (what `text/empty-label` compares a document with)."""
    from extractor.analyse import Folders
    from extractor.checks.writing import labels_in

    first = next(iter(sorted(folder.glob("*" + suffix))), None)
    return labels_in(Folders().texts(str(first))) if first is not None else {}
