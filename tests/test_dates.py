"""The French calendar (issue 18, item 3): one table of months and one range of years, which every
stage reads dates with (extractor/dates.py)."""

from __future__ import annotations

import doctest
import re

import pytest

from extractor import dates
from extractor.claims import events, numbers, resolve
from extractor.dates import MONTH, MONTH_NAME, MONTH_NAMES, MONTHS, YEAR, is_year, month_number, period_fr
from extractor.ingest import read_bytes
from tests.conftest import ROOT

# Modules that still have their own copy, until they are switched to extractor.dates (they are
# edited elsewhere): remove a module from here when it is.
NOT_YET_SWITCHED: set[str] = set()


def test_the_doctests_of_the_calendar_run() -> None:
    result = doctest.testmod(dates)
    assert result.attempted >= 3 and result.failed == 0


def test_the_grammar_reads_months_and_years_as_the_calendar_does() -> None:
    """numbers.py is switched to extractor.dates by its owner: until then, its copies are equal,
    so that the switch changes nothing."""
    assert getattr(numbers, "MONTHS", MONTHS) == MONTHS
    assert getattr(numbers, "_MONTH", MONTH) == MONTH
    grammar_year = getattr(numbers, "_YEAR", re.compile(YEAR))
    for n in range(10_000):
        for digits in (str(n), f"{n:04d}"):
            assert (grammar_year.fullmatch(digits) is not None) == (re.fullmatch(YEAR, digits) is not None), digits


def test_the_year_range_is_1980_to_2049() -> None:
    assert (dates.YEAR_MIN, dates.YEAR_MAX) == (1980, 2049)
    years = [n for n in range(10_000) if re.fullmatch(YEAR, str(n))]
    assert years == list(range(1980, 2050))
    assert [n for n in range(10_000) if is_year(n)] == years
    assert all(is_year(f"{n:04d}") == (n in years) for n in range(10_000))
    assert not is_year(True) and not is_year("２０２４") and not is_year("") and not is_year(None)


def test_the_year_fragment_is_built_from_the_bounds() -> None:
    assert dates._year_pattern(1980, 2049) == YEAR
    assert dates._year_pattern(1990, 2019) == r"(?:19[9-9]\d|20[0-1]\d)"
    with pytest.raises(ValueError, match="decades"):
        dates._year_pattern(1985, 2049)


def test_every_written_month_has_its_number() -> None:
    assert [month_number(name) for name in MONTH_NAMES] == list(range(1, 13))
    for word, number in MONTHS.items():
        assert month_number(word) == number
        assert month_number(word.upper() + ".") == number
    assert month_number("Fevrier") == month_number("FÉVRIER") == month_number("févr.") == 2
    assert month_number("aout") == month_number("AOÛT") == 8
    assert month_number("lundi") is None and month_number("") is None


@pytest.mark.parametrize("pattern", [MONTH, MONTH_NAME])
def test_what_the_month_fragments_match_is_a_month(pattern: str) -> None:
    candidates = {*MONTHS, *(w + "." for w in MONTHS), *MONTH_NAMES, "fevr.", "fév.", "sep.", "sept."}
    matched = {w for w in candidates if re.fullmatch(pattern, w, re.I)}
    assert set(MONTH_NAMES) <= matched
    assert all(month_number(w) is not None for w in matched)
    assert re.fullmatch(pattern, "lundi") is None and re.fullmatch(pattern, "mars2") is None


def test_periods_in_french() -> None:
    assert period_fr("2025-01") == "janvier 2025"
    assert period_fr("2017-08") == "août 2017"
    assert period_fr("2024") == "2024"
    assert period_fr(None) == "?"
    assert period_fr("2024-13") == "2024-13"  # no such month: as written


def test_the_stages_date_things_with_the_calendar() -> None:
    assert events._date("Sept.", "2015") == "2015-09"
    assert events._date(None, "2015") == "2015"
    # "Févr." is matched by the month fragment and was missing from the table once folded (a KeyError)
    doc = read_bytes("Févr. 2016 ○ Première Startup d'État : Foo\n".encode(), "frise.md")
    assert [(e.key, e.date) for e in events.extract_events(doc)] == [("premiere startup d etat", "2016-02")]
    assert resolve._period_in("au 31 décembre 2023") == "2023-12"
    assert resolve._period_in("Fin 1979 et 2050") is None  # outside the years a figure is dated by


_MONTH_TABLE = re.compile(r"[\"']janvier[\"']|janvier\|")  # a month in a table or a regex, not in a date
_YEAR_BOUNDS = re.compile(r"19\[89\]|20\[0-4\]|\(\?:19\|20\)|\b19\|20\b|\b1980\b|\b2049\b")


def test_months_and_years_are_written_in_the_calendar_only() -> None:
    """No other module has a month table or the year bounds of its own (five had)."""
    copies = []
    for path in sorted((ROOT / "extractor").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "extractor/dates.py" or rel in NOT_YET_SWITCHED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _MONTH_TABLE.search(line) or _YEAR_BOUNDS.search(line):
                copies.append(f"{rel}:{number}: {line.strip()[:80]}")
    assert copies == []
    # the patterns find the copies where they are
    for rel in ["extractor/dates.py", *NOT_YET_SWITCHED]:
        text = (ROOT / rel).read_text(encoding="utf-8")
        assert _MONTH_TABLE.search(text) and _YEAR_BOUNDS.search(text), rel
