"""French spelling (issue 15): Hunspell's French dictionary through Enchant (pyenchant), read once
per process when first needed: the `hunspell-fr` engine (extractor.engines). Without it (no
pyenchant, no libenchant, no hunspell-fr, or a broken binding), the rule is skipped and the run says
why and what to install (`Context.skipped`); no file fails.

Precision first: a word is reported only when the dictionary and the context agree it is wrong.
- A word the dictionary rejects is reported only when its best suggestion differs from it by an
  accent, a doubled or undoubled letter, or two swapped letters (the slips of typing), is itself
  a dictionary word and keeps the word's case; never a name (capitalised), an acronym, a word
  with digits, a word the registry or the programme's profile knows, an English word, code, a URL
  or an e-mail, nor a word of a passage in English.
- A word the dictionary accepts is reported in a context where its form cannot stand: a past
  participle in -i right after a reflexive pronoun ("s'élargi" for "s'élargit"), a verb in -ent
  after the "en" of a gerund ("tout en allongent" for "allongeant").
A near-miss of a registry name is `reference/name-typo`'s, not this rule's.

With Grammalecte (issue 26: when `text/grammar` runs, so that the engine reads each document once),
the rule also reports the words Grammalecte's dictionary rejects: on the site's real corrections it
catches every misspelling, where the slips above catch a quarter. Most words it rejects on a real
site are no typos (jargon, names, English), so such a word is reported only when
- a fix is a typing slip away (`_slip_fixes`): its accents and at most one letter added, removed,
  changed or swapped (« abbrogée », « construciton »; two inside a long word: « nottament »; only
  a letter added or two swapped in a short one: « plac », not « assos »), or a space put back
  (« lasolution »), from Grammalecte's or Hunspell's suggestions;
- it is not the site's vocabulary: written the same way on VOCABULARY_PAGES (3) pages or more of
  the corpus (`site_vocabulary`; a typo repeated on one page or copied to a second is reported);
- nor written PAGE_REPEATS (2) times on its page when its fix is no habitual slip (an accent, a
  doubled, missing or extra letter, two swapped letters, a vowel for another): « littéracie »
  twice is the writer's word, « dévelopement » twice is still a typo (`_habitual`);
- nor the agreed participle of a verb dictionaries give invariable (« très jargonnée »), unless
  after « avoir » (« ont bénéficiés »);
- nor a dictionary word with a living prefix (« dépriorisée », grammalecte.yaml) or a productive
  suffix (« valideurs » from « valider », `_formed`), a learned compound in -o
  (« épidémio-surveillance »), a familiar clipping (« assos »), a word alone in quotation marks
  (« apisables »), a domain name, an item of a list of sites, two English words glued
  (« fullstack »), a word of inclusive writing (« celleux »);
- a capital without its accent (« Etat ») and a ligature in two letters (« coeur ») are
  text/typography's, not words that are not French.
Hunspell still earns its place:
- as the second opinion: a word is reported only if Hunspell's comprehensive dictionary rejects it
  too (it knows rare words, regional, classical and 1990 spellings that Grammalecte's lacks);
- as the English dictionary (`hunspell-en-us`) that keeps English words and passages out;
- as the engine of the slips and of the context errors above, cheap enough to run on every check
  of every document by default, which Grammalecte (30-40 KB a second) is not.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from typing import Any, Protocol, cast

import yaml

from extractor import engines
from extractor.checks import Context, finding, phrase, rule
from extractor.checks.grammar import MARKS  # the middle dots of inclusive writing
from extractor.claims.evidence import block_evidence
from extractor.engines import EngineMissing
from extractor.models import Block, BlockKind, Document, Finding
from extractor.normalise import fold
from extractor.profiles import Profile

RULE = "text/spelling"


class Speller(Protocol):
    def check(self, word: str) -> bool: ...
    def suggest(self, word: str) -> list[str]: ...


ENGINE = "hunspell-fr"
INSTALL = "sudo apt-get install hunspell-fr-comprehensive libenchant-2-2 && pip install pyenchant"


def _french() -> Speller:
    """Hunspell's French dictionary through Enchant, or EngineMissing with what is missing."""
    enchant = _enchant()
    for tag in ("fr_FR", "fr"):
        if enchant.dict_exists(tag):
            speller: Speller = enchant.Dict(tag)
            return speller
    raise EngineMissing(
        "dictionnaire français de Hunspell absent", "l'installer : sudo apt-get install hunspell-fr-comprehensive"
    )


def _enchant() -> Any:
    """The pyenchant module, or EngineMissing saying which piece is missing or broken."""
    try:
        import enchant
    except ModuleNotFoundError as exc:
        if exc.name != "enchant":
            raise
        raise EngineMissing("module Python pyenchant absent", "l'installer : pip install pyenchant") from None
    except ImportError:  # pyenchant without the C library
        raise EngineMissing(
            "bibliothèque Enchant (libenchant) introuvable", "l'installer : sudo apt-get install libenchant-2-2"
        ) from None
    except Exception as exc:  # the binding itself fails (AssertionError, OSError, AttributeError)
        path = os.environ.get("PYENCHANT_LIBRARY_PATH")
        if path:
            raise EngineMissing(
                f"PYENCHANT_LIBRARY_PATH ({path}) ne désigne pas une bibliothèque Enchant utilisable "
                f"({type(exc).__name__} : {exc})",
                "corriger la variable ou la retirer : unset PYENCHANT_LIBRARY_PATH",
            ) from None
        raise EngineMissing(
            f"bibliothèque Enchant inutilisable ({type(exc).__name__} : {exc})",
            "la réinstaller : sudo apt-get install --reinstall libenchant-2-2",
        ) from None
    return enchant


def dictionary(language: str = "fr_FR") -> Speller | None:
    """The dictionary of `language` ("fr_FR": the engine, loaded once), or None when it cannot be used."""
    if language == "fr_FR":
        return cast("Speller | None", engines.get(ENGINE))
    return _other_dictionary(language)


@functools.cache
def _other_dictionary(language: str) -> Speller | None:
    try:
        enchant = _enchant()
        for tag in (language, language.split("_")[0]):
            if enchant.dict_exists(tag):
                speller: Speller = enchant.Dict(tag)
                return speller
    except Exception:  # missing or broken: no such dictionary (the French one says why)
        return None
    return None


def _programme_words(profile: Profile) -> frozenset[str]:
    """The programme's own words that no dictionary has (profile's spelling.yaml), folded."""
    try:
        data: Any = yaml.safe_load(profile.data("spelling.yaml"))
    except OSError:
        return frozenset()
    words = data.get("words", []) if isinstance(data, dict) else []
    return frozenset(fold(str(w)) for w in words)


# A word: letters, with inner apostrophes or hyphens ("aujourd'hui", "peut-être"); combining marks belong to it.
_WORD = re.compile(r"(?<![\w@/.\-])[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*(?![\w@/\-]|\.\w)")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|\b[\w-]+(?:\.[\w-]+)+\.(?:fr|com|org|net|io|eu|gouv)\b\S*")
_ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)['’]", re.I)
_REFLEXIVE = re.compile(r"(?i)(?<![\w'’])(?:s|m|t)['’]$|(?<![\w'’])(?:se|me|te)\s+$")
_GERUND_EN = re.compile(r"(?i)(?<![\w'’])(?P<tout>tout\s+)?en\s+$")
MIN_LENGTH = 4
MAX_LENGTH = 40  # no French word is longer; a longer run of letters is no word a slip away from one


@rule(RULE)
def spelling(doc: Document, ctx: Context) -> Iterator[Finding]:
    speller = dictionary()
    if speller is None:  # the rule engine skips the rule before (needs: hunspell-fr), saying why
        return
    known = known_words(ctx)
    english = _english()
    reported: set[tuple[int, int]] = set()  # where the slips were found: (line, column)
    for block in doc.blocks:
        if block.kind == BlockKind.front_matter:
            continue  # keys and values of the page's metadata
        for found in _block(doc, block, speller, english, known):
            reported.update((e.location.line, e.location.column) for e in found.evidence)
            yield found
    if GRAMMAR in ctx.running:  # Grammalecte reads the document anyway: its spelling errors too
        for found in _grammalecte_words(doc, ctx, speller, english, known):
            if not any((e.location.line, e.location.column) in reported for e in found.evidence):
                yield found


GRAMMAR = "text/grammar"


def _grammalecte_words(
    doc: Document, ctx: Context, speller: Speller, english: Speller | None, known: frozenset[str]
) -> Iterator[Finding]:
    """The words Grammalecte's dictionary rejects (issue 26: it catches 99 % of the site's real
    misspellings, where the slips above catch a quarter) that pass the filters of names, jargon and
    English: Hunspell must reject the word too (its comprehensive dictionary knows rare words, old
    and 1990 spellings that Grammalecte's lacks), and so must the English dictionary."""
    from extractor.checks import finding
    from extractor.checks.grammalecte import checker
    from extractor.checks.grammar import grammalecte_results, masked, overlaps, prose

    candidates: list[tuple[Block, int, str]] = []
    vocabulary = site_vocabulary(ctx)
    for block, result in grammalecte_results(doc, ctx):
        if not prose(block):
            continue
        skip = masked(block)
        for error in result.spelling:
            word, start = error.word, error.start
            elided = _ELISION.match(word)
            if elided:
                word, start = word[elided.end() :], start + elided.end()
            end = start + len(word)
            if block.text[start:end] != word:
                continue  # a word inclusive writing's reading rewrote (« collaborat·eurs·rices »)
            if block.text[start - 1 : start].isalpha() or block.text[end : end + 1].isalpha():
                continue  # a piece Grammalecte cut out of a longer word (« éral » of « salarié/libéral »)
            if overlaps(start, end, skip) or _not_a_misspelling(block.text, start, word, speller, english, known):
                continue
            if _on_purpose(block.text, start, end) or _derived(word, speller) or _english_compound(word, english):
                continue
            if _name_particle(block.text, start, end):
                continue  # « Helmuth von Moltke »
            if word.lower() in vocabulary:
                continue  # the programme's jargon: written the same way on several pages
            if _typeset(word, speller) or _formed(word, speller) or _name_in_a_list(block.text, start, end):
                continue
            if _participle(block.text, start, word, speller):
                continue
            candidates.append((block, start, word))
    engine = checker()
    if not candidates or engine is None:
        return
    suggestions = engine.suggest(sorted({w for _, _, w in candidates}))
    by_word = dict(zip(sorted({w for _, _, w in candidates}), suggestions, strict=True))
    for block, start, word in candidates:
        fixes = _slip_fixes(word, by_word[word], speller)
        if not fixes:
            continue  # no fix a typing slip away: a word the dictionaries lack, not a typo
        if not any(_habitual(word, f) for f in fixes) and _page_count(doc.text, word) >= PAGE_REPEATS:
            continue  # written so on purpose, several times on the page (« littéracie », « valideurs »)
        yield finding(
            RULE,
            [block_evidence(doc, block, start, start + len(word), context=40)],
            word=word,
            suggestion={"choices": _choices(fixes)} if fixes else None,
        )


def _not_a_misspelling(
    text: str, start: int, word: str, speller: Speller, english: Speller | None, known: frozenset[str]
) -> bool:
    """Whether a word Grammalecte rejects is a name, jargon, English, inclusive writing or a form
    Hunspell knows: the filters `_dictionary_error` applies to Hunspell's own rejections."""
    if not 3 <= len(word) <= MAX_LENGTH or any(c.isdigit() for c in word):
        return True  # "d'uen" has three letters
    if not word.islower():
        return True  # names, acronyms; a capital without its accent ("Etat") is text/typography's
    after = text[start + len(word) : start + len(word) + 1]
    before = text[start - 1 : start]
    if (
        "·" in word
        or (after != "" and after in MARKS)
        or (before and before in "(./" + MARKS and start > 1 and text[start - 2].isalpha())
    ):
        return True  # inclusive writing: "(euse)", "·eurs·rices", ".e" (not `_inclusive`: a word ending the text)
    parts = [p for p in re.split(r"['’\-]", word) if p]
    if all(_checked(speller, p) or _checked(speller, p.capitalize()) or fold(p) in known for p in parts):
        return True  # Hunspell knows it (or each part of a compound), or the programme does
    if len(parts) > 1 and english is not None and all(_checked(english, p) or _checked(speller, p) for p in parts):
        return True  # an English compound: "self-care", "one-stop-shop"
    if english is not None and _checked(english, word) and (len(word) < 7 or not _french_slip(word, speller)):
        return True  # an English word, unless long and a French word is an accent or a letter away ("emission")
    if _INCLUSIVE_MERGED.search(word) and _checked(speller, _INCLUSIVE_MERGED.sub("eur", word)):
        return True  # "agriculteurices": inclusive writing without its point
    if english is not None and _english_stem(word, english) and not re.search(r"e(?:e|é)", word):
        return True  # "designé"; not "consommeer"
    if english is not None and _english_verb(word, english, speller):
        return True  # "mergées", "taggées"
    if _FUTURE_STEM.search(word):
        return True
    return english is not None and _english_passage(text, start, english, speller)


_INCLUSIVE_MERGED = re.compile(r"eur(?:ice|rice|euse|e)s?$")

VOCABULARY_PAGES = 3  # a word written the same way on this many pages of a site is its jargon
SHORT = 6  # a word Grammalecte lacks shorter than this is fixed only by a letter added or two swapped
MAX_DISTANCE = 1  # letters added, removed, changed or swapped between a misspelling and its fix, accents aside
_QUOTED_WORD = re.compile(r"[«“\"]\s*$")
_CLOSING = re.compile(r"^\s*[»”\"]")
_DOMAIN = re.compile(r"^\.\s?(?:[\w-]+\.)*(?:fr|com|org|net|io|eu|gouv|info|be|ch)\b")


def _on_purpose(text: str, start: int, end: int) -> bool:
    """Whether a word is written so on purpose: alone inside quotation marks (« apisables »), a
    domain name (« gmail.com », « franceconnect. gouv.fr »), a template's tag ({% endcapture %})."""
    if _QUOTED_WORD.search(text[max(0, start - 3) : start]) and _CLOSING.match(text[end : end + 3]):
        return True
    if _DOMAIN.match(text[end : end + 12]) or text[start - 1 : start] == "." or text[end : end + 1] == "/":
        return True  # a domain name; inclusive writing with a slash (« designeu/se »)
    left, right = text.rfind("{%", 0, start), text.rfind("%}", 0, start)
    return left > right


# A word the dictionaries lack, written this many times on one page and no habitual slip, is deliberate.
PAGE_REPEATS = 2


def _page_count(text: str, word: str) -> int:
    """How many times the word is written, the same way, in the document."""
    return len(re.findall(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text))


def _habitual(word: str, fix: str) -> bool:
    """Whether a fix undoes a slip a writer repeats by habit, the same way each time: an accent, a
    doubled or undoubled letter (« envirronement », « dévelopement »), a letter missing or extra
    (« disponiblités »), two swapped letters, a vowel for another (« intrepreneuriale »). A word
    that differs from its fix otherwise (a consonant changed: « littéracie »; two letters added:
    « valideurs »; a space: « sourdaveugles ») and is written so several times on a page is the
    writer's word, not a typo."""
    if " " in fix or "-" in fix:
        return False
    a, b = fold(word.lower()), fold(fix.lower())
    if a == b or b in set(_double_variants(a)) or (abs(len(a) - len(b)) == 1 and _distance(a, b) == 1):
        return True  # an accent, a doubled or a missing letter (« disponiblités »)
    if len(a) != len(b) or _distance(a, b) != 1:
        return False
    changed = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return sorted(a) == sorted(b) or all(x in "aeiouy" and y in "aeiouy" for x, y in changed)  # a swap, a vowel


def _typeset(word: str, speller: Speller) -> bool:
    """Whether the word is a dictionary word with « oe » or « ae » for the ligature (« soeur »,
    « oeuvrant », « curriculum vitae » aside): a typesetting choice, not a misspelling."""
    if "oe" not in word and "ae" not in word:
        return False
    return _checked(speller, word.replace("oe", "œ").replace("ae", "æ"))


def _formed(word: str, speller: Speller) -> bool:
    """Whether the word is formed as French forms words (grammalecte.yaml): a learned compound
    whose first part ends in -o (« épidémio-surveillance », « socio-professionnel »); a derivation
    by a productive suffix from a dictionary word (« valideurs » from « valider », « délivrabilité »
    from « délivrable », « embolise » from « embolie »); a
    familiar clipping (« assos », « dispo », « quali »); a word of inclusive writing (« celleux »)."""
    if word.lower() in (families().get("clippings") or []) or word.lower() in (families().get("inclusive_words") or []):
        return True  # « assos »; « celleux », « toustes »: inclusive writing
    parts = word.split("-")
    if len(parts) == 2 and parts[0].endswith("o") and len(parts[0]) >= 4 and _checked(speller, parts[1]):
        return True
    for suffix, bases in (families().get("derivations") or {}).items():
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 4 and any(_checked(speller, stem + b) for b in bases):
            return True
    return False


_AVOIR = re.compile(
    r"(?i)(?<![\w'’])(?:ai|as|a|avons|avez|ont|avais|avait|avions|aviez|avaient|aura|auront|aurait|auraient"
    r"|avoir|ayant|eu)\s+(?:[^\W\d_]+\s+)?$"
)


def _participle(text: str, start: int, word: str, speller: Speller) -> bool:
    """Whether the word is the agreed participle of a dictionary verb that dictionaries give only
    invariable (« très jargonnée », from « jargonner »): used as an adjective, it agrees. After
    « avoir » (« ont bénéficiés »), it is an agreement error, and reported."""
    stem = re.sub(r"(?:ée|ées|és)$", "", word)
    if stem == word or len(stem) < 4 or not _checked(speller, stem + "er"):
        return False
    return not _AVOIR.search(text[max(0, start - 30) : start])


_SITE_NAME = re.compile(r"[\w-]+(?:\.[\w-]+)+/?")


def _name_in_a_list(text: str, start: int, end: int) -> bool:
    """Whether the word is an item of an enumeration of sites (« macantine, le.taxi,
    covoiturage.beta.gouv.fr »): it ends an item of a list of commas of which another item is a
    domain name."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), text.rfind("(", 0, start)) + 1
    ends = [i for i in (text.find(". ", end), text.find("\n", end), text.find(")", end)) if i != -1]
    right = min(ends) if ends else len(text)
    items = [item.strip() for item in text[left:right].split(",")]
    word = text[start:end]
    mine = [item for item in items if item == word or item.endswith(" " + word)]
    return bool(mine) and any(_SITE_NAME.fullmatch(item) for item in items if item not in mine)


def _name_particle(text: str, start: int, end: int) -> bool:
    """Whether a lower-case word of three letters at most stands between two capitalised words, a particle of a
    person's name (« Helmuth von Moltke », « Vincent van Gogh »)."""
    before = re.search(r"([^\W\d_]+)\s+$", text[:start])
    after = re.match(r"\s+([^\W\d_]+)", text[end:])
    return (
        end - start <= 3
        and before is not None
        and after is not None
        and before.group(1)[:1].isupper()
        and after.group(1)[:1].isupper()
    )


def _derived(word: str, speller: Speller) -> bool:
    """Whether a word is a dictionary word with one of French's living prefixes (« dépriorisée »,
    « recandidature », « cybermenaces », « télérelève »): a word formed as the language allows."""
    for prefix in _prefixes():
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            rest = word[len(prefix) :].lstrip("-")
            if _checked(speller, rest) or (rest[:1] == "e" and _checked(speller, "é" + rest[1:])):
                return True
    return False


def families() -> dict[str, Any]:
    from extractor.checks.grammar import families as data

    return data()


@functools.cache
def _prefixes() -> tuple[str, ...]:
    return tuple(sorted(families().get("prefixes") or [], key=len, reverse=True))


def _english_compound(word: str, english: Speller | None) -> bool:
    """Whether a word is two English words glued (« fullstack », « webservices », « opendata »)."""
    if english is None or not word.isascii():
        return False
    return any(_checked(english, word[:i]) and _checked(english, word[i:]) for i in range(3, len(word) - 3))


def _slip_fixes(word: str, suggested: list[str], speller: Speller) -> list[str]:
    """The fixes of a word a typing slip away from it (`_near`): Grammalecte's three likeliest,
    else Hunspell's, else the word cut in two dictionary words (« lasolution »)."""
    near = [f for f in suggested[:3] if f.lower() != word.lower() and _near(word, f)]
    if not near:
        near = [f for f in suggested[:3] if _two_slips(word, f)][:1]  # two slips inside a long word
    if not near:
        hunspell = speller.suggest(word)[:3]
        near = [f for f in hunspell if f.lower() != word.lower() and _near(word, f)]
        near = near or [f for f in hunspell[:1] if _two_slips(word, f)]
    if near:
        return near
    for i in range(1, len(word) - 1):
        left, right = word[:i], word[i:]
        if (
            (len(left) >= 2 or left in "àa")
            and len(right) >= 2
            and _checked(speller, left)
            and _checked(speller, right)
        ) and _near(word, f"{left} {right}"):
            return [f"{left} {right}"]
    return []


def _near(word: str, fix: str) -> bool:
    """Whether a suggestion is a typing slip away from the word: its accents, and at most
    MAX_DISTANCE letters added, removed, changed or swapped (« abbrogée », « construciton »), or
    the word with a space put back (« cetteconnaissance ») but not a
    word made with a prefix or a suffix (« audio décrite », « bâtiment aire »). A slip keeps the
    word's first letter, or adds a forgotten one (« ondoniennes »), or changes a vowel for another
    (« intrepreneuriale »): writers rarely miss it otherwise, and « ramification » is no fix of
    « gamification », nor « calable » of « scalable », words the dictionaries lack."""
    first, other = fold(word[:1].lower()), fold(fix[:1].lower())
    added = fold(fix[1:2].lower()) == first and len(fix) > len(word)
    if first != other and not added and not (first in "aeiouy" and other in "aeiouy"):
        return False
    if " " in fix or fix.count("-") > word.count("-"):
        same = re.sub(r"[ -]", "", fix).lower() == word.replace("-", "").lower()
        return same and _glued(re.split(r"[ -]", fix))
    ligatures = str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae"})
    a, b = fold(word.translate(ligatures)), fold(fix.translate(ligatures))
    distance = _distance(a, b)
    if len(word) < SHORT:  # a short word a letter away from another is often an abbreviation (« assos »)
        accents = distance == 0 and len(word) >= 4  # « dépot »; not « màj »
        return accents or (distance == 1 and (len(b) > len(a) or sorted(a) == sorted(b)))  # « plac », « uen »
    return distance <= MAX_DISTANCE


def _two_slips(word: str, fix: str) -> bool:
    """Whether a fix is two slips inside a long word (« nottament », « simitudes »): same first
    letter, same ending, letters added, dropped or swapped rather than two changed."""
    a, b = fold(word), fold(fix)
    if len(a) == len(b) and sorted(a) != sorted(b):
        return False  # two letters changed: another word (« gélification » for « gamification »)
    return " " not in fix and len(a) >= 8 and a[0] == b[0] and a[-3:] == b[-3:] and _distance(a, b) == 2


def _glued(parts: list[str]) -> bool:
    """Whether words written together are a space forgotten: one of them a grammatical word
    (« lasolution », « nousavons », « joursd’accompagnement ») or both long words
    (« patrimoineculturel »); not a word made with a prefix or a suffix (« audio décrite »,
    « bâtiment aire », « main tenanciers »)."""
    words = [_ELISION.sub(lambda m: m.group(0)[:-1], p).lower() for p in parts if p]
    if len(words) != 2 or words[0] in _prefixes() or words[1] in (families().get("suffixes") or []):
        return False
    grammatical = set(families().get("grammatical_words") or [])
    elided = bool(_ELISION.match(parts[1]))
    return elided or any(w in grammatical for w in words) or all(len(w) >= 5 for w in words)


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment) between two words."""
    if abs(len(a) - len(b)) > 2:
        return 3
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def site_vocabulary(ctx: Context) -> frozenset[str]:
    """The words (lower case) written the same way on VOCABULARY_PAGES pages or more of the
    corpus the run compares with (a site run: the site's pages): the programme's jargon
    (« bâtimentaire », « intrapreneurs »), not typos. A typo repeated on one page, or copied to a
    second one, is still reported. The run reads the pages (`Context.site_words`)."""
    return ctx.site_words(VOCABULARY_PAGES)


def _french_slip(word: str, speller: Speller) -> bool:
    """Whether a French word is the same letters with accents ("acceleration"), or one doubled
    or undoubled consonant away ("combatant")."""
    if any(_checked(speller, v) for v in _accented(word)):
        return True
    return any(_checked(speller, v) for v in _double_variants(word))


def _accented(word: str) -> Iterator[str]:
    """The word with accents put on its e's (up to four of them): "acceleration" -> "accélération"."""
    places = [i for i, c in enumerate(word) if c == "e"][:4]
    for mask in range(1, 3 ** len(places)):
        letters, rest = list(word), mask
        for i in places:
            letters[i] = "eéè"[rest % 3]
            rest //= 3
        yield "".join(letters)


def _choices(words: list[str]) -> str:
    quoted = [f"«\u00a0{w}\u00a0»" for w in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " ou " + quoted[-1]


def _block(
    doc: Document,
    block: Block,
    speller: Speller,
    english: Speller | None,
    known: frozenset[str],
) -> Iterator[Finding]:
    text = block.text
    masked = [(s.start, s.end) for s in block.spans if s.kind == "code"]
    masked += [(m.start(), m.end()) for m in _URL.finditer(text)]
    for match in _WORD.finditer(text):
        if masked and any(a < match.end() and match.start() < b for a, b in masked):
            continue
        token = match.group(0)
        start = match.start()
        elided = _ELISION.match(token)
        if elided:
            token, start = token[elided.end() :], start + elided.end()
        found = _context_error(text, start, token, speller) or _dictionary_error(
            text, start, token, speller, english, known, glued=doc.format != "pdf"
        )
        if found is None:
            continue
        right, why = found
        if english is not None and _english_passage(text, start, english, speller):
            continue
        yield finding(
            RULE,
            [block_evidence(doc, block, start, start + len(token), context=40)],
            variant="slip",
            word=token,
            why=why,
            right=right,
            suggestion={},
        )


def _context_error(text: str, start: int, word: str, speller: Speller) -> tuple[str, str] | None:
    """A dictionary word whose form the words before it rule out."""
    if not word.islower() or "-" in word or not word.endswith(("i", "ent")):
        return None  # (the two forms below: "se réparti", "en allongent"; this runs for every word)
    before = text[max(0, start - 12) : start]
    lower = word.lower()
    reflexive = _REFLEXIVE.search(before) if lower.endswith("i") and len(lower) >= 5 else None
    if reflexive:
        fixed = word + "t"
        if speller.check(fixed) and speller.check(lower + "r"):
            pronoun = reflexive.group(0).strip()
            elided = pronoun[0].lower() + "’"
            why = phrase(RULE, "reflexive", pronoun=pronoun, fixed=fixed, word=word, elided=elided)
            return fixed, why.replace("’ ", "’")
    return _gerund_error(before, word, lower, speller)


def _gerund_error(before: str, word: str, lower: str, speller: Speller) -> tuple[str, str] | None:
    gerund = _GERUND_EN.search(before) if lower.endswith("ent") and not lower.endswith("ment") else None
    if gerund and gerund.group("tout"):  # "en" alone may be the pronoun: "qui en assurent la publication"
        for fixed in (word[:-3] + "ant", word[:-2] + "ant"):  # "allongent" -> "allongeant"
            if speller.check(fixed) and speller.check(word) and speller.check(word[:-3] + "er"):
                return fixed, phrase(RULE, "gerund")
    return None


def _dictionary_error(
    text: str,
    start: int,
    word: str,
    speller: Speller,
    english: Speller | None,
    known: frozenset[str],
    *,
    glued: bool = True,
) -> tuple[str, str] | None:
    """A word the dictionary rejects and that one typing slip away is a dictionary word, one only.
    `glued`: whether a word glued to "à" is the writer's ("facilementà"), not a PDF's text layer
    that lost a space between positioned words ("pourparticiperà", "échouerle")."""
    if not MIN_LENGTH <= len(word) <= MAX_LENGTH or not word.islower() or "-" in word or "'" in word or "’" in word:
        return None  # names, acronyms and CamelCase are capitalised; compounds are left alone
    if _inclusive(text, start, start + len(word)):
        return None  # "développeur(euse)", "collaborat·eurs·rices"
    if _checked(speller, word) or fold(word) in known or _checked(speller, word.capitalize()):
        return None  # a word, a word of the programme, or a name written in lower case ("fil d'ariane")
    if english is not None and (_checked(english, word) or _english_stem(word, english)):
        return None  # an English word, or a French ending on one ("designé")
    if _FUTURE_STEM.search(word):
        return None  # "gèrera", "libèrera": the 1990 spelling of the future and conditional
    if word.endswith("à") and len(word) > MIN_LENGTH and _checked(speller, word[:-1]):
        # "participerà la modernisation": not "participera"
        return (word[:-1] + " à", phrase(RULE, "space-before-a")) if glued else None
    for why, candidates in _slips(word):
        found = sorted({c for c in candidates if c != word and _checked(speller, c)})
        if len(found) > 1:
            return None  # several words are a slip away: unsure which was meant
        if found and _fits(word, found[0]):
            return found[0], phrase(RULE, why)
        if found:
            return None
    return None


@functools.lru_cache(maxsize=200_000)
def _checked_cached(speller_id: int, word: str) -> bool:
    return _SPELLERS[speller_id].check(word)


_SPELLERS: dict[int, Speller] = {}


def _checked(speller: Speller, word: str) -> bool:
    _SPELLERS.setdefault(id(speller), speller)
    return _checked_cached(id(speller), word)


_FUTURE_STEM = re.compile(r"è[^aeiouyéèêàâîôûœ]+er(?:a|ai|as|ons|ez|ont|ais|ait|ions|iez|aient)$")
_ACCENTS = {
    "a": "aàâ", "à": "aàâ", "â": "aàâ", "e": "eéèêë", "é": "eéèêë", "è": "eéèêë", "ê": "eéèêë", "ë": "eéèêë",
    "i": "iîï", "î": "iîï", "ï": "iîï", "o": "oô", "ô": "oô", "u": "uùûü", "ù": "uùûü", "û": "uùûü", "ü": "uùûü",
    "c": "cç", "ç": "cç",
}  # fmt: skip
_CONSONANT = re.compile(r"[bcdfghjklmnpqrstvwxz]")


def _accent_variants(word: str) -> Iterator[str]:
    for i, char in enumerate(word):
        for other in _ACCENTS.get(char, ""):
            if other != char:
                yield word[:i] + other + word[i + 1 :]


def _double_variants(word: str) -> Iterator[str]:
    for i, char in enumerate(word):
        if not _CONSONANT.match(char):
            continue
        if i + 1 < len(word) and word[i + 1] == char:
            yield word[:i] + word[i + 1 :]  # "commme", "parrallèle", "recourrir"
        elif 0 < i < len(word) - 1:
            yield word[:i] + char + word[i:]  # "notament", "profesionnels"


def _slips(word: str) -> Iterator[tuple[str, list[str]]]:
    """The words one typing slip away, by kind of slip (its phrase in the catalogue), the likeliest first."""
    yield "accent", list(_accent_variants(word))
    doubled = list(_double_variants(word))
    yield "double", doubled
    yield "accent-double", [v for d in doubled for v in _accent_variants(d)]
    if len(word) >= 6:
        swaps = []
        for i in range(1, len(word) - 1):
            if word[i] != word[i + 1] and word[i : i + 2] != "se":  # not a plural "es" swapped
                swaps.append(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
        yield "swap", swaps


def _fits(word: str, right: str) -> bool:
    """Whether the correction keeps the word's form: not an agreement question ("bénéficiés" is not
    "bénéficies", "jargonnée" not "jargonné"), which a dictionary cannot settle."""
    if re.search(r"é(?:e|s|es)?$", word) and not re.search(r"é(?:e|s|es)?$", right):
        return False  # a participle whose accent the correction drops
    if _only_reformed_circumflex(word, right):
        return False  # "connaitre", "cout": the 1990 spelling, which a classical dictionary lacks
    # a feminine e dropped is an agreement too, except for the nouns in -ité ("entitées")
    return not (re.search(r"ée?s?$", word) and len(right) < len(word) and not re.search(r"ités?$", right))


def _only_reformed_circumflex(word: str, right: str) -> bool:
    pairs = list(zip(word, right, strict=False))
    return len(word) == len(right) and all(a == b or (a, b) in (("i", "î"), ("u", "û")) for a, b in pairs)


def _inclusive(text: str, start: int, end: int) -> bool:
    """Whether a word is a piece of inclusive writing: "(euse)", "·eurs·rices", ".e"."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return (before != "" and before in "(./" + MARKS and start > 1 and text[start - 2].isalpha()) or (
        after != "" and after in MARKS
    )


def _english_stem(word: str, english: Speller) -> bool:
    """Whether the word is an English stem with a French ending ("designé", "designer")."""
    stem = re.sub(r"(?:ée?s?|er|ez|ait|aient)$", "", word)
    return stem != word and len(stem) >= 4 and _checked(english, stem)


def _english_verb(word: str, english: Speller, french: Speller) -> bool:
    """Whether the word is an English verb conjugated as a French one, its e dropped or its
    consonant doubled (« mergées » from merge, « taggées » from tag), unless a French word is
    an accent or a doubled letter away (« developpées »)."""
    stem = re.sub(r"(?:ée?s?|er|ez|ait|aient)$", "", word)
    if stem == word or len(stem) < 4 or _french_slip(word, french):
        return False
    undoubled = stem[:-1] if stem[-1] == stem[-2] and stem[-1] not in "aeiou" else ""
    return bool(undoubled and _checked(english, undoubled)) or _checked(english, stem + "e")


@functools.cache
def _english() -> Speller | None:
    return dictionary("en_US")


def _english_passage(text: str, start: int, english: Speller, french: Speller) -> bool:
    """Whether the sentence around a word is in English: more of its words are English than French."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    right = min([i for i in (text.find(". ", start), text.find("\n", start)) if i != -1] or [len(text)])
    words = [w for w in re.findall(r"[^\W\d_]{3,}", text[left:right]) if w.islower()]
    if len(words) < 3:
        return False
    en = sum(1 for w in words if english.check(w) and not french.check(w))
    return en * 3 >= len(words)


def known_words(ctx: Context) -> frozenset[str]:
    """The words of the registry's names and slugs and the programme's own words, folded."""
    registry = ctx.registry
    cache = ctx.options.get("spelling.known")
    if isinstance(cache, frozenset):
        return cache
    words: set[str] = set(_programme_words(ctx.profile))
    if registry is not None:
        for entry in registry.names():
            words.update(fold(w) for w in re.findall(r"[^\W\d_]+", entry.name))
        for kind in ctx.profile.layout.kinds:
            for slug in registry.slugs(kind.section):
                words.update(fold(w) for w in re.split(r"[\W_]+", slug) if w)
    known = frozenset(words)
    ctx.options["spelling.known"] = known
    return known
