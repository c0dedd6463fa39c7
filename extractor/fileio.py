"""Output files: written through a temporary file and a rename, with the mode any file the user
creates would have.

`tempfile.mkstemp` creates its file private (0600), which a rename keeps: a shared `rapport.html`
or baseline would then be unreadable by colleagues or a web server. The final file gets the mode
of the file it replaces, or, for a new file, 0666 less the process umask, as `open()` gives.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def current_umask() -> int:
    """The process umask (reading it means setting it: it is put back at once).

    >>> old = os.umask(0o022); current_umask() == 0o022; _ = os.umask(old)
    True
    """
    mask = os.umask(0)
    os.umask(mask)
    return mask


def output_mode(target: Path) -> int:
    """The permission bits an output written at `target` should have: those of the file it
    replaces, else 0666 less the umask (0644 under the usual 022)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~current_umask()


def temporary_beside(target: Path) -> Path:
    """An empty temporary file in the target's folder (so that the final rename is atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    return Path(name)


def replace_with(tmp: Path, target: Path) -> None:
    """Gives `tmp` the output mode of `target`, then renames it over `target`."""
    os.chmod(tmp, output_mode(target))
    os.replace(tmp, target)


def write_atomic(target: Path, data: bytes) -> None:
    """Writes `data` at `target`: a crash leaves the previous file whole, never half a file."""
    target = target.resolve()
    tmp = temporary_beside(target)
    try:
        tmp.write_bytes(data)
        replace_with(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
