"""Baselines: the fingerprints of known findings, so that CI fails only on new ones.

`check --write-baseline FILE` records the run's fingerprints; `check --baseline FILE` leaves out
the findings whose fingerprint the file lists and counts them as suppressed. Fingerprints hold the
rule, the file and the normalised quotes, not line numbers: edits above or below a finding keep it
known.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ValidationError

from extractor.errors import FactcheckError
from extractor.models import Report


class BaselineEntry(BaseModel):
    fingerprint: str
    rule: str
    path: str
    message_fr: str


class Baseline(BaseModel):
    version: int = 1
    findings: list[BaselineEntry]


def dump(report: Report) -> bytes:
    entries = [
        BaselineEntry(fingerprint=f.fingerprint, rule=f.rule, path=f.evidence[0].location.path if f.evidence else "",
                      message_fr=f.message_fr)
        for f in report.findings
    ]  # fmt: skip
    return Baseline(findings=entries).model_dump_json(indent=2).encode() + b"\n"


def load(path: Path) -> set[str]:
    try:
        return {e.fingerprint for e in Baseline.model_validate(json.loads(path.read_text(encoding="utf-8"))).findings}
    except FileNotFoundError as exc:
        raise FactcheckError(
            f"{path}: fichier de référence (baseline) introuvable (le créer avec --write-baseline)"
        ) from exc
    except (ValueError, ValidationError, OSError) as exc:
        raise FactcheckError(
            f"{path}: baseline illisible ({type(exc).__name__}) ; la régénérer avec --write-baseline"
        ) from exc


def apply(report: Report, known: set[str]) -> Report:
    """The report without the known findings; the summary counts them as suppressed."""
    kept = [f for f in report.findings if f.fingerprint not in known]
    return report.restricted(kept, suppressed=len(report.findings) - len(kept))
