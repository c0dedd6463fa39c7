"""A site's files as the last run saw them, and the report they gave (issue 25, item 7): a second
`factcheck check SITE` where nothing the run reads has changed gives the kept report, without
opening the registry, the corpus index, the site map or the rules.

The kept report is the answer only when all of these are what they were:
- the run's key: factcheck's code, the profile, the libraries, the engines
  (`extractor.run.results.run_key`), the rules selected and the time budget, the site as named and the
  working folder (the report's paths), the `FACTCHECK_*` variables;
- every file under the site's root, by name and content (sha256), the folders the run never reads
  aside (`.git`, `.factcheck`); folders a link leads to are walked too, as the run's readers do;
- the configuration files above the site's root (`factcheck.toml`, `pyproject.toml`: the
  severities of the site's folders), by content.
A report with an error that another run may not repeat (a document stopped by the time budget or
the memory cap, a reader's bug) is not kept.

Files are compared by content, but a file is read again only when its status changed, as git's
index does (`FileTable`): each file's sha256 is kept with its size, mtime_ns, ctime_ns, inode,
device and mode. Any write to a file sets its ctime to the current time (a program can set the
mtime back, `os.utime`, not the ctime), so an edited file has another status, whatever its size
and mtime. A file whose mtime or ctime falls within `RACY_NS` of when the table was taken is read
again whatever its status: it may have changed again within the same tick of the file system's
clock after its status was taken.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from extractor.ingest import limits

VERSION = 1
RACY_NS = 2_000_000_000  # a status this close to the table's time is not trusted (coarse clocks: 2 s)
NOT_READ = frozenset({".git", ".factcheck"})  # folders of a site that a whole-site run never reads
CONFIGURATION = ("factcheck.toml", "pyproject.toml")  # above the site: the severities of its folders


class FileTable:
    """The sha256 of files, kept with their status between runs; a file is read only when its
    status changed or is too recent to be trusted (see the module)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.taken = time.time_ns()  # before any status is taken: the racy window's end
        self.old: dict[str, list[int | str]] = {}
        self.trusted_before = 0
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == VERSION:
                self.old = dict(data["files"])
                self.trusted_before = int(data["taken"]) - RACY_NS
        self.new: dict[str, list[int | str]] = {}
        self.read = 0  # files read (their status changed, or was racy)

    def digest(self, path: str) -> str:
        """The sha256 of a file's bytes, or "unreadable <errno>" (status as well as bytes)."""
        try:
            info = os.stat(path)
        except OSError as exc:
            return f"unreadable {exc.errno}"
        status: list[int | str] = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev,
                                   info.st_mode]  # fmt: skip
        old = self.old.get(path)
        recent = max(info.st_mtime_ns, info.st_ctime_ns) >= self.trusted_before
        if old is not None and old[:-1] == status and not recent and stat.S_ISREG(info.st_mode):
            self.new[path] = old
            return str(old[-1])
        if not stat.S_ISREG(info.st_mode):
            return f"special {stat.S_IFMT(info.st_mode)}"  # a FIFO or a device: never read
        self.read += 1
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # never blocks on a FIFO
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    return "special"
                sha = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError as exc:
            return f"unreadable {exc.errno}"
        self.new[path] = [*status, sha]
        return sha

    def save(self) -> None:
        """Writes the table (the files digested in this run) for the next run; a table that cannot
        be written is a slower next run, not an error."""
        data = {"version": VERSION, "taken": self.taken, "files": self.new}
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):
            temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
            temporary.replace(self.path)


def site_files(root: Path) -> Iterator[tuple[str, str]]:
    """(name relative to `root`, path) of every file under the site's root, in a stable order; the
    folders of `NOT_READ` aside; a link to a folder is followed (once: no loop)."""
    base = os.fspath(root)

    def walk(folder: str, rel: str, seen: frozenset[tuple[int, int]]) -> Iterator[tuple[str, str]]:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            yield rel or ".", folder  # an unreadable folder: its status stands for it
            return
        for entry in entries:
            name = f"{rel}/{entry.name}" if rel else entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if entry.name in NOT_READ:
                    continue
                try:
                    info = entry.stat()
                except OSError:
                    continue
                inode = (info.st_dev, info.st_ino)
                if inode not in seen:
                    yield from walk(entry.path, name, seen | {inode})
            else:
                yield name, entry.path

    try:
        info = os.stat(base)
    except OSError:
        return
    yield from walk(base, "", frozenset({(info.st_dev, info.st_ino)}))


def site_digest(root: Path, table: FileTable) -> tuple[str, dict[str, str]]:
    """The hash of a site's files (names and contents) and of the configuration files above it;
    and the sha256 of each file `extractor.ingest.read_file` reads (a regular file, not too
    large), by its path as the run names it (`root / name`)."""
    digest = hashlib.sha256()
    shas: dict[str, str] = {}
    for rel, path in site_files(root):
        sha = table.digest(path)
        if len(sha) == 64 and int(table.new[path][0]) <= limits.MAX_FILE_BYTES:  # what read_file reads
            shas[str(root / rel)] = sha
        digest.update(rel.encode("utf-8", "surrogateescape") + b"\0" + sha.encode() + b"\0")
    for folder in root.resolve().parents:
        for name in CONFIGURATION:
            candidate = folder / name
            if os.path.lexists(candidate):
                sha = table.digest(str(candidate))
                digest.update(f"{candidate}\0{sha}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest(), shas


def run_digest(site: Path, rules: list[str] | None, timeout: float, base: str) -> str:
    """The key of a whole-site run besides the site's files (see the module); `base`:
    `extractor.run.results.base_key()`."""
    from extractor.run.results import run_key

    variables = sorted((k, v) for k, v in os.environ.items() if k.startswith("FACTCHECK_"))
    parts = ["snapshot", str(VERSION), ",".join(sorted(rules or [])), f"{timeout:g}", str(site), os.getcwd(),
             json.dumps(variables)]  # fmt: skip
    return run_key(parts, base)


class Snapshot:
    """The report of a site's last whole run, under its key (the run's and the site's files')."""

    def __init__(self, state: Path, site: Path, rules: list[str] | None, timeout: float) -> None:
        self.path = state / "site-report.json"
        self.table = FileTable(state / "site-files.json")
        from extractor.run.results import base_key

        files, self.shas = site_digest(site, self.table)
        self.base = base_key()  # (the run's kept results use it too)
        self.key = hashlib.sha256(f"{run_digest(site, rules, timeout, self.base)}\0{files}".encode()).hexdigest()
        self.table.save()  # the files' status as taken now (before the run reads them)

    def kept(self) -> tuple[str, int] | None:
        """The kept report (JSON) and its documents' count, when the key is the same."""
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") == VERSION and data.get("key") == self.key:
                return str(data["report"]), int(data["documents"])
        return None

    def keep(self, report_json: str, documents: int) -> None:
        """Keeps a run's report under this run's key (computed before the run read any file: a file
        changed while it ran is another key for the next run)."""
        data = {"version": VERSION, "key": self.key, "documents": documents, "report": report_json}
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):
            temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            temporary.replace(self.path)

    def forget(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()


# Errors another run over the same bytes may not give (pipeline._check_one, the PDF reader's child):
# a report holding one is not kept.
_PASSING = ("vérification arrêtée", "erreur interne")


def lasting(message: str) -> bool:
    """Whether an input error's message says the same bytes give it again (not a document stopped
    by the time budget or the memory cap, a reader's bug, the PDF reader's process stopped)."""
    return not message.startswith(_PASSING) and "s'est arrêté" not in message
