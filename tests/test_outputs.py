"""Where `-o`, `--write-baseline` and `repair -o` may write (issue 24, items 7 and 12): never inside
what is checked (a site's own files included, whatever their extension), into a character device or
a FIFO without replacing it, over a regular file only, synced to disk before the rename; a folder
given as the output is a French error (exit 2), never an internal error."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.ingest import fileio
from tests.test_site import make_site

runner = CliRunner()
DRAFT = "# Bilan\n\nEn 2023, le programme compte 12 services.\n"


def draft(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "brouillon.md"
    path.write_text(DRAFT, encoding="utf-8")
    return path


def refused(result, path: Path, before: bytes | None) -> None:
    """Exit 2, one French line naming the file, and the file as it was."""
    assert result.exit_code == 2, result.output
    assert "refus d'écrire" in result.output or "refus d'écraser" in result.output, result.output
    assert "erreur interne" not in result.output
    if before is None:
        assert not path.exists()
    else:
        assert path.read_bytes() == before


@pytest.mark.parametrize("name", ["index.md", "_config.yml", "_pages/notes.txt", "content/docs/liste.csv"])
@pytest.mark.parametrize("option", ["-o", "--write-baseline"])
def test_an_output_inside_a_checked_site_is_refused(tmp_path, monkeypatch, name, option) -> None:
    site = make_site(tmp_path / "site")
    target = site / name
    if not target.exists():
        target.write_text("à garder\n", encoding="utf-8")
    before = target.read_bytes()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", str(site), "-f", "html", option, str(target), "--fail-on", "never"])
    refused(result, target, before)
    assert not (tmp_path / ".factcheck").exists()  # refused before the registry's import


def test_an_output_inside_a_checked_folder_is_refused_whatever_its_extension(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    draft(tmp_path / "docs")
    for name in ("rapport.json", "sous-dossier/rapport.sarif", "donnees.csv"):
        target = tmp_path / "docs" / name
        result = runner.invoke(app, ["check", "docs", "-f", "json", "-o", str(target)])
        refused(result, target, None)


def test_factcheck_s_own_files_inside_a_checked_folder_are_still_allowed(tmp_path, monkeypatch) -> None:
    """`factcheck check .` from a project's or a site's root: the index in `.factcheck/` and the
    README's `.factcheck-baseline.json` are factcheck's own."""
    monkeypatch.chdir(tmp_path)
    draft(tmp_path)
    result = runner.invoke(app, ["check", ".", "--fail-on", "never", "--write-baseline", ".factcheck-baseline.json"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / ".factcheck-baseline.json").is_file()
    site = make_site(tmp_path / "site")
    monkeypatch.chdir(site)
    options = ["-f", "sarif", "-o", ".factcheck/rapport.sarif", "--write-baseline", ".factcheck-baseline.json"]
    result = runner.invoke(app, ["check", ".", "--fail-on", "never", *options])
    assert result.exit_code == 0, result.output
    assert (site / ".factcheck" / "rapport.sarif").is_file() and (site / ".factcheck-baseline.json").is_file()


def test_an_output_beside_the_checked_folder_is_written(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    draft(tmp_path / "docs")
    result = runner.invoke(app, ["check", "docs", "-f", "json", "-o", "rapport.json", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "rapport.json").read_text(encoding="utf-8").startswith("{")


def character_device(path: Path) -> Path:
    """A device like /dev/null (major 1, minor 3) at `path` (root only: skipped otherwise)."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a character device needs root")
    return path


def test_an_output_into_a_character_device_writes_through_it(tmp_path) -> None:
    source = draft(tmp_path / "docs")
    null = character_device(tmp_path / "null")
    for command in (["check", str(source), "-f", "json", "-o", str(null)], ["repair", str(source), "-o", str(null)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output
        assert stat.S_ISCHR(null.stat().st_mode), "the device was replaced by a regular file"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_an_output_into_a_fifo_reaches_its_reader(tmp_path) -> None:
    source = draft(tmp_path / "docs")
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there: the writer's open returns
    try:
        result = runner.invoke(app, ["check", str(source), "-f", "json", "-o", str(fifo)])
        assert result.exit_code == 0, result.output
        assert stat.S_ISFIFO(fifo.stat().st_mode), "the FIFO was replaced by a regular file"
        received = os.read(reader, 1 << 16)
    finally:
        os.close(reader)
    assert received.startswith(b"{") and b'"documents"' in received


def test_an_output_over_a_socket_is_refused(tmp_path) -> None:
    source = draft(tmp_path / "docs")
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        result = runner.invoke(app, ["check", str(source), "-f", "json", "-o", str(path)])
        assert result.exit_code == 2, result.output
        assert "socket" in result.output and "erreur interne" not in result.output
        assert stat.S_ISSOCK(path.stat().st_mode)
    finally:
        server.close()


@pytest.mark.parametrize("command", ["repair", "check"])
def test_a_folder_as_the_output_is_a_french_error(tmp_path, command) -> None:
    source = draft(tmp_path / "docs")
    out = tmp_path / "sortie"
    out.mkdir()
    result = runner.invoke(app, [command, str(source), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "est un dossier" in result.output and "erreur interne" not in result.output, result.output
    example = "brouillon.md" if command == "repair" else "rapport.html"
    assert str(out / example) in result.output.replace("\n", "")  # the name to add, suggested
    assert list(out.iterdir()) == []


def test_the_output_is_synced_before_it_is_renamed(tmp_path, monkeypatch) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b))[1])
    target = tmp_path / "rapport.json"
    target.write_bytes(b"ancien")
    fileio.write_atomic(target, b"nouveau")
    assert target.read_bytes() == b"nouveau"
    assert "fsync" in calls and calls.index("fsync") < calls.index("replace"), calls


def test_the_registry_is_never_renamed_over_a_device(tmp_path) -> None:
    site = make_site(tmp_path / "site")
    null = character_device(tmp_path / "null")
    result = runner.invoke(app, ["reference", "import-betagouv", str(site / "content"), "--reference", str(null)])
    assert result.exit_code == 2, result.output
    assert "fichier ordinaire" in result.output and "erreur interne" not in result.output
    assert stat.S_ISCHR(null.stat().st_mode), "the device was replaced by the registry"


def test_a_report_beside_a_sites_pages_is_allowed(tmp_path, monkeypatch) -> None:
    """`factcheck check . -f sarif -o factcheck.sarif` at a site's root, as a site's CI runs it: the
    report is no page of the site and the site run reads it nowhere, so it is written; a page
    name in the same place is refused (test above)."""
    site = make_site(tmp_path / "site")
    monkeypatch.chdir(site)
    result = runner.invoke(app, ["check", ".", "-f", "sarif", "-o", "factcheck.sarif", "--fail-on", "never"])
    assert "refus" not in result.output, result.output
    assert result.exit_code == 0, result.output
    assert (site / "factcheck.sarif").exists(), result.output
