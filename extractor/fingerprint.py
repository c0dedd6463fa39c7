"""Stable finding fingerprints: rule + normalised quotes + rank among identical ones.

Line numbers are left out on purpose, so a baseline survives edits above or below a finding.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata

from extractor.models import Finding

_NOISE = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NOISE.sub(" ", text).strip()


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
        digest = hashlib.sha256(f"{key}\x1e{rank}".encode()).hexdigest()[:20]
        out.append(finding.model_copy(update={"fingerprint": digest}))
    return out
