"""Dated events a document states: "firsts" of a timeline and the start of a grant programme
(the profile's grants that declare a `start_event`).

An event has a key (what happened, normalised: "premiere startup d'etat portee par un service
deconcentre de l'etat"), a date (year, or year-month) and, for a "first", a subject (who: "Place des
entreprises"). Timelines write them as a dated line ("Sep. 2015 ○ Première ... : Place des
entreprises", "Avril 2017** Première ... : Réso"); prose as a sentence ("[Lapins] est la première
Startup de territoire lancée en décembre 2017", "Depuis 2022, le FAST accompagne ...").
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from extractor.claims.evidence import locate
from extractor.dates import MONTH, YEAR, month_number
from extractor.models import Block, BlockKind, Document, Location
from extractor.normalise import fold, plain
from extractor.profiles import StartEvent

_DATE = re.compile(rf"^\W*({MONTH})\s+({YEAR})\b", re.I)
_FIRST = re.compile(
    r"\b(premi(?:er|ère)\s+[^:,(]+?)(?:\s*(?::|\s[-–]\s|\(|,|\bet\b|\best\b|\s(?:lanc|cré|ouvert)\w*\s+en\b|$))",
    re.I,
)
_SUBJECT_AFTER_COLON = re.compile(r":\s*(.+?)\s*(?:[;(]|\.(?:\s|$)|$)")
_SUBJECT_BETWEEN_DASHES = re.compile(r"\s[-–]\s([^-–]+?)\s[-–]\s")
_SUBJECT_BEFORE = re.compile(r"(?:^|[.!?]\s)\W*([^.!?]+?)\s+est\s+la\s+premi", re.I)
_IN_DATE = re.compile(rf"\ben\s+(?:({MONTH})\s+)?({YEAR})\b", re.I)
_SINCE = re.compile(rf"\bdepuis\s+({YEAR})\b", re.I)
_LAUNCHED = re.compile(rf"\blanc[ée]\w*\s+en\s+({YEAR})\b|1(?:ère|re|er)\s+édition\b", re.I)


class Event(BaseModel):
    key: str
    label: str  # as written: "Première Startup d'État portée par un service déconcentré de l'État"
    date: str  # "2017" or "2017-04"
    subject: str | None = None
    location: Location
    quote: str


def _date(month: str | None, year: str) -> str:
    number = month_number(month) if month else None
    return f"{year}-{number:02d}" if number else year


def _key(text: str) -> str:
    return plain(fold(text))  # fold first: "l’État" and "lʼÉtat" are one key


def extract_events(doc: Document) -> list[Event]:
    from extractor import profiles

    starts = [g.start_event for g in profiles.active().grants if g.start_event is not None]
    events: list[Event] = []
    for block in doc.blocks:
        text = block.text
        dated = _DATE.match(text) if block.kind != BlockKind.table_cell else None
        if block.kind == BlockKind.table_cell and block.row_header:
            dated = _DATE.match(block.row_header)
        events.extend(_firsts(doc, block, dated))
        for start in starts:
            events.extend(_started(doc, block, dated, start))
    return events


def _firsts(doc: Document, block: Block, dated: re.Match[str] | None) -> list[Event]:
    text = block.text
    found = _FIRST.search(text)
    if not found:
        return []
    date = _date(dated.group(1), dated.group(2)) if dated else None
    if date is None:
        # In prose, only "X est la première ... lancée en décembre 2017" dates a first.
        when = _IN_DATE.search(text, found.end(), found.end() + 40)
        if when is None or not _SUBJECT_BEFORE.search(text[: found.start() + 10]):
            return []
        date = _date(when.group(1), when.group(2))
    subject = None
    for pattern in (_SUBJECT_AFTER_COLON, _SUBJECT_BETWEEN_DASHES, _SUBJECT_BEFORE):
        match = (
            pattern.search(text, found.start())
            if pattern is not _SUBJECT_BEFORE
            else pattern.search(text[: found.start() + 10])
        )
        if match and match.group(1).strip(" *"):
            subject = match.group(1).strip(" *")
            break
    start, end = found.span(1)
    location = locate(doc, block, start, end)
    label = found.group(1).strip(" *")
    return [Event(key=_key(label), label=label, date=date, subject=subject, location=location, quote=text[:160])]


def _started(doc: Document, block: Block, dated: re.Match[str] | None, start: StartEvent) -> list[Event]:
    """When a programme started, in a text that speaks of it (`start.mention`): "lancé en 2019", a
    dated "1ère édition de l'appel", or "Depuis 2022, le … accompagne" (a start date too)."""
    text = block.text
    if not re.search(start.mention, text, re.I):
        return []
    since = _SINCE.search(text)
    launched = _LAUNCHED.search(text)
    year = None
    match = since or launched
    if since:
        year = since.group(1)
    elif launched and launched.group(1):
        year = launched.group(1)
    elif launched and dated:
        year = dated.group(2)
    if year is None or match is None:
        return []
    location = locate(doc, block, match.start(), match.end())
    return [Event(key=start.key, label=start.label, date=year, location=location, quote=text[:160])]
