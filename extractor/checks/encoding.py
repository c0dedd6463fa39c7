"""Encoding rules: what the repair step fixed, the lines of a UTF-8 file that were in another
encoding, and mojibake the repair could not fix."""

from __future__ import annotations

import re
from collections.abc import Iterator

from extractor.checks import Context, finding, phrase, rule
from extractor.claims.evidence import block_evidence
from extractor.ingest.repair import DECODING, encoding_name, residual_mojibake
from extractor.models import Document, Evidence, Finding, Repair

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
    rule_id = "encoding/mojibake-repaired"
    n = len(repairs)
    lines = len({r.location.line for r in repairs})
    evidence = [_repair_evidence(doc, r) for r in repairs[:MAX_EVIDENCE]]
    examples = ", ".join(phrase(rule_id, "example", quote=e.quote.replace(" → ", " » → « ")) for e in evidence[:3])
    yield finding(
        rule_id,
        evidence,
        variant="explained" if doc.repair_explanation else None,
        explanation=doc.repair_explanation,
        passages=phrase(rule_id, "passages" if n > 1 else "passage", n=n),
        lines=phrase(rule_id, "lines" if lines > 1 else "line", n=lines),
        examples=examples,
        suggestion={"path": doc.path},
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
        yield finding(
            "encoding/mixed-encoding",
            [Evidence(location=doc.locate(start, end), quote=quote)],
            variant="invalid-utf-8" if codec == "utf-8" else None,
            line=number,
            encoding=encoding_name(codec),
            quote=quote,
            seen=seen,
            suggestion={"path": doc.path},
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
        yield finding(
            "encoding/residual-mojibake",
            evidence,
            sequences=", ".join(phrase("encoding/residual-mojibake", "sequence", sequence=s) for s in seqs),
            suggestion={},
        )
