"""What a run tells the person who waits for it (issue 23, items 15, 16 and 17): `factcheck serve`
says where and when it is ready, the summary's time is the run's wall time, and a long run names
its phases (a bar in a terminal, a line every few seconds on stderr without one)."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import ROOT
from tests.server import free_port

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def test_serve_prints_its_address_then_a_ready_line_when_healthz_answers(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "extractor", "serve", "--port", str(port), "--workers", "1",
         "--reference", "none", "--corpus", "aucun"],
        cwd=tmp_path, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines: list[str] = []
    try:
        assert process.stderr is not None
        selector = selectors.DefaultSelector()
        selector.register(process.stderr, selectors.EVENT_READ)
        deadline = time.monotonic() + 90
        while not any(line.startswith("Prêt") for line in lines) and time.monotonic() < deadline:
            if selector.select(timeout=1):
                line = process.stderr.readline()
                if not line:
                    break
                lines.append(line)
        assert lines and f"http://127.0.0.1:{port}/" in lines[0] and "démarrage" in lines[0], lines
        ready = next(line for line in lines if line.startswith("Prêt"))
        assert f"http://127.0.0.1:{port}/" in ready and " s)" in ready
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()["status"] == "ready"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


SLOW_START = (
    "import runpy, sys, time; time.sleep(3); sys.argv = ['factcheck', *sys.argv[1:]]; "
    "runpy.run_module('extractor', run_name='__main__')"
)


def test_the_summary_time_counts_the_start_up(tmp_path: Path) -> None:
    """A process that takes 3 s before factcheck even starts: the run's time includes them (the
    check itself, one cheap rule on one line, takes a fraction of that)."""
    (tmp_path / "page.md").write_text("Un texte sans chiffre.\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", SLOW_START, "check", "page.md", "--format", "json", "--reference", "none",
         "--rule", "text/placeholder"],
        cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["stats"]["seconds"] >= 3


def test_progress_lines_name_the_phase_and_the_count() -> None:
    import io

    from extractor.run.progress import Lines

    stream = io.StringIO()
    shown = Lines(stream, interval=0.02)
    shown.phase("Vérification des documents", total=4)
    shown.advance("a.md")
    shown.advance("b.md")
    time.sleep(0.2)
    shown.close()
    assert "factcheck : Vérification des documents : 2/4 (50 %)" in stream.getvalue().splitlines()[-1]


def test_without_a_terminal_a_long_run_prints_its_phases_on_stderr_only(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from extractor.cli import app
    from extractor.run import pipeline, progress

    monkeypatch.setattr(progress, "INTERVAL", 0.02)  # a long run, in short
    slow = pipeline.check_document

    def check_slowly(*args, **kwargs):  # each document takes 0.1 s: several lines are due on any machine
        time.sleep(0.1)
        return slow(*args, **kwargs)

    monkeypatch.setattr(pipeline, "check_document", check_slowly)
    monkeypatch.delenv("CI", raising=False)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(3):
        (corpus / f"page{i}.md").write_text(f"# Page {i}\n\nLe service compte {i + 10} agents en 2024.\n", "utf-8")
    result = CliRunner().invoke(app, ["check", str(corpus), "--format", "json", "--corpus", str(corpus),
                                      "--index", str(tmp_path / "index.sqlite"), "--reference", "none"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stats"]["documents"] == 3  # stdout is the report, nothing else
    lines = [line for line in result.stderr.splitlines() if line.startswith("factcheck : ")]
    assert lines, result.stderr
    phases = (
        "Démarrage",
        "Chargement du registre",
        "Chargement des règles",
        "Mise à jour de l'index du corpus",
        "Recherche des documents",
        "Vérification des documents",
    )
    assert all(line.removeprefix("factcheck : ").startswith(phases) for line in lines), lines


def test_a_progress_line_names_the_phase_under_way_and_its_count() -> None:
    """The sampled line says the phase that is under way when it is printed (the run above may
    pass through a phase between two samples: which phases it shows depends on the machine)."""
    import io
    import time

    from extractor.run import progress

    stream = io.StringIO()
    shown = progress.Lines(stream, interval=0.01)
    shown.phase("Mise à jour de l'index du corpus")
    time.sleep(0.1)
    shown.phase("Vérification des documents", total=4)
    shown.advance()
    time.sleep(0.1)
    shown.close()
    lines = stream.getvalue().splitlines()
    assert any(line.startswith("factcheck : Mise à jour de l'index du corpus (") for line in lines), lines
    assert any(line.startswith("factcheck : Vérification des documents : 1/4 (25 %)") for line in lines), lines
