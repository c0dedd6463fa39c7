"""scripts/setup.sh, the README's first command (issue 23): the system packages through apt-get when
it can, else the exact command to run, and on to the Python environment. apt-get, dpkg-query, id,
sudo and python are stand-ins on PATH written by the test; the environment step is stopped at its
Python check (the real install is .ci/run's job)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = [
    "chromium",
    "hunspell-fr-comprehensive",
    "hunspell-en-us",
    "libenchant-2-2",
    "python3-grammalecte",
    "grammalecte-cli",
]


def stand_ins(tmp_path: Path, uid: int, apt_works: bool, sudo_works: bool) -> dict[str, str]:
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    log = tmp_path / "calls.log"
    scripts = {
        "dpkg-query": "exit 1",  # nothing installed
        "id": f"echo {uid}",
        "apt-get": f'echo "apt-get $*" >> {log}; exit {0 if apt_works else 100}',
        "sudo": f'if [ "$1" = -n ]; then shift; fi; {"" if sudo_works else "exit 1;"} echo "sudo" >> {log}; exec "$@"',
        "python-too-old": "exit 1",
    }
    for name, body in scripts.items():
        path = bin_ / name
        path.write_text(f"#!/bin/bash\n{body}\n", encoding="utf-8")
        path.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_}:{os.environ['PATH']}", "PYTHON": str(bin_ / "python-too-old")}


def setup(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(ROOT / "scripts" / "setup.sh")], env=env, capture_output=True, text=True,
                          timeout=60)  # fmt: skip


def calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "calls.log"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_as_root_it_updates_then_installs_the_missing_packages(tmp_path: Path) -> None:
    done = setup(tmp_path, stand_ins(tmp_path, uid=0, apt_works=True, sudo_works=False))
    assert calls(tmp_path) == ["apt-get update -qq", f"apt-get install -y -qq {' '.join(PACKAGES)}"]
    # It went on to the Python environment (stopped here by the stand-in's too old Python).
    assert done.returncode == 2 and "Python 3.11" in done.stderr, done.stderr


def test_without_root_or_sudo_it_prints_the_command_and_goes_on(tmp_path: Path) -> None:
    done = setup(tmp_path, stand_ins(tmp_path, uid=1000, apt_works=True, sudo_works=False))
    assert calls(tmp_path) == []
    expected = f"sudo sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y {' '.join(PACKAGES)}'"
    assert expected in done.stderr, done.stderr
    assert done.returncode == 2 and "Python 3.11" in done.stderr


def test_with_sudo_it_installs_through_sudo_and_a_failure_is_no_stop(tmp_path: Path) -> None:
    done = setup(tmp_path, stand_ins(tmp_path, uid=1000, apt_works=False, sudo_works=True))
    # sudo -n true (may it?), then sudo apt-get update, which fails: the install is not tried.
    assert calls(tmp_path) == ["sudo", "sudo", "apt-get update -qq"]
    assert "commande à relancer" in done.stderr and "sudo sh -c 'apt-get update" in done.stderr, done.stderr
    assert done.returncode == 2 and "Python 3.11" in done.stderr
