"""The documentation holds together (issue 25, item 8): the README stays a short first page whose
two commands are CI's, and every relative link of README.md, ARCHITECTURE.md and docs/*.md leads
to a file that exists and, with an anchor, to a heading or an id of that file (the rules' anchors
included: the code links to them through `RuleSpec.anchor`). The commands are run by
tests/test_readme.py; docs/rules.md is compared with the catalogue by tests/test_catalogue.py."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = ROOT / "README.md"
PAGES = [README, ROOT / "ARCHITECTURE.md", *sorted((ROOT / "docs").glob("*.md"))]
# Inline links and images, `[text](target "title")`, and HTML href/src attributes.
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HREF = re.compile(r"""(?:href|src)=["']([^"']+)["']""")
ID = re.compile(r"""<a\s+(?:id|name)=["']([^"']+)["']""")


def prose(text: str) -> str:
    """The text without its fenced code blocks and code spans (whose brackets are no links)."""
    text = re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", text, flags=re.M | re.S)
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", text, flags=re.S)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces turned to hyphens."""
    heading = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link: its text
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every anchor a link may name in this page: its headings' (with GitHub's -1, -2… for a heading
    met again) and its explicit ids."""
    text = page.read_text(encoding="utf-8")
    outside_code = re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", text, flags=re.M | re.S)
    found, seen = set(ID.findall(text)), Counter[str]()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", outside_code, flags=re.M):
        base = slug(heading.replace("`", ""))
        found.add(base if not seen[base] else f"{base}-{seen[base]}")
        seen[base] += 1
    return found


def broken_links(page: Path) -> list[str]:
    """The relative links of `page` that lead nowhere, each with the reason."""
    text = prose(page.read_text(encoding="utf-8"))
    broken = []
    for target in [*LINK.findall(text), *HREF.findall(text)]:
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, flags=re.I) or target.startswith("//"):
            continue  # https:, mailto:… (not checked: no network)
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no file {file}")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{target}: no heading or id #{anchor} in {file.name}")
    return broken


def test_the_readme_is_a_short_first_page() -> None:
    size = len(README.read_bytes())
    assert size < 15_000, f"README.md is {size} bytes: move the details to docs/ (the README keeps the first steps)"


def test_the_two_commands_are_the_readme_s_first_and_ci_s() -> None:
    # The first is the set-up and the main job, the second the tests; .ci/run ends with the second.
    blocks = re.findall(r"^```sh\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.M | re.S)
    assert blocks[:2] == [
        "bash scripts/setup.sh && .venv/bin/factcheck check corpus/\n",
        "bash scripts/setup.sh && .venv/bin/python -m pytest\n",
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == blocks[1].strip()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path) -> None:
    assert broken_links(page) == []


def test_the_code_s_rule_anchors_are_in_the_rules_reference() -> None:
    from extractor import checks

    rules = ROOT / "docs" / "rules.md"
    missing = [spec.anchor for spec in checks.catalogue().values() if spec.anchor not in anchors(rules)]
    assert not missing, "run: python -m extractor.checks.docs docs/rules.md"


def test_the_link_check_sees_a_broken_link_and_a_broken_anchor(tmp_path: Path) -> None:
    # The checker itself: without this, a regular expression that matches nothing would pass all.
    (tmp_path / "other.md").write_text("# Un titre, avec `code`\n\n## Un titre, avec code\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md#un-titre-avec-code) [ok2](other.md#un-titre-avec-code-1) [ici](#la-suite)\n"
        "[absent](missing.md) [ancre](other.md#nulle-part) `[pas un lien](nowhere.md)`\n"
        "```\n[pas un lien](nowhere.md)\n```\n"
        '<a id="la-suite"></a> ![image](absente.png) [web](https://example.org/x#y)\n',
        encoding="utf-8",
    )
    assert sorted(b.split(":")[0] for b in broken_links(page)) == ["absente.png", "missing.md", "other.md#nulle-part"]
