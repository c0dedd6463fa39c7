"""How the engines the rules read beyond factcheck's own code look to the cache key (each engine's
`key` in `extractor.engines`): each describes its version and data by content, so that a kept
result is never reused once one of them changes. This module is light (no rule, no catalogue):
every run imports it to build its key, also one whose results are all kept.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from extractor import cachekey

# Where each Enchant provider keeps its dictionaries' files (for the cache key: their bytes).
_DATA_DIRS = {
    "hunspell": ["/usr/share/hunspell", "/usr/share/myspell", "/usr/share/myspell/dicts"],
    "aspell": ["/usr/lib/aspell", "/var/lib/aspell"],
}


def dictionaries() -> str:
    """The spelling engine as the cache key sees it (extractor.cachekey): Enchant's version, the
    dictionary `spelling.dictionary()` would open for each language, its providers and their files (by
    content), and the personal word lists. Nothing is opened (a run whose results are all kept
    does not load a dictionary)."""
    try:
        import enchant
    except Exception as exc:  # not installed, or a broken binding (a stale PYENCHANT_LIBRARY_PATH)
        return f"absent:{type(exc).__name__}"
    parts = [f"enchant={getattr(enchant, '__version__', '?')}"]
    try:
        offered = [(str(tag), str(getattr(p, "name", p))) for tag, p in enchant.Broker().list_dicts()]
        for language in ("fr_FR", "en_US"):
            tag = next((t for t in (language, language.split("_")[0]) if enchant.dict_exists(t)), None)
            if tag is None:
                parts.append(f"{language}=absent")
                continue
            for provider in sorted({p for t, p in offered if t == tag}):
                parts.append(f"{language}={tag}:{provider}:{_dictionary_files(tag, provider)}")
    except Exception as exc:  # enchant's own errors (a broken provider): as dictionary() sees them
        parts.append(f"error={type(exc).__name__}")
    for folder in cachekey.enchant_config_dirs():  # personal word lists (Enchant creates them empty)
        personal = sorted(p for p in folder.glob("*") if p.is_file() and p.stat().st_size > 0)
        parts.append(f"personal={cachekey.files_digest(personal)}")
    return ";".join(parts)


def _dictionary_files(tag: str, provider: str) -> str:
    """The hash of a provider's files for a language (where Enchant's providers look for them)."""
    prefix = tag.split("_")[0]
    with_user = [str(d / provider) for d in cachekey.enchant_config_dirs()]
    folders = [*with_user, *(str(Path(d) / provider) for d in _xdg_data_dirs()), *_DATA_DIRS.get(provider, [])]
    files = sorted({p.resolve() for d in folders if Path(d).is_dir() for p in Path(d).iterdir()
                    if p.is_file() and re.split(r"[._-]", p.name)[0] == prefix})  # fmt: skip
    return cachekey.files_digest(files)


def _xdg_data_dirs() -> list[str]:
    return (os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")


# Where Debian's python3-grammalecte installs the package (for the cache key: its files).
_GRAMMALECTE_DIRS = ["/usr/lib/python3/dist-packages/grammalecte", "/usr/local/lib/python3/dist-packages/grammalecte"]


def grammalecte() -> str:
    """Grammalecte as the cache key sees it: the interpreter the worker runs on and the package's
    rule and dictionary files (name, size and modification time: an upgrade changes them; hashing
    its 26 MB at every run would cost more than a check). Nothing is started."""
    from extractor.checks.grammalecte import DEFAULT_PYTHON, PYTHON_ENV, WORKER

    interpreter = os.environ.get(PYTHON_ENV) or DEFAULT_PYTHON
    parts = [f"python={interpreter}", f"worker={cachekey.file_digest(WORKER)}"]
    for folder in map(Path, _GRAMMALECTE_DIRS):
        if not folder.is_dir():
            continue
        files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".py", ".json", ".bdic"))
        stats = [f"{p.relative_to(folder)}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files]
        parts.append(f"{folder}={hash_lines(stats)}")
    return ";".join(parts)


def hash_lines(lines: list[str]) -> str:
    import hashlib

    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()
