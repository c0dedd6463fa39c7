"""Text rules: leftover placeholders and duplicated tokens, in the visible text of each block."""

from __future__ import annotations

import re
from collections.abc import Iterator

from extractor.checks import Context, rule
from extractor.evidence import block_evidence
from extractor.models import Document, Finding, Severity

# "section X", "page XX", "XXX", "TODO", "[à compléter]", "lorem ipsum"...
_PLACEHOLDER = re.compile(
    r"\b(?:section|page|partie|chapitre|annexe|figure|tableau|slide|diapositive|étape)\s+(?:X{1,3}|N|\?{1,3})(?![\w'’])"
    r"|(?<![\w-])X{3,}(?![\w-])"
    r"|\b(?:TODO|FIXME|TBD|TBC)\b"
    r"|[\[(<{]\s*(?:à|a)\s+(?:compléter|completer|préciser|preciser|confirmer|vérifier|verifier|définir|insérer|remplir)"
    r"\s*[\])>}]"
    r"|\blorem\s+ipsum\b"
    r"|\?{3,}",
    re.I,
)
# A domain suffix written twice ("beta.gouv.fr.fr", "www.www.").
_DOUBLE_SUFFIX = re.compile(r"\b(?:[\w-]+\.)+?(?P<tok>[a-z]{2,6})\.(?P=tok)\b", re.I)
_DOUBLE_PREFIX = re.compile(r"\b(?P<tok>www|https?)[.:/]+(?P=tok)\b", re.I)
# A word written twice in a row ("le le", "de de").
_DOUBLE_WORD = re.compile(r"(?<![\w'’-])(?P<w>[^\W\d_]+)\s+(?P=w)(?![\w'’-])", re.I)
# Repetitions that French writes on purpose.
_LEGIT_REPEATS = {"nous", "vous", "tam", "bora", "pousse", "fifty", "glou", "quatre", "cha"}


@rule(
    "text/placeholder",
    Severity.error,
    "Texte provisoire oublié",
    "Un repère de rédaction (« section X », « XXX », « TODO », « [à compléter] », lorem ipsum) est resté.",
)
def placeholder(doc: Document, ctx: Context) -> Iterator[Finding]:
    for block in doc.blocks:
        for match in _PLACEHOLDER.finditer(block.text):
            found = match.group(0)
            if found.strip("?") == "" and block.text.strip().endswith("???"):
                continue
            yield Finding(
                rule="text/placeholder",
                severity=Severity.error,
                message_fr=f"Texte provisoire oublié : « {found} » doit être remplacé par le contenu définitif.",
                evidence=[block_evidence(doc, block, match.start(), match.end())],
                suggestion=_placeholder_hint(found),
            )


def _placeholder_hint(found: str) -> str:
    if re.match(r"(?i)section|partie|chapitre|annexe|page|slide|diapositive", found):
        return "Indiquer le numéro ou le titre réel de la partie visée."
    return "Remplacer ce repère par le texte définitif, ou le supprimer."


@rule(
    "text/duplicated-token",
    Severity.warning,
    "Mot ou suffixe répété",
    "Un mot écrit deux fois de suite (« le le ») ou un suffixe de domaine doublé (« beta.gouv.fr.fr »).",
)
def duplicated_token(doc: Document, ctx: Context) -> Iterator[Finding]:
    for block in doc.blocks:
        for match in _DOUBLE_SUFFIX.finditer(block.text):
            token = match.group("tok")
            fixed = match.group(0)[: -(len(token) + 1)]
            yield _duplicate(doc, block, match.start(), match.end(), match.group(0), fixed)
        for match in _DOUBLE_PREFIX.finditer(block.text):
            yield _duplicate(doc, block, match.start(), match.end(), match.group(0), match.group("tok"))
        for match in _DOUBLE_WORD.finditer(block.text):
            word = match.group("w")
            if word.casefold() in _LEGIT_REPEATS or (len(word) == 1 and not word.isalpha()):
                continue
            yield _duplicate(doc, block, match.start(), match.end(), match.group(0), word)


def _duplicate(doc: Document, block, start: int, end: int, found: str, fixed: str) -> Finding:
    return Finding(
        rule="text/duplicated-token",
        severity=Severity.warning,
        message_fr=f"Répétition : « {found} » (« {fixed} » attendu).",
        evidence=[block_evidence(doc, block, start, end)],
        suggestion=f"Écrire « {fixed} ».",
    )


@rule(
    "text/suppression-without-reason",
    Severity.warning,
    "Suppression sans raison",
    "Un commentaire <!-- factcheck: ignore … --> ou <!-- factcheck: off --> ne dit pas pourquoi (après « -- »).",
)
def suppression_without_reason(doc: Document, ctx: Context) -> Iterator[Finding]:
    from extractor.suppress import suppressions

    yield from suppressions(doc)[1]
