"""The French calendar every stage reads dates with: month names and their abbreviations, the
years a document may speak of, and periods written back in French.

- `MONTHS`: a written month (full, abbreviated, with or without its accents) -> its number;
  `month_number` reads one as found in a text ("Févr.", "AOÛT").
- `MONTH`: a regex fragment (no group) for a month as written in running text, abbreviations with
  their dot ("sept.", "déc."); `MONTH_NAME`: the full names only ("janvier" ... "décembre").
- `YEAR_MIN`, `YEAR_MAX`: the years a figure may be dated by (1980-2049): a four-digit number
  outside them is a count or a reference, not a year. `YEAR` is their regex fragment (no group),
  `is_year` the same test on a number.
- `date_of`: a date from a date, a datetime or its text (ISO, day first, year first).
- `period_fr`: a period ("2025-01", "2024") as a French text ("janvier 2025", "2024").
"""

from __future__ import annotations

import datetime as dt
import re

from extractor.normalise import fold

MONTH_NAMES = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "février": 2, "fevrier": 2, "févr": 2, "fev": 2, "fév": 2, "mars": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9,
    "sept": 9, "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "décembre": 12, "decembre": 12,
    "déc": 12, "dec": 12,
}  # fmt: skip
_FOLDED_MONTHS = {fold(word): number for word, number in MONTHS.items()}  # "févr" is "fevr" too
MONTH = (
    r"(?:janvier|janv\.?|f[ée]vrier|f[ée]vr?\.|mars|avril|avr\.|mai|juin|juillet|juil\.|ao[uû]t|septembre"
    r"|sept?\.|octobre|oct\.|novembre|nov\.|d[ée]cembre|d[ée]c\.)"
)
MONTH_NAME = r"(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre)"

YEAR_MIN = 1980
YEAR_MAX = 2049


def _year_pattern(low: int, high: int) -> str:
    """A regex for the four-digit numbers from `low` to `high`, whole decades:
    (1980, 2049) -> '(?:19[8-9]\\d|20[0-4]\\d)'."""
    if not (1000 <= low <= high <= 9999 and low % 10 == 0 and high % 10 == 9):
        raise ValueError(f"year bounds must be whole decades of four digits, not {low}-{high}")
    parts = []
    for century in range(low // 100, high // 100 + 1):
        first = max(low, century * 100) // 10 % 10
        last = min(high, century * 100 + 99) // 10 % 10
        parts.append(rf"{century}[{first}-{last}]\d")
    return "(?:" + "|".join(parts) + ")"


YEAR = _year_pattern(YEAR_MIN, YEAR_MAX)


def is_year(value: object) -> bool:
    """Whether a number (or its digits) is a year a document may be dated by.

    >>> is_year(2024), is_year("1980"), is_year(1979), is_year(2050), is_year(2024.5)
    (True, True, False, False, False)
    """
    if isinstance(value, str):
        return value.isascii() and value.isdigit() and YEAR_MIN <= int(value) <= YEAR_MAX
    return isinstance(value, int) and not isinstance(value, bool) and YEAR_MIN <= value <= YEAR_MAX


def month_number(word: str) -> int | None:
    """The number of a month as written, case and accents aside, with or without its dot.

    >>> month_number("Févr."), month_number("fevr"), month_number("AOÛT"), month_number("lundi")
    (2, 2, 8, None)
    """
    return _FOLDED_MONTHS.get(fold(word).rstrip("."))


def period_fr(period: str | None) -> str:
    """A period as French text: '2025-01' -> 'janvier 2025'; '2024' -> '2024'; None -> '?'.

    >>> period_fr("2025-01"), period_fr("2024-12"), period_fr("2024"), period_fr(None)
    ('janvier 2025', 'décembre 2024', '2024', '?')
    """
    parts = (period or "").split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[1]) <= 12:
        return period or "?"
    return f"{MONTH_NAMES[int(parts[1]) - 1]} {int(parts[0])}"


def date_fr(day: dt.date) -> str:
    """A date as French text, the first of a month written « 1er ».

    >>> date_fr(dt.date(2023, 5, 15)), date_fr(dt.date(2024, 12, 1))
    ('15 mai 2023', '1er décembre 2024')
    """
    return f"{'1er' if day.day == 1 else day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def written_date(day: str | None, month: str, year: str) -> dt.date | None:
    """The date a French text writes as day, month word and year ("1er", "décembre", "2024");
    the month's first day when no day is written; None when it is no date.

    >>> written_date("1er", "décembre", "2024"), written_date("15", "mai", "2023"), written_date("31", "avril", "2024")
    (datetime.date(2024, 12, 1), datetime.date(2023, 5, 15), None)
    """
    number = month_number(month)
    if number is None or not year.isdigit():
        return None
    try:
        return dt.date(int(year), number, 1 if not day or day.startswith("1er") else int(day))
    except ValueError:
        return None


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.+\-Z]*)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")


def date_of(value: object) -> dt.date | None:
    """A calendar date from a date, a datetime or the text of one ("2024-01-31", with or without
    a time; "31/01/2024", "31.01.2024", "2024/01/31"); None when it is none or impossible.

    >>> date_of("2024-01-31T10:00:00Z"), date_of("31.01.2024"), date_of("2024-02-30"), date_of("janvier")
    (datetime.date(2024, 1, 31), datetime.date(2024, 1, 31), None, None)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if found := _ISO_DATE.fullmatch(text) or _YEAR_FIRST.fullmatch(text):
            year, month, day = map(int, found.groups())
        elif found := _DAY_FIRST.fullmatch(text):
            day, month, year = map(int, found.groups())
        else:
            return None
        return dt.date(year, month, day)
    except ValueError:
        return None
