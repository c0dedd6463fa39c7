"""The fast subset, `pytest -m "not slow"` (issue 25, item 8).

It covers every module of extractor/, at least by importing it, whichever of its tests are marked
slow, and a module added later is covered the day it is added. The two entry points that are not
to be imported are run as programs by their own tests: `__main__` (it runs the CLI) and the
Grammalecte worker (run on the system interpreter, never imported by factcheck). And every entry of
tests/slow.txt names a test that exists, so that a renamed test does not slip back into the fast
subset unseen."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, is_slow, slow_entries

NOT_IMPORTED = {"extractor.__main__", "extractor.checks._grammalecte_worker"}


def modules() -> list[str]:
    names = []
    for path in sorted((ROOT / "extractor").rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        if name not in NOT_IMPORTED:
            names.append(name)
    return names


def test_the_walk_finds_the_package() -> None:
    found = modules()
    assert "extractor.cli" in found and "extractor.checks.docs" in found and len(found) > 50, found


@pytest.mark.parametrize("name", modules())
def test_every_module_imports(name: str) -> None:
    module = importlib.import_module(name)
    assert Path(module.__file__ or "").resolve().is_relative_to(ROOT / "extractor"), module.__file__


def test_every_slow_entry_names_a_test() -> None:
    stale = []
    for entry in slow_entries():
        file, _, test = entry.partition("::")
        path = ROOT / file
        name = test.split("[")[0]
        if not path.is_file() or (
            name and not re.search(rf"^(?:async )?def {re.escape(name)}\(", path.read_text(encoding="utf-8"), re.M)
        ):
            stale.append(entry)
    assert not stale, f"tests/slow.txt names no such test: {stale}"


def test_an_entry_marks_its_file_its_test_and_its_parameters() -> None:
    entries = ["tests/test_a.py", "tests/test_b.py::test_x"]
    assert is_slow("tests/test_a.py::test_y[1]", entries)
    assert is_slow("tests/test_b.py::test_x[p]", entries) and is_slow("tests/test_b.py::test_x", entries)
    assert not is_slow("tests/test_b.py::test_x_other", entries) and not is_slow("tests/test_ab.py::t", entries)
