"""One front-matter reader with its guards (issue 18, item 3): extractor/ingest/frontmatter.py,
used by the Markdown reader (an InputError for the document) and the registry reader (the entry
is skipped with its reason, the import goes on)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from extractor.errors import InputError
from extractor.ingest import frontmatter, read_bytes
from extractor.ingest.frontmatter import MAX_ALIASES, MAX_DEPTH, FrontMatterError, read_front_matter
from extractor.profiles.betagouv.registry import EntryError, import_betagouv, parse_front_matter
from tests.conftest import ROOT
from tests.samples import yaml_bomb_markdown


def bomb(levels: int = 9) -> str:
    return yaml_bomb_markdown(levels).decode()


def nested(levels: int) -> str:
    """A front matter of `levels` nested mappings (block style)."""
    return "---\n" + "".join("  " * i + f"k{i}:\n" for i in range(levels - 1)) + "  " * (levels - 1) + "k: v\n---\n"


def problem(text: str, **options: bool) -> FrontMatterError:
    with pytest.raises(FrontMatterError) as err:
        read_front_matter(text, **options)
    return err.value


def test_a_front_matter_and_where_it_is() -> None:
    text = "---\ntitle: Bilan\ndate: 2024-02-26\n---\nCorps\n"
    front = read_front_matter(text)
    assert front is not None
    assert front.data == {"title": "Bilan", "date": dt.date(2024, 2, 26)}
    assert text[front.yaml_start : front.body_start] == "title: Bilan\ndate: 2024-02-26\n---\n"
    assert text[front.body_start :] == "Corps\n"
    assert read_front_matter("---\r\ntitle: x\r\n...\r\nCorps") is not None
    assert read_front_matter("---\n---\n").data == {}  # type: ignore[union-attr]


def test_no_front_matter() -> None:
    assert read_front_matter("# Titre\n") is None
    assert read_front_matter("") is None
    assert read_front_matter(" ---\ntitle: x\n---\n") is None


def test_each_problem_is_named() -> None:
    assert problem("---\ntitle: x\n").problem == "unclosed"
    syntax = problem("---\ntitle: ok\nx: @y\n---\n")
    assert (syntax.problem, syntax.line) == ("syntax", 3)
    assert problem("---\nx: !!python/object/apply:os.system ['echo pwned']\n---\n").problem == "syntax"
    listed = problem("---\n- a\n- b\n---\n")
    assert (listed.problem, listed.found) == ("not_mapping", ["a", "b"])
    assert problem("---\ndate: 2024-02-30\n---\n").problem == "value"
    assert problem("---\nx: " + "[" * 5000 + "\n---\n").problem == "too_deep"  # the C parser's limit


def test_impossible_dates_stay_strings_when_asked() -> None:
    front = read_front_matter("---\ndate: 2024-02-30\nend: 2024-03-01\n---\n", lenient_dates=True)
    assert front is not None and front.data == {"date": "2024-02-30", "end": dt.date(2024, 3, 1)}


def test_an_alias_bomb_is_refused_at_once() -> None:
    start = time.perf_counter()
    refused = problem(bomb(9))
    assert refused.problem == "aliases" and str(MAX_ALIASES) in refused.detail
    assert time.perf_counter() - start < 1


def test_a_few_aliases_and_stars_in_text_are_read() -> None:
    anchors = "---\nbase: &b {x: 1}\n" + "".join(f"k{i}: *b\n" for i in range(MAX_ALIASES)) + "---\n"
    assert read_front_matter(anchors).data["k0"] == {"x": 1}  # type: ignore[union-attr]
    stars = "---\nresume: '" + " ".join(f"*mot{i}*" for i in range(3 * MAX_ALIASES)) + "'\n---\n"
    assert read_front_matter(stars).data["resume"].startswith("*mot0*")  # type: ignore[union-attr]


def test_nesting_is_bounded() -> None:
    assert read_front_matter(nested(MAX_DEPTH)) is not None
    assert problem(nested(MAX_DEPTH + 1)).problem == "too_deep"
    assert problem("---\nx: " + "[" * 200 + "]" * 200 + "\n---\n").problem == "too_deep"


def test_the_depth_of_shared_values_is_counted_once() -> None:
    """Aliases share their value: the walk that measures the depth visits each one once."""
    chain = "---\na0: &a0 [1]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n" for i in range(1, 11)) + "---\n"
    assert read_front_matter(chain) is not None  # 2**10 paths, 11 values


def test_the_markdown_reader_says_it_as_before() -> None:
    with pytest.raises(InputError, match="trop d'alias") as err:
        read_bytes(yaml_bomb_markdown(9), "bombe.md")
    assert err.value.code == "front_matter"
    with pytest.raises(InputError, match="imbriqué trop profondément") as err:
        read_bytes(nested(MAX_DEPTH + 5).encode(), "profond.md")
    assert err.value.code == "too_deep"
    with pytest.raises(InputError, match=r"YAML mal formé \(ligne 3 : "):
        read_bytes(b"---\ntitle: ok\nx: @y\n---\nTexte\n", "page.md")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("---\ntitle: x\n", "non terminé"),
        ("----\ntitle: x\n", "non terminé"),
        ("# rien\n", "pas de front matter"),
        ("---\n---\n", "vide"),
        ("---\n{}\n---\n", "vide"),
        ("\ufeff---\n- a\n---\n", "pas une liste"),
        ("---\ntitle: ok\nx: @y\n---\n", "YAML invalide (ligne 3) : "),
        (bomb(9), "trop d'alias"),
        (nested(MAX_DEPTH + 1), "imbriqué trop profondément"),
    ],
)
def test_the_registry_reader_says_it_as_before(text: str, reason: str) -> None:
    with pytest.raises(EntryError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_front_matter(text)


def test_a_registry_page_with_an_alias_bomb_is_skipped_with_its_reason(tmp_path: Path) -> None:
    """Before, the registry's own loader had no alias guard: a bomb in a FAST comment hung the
    import (the comment is made a text, 9**9 values)."""
    root = tmp_path / "registre"
    (root / "_startups").mkdir(parents=True)
    (root / "_startups" / "bon.md").write_text("---\ntitle: Bon Service\n---\n", encoding="utf-8")
    lines = ["title: Bombe", 'a0: &a0 ["lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    lines += ["events:", "  - name: fast", "    date: 2024-01-01", "    comment: *a9"]
    (root / "_startups" / "bombe.md").write_text("---\n" + "\n".join(lines) + "\n---\n", encoding="utf-8")
    deep = "title: Profond\n" + "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "k: v\n"
    (root / "_startups" / "profond.md").write_text("---\n" + deep + "---\n", encoding="utf-8")

    start = time.perf_counter()
    report = import_betagouv(root, tmp_path / "ref.sqlite")
    assert time.perf_counter() - start < 10

    reasons = {p.path: p.reason_fr for p in report.skipped}
    assert set(reasons) == {"_startups/bombe.md", "_startups/profond.md"}
    assert "trop d'alias" in reasons["_startups/bombe.md"]
    assert "imbriqué trop profondément" in reasons["_startups/profond.md"]
    assert report.counts["startup"] == 1


def test_front_matter_is_parsed_in_one_module() -> None:
    """The Markdown reader and the registry reader have no YAML loader of their own."""
    for rel in ["extractor/ingest/markdown.py", "extractor/profiles/registry.py"]:
        text = (ROOT / rel).read_text(encoding="utf-8")
        assert "import yaml" not in text and "read_front_matter" in text, rel
    assert frontmatter.__name__ == "extractor.ingest.frontmatter"


def test_a_file_without_extension_is_a_page_when_it_begins_with_a_front_matter(tmp_path) -> None:
    from extractor.errors import InputError
    from extractor.ingest import collect, load

    (tmp_path / "07_fast").write_text("---\ntitle: FAST 7\n---\n\nVoir la section X.\n", encoding="utf-8")
    (tmp_path / "Makefile").write_text("all:\n\ttrue\n", encoding="utf-8")
    files, errors = collect([str(tmp_path)])
    assert [p.rsplit("/", 1)[-1] for p in files] == ["07_fast"] and errors == []
    doc = load(tmp_path / "07_fast")
    assert doc.format == "markdown" and "section X" in doc.text
    with pytest.raises(InputError, match="sans extension"):
        load(tmp_path / "Makefile")
