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

How the forms of running French are read (each is one `NumberMatch`, or none):

- Ranges: "entre 2 et 3 millions d'euros", "de 10 à 15 %", "2 à 4 personnes" are two numbers, a
  lower and an upper bound (`Qualifier.lower_bound`, `Qualifier.upper_bound`, both with the
  range's start as `qualifier_start`). A first bound written bare takes the second's unit and
  multiplier: 2 000 000 EUR and 3 000 000 EUR; 10 % and 15 %. The multiplier is shared only
  when the first bound is below the second's coefficient ("entre 500 et 3 millions" keeps 500).
  After a verb of change ("est passé de 10 à 15 %") the two numbers are an old and a new value:
  they share the unit but stay exact.
- "3 millions et demi", "deux millions et demi d'euros": 3 500 000, 2 500 000 EUR.
- Approximate nouns quantifying something ("une dizaine de", "une quinzaine d'", "une centaine
  de", "un millier de", "une dizaine de milliers de"): their value (10, 15, 100, 1 000, 10 000),
  `Qualifier.approximate` ("plus d'une centaine" is a lower bound of 100). "deux centaines de"
  is about 200. The plurals without a number ("des milliers", "des centaines", "plusieurs
  dizaines") are not figures: they say "many", and a guessed bound (2 000) would be checked
  against real figures as if the author had stated it.
- "la moitié" is the fraction 1/2 (0.5, unit "fraction"), as "deux tiers" is 2/3; "à moitié",
  "de moitié" and "à la moitié du parcours" are not shares.
- Bounds after the number: "5 ou plus", "65 ans et plus", "10 minimum" (lower); "5 ou moins",
  "10 maximum" (upper). "pas plus de 20" and "pas au-delà de 20" are upper bounds, "supérieur
  ou égal à 5" and "au-dessus de 5" lower ones, "inférieur ou égal à 5", "en dessous de 5", "en
  deçà de 5" upper ones.
- Currencies: "20 Euros", "20 EUROS", "20 EUR", "2 millions de €" are EUR.
- Dot-grouped thousands: "1.200.000 €", "1.200.000 habitants", "180.000 interventions" are
  1 200 000 and 180 000 (a French decimal is written with a comma; "180.000" was read as 180).
  Only groups of three digits after a first group of one to three that does not start with 0 are
  thousands: "1.2.3" and "v1.200.000" stay versions, "12.03.2024" is not a grouping, and
  "192.168.100.100" (four parts of at most 255, without a currency) is the address of a machine
  (kind "version", as before).
- Written numbers are read whole or not at all: "deux mille deux cents" is 2 200, "trois cent
  mille" 300 000, "vingt et un" 21, "soixante-dix" 70, "quatre-vingt-dix-neuf" 99, "deux
  millions trois cent mille" 2 300 000; a run of number words that is not one number ("deux
  trois") gives none. A compound needs no noun after it; a single word counts something that
  follows it ("trois incubateurs"). "neuf" alone is also an adjective ("un bâtiment neuf", "un
  site tout neuf", "du neuf"): alone, it is a number only before a plural word that is not a
  function word ("neuf agents", "neuf nouveaux services").
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from extractor import profiles
from extractor.dates import MONTH, YEAR
from extractor.models import Qualifier

Kind = Literal["quantity", "year", "date", "ordinal", "reference", "phone", "postal", "version", "address", "size"]

# The words of written numbers (`written_value` composes them): "un" and "une" alone are articles.
UNIT_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9,
}  # fmt: skip
TEEN_WORDS = {"dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16}
TEN_WORDS = {
    "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,  # Belgian and Swiss
}  # fmt: skip
FRACTIONS = {
    "tiers": Decimal(1) / Decimal(3), "quart": Decimal("0.25"), "quarts": Decimal("0.25"), "moitié": Decimal("0.5"),
}  # fmt: skip
# "une dizaine de", "un millier de": about that many.
APPROXIMATE_NOUNS = {
    "dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30, "quarantaine": 40,
    "cinquantaine": 50, "soixantaine": 60, "centaine": 100, "millier": 1000,
}  # fmt: skip
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
    r"(?P<int>\d{1,3}(?:[\u00a0\u202f]\d{3})+(?![\d])|\d{1,3}(?: \d{3})++(?! ?\d)"
    # "1.200.000 €": dot-grouped thousands (`_dot_grouping` tells when they are)
    r"|[1-9]\d{0,2}(?:\.\d{3})++(?!\d|\.\d)|\d+)"
    r"(?:,(?P<frac>\d+))?"
    r"(?![\d])"
)
_UNIT = re.compile(
    r"(?P<sp>[ \u00a0\u202f]?)(?:"
    r"(?P<pct>%|pour ?cents?\b)"
    r"|(?P<mult>milliards?|millions?|Mds?(?=\s?€)|M(?=\s?€)|[Kk](?=\s?€))(?P<half>\s+et\s+demie?\b)?"
    r"(?P<cur2>\s?€|\s(?:d['’]|de\s)(?:[Ee]uros?|EUROS?)\b|\sde\s?€|\s?(?:[Ee]uros?|EUROS?)\b)?"
    r"|(?P<cur>€|(?:[Ee]uros?|EUROS?|EUR)\b)"
    r"|(?P<pts>points?\b|pts?\b)"
    r")",
)
_ORDINAL_SUFFIX = re.compile(r"(?:er|re|ère|ere|e|ème|eme|è|nd|nde|nds|ndes|ers|es|èmes)\b")
_DENOMINATOR = re.compile(r"(?:\s+[^\W\d_][\w’'-]*){0,4}?\s+sur\s+(?:un potentiel de\s+|un total de\s+)?")
_SLASH = re.compile(r"/(?P<den>\d+(?:,\d+)?)(?![\d/])")
# In order: the first that matches wins ("pas plus de" before "plus de").
_QUALIFIER_PHRASES: list[tuple[str, Qualifier]] = [
    (r"\bpas (?:plus|au-del[àa]) d(?:e|['’])", Qualifier.upper_bound),
    (r"(?:plus|au-del[àa]|pas moins) d(?:e|['’])", Qualifier.lower_bound),
    (r"\bau moins", Qualifier.lower_bound),
    (r"\bsup[ée]rieur(?:e|s|es)? (?:ou [ée]ga(?:l|le|ux|les) )?[àa]", Qualifier.lower_bound),
    (r"\bau[- ]dessus d(?:e|['’])", Qualifier.lower_bound),
    (r"\bd[ée]pass[ée](?:e|s|es)? (?:les|la|le)", Qualifier.lower_bound),
    (r"(?:^|[\s(])(?:>|≥|\+ de)", Qualifier.lower_bound),
    (r"(?:^|[\s(])Plus", Qualifier.lower_bound),
    (r"\bmoins d(?:e|['’])", Qualifier.upper_bound),
    (r"\bjusqu['’][àa]", Qualifier.upper_bound),
    (r"\bau (?:plus|maximum)", Qualifier.upper_bound),
    (r"\bn['’]exc[ée]dant pas", Qualifier.upper_bound),
    (r"\binf[ée]rieur(?:e|s|es)? (?:ou [ée]ga(?:l|le|ux|les) )?[àa]", Qualifier.upper_bound),
    (r"\b(?:en|au)[- ]dessous d(?:e|['’])", Qualifier.upper_bound),
    (r"\ben de[çc][àa] d(?:e|['’])", Qualifier.upper_bound),
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
    r"|\bannée"
    + "".join(rf"|\b{re.escape(word)}" for word in profiles.active().report_words)  # the programme's: "Bilan 2024"
    + r"|\bPLF|\bT[1-4]|\bS[12]|\bentre|\bet|\bau|\bpour|\bRésultats|\bObjectifs|\bMoyenne)\s*$",
    re.I,
)
_ADDRESS_AFTER = re.compile(r",?\s+(?:avenue|av\.|rue|boulevard|bd|place|allée|quai|impasse|chemin|route)\b", re.I)
_PHONE = re.compile(r"(?<!\d)0\d(?:[ .\u00a0]\d{2}){4}(?!\d)")
# (a sentence may end right after one: "version 1.2.3.")
_VERSION = re.compile(r"(?<![\w.])v?\d+\.\d+(?:\.\d+)+(?!\w|\.\w)|(?<![\w.])v\d+(?:\.\d+)?(?!\w|\.\w)")
_DATE_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{2,4})(?![\d/])")
_DAY_MONTH = re.compile(rf"(?:er)?\s+{MONTH}(?:\s+\d{{4}})?", re.I)  # matched at the end of the number
_MONTH_BEFORE = re.compile(rf"(?:{MONTH}|\b1er\s+{MONTH})\s*$", re.I)
_URLISH = re.compile(r"\S*(?:://|www\.|@|/\S|\.(?:fr|gouv|com|org|net|io|eu|html|pdf)\b)\S*", re.I)
_SLIDE_COUNTER = re.compile(r"\((\d+)/(\d+)\)")
_NUMBER_WORDS = sorted([*UNIT_WORDS, *TEEN_WORDS, *TEN_WORDS, "vingts", "cent", "cents", "mille", "million",
                        "millions", "milliard", "milliards"], key=len, reverse=True)  # fmt: skip
_LINK = r"(?:-|[^\S\n]+)"  # between the words of one number: "vingt-deux", "deux mille"
_WRITTEN_TOKEN = (
    rf"(?:(?:{'|'.join(TEN_WORDS)}){_LINK}et{_LINK}(?:une?|onze)(?![\w'’])"  # "vingt et un", "soixante-et-onze"
    rf"|(?:{'|'.join(_NUMBER_WORDS)})(?![\w'’]))"
)
# A run of number words, read by `written_value` as one number (or none).
_WRITTEN = re.compile(rf"(?<![\w-]){_WRITTEN_TOKEN}(?:{_LINK}{_WRITTEN_TOKEN})*(?![\w'’-])", re.I)
_WRITTEN_WORD = re.compile(r"[^\s-]+")
_ORDINAL_WORD_AFTER = re.compile(rf"{_LINK}(?:et{_LINK})?[^\W\d_]*i[èe]mes?\b", re.I)  # "vingt et unième"
_FRACTION_AFTER = re.compile(r"\s+(?P<frac>tiers|quarts?)(?![\w'’-])", re.I)
_HALF_AFTER = re.compile(r"\s+et\s+demie?(?![\w'’-])", re.I)
_CURRENCY_AFTER = re.compile(
    r"\s(?:d['’]|de\s)(?:[Ee]uros?|EUROS?)\b|\sde\s?€|\s?€|\s(?:[Ee]uros?|EUROS?|EUR)\b"
)  # fmt: skip
_WRITTEN_PERCENT = re.compile(r"\s?%|\s+pour\s?cents?\b", re.I)
_APPROXIMATE_PLURAL = re.compile(r"\s+(?P<noun>dizaines|centaines|milliers)(?![\w'’-])", re.I)
_APPROXIMATE_NOUN = re.compile(
    r"(?<![\w-])une?\s+(?:(?:bonne|petite|grosse|large)\s+)?"
    rf"(?P<noun>{'|'.join(APPROXIMATE_NOUNS)})(?:\s+de\s+(?P<mult>milliers|millions|milliards))?"
    r"(?=\s+(?:d['’]|de\s|des\s|du\s))",
    re.I,
)
_NOUN_CURRENCY_AFTER = re.compile(r"\s+d['’](?:[Ee]uros?|EUROS?)\b|\s+de\s?€")  # "une centaine d'euros"
_HALF_SHARE = re.compile(r"(?<![\w-])la\s+moitié(?![\w'’-])", re.I)
_AT_BEFORE = re.compile(r"(?<![\w'’])à\s+$", re.I)  # "à la moitié du parcours", not "jusqu'à la moitié"
# Written numbers that are idioms, not figures: "les deux", "à deux", "deux à deux".
_WRITTEN_IDIOM_BEFORE = re.compile(r"(?:\bles|\bà|\bces|\btous|\btoutes|\bentre|\bl['’]un|\bnos|\bses)\s*$", re.I)
_RANGE_AFTER = re.compile(r"\s+et\s+(?:\d|[^\W\d_])")  # "entre deux et trois millions"
_MONTH_AFTER = re.compile(rf"\s+{MONTH}(?![\w'’-])", re.I)  # "neuf mars", "deux mai": dates (not "deux maisons")
# "neuf" alone is also an adjective ("un bâtiment neuf", "tout neuf"): a number before a plural word only.
_ADJECTIVE_NEUF_BEFORE = re.compile(r"(?:\btout|\btoute|\bflambant|\b[ée]tat|\bquoi de|\ble|\bdu)\s+$", re.I)
_PLURAL_AFTER = re.compile(
    r"\s+(?!(?:les|ces|ses|nos|vos|leurs|mes|tes|aux|dans|sous|sans|vers|depuis|après|puis|plus|moins|très|tous"
    r"|toutes|mais|pas|alors|lors|toujours|jamais|parfois|désormais|ailleurs|dès|près|avons|avez|êtes|sommes"
    r"|étais|serons|seront|sont|ont|vont|font|dont)\b)[^\W\d_][\w’'-]*[sx]\b",
    re.I,
)
# Ranges: "entre 2 et 3 millions", "de 10 à 15 %", "2 à 4 personnes".
_RANGE_ENTRE_BEFORE = re.compile(r"\bentre\s+$", re.I)
_RANGE_DE_BEFORE = re.compile(r"\bde\s+$", re.I)
_CHANGE_BEFORE = re.compile(  # "est passé de 10 à 15 %": from a value to another, not a range
    r"\b(?:pass\w*|[ée]volu\w*|(?:grimp|chut|baiss|augment|diminu|recul|progress|tomb|bond)"
    r"(?:é|ée|és|ées|er|ant)|mont(?:é|ée|és|ées|er)|r[ée]duit(?:e|s|es)?|cr[ûu])"
    r"(?:\s+[^\W\d_]+){0,4}\s+de\s+$",
    re.I,
)
_RANGE_GAP = re.compile(r"\s+(?P<word>et|à)\s+", re.I)
# Bounds written after the number: "5 ou plus", "65 ans et plus", "10 jours maximum".
_BOUND_AFTER = re.compile(
    r"(?:\s+[^\W\d_][\w’'-]*)?\s+(?:(?P<lower>(?:ou|et)\s+plus|(?:au\s+)?minimum)"
    r"|(?P<upper>ou\s+moins|(?:au\s+)?maximum))(?![\w'’-])"
    r"(?!\s*(?:d(?:e|es|u)\b|d['’]|\d|[^\W\d_]+ment\b|pr[ée]cis|exact|encore|tard|t[ôo]t|loin|que\b|qu['’]))",
    re.I,
)


@dataclass(slots=True)
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
    alternatives: tuple[Decimal, ...] = ()  # no list a number: 64,000 figures, 3.5 MB
    decimals: int = 0  # digits after the comma, as written (for rounding tolerance)
    scale: Decimal = Decimal(1)  # the multiplier written with it: 10**6 for "3 millions", "3 M€"; 1 if none

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
    digits = _SEPARATOR.sub("", int_part).replace(".", "")
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
_YEAR = re.compile(YEAR)


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
        if free(m.start(), m.end()) and not (
            _DOT_GROUPED.fullmatch(m.group(0)) and _dot_grouping(text, m.group(0), m.end())
        ):
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
        if too_long(_SEPARATOR.sub("", int_part).replace(".", "") + (frac or "")):
            continue  # an identifier or noise, not a figure
        if "." in int_part and not _dot_grouping(text, int_part, end):
            continue  # the parts of an IP address (not claimed as such when it is in a URL)
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
            number.alternatives = tuple(Decimal(p) for p in int_part.split(" "))
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

    _approximate_nouns(text, claim, free)
    _written_numbers(text, out, free)
    for number in out:
        number.value = tidy(number.value)
    out.sort(key=lambda n: n.start)
    _denominators(text, out)
    _ranges(text, out)
    _bounds_after(text, out)
    return out


_DOT_GROUPED = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")


def _dot_grouping(text: str, digits: str, end: int) -> bool:
    """Whether `digits` grouped by dots ("1.200.000", matching `_DOT_GROUPED`), followed by
    text[end:], are thousands: unless they are the four parts (0 to 255) of an IP address
    without a currency after them.

    >>> [(n.value, n.unit) for n in find_numbers("Un budget de 1.200.000 € pour 180.000 habitants.")]
    [(Decimal('1200000'), 'EUR'), (Decimal('180000'), None)]
    >>> [(n.kind, n.raw) for n in find_numbers("Serveur 192.168.100.100, version 1.2.3, le 12.03.2024.")]
    [('version', '192.168.100.100'), ('version', '1.2.3'), ('version', '12.03.2024')]
    """
    parts = digits.split(".")
    if len(parts) != 4 or any(int(part) > 255 for part in parts):
        return True
    unit = _UNIT.match(text, end)
    return unit is not None and bool(unit.group("cur") or unit.group("cur2") or unit.group("mult"))


def _apply_unit(number: NumberMatch, unit: re.Match[str]) -> None:
    if unit.group("pct"):
        number.unit = "%"
    elif unit.group("pts"):
        number.unit = "pt"
    elif unit.group("mult"):
        mult = unit.group("mult").lower()
        number.scale = MULTIPLIERS[mult]
        half = Decimal("0.5") if unit.group("half") else Decimal(0)  # "3 millions et demi"
        number.value = (number.value + half) * number.scale
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


def _units_or_teens(words: list[str], i: int) -> tuple[int, int] | None:
    """1 to 19 written from words[i]: the value and the index after it."""
    word = words[i] if i < len(words) else ""
    if word == "dix" and i + 1 < len(words) and words[i + 1] in ("sept", "huit", "neuf"):
        return 10 + UNIT_WORDS[words[i + 1]], i + 2
    if word in TEEN_WORDS:
        return TEEN_WORDS[word], i + 1
    if word in UNIT_WORDS:
        return UNIT_WORDS[word], i + 1
    return None


def _below_hundred(words: list[str], i: int) -> tuple[int, int] | None:
    """1 to 99: "neuf", "dix-neuf", "vingt et un", "soixante-douze", "quatre-vingt-dix-neuf"."""
    word = words[i] if i < len(words) else ""
    after = words[i + 1] if i + 1 < len(words) else ""
    if word == "quatre" and after in ("vingt", "vingts"):
        rest = _units_or_teens(words, i + 2) if after == "vingt" else None  # "quatre-vingt-un", no "et"
        return (80 + rest[0], rest[1]) if rest else (80, i + 2)
    if word not in TEN_WORDS:
        return _units_or_teens(words, i)
    tens = TEN_WORDS[word]
    if (
        after == "et"
        and i + 2 < len(words)
        and (words[i + 2] in ("un", "une") or (tens == 60 and words[i + 2] == "onze"))
    ):
        return tens + UNIT_WORDS.get(words[i + 2], 11), i + 3
    rest = _units_or_teens(words, i + 1)
    if rest and (rest[0] < 10 or tens == 60):  # "soixante-dix", "soixante-douze"; not "vingt-dix"
        return tens + rest[0], rest[1]
    return tens, i + 1


def _below_thousand(words: list[str], i: int) -> tuple[int, int] | None:
    """1 to 999: "cent", "deux cents", "neuf cent quatre-vingt-dix-neuf"."""
    word = words[i] if i < len(words) else ""
    after = words[i + 1] if i + 1 < len(words) else ""
    if word in ("cent", "cents"):
        hundreds, j = 100, i + 1
    elif UNIT_WORDS.get(word, 0) > 1 and after in ("cent", "cents"):
        hundreds, j = UNIT_WORDS[word] * 100, i + 2
    else:
        return _below_hundred(words, i)
    rest = _below_hundred(words, j)
    return (hundreds + rest[0], rest[1]) if rest else (hundreds, j)


def _below_million(words: list[str], i: int) -> tuple[int, int] | None:
    """1 to 999 999: "mille", "deux mille deux cents", "trois cent mille"."""
    if i < len(words) and words[i] == "mille":
        thousands, j = 1000, i + 1
    else:
        below = _below_thousand(words, i)
        if below is None:
            return None
        value, j = below
        if j >= len(words) or words[j] != "mille" or (j == i + 1 and value == 1):  # "un mille" is no number
            return below
        thousands, j = value * 1000, j + 1
    rest = _below_thousand(words, j)
    return (thousands + rest[0], rest[1]) if rest else (thousands, j)


_SCALES = {"cent": 100, "cents": 100, "mille": 1000, "million": 10**6, "millions": 10**6, "milliard": 10**9,
           "milliards": 10**9}  # fmt: skip


def written_value(words: list[str]) -> tuple[Decimal, Decimal] | None:
    """The value of a written number, its words in lower case, with the multiplier of its last
    word (`NumberMatch.scale`); None unless all the words make one number.

    >>> written_value("deux mille deux cents".split())
    (Decimal('2200'), Decimal('100'))
    >>> written_value(["quatre", "vingt", "dix", "neuf"])
    (Decimal('99'), Decimal('1'))
    >>> written_value("deux millions trois cent mille".split())
    (Decimal('2300000'), Decimal('1000'))
    >>> written_value("vingt et un".split()), written_value("deux trois".split()), written_value(["million"])
    ((Decimal('21'), Decimal('1')), None, None)
    """
    total, i = 0, 0
    for name, multiplier in (("milliard", 10**9), ("million", 10**6)):
        part = _below_million(words, i)
        if part and part[1] < len(words) and words[part[1]] in (name, name + "s"):
            total, i = total + part[0] * multiplier, part[1] + 1
    if i < len(words):
        part = _below_million(words, i)
        if part is None:
            return None
        total, i = total + part[0], part[1]
    if i != len(words) or total == 0:
        return None
    return Decimal(total), Decimal(_SCALES.get(words[-1], 1))


def _approximate_nouns(text: str, claim: Callable[[NumberMatch], None], free: Callable[[int, int], bool]) -> None:
    """ "une dizaine de", "un millier d'", "une centaine de millions d'euros": about that many;
    "la moitié" (of something): the fraction 1/2.

    >>> [(n.raw, n.value, n.unit, n.qualifier.value) for n in find_numbers("Une quinzaine d'entretiens")]
    [('Une quinzaine', Decimal('15'), None, 'approximate')]
    >>> [(n.value, n.qualifier.value) for n in find_numbers("plus d'une centaine de services")]
    [(Decimal('100'), 'lower_bound')]
    >>> [(n.value, n.unit) for n in find_numbers("une centaine de millions d'euros")]
    [(Decimal('100000000'), 'EUR')]
    >>> find_numbers("des milliers de connexions, des centaines d'agents, dans une quinzaine.")
    []
    >>> [(n.raw, n.value, n.unit) for n in find_numbers("la moitié des agents")]
    [('la moitié', Decimal('0.5'), 'fraction')]
    >>> find_numbers("un verre à moitié plein, réduit de moitié, à la moitié du parcours")
    []
    """
    for m in _APPROXIMATE_NOUN.finditer(text):
        if not free(m.start(), m.end()):
            continue
        number = NumberMatch(m.start(), m.end(), Decimal(APPROXIMATE_NOUNS[m.group("noun").lower()]), written=True)
        if m.group("mult"):  # "une dizaine de milliers"
            mult = m.group("mult").lower()
            number.scale = Decimal(1000) if mult == "milliers" else MULTIPLIERS[mult]
            number.value *= number.scale
        currency = _NOUN_CURRENCY_AFTER.match(text, m.end())
        if currency:
            number.unit, number.end = "EUR", currency.end()
        number.raw = text[number.start : number.end]
        number.qualifier, number.qualifier_start = _qualifier(text, m.start())
        if number.qualifier == Qualifier.exact:
            number.qualifier, number.qualifier_start = Qualifier.approximate, m.start()
        claim(number)
    for m in _HALF_SHARE.finditer(text):
        if free(m.start(), m.end()) and not _AT_BEFORE.search(text, max(0, m.start() - 4), m.start()):
            number = NumberMatch(m.start(), m.end(), FRACTIONS["moitié"], unit="fraction", raw=m.group(0), written=True)
            number.qualifier, number.qualifier_start = _qualifier(text, m.start())
            claim(number)


def _written_numbers(text: str, out: list[NumberMatch], free: Callable[[int, int], bool]) -> None:
    """The numbers written in words, each read whole ("deux mille deux cents": 2 200) or not at all.

    >>> [(n.raw, n.value) for n in find_numbers("dix-neuf agents, vingt et un sites et neuf cents usagers")]
    [('dix-neuf', Decimal('19')), ('vingt et un', Decimal('21')), ('neuf cents', Decimal('900'))]
    >>> [(n.raw, n.value, n.unit) for n in find_numbers("deux millions et demi d'euros")]
    [("deux millions et demi d'euros", Decimal('2500000'), 'EUR')]
    >>> find_numbers("un site tout neuf, un bâtiment neuf accueille les agents, du neuf avec du vieux")
    []
    >>> [n.value for n in find_numbers("neuf agents")]
    [Decimal('9')]
    """
    consumed = 0  # where the last number read ends ("vingt pour cent": "cent" is part of it)
    for m in _WRITTEN.finditer(text):
        if m.start() < consumed or not free(m.start(), m.end()):
            continue
        words = _WRITTEN_WORD.findall(m.group(0).lower())
        reading = written_value(words)
        if reading is None or _ORDINAL_WORD_AFTER.match(text, m.end()):
            continue  # number words that are not one number ("deux trois"): none rather than a part
        value, scale = reading
        first, last, end = words[0], words[-1], m.end()
        number = NumberMatch(m.start(), end, value, written=True, scale=scale)
        frac = _FRACTION_AFTER.match(text, end) if len(words) == 1 else None
        plural = _APPROXIMATE_PLURAL.match(text, end)
        if frac:
            number.value, number.unit, end = value * FRACTIONS[frac.group("frac").lower()], "fraction", frac.end()
        elif plural:  # "deux centaines de": about 200
            number.value *= {"dizaines": 10, "centaines": 100}.get(plural.group("noun").lower(), 1000)
            number.qualifier, number.qualifier_start, end = Qualifier.approximate, m.start(), plural.end()
        else:
            half = _HALF_AFTER.match(text, end) if last.startswith(("million", "milliard")) else None
            if half:  # "deux millions et demi"
                number.value, end = value + scale / 2, half.end()
            unit = _CURRENCY_AFTER.match(text, end) or _WRITTEN_PERCENT.match(text, end)
            if unit:
                number.unit, end = ("%" if "%" in unit.group(0) or "cent" in unit.group(0) else "EUR"), unit.end()
            elif (
                len(words) == 1
                and not last.startswith(("million", "milliard"))
                and (first in ("un", "une") or not _counts_something(text, m.start(), end, first))
            ):
                continue  # "un service" is an article; "les deux", "un bâtiment neuf" are not figures
        if len(words) > 1 and "mille" in words and _YEAR.fullmatch(str(value)):
            # "en deux mille vingt-quatre"
            number.kind = "year" if _YEAR_CONTEXT.search(text, max(0, m.start() - 20), m.start()) else "quantity"
        number.end = end
        number.raw = text[m.start() : end]
        if number.qualifier == Qualifier.exact:
            number.qualifier, number.qualifier_start = _qualifier(text, m.start())
        consumed = end
        out.append(number)


def _counts_something(text: str, start: int, end: int, word: str) -> bool:
    """Whether a number written in one word counts something that follows it ("six nouvelles",
    "trois incubateurs"), and is not an idiom ("les deux", "à deux"), a month ("Sept 2021") or,
    for "neuf", the adjective ("un bâtiment neuf", "tout neuf")."""
    follow = text[end : end + 30]
    if not re.match(r"\s+[^\W\d_]", follow) or _MONTH_AFTER.match(text, end):
        return False
    idiom = _WRITTEN_IDIOM_BEFORE.search(text, max(0, start - 12), start)
    if idiom and not (idiom.group(0).lower().startswith("entre") and _RANGE_AFTER.match(text, end)):
        return False  # but "entre deux et trois millions" is a range
    if word == "neuf":
        return not _ADJECTIVE_NEUF_BEFORE.search(text, max(0, start - 12), start) and bool(
            _PLURAL_AFTER.match(text, end)
        )
    return True


def _ranges(text: str, numbers: list[NumberMatch]) -> None:
    """ "entre 2 et 3 millions d'euros", "de 10 à 15 %", "2 à 4 personnes": a lower and an upper
    bound; a first bound written bare takes the unit and the multiplier of the second.

    >>> [(n.value, n.unit, n.qualifier.value) for n in find_numbers("entre 2 et 3 millions d'euros")]
    [(Decimal('2000000'), 'EUR', 'lower_bound'), (Decimal('3000000'), 'EUR', 'upper_bound')]
    >>> [(n.value, n.unit, n.qualifier.value) for n in find_numbers("le taux est passé de 10 à 15 %")]
    [(Decimal('10'), '%', 'exact'), (Decimal('15'), '%', 'exact')]
    >>> [(n.value, n.qualifier.value) for n in find_numbers("entre 500 et 3 millions d'habitants")]
    [(Decimal('500'), 'lower_bound'), (Decimal('3000000'), 'upper_bound')]
    """
    for low, high in itertools.pairwise(numbers):
        if not (low.kind == high.kind == "quantity") or low.denominator is not None or high.denominator is not None:
            continue
        gap = _RANGE_GAP.fullmatch(text, low.end, high.end - len(high.raw))
        if gap is None or low.is_delta != high.is_delta:
            continue
        low_start = low.end - len(low.raw)  # the sign included: "entre -100 et 100"
        window = max(0, low_start - 40)
        entre = _RANGE_ENTRE_BEFORE.search(text, window, low_start)
        if gap.group("word").lower() == "et" and not entre:
            continue  # "2 services et 3 millions d'euros"
        if low.unit is None and low.scale == 1 and high.scale > 1 and low.value < high.value / high.scale:
            low.value, low.scale = tidy(low.value * high.scale), high.scale  # "entre 2 et 3 millions"
        if low.unit is None and high.unit in ("EUR", "%", "pt"):
            low.unit = high.unit
        if low.unit != high.unit or low.value >= high.value or _CHANGE_BEFORE.search(text, window, low_start):
            continue  # "passé de 10 à 15 %", "de 15 à 10 %": a value and the next one, not a range
        de = _RANGE_DE_BEFORE.search(text, window, low_start)
        opening = entre.start() if entre else de.start() if de else low_start
        for number, qualifier in ((low, Qualifier.lower_bound), (high, Qualifier.upper_bound)):
            if number.qualifier == Qualifier.exact:
                number.qualifier, number.qualifier_start = qualifier, opening


def _bounds_after(text: str, numbers: list[NumberMatch]) -> None:
    """ "5 ou plus", "65 ans et plus", "10 jours maximum": a bound written after the number (its
    `qualifier_start` is then after it).

    >>> [(n.value, n.qualifier.value) for n in find_numbers("les personnes de 65 ans et plus, 3 jours maximum")]
    [(Decimal('65'), 'lower_bound'), (Decimal('3'), 'upper_bound')]
    >>> [n.qualifier.value for n in find_numbers("5 ou plus précisément 6")]
    ['exact', 'exact']
    """
    for number in numbers:
        if number.kind != "quantity" or number.qualifier != Qualifier.exact:
            continue
        bound = _BOUND_AFTER.match(text, number.end)
        if bound:
            lower = bound.group("lower") is not None
            number.qualifier = Qualifier.lower_bound if lower else Qualifier.upper_bound
            number.qualifier_start = bound.start("lower" if lower else "upper")
