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
from extractor.checks.grammalecte import ENGINE, Result, checker
from extractor.evidence import block_evidence
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
_INCLUSIVE = re.compile(
    r"(?P<stem>[^\W\d_]{2,})(?P<mark>[.·•(](?:[^\W\d_]{1,5})[.·•)]?)(?P<plural>s?)(?P<more>(?:[.·•][^\W\d_]{1,5})*)(?![\w.·])"
)


def without_inclusive(text: str) -> str:
    """The text with each inclusive form replaced by its masculine (plural) form, padded with
    spaces so that every offset stays the same."""

    def masculine(match: re.Match[str]) -> str:
        mark = match.group("mark")
        suffix = mark + match.group("more")
        if not re.search(r"[·•]|\.(?:e|ne|se|le|te|ice|rice|euse|trice|ère|ve)s?\b", suffix):
            return match.group(0)  # "page.html", "etc.)": no inclusive suffix
        plural = "s" if match.group("plural") or suffix.rstrip(".·•)").endswith("s") else ""
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


def _errors(doc: Document, ctx: Context, family: str) -> Iterator[tuple[Block, int, int, str, list[str]]]:
    """Grammalecte's errors of one rule's families that no precision filter drops."""
    from extractor.checks.spelling import known_words

    wanted = set(families().get(family, []))
    ignored = tuple(families().get("ignored_rules") or [])
    known = known_words(ctx)
    from extractor.checks.spelling import _english, _english_passage, dictionary

    english, french = _english(), dictionary()
    for block, result in grammalecte_results(doc, ctx):
        if not prose(block):
            continue
        skip = masked(block)
        for error in result.grammar:
            if error.type not in wanted or (ignored and error.rule.startswith(ignored)):
                continue
            if error.end <= error.start or overlaps(error.start, error.end, skip):
                continue
            passage = block.text[error.start : error.end]
            if "·" in passage or _names_a_known_word(passage, known):
                continue  # inclusive writing; a name the registry or the programme knows
            if passage.isupper() or (english and french and _english_passage(block.text, error.start, english, french)):
                continue  # capitals ("GRADES"); a passage in English
            if error.type == "gn" and _apposition(block.text, error.start, error.end):
                continue  # "tests utilisateur": a noun in apposition agrees or not, as the writer likes
            yield block, error.start, error.end, french_quotes(error.message), error.suggestions


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


def _findings(doc: Document, ctx: Context, rule_id: str, family: str) -> Iterator[Finding]:
    for block, start, end, message, suggestions in _errors(doc, ctx, family):
        yield checks.finding(
            rule_id,
            [block_evidence(doc, block, start, end, context=40)],
            explanation=message,
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


__all__ = ["ENGINE", "grammalecte_results", "masked"]
