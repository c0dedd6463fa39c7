"""A whole site checked as its CI would (issue 14, item 1): `factcheck check SITE`.

A folder is a site when the profile's layout says so (the beta.gouv.fr profile: a `_config.yml` at
the root and the registry, its products' folder, under `content/`). Then the registry is read from the site itself, no
import step: it is imported once per content (the hash of its files) into the site's state folder, so a
second run only hashes it; the folders checked are the profile's (`_pages`, `_posts`,
`content/docs`, `content/_fasts`, `content/_startups`), or those of a `factcheck.toml` at the root
(`[site] include = [...]`, `exclude = [...]`, paths relative to the root); and the same folders are
the corpus the `corpus/*` rules compare with. A file of the site that cannot be read (a scanned
PDF, an unsupported or damaged file) is a finding at info level, not a failed run: the site's CI
should not break on a PDF without a text layer.

Where a site's state lives (issue 24, item 6): the imported registry, the corpus index of its
folders and the results kept between runs are derived data, kept in a folder of the user's cache
per site (`$XDG_CACHE_HOME/factcheck/sites/NAME-HASH/`, `~/.cache/...` by default; the hash is the
site's resolved path's). Never in the site (which may be read-only, and is the user's), nor in the
working folder (another project's `.factcheck/` is not touched). Where that folder cannot be
written, the run uses a temporary folder, removed at its end, and says so: slower, never stopped.
A damaged file there is set aside and rebuilt (`extractor.run.results.set_aside`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import time
import tomllib
from collections.abc import Mapping
from pathlib import Path

from extractor import profiles
from extractor.errors import FactcheckError, InputError
from extractor.ingest import fileio
from extractor.models import Evidence, Finding, InputErrorInfo, Location


def site_root(path: str | Path) -> Path | None:
    """The site whose root `path` is, or None when it is no site of the active profile."""
    layout = profiles.active().site
    root = Path(path)
    if layout is None or not root.is_dir():
        return None
    if not (root / layout.marker).is_file() or not (root / layout.registry / profiles.active().product.folder).is_dir():
        return None
    return root


def repository_root(folder: Path) -> Path | None:
    """The root of the git repository `folder` is in (the folder holding `.git`), or None."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def enclosing_site(path: str | Path) -> Path | None:
    """The site `path` is in (issue 23, item 2): the nearest folder at or above it that is a site of
    the profile (`site_root`), looked for up to the git repository's root; resolved, or None."""
    if profiles.active().site is None:
        return None
    real = Path(path).resolve()
    folder = real if real.is_dir() else real.parent
    top = repository_root(folder)
    for candidate in (folder, *folder.parents):
        if site_root(candidate) is not None:
            return candidate
        if candidate == top:
            break
    return None


def checked_folders(root: Path) -> list[str]:
    """The folders a run over the site checks: the profile's, or the site's factcheck.toml's."""
    layout = profiles.active().site
    assert layout is not None
    include, exclude = list(layout.checked), []
    config = root / "factcheck.toml"
    if config.is_file():
        try:
            table = tomllib.loads(config.read_text(encoding="utf-8")).get("site", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise FactcheckError(f"{config}: configuration illisible ({exc})") from exc
        if not isinstance(table, dict):
            raise FactcheckError(f"{config}: [site] doit être une table (include, exclude)")
        include = [str(p) for p in table.get("include", include)]
        exclude = [str(p) for p in table.get("exclude", [])]
    # An empty folder is no unreadable document: it is left out (a site without _posts/).
    folders = [f for f in include if f not in exclude and any(p.is_file() for p in (root / f).rglob("*"))]
    return [str(root / f) for f in folders]


def registry_digest(root: Path, shas: Mapping[str, str] | None = None) -> str:
    """The hash of the registry's files (names and the sha256 of their bytes): the cache key of its
    import. `shas`: the sha256 the run knows already, by path (extractor.run.snapshot)."""
    layout = profiles.active().site
    assert layout is not None
    digest = hashlib.sha256()
    base = root / layout.registry
    # not a FIFO nor a link to a device (the registry reader skips them)
    pages = (p for p in base.glob("_*/*") if p.is_file() and (p.suffix == ".md" or _page_without_extension(p)))
    for path in sorted(pages):
        sha = (shas or {}).get(str(path)) or hashlib.sha256(path.read_bytes()).hexdigest()
        digest.update(str(path.relative_to(base)).encode() + b"\0" + sha.encode() + b"\0")
    return digest.hexdigest()[:16]


def _page_without_extension(path: Path) -> bool:
    from extractor.ingest.frontmatter import is_page_without_extension  # (the readers: not for an unchanged run)

    return is_page_without_extension(path)


def registry_kept(root: Path, cache: Path, shas: Mapping[str, str] | None = None) -> bool:
    """Whether the cache holds an import of the registry's current content, whole (SQLite's quick
    check): what a run that reuses its last report checks instead of importing (`site_registry`)."""
    from extractor.run.results import healthy

    stores = list(cache.glob(f"site-registry-{registry_digest(root, shas)}-v*.sqlite"))
    return bool(stores) and all(healthy(store) for store in stores)


FORMER_IMPORTS_SECONDS = 3600  # a former import of the registry is removed after this


def user_cache() -> Path:
    """factcheck's folder in the user's cache: $XDG_CACHE_HOME/factcheck (~/.cache/factcheck)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder known
            base = str(Path(tempfile.gettempdir()) / f"factcheck-cache-{os.getuid()}")
    return Path(base) / "factcheck"


def state_folder(root: Path) -> tuple[Path, str | None]:
    """The folder of a site's state (registry, index, kept results) and, when the user's cache
    cannot be written, a temporary folder instead (removed when the run ends) with the notice that
    says so. Temporary files that killed runs left there are removed."""
    import atexit
    import shutil

    resolved = root.resolve()
    name = re.sub(r"[^\w.-]+", "_", resolved.name, flags=re.ASCII).strip("._") or "site"
    key = hashlib.sha256(str(resolved).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    folder = user_cache() / "sites" / f"{name}-{key}"
    fileio.remove_stale(Path(tempfile.gettempdir()), "factcheck-site-*")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".probe.")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        temporary = Path(tempfile.mkdtemp(prefix=f"factcheck-site-{os.getpid()}-"))
        atexit.register(shutil.rmtree, temporary, True)
        why = exc.strerror or str(exc)
        notice = (f"{folder} : cache impossible à écrire ({why}) ; vérification sans résultats gardés entre deux "
                  "vérifications (plus lente) ; XDG_CACHE_HOME pour choisir un autre dossier")  # fmt: skip
        return temporary, notice
    fileio.remove_stale(folder)
    return folder, None


def site_registry(
    root: Path, cache: Path, notices: list[str] | None = None, shas: Mapping[str, str] | None = None, base: str = ""
) -> tuple[Path, bool]:
    """The site's registry, imported into the cache unless an import of the same content is there;
    (the store, whether it was imported now). A store there that cannot be read (a killed import,
    a damaged disk) is set aside and imported again, with a line in `notices`. `shas` and `base`:
    the sha256 of the site's files and the run's key (`extractor.run.snapshot`), when the run has
    them: an import then reads again only the registry's files that changed."""
    from extractor.reference.store import SCHEMA_VERSION, load_registry
    from extractor.run.results import damaged_fr, healthy, set_aside

    layout = profiles.active().site
    assert layout is not None
    store = cache / f"site-registry-{registry_digest(root, shas)}-v{SCHEMA_VERSION}.sqlite"
    if store.exists():
        try:
            if healthy(store) and load_registry(store) is not None:
                return store, False
        except InputError:
            pass
        aside = set_aside(store)
        if notices is not None:
            notices.append(damaged_fr(store, aside))
    memo = None
    if shas is not None and base:  # the run knows its files' sha256: the entries read before are kept
        from extractor.profiles.registry import EntryMemo

        memo = EntryMemo(cache / "registry-entries.pickle", base, shas)
    profiles.import_registry(root / layout.registry, store, memo)
    for other in cache.glob("site-registry-*.sqlite"):  # imports of former contents: never read again
        with contextlib.suppress(OSError):  # (unless a run started just before still uses one)
            if other != store and time.time() - other.stat().st_mtime > FORMER_IMPORTS_SECONDS:
                other.unlink()
    return store, True


def open_index(path: Path, notices: list[str]) -> None:
    """Sets a damaged corpus index of the site's state aside (it is rebuilt by the refresh)."""
    from extractor.run.results import damaged_fr, healthy, set_aside

    if not healthy(path):
        notices.append(damaged_fr(path, set_aside(path)))


def unread_file(error: InputErrorInfo) -> Finding:
    """A file of the site that could not be read, as an info finding naming it and why."""
    from extractor.checks import finding

    at = Location(path=error.path, line=1, column=1, end_line=1, end_column=1)
    return finding(
        "site/unread-file",
        [Evidence(location=at, quote=Path(error.path).name)],
        variant="hint" if error.hint else None,
        error=error.message,
        hint=error.hint,
        suggestion={},
    )
