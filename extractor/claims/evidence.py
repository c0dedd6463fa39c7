"""Evidence for findings: where a piece of a block's text stands in the original file, quoted."""

from __future__ import annotations

import re
from decimal import Decimal

from extractor.models import Block, Claim, Document, Evidence, Location

_MARKUP = r"(?:[\s*_`\\\[\]]|\]\([^)\s]*\)|<[^>]{0,200}>)*"


def source_span(doc: Document, block: Block, start: int, end: int) -> tuple[int, int] | None:
    """Offsets in `doc.text` of `block.text[start:end]`: the k-th exact occurrence in the block's
    source (k as in the block text), else a match that tolerates markup and white space
    between characters (the block text has its Markdown removed)."""
    needle = block.text[start:end]
    if not needle:
        return None
    source = doc.text[block.start : block.end]
    k = block.text.count(needle, 0, start) if needle.strip() else 0
    pos = -1
    for _ in range(k + 1):
        pos = source.find(needle, pos + 1)
        if pos == -1:
            break
    if pos != -1:
        return block.start + pos, block.start + pos + len(needle)
    chars = [c for c in needle if not c.isspace()]
    if not chars or len(chars) > 400:
        return None
    pattern = _MARKUP.join(re.escape(c) for c in chars)
    matches = list(re.finditer(pattern, source))
    if not matches:
        return None
    match = matches[min(k, len(matches) - 1)]
    return block.start + match.start(), block.start + match.end()


def locate(doc: Document, block: Block, start: int, end: int) -> Location:
    found = source_span(doc, block, start, end)
    if found is None:
        return block.location
    return doc.locate(found[0], found[1], block.location.bbox)


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
