"""Stable finding fingerprints: rule + files + normalised quotes + rank among identical ones.

Line numbers are left out on purpose, so a baseline survives edits above or below a finding. The
files are named as their place in the project, not as the command line wrote them (issue 23,
item 3): relative to the site's root when the file is in a site of the profile, else to the git
repository's root, else to the working directory. So `fp/a.md`, `a.md` run from `fp/`, `./fp/a.md`
and the absolute path give one fingerprint, and a baseline written by one CI step matches the next.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from extractor.models import Finding
from extractor.normalise import plain


def normalise(text: str) -> str:
    """A quote as fingerprinted: `plain` (punctuation-blind), and never to change, since baselines
    and the site's verdicts are keyed by it (tests/test_normalise.py pins it)."""
    return plain(text)


def anchored(path: str, cwd: Path | None = None) -> str:
    """The file as fingerprinted: relative to its site's root, else to its git repository's root,
    else to the working directory (`/` as separator), whatever the spelling of `path`."""
    from extractor.run.site import enclosing_site, repository_root

    here = (cwd or Path.cwd()).resolve()
    real = (here / path).resolve()
    folder = real if real.is_dir() else real.parent
    root = enclosing_site(folder) or repository_root(folder)
    if root is not None:
        return real.relative_to(root).as_posix()
    return Path(os.path.relpath(real, here)).as_posix()


def assign(findings: list[Finding]) -> list[Finding]:
    """Sets `fingerprint` on each finding. Findings with the same rule and quotes in one file get
    their rank in the file appended, so that two identical slips stay two findings."""
    seen: dict[str, int] = {}
    names: dict[str, str] = {}  # a path as written -> as fingerprinted (one look-up per file)
    cwd = Path.cwd()
    out = []
    for finding in findings:
        for e in finding.evidence:
            if e.location.path not in names:
                names[e.location.path] = anchored(e.location.path, cwd)
        files = sorted({names[e.location.path] for e in finding.evidence})
        key = "\x1f".join([finding.rule, *files, *(normalise(e.quote) for e in finding.evidence)])
        rank = seen.get(key, 0)
        seen[key] = rank + 1
        digest = hashlib.sha256(f"{key}\x1e{rank}".encode("utf-8", "surrogateescape")).hexdigest()[:20]
        out.append(finding.model_copy(update={"fingerprint": digest}))
    return out
