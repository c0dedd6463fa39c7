"""The `factcheck` command (DESIGN §6). Exit codes: 0 clean (below --fail-on), 1 findings at or
above --fail-on, 2 usage or input error. No traceback reaches the user unless --debug."""

from __future__ import annotations

import os
import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from extractor import cli_french
from extractor.cliutil import EXIT_ERROR, EXIT_FINDINGS, at_end, err_console, fail, guarded
from extractor.errors import FactcheckError, InputError
from extractor.ingest import limits
from extractor.models import FailOn
from extractor.reference.cli import reference_app
from extractor.run import defaults

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


def refuse_inputs(outputs: list[Path | None], inputs: list[str], folders: list[Path] | None = None) -> None:
    """See `extractor.run.refuse_inputs` (the run refuses its outputs among its inputs)."""
    from extractor.run import refuse_inputs as refuse

    refuse(outputs, inputs, folders)


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
    from extractor.ingest import fileio

    refuse_inputs([path], inputs or [], folders)
    fileio.write_atomic(path, data, name)


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
    from extractor.report import baseline as baselines
    from extractor.run import Options, progress, run

    started = run_start()  # as a command: the process's start; called in-process: now
    shown = progress.for_terminal()  # each phase named, on stderr, until the report is written
    at_end(shown.close)  # also when the run stops on an error
    options = Options(
        paths=list(paths or []), rules=rules, reference=reference, corpus=corpus, index=index, timeout=timeout,
        baseline=baseline, changed=changed, base=base, all_lines=all_lines,
        details=output_format == OutputFormat.html, debug=debug, outputs=(output, write_baseline),
    )  # fmt: skip
    done = run(options, progress=shown, say=lambda line: err_console().print(line, markup=False, highlight=False))
    if done.nothing_changed:
        shown.close()
        Console(highlight=False).print(f"Aucun document modifié depuis {base}")
        return
    inputs, roots = done.inputs, done.roots
    if write_baseline:
        write_atomic(write_baseline, baselines.dump(done.unfiltered), inputs, roots)
        err_console().print(f"{write_baseline} : {len(done.unfiltered.findings)} constat(s) enregistré(s)")
    report = done.report
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
            from extractor.ingest.fileio import printable
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
    from extractor.ingest.repair import decode_file
    from extractor.ingest.repair import repair as fix

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

    from extractor.evaluate.gold import Score, evaluate

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
        from extractor.evaluate.gold import evaluate_findings

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
    from extractor.evaluate.corrections import KINDS, evaluate_corrections

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
    for reader, tallies in result.tallies.items():
        for case in (c for kind in KINDS for c in tallies[kind].left_wrong):
            console.print(
                f"  {labels[reader]} : « {case.after} » ({case.file}:{case.line}) signalé sur la page corrigée, "
                "non compté à tort : une correction plus récente le corrige encore",
                markup=False,
            )
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

    from extractor.evaluate.site import evaluate_site, unjudged_entries

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
