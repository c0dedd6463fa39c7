"""What breaks for a site's CI and for editors (issue 23): paths inside a site checked as part of
the site, fingerprints independent of how a path is written, `--write-baseline` as a set-up step,
and `--changed` in a shallow clone. Small trees written by the tests; the CLI run in process."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.reference.store import NO_REGISTRY_FR
from tests.test_site import make_site

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
TYPO = "---\ntitle: Rapport\n---\n\nNous avons aidé **Franche Chaleur Urbaine** en 2024.\n"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV})  # fmt: skip
    return done.stdout


def check(cwd: Path, monkeypatch: pytest.MonkeyPatch, *arguments: str):
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(app, ["check", *arguments])


def findings(result) -> list[dict]:
    return json.loads(result.stdout)["findings"]


# -- item 2: a path inside a site is checked as part of the site -----------------------------------


def test_a_folder_inside_a_site_is_checked_with_the_sites_registry_and_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "site")
    (site / "content" / "docs" / "rapport.md").write_text(TYPO, encoding="utf-8")
    result = check(site, monkeypatch, "content/", "--format", "json")
    # The scanned PDF is an info finding, not exit 2; the registry is the site's (the name typo).
    assert result.exit_code == 1, result.stdout + result.stderr
    rules = {f["rule"] for f in findings(result)}
    assert {"reference/name-typo", "site/unread-file"} <= rules, rules
    assert json.loads(result.stdout)["errors"] == []
    assert NO_REGISTRY_FR not in result.stderr and "pas de corpus" not in result.stderr
    # Only the site's checked folders under content/ (not the README at the root, not _pages/).
    documents = {d["path"] for d in json.loads(result.stdout)["documents"]}
    assert documents and all(p.startswith("content/") for p in documents), documents
    # From inside the site's documents folder too, and a SARIF file is written for the upload.
    sarif = check(site / "content" / "docs", monkeypatch, ".", "--format", "sarif", "-o", str(tmp_path / "r.sarif"))
    assert sarif.exit_code == 1, sarif.stdout + sarif.stderr
    assert (tmp_path / "r.sarif").is_file()


def test_a_file_named_inside_a_site_keeps_exit_2_and_uses_the_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "site")
    (site / "content" / "docs" / "rapport.md").write_text(TYPO, encoding="utf-8")
    named = check(site, monkeypatch, "content/docs/rapport.md", "--format", "json")
    assert named.exit_code == 1 and [f["rule"] for f in findings(named)] == ["reference/name-typo"]
    scan = check(site, monkeypatch, "content/docs/scan.pdf")
    assert scan.exit_code == 2 and "couche texte" in scan.stdout + scan.stderr


def test_changed_without_a_path_at_the_sites_root_is_the_site_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "site")
    git(site, "init", "-q", "-b", "main")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "base")
    git(site, "checkout", "-q", "-b", "change")
    (site / "content" / "docs" / "rapport.md").write_text(TYPO, encoding="utf-8")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "change")
    bare = check(site, monkeypatch, "--changed", "--base", "main", "--format", "json")
    dot = check(site, monkeypatch, ".", "--changed", "--base", "main", "--format", "json")
    assert NO_REGISTRY_FR not in bare.stderr, bare.stderr
    assert bare.exit_code == dot.exit_code == 1, bare.stdout + bare.stderr
    assert [f["rule"] for f in findings(bare)] == [f["rule"] for f in findings(dot)] == ["reference/name-typo"]


# -- item 3: one fingerprint whatever the spelling of the path -------------------------------------


def fingerprints(cwd: Path, monkeypatch: pytest.MonkeyPatch, path: str) -> list[str]:
    result = check(cwd, monkeypatch, path, "--format", "json", "--corpus", "none")
    assert result.exit_code == 1, result.stdout + result.stderr
    return [f["fingerprint"] for f in findings(result)]


def test_a_finding_has_one_fingerprint_from_every_spelling_and_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / "fp").mkdir(parents=True)
    (repo / "fp" / "a.md").write_text("# Bilan\n\nVoir la section X.\n", encoding="utf-8")
    git(repo, "init", "-q")
    absolute = str(repo / "fp" / "a.md")
    spellings = [(repo, path) for path in ("fp/a.md", "./fp/a.md", absolute, "fp/../fp/a.md")]
    spellings += [(repo / "fp", path) for path in ("a.md", "./a.md", absolute, "../fp/a.md")]
    seen = {tuple(fingerprints(cwd, monkeypatch, path)) for cwd, path in spellings}
    assert len(seen) == 1 and len(next(iter(seen))) == 1, seen
    # The baseline one step writes matches the next step's spelling.
    baseline = tmp_path / "baseline.json"
    check(repo, monkeypatch, "fp/a.md", "--corpus", "none", "--write-baseline", str(baseline))
    again = check(repo / "fp", monkeypatch, "a.md", "--corpus", "none", "--baseline", str(baseline))
    assert again.exit_code == 0, again.stdout


def test_fingerprints_are_relative_to_the_site_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    site = make_site(repo / "site")
    git(repo, "init", "-q")
    page = site / "_pages" / "bilan.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nVoir la section X.\n", encoding="utf-8")
    from_repo = fingerprints(repo, monkeypatch, "site/_pages/bilan.md")
    from_site = fingerprints(site, monkeypatch, "_pages/bilan.md")
    assert from_repo == from_site == fingerprints(tmp_path, monkeypatch, str(page))
    # Without git, the same for the site; a loose file is relative to the working directory.
    (repo / ".git").rename(repo / "not-git")
    assert fingerprints(tmp_path, monkeypatch, "repo/site/_pages/bilan.md") == from_site
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "a.md").write_text("Voir la section X.\n", encoding="utf-8")
    assert fingerprints(tmp_path, monkeypatch, "loose/a.md") == fingerprints(tmp_path, monkeypatch, str(loose / "a.md"))


# -- item 4: writing a baseline is the job ---------------------------------------------------------


def test_write_baseline_exits_0_even_when_it_records_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.md").write_text("Voir la section X.\n", encoding="utf-8")
    result = check(tmp_path, monkeypatch, "a.md", "--corpus", "none", "--write-baseline", "baseline.json")
    assert result.exit_code == 0, result.stdout + result.stderr
    recorded = json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert [f["rule"] for f in recorded] == ["text/placeholder"]
    # The same check without it still fails on the error.
    assert check(tmp_path, monkeypatch, "a.md", "--corpus", "none").exit_code == 1


# -- item 18: --changed in a shallow clone --------------------------------------------------------


def test_changed_in_a_shallow_clone_says_the_base_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    for n in range(2):
        (origin / "a.md").write_text(f"Version {n}.\n", encoding="utf-8")
        git(origin, "add", "-A")
        git(origin, "commit", "-q", "-m", f"c{n}")
    git(origin, "checkout", "-q", "-b", "change")
    (origin / "a.md").write_text("Voir la section X.\n", encoding="utf-8")
    git(origin, "commit", "-q", "-am", "change")
    # What actions/checkout does by default: the pull request's commit alone.
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "change", origin.as_uri(), "clone")
    result = check(tmp_path / "clone", monkeypatch, "--changed", "--base", "origin/main")
    assert result.exit_code == 2
    message = result.stderr
    assert "origin/main" in message and "introuvable" in message and "fetch-depth: 0" in message, message
    assert "fatal" not in message and "a besoin d'un dépôt git" not in message
