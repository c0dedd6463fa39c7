"""`factcheck eval`: extraction measured against the hand-checked gold set in `expected/`.

Gold files are `expected/<document file name>.claims.json`:
    {"document": "bilan-2024.md", "checked": "how the file was checked",
     "claims": [{"line": 48, "raw": "18", "value": "18", "unit": null, "qualifier": "exact",
                 "is_delta": false, "metric_id": "...", "scope_id": "...", "period": "2023",
                 "kind": "result"}, ...]}
Two measures, per document and overall:
- numbers: a predicted claim matches a gold claim with the same line and value;
- claims: ... and the same metric id, scope id and period (the full claim).
Matching is one-to-one (each gold claim is used once), in document order.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, Field

from extractor.claims.resolve import NameIndex, extract_claims
from extractor.errors import FactcheckError
from extractor.ingest import load
from extractor.models import Claim, Qualifier


class GoldClaim(BaseModel):
    line: int
    raw: str
    value: Decimal
    unit: str | None = None
    qualifier: Qualifier = Qualifier.exact
    is_delta: bool = False
    metric_id: str | None = None
    scope_id: str | None = None
    period: str | None = None
    kind: str = "result"
    note: str | None = None
    context: str | None = Field(default=None, description="the sentence, for human reviewers")


class GoldFile(BaseModel):
    document: str
    checked: str = Field(description="how the file was checked, by whom")
    claims: list[GoldClaim]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DocumentScore:
    document: str
    numbers: Score
    claims: Score
    misses: list[str]  # human-readable differences, for the --verbose listing


Key = Callable[[GoldClaim | Claim], tuple]


def _number_key(c: GoldClaim | Claim) -> tuple:
    if isinstance(c, GoldClaim):
        return (c.line, c.value)
    return (c.location.line, c.quantity.value)


def _claim_key(c: GoldClaim | Claim) -> tuple:
    if isinstance(c, GoldClaim):
        return (c.line, c.value, c.metric_id, c.scope_id, c.period)
    return (c.location.line, c.quantity.value, c.metric_id, c.scope_id, c.period)


def _match(gold: Iterable[GoldClaim], predicted: Iterable[Claim], key: Key) -> tuple[Score, list, list]:
    pool: dict[tuple, list[GoldClaim]] = {}
    for g in gold:
        pool.setdefault(key(g), []).append(g)
    score = Score()
    extra = []
    for p in predicted:
        bucket = pool.get(key(p))
        if bucket:
            bucket.pop(0)
            score.tp += 1
        else:
            score.fp += 1
            extra.append(p)
    missing = [g for bucket in pool.values() for g in bucket]
    score.fn = len(missing)
    return score, extra, missing


def score_document(path: Path, gold: GoldFile, names: NameIndex | None = None) -> DocumentScore:
    predicted = [c for c in extract_claims(load(path), names) if not c.derived]  # the gold has what is written
    numbers, extra_n, missing_n = _match(gold.claims, predicted, _number_key)
    claims, extra_c, _ = _match(gold.claims, predicted, _claim_key)
    misses = [f"en trop    l.{c.location.line} {c.quantity.raw!r}" for c in extra_n]
    misses += [f"manquant   l.{g.line} {g.raw!r}" for g in missing_n]
    numbers_ok = {(c.location.line, c.quantity.value) for c in predicted} - {
        (c.location.line, c.quantity.value) for c in extra_n
    }
    for c in extra_c:
        if (c.location.line, c.quantity.value) in numbers_ok:
            misses.append(
                f"différent  l.{c.location.line} {c.quantity.raw!r} : {c.metric_id} / {c.scope_id} / {c.period}"
            )
    return DocumentScore(gold.document, numbers, claims, misses)


def load_gold(expected: Path) -> list[tuple[Path, GoldFile]]:
    files = sorted(expected.glob("*.claims.json"))
    if not files:
        raise FactcheckError(f"{expected}: aucun fichier *.claims.json (le jeu de référence est dans expected/)")
    out = []
    for file in files:
        try:
            out.append((file, GoldFile.model_validate(json.loads(file.read_text(encoding="utf-8")))))
        except (ValueError, OSError) as exc:
            raise FactcheckError(f"{file}: fichier de référence illisible ({exc})") from exc
    return out


def evaluate(corpus: Path, expected: Path, names: NameIndex | None = None) -> list[DocumentScore]:
    results = []
    for file, gold in load_gold(expected):
        document = corpus / gold.document
        if not document.exists():
            raise FactcheckError(f"{file}: le document {document} n'existe pas")
        results.append(score_document(document, gold, names))
    return results


# --- findings -------------------------------------------------------------------------------------


class ExpectedFinding(BaseModel):
    rule: str
    line: int
    severity: str | None = None
    message_fr: str | None = None
    note: str | None = None


class MustNotFlag(BaseModel):
    rule: str
    line: int
    message_contains: str | None = None
    note: str | None = None


class FindingsGold(BaseModel):
    document: str
    checked: str
    findings: list[ExpectedFinding]
    must_not_flag: list[MustNotFlag] = Field(default_factory=list)


@dataclass
class FindingsResult:
    per_rule: dict[str, Score]
    violations: list[str]  # must-not-flag cases that were flagged
    misses: list[str]  # human-readable differences


def evaluate_findings(corpus: Path, expected: Path, names: NameIndex | None = None) -> FindingsResult:
    """Runs `check` on the corpus (against itself, with the registry if given) and compares the
    findings with `expected/*.findings.json`: per rule, a finding matches one expected with the same
    document, rule and first-evidence line."""
    import tempfile

    from extractor import checks
    from extractor.corpus.index import CorpusIndex
    from extractor.run.pipeline import check_paths

    golds = sorted(expected.glob("*.findings.json"))
    if not golds:
        raise FactcheckError(f"{expected}: aucun fichier *.findings.json")
    with tempfile.TemporaryDirectory() as tmp:
        index = CorpusIndex(Path(tmp) / "index.sqlite")
        index.refresh(corpus, names)
        ctx = checks.Context(registry=names, corpus=index)  # type: ignore[arg-type]
        report = check_paths([str(corpus)], ctx=ctx)
        index.close()
    found: dict[str, list] = {}
    for finding in report.findings:
        found.setdefault(Path(finding.evidence[0].location.path).name, []).append(finding)
    per_rule: dict[str, Score] = {}
    violations: list[str] = []
    misses: list[str] = []
    for file in golds:
        gold = FindingsGold.model_validate(json.loads(file.read_text(encoding="utf-8")))
        predicted = found.get(gold.document, [])
        pool: dict[tuple[str, int], int] = {}
        for e in gold.findings:
            pool[(e.rule, e.line)] = pool.get((e.rule, e.line), 0) + 1
        for f in predicted:
            key = (f.rule, f.evidence[0].location.line)
            score = per_rule.setdefault(f.rule, Score())
            if pool.get(key):
                pool[key] -= 1
                score.tp += 1
            else:
                score.fp += 1
                misses.append(f"en trop    {gold.document}:{key[1]} {f.rule}")
            for case in gold.must_not_flag:
                if (case.rule, case.line) == key and (
                    not case.message_contains or case.message_contains in f.message_fr
                ):
                    violations.append(f"{gold.document}:{case.line} {case.rule} ({case.note})")
        for (rule_id, line), left in pool.items():
            if left:
                per_rule.setdefault(rule_id, Score()).fn += left
                misses.append(f"manquant   {gold.document}:{line} {rule_id}")
    return FindingsResult(per_rule, violations, misses)
