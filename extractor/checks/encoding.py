"""Encoding rules: what the repair step fixed, the lines of a UTF-8 file that were in another
encoding, and mojibake the repair could not fix."""

from __future__ import annotations

import re
from collections.abc import Iterator

from extractor.checks import Context, rule
from extractor.evidence import block_evidence
from extractor.models import Document, Evidence, Finding, Repair, Severity
from extractor.repair import DECODING, encoding_name, residual_mojibake

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


@rule("encoding/mojibake-repaired")
def mojibake_repaired(doc: Document, ctx: Context) -> Iterator[Finding]:
    repairs = [r for r in doc.repairs if r.kind == "mojibake"]
    if not repairs:
        return
    n = len(repairs)
    lines = len({r.location.line for r in repairs})
    how = f" ({doc.repair_explanation})" if doc.repair_explanation else ""
    evidence = [_repair_evidence(doc, r) for r in repairs[:MAX_EVIDENCE]]
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


MAX_QUOTE = 120


@rule("encoding/mixed-encoding")
def mixed_encoding(doc: Document, ctx: Context) -> Iterator[Finding]:
    """One finding per line of a mostly UTF-8 file that is not UTF-8, located on that line."""
    by_line: dict[int, list[Repair]] = {}
    for r in doc.repairs:
        if r.kind.startswith(DECODING + ":"):
            by_line.setdefault(r.location.line, []).append(r)
    for number, repairs in sorted(by_line.items()):
        codec = repairs[0].kind.partition(":")[2]
        start = doc.text.rfind("\n", 0, repairs[0].start) + 1
        end = doc.text.find("\n", repairs[-1].end)
        end = len(doc.text) if end < 0 else end
        decoded = doc.text[start:end]
        shown = list(decoded)  # the line as a UTF-8 reader shows it
        for r in repairs:
            shown[r.start - start : r.end - start] = list(r.before)
        lo, hi = _window(decoded, repairs[0].start - start)
        cut = ("…" if lo > 0 else "", "…" if hi < len(decoded) else "")
        quote = cut[0] + decoded[lo:hi].strip() + cut[1]
        seen = cut[0] + "".join(shown)[lo:hi].strip() + cut[1]
        if codec == "utf-8":
            how = "des octets invalides en UTF-8 y sont remplacés par « \ufffd »"
        else:
            how = f"elle est lue en {encoding_name(codec)} (encodage supposé)"
        yield Finding(
            rule="encoding/mixed-encoding",
            severity=Severity.warning,
            message_fr=(
                f"Ligne {number} non enregistrée en UTF-8, alors que d'autres lignes du fichier le sont : {how} : "
                f"« {quote} » ; en UTF-8, elle s'affiche « {seen} »."
            ),
            evidence=[Evidence(location=doc.locate(start, end), quote=quote)],
            suggestion=(
                f"Vérifier la ligne {number}, puis réenregistrer le fichier en UTF-8 "
                f"(factcheck repair {doc.path} -o <fichier> écrit le texte ainsi décodé en UTF-8)."
            ),
        )


def _window(line: str, first: int) -> tuple[int, int]:
    """At most MAX_QUOTE characters of a line, from a little before its first re-decoded character."""
    if len(line) <= MAX_QUOTE:
        return 0, len(line)
    lo = max(0, first - 30)
    while lo > 0 and not line[lo - 1].isspace():
        lo -= 1
    return lo, min(len(line), lo + MAX_QUOTE)


@rule("encoding/residual-mojibake")
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
