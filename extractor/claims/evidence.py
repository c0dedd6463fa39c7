"""Evidence for findings: where a piece of a block's text stands in the original file, quoted."""

from __future__ import annotations

from decimal import Decimal

from extractor.models import Block, Claim, Document, Evidence, Location


def locate(doc: Document, block: Block, start: int, end: int) -> Location:
    """Where `block.text[start:end]` stands in the original file (`Document.place`)."""
    return doc.place(block, start, end)


def quote(text: str, start: int, end: int, context: int = 50) -> str:
    """The matched text with some context on each side, cut at word boundaries."""
    left = max(0, start - context)
    right = min(len(text), end + context)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    return ("…" if left > 0 else "") + text[left:right].strip() + ("…" if right < len(text) else "")


def block_evidence(
    doc: Document, block: Block, start: int, end: int, value: Decimal | None = None, context: int = 50
) -> Evidence:
    return Evidence(location=locate(doc, block, start, end), quote=quote(block.text, start, end, context), value=value)


def claim_evidence(claim: Claim) -> Evidence:
    """A claim as evidence: its place, its sentence, its value."""
    return Evidence(location=claim.location, quote=claim.sentence[:160], value=claim.quantity.value)


def claims_by_block(claims: list[Claim]) -> dict[int, list[Claim]]:
    grouped: dict[int, list[Claim]] = {}
    for claim in claims:
        grouped.setdefault(claim.block, []).append(claim)
    return grouped
