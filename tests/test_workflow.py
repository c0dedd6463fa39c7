"""A site's CI as the README writes it, and the GitHub Action (issue 23, items 1 and 5).

The README's workflow runs step by step, in order, in a git clone (full history, as with
`fetch-depth: 0`) of a small site tree written here: a registry entry, a page with an old name
typo recorded in the baseline, a scanned PDF. `actions/setup-python` is a virtual environment on
PATH that sees this environment's packages (so the install step builds and installs factcheck from
a copy of this repository, which is what `FACTCHECK` names, without fetching its dependencies);
`actions/checkout` is the clone; the SARIF upload is the validation of the file against the SARIF
2.1.0 schema of ../shared (skipped without it). The action's steps (action.yml) run the same way.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import site
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.conftest import ROOT, SARIF_SCHEMA
from tests.samples import text_pdf

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
STARTUP = "---\ntitle: France Chaleur Urbaine\nincubator: dinum\n---\nUn service.\n"
BILAN = "---\ntitle: Bilan\n---\n\nParmi les lauréats : **Franche Chaleur Urbaine**.\n"
RAPPORT = "---\ntitle: Rapport\n---\n\nParmi les lauréats de 2024 : **France Chaleur Urbaine**.\n"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def readme_workflow() -> dict:
    """The README's workflow, parsed (the yaml block that names .github/workflows/)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```", text, re.M | re.S)
    (workflow,) = [b for b in blocks if ".github/workflows/" in b]
    return yaml.safe_load(workflow)


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """What `actions/setup-python` gives a job: `python` and `pip` on PATH, in a fresh environment
    that sees this one's packages (factcheck's dependencies) but not factcheck itself."""
    base = tmp_path_factory.mktemp("runner")
    venv = base / "venv"
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(venv)], check=True)  # type: ignore[attr-defined]
    (purelib,) = venv.glob("lib/python3*/site-packages")
    (purelib / "_job_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    pip = venv / "bin" / "pip"
    pip.write_text('#!/bin/sh\nexec "$(dirname "$0")/python" -m pip "$@"\n', encoding="utf-8")
    pip.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=f"{venv / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}", PIP_DISABLE_PIP_VERSION_CHECK="1", CI="true")
    return env


def source_copy(target: Path) -> Path:
    """This repository as a job checks it out: what a build needs, and the action."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md", "action.yml"):
        shutil.copy(ROOT / name, target / name)
    shutil.copytree(ROOT / "extractor", target / "extractor", ignore=shutil.ignore_patterns("__pycache__"))
    return target


def run_step(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A `run:` step as GitHub runs it with `shell: bash`."""
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)  # fmt: skip


def site_repository(tmp_path: Path) -> Path:
    """A site's repository: `main` with the baseline recorded by the README's set-up command, and a
    pull request branch `change` that edits the typo's line and adds a clean report; its clone."""
    origin = tmp_path / "origin"
    for folder in ("content/_startups", "content/_incubators", "content/docs/mooc", "_pages"):
        (origin / folder).mkdir(parents=True)
    (origin / "_config.yml").write_text("title: site\nurl: https://beta.gouv.fr\n", encoding="utf-8")
    (origin / "content" / "_startups" / "chauffage-urbain.md").write_text(STARTUP, encoding="utf-8")
    (origin / "content" / "_incubators" / "dinum.md").write_text("---\ntitle: Incubateur DINUM\n---\n", "utf-8")
    (origin / "_pages" / "bilan.md").write_text(BILAN, encoding="utf-8")
    (origin / "content" / "docs" / "ancien.md").write_text(BILAN, encoding="utf-8")
    (origin / "content" / "docs" / "mooc" / "scan.pdf").write_bytes(text_pdf([None]))  # no text layer
    (origin / ".gitignore").write_text(".factcheck/\nfactcheck.sarif\n", encoding="utf-8")
    git(origin, "init", "-q", "-b", "main")
    # The README's set-up command, run once by a maintainer (this checkout's factcheck).
    setup = subprocess.run([sys.executable, "-m", "extractor", "check", ".", "--write-baseline",
                            ".factcheck-baseline.json"], cwd=origin, capture_output=True, text=True)  # fmt: skip
    assert setup.returncode == 0, setup.stdout + setup.stderr  # the set-up step exits 0 (item 4)
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "site")
    git(origin, "checkout", "-q", "-b", "change")
    # The typo's line changes (bold to italics), the sentence does not: the baseline still knows it.
    (origin / "_pages" / "bilan.md").write_text(BILAN.replace("**", "*"), encoding="utf-8")
    (origin / "content" / "docs" / "rapport.md").write_text(RAPPORT, encoding="utf-8")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "change")
    subprocess.run(["git", "clone", "-q", "--branch", "change", str(origin), str(tmp_path / "clone")], check=True)
    return tmp_path / "clone"


def validate_sarif(path: Path) -> None:
    if not SARIF_SCHEMA.exists():
        pytest.skip(f"{SARIF_SCHEMA} is absent: the steps ran, the SARIF file was not validated")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    root = {**schema, "$ref": "#/definitions/Root"} if "Root" in schema.get("definitions", {}) else schema
    jsonschema.Draft7Validator(root).validate(json.loads(path.read_text(encoding="utf-8")))


def test_the_readme_workflow_runs_step_by_step_in_a_site(tmp_path: Path, runner: dict[str, str]) -> None:
    workflow = readme_workflow()
    job = workflow["jobs"]["factcheck"]
    env = {**runner, **{k: str(v) for k, v in job.get("env", {}).items()}}
    assert "FACTCHECK" in env  # what the install step installs: this repository, here a copy of it
    env["FACTCHECK"] = str(source_copy(tmp_path / "factcheck"))
    work = site_repository(tmp_path)
    codes, sarif_files = [], []
    for step in job["steps"]:
        uses = step.get("uses", "")
        if uses.startswith("actions/checkout"):
            assert step["with"]["fetch-depth"] == 0  # --changed needs the base branch
        elif uses.startswith("github/codeql-action/upload-sarif"):
            sarif_files.append(work / step["with"]["sarif_file"])
        elif "run" in step:
            script = re.sub(r"\$\{\{\s*github\.base_ref\s*\}\}", "main", step["run"])
            assert "${{" not in script, script
            done = run_step(script, work, env)
            codes.append(done.returncode)
            assert done.returncode == 0, f"{script}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            assert "erreur interne" not in done.stdout + done.stderr
            if "--format github" in script:
                # The old typo (on a changed line, in the baseline) does not fail the job.
                assert "::error" not in done.stdout, done.stdout
    assert len(codes) == 3 and sarif_files, codes
    # The SARIF run reports the scanned PDF as information, with the site's registry (the typo).
    results = json.loads(sarif_files[0].read_text(encoding="utf-8"))["runs"][0]["results"]
    rules = {r["ruleId"] for r in results}
    assert {"site/unread-file", "reference/name-typo"} <= rules, rules
    # A new problem on a changed line fails the --changed step, with an annotation.
    (work / "content" / "docs" / "rapport.md").write_text(RAPPORT.replace("France Chaleur", "Franche Chaleur"))
    git(work, "commit", "-q", "-am", "typo")
    (changed,) = [s["run"] for s in job["steps"] if "--changed" in s.get("run", "")]
    failing = run_step(re.sub(r"\$\{\{\s*github\.base_ref\s*\}\}", "main", changed), work, env)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "::error file=content/docs/rapport.md" in failing.stdout, failing.stdout
    validate_sarif(sarif_files[0])


def test_the_action_installs_and_runs_factcheck(tmp_path: Path, runner: dict[str, str]) -> None:
    """action.yml's steps, as a shell script in a throwaway git repository: the inputs given (or
    their defaults) in its `${{ inputs.* }}`, GITHUB_ACTION_PATH a copy of this repository."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert {"paths", "format", "baseline", "fail-on"} <= set(action["inputs"])
    given = {"paths": "docs/", "format": "sarif", "output": "factcheck.sarif", "fail-on": "warning"}
    inputs = {name: given.get(name, spec.get("default", "")) for name, spec in action["inputs"].items()}

    def expand(text: str) -> str:
        return re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: str(inputs[m.group(1)]), text)

    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "docs" / "note.md").write_text("# Note\n\nVoir la section X.\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "docs")
    env = {**runner, "GITHUB_ACTION_PATH": str(source_copy(tmp_path / "action"))}
    lines = ["set -e"]
    for step in action["runs"]["steps"]:
        if step.get("uses", "").startswith("actions/setup-python"):
            assert expand(str(step["with"]["python-version"])) == "3.11"
            continue  # the runner fixture's environment
        assert step["shell"] == "bash"
        for name, value in step.get("env", {}).items():
            lines.append(f"export {name}={json.dumps(expand(str(value)))}")
        lines.append(expand(step["run"]))
    done = run_step("\n".join(lines), repo, env)
    # The placeholder is an error, at or above fail-on: exit 1, and the report written.
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads((repo / "factcheck.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["text/placeholder"]
    # With fail-on: never the same step succeeds.
    inputs["fail-on"] = "never"
    run = next(s for s in action["runs"]["steps"] if s.get("name") == "Run factcheck")
    exports = [f"export {n}={json.dumps(expand(str(v)))}" for n, v in run["env"].items()]
    assert run_step("\n".join([*exports, expand(run["run"])]), repo, env).returncode == 0
