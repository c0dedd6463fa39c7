"""Text rules: leftover placeholders and duplicated tokens, in the visible text of each block."""

from __future__ import annotations

import re
from collections.abc import Iterator

from extractor.checks import Context, finding, rule
from extractor.claims.evidence import block_evidence
from extractor.models import Document, Finding

# "section X", "page XX", "XXX", "TODO", "[à compléter]", "lorem ipsum"...
# Not placeholders: a question ("Pourquoi réaliser cette étape ?", with French spacing), a hedge
# in parentheses ("(à confirmer) ~50 procédures"), a lower-case "xxx" standing for a value in a
# sample message ("votre compte personnel xxx").
_PLACEHOLDER = re.compile(
    r"(?i:\b(?:section|page|partie|chapitre|annexe|figure|tableau|slide|diapositive|étape)\s+)"
    r"(?:(?i:X{1,3})|N|\?{2,3})(?![\w'’°º])"
    r"|(?<![\w-])X{3,}(?![\w-])"
    r"|\b(?i:TODO|FIXME|TBD|TBC)\b"
    r"|(?i:[\[<{]\s*(?:à|a)\s+(?:compléter|completer|préciser|preciser|confirmer|vérifier|verifier|définir|insérer"
    r"|remplir)\s*[\]>}])"
    r"|(?i:\(\s*(?:à|a)\s+(?:compléter|completer|insérer|remplir)\s*\))"
    r"|\b(?i:lorem\s+ipsum)\b"
    r"|\?{3,}",
)
# A domain suffix written twice ("beta.gouv.fr.fr", "www.www.").
_DOUBLE_SUFFIX = re.compile(r"\b(?:[\w-]+\.)+?(?P<tok>[a-z]{2,6})\.(?P=tok)(?![\w-])", re.I)
_DOUBLE_PREFIX = re.compile(r"\b(?P<tok>www|https?)[.:/]+(?P=tok)\b", re.I)
# A word written twice in a row ("le le", "de de"). Combining accents (text stored decomposed, NFD)
# belong to the word: "caracte\u0300re re\u0301pe\u0301titif" repeats nothing.
_DOUBLE_WORD = re.compile(r"(?<![\w'’\u0300-\u036f-])(?P<w>[^\W\d_]+)\s+(?P=w)(?![\w'’\u0300-\u036f-])", re.I)
# A phrase of two to four words written twice, in a row or around "ou", "et/ou" ("ce que ce que",
# "ont réduit et/ou ont réduit"): a copy-paste the writer did not finish. A single word joined to
# itself ("encore et encore", "pas à pas") is French, and is not matched; nor is a phrase around
# "et", which a new clause may repeat on purpose ("un site pour chaque manifestation et chaque
# manifestation a son calendrier", "avant de développer votre produit et développer votre produit
# pour eux").
_PHRASE = r"[^\W\d_]+(?:['’]|\s+)[^\W\d_]+(?:\s+[^\W\d_]+){0,2}"
_DOUBLE_PHRASE = re.compile(
    rf"(?<![\w'’\u0300-\u036f-])(?P<p>{_PHRASE})\s+(?P<link>(?:ou|et\s*/\s*ou)\s+)?(?P=p)(?![\w'’\u0300-\u036f-])",
    re.I,
)
_REDUPLICATION = re.compile(r"(?i)[^\W\d_]+\s+(?:à|après|par|pour|contre|sur|en)")
_GERUND = re.compile(r"\s+[^\W\d_]+ant\b")
_NAME_AFTER = re.compile(r"\s+[A-ZÀ-Ý]")
# Repetitions that French writes on purpose.
_LEGIT_REPEATS = {"nous", "vous", "tam", "bora", "pousse", "fifty", "glou", "quatre", "cha"}


@rule("text/placeholder")
def placeholder(doc: Document, ctx: Context) -> Iterator[Finding]:
    for block in doc.blocks:
        for match in _PLACEHOLDER.finditer(block.text):
            found = match.group(0)
            if found.strip("?") == "" and block.text.strip().endswith("???"):
                continue
            yield finding(
                "text/placeholder",
                [block_evidence(doc, block, match.start(), match.end())],
                variant="part" if _PART.match(found) else None,
                found=found,
                suggestion={},
            )


_PART = re.compile(r"(?i)section|partie|chapitre|annexe|page|slide|diapositive")  # a part of the document


@rule("text/duplicated-token")
def duplicated_token(doc: Document, ctx: Context) -> Iterator[Finding]:
    for block in doc.blocks:
        for match in _DOUBLE_SUFFIX.finditer(block.text):
            token = match.group("tok")
            fixed = match.group(0)[: -(len(token) + 1)]
            yield _duplicate(doc, block, match.start(), match.end(), match.group(0), fixed)
        for match in _DOUBLE_PREFIX.finditer(block.text):
            yield _duplicate(doc, block, match.start(), match.end(), match.group(0), match.group("tok"))
        for match in _DOUBLE_WORD.finditer(block.text):
            word, second = match.group("w"), match.group(0).split()[-1]
            if word.casefold() in _LEGIT_REPEATS or (len(word) == 1 and not word.isalpha()):
                continue
            if word[0].islower() and second[0].isupper():
                continue  # a new sentence or label begins: "… la collectivité Collectivité sponsor :"
            if word.casefold() == "en" and _GERUND.match(block.text, match.end()):
                continue  # a gerund and the pronoun "en": "en en parlant", "en en impulsant la création"
            if set(word.casefold()) == {"x"}:
                continue  # a masked value: "FR76 xxxx xxxx xxxx"
            if word.casefold() in ("de", "du", "des") and _NAME_AFTER.match(block.text, match.end()):
                continue  # a name's particle: "les mémoires de de Gaulle"
            phrase = _nominal_phrase(block.text, match.start(), match.end(), word)
            yield _duplicate(doc, block, match.start(), match.end(), match.group(0), word, phrase)
        for match in _phrase_repeats(block.text):
            first = match.group("p")
            second = block.text[match.end() - len(first) : match.end()]
            if second[0].isupper():
                continue  # a new sentence, or a heading run into its paragraph ("2. Les appels Les appels …")
            if len(set(first.casefold().split())) == 1:
                continue  # one word repeated ("le le le"): the word rule reports it
            if _REDUPLICATION.fullmatch(first):
                continue  # "petit à petit à cause de", "peu à peu à": an idiom, then the same preposition
            yield finding(
                "text/duplicated-token",
                [block_evidence(doc, block, match.start(), match.end())],
                variant="linked" if match.group("link") else None,
                found=match.group(0),
                fixed=first,
                suggestion={},
            )


def _phrase_repeats(text: str) -> list[re.Match[str]]:
    """The repeated phrases of a text, one per repeat: of overlapping readings ("que ce que ce que"
    reads « que ce » twice or « ce que » twice), the last one, whose second copy ends the repeat."""
    found: list[re.Match[str]] = []
    for start in (m.start() for m in re.finditer(r"(?<![\w'’\u0300-\u036f-])[^\W\d_]", text)):
        match = _DOUBLE_PHRASE.match(text, start)
        if match is None:
            continue
        if found and match.start() < found[-1].end():
            found[-1] = match
        else:
            found.append(match)
    return found


# "mise en place" is a noun phrase: the noun after it takes "de" ("la mise en place d'un dispositif");
# "mise en en place un dispositif" with one "en" less is still no French.
_NOMINAL_BEFORE = re.compile(r"(?i)\b(?P<noun>mise|remise)\s+$")
_NOMINAL_AFTER = re.compile(
    r"(?i)\s+(?P<what>place|œuvre|oeuvre|service|ligne|relation|avant)\s+(?P<art>un|une|le|la|les|des)\b"
)
_WITH_DE = {"un": "d’un", "une": "d’une", "le": "du", "la": "de la", "les": "des", "des": "de"}


def _nominal_phrase(text: str, start: int, end: int, word: str) -> tuple[str, str] | None:
    """For a repeated « en » inside « mise en … place un … »: (the phrase as written, the phrase
    corrected with its « de »), since removing the repeat alone leaves « mise en place un »."""
    before = _NOMINAL_BEFORE.search(text, 0, start)
    after = _NOMINAL_AFTER.match(text, end)
    if word.casefold() != "en" or before is None or after is None:
        return None
    written = text[before.start() : after.end()]
    article = after.group("art")
    with_de = _WITH_DE[article.casefold()]
    return written, f"{before.group('noun')} en {after.group('what')} {with_de}"


def _duplicate(doc: Document, block, start: int, end: int, found: str, fixed: str,
               phrase: tuple[str, str] | None = None) -> Finding:  # fmt: skip
    written, right = phrase or (None, None)
    return finding(
        "text/duplicated-token",
        [block_evidence(doc, block, start, end)],
        variant="nominal" if phrase is not None else None,
        found=found,
        fixed=fixed,
        written=written,
        right=right,
        suggestion={},
    )


@rule("text/suppression-without-reason")
def suppression_without_reason(doc: Document, ctx: Context) -> Iterator[Finding]:
    from extractor.checks.suppress import suppressions

    yield from suppressions(doc)[1]
