"""French grammar and typography (issue 26): Grammalecte's errors on the text of blocks, the
`grammalecte` engine (extractor.checks.grammalecte).

- `text/grammar`: agreement in number and gender, conjugation, past participles, confusions
  (« quelque soit »), locutions (« en terme de »), with Grammalecte's suggestions as the fix.
- `text/typography`: non-breaking spaces, apostrophes, quotation marks, spaces: off by default.
Which of Grammalecte's families goes to which rule is data (`grammalecte.yaml`).

Both are off by default for now: Grammalecte reads 30-40 KB of text a CPU second, ten times the
rest of a check, and their findings on the site wait for a second reader's verdicts. Name them to
run them (`--rule text/grammar`) or give them a severity in factcheck.toml.

Precision: the engine reads the text of blocks (no Markdown or HTML left), front matter excepted;
an error is dropped when it touches code, a link's text, a URL, an e-mail address or a file name,
a word of a registry name or of the programme's vocabulary written with a capital, or a piece of
inclusive writing (« inspecteur·ices »). Grammalecte runs once per document for all its rules
(`grammalecte_results`), `text/spelling` included.

Issue 26 (precision on a real site, measured per Grammalecte rule id on the tune half of
../shared/site, extractor/evaluate/split.py): one finding per error (Grammalecte reports an agreement on
both of its words); the rules that fire on names, headings and style are ignored by id
(grammalecte.yaml `ignored_rules`); no agreement with an acronym, an English word or a name's
capitalised word, a year, a superlative (« le plus adaptés »), an optional plural (« le(s) »); an
adjective's agreement with a noun is reported only when spaCy's dependency parse says it depends on
that noun, side by side, and no other noun it agrees with governs it (`_parse_confirms`):
Grammalecte agrees with the nearest noun (« les pics … liés à la météo difficiles ») and reads
appositions as adjectives (« les équipes produits »).

Second pass (issue 26, the tune half's verdicts): one finding per mistake, also when two rules
read it on two adjacent words (« cherche a intégrer »: the confusion is kept); no agreement with
an invariable borrowing (« des start-up ») or a capitalised word (« des Captcha »), across a
quoted title (« du “dites-le-nous une fois” »), with a count after a preposition of time (« sur
6 mois appuyé »); « temps » is singular too; no error on the last words of a text cut short
(« par des ma »); rules silenced by what follows (« en cour d'appel », grammalecte.yaml
`silent_before`); a noun made with a prefix is no verb (« le taux de repartage »).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from importlib import resources
from typing import Any

import yaml

from extractor import checks
from extractor.checks import Context, rule
from extractor.checks.grammalecte import ENGINE, GrammarError, Result, checker
from extractor.claims.evidence import block_evidence
from extractor.models import Block, BlockKind, Document, Finding
from extractor.normalise import fold

GRAMMAR = "text/grammar"
TYPOGRAPHY = "text/typography"

_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|\b[\w-]+(?:\.[\w-]+)+\.(?:fr|com|org|net|io|eu|gouv)\b\S*")
_FILE = re.compile(r"\b[\w.-]+\.(?:pdf|docx?|xlsx?|odt|ods|csv|png|jpe?g|gif|svg|md|html?|zip|json|ya?ml)\b", re.I)
_CAPITALISED = re.compile(r"\b[^\W\d_]*[A-ZÀ-Ý][^\W\d_]*")
_QUOTES = re.compile(r"“([^”]*)”")


@functools.cache
def families() -> dict[str, Any]:
    """grammalecte.yaml: the families of each rule, the ignored rules, the options sent."""
    data: dict[str, Any] = yaml.safe_load(resources.files(__package__).joinpath("grammalecte.yaml").read_text("utf-8"))
    return data


PROSE_WORDS = 4  # a front-matter value of this many words is prose ("mission: …"), not a key or an enumerated value
_WORDS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def checked_blocks(doc: Document) -> list[Block]:
    """The blocks Grammalecte reads: prose, and the page's metadata values that are sentences."""
    return [b for b in doc.blocks if b.text.strip() and (b.kind != BlockKind.front_matter or prose_value(b.text))]


def prose(block: Block) -> bool:
    """Whether a block is prose that a dictionary and a grammar may judge: a table cell or a
    line of a PDF's table ("Total communauté") of fewer than PROSE_WORDS words is not."""
    if block.kind == BlockKind.heading:
        return True
    sentences = (BlockKind.paragraph, BlockKind.list_item, BlockKind.front_matter)
    return block.kind in sentences and len(_WORDS.findall(block.text)) >= PROSE_WORDS


def prose_value(text: str) -> bool:
    """Whether a front-matter value is a sentence: words, no address or path."""
    return len(_WORDS.findall(text)) >= PROSE_WORDS and not re.search(r"[@/_]|://", text)


def grammalecte_results(doc: Document, ctx: Context) -> list[tuple[Block, Result]]:
    """Grammalecte's errors in each block of the document, asked once for all the rules that read them."""
    kept = ctx.options.get("grammalecte.results")
    if isinstance(kept, tuple) and kept[0] == doc.sha256:
        return list(kept[1])
    engine = checker()
    if engine is None:  # the rule engine skips the rules before (needs: grammalecte), saying why
        return []
    blocks = checked_blocks(doc)
    texts = [without_inclusive(b.text) for b in blocks]
    results = list(zip(blocks, engine.check(texts, families().get("options")), strict=True))
    ctx.options["grammalecte.results"] = (doc.sha256, results)  # the last document only
    return results


# Inclusive writing: "développeur.e.s", "inspecteur·ices", "étudiant(e)s". Grammalecte reads the
# masculine form instead (its agreement rules then still apply: "deux développeur.e.s indépendant").
# The middle dots of inclusive writing: the interpunct, the hyphenation point, the bullet and the
# word separator middle dot (« futur⸱es »).
MARKS = "·‧•⸱"
_INCLUSIVE = re.compile(
    r"(?P<stem>[^\W\d_]{2,})(?P<mark>[.·‧•⸱(](?:[^\W\d_]{1,5})[.·‧•⸱)]?)(?P<plural>s?)"
    r"(?P<more>(?:[.·‧•⸱][^\W\d_]{1,5})*)(?![\w.·‧⸱])"
)


def without_inclusive(text: str) -> str:
    """The text with each inclusive form replaced by its masculine (plural) form, padded with
    spaces so that every offset stays the same."""

    def masculine(match: re.Match[str]) -> str:
        mark = match.group("mark")
        suffix = mark + match.group("more")
        if not re.search(r"[·‧•⸱]|\.(?:e|ne|se|le|te|ice|rice|euse|trice|ère|ve)s?\b", suffix):
            return match.group(0)  # "page.html", "etc.)": no inclusive suffix
        plural = "s" if match.group("plural") or suffix.rstrip(".·‧•⸱)").endswith("s") else ""
        kept = match.group("stem") + plural
        return kept + " " * (len(match.group(0)) - len(kept))

    return _INCLUSIVE.sub(masculine, text)


def masked(block: Block) -> list[tuple[int, int]]:
    """The ranges of a block's text no writing rule reads: code, links' texts, URLs, e-mail
    addresses, file names."""
    ranges = [(s.start, s.end) for s in block.spans if s.kind in ("code", "link")]
    ranges += [(m.start(), m.end()) for m in _URL.finditer(block.text)]
    ranges += [(m.start(), m.end()) for m in _FILE.finditer(block.text)]
    return ranges


def overlaps(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in ranges)


def _names_a_known_word(text: str, known: frozenset[str]) -> bool:
    """Whether the passage holds a capitalised word of a registry name or of the programme's words."""
    return any(fold(m.group(0)) in known for m in _CAPITALISED.finditer(text))


def french_quotes(message: str) -> str:
    """Grammalecte's message with French quotation marks throughout (“x” -> « x »)."""
    return _QUOTES.sub("«\u00a0\\1\u00a0»", message)


def choices(suggestions: list[str]) -> str:
    """« a », « b » or « c »: Grammalecte's suggestions as the catalogue's templates quote them."""
    quoted = [f"«\u00a0{s}\u00a0»" for s in suggestions]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " ou " + quoted[-1]


def _errors(doc: Document, ctx: Context, family: str) -> Iterator[tuple[Block, int, int, str, list[str], str]]:
    """Grammalecte's errors of one rule's families that no precision filter drops: one per error
    (Grammalecte reports an agreement on both of its words: « leur communes » twice)."""
    from extractor.checks.spelling import _english, _english_passage, dictionary, known_words

    wanted = set(families().get(family, []))
    known = known_words(ctx)
    english, french = _english(), dictionary()
    for block, result in grammalecte_results(doc, ctx):
        if not prose(block):
            continue
        skip = masked(block)
        cut = truncated_at(block.text)
        seen: list[tuple[str, int, int]] = []  # (rule without its action, start, end) already reported

        # Of an error's two words: Grammalecte's first action for an agreement in the noun phrase
        # (« leurs » for « leur communes »), the longest passage otherwise (« fonctionne » in « Ils
        # fonctionne », « postulez » in « à postulez »).
        # A confusion goes first: of « 45 mins passées », the unit's abbreviation is the error,
        # not the participle's agreement with it; of two confusions, one whose fix is a word for the
        # word before one whose fix guesses a missing word (« comme l'on déjà fait »: « ont », not
        # « a déjà »).
        def order(e: GrammarError) -> tuple[int, int, int, str, int]:
            length = 0 if e.type == "gn" else e.start - e.end
            if e.type == "conf":
                return (0, int(any(" " in s for s in e.suggestions)), length, e.rule, e.start)
            return (1, 0, length, e.rule, e.start)

        for error in sorted(result.grammar, key=order):
            if error.type not in wanted or ignored(error.rule):
                continue
            if error.end <= error.start or overlaps(error.start, error.end, skip):
                continue
            if error.end > cut or _silent_before(error.rule, block.text[error.end :]):
                continue  # a text cut mid-sentence (« par des ma »); a name (« en cour d'appel »)
            passage = block.text[error.start : error.end]
            if any(m in passage for m in MARKS) or _names_a_known_word(passage, known):
                continue  # inclusive writing; a name the registry or the programme knows
            if passage.isupper() or (english and french and _english_passage(block.text, error.start, english, french)):
                continue  # capitals ("GRADES"); a passage in English
            if english and french and _english_term(block.text, error.start, error.end, english, french):
                continue  # an English term inside French: « des user stories »
            if (
                error.type == "gn"
                and re.search(r"_[23]m", error.rule)
                and _apposition(block.text, error.start, error.end)
            ):
                continue  # "tests utilisateur": a noun in apposition agrees or not, as the writer likes
            if not _plausible(block.text, error, english, french) or _misread(block.text, error, french):
                continue
            base = _ACTION.sub("", error.rule)
            if any(b == base and abs(s - error.start) <= PAIR_DISTANCE for b, s, _ in seen):
                continue  # the same error, on its other word
            if any(s < error.end and error.start < e for _, s, e in seen):
                continue  # the same words, found by another of Grammalecte's rules
            if any(_adjacent(block.text, error.start, error.end, s, e) for _, s, e in seen):
                continue  # one mistake read by two rules on its two words: « cherche a intégrer »
            seen.append((base, error.start, error.end))
            yield block, error.start, error.end, french_quotes(error.message), error.suggestions, error.rule


def truncated_at(text: str) -> int:
    """Where the words that a cut text leaves without their sequel start: a block that ends on
    a grammatical word, no punctuation after it (« … la surface de Paris, par des ma », a PDF's
    line or a summary cut short), has its last two words read without what follows them; the
    text's length otherwise."""
    words = list(re.finditer(r"[^\W\d_]+(?:['’][^\W\d_]+)?", text))
    grammatical = set(families().get("grammatical_words") or [])
    if len(words) < 2 or text[words[-1].end() :].strip() or words[-1].group(0).lower() not in grammatical:
        return len(text)
    return words[-2].start()


def _silent_before(rule_id: str, after: str) -> bool:
    """Whether what follows an error makes it a name that the rule misreads (grammalecte.yaml
    `silent_before`: « en cour d'appel », a court, is no « en cours »)."""
    for part, pattern in (families().get("silent_before") or {}).items():
        if part in rule_id and re.match(rf"\s*(?:{pattern})", after, re.I):
            return True
    return False


def _adjacent(text: str, start: int, end: int, other_start: int, other_end: int) -> bool:
    """Whether two passages are next to each other, only spaces between them (« la remonté »:
    an article's agreement and an infinitive are one mistake, reported once)."""
    between = text[end:other_start] if end <= other_start else text[other_end:start]
    return not between.strip()


_ACTION = re.compile(r"_a\d+_\d+$")  # Grammalecte's rule id ends with the action: "…__b1_a2_1"
PAIR_DISTANCE = 40  # characters between the two words of one agreement error
_SENTENCE_START = re.compile(r"(?:^|[.!?:…]\s+|\n\s*)$")
# A count after a preposition of time is a complement (« sur 6 mois », « pendant 3 ans »): the
# adjective after it may agree with the noun before it (« 51 dossiers traités sur 6 mois appuyé… »).
_COUNT_COMPLEMENT = re.compile(
    r"(?i)(?<![\w'’])(?:sur|pendant|durant|depuis|en|dans|après|avant|sous|au bout de)\s+"
    r"\d[\d\s.,]*\s*[^\W\d_]+\s+$"
)
# An opening quotation mark: « or “, or a straight one after a space (not the closing one of
# « "Pressions" Quel sont »).
_TITLE_QUOTE_BEFORE = re.compile(r"(?:[«“]|(?:^|(?<=[\s(]))\")\s*$")
_TITLE_QUOTE_AFTER = re.compile(r"\s*(?:[«“]|\"(?=\w))")
_NUMBER_YEAR = re.compile(r"(?:^|\D)(?:1[89]|20)\d\d\s*$")
_QUOTED = re.compile(r"“([^”]+)”|«\s*([^»]+?)\s*»")


def quoted(message: str) -> list[str]:
    """The last word of each passage Grammalecte's message quotes (“x” or « x »)."""
    passages = [a or b for a, b in _QUOTED.findall(message)]
    return [p.split()[-1] for p in passages if p.split()]


def ignored(rule_id: str) -> bool:
    """Whether a Grammalecte rule is one of grammalecte.yaml's `ignored_rules` (parts of rule ids)."""
    return any(part in rule_id for part in families().get("ignored_rules") or [])


def _plausible(text: str, error: GrammarError, english: Any, french: Any) -> bool:
    """The filters that read the words of an agreement error: acronyms and English words are no
    French nouns (« la MAT », « des token »); a year is no count (« pour 2024 promulguée »); « le
    plus adaptés » is a superlative; and an adjective is reported only when the sentence's parse
    says it depends on the noun Grammalecte agrees it with (`_parse_confirms`)."""
    word = text[error.start : error.end]
    before, after = text[max(0, error.start - 12) : error.start], text[error.end : error.end + 12]
    if re.search(r"\(\w{1,4}\)", text[max(0, error.start - 4) : error.end + 8]):
        return False  # "le(s) problème(s)": an optional plural
    if any(m in text[max(0, error.start - 4) : error.end] for m in MARKS):
        return False  # inclusive writing: « tout‧e citoyen‧ne de »
    if any(len(w) > 1 and w.isupper() and w.isalpha() for w in quoted(error.message)):
        return False  # an acronym: « des ME et des PME »
    if re.search(r"conf_(?:de|à)_vconj", error.rule) and _prefixed_noun(text, error.start, error.end, french):
        return False  # « le taux de repartage »: a noun made with a prefix, not a verb
    if error.type == "gn":
        words = [word, *quoted(error.message)]
        free = set(families().get("free_words") or [])
        if any(w.lower() in free for w in words):
            return False  # "un télé service", "le persona"
        for w in words:
            letters = re.sub(r"[^\w]", "", w)
            if len(letters) > 1 and letters.isupper():
                return False  # an acronym ("la MAT"): its gender is the name's, not the word's
            if w[:1].isupper() and error.start > 0 and error.message.startswith("Accord de genre"):
                return False  # a name's gender ("la Digital Public Goods Alliance")
            number = error.message.startswith("Accord de nombre")
            if w == word and w[:1].isupper() and number and _alone(text, error.start):
                return False  # a brand or an acronym alone in the sentence: « des Captcha »
            if english is not None and french is not None and w.isalpha() and _english_word(w, english, french):
                return False  # "2 token"
        if "nombre_chiffres" in error.rule and _NUMBER_YEAR.search(before):
            return False  # "la loi de finances pour 2024 promulguée"
        if "nombre_chiffres" in error.rule and _COUNT_COMPLEMENT.search(text[max(0, error.start - 60) : error.start]):
            return False  # « 51 dossiers traités sur 6 mois appuyé de… »: a duration, not the head noun
        if _TITLE_QUOTE_BEFORE.search(text[max(0, error.start - 3) : error.start]) or _TITLE_QUOTE_AFTER.match(after):
            return False  # « le principe du “dites le nous une fois” »: the article agrees with a quoted title
        if re.search(r"(?i)\b(?:le|la|les)\s+(?:plus|moins)\s+$", before) or (
            word.lower() == "le" and re.match(r"\s+(?:plus|moins)\b", after)
        ):
            return False  # "les services le plus adaptés"
    if any(re.search(pattern, error.rule) for pattern in families().get("parse_checked") or []):
        return _parse_confirms(text, error)
    for pattern, tags in (families().get("word_class") or {}).items():
        if re.search(pattern, error.rule):
            tokens = _parsed_words(text, error.start, error.end)
            return bool(tokens) and all(t.pos_ in tags for t in tokens)
    return True


_SUPERLATIVE = re.compile(r"(?i)(?<![\w'’])(?:le|la|les|du|des|au|aux)\s+(?:plus|moins)\s+$")
_DISTRIBUTIVE = re.compile(
    r"(?i)(?<![\w'’])sur\s+(?:\d+|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|cent|mille)\s+"
    r"(?:[^\W\d_]+\s+)?$"
)
_CLAUSE_END = re.compile(r"[.;:!?()\n]")
_BLOCK_START = re.compile(r"^[\s\-*•–—>\d.)/]*$")


def _misread(text: str, error: GrammarError, french: Any) -> bool:
    """Whether Grammalecte misreads the passage (issue 26, third round; the first two rounds'
    filters are `_plausible`'s): a sentence's structure its rules do not see.

    - an ellipsis of a superlative: « de la plus à la moins élevée » (« plus » is no noun, and
      « élevée » no verb, after « la moins »);
    - a noun written after another as an apposition, which no agreement binds: « les indicateurs
      vélo » (the lexicon knows « vélo » only as a noun);
    - a capitalised word inside a sentence read as a verb: a first name (« je suis Héla ») or the
      label of an item whose line break was lost (« Extraction Transformer un document »);
    - a quoted label read as a verb: « une rubrique « centres d'intérêt » », « nature « observer » »;
    - one in so many: « un appel sur trois non traité »;
    - several subjects after « quels que soient »: « le parcours ou la situation », « leur
      origine/parcours/filière »;
    - a count in digits of another script (« ٥ », a bullet), or a glyph no count is;
    - a compound noun written without its hyphens, whose gender is the compound's (« le bouche à
      oreille »; grammalecte.yaml `compounds`);
    - an adjective agreed with the head of « X de Y » when X is a word the French dictionary
      lacks, whose gender it cannot know (« Roadmap de déploiement détaillée »);
    - an adjective made of a prefix and a plural noun (« une recherche multicritères »), written
      in the singular or the plural as the writer likes;
    - a relative « qui » after a comma, whose antecedent is the nearest noun phrase, not the one
      Grammalecte chose (« des Startups …, l'incubateur de Pôle emploi, qui compte »);
    - an imperative read at the start of a fragment cut from its sentence (« soit résident à Paris »,
      a PDF's line with no punctuation)."""
    word = text[error.start : error.end]
    before = text[: error.start]
    lower = word.lower()
    named = [w.lower() for w in quoted(error.message)]
    if _SUPERLATIVE.search(before[-20:]) or (error.type == "gn" and {lower, *named} & {"plus", "moins"}):
        return True
    if error.type == "gn" and re.search(r"_[23]m", error.rule) and error.message.startswith("Accord de nombre"):
        if _only_noun(lower) and any(_parsed_noun(text, before, w) for w in named if w != lower):
            return True  # two nouns: « les indicateurs vélo »; not « le premier enjeux »
        prefix = next((p for p in families().get("invariable_prefixes") or [] if lower.startswith(p)), None)
        if prefix and len(lower) - len(prefix) >= 5 and _only_noun(lower[len(prefix) :].rstrip("s")):
            return True
    verb = error.type in ("conj", "ppas", "infi") or "conf_start_nom" in error.rule
    if verb and word[:1].isupper() and not word.isupper() and not _SENTENCE_START.search(before):
        return True
    if _TITLE_QUOTE_BEFORE.search(before[-3:]):
        return True
    if "nombre_" in error.rule and _DISTRIBUTIVE.search(before[-40:]):
        return True
    if "quel_quelle_que" in error.rule:
        clause = _CLAUSE_END.split(text[error.end :], maxsplit=1)[0]
        if re.search(r"(?i)\b(?:et|ou)\b|/|,", clause):
            return True
    if "nombre_chiffres" in error.rule and any(c.isdigit() and not c.isascii() for c in before[-8:]):
        return True
    if error.type == "gn" and error.message.startswith("Accord de genre"):
        window = text[error.start : error.end + 40].lower()
        for compound in families().get("compounds") or []:
            if compound in window and any(compound.startswith(w) for w in [lower, *named]):
                return True
    if "pfx_de" in error.rule and french is not None:
        head = re.search(r"([^\W\d_]+)\s+(?:de|du|des|d['’])\s*[^\W\d_]+\s+$", before[-60:])
        if head and not french.check(head.group(1).lower()) and not french.check(head.group(1)):
            return True
    if "qui" in error.message:
        passages = [a or b for a, b in _QUOTED.findall(error.message)]
        for noun in (m.group(1) for p in passages for m in re.finditer(r"([^\W\d_]+)\s+qui\b", p)):
            at = before.rfind(noun)
            if at != -1 and "," in before[at:]:
                return True
    return error.type == "imp" and bool(_BLOCK_START.match(before)) and not re.search(r"[.!?…]\s*$", text)


def _parsed_noun(text: str, before: str, word: str) -> bool:
    """Whether the parse reads as a noun the word's last occurrence before an error."""
    at = before.rfind(word)
    tokens = _parsed_words(text, at, at + len(word)) if at != -1 else []
    return len(tokens) == 1 and tokens[0].pos_ == "NOUN"


@functools.cache
def _morphs(word: str) -> tuple[str, ...]:
    """The lexicon's analyses of a word (Grammalecte's), none without the engine."""
    engine = checker()
    return tuple(engine.morph([word])[0]) if engine is not None else ()


def _only_noun(word: str) -> bool:
    """Whether the lexicon knows the word and only as a noun (« vélo »), never as an adjective or
    a participle (« statistiques », « mutualisées »)."""
    morphs = _morphs(word)
    return bool(morphs) and all(":N" in m and ":A" not in m and ":Q" not in m for m in morphs)


def _alone(text: str, start: int) -> bool:
    """Whether a capitalised word stands alone: not the first of a sentence or of an item after a
    count (« 2 Développeur »), nor inside a name of capitalised words (« le Portail de Suivi des
    Plainte », whose own spelling is wrong)."""
    before = text[:start]
    if _SENTENCE_START.search(before) or re.search(r"\d\s*$", before):
        return False
    return not any(w[:1].isupper() for w in re.findall(r"[^\W\d_]+", before)[-2:])


def _prefixed_noun(text: str, start: int, end: int, french: Any) -> bool:
    """Whether the word is a living prefix and a dictionary word (« re » + « partage », « co » +
    « construction ») that the sentence's parse reads as a noun: « le taux de repartage »,
    « la recopie », which Grammalecte reads as the verb's conjugated form."""
    from extractor.checks.spelling import _prefixes

    word = text[start:end].lower()
    prefix = next((p for p in _prefixes() if word.startswith(p) and len(word) - len(p) >= 4), None)
    if french is None or prefix is None or not french.check(word[len(prefix) :].lstrip("-")):
        return False
    tokens = _parsed_words(text, start, end)
    return len(tokens) == 1 and tokens[0].pos_ == "NOUN"


def _sentence(text: str, start: int, end: int) -> tuple[int, Any] | None:
    """The parse of the sentence around text[start:end], and where the sentence starts."""
    nlp = parser()
    if nlp is None:
        return None
    stop = text.rfind(". ", 0, start)
    left = max(stop + 2 if stop != -1 else 0, text.rfind("\n", 0, start) + 1)
    ends = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    return left, _parse(without_inclusive(text[left : min(ends) if ends else len(text)]))


@functools.lru_cache(maxsize=32)
def _parse(sentence: str) -> Any:
    """A sentence's parse, made once for the several filters that read it (an agreement's
    confirmation, then its apposition check)."""
    return parser()(sentence)


def _parsed_words(text: str, start: int, end: int) -> list[Any]:
    """The parsed tokens of text[start:end] (none without a parser)."""
    parsed = _sentence(text, start, end)
    if parsed is None:
        return []
    left, sentence = parsed
    return [t for t in sentence if left + t.idx < end and start < left + t.idx + len(t)]


def _english_term(text: str, start: int, end: int, english: Any, french: Any) -> bool:
    """Whether the passage is a word of an English term of two words, the other of which French
    lacks: « user stories », « pull request » (« user » is a French verb too)."""
    word = text[start:end]
    if not word.isalpha() or not english.check(word):
        return False
    after = re.match(r"\s+([^\W\d_]+)", text[end:])
    before = re.search(r"([^\W\d_]+)\s+$", text[:start])
    return any(m is not None and _english_word(m.group(1), english, french) for m in (after, before))


def _english_word(word: str, english: Any, french: Any) -> bool:
    return bool(english.check(word) and not french.check(word) and not french.check(word.lower()))


def _parse_confirms(text: str, error: GrammarError) -> bool:
    """Whether the dependency parse of the sentence confirms an agreement error between a noun and
    an adjective or participle: one of the two words is an adjective (or a participle) whose head
    is the other, a noun, right next to it. Most of Grammalecte's false agreements are an adjective
    agreed with the nearest noun instead of its head (« les pics … liés à la météo difficiles »),
    or a noun in apposition (« les équipes produits », « les référentiels carbone »)."""
    parsed = _sentence(text, error.start, error.end)
    if parsed is None:
        return False  # no parse: no unconfirmed agreement
    left, sentence = parsed
    flagged = [t for t in sentence if left + t.idx < error.end and error.start < left + t.idx + len(t)]
    if len(flagged) != 1:
        return False
    word = flagged[0]
    others = {w.lower() for w in quoted(error.message)}
    others.discard(word.text.lower())
    near = [t for t in sentence if abs(t.i - word.i) <= 3 and t.i != word.i and t.text.lower() in others]
    if not near:
        return False
    other = min(near, key=lambda t: abs(t.i - word.i))
    pair = sorted([word, other], key=lambda t: t.i)
    between = sentence[pair[0].i + 1 : pair[1].i]
    if any(t.pos_ not in ("ADV", "SPACE") for t in between):
        return False  # not side by side: "la météo difficiles", "la tâche divisé"
    adjective = next((t for t in pair if t.pos_ == "ADJ" or "Part" in t.morph.get("VerbForm")), None)
    noun = next((t for t in pair if t.pos_ == "NOUN"), None)
    if adjective is None or noun is None or adjective is noun:
        return False  # two nouns: an apposition ("équipes produits", "conseillers entreprises")
    follower = sentence[adjective.i + 1] if adjective.i + 1 < len(sentence) else None
    if adjective.i > noun.i and follower is not None and follower.pos_ == "NOUN":
        return False  # "trajets courtes distance": the adjective may go with the noun after it
    if adjective.head.i != noun.i or adjective.dep_ not in ("amod", "acl", "nmod"):
        return False
    # Another noun just before that the adjective agrees with may be its head: "les orientations
    # vers l'emploi inadéquates", "les ressources et l'environnement marins".
    if any(t.text[:1].isupper() for t in pair if t.i > 0):
        return False  # a name's words: « la filière Légumineuses »
    # The adjective as written (the tagger reads a misspelt form as it should be): plural in s or
    # x, feminine in e or es.
    number, gender = _written(adjective.lower_)
    before = sentence[max(0, noun.i - 6) : noun.i]
    if number == "Plur" and any(t.lower_ in ("et", "ou") for t in before):
        return False  # « la pré-sélection et la désignation dématérialisées »: two nouns, a plural
    nearby = []  # the nouns before it in its clause, and its governors
    for t in reversed(before):
        if t.pos_ in ("PUNCT", "AUX") or "Fin" in t.morph.get("VerbForm"):
            break  # its clause starts after a punctuation mark or a conjugated verb
        nearby.append(t)
    return not any(_agrees(t, number, gender) for t in [*nearby, *_governors(noun)])


def _agrees(noun: Any, number: str, gender: str | None) -> bool:
    """Whether a noun may be what an adjective of this number and gender agrees with (« temps »
    is both singular and plural)."""
    if noun.pos_ != "NOUN":
        return False
    numbers = noun.morph.get("Number")
    if numbers == ["Sing"] and noun.lower_.endswith(("s", "x", "z")):
        numbers = ["Sing", "Plur"]  # « temps », « cas », « prix »: both
    elif numbers == ["Plur"] and _invariable(noun.lower_):
        numbers = ["Sing", "Plur"]  # « temps » tagged plural only is singular too
    return number in numbers and (gender is None or noun.morph.get("Gender") == [gender])


def _invariable(noun: str) -> bool:
    """Whether a noun in s, x or z is the same in the singular (« temps », « pays », « prix »):
    without its last letter, it is no French word (« services » is « service » plural)."""
    from extractor.checks.spelling import _checked, dictionary

    speller = dictionary()
    if speller is None or not noun.endswith(("s", "x", "z")) or len(noun) < 3:
        return False
    return not _checked(speller, noun[:-1])


def _written(adjective: str) -> tuple[str, str | None]:
    """The number and gender of an adjective as written (the tagger reads a misspelt form as it
    should be): plural in s or x; feminine or masculine by its ending, None when it does not say
    (« difficile » is both)."""
    number = "Plur" if adjective.endswith(("s", "x")) else "Sing"
    stem = adjective[:-1] if number == "Plur" and adjective.endswith("s") else adjective
    if stem.endswith(("ée", "ive", "elle", "euse", "ale", "ète", "ienne", "ère")):
        return number, "Fem"
    if stem.endswith(("é", "if", "el", "eux", "al", "au", "et", "ien", "er")):
        return number, "Masc"
    return number, None


def _governors(token: Any) -> Iterator[Any]:
    """The words a noun depends on, up its branch of the parse (« la tâche » in « le temps
    consacré à la tâche » depends on « temps »), not across a coordination of nouns."""
    for _ in range(6):
        if token.dep_ == "ROOT" or (token.dep_ == "conj" and token.pos_ in ("NOUN", "PROPN")):
            return
        token = token.head
        yield token
        if token.pos_ == "NOUN":
            return  # its nearest governing noun only


def parser() -> Any:
    """spaCy's French model with its tagger and dependency parser (extractor.entities.nlp, which
    loads the model), loaded once when an agreement needs checking; None without it."""
    from extractor.entities.nlp import load_parser

    return load_parser()


def _apposition(text: str, start: int, end: int) -> bool:
    words = set(families().get("appositions") or [])
    after = re.match(r"\s+([^\W\d_]+)", text[end:])
    return text[start:end].lower() in words or bool(after and after.group(1).lower() in words)


# Two determiners in a row, the second elided: "son l'impact", "cette l'attitude".
_DOUBLE_DETERMINER = re.compile(
    r"(?i)(?<![\w'’])(?P<first>son|sa|ses|mon|ma|mes|ton|ta|tes|notre|nos|votre|vos|leur|leurs|ce|cet|cette|ces"
    r"|un|une|des)\s+(?P<second>l['’])(?=[^\W\d_])"
)
# A list item or a sentence ("1/ …", "2) …", after ":") that starts with a verb in -i, -t or -d
# before "ton", "ta", "tes": the imperative of the 2nd person singular ("rempli ton dossier" for "remplis ton dossier").
_IMPERATIVE = re.compile(
    r"(?:^|(?<=[.!?:]\s)|(?<=\d/\s)|(?<=\d\)\s))(?P<verb>[^\W\d_]+[itd])(?=\s+(?:ton|ta|tes)\s)", re.M
)
_NOT_IMPERATIVE = frozenset({"fait", "dit", "suit", "vit", "doit", "voit", "tout", "et", "est", "but", "soit", "ait"})


def _own_errors(doc: Document, ctx: Context) -> Iterator[Finding]:
    """What Grammalecte misses and factcheck checks itself: two determiners in a row, an
    imperative without its s."""
    from extractor.checks.spelling import dictionary

    speller = dictionary()
    for block in checked_blocks(doc):
        skip = masked(block)
        text = block.text
        for match in _DOUBLE_DETERMINER.finditer(text):
            if overlaps(match.start(), match.end(), skip):
                continue
            yield checks.finding(
                GRAMMAR,
                [block_evidence(doc, block, match.start(), match.end(), context=40)],
                variant="double-determiner",
                passage=match.group(0),
                first=match.group("first"),
                second=match.group("second"),
            )
        for match in _locutions().finditer(text):
            if overlaps(match.start(), match.end(), skip):
                continue
            wrong = match.group(0)
            right = (families().get("locutions") or {})[wrong.lower()]
            yield checks.finding(
                GRAMMAR,
                [block_evidence(doc, block, match.start(), match.end(), context=40)],
                variant="locution",
                passage=wrong,
                right=right,
                suggestion={"choices": choices([wrong[:1] + right[1:] if wrong[:1].isupper() else right])},
            )
        for match in _IMPERATIVE.finditer(text):
            verb = match.group("verb")
            if overlaps(match.start(), match.end(), skip) or verb.lower() in _NOT_IMPERATIVE or speller is None:
                continue
            if not speller.check(verb.lower()):
                continue
            # "décrit" -> "décris", "choisi" -> "choisis", "transmet" -> "transmets", "prend" -> "prends"
            candidates = [verb[:-1] + "s", verb + "s"] if verb.endswith("it") else [verb + "s"]
            fixed = next((c for c in candidates if speller.check(c.lower())), None)
            if fixed is None:
                continue
            yield checks.finding(
                GRAMMAR,
                [block_evidence(doc, block, match.start(), match.end(), context=40)],
                variant="imperative",
                passage=verb,
                suggestion={"choices": choices([fixed])},
            )


@functools.cache
def _locutions() -> re.Pattern[str]:
    """grammalecte.yaml's `locutions`, as one pattern of whole words (« base de donnée », not
    « base de données »)."""
    phrases = sorted(families().get("locutions") or {}, key=len, reverse=True)
    if not phrases:
        return re.compile(r"(?!x)x")
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"(?i)(?<![\w'’-])(?:{alternatives})(?![\w-])")


def _findings(doc: Document, ctx: Context, rule_id: str, family: str) -> Iterator[Finding]:
    for block, start, end, message, suggestions, origin in _errors(doc, ctx, family):
        yield checks.finding(
            rule_id,
            [block_evidence(doc, block, start, end, context=40)],
            explanation=message,
            origin=origin,
            passage=block.text[start:end],
            suggestion={"choices": choices(suggestions)} if suggestions else None,
        )


@rule(GRAMMAR)
def grammar(doc: Document, ctx: Context) -> Iterator[Finding]:
    yield from _findings(doc, ctx, GRAMMAR, "grammar")
    yield from _own_errors(doc, ctx)


@rule(TYPOGRAPHY)
def typography(doc: Document, ctx: Context) -> Iterator[Finding]:
    yield from _findings(doc, ctx, TYPOGRAPHY, "typography")
    yield from _unaccented_capitals(doc)
    yield from _ligatures(doc)


_CAPITALISED_WORD = re.compile(r"(?<![\w@/.\-])[AEIOUC][a-zàâäçéèêëîïôöùûü]+(?![\w@/\-]|\.\w)")
_ACCENTED_CAPITALS = {"A": "ÀÂ", "E": "ÉÈÊ", "I": "Î", "O": "Ô", "U": "Û", "C": "Ç"}


def _unaccented_capitals(doc: Document) -> Iterator[Finding]:
    """A capital that lost its accent (« Etat », « Ecole », « Education ») where the dictionary
    knows the word only with it: French keeps accents on capitals. A typographic convention, not
    a word that is not French (text/spelling leaves it to this rule)."""
    from extractor.checks.spelling import _checked, dictionary

    speller = dictionary()
    if speller is None:
        return
    for block in checked_blocks(doc):
        skip = masked(block)
        for match in _CAPITALISED_WORD.finditer(block.text):
            word = match.group(0)
            if overlaps(match.start(), match.end(), skip) or _checked(speller, word) or _checked(speller, word.lower()):
                continue
            fixed = [c + word[1:] for c in _ACCENTED_CAPITALS[word[0]] if _checked(speller, c + word[1:])]
            if not fixed:
                continue
            yield checks.finding(
                TYPOGRAPHY,
                [block_evidence(doc, block, match.start(), match.end(), context=40)],
                variant="capital",
                passage=word,
                suggestion={"choices": choices(fixed[:1])},
            )


_LIGATURE_WORD = re.compile(r"(?<![\w@/.\-])[^\W\d_]*(?:oe|ae)[^\W\d_]*(?![\w@/\-]|\.\w)")


def _ligatures(doc: Document) -> Iterator[Finding]:
    """A word with « oe » or « ae » for its ligature (« coeur », « oeuvre »): the dictionary knows
    it only with « œ » or « æ ». A typesetting choice, not a word that is not French (text/spelling
    leaves it to this rule)."""
    from extractor.checks.spelling import _checked, _typeset, dictionary

    speller = dictionary()
    if speller is None:
        return
    for block in checked_blocks(doc):
        skip = masked(block)
        for match in _LIGATURE_WORD.finditer(block.text):
            word = match.group(0)
            if overlaps(match.start(), match.end(), skip) or _checked(speller, word) or not _typeset(word, speller):
                continue
            yield checks.finding(
                TYPOGRAPHY,
                [block_evidence(doc, block, match.start(), match.end(), context=40)],
                variant="ligature",
                passage=word,
                suggestion={"choices": choices([word.replace("oe", "œ").replace("ae", "æ")])},
            )


__all__ = ["ENGINE", "grammalecte_results", "masked"]
