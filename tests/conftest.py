"""Shared test fixtures: paths to the bundled corpus and to ../shared (skipped when absent)."""

from __future__ import annotations

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
    from extractor.reference.betagouv import import_betagouv
    from extractor.reference.store import load_registry

    db = tmp_path_factory.mktemp("registry") / "reference.sqlite"
    import_betagouv(need(REFERENCE), db)
    return load_registry(db)
