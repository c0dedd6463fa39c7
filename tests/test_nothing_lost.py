"""Nothing lost (issue 7): no command writes an input file; outputs are written whole or not at all;
a `factcheck index` killed in the middle of its transaction leaves the previous index usable."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import checks, cli
from extractor.cli import app
from extractor.corpus.index import CorpusIndex
from extractor.ingest import load
from tests.conftest import CORPUS, PRESS_RELEASE, REFERENCE

runner = CliRunner()


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under `folder`: its content's hash and its modification time."""
    return {
        str(path.relative_to(folder)): (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_no_command_writes_its_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(tmp_path)
    before = snapshot(corpus)
    registry_before = snapshot(REFERENCE / "_incubators") if REFERENCE.exists() else None
    press = str(corpus / PRESS_RELEASE.name)
    commands = [
        ["check", "corpus", "-f", "json", "-o", str(out / "report.json"), "--write-baseline", str(out / "b.json")],
        ["check", "corpus", "--format", "sarif", "-o", str(out / "report.sarif")],
        ["check", "corpus", "--format", "html", "-o", str(out / "report.html")],
        ["check", press, "-o", str(out / "report.txt"), "--baseline", str(out / "b.json")],
        ["repair", str(corpus / "bilan-2024.md"), "-o", str(out / "repaired.md")],
        ["extract", press, "--format", "json"],
        ["ingest", press, "--format", "json"],
        ["index", "corpus", "--index", str(out / "index.sqlite"), "--jobs", "2"],
    ]
    if REFERENCE.exists():
        commands.append(["reference", "import-betagouv", str(REFERENCE), "--reference", str(out / "reference.sqlite")])
    for command in commands:
        result = runner.invoke(app, command)
        assert result.exit_code in (0, 1), (command, result.output)
    assert snapshot(corpus) == before
    if registry_before is not None:
        assert snapshot(REFERENCE / "_incubators") == registry_before
    produced = {path.name for path in out.iterdir()}
    assert {"report.json", "b.json", "report.sarif", "report.html", "report.txt", "repaired.md"} <= produced
    assert not [name for name in produced if name.endswith(".tmp")]  # no temporary file left behind


@pytest.mark.parametrize(
    "options",
    [
        ["-o", "corpus/a-propos.md"],  # a document of the folder being checked
        ["--write-baseline", "corpus/a-propos.md"],
        ["-o", "corpus/bilan-2024.md", "--corpus", "corpus"],  # a document of the corpus compared against
        ["--index", "corpus/a-propos.md"],
    ],
)
def test_an_output_that_is_an_input_is_refused_before_any_work(tmp_path, monkeypatch, options) -> None:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path / "corpus")
    target = "corpus" if "--corpus" not in options else str(PRESS_RELEASE)
    result = runner.invoke(app, ["check", target, "--format", "json", *options])
    assert result.exit_code == 2
    assert "refus d'écraser un fichier d'entrée" in result.output
    assert snapshot(tmp_path / "corpus") == before
    assert not (tmp_path / ".factcheck" / "index.sqlite").exists()  # refused before the index was touched


def test_an_output_is_written_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_bytes(b"previous report")

    def crash(*_: object) -> None:
        raise KeyboardInterrupt  # the user presses Ctrl-C between the write and the rename

    monkeypatch.setattr(cli.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        cli.write_atomic(target, b"new report" * 1000)
    assert target.read_bytes() == b"previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # the temporary file is gone


def slow_document(seed: int) -> str:
    """Some 1.5 s of extraction: the index takes a few seconds to read all of them."""
    return "".join(
        f"En {2000 + i % 25}, le programme compte {i + seed} services et {i % 7 + 1} incubateurs.\n\n"
        for i in range(1200)
    )


# Runs `factcheck index` in this process, killed with SIGKILL by itself in the middle of its write
# transaction, after the first document's rows are written: the moment a crash would cost the most.
KILLED_MID_WRITE = """
import os, signal, sys
from extractor.corpus import index
write = index.CorpusIndex._write_document
def write_then_die(self, key, rows):
    write(self, key, rows)
    os.kill(os.getpid(), signal.SIGKILL)
index.CorpusIndex._write_document = write_then_die
from extractor.cli import main
sys.argv = ["factcheck", *sys.argv[1:]]
main()
"""


def index_state(index: Path) -> tuple[list[tuple[str, str]], int]:
    opened = CorpusIndex(index)
    try:
        documents = sorted(opened.db.execute("SELECT path, sha256 FROM documents"))
        assert opened.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return documents, opened.db.execute("SELECT count(*) FROM claims").fetchone()[0]
    finally:
        opened.close()


def test_a_killed_index_run_leaves_the_previous_index_usable(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index.sqlite"
    factcheck = [sys.executable, "-m", "extractor"]
    no_registry = ["--reference", str(tmp_path / "none.sqlite")]  # the same index with or without ../shared
    arguments = ["index", str(corpus), "--index", str(index), *no_registry]
    run_index = [*factcheck, *arguments]
    subprocess.run(run_index, check=True, capture_output=True)
    documents, claims = index_state(index)
    assert len(documents) == len(list(CORPUS.iterdir())) - 1 and claims > 100  # all but the README

    # New documents and a changed one: the next run reads them (no lock held), then rewrites the index
    # in one transaction.
    for n in range(8):
        (corpus / f"rapport-{n}.md").write_text(slow_document(n), encoding="utf-8")
    press = corpus / PRESS_RELEASE.name
    press.write_text(press.read_text(encoding="utf-8") + "\nEn 2024, 99 services.\n", encoding="utf-8")

    # Killed while it reads the documents...
    process = subprocess.Popen(run_index, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.5)
    assert process.poll() is None, "the index run ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert index_state(index) == (documents, claims)
    # ...and killed in the middle of its write transaction: SQLite rolls the hot journal back.
    killed = subprocess.run([sys.executable, "-c", KILLED_MID_WRITE, *arguments], capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert index.with_name(index.name + "-journal").exists()  # the transaction had begun
    assert index_state(index) == (documents, claims)

    # The previous index is usable: checked against it, the press release's "près de 20" meets its
    # own 18 + 6.
    reopened = CorpusIndex(index, corpus)
    try:
        found = checks.run(load(PRESS_RELEASE), checks.Context(corpus=reopened), only=["corpus/conflicting-value"])
    finally:
        reopened.close()
    assert any("près de 20" in finding.message_fr for finding in found), found
    # The next run completes what the killed ones began.
    done = subprocess.run([*run_index, "--jobs", "2"], capture_output=True, check=True, text=True)
    assert f"{len(documents) + 8} documents, 9 relus" in " ".join(done.stdout.split()), done.stdout
