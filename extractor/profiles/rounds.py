"""Reads a grant's round pages (beta.gouv.fr's FAST promotions' pages, `content/_fasts/*.md`) as reference
data: each page's round number and month (its title), and what its lead text says of the call (its
deadline, the applications received, the projects selected, the total awarded). The patterns are
the profile's (`grants[].pages` in profile.yaml); a figure a page does not state is None, never a
guess ("Une trentaine de candidatures" is no number of applications).

>>> from extractor import profiles
>>> grant = profiles.active().grants[0]
>>> text = ("---\\ntitle: FAST 13 - Septembre 2023\\n---\\nL’appel à projet FAST 13 était ouvert à candidature"
...         " jusqu’au 15\\nmai 2023. 18 candidatures ont été reçues. Le comité a sélectionné 10 projets"
...         " pour un montant total de 2 530 000€.")
>>> r = read_round(text, grant, "_fasts/13_fast.md")
>>> (r.round, r.date, r.deadline, r.applications, r.selected, r.total)
(13, datetime.date(2023, 9, 1), datetime.date(2023, 5, 15), 18, 10, 2530000)
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from extractor.dates import month_number, written_date
from extractor.ingest.frontmatter import FrontMatterError, is_page_without_extension, read_front_matter
from extractor.profiles import Grant
from extractor.reference.models import Round

_TAG = re.compile(r"<[^>]+>")


def read_rounds(root: Path, grants: list[Grant]) -> list[Round]:
    """Every round page of every grant that has pages, under the registry folder `root`."""
    out: list[Round] = []
    for grant in grants:
        if grant.pages is None:
            continue
        folder = root / grant.pages.folder
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.iterdir() if p.suffix == ".md" or is_page_without_extension(p)):
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            found = read_round(text, grant, f"{grant.pages.folder}/{path.name}")
            if found is not None:
                out.append(found)
    return out


def read_round(text: str, grant: Grant, source_path: str) -> Round | None:
    """The round a page announces, or None when its title names no round of this grant."""
    assert grant.pages is not None
    try:
        front = read_front_matter(text, lenient_dates=True)
    except FrontMatterError:
        front = None
    title = str(front.data.get("title") or "") if front else ""
    head = grant.pages.title_pattern.search(title)
    if head is None:
        return None
    month = month_number(head.group("month")) if head.group("month") else None
    year = int(head.group("year")) if head.group("year") else None
    found = Round(
        grant=grant.id, round=int(head.group("round")), title=title, source_path=source_path,
        date=dt.date(year, month, 1) if year and month else None,
    )  # fmt: skip
    body = _TAG.sub(" ", text)
    for name, pattern in grant.pages.patterns.items():
        match = pattern.search(body)
        if match is None:
            continue
        value = _value(name, match)
        if value is None:
            continue
        setattr(found, name, value)
        found.lines[name] = _line_of(text, body, match.start())
    return found


def _value(name: str, match: re.Match[str]) -> int | dt.date | None:
    from extractor.profiles.registry import parse_amount

    if name == "deadline":
        return written_date(match.group("day"), match.group("month"), match.group("year"))
    if name == "total":
        return parse_amount(match.group("value"))
    return int(match.group("value"))


def _line_of(text: str, body: str, at: int) -> int:
    """The line of the original page at the stripped body's offset `at` (tags are replaced by a
    space, never by a newline, so the body's line breaks are the page's)."""
    return body.count("\n", 0, at) + 1
