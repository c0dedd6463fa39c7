"""Shared test fixtures: paths to the bundled corpus and to ../shared (skipped when absent)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
BILAN_2024_PDF = SHARED / "pdf" / "betagouv_bilan_2024.pdf"
REFERENCE = SHARED / "reference" / "betagouv"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"

# The corpus documents, by role.
PRESS_RELEASE = CORPUS / "2024-02-26-communique-bilan-beta-gouv.md"
BILAN_2024 = CORPUS / "bilan-2024.md"
BILAN_2021 = CORPUS / "bilan-2021.txt"
A_PROPOS = CORPUS / "a-propos.md"
RAPPORT_2017 = CORPUS / "rapport-activite-2017.md"


# The slow tests (issue 25, item 8), which `pytest -m "not slow"` leaves out: tests/slow.txt lists
# them (measured), by file, test or node id, and they are marked `slow` at collection, so that the
# test files need no edit; `@pytest.mark.slow` on a test marks it too.
SLOW_LIST = Path(__file__).with_name("slow.txt")


def slow_entries() -> list[str]:
    """tests/slow.txt's entries, as node ids (`tests/…`), without its comments and blank lines."""
    lines = SLOW_LIST.read_text(encoding="utf-8").splitlines()
    return [f"tests/{line.strip()}" for line in lines if line.strip() and not line.lstrip().startswith("#")]


def is_slow(nodeid: str, entries: list[str]) -> bool:
    """Whether the test is listed: its file, its test (every parameter) or its own node id."""
    return any(nodeid == e or nodeid.startswith((e + "::", e + "[")) for e in entries)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    entries = slow_entries()
    for item in items:
        if is_slow(item.nodeid, entries):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def _outside_the_repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests run from an empty folder, so that a `.factcheck/` store left in the working copy (a
    registry imported by hand or by CI) never changes what they see."""
    before = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))
    try:
        yield
    finally:
        os.chdir(before)


@pytest.fixture(scope="session", autouse=True)
def _own_user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A site run keeps its state in the user's cache (XDG_CACHE_HOME): the tests' own, never the
    machine's (each test's site is its own folder, so its state is its own too)."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = before


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (skips, with the reason, where either is missing)."""
    playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def need(path: Path) -> Path:
    """Skips the test, with the reason, when a file from ../shared is not there."""
    if not path.exists():
        pytest.skip(f"{path} is absent (tests that read ../shared skip without it)")
    return path


@pytest.fixture
def bilan_pdf() -> Path:
    return need(BILAN_2024_PDF)


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory):
    """The real beta.gouv.fr registry, imported once per test session (skips without ../shared)."""
    from extractor.profiles.betagouv.registry import import_betagouv
    from extractor.reference.store import load_registry

    db = tmp_path_factory.mktemp("registry") / "reference.sqlite"
    import_betagouv(need(REFERENCE), db)
    return load_registry(db)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory):
    """`factcheck serve` on 127.0.0.1 over the bundled corpus, with the registry when ../shared
    has it; two workers, the defaults otherwise. Shared by the browser, API-fuzzing and load tests."""
    from tests.server import serving

    folder = tmp_path_factory.mktemp("served")
    options = ["--corpus", str(CORPUS), "--workers", "2"]
    if REFERENCE.exists():
        from extractor.profiles.betagouv.registry import import_betagouv

        import_betagouv(REFERENCE, folder / "reference.sqlite")
        options += ["--reference", str(folder / "reference.sqlite")]
    with serving(folder, *options) as server:
        yield server
