"""Optional engines (issue 23, items 6 and 7): a rule whose engine is missing or broken is skipped,
every output says which rule, why and the command that installs what is missing, and no file
fails. The missing dictionary is simulated (an engine whose loader says it is missing, or a
PYENCHANT_LIBRARY_PATH that points at no library), nothing is uninstalled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import checks, engines
from extractor.cli import app
from extractor.engines import Engine, EngineMissing
from tests.conftest import ROOT, SARIF_SCHEMA, need

TEXT = "Le service est notament utilisé.\n\nVoir la section X.\n"
INSTALL = "sudo apt-get install hunspell-fr-comprehensive"


@pytest.fixture
def no_dictionary(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The French dictionary's engine says it is not installed."""

    def missing() -> object:
        raise EngineMissing("dictionnaire français de Hunspell absent", f"l'installer : {INSTALL}")

    checks.rules()
    monkeypatch.setitem(engines._ENGINES, "hunspell-fr", Engine("hunspell-fr", "dictionnaire", INSTALL, missing))
    engines.reset()
    yield
    engines.reset()


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "page.md"
    path.write_text(TEXT, encoding="utf-8")
    return path


def run(page: Path, *options: str):
    return CliRunner().invoke(app, ["check", str(page), "--reference", str(page.parent / "none.sqlite"), *options])


def test_the_probe_says_available_or_why_not_and_how_to_install(no_dictionary) -> None:
    status = engines.probe("hunspell-fr")
    assert not status.available and "absent" in status.reason_fr and INSTALL in status.hint_fr
    assert engines.get("hunspell-fr") is None


def test_a_broken_engine_is_a_reason_not_a_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    """A loader that raises anything (a binding's AssertionError) gives the engine's install command."""

    def broken() -> object:
        raise AssertionError("/nulle/part does not exist")

    monkeypatch.setitem(engines._ENGINES, "essai", Engine("essai", "moteur d'essai", "apt-get install essai", broken))
    engines.reset()
    try:
        status = engines.probe("essai")
    finally:
        engines.reset()
    assert not status.available and "AssertionError" in status.reason_fr and "/nulle/part" in status.reason_fr
    assert "apt-get install essai" in status.hint_fr


def test_text_ends_with_one_line_naming_the_skipped_rules(no_dictionary, page: Path) -> None:
    result = run(page)
    assert result.exit_code == 1, result.output  # text/placeholder's error; no file failed (that is 2)
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("Règles non lancées : ")
    assert "text/spelling (dictionnaire français de Hunspell absent" in last and INSTALL in last
    assert "reference/* (aucun registre" in last and "factcheck reference import " in last
    assert "Règles non lancées" not in result.stderr  # said once


def test_json_lists_each_skipped_rule_with_its_reason_and_command(no_dictionary, page: Path) -> None:
    result = run(page, "--format", "json")
    report = json.loads(result.stdout)
    skipped = {s["rule"]: s for s in report["stats"]["skipped"]}
    assert "text/spelling" in report["stats"]["skipped_rules"]
    assert "absent" in skipped["text/spelling"]["reason_fr"] and INSTALL in skipped["text/spelling"]["hint_fr"]
    assert "Règles non lancées : " in result.stderr and "text/spelling" in result.stderr  # stdout is the JSON
    assert [f["rule"] for f in report["findings"]] == ["text/placeholder"]


def test_sarif_has_a_tool_notification_per_skipped_rule_and_validates(no_dictionary, page: Path) -> None:
    import jsonschema

    schema = json.loads(need(SARIF_SCHEMA).read_text(encoding="utf-8"))
    sarif = json.loads(run(page, "--format", "sarif").stdout)
    jsonschema.Draft7Validator({**schema, "$ref": "#/definitions/Root"}).validate(sarif)
    run_ = sarif["runs"][0]
    (invocation,) = run_["invocations"]
    assert invocation["executionSuccessful"] is True
    notes = {n["associatedRule"]["id"]: n for n in invocation["toolExecutionNotifications"]}
    spelling = notes["text/spelling"]
    assert INSTALL in spelling["message"]["text"] and "absent" in spelling["message"]["text"]
    rules = run_["tool"]["driver"]["rules"]
    assert rules[spelling["associatedRule"]["index"]]["id"] == "text/spelling"


def test_github_prints_a_notice(no_dictionary, page: Path) -> None:
    lines = run(page, "--format", "github").stdout.splitlines()
    notices = [line for line in lines if line.startswith("::notice title=Règles non lancées::")]
    assert any("text/spelling (dictionnaire français de Hunspell absent" in n and INSTALL in n for n in notices)


def test_the_api_fills_skipped_rules_and_the_time(no_dictionary, tmp_path: Path) -> None:
    from extractor.service import work

    work.init(tmp_path / "none.sqlite", None, 5)
    report = json.loads(work.check(TEXT.encode(), "note.md", None, None))
    skipped = {s["rule"]: s for s in report["stats"]["skipped"]}
    assert INSTALL in skipped["text/spelling"]["hint_fr"] and "text/spelling" in report["stats"]["skipped_rules"]
    assert "corpus/conflicting-value" in skipped and "--corpus" in skipped["corpus/conflicting-value"]["hint_fr"]
    assert report["stats"]["seconds"] > 0
    only = json.loads(work.check(TEXT.encode(), "note.md", None, ["text/placeholder"]))
    assert only["stats"]["skipped"] == []  # a rule not asked for is not "not run"


def test_a_rule_whose_engine_is_there_is_not_skipped() -> None:
    if not engines.probe("hunspell-fr").available:
        pytest.skip("no French dictionary here")
    ctx = checks.Context()
    checks.skip_unavailable(ctx, ["text/spelling"])
    assert ctx.skipped == {}


def test_every_need_of_the_catalogue_is_the_context_or_an_engine() -> None:
    checks.rules()
    for spec in checks.catalogue().values():
        for need_ in spec.needs:
            assert need_ in checks.CONTEXT_NEEDS or engines.known(need_), (spec.id, need_)


# Item 7: a stale PYENCHANT_LIBRARY_PATH made the binding raise in every file ("erreur interne", exit 2).


@pytest.mark.parametrize("library", ["absente.so", "pas-une-bibliotheque.so"])
def test_a_broken_binding_skips_spelling_and_fails_no_file(tmp_path: Path, library: str) -> None:
    (tmp_path / "pas-une-bibliotheque.so").write_text("ceci n'est pas une bibliothèque\n", encoding="utf-8")
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(TEXT, encoding="utf-8")
    env = {**os.environ, "PYENCHANT_LIBRARY_PATH": str(tmp_path / library), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "extractor", "check", "a.md", "b.md", "--format", "json", "--reference", "none"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr  # the placeholders' errors; a failed file is 2
    report = json.loads(result.stdout)
    assert report["errors"] == [] and report["stats"]["documents"] == 2
    assert [f["rule"] for f in report["findings"]] == ["text/placeholder", "text/placeholder"]
    why = {s["rule"]: s for s in report["stats"]["skipped"]}["text/spelling"]
    assert "PYENCHANT_LIBRARY_PATH" in why["reason_fr"] and "unset PYENCHANT_LIBRARY_PATH" in why["hint_fr"]
    assert "erreur interne" not in result.stderr and "Traceback" not in result.stderr


def test_the_html_report_says_it_too(no_dictionary, page: Path) -> None:
    html = run(page, "--format", "html").stdout
    assert "Règles non lancées : " in html and "text/spelling (dictionnaire français de Hunspell absent" in html
    assert INSTALL in html


def test_the_engines_cache_keys_do_not_shadow_the_engine_registry() -> None:
    """`extractor.checks` uses `extractor.engines` (availability); the engines' cache-key
    descriptions live in a submodule of `extractor.checks`: importing that submodule (as a site
    run's cache key does) must not replace the name the rule engine reads (it did: every site run
    with kept results ended in « erreur interne AttributeError »)."""
    from extractor import cachekey, checks, engines

    cachekey.engines()  # imports every module that declares an engine, as a site run does
    assert checks.engine_registry is engines
