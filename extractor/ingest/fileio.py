"""Output files: written through a temporary file, synced, and renamed over a regular file, with the
mode any file the user creates would have; written straight into a character device or a FIFO.

`tempfile.mkstemp` creates its file private (0600), which a rename keeps: a shared `rapport.html`
or baseline would then be unreadable by colleagues or a web server. The final file gets the mode
of the file it replaces, or, for a new file, 0666 less the process umask, as `open()` gives.

A rename replaces whatever the name pointed to: over `/dev/null` (as root) it would leave a regular
file there, over a FIFO the reader would never get the report. So a character device or a FIFO
(`/dev/null`, `/dev/stdout`, a named pipe) is written into directly, and any other kind of file
(a folder, a socket, a block device) is refused with a French error.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from extractor.errors import FactcheckError


def printable(path: str) -> str:
    """A path as reports and databases show it: a name that is not UTF-8 (a byte Python keeps as a
    lone surrogate, "caf\\udce9.md") with that byte escaped ("caf\\\\xe9.md"); any other path as it is.

    >>> printable("caf\\udce9.md")
    'caf\\\\xe9.md'
    """
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


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
    """An empty temporary file in the target's folder (so that the final rename is atomic), named
    `.NAME.PID.XXXX.tmp`: the process id lets a later run remove it if this one is killed
    (`remove_stale`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
    os.close(fd)
    return Path(name)


STALE_SECONDS = 24 * 3600  # a temporary file without a process id is left by a killed run after this


def alive(pid: int) -> bool:
    """Whether a process of this id runs (a process of another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale(folder: Path, pattern: str = ".*.tmp") -> int:
    """Removes the temporary files (or folders) of `folder` that a killed run left: those whose
    process (the number in their name, `temporary_beside`) is gone, or, without one, older than a
    day. Returns how many; never raises."""
    import re
    import shutil
    import time

    removed = 0
    try:
        found = list(folder.glob(pattern))
    except OSError:
        return 0
    for path in found:
        pid = re.search(r"[.-](\d+)[.-][a-z0-9_]{8}(?:\.tmp)?$", path.name)  # mkstemp's 8 characters
        try:
            if pid is not None and int(pid.group(1)) != os.getpid():
                stale = not alive(int(pid.group(1)))
            else:
                stale = pid is None and time.time() - path.lstat().st_mtime > STALE_SECONDS
            if stale:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def replace_with(tmp: Path, target: Path) -> None:
    """Gives `tmp` the output mode of `target`, then renames it over `target`."""
    os.chmod(tmp, output_mode(target))
    os.replace(tmp, target)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "un dossier"
    if stat.S_ISSOCK(mode):
        return "une socket"
    if stat.S_ISBLK(mode):
        return "un périphérique bloc"
    return "un fichier spécial"


def _sync_folder(folder: Path) -> None:
    """Makes the rename itself durable (best effort: some file systems refuse to sync a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(target: Path, data: bytes, name: str = "rapport.html") -> None:
    """Writes `data` at `target`: a crash leaves the previous file whole, never half a file.

    A regular file (or a new name) gets a temporary file beside it, synced to disk, then renamed
    over it; a character device or a FIFO is written into; a folder or another special file is
    refused (FactcheckError, in French; a folder's message suggests `name` in it)."""
    try:
        mode = target.stat().st_mode  # through a symbolic link: what it points to
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise FactcheckError(f"{target} : impossible d'écrire ici ({exc.strerror})") from None
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        try:
            with open(target, "wb") as stream:
                stream.write(data)
        except OSError as exc:
            raise FactcheckError(f"{target} : écriture impossible ({exc.strerror})") from None
        return
    if mode is not None and not stat.S_ISREG(mode):
        hint = f"par exemple {target / name}" if stat.S_ISDIR(mode) else "choisir un autre nom"
        raise FactcheckError(f"{target} est {_kind(mode)} : indiquer un fichier de sortie ({hint})")
    target = target.resolve()
    try:
        tmp = temporary_beside(target)
    except OSError as exc:
        raise FactcheckError(f"{target} : impossible d'écrire dans {target.parent} ({exc.strerror})") from None
    try:
        with open(tmp, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())  # the bytes on disk before the name points to them
        replace_with(tmp, target)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise FactcheckError(f"{target} : écriture impossible ({exc.strerror})") from None
        raise
    _sync_folder(target.parent)
