"""The fixed split of a site's pages into a tuning half and a held-out half (DEVELOPERS.md: "Keep
part of the real data unseen"). A page's half is decided by the SHA-256 of its path relative to the
site's root, written with forward slashes, so it never depends on the machine, the order of a run
or the page's content (an edited page stays in its half).

On ../shared/site it gives 515 pages (Markdown, HTML, PDF) to each half. Rules are tuned on the
pages of the ``tune`` half only (the pages an issue names as examples are known either way); the
``held-out`` half's findings are read when a rule is final, and both halves' precision is reported.

>>> half("_pages/accessibilite/evaluation-2025.md")
'held-out'
>>> half("_pages/accessibilite.md")
'tune'
>>> half("./content/docs/guide.pdf") == half("content/docs/guide.pdf")
True
"""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath
from typing import Literal

Half = Literal["tune", "held-out"]


def draw(relative_paths: list[str], count: int, seed: str) -> list[str]:
    """`count` pages drawn from `relative_paths` by a seed: each page ranked by the SHA-256 of the
    seed and its path, so a draw never depends on the order of the list nor on the machine, and
    a page added to the site does not change which of the others are drawn.

    >>> draw(["a.md", "b.md", "c.md", "d.md"], 2, "exemple")
    ['b.md', 'd.md']
    """

    def rank(path: str) -> str:
        return hashlib.sha256(f"{seed}\0{path}".encode("utf-8", "surrogateescape")).hexdigest()

    return sorted(sorted(relative_paths, key=rank)[:count])


def half(relative_path: str) -> Half:
    """The half of a page, from its path relative to the site's root."""
    name = PurePosixPath(relative_path.replace("\\", "/")).as_posix()
    first = hashlib.sha256(name.encode("utf-8", "surrogateescape")).digest()[0]
    return "tune" if first % 2 == 0 else "held-out"
