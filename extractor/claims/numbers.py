"""The French number grammar (DESIGN §2 extract, §9 Numbers).

`find_numbers(text)` returns every number of a text with its value, unit, qualifier, delta flag
and kind. Counts, amounts, percentages and ratios are `quantity`; years, dates, ordinals,
references ("n°352", "FAST 14", "section 2"), phone numbers, postal codes and versions are kept
apart with their own kind so that they never become counts. No library fits (DESIGN §9:
text2num is destructive on running text, quantulum3 is English-only), hence this grammar.

A plain space is an ambiguous thousands separator ("les 18 154 agents"): such groupings are read
as one number, flagged `ambiguous`, with the split reading in `alternatives`; U+00A0 and U+202F
are always separators.

Each number is read from a bounded window around it, or from positions found once for the text,
never from the whole text before or after it: the cost grows with the number of figures (it grew
with its square). The one exception is a run of 3-digit groups separated by plain spaces that ends
in another digit ("123 123 … 123 1"), which the scanner tries again from each group; blocks are at
most 4,000 characters (structure.MAX_BLOCK_CHARS), and that costs a few tens of milliseconds.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from extractor import profiles
from extractor.models import Qualifier

Kind = Literal["quantity", "year", "date", "ordinal", "reference", "phone", "postal", "version", "address", "size"]

MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "février": 2, "fevrier": 2, "févr": 2, "fev": 2, "fév": 2, "mars": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9,
    "sept": 9, "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "décembre": 12, "decembre": 12,
    "déc": 12, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:janvier|janv\.?|f[ée]vrier|f[ée]vr?\.|mars|avril|avr\.|mai|juin|juillet|juil\.|ao[uû]t|septembre"
    r"|sept?\.|octobre|oct\.|novembre|nov\.|d[ée]cembre|d[ée]c\.)"
)
WORDS = {
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "dix": 10, "onze": 11,
    "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "trente": 30,
    "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100, "mille": 1000,
}  # fmt: skip
FRACTIONS = {"tiers": Decimal(1) / Decimal(3), "quart": Decimal("0.25"), "quarts": Decimal("0.25")}
MULTIPLIERS = {
    "million": Decimal(10) ** 6, "millions": Decimal(10) ** 6, "milliard": Decimal(10) ** 9,
    "milliards": Decimal(10) ** 9, "md": Decimal(10) ** 9, "mds": Decimal(10) ** 9, "m": Decimal(10) ** 6,
    "k": Decimal(1000),
}  # fmt: skip

SEPARATORS = "\u00a0\u202f"
_SPACE = r"[ \u00a0\u202f]"
_CORE = re.compile(
    r"(?<![\w.,/@#-])(?<![\w.,/@#-][+\-−])"
    r"(?P<sign>\+\s?|[-−](?=\d))?"
    # A plain-space grouping is all of its groups or nothing (a shorter one is followed by the next
    # group, which the lookahead refuses): possessive, not backtracked through group by group.
    r"(?P<int>\d{1,3}(?:[\u00a0\u202f]\d{3})+(?![\d])|\d{1,3}(?: \d{3})++(?! ?\d)|\d+)"
    r"(?:,(?P<frac>\d+))?"
    r"(?![\d])"
)
_UNIT = re.compile(
    r"(?P<sp>[ \u00a0\u202f]?)(?:"
    r"(?P<pct>%|pour ?cents?\b)"
    r"|(?P<mult>milliards?|millions?|Mds?(?=\s?€)|M(?=\s?€)|[Kk](?=\s?€))"
    r"(?P<cur2>\s?€|\s(?:d['’]|de\s)euros?\b|\s?euros?\b)?"
    r"|(?P<cur>€|euros?\b|EUR\b)"
    r"|(?P<pts>points?\b|pts?\b)"
    r")",
)
_ORDINAL_SUFFIX = re.compile(r"(?:er|re|ère|ere|e|ème|eme|è|nd|nde|nds|ndes|ers|es|èmes)\b")
_DENOMINATOR = re.compile(r"(?:\s+[^\W\d_][\w’'-]*){0,4}?\s+sur\s+(?:un potentiel de\s+|un total de\s+)?")
_SLASH = re.compile(r"/(?P<den>\d+(?:,\d+)?)(?![\d/])")
_QUALIFIER_PHRASES: list[tuple[str, Qualifier]] = [
    (r"(?:plus|au-del[àa]|pas moins) d(?:e|['’])", Qualifier.lower_bound),
    (r"\bau moins", Qualifier.lower_bound),
    (r"\bsup[ée]rieur(?:e|s|es)? [àa]", Qualifier.lower_bound),
    (r"\bd[ée]pass[ée](?:e|s|es)? (?:les|la|le)", Qualifier.lower_bound),
    (r"(?:^|[\s(])(?:>|≥|\+ de)", Qualifier.lower_bound),
    (r"(?:^|[\s(])Plus", Qualifier.lower_bound),
    (r"\bmoins d(?:e|['’])", Qualifier.upper_bound),
    (r"\bjusqu['’][àa]", Qualifier.upper_bound),
    (r"\bau (?:plus|maximum)", Qualifier.upper_bound),
    (r"\bn['’]exc[ée]dant pas", Qualifier.upper_bound),
    (r"\binf[ée]rieur(?:e|s|es)? [àa]", Qualifier.upper_bound),
    (r"(?:^|[\s(])(?:<|≤)", Qualifier.upper_bound),
    (r"\bpr[èe]s d(?:e|['’])", Qualifier.approximate),
    (r"\benviron", Qualifier.approximate),
    (r"\bquasi(?:ment)?", Qualifier.approximate),
    (r"\bpresque", Qualifier.approximate),
    (r"\bautour d(?:e|['’])", Qualifier.approximate),
    (r"\bde l['’]ordre d(?:e|['’])", Qualifier.approximate),
    (r"\bquelque", Qualifier.approximate),
    (r"(?:^|[\s(])~", Qualifier.approximate),
]
_QUALIFIERS = [(re.compile(p + r"\s*$", re.I), q) for p, q in _QUALIFIER_PHRASES]
# Any of them: most numbers have none, and one search tells so (instead of one per phrase).
_ANY_QUALIFIER = re.compile("(?:" + "|".join(p for p, _ in _QUALIFIER_PHRASES) + r")\s*$", re.I)
_REFERENCE_BEFORE = re.compile(
    r"(?:\bn[°º]|\bN[°º]|\bno\.|\bsection|\bpage|\bpartie|\bchapitre|\bannexe|\bcrit[èe]re(?: n[°º])?"
    + "".join(rf"|\b{word}" for word in profiles.active().label_words)  # the programme's: "FAST 14", "promo 15"
    + r"|\bsaison|\b[ée]tape|\bphase|\barticle|\bslide|\bversion"
    r"|\bgamma|\bdiapositive|\bfigure|\btableau|\bGrade|\bniveau|\bv)\s*$",
    re.I,
)
_YEAR_CONTEXT = re.compile(
    r"(?:\ben|\bdepuis|\bdès|\bdes|\bde|\bd['’]ici|\bfin|\bdébut|\bmi-|\bà partir de|\bavant|\baprès|\bjusqu['’]en"
    r"|\bannée|\bbilan|\bPLF|\bT[1-4]|\bS[12]|\bentre|\bet|\bau|\bpour|\bRésultats|\bObjectifs|\bMoyenne)\s*$",
    re.I,
)
_ADDRESS_AFTER = re.compile(r",?\s+(?:avenue|av\.|rue|boulevard|bd|place|allée|quai|impasse|chemin|route)\b", re.I)
_PHONE = re.compile(r"(?<!\d)0\d(?:[ .\u00a0]\d{2}){4}(?!\d)")
_VERSION = re.compile(r"(?<![\w.])v?\d+\.\d+(?:\.\d+)+(?![\w.])|(?<![\w.])v\d+(?:\.\d+)?(?![\w.])")
_DATE_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{2,4})(?![\d/])")
_DAY_MONTH = re.compile(rf"(?:er)?\s+{_MONTH}(?:\s+\d{{4}})?", re.I)  # matched at the end of the number
_MONTH_BEFORE = re.compile(rf"(?:{_MONTH}|\b1er\s+{_MONTH})\s*$", re.I)
_URLISH = re.compile(r"\S*(?:://|www\.|@|/\S|\.(?:fr|gouv|com|org|net|io|eu|html|pdf)\b)\S*", re.I)
_SLIDE_COUNTER = re.compile(r"\((\d+)/(\d+)\)")
_WRITTEN = re.compile(
    r"(?<![\w-])(?P<word>deux|trois|quatre|cinq|six|sept|huit|dix|onze|douze|treize|quatorze|quinze|seize|vingt"
    r"|trente|quarante|cinquante|soixante|cent|mille|un|une)"
    r"(?:\s+(?P<frac>tiers|quarts?)|\s+(?P<mult>millions?|milliards?)"
    r"(?P<cur>\s(?:d['’]|de\s)euros?\b|\s?€)?)?(?![\w'’-])",
    re.I,
)
# Written numbers that are idioms, not figures: "les deux", "à deux", "deux à deux".
_WRITTEN_IDIOM_BEFORE = re.compile(r"(?:\bles|\bà|\bces|\btous|\btoutes|\bentre|\bl['’]un|\bnos|\bses)\s*$", re.I)


@dataclass
class NumberMatch:
    start: int
    end: int
    value: Decimal
    kind: Kind = "quantity"
    unit: str | None = None  # "EUR", "%", "pt", "/5"; None for counts (the metric says what is counted)
    qualifier: Qualifier = Qualifier.exact
    is_delta: bool = False
    raw: str = ""
    qualifier_start: int | None = None  # where a qualifier phrase ("plus de") starts, if any
    denominator: Decimal | None = None  # "157 tribunaux sur 168", "4,2/5"
    written: bool = False  # "six nouvelles", "deux tiers"
    ambiguous: bool = False  # plain-space grouping that could be two numbers
    alternatives: list[Decimal] = field(default_factory=list)
    decimals: int = 0  # digits after the comma, as written (for rounding tolerance)

    @property
    def is_count(self) -> bool:
        return self.kind == "quantity"


MAX_DIGITS = 15


def too_long(digits: str) -> bool:
    """Whether a number written with these digits (integer and decimal digits, separators left
    out) is too long to be a figure: more than MAX_DIGITS significant digits, counted from its
    first non-zero digit to the last digit written. Such a number is not read at all.

    No figure an author states has more. Spreadsheets (Excel, LibreOffice: IEEE doubles) keep 15
    significant digits, so a longer figure cannot have come out of one; the largest figures of a
    public report, the State budget to the cent ("492 189 234 567,89 €"), have 14 or 15. Longer
    runs of digits are identifiers (card numbers, hashes, cells run together) or noise. The bound
    also keeps the values the checks compute with small: below 10**24 even with "milliards", so
    that sums of up to 10,000 figures still fit Decimal's default 28 digits (a number of 29 digits
    used to stop the whole document: InvalidOperation in `tidy`)."""
    return len(digits.lstrip("0")) > MAX_DIGITS


def tidy(value: Decimal) -> Decimal:
    """2480000.00 -> 2480000; 2/3 -> 0.666667 (six places are enough for any check)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.quantize(Decimal("0.000001")).normalize()


_SEPARATOR = re.compile(r"[ \u00a0\u202f]")


def _decimal(int_part: str, frac: str | None) -> Decimal:
    digits = _SEPARATOR.sub("", int_part)
    return Decimal(f"{digits}.{frac}") if frac else Decimal(digits)


def _qualifier(text: str, start: int) -> tuple[Qualifier, int | None]:
    before = text[max(0, start - 40) : start]
    if not _ANY_QUALIFIER.search(before):
        return Qualifier.exact, None
    for pattern, qualifier in _QUALIFIERS:
        match = pattern.search(before)
        if match:
            return qualifier, start - len(before) + match.start()
    return Qualifier.exact, None


_NOT_URL = re.compile(r"[\d\s.,%€+()/:;-]+")


class _Tokens:
    """The space-separated tokens of a text, for `in_url`: found by bisection among the positions
    of its spaces (not by searching the text from each number), and each token judged once (a
    text without spaces is one token, whatever its number of figures)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._spaces: list[int] | None = None
        self._verdicts: dict[tuple[int, int], bool] = {}

    def in_url(self, start: int, end: int) -> bool:
        """Whether text[start:end] is part of a URL, an e-mail address or a file name."""
        if self._spaces is None:
            self._spaces = [i for i, c in enumerate(self.text) if c == " "]
        spaces = self._spaces
        before = bisect.bisect_left(spaces, start)
        left = spaces[before - 1] + 1 if before else 0  # after the last space before the number
        after = bisect.bisect_left(spaces, end)
        right = spaces[after] if after < len(spaces) else len(self.text)  # the first space after it
        verdict = self._verdicts.get((left, right))
        if verdict is None:
            token = self.text[left:right]
            verdict = bool(_URLISH.fullmatch(token)) and not _NOT_URL.fullmatch(token)
            self._verdicts[(left, right)] = verdict
        return verdict


def _word_before(text: str, pos: int) -> bool:
    r"""Whether text[:pos] ends with a word character, white space aside (r"\w\s*$"), looking back
    over that white space only."""
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    return pos > 0 and (text[pos - 1].isalnum() or text[pos - 1] == "_")


# What may follow a number, matched where the number ends.
_GLUED_MULTIPLIER = re.compile(r"[KkM](?:d|ds)?\s?€")
_SIZE_AFTER = re.compile(r"[ \u00a0]?(?:[KMGT]o|[KMGT]B|octets)\b")
_CAPITALISED_AFTER = re.compile(r"\s+[A-ZÉ][a-zé]")
_PERCENT_AFTER = re.compile(r"\s*%")
_SHARE_AFTER = re.compile(r"\s+des\s")
_DAY = re.compile(r"\d{1,2}")
_POSTAL = re.compile(r"\d{5}")
_YEAR = re.compile(r"(?:19[89]\d|20[0-4]\d)")


def find_numbers(text: str) -> list[NumberMatch]:
    """Every number of `text`, in order. Offsets are into `text`."""
    text = unicodedata.normalize("NFC", text)
    taken = bytearray(len(text))  # 1 under every number found so far
    out: list[NumberMatch] = []

    def claim(match: NumberMatch) -> None:
        taken[match.start : match.end] = b"\x01" * (match.end - match.start)
        out.append(match)

    def free(start: int, end: int) -> bool:
        return taken.find(1, start, end) == -1

    # Patterns that contain digits but are not counts come first.
    for m in _PHONE.finditer(text):
        claim(NumberMatch(m.start(), m.end(), Decimal(re.sub(r"\D", "", m.group(0))), "phone", raw=m.group(0)))
    for m in _VERSION.finditer(text):
        if free(m.start(), m.end()):
            claim(NumberMatch(m.start(), m.end(), Decimal(0), "version", raw=m.group(0)))
    for m in _DATE_NUMERIC.finditer(text):
        if free(m.start(), m.end()):
            claim(NumberMatch(m.start(), m.end(), Decimal(m.group(3)), "date", raw=m.group(0)))
    for m in _SLIDE_COUNTER.finditer(text):
        if free(m.start(), m.end()) and not too_long(m.group(1)):
            claim(NumberMatch(m.start() + 1, m.end() - 1, Decimal(m.group(1)), "reference", raw=m.group(0)))

    tokens = _Tokens(text)
    for m in _CORE.finditer(text):
        start, end = m.start("int"), m.end()
        if not free(m.start(), end) or tokens.in_url(start, end):
            continue
        sign = (m.group("sign") or "").strip()
        # A sign glued to a preceding word ("Île-de-France-2") is a hyphen, not a sign.
        if sign and m.start() > 0 and not (text[m.start() - 1].isspace() or text[m.start() - 1] in "(["):
            sign = ""
        int_part, frac = m.group("int"), m.group("frac")
        # Digits glued to letters ("1jeune1solution", "T4", "fr-col-12") are not numbers.
        if (
            text[end : end + 1].isalpha()
            and not _ORDINAL_SUFFIX.match(text, end)
            and not _GLUED_MULTIPLIER.match(text, end)
        ):
            continue
        if start > 0 and text[start - 1].isalpha() and not sign:
            continue
        if too_long(_SEPARATOR.sub("", int_part) + (frac or "")):
            continue  # an identifier or noise, not a figure
        value = _decimal(int_part, frac)
        raw_start = m.start("sign") if sign else start
        # Day of a date: "29 mai 2024", "1er janvier 2022".
        day = _DAY_MONTH.match(text, end) if not frac and _DAY.fullmatch(int_part) else None
        if day and 1 <= int(int_part) <= 31:
            claim(NumberMatch(start, day.end(), value, "date", raw=text[start : day.end()]))
            continue
        ordinal = _ORDINAL_SUFFIX.match(text, end) if not frac else None
        if ordinal:
            claim(NumberMatch(start, ordinal.end(), value, "ordinal", raw=text[start : ordinal.end()]))
            continue
        before = text[max(0, start - 30) : raw_start]
        if _REFERENCE_BEFORE.search(before) and not sign:
            claim(NumberMatch(start, end, value, "reference", raw=text[start:end]))
            continue
        if _ADDRESS_AFTER.match(text, end) and not frac:
            claim(NumberMatch(start, end, value, "address", raw=text[start:end]))
            continue
        if _SIZE_AFTER.match(text, end):  # "PDF – 604,58 KB": a file size
            claim(NumberMatch(start, end, value, "size", raw=text[start:end]))
            continue
        if _POSTAL.fullmatch(int_part) and _CAPITALISED_AFTER.match(text, end) and not frac:
            claim(NumberMatch(start, end, value, "postal", raw=text[start:end]))
            continue
        unit_match = _UNIT.match(text, end)
        is_year = (
            not frac
            and not sign
            and _YEAR.fullmatch(int_part) is not None
            and not (unit_match and (unit_match.group("pct") or unit_match.group("cur") or unit_match.group("mult")))
        )
        if is_year:
            kind: Kind = "date" if _MONTH_BEFORE.search(text[max(0, start - 20) : start]) else "year"
            claim(NumberMatch(start, end, value, kind, raw=text[start:end]))
            continue
        number = NumberMatch(start, end, value, raw=text[raw_start:end], decimals=len(frac or ""))
        if sign:
            # "+40", "(+40)", "-12 %" are changes; "-100" alone is a negative value.
            negative = sign in "-−"
            # "Tous à bord + 29 phases": a "+" after a word adds to a list, it is not a change.
            additive = not negative and _word_before(text, m.start())
            number.is_delta = not additive and (
                not negative or text[m.start() - 1 : m.start()] == "(" or _PERCENT_AFTER.match(text, end) is not None
            )
            if negative:
                number.value = -number.value
        number.qualifier, number.qualifier_start = _qualifier(text, raw_start)
        if " " in int_part and len(int_part.split(" ")[0]) >= 2 and not int_part.endswith("000"):
            number.ambiguous = True
            number.alternatives = [Decimal(p) for p in int_part.split(" ")]
        if unit_match and (unit_match.group(0).strip() or unit_match.group("pct")):
            _apply_unit(number, unit_match)
            number.end = unit_match.end()
        _ratio(text, number)
        number.raw = text[raw_start : number.end]
        # "+80 % des services ...": a share of a population ("more than 80 %"), not a growth.
        share = _SHARE_AFTER.match(text, number.end)
        if number.is_delta and sign.startswith("+") and number.unit == "%" and share:
            number.is_delta = False
            number.qualifier = Qualifier.lower_bound
            number.qualifier_start = raw_start
        claim(number)

    _written_numbers(text, out, free)
    for number in out:
        number.value = tidy(number.value)
    out.sort(key=lambda n: n.start)
    _denominators(text, out)
    return out


def _apply_unit(number: NumberMatch, unit: re.Match[str]) -> None:
    if unit.group("pct"):
        number.unit = "%"
    elif unit.group("pts"):
        number.unit = "pt"
    elif unit.group("mult"):
        mult = unit.group("mult").lower()
        number.value = number.value * MULTIPLIERS[mult]
        if unit.group("cur2") or mult in ("m", "k", "md", "mds"):
            number.unit = "EUR"
    elif unit.group("cur"):
        number.unit = "EUR"


def _ratio(text: str, number: NumberMatch) -> None:
    """'4,2/5' -> value 4.2 on 5; the '/5' is part of the number."""
    slash = _SLASH.match(text, number.end)
    if slash and number.unit is None:
        whole, _, frac = slash.group("den").partition(",")
        if too_long(whole + frac):
            return  # "/" then an identifier, not a scale
        number.denominator = _decimal(whole, frac or None)
        number.unit = f"/{slash.group('den')}"
        number.end = slash.end()


def _denominators(text: str, numbers: list[NumberMatch]) -> None:
    """'157 tribunaux sur 168', '1 sur 3': the first number gets the second as its denominator."""
    for first, second in itertools.pairwise(numbers):
        if first.kind == second.kind == "quantity" and first.denominator is None and first.unit in (None, "%"):
            gap = _DENOMINATOR.fullmatch(text, first.end, second.start)
            if gap:
                first.denominator = second.value


def _written_numbers(text: str, out: list[NumberMatch], free) -> None:
    for m in _WRITTEN.finditer(text):
        if not free(m.start(), m.end()):
            continue
        word = m.group("word").lower()
        frac, mult = m.group("frac"), m.group("mult")
        if word in ("un", "une"):
            if not mult and not frac:
                continue  # "un service" is an article, not a figure
            base = Decimal(1)
        else:
            base = Decimal(WORDS[word])
            if not frac and not mult:
                follow = text[m.end() : m.end() + 30]
                # A written number counts something that follows it: "six nouvelles", "trois incubateurs".
                if not re.match(r"\s+[^\W\d_]", follow) or _WRITTEN_IDIOM_BEFORE.search(
                    text[max(0, m.start() - 12) : m.start()]
                ):
                    continue
                if word == "sept" and re.match(r"\s+\d{4}", follow):
                    continue  # "Sept 2021": the month
        number = NumberMatch(m.start(), m.end(), base, raw=m.group(0), written=True)
        if frac:
            number.value = base * FRACTIONS[frac.lower()]
            number.unit = "fraction"
        if mult:
            number.value = base * MULTIPLIERS[mult.lower()]
            if m.group("cur"):
                number.unit = "EUR"
        number.qualifier, number.qualifier_start = _qualifier(text, m.start())
        out.append(number)
