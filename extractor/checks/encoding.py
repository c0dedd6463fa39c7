"""Encoding rules: what the repair step fixed, and mojibake it could not fix."""

from __future__ import annotations

import re
from collections.abc import Iterator

from extractor.checks import Context, rule
from extractor.evidence import block_evidence
from extractor.models import Document, Evidence, Finding, Repair, Severity
from extractor.repair import residual_mojibake

MAX_EVIDENCE = 5
_WORD = re.compile(r"\S+")


def _word_around(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def _repair_evidence(doc: Document, repair: Repair) -> Evidence:
    """The repaired word, quoted as it was and as it is, located in the original file."""
    start, end = _word_around(doc.text, repair.start, repair.end)
    start, end = max(start, repair.start - 30), min(end, repair.end + 30)
    fixed = doc.text[start:end]
    original = fixed[: repair.start - start] + repair.before + fixed[repair.end - start :]
    return Evidence(location=doc.locate(start, end), quote=f"{original} → {fixed}")


@rule(
    "encoding/mojibake-repaired",
    Severity.info,
    "Encodage réparé",
    "Le texte contenait des caractères mal encodés (mojibake), réparés automatiquement avant la vérification.",
)
def mojibake_repaired(doc: Document, ctx: Context) -> Iterator[Finding]:
    if not doc.repairs:
        return
    n = len(doc.repairs)
    lines = len({r.location.line for r in doc.repairs})
    how = f" ({doc.repair_explanation})" if doc.repair_explanation else ""
    evidence = [_repair_evidence(doc, r) for r in doc.repairs[:MAX_EVIDENCE]]
    examples = ", ".join("« " + e.quote.replace(" → ", " » → « ") + " »" for e in evidence[:3])
    yield Finding(
        rule="encoding/mojibake-repaired",
        severity=Severity.info,
        message_fr=(
            f"Encodage réparé{how} : {n} passage{'s' if n > 1 else ''} corrigé{'s' if n > 1 else ''} "
            f"sur {lines} ligne{'s' if lines > 1 else ''} ; la vérification porte sur le texte réparé. "
            f"Exemples : {examples}."
        ),
        evidence=evidence,
        suggestion=f"Republier le fichier réparé : factcheck repair {doc.path} -o <fichier>",
    )


@rule(
    "encoding/residual-mojibake",
    Severity.warning,
    "Caractères mal encodés",
    "Des séquences typiques d'un mauvais encodage (« Ã© », « â€™ », « √© », « � »…) restent après réparation.",
)
def residual(doc: Document, ctx: Context) -> Iterator[Finding]:
    for block in doc.blocks:
        matches = residual_mojibake(block.text)
        if not matches:
            continue
        evidence = [block_evidence(doc, block, m.start(), m.end(), context=30) for m in matches[:MAX_EVIDENCE]]
        seqs = sorted({m.group(0) for m in matches})
        yield Finding(
            rule="encoding/residual-mojibake",
            severity=Severity.warning,
            message_fr=(
                f"Caractères mal encodés non réparés ({', '.join('« ' + s + ' »' for s in seqs)}) : "
                "le texte affiché au lecteur sera illisible à cet endroit."
            ),
            evidence=evidence,
            suggestion="Ressaisir ces caractères, ou réenregistrer la source en UTF-8.",
        )
