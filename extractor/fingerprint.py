"""Stable finding fingerprints: rule + normalised quotes + rank among identical ones.

Line numbers are left out on purpose, so a baseline survives edits above or below a finding.
"""

from __future__ import annotations

import hashlib
import os

from extractor.models import Finding
from extractor.normalise import plain


def normalise(text: str) -> str:
    """A quote as fingerprinted: `plain` (punctuation-blind), and never to change, since baselines
    and the site's verdicts are keyed by it (tests/test_normalise.py pins it)."""
    return plain(text)


def assign(findings: list[Finding]) -> list[Finding]:
    """Sets `fingerprint` on each finding. Findings with the same rule and quotes in one file get
    their rank in the file appended, so that two identical slips stay two findings."""
    seen: dict[str, int] = {}
    out = []
    for finding in findings:
        files = sorted({os.path.normpath(e.location.path).replace(os.sep, "/") for e in finding.evidence})
        key = "\x1f".join([finding.rule, *files, *(normalise(e.quote) for e in finding.evidence)])
        rank = seen.get(key, 0)
        seen[key] = rank + 1
        digest = hashlib.sha256(f"{key}\x1e{rank}".encode("utf-8", "surrogateescape")).hexdigest()[:20]
        out.append(finding.model_copy(update={"fingerprint": digest}))
    return out
