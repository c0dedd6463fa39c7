"""check --changed [--base REF] [--all-lines] (issue 5)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app

BEFORE = "# Bilan\n\nVoir la section X.\n\nLe texte est propre.\n"
AFTER = "# Bilan\n\nVoir la section X.\n\nLe texte est propre, le le texte.\n"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t"})  # fmt: skip


def test_changed_files_and_lines(tmp_path: Path, monkeypatch) -> None:
    repo = tmp_path / "site"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "page.md").write_text(BEFORE, encoding="utf-8")
    (repo / "other.md").write_text("Voir la section X.\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "init")
    monkeypatch.chdir(repo)
    runner = CliRunner()
    result = runner.invoke(app, ["check", "--changed"])
    assert result.exit_code == 0 and "Aucun document modifié" in result.stdout
    (repo / "page.md").write_text(AFTER, encoding="utf-8")
    (repo / "new.md").write_text("Un nouveau XXX.\n", encoding="utf-8")
    result = runner.invoke(app, ["check", "--changed", "--format", "json", "--corpus", "none"])
    report = json.loads(result.stdout)
    # page.md: only the changed line 5 ("le le"), not the old "section X" of line 3; new.md: everything;
    # other.md: not checked (unchanged)
    assert sorted((Path(f["evidence"][0]["location"]["path"]).name, f["rule"]) for f in report["findings"]) == [
        ("new.md", "text/placeholder"),
        ("page.md", "text/duplicated-token"),
    ]
    assert sorted(Path(d["path"]).name for d in report["documents"]) == ["new.md", "page.md"]
    every = json.loads(runner.invoke(app, ["check", "--changed", "--all-lines", "-f", "json"]).stdout)
    assert ("page.md", "text/placeholder") in {
        (Path(f["evidence"][0]["location"]["path"]).name, f["rule"]) for f in every["findings"]
    }


def test_changed_outside_git_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check", "--changed"])
    assert result.exit_code == 2 and "git" in result.stderr
