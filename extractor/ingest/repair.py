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
import unicodedata
from dataclasses import dataclass, field

import ftfy
import ftfy.bad_codecs  # registers the sloppy-windows-1252 codec
from ftfy.badness import is_bad
from rapidfuzz.distance import Levenshtein

from extractor.errors import InputError

_ENCODING_NAMES = {
    "macroman": "Mac Roman",
    "mac_roman": "Mac Roman",
    "mac-roman": "Mac Roman",
    "latin-1": "Latin-1",
    "latin1": "Latin-1",
    "iso-8859-1": "Latin-1",
    "iso-8859-15": "Latin-9",
    "cp1250": "Windows-1250",
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
    kind: str = "mojibake"  # or NFC / INVISIBLE (see `normalise_characters`)


@dataclass
class RepairResult:
    text: str
    spans: list[RepairSpan] = field(default_factory=list)
    explanation: str | None = None


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decodes a text file into (text, encoding); see `decode_file`."""
    decoded = decode_file(data, path)
    return decoded.text, decoded.encoding


@dataclass(frozen=True)
class ForeignLine:
    """A line of a mostly UTF-8 file that is not UTF-8, and the codec it was decoded with."""

    line: int  # 1-based; lines end at LF, CRLF or CR, as the readers count them
    encoding: str  # a Python codec name: "cp1252", a guess such as "mac_roman", or "utf-8" (bad bytes replaced)


@dataclass
class Decoded:
    text: str
    encoding: str  # "utf-8", a detected codec, or "utf-8+cp1252" for a file decoded line by line
    foreign_lines: list[ForeignLine] = field(default_factory=list)


def decode_file(data: bytes, path: str) -> Decoded:
    """Decodes a text file: UTF-8 (with or without BOM) and UTF-16/32 with BOM first (a file with
    the UTF-8 BOM whose some lines are not UTF-8 is decoded line by line); then, for a file that
    is mostly UTF-8, line by line (`decode_mixed`); then the encoding charset-normalizer
    detects for the whole file, unless that reading would lose the UTF-8 lines of the file (their
    euro signs and accents), in which case line by line again. Raises InputError for empty, binary
    or undecodable data."""
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
                return Decoded(_check_text(data.decode(name), path), name)
            except UnicodeDecodeError as exc:
                if name == "utf-8-sig" and b"\x00" not in data:  # a UTF-8 file with some lines in another encoding
                    mixed = _mixed(data[len(bom) :].splitlines(keepends=True), path)
                    return Decoded(mixed.text, mixed.encoding.replace("utf-8", name, 1), mixed.foreign_lines)
                raise InputError(
                    path, f"marque d'encodage {name.upper()} mais contenu invalide (octet {exc.start})"
                ) from exc
    if b"\x00" in data[:8192]:
        raise InputError(
            path, "fichier binaire, pas du texte", "formats lus : .md, .txt, .html, .pdf, .docx", code="binary"
        )
    try:
        return Decoded(_check_text(data.decode("utf-8"), path), "utf-8")
    except UnicodeDecodeError:
        pass
    lines = data.splitlines(keepends=True)
    votes = [_utf8_vote(line) for line in lines]
    if _mostly_utf8(votes):
        return _mixed(lines, path)
    utf8 = any(votes)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        if utf8:
            return _mixed(lines, path)
        raise InputError(
            path,
            "encodage inconnu : le contenu n'est lisible dans aucun encodage connu",
            "enregistrer le fichier en UTF-8",
            code="encoding",
        )
    if utf8 and not _keeps_utf8_lines(lines, votes, best.encoding):
        return _mixed(lines, path)
    return Decoded(_check_text(str(best), path), best.encoding)


def decode_mixed(data: bytes) -> tuple[str, list[ForeignLine]] | None:
    r"""Decodes a file that is mostly UTF-8 line by line, or returns None when it is not.

    A line is a *UTF-8 line* when it holds non-ASCII bytes, decodes as UTF-8, and its
    Windows-1252 reading looks like mojibake to ftfy (`ftfy.badness.is_bad`: UTF-8 "é" reads
    "Ã©", "€" reads "â‚¬"), so it cannot be legacy text that is valid UTF-8 by accident. A line
    with non-ASCII bytes that does not decode as UTF-8 is a *foreign line*; ASCII lines do not
    count. The file is mostly UTF-8 when it has at least one UTF-8 line and at least as many
    UTF-8 lines as foreign lines. Every line that decodes as UTF-8 is then decoded as UTF-8, and
    each foreign line by `_decode_foreign` (Windows-1252 first), which it lists with its number
    (1-based, counting LF, CRLF and CR breaks as the readers do) and the codec used.

    A UTF-8 file with one line saved in Windows-1252 keeps its euro sign and its accents:

    >>> text, foreign = decode_mixed(b"Le budget : 5 869 442 \xe2\x82\xac, la pr\xc3\xa9sentation.\n"
    ...                              b"Une ligne : 12 \xe9v\xe9nements.\n")
    >>> print(text, end="")
    Le budget : 5 869 442 €, la présentation.
    Une ligne : 12 événements.
    >>> foreign
    [ForeignLine(line=2, encoding='cp1252')]

    A file wholly in Windows-1252 (or Latin-1, or Mac Roman) is not mostly UTF-8: it is left to
    the whole-file detection.

    >>> print(decode_mixed("Le café coûte 2 € ;\nà bientôt.\n".encode("cp1252")))
    None

    Nor is one whose only valid UTF-8 line is so by accident: "CAFÉ…" in Windows-1252 is the
    UTF-8 of "CAFɅ", but "CAFÉ…" does not look like mojibake.

    >>> print(decode_mixed("MENU DU CAFÉ…\nÀ bientôt.\n".encode("cp1252")))
    None
    """
    lines = data.splitlines(keepends=True)
    return _decode_lines(lines) if _mostly_utf8([_utf8_vote(line) for line in lines]) else None


def _mostly_utf8(votes: list[bool | None]) -> bool:
    utf8, foreign = votes.count(True), votes.count(False)
    return utf8 > 0 and utf8 >= foreign


def _utf8_vote(line: bytes) -> bool | None:
    """True for a UTF-8 line, False for a foreign line, None for an ASCII line (see `decode_mixed`)."""
    if line.isascii():
        return None
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return bool(is_bad(line.decode("sloppy-windows-1252")))


def _mixed(lines: list[bytes], path: str) -> Decoded:
    text, foreign = _decode_lines(lines)
    codecs_used = sorted({f.encoding for f in foreign} - {"utf-8"})
    return Decoded(_check_text(text, path), "+".join(["utf-8", *codecs_used]), foreign)


def _decode_lines(lines: list[bytes]) -> tuple[str, list[ForeignLine]]:
    parts: list[str] = []
    pending: list[int] = []  # foreign lines that neither Windows-1252 nor UTF-8 explain
    foreign: dict[int, str] = {}
    for n, line in enumerate(lines):
        try:
            parts.append(line.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        body = line.rstrip(b"\r\n")
        text, encoding = _decode_foreign(body)
        if encoding is None:
            pending.append(n)
        else:
            foreign[n] = encoding
        parts.append(text + line[len(body) :].decode("ascii"))
    if pending:
        encoding, texts = _guess([lines[n].rstrip(b"\r\n") for n in pending])
        for n, text in zip(pending, texts, strict=True):
            parts[n] = text + lines[n][len(lines[n].rstrip(b"\r\n")) :].decode("ascii")
            foreign[n] = encoding
    return "".join(parts), [ForeignLine(n + 1, foreign[n]) for n in sorted(foreign)]


def _decode_foreign(body: bytes) -> tuple[str, str | None]:
    """A line that is not UTF-8: Windows-1252 when it reads as text, not as mojibake; else, when
    it is UTF-8 but for a few bad bytes (as many valid non-ASCII UTF-8 characters as bad bytes, or
    more), UTF-8 with U+FFFD for them (which the residual-mojibake rule then shows); otherwise
    (None) the line is left to `_guess`."""
    try:
        text = body.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and not is_bad(text):
        return text, "cp1252"
    as_utf8 = body.decode("utf-8", errors="replace")
    bad = as_utf8.count("\ufffd")
    if sum(1 for c in as_utf8 if not c.isascii()) - bad >= bad:
        return as_utf8, "utf-8"
    return body.decode("cp1252", errors="replace"), None


# The non-ASCII characters of French text, by which the legacy readings of a foreign line are
# compared: the one with the most of them (and at least half of its non-ASCII characters) wins.
_FRENCH = frozenset("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ€«»‘’“”–—…°²³ªº§\u00a0\u202f")
_LEGACY = ("mac_roman", "cp850", "iso8859_15")


def _guess(bodies: list[bytes]) -> tuple[str, list[str]]:
    """The foreign lines that Windows-1252 does not explain, all in one encoding: the legacy
    encoding among Windows-1252 (with U+FFFD for the bytes it does not define), Mac Roman, DOS
    (cp850) and Latin-9 whose reading has the most French characters; when none reads as French,
    the encoding charset-normalizer detects for the lines together, if it decodes each; else
    Windows-1252 with U+FFFD."""
    joined = b"\n".join(bodies)
    best_score, best = 0, ("cp1252", [b.decode("cp1252", errors="replace") for b in bodies])
    for encoding in ("cp1252", *_LEGACY):
        try:
            text = joined.decode(encoding, errors="replace" if encoding == "cp1252" else "strict")
        except UnicodeDecodeError:
            continue
        others = [c for c in text if not c.isascii()]
        score = sum(1 for c in others if c in _FRENCH)
        if score > best_score and 2 * score >= len(others):
            best_score, best = score, (encoding, [b.decode(encoding, errors="replace") for b in bodies])
    if best_score:
        return best
    from charset_normalizer import from_bytes

    match = from_bytes(joined).best()
    if match is not None and match.encoding and match.encoding not in ("utf_8", "ascii"):
        try:
            return match.encoding, [b.decode(match.encoding) for b in bodies]
        except (UnicodeDecodeError, LookupError):
            pass
    return best


def _keeps_utf8_lines(lines: list[bytes], votes: list[bool | None], encoding: str) -> bool:
    """Whether a whole-file reading in `encoding`, once ftfy repairs it, gives back each UTF-8
    line as UTF-8 (charset-normalizer reads a mixed file as cp932 or hp_roman8, whose
    "5 869 442 竄ｬ" no repair brings back)."""
    for line, vote in zip(lines, votes, strict=True):
        if vote:
            try:
                read = line.decode(encoding, errors="replace")
            except LookupError:
                return False
            if ftfy.fix_encoding(read) != line.decode("utf-8"):
                return False
    return True


def _check_text(text: str, path: str) -> str:
    sample = text[:65536]
    if sample and len(_BINARY_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise InputError(
            path, "fichier binaire, pas du texte", "formats lus : .md, .txt, .html, .pdf, .docx", code="binary"
        )
    return text


NFC = "unicode:nfc"  # Repair.kind of letters stored decomposed (NFD), recomposed
INVISIBLE = "unicode:invisible"  # Repair.kind of invisible characters removed from inside the text

# Characters that show nothing and that no French text needs: zero-width space, word joiner, BOM
# (inside the text: a leading one is taken by the decoder), soft hyphen, left-to-right and
# right-to-left marks. The zero-width joiner and non-joiner are kept: emoji sequences need them.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u200e\u200f]")


def normalise_characters(text: str) -> str:
    """The text with its letters composed (NFC: "e" + U+0301 becomes "é") and without the invisible
    characters of `_INVISIBLE`; line breaks are never touched, so lines keep their numbers."""
    return unicodedata.normalize("NFC", _INVISIBLE.sub("", text))


def repair(text: str) -> RepairResult:
    """Repairs a text (`_repair_once`) until nothing changes, at most three passes: a text holding
    two mojibakes (Mac Roman words and Windows-1252 words) gets one repaired a pass, and a repair
    must be idempotent. The spans are then those between the text and the last pass's.

    >>> repair("pr√©sentation lâ€™Ã‰tat").text
    'présentation l’État'
    """
    result = _repair_once(text)
    for _ in range(2):
        again = _repair_once(result.text)
        if again.text == result.text:
            break
        spans = diff_spans(text, again.text)
        for span in spans:
            span.kind = _kind(span.before, span.after)
        explanations = [e for e in (result.explanation, again.explanation) if e]
        result = RepairResult(text=again.text, spans=spans, explanation=" ; ".join(dict.fromkeys(explanations)) or None)
    return result


def _repair_once(text: str) -> RepairResult:
    """Repairs mojibake in a whole text, then composes its decomposed letters and removes its
    invisible characters (`normalise_characters`), so that no rule reads "re re" in an NFD
    "répétitif" nor misses a word cut by U+FEFF. Each change is a span whose kind says which
    repair made it. Clean text comes back unchanged (same object content)."""
    fixed, steps = ftfy.fix_encoding_and_explain(text)
    normal = normalise_characters(fixed)
    if normal == text:
        return RepairResult(text=text)
    spans = _character_spans(text, normal) if fixed == text else None
    if spans is None:  # mojibake too: the spans are found by aligning the two texts
        spans = diff_spans(text, normal)
        for span in spans:
            span.kind = _kind(span.before, span.after)
        kept = [s for s in spans if s.kind != "mojibake" or _reads_as_french(s.after)]
        if len(kept) < len(spans):  # "12 €Ä" is no mojibake of "12 ۀ": those spans are left as written
            normal, spans = _apply(text, kept)
            if normal == text:
                return RepairResult(text=text)
            if not any(s.kind == "mojibake" for s in spans):
                fixed = text
    explanation = _explain(steps) if fixed != text else None
    return RepairResult(text=normal, spans=spans, explanation=explanation)


def _reads_as_french(after: str) -> bool:
    """Whether a repaired span can be what a French text meant: the letters of French and of Latin-1
    (names: ñ, ø, ß), digits, punctuation, spaces, symbols (€, emoji) and the joiners of emoji
    sequences; not a letter of another script or of Latin Extended ("Ä€" would give "Ā"), a control
    or an unassigned character. ftfy reads any text as mojibake when its bytes happen to be UTF-8 in
    some encoding: "€Ä" is the Mac Roman reading of the UTF-8 of "ۀ", an Arabic letter no French
    page meant.

    >>> _reads_as_french("é"), _reads_as_french("💰"), _reads_as_french("ۀ")
    (True, True, False)
    """
    for char in after:
        category = unicodedata.category(char)
        if category[0] in "PSZ" or char in "\n\r\t" or char in _FRENCH or char in "ʼ":
            continue
        if category[0] in "LN" and char <= "\u00ff":  # ASCII and Latin-1 letters (ñ, ø, ß of names), digits
            continue
        if char in "\u200d\ufe0f\ufe0e\u20e3" or (category == "Mn" and "\u0300" <= char <= "\u036f"):
            continue
        return False
    return True


def _apply(text: str, spans: list[RepairSpan]) -> tuple[str, list[RepairSpan]]:
    """The text with only these spans' repairs, and the spans with their offsets in that text."""
    out: list[str] = []
    placed: list[RepairSpan] = []
    at = shift = 0
    for span in sorted(spans, key=lambda s: s.orig_start):
        out.append(text[at : span.orig_start] + span.after)
        start = span.orig_start + shift
        end = start + len(span.after)
        placed.append(RepairSpan(start, end, span.orig_start, span.orig_end, span.before, span.after, span.kind))
        shift += len(span.after) - (span.orig_end - span.orig_start)
        at = span.orig_end
    out.append(text[at:])
    return "".join(out), placed


_DECOMPOSED = re.compile(r"[^\W\d_]?[\u0300-\u036f]+")


def _character_spans(text: str, normal: str) -> list[RepairSpan] | None:
    r"""The spans of `normalise_characters` alone, found where they are (each invisible character,
    each letter with its combining marks) instead of by aligning the texts, which pairs the wrong
    lines when many lines change (lines of zero-width spaces); None if they do not give `normal`.

    >>> [(s.orig_start, s.orig_end, s.start, s.end, s.kind) for s in _character_spans("a​b é", "ab é")]
    [(1, 2, 1, 1, 'unicode:invisible'), (4, 6, 3, 4, 'unicode:nfc')]
    """
    found: list[tuple[int, int, str, str]] = []  # original start, end, after, kind
    for match in _INVISIBLE.finditer(text):
        found.append((match.start(), match.end(), "", INVISIBLE))
    for match in _DECOMPOSED.finditer(text):
        composed = unicodedata.normalize("NFC", _INVISIBLE.sub("", match.group(0)))
        if composed != match.group(0):
            found.append((match.start(), match.end(), composed, NFC))
    found.sort()
    spans: list[RepairSpan] = []
    out: list[str] = []
    at = shift = 0
    for start, end, after, kind in found:
        if start < at:
            return None  # overlapping (an invisible character among combining marks): align instead
        out.append(text[at:start] + after)
        spans.append(RepairSpan(start + shift, start + shift + len(after), start, end, text[start:end], after, kind))
        shift += len(after) - (end - start)
        at = end
    out.append(text[at:])
    return spans if "".join(out) == normal else None


def _kind(before: str, after: str) -> str:
    """Which repair explains a span: removing invisible characters, composing letters, or mojibake."""
    if _INVISIBLE.sub("", before) == after:
        return INVISIBLE
    if unicodedata.normalize("NFC", before) == after and not unicodedata.is_normalized("NFC", before):
        return NFC
    return "mojibake"


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
    for opcode in Levenshtein.opcodes(a, b):
        op, a0, a1, b0, b1 = opcode.tag, opcode.src_start, opcode.src_end, opcode.dest_start, opcode.dest_end
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


DECODING = "decoding"  # Repair.kind prefix of the characters of a foreign line: "decoding:cp1252"


def decoding_spans(text: str, spans: list[RepairSpan], foreign: list[ForeignLine]) -> list[tuple[RepairSpan, str]]:
    """The characters of the foreign lines of `text` (the decoded text, line breaks normalised to
    LF) that a UTF-8 reader cannot read, each as a span of its own with the Repair kind to give it
    ("decoding:cp1252"): `before` is the U+FFFD such a reader shows, `after` the character as
    decoded, so that the lengths, hence every line and column, stay those of the original. For a
    line decoded as UTF-8 with its bad bytes replaced, the spans are those U+FFFD. `spans` are the
    mojibake repairs of `text`: offsets are shifted by them, and a character they changed is left
    to them."""
    if not foreign:
        return []
    lines = {f.line: f.encoding for f in foreign}
    ordered = sorted(spans, key=lambda s: s.orig_start)
    out: list[tuple[RepairSpan, str]] = []
    shift, i, pos = 0, 0, 0
    for number, line in enumerate(text.split("\n"), start=1):
        encoding = lines.get(number)
        if encoding is not None:
            for col, char in enumerate(line):
                if char.isascii() or (encoding == "utf-8" and char != "\ufffd"):
                    continue
                at = pos + col
                while i < len(ordered) and ordered[i].orig_end <= at:
                    shift += len(ordered[i].after) - len(ordered[i].before)
                    i += 1
                if i < len(ordered) and ordered[i].orig_start <= at < ordered[i].orig_end:
                    continue
                span = RepairSpan(at + shift, at + shift + 1, at, at + 1, before="\ufffd", after=char)
                out.append((span, f"{DECODING}:{encoding}"))
        pos += len(line) + 1
    return out


def encoding_name(codec: str) -> str:
    """'Windows-1252' for 'cp1252': the name an editor knows."""
    return _ENCODING_NAMES.get(codec.lower().replace("_", "-"), codec)


# Sequences that are typical of UTF-8 read in a single-byte encoding and that ftfy could not
# repair (for instance because the text mixes several encodings, or a byte was lost).
_RESIDUAL = re.compile(
    r"(?:√[©®†¢¥¨´∂ß≠§]|‚Ä[ôúùîìò¶¢]|Ã[©¨¢ª®´¹§¯«´¼±¶]|Ã\u00a0|â€[™œ\u009d˜“”¦]|Â[\u00a0«»°·]"
    r"|ðŸ|üí|üé|üì|üö|üõ|ü§|Ô∏è|\ufffd)"
)


def residual_mojibake(text: str) -> list[re.Match[str]]:
    """Mojibake-looking sequences left in a (repaired) text."""
    return list(_RESIDUAL.finditer(text))
