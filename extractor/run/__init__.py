"""One run of factcheck (issue 25, item 1), shared by the CLI, the Python API and the service.

A run takes what to check (paths, a site, `--changed`), the configuration (registry, corpus,
index, baseline), the rule selection and its options, and gives a `Report`. What a site run adds
lives here: finding the site the paths belong to, importing the site's registry, the site's kept
results (extractor.run.cache), a file of the site that cannot be read as a finding, the baseline
and the `--changed` filtering. `factcheck check` only parses its arguments, calls `run` and writes
the report; `extractor.check` calls `run` with the CLI's defaults; the service checks a document
it received with `check_documents`, as `run` checks a file.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from extractor.errors import FactcheckError
from extractor.ingest import limits
from extractor.models import Document, Report
from extractor.run import defaults
from extractor.run.progress import Progress

if TYPE_CHECKING:
    from extractor import checks

# What a site run reads at a site's root besides its checked folders: its pages and configuration.
_SITE_ROOT_FILES = {".md", ".markdown", ".html", ".htm", ".yml", ".yaml", ".json", ".xml", ".txt", ""}


@dataclass
class Options:
    """What a run checks and with what; the defaults are the CLI's."""

    paths: list[str] = field(default_factory=list)
    rules: list[str] | None = None  # ids or families ("text/"); None: every rule on by default
    reference: Path | None = defaults.REFERENCE  # the imported registry; in a site, the site's own
    corpus: Path | None = defaults.CORPUS  # in a site, the site's checked folders
    index: Path = defaults.INDEX  # in a site, the one in the site's state folder
    timeout: float = limits.DOCUMENT_SECONDS  # per document; 0: none
    baseline: Path | None = None  # only the findings whose fingerprints are not in it
    changed: bool = False  # only the files changed since `base` (git)
    base: str = "HEAD"
    all_lines: bool = False  # with `changed`: the findings on unchanged lines too
    details: bool = False  # each document, its claims and names in the report (the HTML report)
    debug: bool = False
    outputs: Sequence[Path | None] = ()  # files the caller will write: refused when an input


@dataclass
class Result:
    """A run's report, and what its caller needs to write it."""

    report: Report  # after the baseline and `--changed` filtering
    unfiltered: Report  # before them (what `--write-baseline` records)
    inputs: list[str] = field(default_factory=list)  # files and folders read (no output among them)
    roots: list[Path] = field(default_factory=list)  # a site's root, when the whole site is checked
    nothing_changed: bool = False  # `changed`, and git names no document


def refuse_inputs(outputs: Sequence[Path | None], inputs: list[str], folders: list[Path] | None = None) -> None:
    """Raises when an output file is one of the inputs, or anywhere inside an input folder, whatever
    its name; or, in a site's root (`folders`), a page or configuration file of the site
    (`index.md`, `_config.yml`, `_redirects`) or anything in one of its folders. Only factcheck's
    own `.factcheck/` folder (the default index) and `.factcheck*` files
    (`.factcheck-baseline.json`) may be written there; a report beside the site's pages
    (`SITE/factcheck.sarif`) may be too."""
    if all(path is None for path in outputs):
        return
    existing = [name for name in inputs if Path(name).exists()]
    checked = [Path(name).resolve() for name in existing if Path(name).is_dir()]
    roots = [folder.resolve() for folder in folders or []]
    state = defaults.INDEX.parent.name
    documents = _among_documents([p for p in outputs if p is not None], existing)
    for path in outputs:
        if path is None:
            continue
        target = path.resolve()
        if path in documents:
            raise FactcheckError(f"{path} : refus d'écraser un fichier d'entrée (choisir un autre fichier de sortie)")
        for folder in [*checked, *roots]:
            inside = target.relative_to(folder).parts if target.is_relative_to(folder) else None
            if inside is None or (inside and inside[0].startswith(state)):
                continue
            beside = folder in roots and folder not in checked and len(inside) == 1
            if beside and Path(inside[0]).suffix.lower() not in _SITE_ROOT_FILES and not inside[0].startswith("_"):
                continue  # a report beside the site's pages, which the site run does not read
            raise FactcheckError(
                f"{path} : refus d'écrire dans {folder}, un dossier vérifié "
                f"(choisir un fichier de sortie hors de ce dossier, ou dans {state}/)"
            )


def _among_documents(outputs: Sequence[Path], inputs: list[str]) -> set[Path]:
    """The outputs that are one of the documents the inputs name (a file named, or one `collect`
    finds in a folder named, links followed): the same file (device and inode), whatever its
    name. A folder is walked only when an output exists already (a new file is no input)."""
    wanted: dict[tuple[int, int], list[Path]] = {}
    for path in outputs:
        with contextlib.suppress(OSError):
            info = path.stat()
            wanted.setdefault((info.st_dev, info.st_ino), []).append(path)
    found: set[Path] = set()
    if not wanted:
        return found

    def same(file: str) -> list[Path]:
        try:
            info = os.stat(file)
        except OSError:
            return []
        return wanted.get((info.st_dev, info.st_ino), [])

    for name in inputs:
        if not os.path.isdir(name):
            found.update(same(name))
            continue
        seen: set[str] = set()
        for folder, dirs, files in os.walk(name, followlinks=True):  # as collect's rglob, once a folder
            real = os.path.realpath(folder)
            if real in seen:
                dirs[:] = []
                continue
            seen.add(real)
            dirs[:] = [d for d in dirs if not d.startswith(".")]  # collect skips what is under them
            for file in files:
                where = os.path.join(folder, file)
                matches = same(where)
                if not matches or file.startswith(".") or file.lower().startswith("readme"):
                    continue
                from extractor.ingest import FORMATS
                from extractor.ingest.frontmatter import is_page_without_extension

                if Path(file).suffix.lower() in FORMATS or is_page_without_extension(where):
                    found.update(matches)
    return found


def site_of(paths: list[str]) -> tuple[Path | None, bool]:
    """The site the paths are checked as part of (issue 23, item 2), and whether they are the
    whole site (one path, the site's root). Paths inside a site (a `_config.yml` and the registry
    at or above them, up to the repository's root) are checked with its registry and its corpus;
    paths in several sites, or outside any, are loose files (None)."""
    from extractor.run import site as sites

    if len(paths) == 1 and sites.site_root(paths[0]) is not None:
        return Path(paths[0]), True
    roots = {sites.enclosing_site(p) for p in paths if Path(p).exists()}
    if not paths or len(roots) != 1 or None in roots or not all(Path(p).exists() for p in paths):
        return None, False
    (root,) = roots
    assert root is not None
    here = Path.cwd().resolve()
    return (Path(os.path.relpath(root, here)) if root.is_relative_to(here) else root), False


def within_site(paths: list[str], folders: list[str]) -> list[str]:
    """What a site run checks of these paths: a file as named; a folder's part of the site's checked
    folders (`content/` is its registry pages, documents and FAST pages, not every file under it),
    or the folder itself when it holds none of them."""
    out: list[str] = []
    for name in paths:
        path = Path(name)
        if not path.is_dir():
            out.append(name)
            continue
        real = path.resolve()
        inside = [Path(f).resolve() for f in folders]
        within = [str(path / f.relative_to(real)) for f in inside if f.is_relative_to(real)]
        out += within or [name]
    return list(dict.fromkeys(out))


def only_changed_lines(report: Report, lines_changed: Mapping[str, set[int] | None]) -> Report:
    """Keeps the findings that touch a line the change adds or modifies."""
    keep = []
    for finding in report.findings:
        for evidence in finding.evidence:
            changed_lines = lines_changed.get(evidence.location.path, set())
            if changed_lines is None or evidence.location.line in changed_lines:
                keep.append(finding)
                break
    return report.restricted(keep)


def unread_as_findings(report: Report, named: list[str]) -> Report:
    """In a site run, a file of a folder that cannot be read is an info finding (site/unread-file),
    not exit 2; a file named on the command line keeps its error."""
    from extractor.report import fingerprint
    from extractor.run import site

    files = {Path(p).resolve() for p in named if Path(p).is_file()}
    kept = [e for e in report.errors if Path(e.path).resolve() in files]
    unread = fingerprint.assign([site.unread_file(e) for e in report.errors if e not in kept])
    report = report.restricted([*report.findings, *unread])
    report.errors = kept
    report.stats.errors = len(kept)
    return report


def printable(report: Report) -> Report:
    """The report with every string that holds a name that is not UTF-8 escaped
    (`fileio.printable`: "caf\\xe9.md"), so that every format can carry it (JSON and SARIF must be
    UTF-8); the same report when there is none."""
    from extractor.ingest.fileio import printable as shown_as

    changed = False

    def walk(value: object) -> object:
        nonlocal changed
        if isinstance(value, str):
            shown = shown_as(value)
            changed = changed or shown is not value
            return shown
        if isinstance(value, dict):
            return {walk(k): walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    data = walk(report.model_dump(mode="python"))
    if not changed:
        return report
    escaped = Report.model_validate(data)
    escaped.details = report.details
    return escaped


def _ignore(line: str) -> None:
    """Where a run's notices go when its caller does not listen (the Python API)."""


def run(options: Options, *, progress: Progress | None = None, say: Callable[[str], None] = _ignore) -> Result:
    """Checks what `options` names and returns the report. `say` hears the lines a run tells its
    user on the side (the site found, its registry imported, a damaged cache rebuilt, kept
    results reused); `progress` hears of each phase. Raises FactcheckError for what the user must
    fix (an unknown rule, nothing to check, an output among the inputs)."""
    from extractor import cachekey, checks
    from extractor.report import baseline as baselines
    from extractor.run import site as sites
    from extractor.run import snapshot as snapshots

    started = time.perf_counter()
    cachekey.forget_folders()
    shown = progress or Progress()
    rules = list(options.rules) if options.rules else None
    if rules:
        unknown = checks.unknown(rules)
        if unknown:
            raise FactcheckError(f"règle inconnue : {', '.join(unknown)} (règles : {', '.join(checks.rules())})")
    paths = list(options.paths)
    if options.changed and not paths and sites.enclosing_site(".") is not None:
        paths = ["."]  # `--changed` alone in a site: the site's changed documents, as with `.`
    named = list(paths)
    site, whole = site_of(named)
    reference, index = options.reference, options.index
    corpus_folders: list[Path] = [options.corpus] if options.corpus is not None else []
    roots = [site] if site is not None and whole else []  # a site's own files (index.md, _config.yml)
    state = Path()
    outputs = list(options.outputs)
    snapshot = None
    if site is not None:
        refuse_inputs([*outputs, index], [], roots)  # before the registry's import
        # A site, or paths inside one: its own registry (no import step), its folders as corpus;
        # for the whole site, its folders are the documents checked; its state (registry, index,
        # kept results) in its folder of the user's cache.
        folders = sites.checked_folders(site)
        paths = folders if whole else within_site(named, folders)
        corpus_folders = [Path(p) for p in folders]
        state, notice = sites.state_folder(site)
        notices = [notice] if notice else []
        plain = options.reference == defaults.REFERENCE and options.index == defaults.INDEX and not options.details
        if whole and plain and not options.changed and not notice:
            from extractor.run.snapshot import Snapshot

            shown.phase("Relevé des fichiers du site")
            snapshot = Snapshot(state, site, rules, options.timeout)
            answer = snapshot.kept()
            if answer is not None and sites.registry_kept(site, state, snapshot.shas):
                # Nothing the run reads changed: the last run's report. The state's other files are
                # derived data: one that is damaged is set aside (rebuilt by the next run that reads it).
                from extractor.run.results import damaged_fr, healthy, set_aside

                sites.open_index(state / "index.sqlite", notices)
                results = state / "site-results.sqlite"
                if not healthy(results):
                    notices.append(damaged_fr(results, set_aside(results)))
                for line in notices:
                    say(line)
                say(f"{site} : site ; registre lu du site (déjà importé, inchangé) ; dossiers : {', '.join(paths)}")
                inputs = [*paths, *(str(f) for f in corpus_folders if f.is_dir())]
                refuse_inputs([*outputs, state / "index.sqlite"], inputs, roots)
                known = baselines.load(options.baseline) if options.baseline else set()
                report = Report.model_validate_json(answer[0])
                report.stats.seconds = round(time.perf_counter() - started, 3)
                say(f"{answer[1]} document(s) inchangé(s) : résultats de la vérification précédente repris")
                return _filtered(report, known, options, {}, inputs, roots)
        if index == defaults.INDEX:
            index = state / "index.sqlite"
            sites.open_index(index, notices)
        how = None
        if reference == defaults.REFERENCE:
            shown.phase("Import du registre du site")
            given, base = (snapshot.shas, snapshot.base) if snapshot is not None else (None, "")
            reference, imported = sites.site_registry(site, state, notices, given, base)
            how = "importé" if imported else "déjà importé, inchangé"
        for line in notices:
            say(line)
        if how:
            what = f"dossiers : {', '.join(paths)}" if whole else f"corpus : {', '.join(folders)}"
            say(f"{site} : site ; registre lu du site ({how}) ; {what}")
    inputs = [*paths, *(str(f) for f in corpus_folders if f.is_dir())]
    refuse_inputs([*outputs, index], inputs, roots)  # before any work, not after it
    from extractor.run.cache import site_results
    from extractor.run.pipeline import ContextSpec, check_paths, open_context

    shas = snapshot.shas if snapshot is not None else {}
    ctx = open_context(reference, corpus_folders, index, site=site, progress=shown, shas=shas)
    try:
        lines_changed: dict[str, set[int] | None] = {}
        if options.changed:
            from extractor.run.changed import changed_files

            shown.phase("Recherche des fichiers modifiés (git)")
            lines_changed = changed_files(options.base, Path.cwd())
            if site is not None:  # also the documents citing a changed registry or FAST page
                from extractor.run.changed import site_changes

                lines_changed = site_changes(site, paths, lines_changed, ctx.registry)
            paths = [p for p in lines_changed if not paths or any(Path(p).is_relative_to(q) for q in paths)]
            if not paths:
                return Result(Report(), Report(), inputs, roots, nothing_changed=True)
        elif not paths:
            raise FactcheckError("indiquer des fichiers ou dossiers à vérifier (ou --changed)")
        inputs += paths  # with --changed: the files git gave
        known = baselines.load(options.baseline) if options.baseline else set()
        kept = None
        if site is not None and whole:
            ran_with = snapshot.base if snapshot is not None else None
            kept = site_results(site, ctx, rules, reference, options.timeout, state, ran_with)
            kept.shas = kept.deps.shas = shas
            for line in kept.notices:
                say(line)
        with shown:
            spec = ContextSpec(reference, tuple(corpus_folders), index, site) if site is not None else None
            report = check_paths(paths, rules, debug=options.debug, ctx=ctx, progress=shown,
                                 seconds=options.timeout or None, details=options.details, results=kept,
                                 workers=spec)  # fmt: skip
        if kept is not None:
            kept.prune()
            kept.close()
            if kept.hits:
                say(f"{kept.hits} document(s) inchangé(s) : résultats de la vérification précédente repris")
            if kept.partial:
                say(f"{kept.partial} document(s) revérifié(s) en partie : seules les règles que le changement touche")
    finally:
        if ctx.corpus is not None:
            ctx.corpus.close()
    lasting = all(snapshots.lasting(e.message) for e in report.errors)
    if site is not None and report.errors:
        report = unread_as_findings(report, named)
    report = printable(report)
    if snapshot is not None:
        if lasting:
            snapshot.keep(report.model_dump_json(), report.stats.documents)
        else:
            snapshot.forget()
    return _filtered(report, known, options, lines_changed, inputs, roots)


def _filtered(report: Report, known: set[str], options: Options, lines_changed: Mapping[str, set[int] | None],
              inputs: list[str], roots: list[Path]) -> Result:  # fmt: skip
    """The run's result: the report after the baseline and the `--changed` filtering."""
    from extractor.report import baseline as baselines

    unfiltered = report
    if known:
        report = baselines.apply(report, known)
    if options.changed and not options.all_lines:
        report = only_changed_lines(report, lines_changed)
    return Result(report, unfiltered, inputs, roots)


def check_documents(
    documents: Mapping[str, Document],
    rules: list[str] | None,
    ctx: checks.Context,
    *,
    details: bool = False,
) -> Report:
    """Documents the caller has read already (the service: an upload, a pasted text), checked as
    `run` checks files, with the same report: no file is read, and no `factcheck.toml` is looked up
    by a document's name (an upload named like a server's file gets nothing of it)."""
    from extractor.run.pipeline import check_paths

    return check_paths(list(documents), rules, ctx=ctx, seconds=None, details=details, documents=documents)
