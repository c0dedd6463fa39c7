"""The bundled corpus is the seeds, byte for byte."""

from __future__ import annotations

import pytest

from tests.conftest import A_PROPOS, BILAN_2021, BILAN_2024, PRESS_RELEASE, RAPPORT_2017, SHARED

SEEDS = {
    PRESS_RELEASE: "000_b32fc6955b89badd.txt",
    BILAN_2024: "001_e80ca291c31f36e3.txt",
    BILAN_2021: "002_c769cc6a3486e2c4.txt",
    A_PROPOS: "003_b3d731a7f4eca8b3.txt",
    RAPPORT_2017: "004_512ec05885f663fa.txt",
}


@pytest.mark.parametrize(("path", "seed"), SEEDS.items(), ids=lambda x: getattr(x, "name", x))
def test_corpus_file_is_its_seed_byte_for_byte(path, seed: str) -> None:
    source = SHARED / "seeds" / seed
    if not source.exists():
        pytest.skip(f"{source} is absent")
    assert path.read_bytes() == source.read_bytes()
