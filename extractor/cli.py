"""The `factcheck` command (DESIGN §6). Exit codes: 0 clean (below --fail-on), 1 findings at or
above --fail-on, 2 usage or input error. No traceback reaches the user unless --debug."""

from __future__ import annotations

import os
import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from extractor import cli_french, defaults, limits
from extractor.cliutil import EXIT_ERROR, EXIT_FINDINGS, at_end, err_console, fail, guarded
from extractor.errors import FactcheckError, InputError
from extractor.models import FailOn
from extractor.reference.cli import reference_app

if TYPE_CHECKING:
    from extractor import checks
    from extractor.results import ResultCache

cli_french.install()  # typer's and click's own words (help, usage errors) in French
app = typer.Typer(
    name="factcheck",
    help="Vérifie les chiffres et les noms des publications d'un programme public (bilans, communiqués).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(reference_app, name="reference")


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    html = "html"


# What a site run reads at a site's root besides its checked folders: its pages and configuration.
_SITE_ROOT_FILES = {".md", ".markdown", ".html", ".htm", ".yml", ".yaml", ".json", ".xml", ".txt", ""}


def refuse_inputs(outputs: list[Path | None], inputs: list[str], folders: list[Path] | None = None) -> None:
    """Raises when an output file is one of the inputs, or anywhere inside an input folder, whatever
    its name; or, in a site's root (`folders`), a page or configuration file of the site
    (`index.md`, `_config.yml`, `_redirects`) or anything in one of its folders. Only factcheck's
    own `.factcheck/` folder (the default index) and `.factcheck*` files
    (`.factcheck-baseline.json`) may be written there; a report beside the site's pages
    (`SITE/factcheck.sarif`) may be too."""
    from extractor.ingest import collect

    existing = [name for name in inputs if Path(name).exists()]
    documents = {Path(name).resolve() for name in [*existing, *collect(existing)[0]]}
    checked = [Path(name).resolve() for name in existing if Path(name).is_dir()]
    roots = [folder.resolve() for folder in folders or []]
    state = defaults.INDEX.parent.name
    for path in outputs:
        if path is None:
            continue
        target = path.resolve()
        if target in documents:
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


def write_atomic(
    path: Path,
    data: bytes,
    inputs: list[str] | None = None,
    folders: list[Path] | None = None,
    name: str = "rapport.html",
) -> None:
    """Writes an output file through a temporary file, synced, and a rename (with the mode a new
    file of the user's gets, or the one of the file it replaces), or straight into a character
    device or a FIFO; refuses to overwrite an input or to write inside an input folder."""
    from extractor import fileio

    refuse_inputs([path], inputs or [], folders)
    fileio.write_atomic(path, data, name)


def _only_changed_lines(report, lines_changed: dict[str, set[int] | None]):
    """Keeps the findings that touch a line the change adds or modifies."""
    keep = []
    for finding in report.findings:
        for evidence in finding.evidence:
            changed_lines = lines_changed.get(evidence.location.path, set())
            if changed_lines is None or evidence.location.line in changed_lines:
                keep.append(finding)
                break
    return report.restricted(keep)


def _site_results(
    site: Path, ctx: checks.Context, rules: list[str] | None, reference: Path | None, timeout: float, state: Path
) -> ResultCache:
    """The results of a site's previous run (issue 14, item 8), keyed by what findings depend on
    (extractor.results: code, profile, libraries, engines; here the rest, each by content)."""
    from extractor.cachekey import file_digest
    from extractor.results import ResultCache, run_key
    from extractor.sitemap import inputs_digest

    parts = [
        ",".join(sorted(rules or [])),
        f"{timeout:g}",
        file_digest(reference) if reference else "",
        ctx.corpus.digest() if ctx.corpus is not None else "",
        inputs_digest(site),
    ]
    return ResultCache(state / "site-results.sqlite", run_key(parts))


def _printable(report):
    """The report with every string that holds a name that is not UTF-8 escaped
    (`fileio.printable`: "caf\\xe9.md"), so that every format can carry it (JSON and SARIF must be
    UTF-8); the same report when there is none."""
    from extractor.fileio import printable
    from extractor.models import Report

    changed = False

    def walk(value: object) -> object:
        nonlocal changed
        if isinstance(value, str):
            shown = printable(value)
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


def _unread_as_findings(report, named: list[str]):
    """In a site run, a file of a folder that cannot be read is an info finding (site/unread-file),
    not exit 2; a file named on the command line keeps its error."""
    from extractor import fingerprint, site

    files = {Path(p).resolve() for p in named if Path(p).is_file()}
    kept = [e for e in report.errors if Path(e.path).resolve() in files]
    unread = fingerprint.assign([site.unread_file(e) for e in report.errors if e not in kept])
    report = report.restricted([*report.findings, *unread])
    report.errors = kept
    report.stats.errors = len(kept)
    return report


def _site_of(paths: list[str]) -> tuple[Path | None, bool]:
    """The site the paths are checked as part of (issue 23, item 2), and whether they are the
    whole site (one path, the site's root). Paths inside a site (a `_config.yml` and the registry
    at or above them, up to the repository's root) are checked with its registry and its corpus;
    paths in several sites, or outside any, are loose files (None)."""
    from extractor import site as sites

    if len(paths) == 1 and sites.site_root(paths[0]) is not None:
        return Path(paths[0]), True
    roots = {sites.enclosing_site(p) for p in paths if Path(p).exists()}
    if not paths or len(roots) != 1 or None in roots or not all(Path(p).exists() for p in paths):
        return None, False
    (root,) = roots
    assert root is not None
    here = Path.cwd().resolve()
    return (Path(os.path.relpath(root, here)) if root.is_relative_to(here) else root), False


def _within_site(paths: list[str], folders: list[str]) -> list[str]:
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


ReferenceOption = Annotated[Path, typer.Option(help="Registre importé (factcheck reference import).")]
DEFAULT_REFERENCE = defaults.REFERENCE


@app.command()
@guarded
def check(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Fichiers ou dossiers à vérifier.", show_default=False)
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Format de sortie.")
    ] = OutputFormat.text,
    fail_on: Annotated[
        FailOn, typer.Option(help="Sévérité à partir de laquelle le code de sortie est 1.")
    ] = FailOn.error,
    rules: Annotated[
        list[str] | None, typer.Option("--rule", "-r", help="Ne lancer que ces règles (id ou famille, ex. text/).")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Écrire le rapport dans ce fichier.")] = None,
    debug: Annotated[bool, typer.Option(help="Afficher les traces Python des erreurs internes.")] = False,
    timeout: Annotated[
        float, typer.Option(help="Durée maximale par document, en secondes (0 : sans limite).", min=0)
    ] = limits.DOCUMENT_SECONDS,
    reference: ReferenceOption = DEFAULT_REFERENCE,
    corpus: Annotated[
        Path, typer.Option(help="Documents publiés auxquels comparer (index rafraîchi à chaque vérification).")
    ] = defaults.CORPUS,
    index: Annotated[Path, typer.Option(help="Index SQLite du corpus.")] = defaults.INDEX,
    baseline: Annotated[
        Path | None, typer.Option(help="Ne signaler que les constats absents de ce fichier (--write-baseline).")
    ] = None,
    write_baseline: Annotated[
        Path | None, typer.Option(help="Enregistrer les empreintes des constats de cette vérification.")
    ] = None,
    changed: Annotated[bool, typer.Option(help="Ne vérifier que les fichiers modifiés depuis --base (git).")] = False,
    base: Annotated[str, typer.Option(help="Référence git pour --changed.")] = "HEAD",
    all_lines: Annotated[bool, typer.Option(help="Avec --changed : signaler aussi les lignes non modifiées.")] = False,
) -> None:
    """Vérifie des documents et liste les incohérences trouvées."""
    import time

    from extractor.cliutil import run_start

    started = run_start()  # as a command: the process's start; called in-process: now
    from extractor import checks, progress
    from extractor.pipeline import ContextSpec, check_paths, open_context

    if rules:
        unknown = checks.unknown(rules)
        if unknown:
            raise fail(f"règle inconnue : {', '.join(unknown)} (règles : {', '.join(checks.rules())})")
    from extractor import site as sites

    if changed and not paths and sites.enclosing_site(".") is not None:
        paths = ["."]  # `--changed` alone in a site: the site's changed documents, as with `.`
    named = list(paths or [])
    site, whole = _site_of(named)
    corpus_folders: list[Path] = [corpus]
    shown = progress.for_terminal()  # each phase named, on stderr, until the report is written
    at_end(shown.close)  # also when the run stops on an error
    roots = [site] if site is not None and whole else []  # a site's own files (index.md, _config.yml)
    state = Path()
    if site is not None:
        refuse_inputs([output, write_baseline, index], [], roots)  # before the registry's import
        # A site, or paths inside one: its own registry (no import step), its folders as corpus;
        # for the whole site, its folders are the documents checked; its state (registry, index,
        # kept results) in its folder of the user's cache.
        folders = sites.checked_folders(site)
        paths = folders if whole else _within_site(named, folders)
        corpus_folders = [Path(p) for p in folders]
        state, notice = sites.state_folder(site)
        notices = [notice] if notice else []
        if index == defaults.INDEX:
            index = state / "index.sqlite"
            sites.open_index(index, notices)
        how = None
        if reference == DEFAULT_REFERENCE:
            shown.phase("Import du registre du site")
            reference, imported = sites.site_registry(site, state, notices)
            how = "importé" if imported else "déjà importé, inchangé"
        for line in notices:
            err_console().print(line, markup=False, highlight=False)
        if how:
            what = f"dossiers : {', '.join(paths)}" if whole else f"corpus : {', '.join(folders)}"
            err_console().print(f"{site} : site ; registre lu du site ({how}) ; {what}")
    inputs = [*(paths or []), *(str(f) for f in corpus_folders if f.is_dir())]
    refuse_inputs([output, write_baseline, index], inputs, roots)  # before any work, not after it
    ctx = open_context(reference, corpus_folders, index, site=site, progress=shown)
    from extractor import baseline as baselines

    lines_changed: dict[str, set[int] | None] = {}
    if changed:
        from extractor.changed import changed_files

        shown.phase("Recherche des fichiers modifiés (git)")
        lines_changed = changed_files(base, Path.cwd())
        if site is not None:  # also the documents citing a changed registry or FAST page
            from extractor.changed import site_changes

            lines_changed = site_changes(site, paths or [], lines_changed, ctx.registry)
        paths = [p for p in lines_changed if not paths or any(Path(p).is_relative_to(q) for q in paths)]
        if not paths:
            shown.close()
            Console(highlight=False).print(f"Aucun document modifié depuis {base}")
            return
    elif not paths:
        raise fail("indiquer des fichiers ou dossiers à vérifier (ou --changed)")
    inputs += paths  # with --changed: the files git gave
    known = baselines.load(baseline) if baseline else set()
    results = _site_results(site, ctx, rules, reference, timeout, state) if site is not None and whole else None
    for line in results.notices if results is not None else []:
        err_console().print(line, markup=False, highlight=False)
    with shown:
        spec = ContextSpec(reference, tuple(corpus_folders), index, site) if site is not None else None
        report = check_paths(paths, rules, debug=debug, ctx=ctx, progress=shown, seconds=timeout or None,
                             details=output_format == OutputFormat.html, results=results, workers=spec)  # fmt: skip
    if results is not None:
        results.prune()
        results.close()
        if results.hits:
            err_console().print(
                f"{results.hits} document(s) inchangé(s) : résultats de la vérification précédente repris"
            )
    if site is not None and report.errors:
        report = _unread_as_findings(report, named)
    report = _printable(report)
    if write_baseline:
        write_atomic(write_baseline, baselines.dump(report), inputs, roots)
        err_console().print(f"{write_baseline} : {len(report.findings)} constat(s) enregistré(s)")
    if known:
        report = baselines.apply(report, known)
    if changed and not all_lines:
        report = _only_changed_lines(report, lines_changed)
    report.failed = fail_on.reached_by(report.findings)
    report.stats.seconds = round(time.monotonic() - started, 3)  # the run's wall time, not the checking alone
    from extractor.report.skipped import line_fr

    skipped = line_fr(report)  # the text report ends with it; other outputs say it on stderr
    if skipped and (output_format != OutputFormat.text or output):
        err_console().print(skipped, markup=False, highlight=False)
    if output_format != OutputFormat.text:
        if output_format == OutputFormat.json:
            data = report.model_dump_json(indent=2).encode() + b"\n"
        elif output_format == OutputFormat.sarif:
            import json

            from extractor.report import sarif

            data = json.dumps(sarif.render(report), indent=2, ensure_ascii=False).encode() + b"\n"
        elif output_format == OutputFormat.github:
            from extractor.report import github

            data = github.render(report).encode()
        else:
            from extractor.fileio import printable
            from extractor.report import html

            data = printable(html.render(report)).encode()  # the documents' own names in it too
        if output:
            write_atomic(output, data, inputs, roots)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    else:
        from extractor.report.text import render

        if output:
            console = Console(record=True, width=120, file=open(os.devnull, "w"))  # noqa: SIM115
            render(report, console)
            write_atomic(output, console.export_text().encode(), inputs, roots)
        else:
            render(report, Console(highlight=False, soft_wrap=True))
    if report.errors:
        for error in report.errors:
            hint = f" ({error.hint})" if error.hint else ""
            if output_format != OutputFormat.text or output:
                err_console().print(f"[bold red]erreur[/] {error.path} : {error.message}{hint}")
        raise typer.Exit(EXIT_ERROR)
    if report.failed and not write_baseline:  # writing the baseline is the job: its findings fail nothing
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
@guarded
def repair(
    file: Annotated[str, typer.Argument(help="Fichier texte (.md, .txt, .html) à réparer.", show_default=False)],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Écrire le texte réparé dans ce fichier.")
    ] = None,
) -> None:
    """Répare l'encodage d'un fichier texte (mojibake) et écrit le texte réparé ; l'original n'est jamais modifié."""
    from extractor.ingest import detect_format, read_file
    from extractor.repair import decode_file
    from extractor.repair import repair as fix

    fmt = detect_format(file)
    if fmt in ("pdf", "docx"):
        raise fail(f"{file} : « repair » lit les fichiers texte (.md, .txt, .html), pas les fichiers .{fmt}")
    decoded = decode_file(read_file(file), file)
    result = fix(decoded.text)
    payload = result.text.encode("utf-8")
    if output:
        write_atomic(output, payload, [file], name=Path(file).name)
    else:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
    how = f" ({result.explanation})" if result.explanation else ""
    lines = decoded.foreign_lines
    other = (
        f" ; {len(lines)} ligne(s) enregistrée(s) dans un autre encodage, décodée(s) à part "
        f"({', '.join(f'ligne {f.line} : {f.encoding}' for f in lines[:5])}{', …' if len(lines) > 5 else ''})"
        if lines
        else ""
    )
    err_console().print(f"{file} : {len(result.spans)} passage(s) réparé(s){how}{other}")


class ExtractFormat(StrEnum):
    table = "table"
    json = "json"


def _registry(path: Path):
    """The imported registry, or None with one notice that registry-based resolution is off."""
    from extractor.reference.store import NO_REGISTRY_FR, load_registry

    registry = load_registry(path)
    if registry is None:
        err_console().print(NO_REGISTRY_FR)
    return registry


@app.command()
@guarded
def extract(
    files: Annotated[list[str], typer.Argument(help="Documents à lire.", show_default=False)],
    output_format: Annotated[
        ExtractFormat, typer.Option("--format", "-f", help="Format de sortie.")
    ] = ExtractFormat.table,
    reference: ReferenceOption = DEFAULT_REFERENCE,
) -> None:
    """Liste les chiffres de chaque document : valeur, unité, ce qu'ils comptent, pour qui, quand."""
    from extractor.claims.resolve import extract_claims
    from extractor.entities.extract import extract_entities
    from extractor.ingest import load
    from extractor.models import Extraction, summarise

    registry = _registry(reference)
    results = []
    failed = False
    for name in files:
        try:
            doc = load(name)
        except InputError as exc:
            hint = f" ({exc.hint})" if exc.hint else ""
            err_console().print(f"[bold red]erreur[/] {exc.path} : {exc.message}{hint}")
            failed = True
            continue
        results.append(
            Extraction(
                document=summarise(doc),
                claims=extract_claims(doc, registry),
                entities=extract_entities(doc, registry),
            )
        )
    if output_format == ExtractFormat.json:
        payload = "[" + ",".join(r.model_dump_json(indent=2) for r in results) + "]\n"
        sys.stdout.buffer.write(payload.encode())
    else:
        from extractor.report.claims_table import render_claims

        console = Console(highlight=False)
        if not console.is_terminal:
            console = Console(highlight=False, width=160)
        render_claims(results, console)
    if failed:
        raise typer.Exit(EXIT_ERROR)


@app.command()
@guarded
def serve(
    host: Annotated[str, typer.Option(help="Adresse d'écoute.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    corpus: Annotated[Path, typer.Option(help="Documents publiés auxquels comparer.")] = defaults.CORPUS,
    index: Annotated[Path, typer.Option(help="Index SQLite du corpus.")] = defaults.INDEX,
    reference: ReferenceOption = DEFAULT_REFERENCE,
    workers: Annotated[
        int | None, typer.Option(help="Processus de vérification (par défaut : un par cœur).", min=1)
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="Durée maximale par document, en secondes.", min=0.1)
    ] = limits.SERVICE_TIMEOUT,
    max_mb: Annotated[int, typer.Option(help="Taille maximale d'un document, en Mo.", min=1)] = limits.SERVICE_MAX_MB,
    max_pages: Annotated[int, typer.Option(help="Nombre maximal de pages d'un PDF.", min=1)] = limits.MAX_PDF_PAGES,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            help="Nom accepté dans l'en-tête Host (répétable ; « * » : tous). Par défaut : l'adresse "
            "d'écoute, localhost, 127.0.0.1 et ::1 ; les autres sont refusés (protection contre le DNS rebinding)."
        ),
    ] = None,
) -> None:
    """Lance le service HTTP (API et page web) : http://127.0.0.1:8000/ ; documentation : /docs."""
    import time

    import uvicorn

    from extractor.cliutil import run_start
    from extractor.service import guard
    from extractor.service.app import Settings, create_app
    from extractor.service.server import Server

    settings = Settings(reference=reference, corpus=corpus, index=index, timeout=timeout,
                        max_bytes=max_mb * 1024 * 1024, max_pages=max_pages,
                        allowed_hosts=guard.allowed_hosts(host, allowed_host or ()))  # fmt: skip
    if workers:
        settings.workers = workers
    config = uvicorn.Config(create_app(settings), host=host, port=port, log_level="warning",
                            http=guard.protocol(limits.SERVICE_HEADER_SECONDS),
                            timeout_keep_alive=int(limits.SERVICE_KEEP_ALIVE_SECONDS))  # fmt: skip
    address = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
    err_console().print(
        f"factcheck serve : démarrage sur {address} (registre, corpus, règles et {settings.workers} processus de "
        "vérification en cours de chargement…)"
    )

    started = run_start()

    def ready() -> None:
        seconds = f"{time.monotonic() - started:.1f}".replace(".", ",")
        err_console().print(f"Prêt ({seconds} s) : page web {address} ; API {address}docs ; arrêt : Ctrl-C")

    Server(config, on_ready=ready).run()


class RulesFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command(name="rules")
def list_rules(
    output_format: Annotated[RulesFormat, typer.Option("--format", "-f", help="Format de sortie.")] = RulesFormat.text,
) -> None:
    """Affiche le catalogue des règles : identifiant, gravité, ce que chacune signale et pourquoi."""
    import json

    from extractor import checks
    from extractor.checks.docs import markdown_table, severities_fr

    checks.rules()  # every check registered against its entry
    specs = sorted(checks.catalogue().values(), key=lambda s: s.id)
    if output_format == RulesFormat.json:
        payload = [s.model_dump(mode="json", exclude={"examples"}) for s in specs]
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    elif output_format == RulesFormat.markdown:
        sys.stdout.write(markdown_table())
    else:
        console = Console(highlight=False, soft_wrap=True)
        for s in specs:
            needed = [{"registry": "le registre", "corpus": "le corpus", "site": "le site"}.get(n, n) for n in s.needs]
            needs = f" (nécessite {' et '.join(needed)})" if needed else ""
            console.print(f"[bold]{s.id}[/]  {severities_fr(s)}{needs}\n  {s.title_fr} : {s.description_fr}")
            if s.rationale_fr:
                console.print(f"  [dim]{s.rationale_fr}[/]")


@app.command()
def schema() -> None:
    """Affiche le schéma JSON du rapport (sortie de « check --format json »)."""
    import json

    from extractor.models import Report

    sys.stdout.write(json.dumps(Report.model_json_schema(), indent=2, ensure_ascii=False) + "\n")


@app.command(name="index")
@guarded
def index_corpus(
    corpus: Annotated[Path, typer.Argument(help="Dossier des documents publiés.")] = defaults.CORPUS,
    index: Annotated[Path, typer.Option(help="Index SQLite du corpus.")] = defaults.INDEX,
    reference: ReferenceOption = DEFAULT_REFERENCE,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            help="Processus de lecture (0 : un par cœur ; par défaut, un par cœur à partir de 64 documents à lire).",
            min=0,
        ),
    ] = None,
) -> None:
    """Construit ou met à jour l'index des chiffres du corpus (seuls les documents modifiés sont relus)."""
    from extractor.corpus.index import CorpusIndex

    if not corpus.is_dir():
        raise FactcheckError(f"{corpus} : dossier introuvable (le corpus est un dossier de documents publiés)")
    workers = None if jobs is None else jobs or os.cpu_count() or 1
    stats = CorpusIndex(index, corpus).refresh(corpus, _registry(reference), jobs=workers)
    Console(highlight=False).print(
        f"{index} : {stats.documents} documents, {stats.extracted} relus, {stats.removed} retirés, "
        f"{stats.claims} chiffres indexés ({stats.seconds:.2f} s)"
    )


@app.command(name="eval")
@guarded
def evaluate(
    corpus: Annotated[Path, typer.Option(help="Dossier des documents.")] = defaults.CORPUS,
    expected: Annotated[Path, typer.Option(help="Dossier du jeu de référence (*.claims.json).")] = Path("expected"),
    min_numbers_f1: Annotated[float, typer.Option(help="Seuil de F1 des nombres (code 1 en dessous).")] = 0.0,
    min_claims_f1: Annotated[float, typer.Option(help="Seuil de F1 des affirmations complètes.")] = 0.0,
    min_findings_recall: Annotated[float, typer.Option(help="Seuil de rappel des constats attendus.")] = 0.0,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Lister les écarts.")] = False,
    reference: ReferenceOption = DEFAULT_REFERENCE,
    site: Annotated[Path | None, typer.Option(help="Site dont les constats sont jugés dans expected/site/.")] = None,
    min_site_precision: Annotated[float, typer.Option(help="Seuil de précision des constats sur le site.")] = 0.0,
    min_rule_precision: Annotated[
        float, typer.Option(help="Seuil de précision par règle (règles d'au moins 5 constats) sur le site.")
    ] = 0.0,
    write_unjudged: Annotated[
        Path | None, typer.Option(help="Écrire les constats non jugés du site (à juger à la main).")
    ] = None,
    corrections: Annotated[
        Path | None,
        typer.Option(
            help="Dossier de corrections réelles (cases.jsonl, before/, after/) : rappel des règles d'écriture."
        ),
    ] = None,
    min_nonword_recall: Annotated[
        float, typer.Option(help="Seuil de rappel des mots inexistants corrigés (--corrections).")
    ] = 0.0,
    min_realword_recall: Annotated[
        float, typer.Option(help="Seuil de rappel des mots existants mal employés (--corrections).")
    ] = 0.0,
    max_false_flags: Annotated[
        int | None, typer.Option(help="Nombre maximal de mots corrigés signalés à tort (--corrections).")
    ] = None,
) -> None:
    """Mesure l'extraction (précision, rappel, F1) contre le jeu de référence vérifié à la main."""
    from rich.table import Table

    from extractor.eval import Score, evaluate

    registry = _registry(reference)
    results = evaluate(corpus, expected, registry)
    table = Table(title="Extraction contre expected/", title_justify="left")
    for column in ("document", "nombres P", "R", "F1", "affirmations P", "R", "F1"):
        table.add_column(column, justify="right" if column != "document" else "left")
    numbers, claims = Score(), Score()

    def row(name: str, n: Score, c: Score) -> None:
        table.add_row(name, *(f"{x:.3f}" for x in (n.precision, n.recall, n.f1, c.precision, c.recall, c.f1)))

    for result in results:
        numbers.add(result.numbers)
        claims.add(result.claims)
        row(result.document, result.numbers, result.claims)
    row("ensemble", numbers, claims)
    console = Console(highlight=False, width=120)
    console.print(table)
    if verbose:
        for result in results:
            for miss in result.misses:
                console.print(f"  {result.document}  {miss}", markup=False)
    console.print(f"numbers F1 {numbers.f1:.3f} (gold {numbers.tp + numbers.fn}), claims F1 {claims.f1:.3f}")
    findings_ok = True
    if any(expected.glob("*.findings.json")):
        from extractor.eval import evaluate_findings

        findings_result = evaluate_findings(corpus, expected, registry)
        rules_table = Table(title="Constats contre expected/*.findings.json", title_justify="left")
        for column in ("règle", "attendus", "trouvés", "P", "R"):
            rules_table.add_column(column, justify="right" if column != "règle" else "left")
        for rule_id, score in sorted(findings_result.per_rule.items()):
            rules_table.add_row(rule_id, str(score.tp + score.fn), str(score.tp + score.fp),
                                f"{score.precision:.3f}", f"{score.recall:.3f}")  # fmt: skip
        console.print(rules_table)
        if verbose:
            for miss in findings_result.misses:
                console.print(f"  {miss}", markup=False)
        total = Score()
        for score in findings_result.per_rule.values():
            total.add(score)
        violated = len(findings_result.violations)
        console.print(f"findings P {total.precision:.3f} R {total.recall:.3f}; must-not-flag violated: {violated}")
        for violation in findings_result.violations:
            console.print(f"  [bold red]à ne pas signaler[/] {violation}")
        findings_ok = not findings_result.violations and total.recall >= min_findings_recall
    site_ok = True
    if site is not None:
        site_ok = _evaluate_site(site, expected / "site", min_site_precision, min_rule_precision, write_unjudged,
                                 console)  # fmt: skip
    corrections_ok = True
    if corrections is not None:
        corrections_ok = _evaluate_corrections(
            corrections, min_nonword_recall, min_realword_recall, max_false_flags, verbose, console
        )
    if numbers.f1 < min_numbers_f1 or claims.f1 < min_claims_f1 or not findings_ok or not site_ok:
        err_console().print(
            f"[bold red]sous le seuil[/] : nombres {numbers.f1:.3f} (min {min_numbers_f1}), "
            f"affirmations {claims.f1:.3f} (min {min_claims_f1}), constats (rappel min {min_findings_recall}, "
            "aucun cas à ne pas signaler)"
        )
        raise typer.Exit(EXIT_FINDINGS)
    if not corrections_ok:
        raise typer.Exit(EXIT_FINDINGS)


def _evaluate_corrections(folder: Path, min_nonword: float, min_realword: float, max_false_flags: int | None,
                          verbose: bool, console: Console) -> bool:  # fmt: skip
    """Recall on real corrections, factcheck's and Grammalecte's alone; False under a gate."""
    from rich.table import Table

    from extractor import engines
    from extractor.checks.grammalecte import ENGINE
    from extractor.corrections_eval import KINDS, evaluate_corrections

    status = engines.probe(ENGINE)
    if not status.available:
        err_console().print(
            f"[bold yellow]Grammalecte indisponible[/] : {status.reason_fr} ; {status.hint_fr} "
            "(text/grammar et la référence « Grammalecte seul » ne comptent rien)"
        )
    result = evaluate_corrections(folder)
    labels = {"factcheck": "factcheck", "grammalecte": "Grammalecte seul"}
    table = Table(title=f"Corrections réelles de {folder}", title_justify="left")
    for column in ("lecteur", "mots inexistants", "rappel", "mots mal employés", "rappel", "signalés à tort"):
        table.add_column(column, justify="left" if column == "lecteur" else "right")
    for reader, tallies in result.tallies.items():
        nonword, realword = tallies["non-word"], tallies["real-word"]
        table.add_row(labels[reader], f"{nonword.found}/{nonword.cases}", f"{nonword.recall:.1%}",
                      f"{realword.found}/{realword.cases}", f"{realword.recall:.1%}",
                      str(result.false_flags(reader)))  # fmt: skip
    console.print(table)
    ours = result.tallies["factcheck"]
    if verbose:
        for kind in KINDS:
            for case in ours[kind].missed:
                console.print(f"  manqué ({kind}) {case.file}:{case.line} {case.before} -> {case.after}", markup=False)
            for case in ours[kind].flagged:
                console.print(f"  signalé à tort {case.file}:{case.line} {case.after}", markup=False)
    failed = []
    if ours["non-word"].recall < min_nonword:
        failed.append(f"rappel des mots inexistants {ours['non-word'].recall:.1%} (min {min_nonword:.0%})")
    if ours["real-word"].recall < min_realword:
        failed.append(f"rappel des mots mal employés {ours['real-word'].recall:.1%} (min {min_realword:.0%})")
    if max_false_flags is not None and result.false_flags("factcheck") > max_false_flags:
        failed.append(f"{result.false_flags('factcheck')} mots corrigés signalés à tort (max {max_false_flags})")
    for line in failed:
        err_console().print(f"[bold red]sous le seuil[/] : {line}")
    return not failed


SITE_RULE_MIN_FINDINGS = 5  # a rule's own precision gate applies from this many findings


def _evaluate_site(site: Path, expected: Path, min_precision: float, min_rule_precision: float,
                   write_unjudged: Path | None, console: Console) -> bool:  # fmt: skip
    """Precision per rule of the site's findings against their verdicts; False under a gate or when
    a finding has no verdict (a new finding is judged by a person, never accepted blindly)."""
    import json

    from rich.table import Table

    from extractor.site_eval import evaluate_site, unjudged_entries

    result = evaluate_site(site, expected)
    table = Table(title=f"Constats sur {site} contre {expected}/verdicts.json", title_justify="left")
    for column in ("règle", "constats", "vrais", "faux", "non jugés", "P"):
        table.add_column(column, justify="right" if column != "règle" else "left")
    for rule_id, score in sorted(result.per_rule.items()):
        table.add_row(rule_id, str(score.judged + score.unjudged), str(score.true), str(score.false),
                      str(score.unjudged), f"{score.precision:.3f}")  # fmt: skip
    console.print(table)
    total = result.total
    console.print(
        f"site: {total.judged + total.unjudged} constats, P {total.precision:.3f}, non jugés {total.unjudged}, "
        f"verdicts sans constat {len(result.stale)}, problèmes réels non signalés (missed.json) {result.missed}"
    )
    for finding in result.unjudged:
        first = finding.evidence[0].location
        console.print(f"  [bold red]non jugé[/] {first.path}:{first.line} {finding.rule} {finding.message_fr[:100]}")
    if write_unjudged is not None:
        write_atomic(
            write_unjudged, json.dumps(unjudged_entries(result.unjudged), ensure_ascii=False, indent=1).encode()
        )
    weak = [r for r, s in result.per_rule.items()
            if s.judged >= SITE_RULE_MIN_FINDINGS and s.precision < min_rule_precision]  # fmt: skip
    for rule_id in weak:
        console.print(f"  [bold red]précision sous {min_rule_precision}[/] {rule_id}")
    return not result.unjudged and total.precision >= min_precision and not weak


@app.command()
@guarded
def ingest(
    file: Annotated[str, typer.Argument(help="Document à lire.", show_default=False)],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Format de sortie.")
    ] = OutputFormat.text,
) -> None:
    """Montre le document structuré tel que factcheck le lit (blocs, emplacements) : pour déboguer les lecteurs."""
    from extractor.ingest import load

    doc = load(file)
    if output_format == OutputFormat.json:
        sys.stdout.buffer.write(doc.model_dump_json(indent=2).encode() + b"\n")
        return
    console = Console(highlight=False, soft_wrap=True)
    console.print(
        f"[bold]{doc.path}[/] format={doc.format} encodage={doc.encoding or '-'} titre={doc.title!r} "
        f"date={doc.date} blocs={len(doc.blocks)} réparations={len(doc.repairs)}"
        + (f" pages={doc.pages}" if doc.pages else ""),
        markup=True,
    )
    for block in doc.blocks:
        loc = block.location
        where = (f"p{loc.page} " if loc.page else "") + f"{loc.line}:{loc.column}"
        extra = []
        if block.parent is not None:
            extra.append(f"parent={block.parent}")
        if block.table is not None:
            extra.append(f"table={block.table} r{block.row}c{block.col}")
        if block.row_header:
            extra.append(f"ligne={block.row_header[:40]!r}")
        if block.column_header:
            extra.append(f"colonne={block.column_header!r}")
        if block.field:
            extra.append(f"champ={block.field}")
        meta = f" [{' '.join(extra)}]" if extra else ""
        console.print(f"{block.id:>4} {where:>10} {block.kind.value:<12}{meta} {block.text}", markup=False)


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM ends the run through SystemExit, so clean-up code runs (temporary files, worker
    processes), with the shell's code for it (143)."""
    sys.exit(128 + signum)


def main() -> None:
    import signal

    from extractor.cliutil import mark_process_start

    mark_process_start()  # the summary's time counts the start-up too (interpreter, imports)
    debug = "--debug" in sys.argv
    limits.cap_memory()
    signal.signal(signal.SIGTERM, _terminate)
    try:
        app(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        err_console().print(
            f"[bold red]erreur interne[/] {type(exc).__name__}: {exc} (relancer avec --debug et signaler le problème)"
        )
        sys.exit(EXIT_ERROR)
