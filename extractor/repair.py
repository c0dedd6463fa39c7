"""Bytes to text (encoding detected, never assumed), then mojibake repair with recorded spans.

The repair runs `ftfy.fix_encoding` on the whole text at once (DESIGN §9: per-line repair
misses multi-line evidence such as emoji), never `ftfy.fix_text` with its defaults (it would
rewrite legitimate curly quotes). ftfy gives no spans, so they are derived by diffing the text
before and after: first line by line (repairs keep line breaks), then character by character
inside each changed line.
"""

from __future__ import annotations

import codecs
import difflib
import re
from dataclasses import dataclass, field

import ftfy
from rapidfuzz.distance import Levenshtein

from extractor.errors import InputError

_ENCODING_NAMES = {
    "macroman": "Mac Roman",
    "mac_roman": "Mac Roman",
    "latin-1": "Latin-1",
    "sloppy-windows-1252": "Windows-1252",
    "windows-1252": "Windows-1252",
    "cp1252": "Windows-1252",
    "sloppy-windows-1250": "Windows-1250",
    "utf-8": "UTF-8",
    "utf-8-variants": "UTF-8",
}

# Control characters that never occur in a real text document (tab, LF, CR and FF are fine).
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


@dataclass
class RepairSpan:
    start: int  # offsets of `after` in the repaired text
    end: int
    orig_start: int  # offsets of `before` in the original text
    orig_end: int
    before: str
    after: str


@dataclass
class RepairResult:
    text: str
    spans: list[RepairSpan] = field(default_factory=list)
    explanation: str | None = None


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decodes a text file: UTF-8 (with or without BOM) and UTF-16/32 with BOM first, then the
    encoding charset-normalizer detects. Raises InputError for empty, binary or undecodable data."""
    if not data.strip():
        raise InputError(path, "le fichier est vide", "rien à vérifier", code="empty")
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _check_text(data.decode(name), path), name
            except UnicodeDecodeError as exc:
                raise InputError(
                    path, f"marque d'encodage {name.upper()} mais contenu invalide (octet {exc.start})"
                ) from exc
    if b"\x00" in data[:8192]:
        raise InputError(
            path, "fichier binaire, pas du texte", "formats lus : .md, .txt, .html, .pdf, .docx", code="binary"
        )
    try:
        return _check_text(data.decode("utf-8"), path), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(
            path,
            "encodage inconnu : le contenu n'est lisible dans aucun encodage connu",
            "enregistrer le fichier en UTF-8",
            code="encoding",
        )
    return _check_text(str(best), path), best.encoding


def _check_text(text: str, path: str) -> str:
    sample = text[:65536]
    if sample and len(_BINARY_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise InputError(
            path, "fichier binaire, pas du texte", "formats lus : .md, .txt, .html, .pdf, .docx", code="binary"
        )
    return text


def repair(text: str) -> RepairResult:
    """Repairs mojibake in a whole text. Clean text comes back unchanged (same object content)."""
    fixed, steps = ftfy.fix_encoding_and_explain(text)
    if fixed == text:
        return RepairResult(text=text)
    return RepairResult(text=fixed, spans=diff_spans(text, fixed), explanation=_explain(steps))


def _explain(steps: object) -> str | None:
    """'UTF-8 lu comme Mac Roman' from ftfy's [('encode', 'macroman'), ('decode', 'utf-8')]."""
    if not isinstance(steps, list):
        return None
    encoded = [arg for op, arg in steps if op == "encode"]
    decoded = [arg for op, arg in steps if op == "decode"]
    if encoded and decoded:
        wrong = _ENCODING_NAMES.get(encoded[0], encoded[0])
        right = _ENCODING_NAMES.get(decoded[-1], decoded[-1])
        return f"texte {right} lu comme {wrong}"
    return None


def diff_spans(before: str, after: str) -> list[RepairSpan]:
    """The spans that differ between two texts, with offsets in both."""
    a_lines = before.splitlines(keepends=True)
    b_lines = after.splitlines(keepends=True)
    a_starts = _line_offsets(a_lines)
    b_starts = _line_offsets(b_lines)
    spans: list[RepairSpan] = []
    matcher = difflib.SequenceMatcher(None, a_lines, b_lines, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        a_text = "".join(a_lines[a0:a1])
        b_text = "".join(b_lines[b0:b1])
        spans.extend(_char_spans(a_text, b_text, a_starts[a0], b_starts[b0]))
    return spans


def _line_offsets(lines: list[str]) -> list[int]:
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    return offsets


MAX_ALIGN = 2 * 10**10


def _char_spans(a: str, b: str, a_base: int, b_base: int) -> list[RepairSpan]:
    """The changed spans within changed lines. Aligned with rapidfuzz's Levenshtein opcodes (bit-parallel
    C++: the Bilan 2024's 820 spans in 25 ms where difflib took 470 ms, and the same spans); past
    `MAX_ALIGN` cells (a single line of some 140,000 characters) the whole region is one span."""
    if len(a) * len(b) > MAX_ALIGN:
        return [RepairSpan(start=b_base, end=b_base + len(b), orig_start=a_base, orig_end=a_base + len(a),
                           before=a, after=b)]  # fmt: skip
    spans: list[RepairSpan] = []
    for op, a0, a1, b0, b1 in Levenshtein.opcodes(a, b):
        if op == "equal":
            continue
        # Merge with the previous span when only a single matching character separates them:
        # "√©" -> "é" can align its second byte by chance.
        if spans and a_base + a0 - spans[-1].orig_end <= 1 and b_base + b0 - spans[-1].end <= 1:
            last = spans[-1]
            last.before = a[last.orig_start - a_base : a1]
            last.after = b[last.start - b_base : b1]
            last.orig_end = a_base + a1
            last.end = b_base + b1
            continue
        spans.append(
            RepairSpan(
                start=b_base + b0,
                end=b_base + b1,
                orig_start=a_base + a0,
                orig_end=a_base + a1,
                before=a[a0:a1],
                after=b[b0:b1],
            )
        )
    return spans


# Sequences that are typical of UTF-8 read in a single-byte encoding and that ftfy could not
# repair (for instance because the text mixes several encodings, or a byte was lost).
_RESIDUAL = re.compile(
    r"(?:√[©®†¢¥¨´∂ß≠§]|‚Ä[ôúùîìò¶¢]|Ã[©¨¢ª®´¹§¯«´¼±¶]|Ã\u00a0|â€[™œ\u009d˜“”¦]|Â[\u00a0«»°·]"
    r"|ðŸ|üí|üé|üì|üö|üõ|ü§|Ô∏è|\ufffd)"
)


def residual_mojibake(text: str) -> list[re.Match[str]]:
    """Mojibake-looking sequences left in a (repaired) text."""
    return list(_RESIDUAL.finditer(text))
