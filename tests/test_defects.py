"""Defects a new user hit in the first hour (issue 12): one test per item that is not covered
elsewhere (items 1-2: tests/test_readme.py; 3: tests/test_serve.py; 7, 9: tests/test_numbers.py;
8: tests/test_repair.py; 12: tests/test_hostile.py)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor import check
from extractor.corpus.index import CorpusIndex
from tests.conftest import CORPUS, PRESS_RELEASE, REFERENCE
from tests.server import tree

FACTCHECK = [sys.executable, "-m", "extractor"]


def cli_json(*arguments: str, cwd: Path) -> dict:
    result = subprocess.run([*FACTCHECK, "check", *arguments, "-f", "json"], cwd=cwd, capture_output=True, text=True)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


# Item 4: one index file, several corpora; a check with --corpus X never changes what another sees.


def test_a_check_against_another_corpus_leaves_the_shared_index_as_it_was(tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite"
    shared = CorpusIndex(index, CORPUS)
    shared.refresh(CORPUS)
    key = str(CORPUS.resolve())
    metric, scope = shared.db.execute(
        "SELECT metric_id, scope_id FROM claims WHERE corpus = ? LIMIT 1", (key,)
    ).fetchone()
    before = shared.lookup(metric, scope)
    rows = sorted(shared.db.execute("SELECT * FROM claims WHERE corpus = ?", (key,)))
    other, empty = tmp_path / "other", tmp_path / "empty"
    other.mkdir()
    empty.mkdir()
    (other / "note.md").write_text("En 2024, le programme compte 999 startups d'État.\n", encoding="utf-8")
    draft = tmp_path / "draft.md"
    draft.write_text("Une phrase sans chiffre.\n", encoding="utf-8")
    for folder in (other, empty):
        subprocess.run([*FACTCHECK, "check", str(draft), "--corpus", str(folder), "--index", str(index)],
                       capture_output=True, check=False)  # fmt: skip
    # The shared corpus's users (a running service holds this very connection) see what they saw.
    assert shared.lookup(metric, scope) == before and before
    assert sorted(shared.db.execute("SELECT * FROM claims WHERE corpus = ?", (key,))) == rows
    documents = dict(shared.db.execute("SELECT corpus, count(*) FROM documents GROUP BY corpus"))
    assert documents[key] == len(list(CORPUS.glob("*.md"))) + len(list(CORPUS.glob("*.txt"))) - 1
    assert documents[str(other.resolve())] == 1 and str(empty.resolve()) not in documents
    # And each corpus sees only its own documents.
    mine = CorpusIndex(index, other)
    assert not mine.lookup(metric, scope) or {c.path for c in mine.lookup(metric, scope)} == {str(other / "note.md")}
    assert {c.path for c in shared.lookup(metric, scope)} <= {str(p) for p in CORPUS.iterdir()}
    shared.close()
    mine.close()


def test_the_service_keeps_its_corpus_findings_when_a_check_uses_another_corpus(tmp_path: Path) -> None:
    from tests.server import serving

    empty = tmp_path / "empty"
    empty.mkdir()
    options = ["--corpus", str(CORPUS), "--workers", "1", "--index", str(tmp_path / "index.sqlite")]
    import httpx

    text = PRESS_RELEASE.read_text(encoding="utf-8")
    with serving(tmp_path, *options) as server:

        def corpus_rules() -> set[str]:
            answer = httpx.post(f"{server.url}/api/check", json={"text": text, "format": "markdown"}, timeout=60)
            return {f["rule"] for f in answer.json()["findings"] if f["rule"].startswith("corpus/")}

        before = corpus_rules()
        assert before, "the press release conflicts with the corpus: the comparison would be vacuous"
        draft = tmp_path / "draft.md"
        draft.write_text("Rien.\n", encoding="utf-8")
        other = [*FACTCHECK, "check", str(draft), "--corpus", str(empty), "--index", str(tmp_path / "index.sqlite")]
        subprocess.run(other, capture_output=True, check=False)
        assert corpus_rules() == before


# Item 5: the Python API runs what the CLI runs, with the same defaults.


def test_the_python_api_and_the_cli_agree_on_the_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    if REFERENCE.exists():
        subprocess.run([*FACTCHECK, "reference", "import-betagouv", str(REFERENCE)], cwd=tmp_path, check=True,
                       capture_output=True)  # fmt: skip
    cli = cli_json("corpus/", cwd=tmp_path)
    monkeypatch.chdir(tmp_path)
    report = check("corpus/")
    assert sorted(f.fingerprint for f in report.findings) == sorted(f["fingerprint"] for f in cli["findings"])
    assert report.failed == (cli["stats"]["findings"]["error"] > 0) and report.failed
    assert any(f.rule.startswith("corpus/") for f in report.findings)
    if REFERENCE.exists():
        assert any(f.rule.startswith("reference/") for f in report.findings)
        assert report.stats.skipped_rules == []
    # Turning the registry and the corpus off says which rules did not run.
    bare = check("corpus/", reference=None, corpus=None)
    assert not any(f.rule.startswith(("corpus/", "reference/")) for f in bare.findings)
    assert any(r.startswith("corpus/") for r in bare.stats.skipped_rules)
    assert any(r.startswith("reference/") for r in bare.stats.skipped_rules)


# Item 6: output files get the mode any file the user creates gets.


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_outputs_respect_the_umask(tmp_path: Path, umask: int) -> None:
    shutil.copy(PRESS_RELEASE, tmp_path / "communique.md")
    run = [*FACTCHECK, "check", "communique.md", "--corpus", "none"]
    old = os.umask(umask)
    try:
        subprocess.run([*run, "-f", "html", "-o", "rapport.html"], cwd=tmp_path, capture_output=True)
        subprocess.run([*run, "--write-baseline", "base.json"], cwd=tmp_path, capture_output=True)
        subprocess.run([*FACTCHECK, "repair", "communique.md", "-o", "repare.md"], cwd=tmp_path, capture_output=True)
    finally:
        os.umask(old)
    for name in ("rapport.html", "base.json", "repare.md"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask, name
    # An existing output keeps its mode when it is written again.
    (tmp_path / "rapport.html").chmod(0o640)
    subprocess.run([*run, "-f", "html", "-o", "rapport.html"], cwd=tmp_path, capture_output=True)
    assert stat.S_IMODE((tmp_path / "rapport.html").stat().st_mode) == 0o640


# Item 10: two checks at once on one index, over a corpus of 120 changed documents.


def write_corpus(folder: Path, count: int, seed: int) -> None:
    folder.mkdir(exist_ok=True)
    for n in range(count):
        lines = [f"En {2000 + (n + i) % 25}, le programme compte {n + i + seed} services." for i in range(30)]
        (folder / f"doc-{n:03}.md").write_text("\n\n".join(lines) + "\n", encoding="utf-8")


def test_two_concurrent_checks_on_one_index_both_succeed(tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index.sqlite"
    write_corpus(corpus, 120, 0)
    draft = tmp_path / "draft.md"
    draft.write_text("En 2010, le programme compte 7 services.\n", encoding="utf-8")
    run = [*FACTCHECK, "check", str(draft), "--corpus", str(corpus), "--index", str(index), "-f", "json"]
    subprocess.run(run, capture_output=True)  # a first index, which both runs below then refresh
    write_corpus(corpus, 120, 1)  # every document changed
    both = [subprocess.Popen(run, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=600) for process in both]
    for process, (_, err) in zip(both, outputs, strict=True):
        assert process.returncode in (0, 1), err
        assert "database is locked" not in err and "erreur interne" not in err
    findings = [sorted(f["fingerprint"] for f in json.loads(out)["findings"]) for out, _ in outputs]
    assert findings[0] == findings[1]


# Item 11: killing `factcheck index` ends its worker processes too.


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_killing_the_index_ends_its_workers(tmp_path: Path, how: signal.Signals) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 150, 0)
    process = subprocess.Popen([*FACTCHECK, "index", str(corpus), "--index", str(tmp_path / "i.sqlite"), "--jobs", "2"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 60
    while len(children := tree(process.pid)[1:]) < 3:  # two readers and the resource tracker
        assert process.poll() is None and time.monotonic() < deadline, "the workers never started"
        time.sleep(0.1)
    time.sleep(1)
    process.send_signal(how)
    process.wait(30)
    deadline = time.monotonic() + 10
    alive = children
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [pid for pid in children if running(pid)]
    assert not alive, f"still running after their parent was killed ({how.name}): {alive}"


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stream:
            return stream.read().split(")")[-1].split()[0] != "Z"  # a zombie has ended
    except OSError:
        return False
