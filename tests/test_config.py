"""Per-rule severity configuration next to the checked files."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app
from extractor.run import config

DOC = "Voir la section X.\n\nLa communauté beta.gouv.fr.fr grandit.\n"


def check(folder: Path) -> tuple[int, str]:
    config.severities_for.cache_clear()
    result = CliRunner().invoke(app, ["check", str(folder / "page.md"), "--format", "json"])
    return result.exit_code, result.stdout


def test_factcheck_toml_changes_and_turns_off_rules(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text(DOC, encoding="utf-8")
    code, out = check(tmp_path)
    assert code == 1 and '"rule": "text/placeholder"' in out and '"severity": "warning"' in out
    (tmp_path / "factcheck.toml").write_text(
        '[severity]\n"text/placeholder" = "off"\n"text/duplicated-token" = "error"\n', encoding="utf-8"
    )
    code, out = check(tmp_path)
    assert '"rule": "text/placeholder"' not in out
    assert '"rule": "text/duplicated-token"' in out and '"severity": "error"' in out and code == 1


def test_pyproject_table_in_a_parent_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.factcheck.severity]\n"text/placeholder" = "info"\n', "utf-8")
    sub = tmp_path / "docs"
    sub.mkdir()
    (sub / "page.md").write_text("Voir la section X.\n", encoding="utf-8")
    code, out = check(sub)
    assert code == 0 and '"severity": "info"' in out  # below the default --fail-on error


def test_a_bad_level_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text(DOC, encoding="utf-8")
    (tmp_path / "factcheck.toml").write_text('[severity]\n"text/placeholder" = "fatal"\n', encoding="utf-8")
    config.severities_for.cache_clear()
    result = CliRunner().invoke(app, ["check", str(tmp_path / "page.md")])
    assert result.exit_code == 2 and "factcheck.toml" in result.stderr and "Traceback" not in result.output
