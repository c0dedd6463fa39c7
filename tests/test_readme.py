"""Every command the README and docs/*.md show runs as written (issue 12, items 1 and 2; issue 25,
item 8 for docs/).

The fenced `sh` blocks of README.md and of each page of docs/ are read, and each `factcheck …` line
in them is run in a workspace that holds a copy of the corpus (`corpus/`) and the drafts the README
names (`brouillon.md`, `communique.md`): `check` may find problems (exit 0 or 1), never fail to run
(exit 2); any other command exits 0; `factcheck serve` must answer `/healthz`. The workflow's
`run: factcheck …` steps run in a git repository with a base branch, as a pull request's CI would.
The two set-up commands (`scripts/setup.sh`, then the corpus check or the tests) are CI's own job
(`.ci/run` runs the same script; tests/test_setup.py covers its apt-get part), and the workflow's
install step is tests/test_workflow.py's, which runs every step of the workflow in order. Other
lines of the blocks (`bench/run`, which takes minutes; `pytest`, which would run itself) are not
run here; `python -m extractor.checks.docs docs/rules.md` is tests/test_catalogue.py's."""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import CORPUS, PRESS_RELEASE, ROOT, SHARED
from tests.server import free_port

README = ROOT / "README.md"
# The README, then docs/ in name order: each page whose commands are run.
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
FACTCHECK = Path(sys.executable).with_name("factcheck")
# check finds problems (1) or none (0); every other command succeeds.
MAY_FIND = {"check"}


def fenced(language: str, page: Path = README) -> list[str]:
    """The lines of the page's fenced blocks of `language`."""
    lines, inside = [], False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = not inside and line[3:].strip() == language
            continue
        if inside:
            lines.append(line)
    return lines


def commands(lines: list[str], prefix: str = "") -> list[str]:
    """The `factcheck …` commands of these lines (after `prefix`), without their comments."""
    found = []
    for line in lines:
        line = line.strip()
        if not line.startswith(prefix):
            continue
        line = line[len(prefix) :].strip()
        if line.startswith("factcheck "):
            found.append(re.sub(r"\s+#\s.*$", "", line))
    return found


def page_commands(page: Path) -> list[str]:
    """The `sh` blocks' commands, and those shown with a prompt (`$ factcheck …`) in the examples."""
    return commands(fenced("sh", page)) + commands(fenced("text", page), "$")


def name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


# (page, command), in the pages' order.
SHOWN = [(name(page), command) for page in PAGES for command in page_commands(page)]
SH_COMMANDS = [command for _, command in SHOWN]
WORKFLOW_COMMANDS = [c for p in PAGES for prefix in ("- run:", "run:") for c in commands(fenced("yaml", p), prefix)]
PYTHON_BLOCKS = [(name(page), "\n".join(fenced("python", page))) for page in PAGES if fenced("python", page)]


def test_the_readme_shows_commands() -> None:
    # A README whose blocks lost their commands would make the tests below vacuous.
    assert any(c.startswith("factcheck serve") for c in SH_COMMANDS), SH_COMMANDS
    assert sum(c.startswith("factcheck check") for c in SH_COMMANDS) >= 3, SH_COMMANDS
    assert any("--changed" in c for c in WORKFLOW_COMMANDS), WORKFLOW_COMMANDS
    # docs/ is read too: the manual's examples (`$ factcheck extract …`) are among the commands.
    assert any(page == "docs/manual.md" and c.startswith("factcheck extract") for page, c in SHOWN), SHOWN


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A folder as the README's user has it: the corpus and its hand-checked gold, a draft, a press release."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    shutil.copytree(ROOT / "expected", tmp_path / "expected")
    shutil.copy(PRESS_RELEASE, tmp_path / "communique.md")
    text = PRESS_RELEASE.read_text(encoding="utf-8")
    (tmp_path / "brouillon.md").write_text(text.replace("près de 20", "près de 25"), encoding="utf-8")
    return tmp_path


def argv(command: str) -> list[str]:
    """The command's arguments, `factcheck` being this environment's, and `../shared/` the real one."""
    words = shlex.split(command)
    shared = f"{SHARED}/"
    return [str(FACTCHECK), *(w.replace("../shared/", shared) for w in words[1:])]


def serve_answers(command: str, cwd: Path) -> None:
    port = free_port()
    log = cwd / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([*argv(command), "--port", str(port)], cwd=cwd, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, f"{command} stopped: {log.read_text()[-2000:]}"
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json().get("status") == "ready":
                    return
            assert time.monotonic() < deadline, f"{command}: /healthz not ready after 120 s"
            time.sleep(0.2)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)


def run(command: str, cwd: Path) -> None:
    if any(w.startswith("../shared/") for w in shlex.split(command)) and not SHARED.exists():
        pytest.skip(f"{SHARED} is absent")
    verb = shlex.split(command)[1]
    if verb == "serve":
        serve_answers(command, cwd)
        return
    result = subprocess.run(argv(command), cwd=cwd, capture_output=True, text=True, timeout=600)
    allowed = (0, 1) if verb in MAY_FIND else (0,)
    assert result.returncode in allowed, f"{command} -> {result.returncode}\n{result.stdout[-2000:]}{result.stderr}"
    assert "erreur interne" not in result.stderr + result.stdout


@pytest.mark.parametrize(("page", "command"), SHOWN, ids=[f"{page}: {command}" for page, command in SHOWN])
def test_each_readme_command_runs_as_written(page: str, command: str, workspace: Path) -> None:
    run(command, workspace)


@pytest.mark.parametrize(("page", "block"), PYTHON_BLOCKS, ids=[page for page, _ in PYTHON_BLOCKS])
def test_the_python_example_runs_as_written(page: str, block: str, workspace: Path) -> None:
    # Run in its own interpreter, in the workspace, as an integrator would paste it.
    code = block + "\nassert report.findings and report.failed, report.stats\n"
    result = subprocess.run([sys.executable, "-c", code], cwd=workspace, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]


def test_factcheck_serve_with_no_options_answers_healthz(workspace: Path) -> None:
    # The command communications staff are given: no option at all (it once exited 2 on --workers).
    serve_answers("factcheck serve", workspace)


def test_the_workflow_steps_run_in_a_pull_request(workspace: Path) -> None:
    """The GitHub workflow's steps, in a repository whose base branch has a baseline and whose
    change adds a document: `${{ github.base_ref }}` is that base branch."""
    content = workspace / "content"
    content.mkdir()
    shutil.copy(PRESS_RELEASE, content / "communique.md")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=workspace, check=True)
    subprocess.run([str(FACTCHECK), "check", "content/", "--write-baseline", ".factcheck-baseline.json"],
                   cwd=workspace, capture_output=True)  # fmt: skip
    subprocess.run([*git, "add", "-A"], cwd=workspace, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], cwd=workspace, check=True)
    subprocess.run([*git, "update-ref", "refs/remotes/origin/main", "HEAD"], cwd=workspace, check=True)
    subprocess.run([*git, "checkout", "-q", "-b", "change"], cwd=workspace, check=True)
    shutil.copy(workspace / "brouillon.md", content / "brouillon.md")
    subprocess.run([*git, "add", "-A"], cwd=workspace, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "change"], cwd=workspace, check=True)
    for command in WORKFLOW_COMMANDS:
        run(re.sub(r"\$\{\{\s*github\.base_ref\s*\}\}", "main", command), workspace)
