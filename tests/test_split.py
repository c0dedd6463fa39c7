"""The split of the site's pages into a tuning half and a held-out half (extractor/evaluate/split.py)."""

import doctest
from pathlib import Path

import pytest

from extractor.evaluate import split

SITE = Path(__file__).resolve().parents[1].parent / "shared" / "site"


def test_the_examples_of_the_module_hold() -> None:
    assert doctest.testmod(split).failed == 0


def test_a_path_keeps_its_half_whatever_its_spelling() -> None:
    for name in ("_pages/a.md", "content/docs/b.pdf", "_posts/2024-01-01-c.md"):
        assert split.half(name) == split.half("./" + name) == split.half(name.replace("/", "\\"))


def test_the_halves_are_about_even_on_the_site() -> None:
    if not SITE.is_dir():
        pytest.skip("../shared/site absent")
    pages = [p for p in SITE.rglob("*") if p.is_file() and p.suffix in (".md", ".html", ".pdf")]
    tune = sum(split.half(str(p.relative_to(SITE))) == "tune" for p in pages)
    assert 0.4 < tune / len(pages) < 0.6


def test_a_draw_depends_on_its_seed_not_on_the_order() -> None:
    pages = [f"_pages/p{i}.md" for i in range(50)]
    assert split.draw(pages, 10, "s") == split.draw(list(reversed(pages)), 10, "s")
    assert split.draw(pages, 10, "s") != split.draw(pages, 10, "t")
