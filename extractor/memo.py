"""A memo that keeps its last entries only: what a document repeats (a phrase, a sentence, a block's
scope) repeats within a few pages, and a memo of every distinct key of a page of 64,000 figures
held tens of megabytes until the page was done (issue 25, item 7)."""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")

RECENT = 4096  # entries a memo keeps


class Recent(dict[K, V]):
    """A dict that drops its oldest entry (a dict keeps its insertion order) to make room.

    >>> memo: Recent[int, int] = Recent(limit=2)
    >>> memo[1] = 1; memo[2] = 2; memo[3] = 3
    >>> sorted(memo), 1 in memo
    ([2, 3], False)
    """

    def __init__(self, limit: int = RECENT) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: K, value: V) -> None:
        if key not in self and len(self) >= self.limit:
            del self[next(iter(self))]
        super().__setitem__(key, value)
