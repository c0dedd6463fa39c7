"""Precision on real documents never used to write the code (DESIGN §8, issue 13).

`expected/site/verdicts.json` holds a verdict for every error and warning factcheck emits on the
beta.gouv.fr site snapshot (`../shared/site`): true (a careful editor would fix it) or false, with
the reason, keyed by the finding's fingerprint (rule + files + normalised quotes), so a verdict
survives unrelated edits. `expected/site/missed.json` lists the real problems noticed while
reading that factcheck does not report (recall gold).

The run is the one an editor of the site would make: the site's pages, documents, FAST pages and
registry pages, checked against the registry read from the site and against each other (the
same folders are the corpus), with paths relative to the site's root.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from extractor.errors import FactcheckError
from extractor.models import Finding, Report, Severity

JUDGED = (Severity.error, Severity.warning)


class Verdict(BaseModel):
    fingerprint: str
    rule: str
    path: str = Field(description="the first evidence's file, relative to the site's root")
    line: int
    quote: str
    message_fr: str
    verdict: Literal["true", "false"]
    reason: str = Field(min_length=3, description="one line: why a careful editor would (not) fix it")


class Verdicts(BaseModel):
    verdicts: list[Verdict] = Field(default_factory=list)


class MissedFinding(BaseModel):
    rule: str = Field(description="the rule that should report it (existing or planned)")
    path: str
    line: int
    note: str


class Missed(BaseModel):
    missed: list[MissedFinding] = Field(default_factory=list)


@dataclass
class RuleScore:
    true: int = 0
    false: int = 0
    unjudged: int = 0

    @property
    def judged(self) -> int:
        return self.true + self.false

    @property
    def precision(self) -> float:
        return self.true / self.judged if self.judged else 1.0


@dataclass
class SiteResult:
    per_rule: dict[str, RuleScore]
    unjudged: list[Finding]
    stale: list[Verdict]  # verdicts no finding matches any more (the rule stopped firing)
    missed: int
    total: RuleScore = field(default_factory=RuleScore)


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def site_report(site: Path) -> Report:
    """factcheck's report on the site, as the verdicts were judged on it: `factcheck check SITE`'s
    folders, registry and corpus (extractor.run.site), with paths relative to the site's root."""
    from extractor import checks
    from extractor.corpus.index import CorpusIndex
    from extractor.reference.store import load_registry
    from extractor.run import site as sites
    from extractor.run.pipeline import check_paths
    from extractor.run.sitemap import SiteMap

    if sites.site_root(site) is None:
        raise FactcheckError(f"{site} : pas un site au format du profil (pas de _config.yml ni de registre)")
    with tempfile.TemporaryDirectory() as tmp, _inside(site):
        folders = sites.checked_folders(Path("."))
        store, _ = sites.site_registry(Path("."), cache=Path(tmp))
        registry = load_registry(store)
        index = CorpusIndex(Path(tmp) / "index.sqlite", folders)
        try:
            index.refresh(folders, registry)
            ctx = checks.Context(registry=registry, corpus=index, site=SiteMap.build(Path(".")))
            return check_paths(folders, ctx=ctx)
        finally:
            index.close()


def load_verdicts(expected: Path) -> Verdicts:
    path = expected / "verdicts.json"
    if not path.exists():
        return Verdicts()
    return Verdicts.model_validate(json.loads(path.read_text(encoding="utf-8")))


def evaluate_site(site: Path, expected: Path, report: Report | None = None) -> SiteResult:
    """Every error and warning of the site's report against its verdict."""
    report = report or site_report(site)
    verdicts = {v.fingerprint: v for v in load_verdicts(expected).verdicts}
    missed_path = expected / "missed.json"
    missed = None
    if missed_path.exists():
        missed = Missed.model_validate(json.loads(missed_path.read_text(encoding="utf-8")))
    per_rule: dict[str, RuleScore] = {}
    total = RuleScore()
    unjudged, seen = [], set()
    for finding in report.findings:
        if finding.severity not in JUDGED:
            continue
        score = per_rule.setdefault(finding.rule, RuleScore())
        verdict = verdicts.get(finding.fingerprint or "")
        seen.add(finding.fingerprint)
        for counter in (score, total):
            if verdict is None:
                counter.unjudged += 1
            elif verdict.verdict == "true":
                counter.true += 1
            else:
                counter.false += 1
        if verdict is None:
            unjudged.append(finding)
    stale = [v for v in verdicts.values() if v.fingerprint not in seen]
    return SiteResult(per_rule, unjudged, stale, len(missed.missed) if missed else 0, total)


def unjudged_entries(findings: list[Finding]) -> list[dict[str, object]]:
    """Verdict stubs for findings nobody has judged yet (`verdict` and `reason` to fill by hand)."""
    out = []
    for f in findings:
        first = f.evidence[0]
        out.append({"fingerprint": f.fingerprint, "rule": f.rule, "path": first.location.path,
                    "line": first.location.line, "quote": first.quote, "message_fr": f.message_fr,
                    "verdict": "?", "reason": "?"})  # fmt: skip
    return out
