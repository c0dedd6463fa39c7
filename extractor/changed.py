"""`check --changed`: the files a git change touches, and the lines it adds or modifies."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from extractor.errors import FactcheckError
from extractor.ingest import FORMATS

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.M)


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FactcheckError(f"git indisponible ({exc}) : --changed a besoin de git") from exc
    if done.returncode != 0:
        raise FactcheckError(
            f"git {' '.join(args)} : {done.stderr.strip() or 'échec'} (--changed a besoin d'un dépôt git)"
        )
    return done.stdout


def changed_files(base: str, cwd: Path) -> dict[str, set[int] | None]:
    """Changed documents (paths relative to `cwd`) -> the changed line numbers, None for new files."""
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    out: dict[str, set[int] | None] = {}
    for name in _git(["diff", "--name-only", "--diff-filter=AMR", base, "--", "."], cwd).splitlines():
        path = top / name
        if path.suffix.lower() in FORMATS and path.exists():
            lines: set[int] = set()
            for match in _HUNK.finditer(_git(["diff", "-U0", base, "--", str(path)], cwd)):
                start, count = int(match.group(1)), int(match.group(2) or 1)
                lines.update(range(start, start + count))
            out[str(path.relative_to(cwd.resolve()) if path.is_relative_to(cwd.resolve()) else path)] = lines
    for name in _git(["ls-files", "--others", "--exclude-standard"], cwd).splitlines():
        if Path(name).suffix.lower() in FORMATS:
            out[name] = None  # a new file: every line is new
    return out
