"""How far a PDF's streams inflate, measured before PDFium sees the file.

PDFium aborts the whole process when an allocation fails (under the CLI's address-space cap),
where pdfminer raised MemoryError: a content stream that inflates to gigabytes (a decompression
bomb of a few hundred KB) must be refused before PDFium decodes it. Every stream, whatever its
type (one whose dictionary says `/Subtype /Image` may still be a page's content), is decoded here
through its filter chain, chunk by chunk, its output counted and thrown away. Its dictionary is
read as a PDF reader reads it: comments dropped (also between `>>` and `stream`), names written
with `#xx` escapes decoded (`/Flate#44ecode` is `/FlateDecode`). What this misses still cannot
end the run: the PDF is read in a child process (`extractor/ingest/pdf/__init__.py`).

- Flate (zlib), chained any number of times up to MAX_CHAIN, after ASCIIHex / ASCII85 (which
  do not inflate), LZW and RunLength (decoded by small decoders, rare in files of this century);
- a filter given by reference (`/Filter 7 0 R`) is taken for Flate: if the data is not zlib, it
  fails at once and counts nothing;
- a stream is refused beyond MAX_INFLATED_STREAM bytes, a document beyond MAX_INFLATED_TOTAL.

Damaged data counts what it gave before the damage: PDFium reports (or tolerates) it itself.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Iterator

from extractor.ingest import limits

# A page's content stream decoded beyond MAX_INFLATED_STREAM is refused: the largest in real
# documents are a few MB, and PDFium needs several times a content stream's size to parse it.
# MAX_INFLATED_TOTAL bounds them all together (PDFium decodes a page's streams as it reads it).
MAX_INFLATED_STREAM = limits.MAX_PDF_STREAM_BYTES
MAX_INFLATED_TOTAL = limits.MAX_PDF_INFLATED_BYTES
MAX_CHAIN = 8  # filters applied one after the other to one stream
_CHUNK = 1 << 20
_HEADER_WINDOW = 64 * 1024  # how far before `stream` its object header ("12 0 obj") is looked for

# `>>`, then white space and comments (a comment runs to the end of its line), then the keyword.
_STREAM = re.compile(rb">>(?:[\0\t\n\f\r ]|%[^\r\n]*+)*+stream(?![^\0\t\n\f\r ()<>\[\]{}/%])")
_EOL = re.compile(rb"\r\n|\n|\r")
# A name (`/FlateDecode`), whose bytes may be written `#xx` (`/Flate#44ecode`): PDF 1.7 §7.3.5.
_NAME = re.compile(rb"/[^\0\t\n\f\r ()<>\[\]{}/%]*")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_COMMENT = re.compile(rb"%[^\r\n]*")
_HEADER = re.compile(rb"\d+\s+\d+\s+obj\b")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+|\d+\s+\d+\s+R)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_NAME_OR_REF = re.compile(rb"/([A-Za-z0-9]+)|\d+\s+\d+\s+R")

_FLATE = frozenset({b"FlateDecode", b"Fl", b"ref"})
_TEXTUAL = frozenset({b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85"})
_LZW = frozenset({b"LZWDecode", b"LZW"})
_RUN_LENGTH = frozenset({b"RunLengthDecode", b"RL"})


class TooLarge(Exception):
    """A stream, or all of them, inflate beyond the limits."""


def check_streams(data: bytes) -> None:
    """Raises TooLarge if a stream PDFium would decode to read text inflates beyond the limits.

    A stream whose filters cannot inflate it beyond MAX_INFLATED_STREAM (`_bound`: Flate gives
    at most 1,032 bytes a byte) is counted at that bound without being decoded; if the bounds
    and the decoded sizes together exceed MAX_INFLATED_TOTAL, the bounded streams are decoded
    too and the exact total is compared instead."""
    bounded: list[tuple[int, int, list[bytes]]] = []  # the streams counted at their bound
    total = exact = 0  # all of them (bounds included), the decoded ones
    for start, end, filters in _streams(data):
        bound = _bound(end - start, filters)
        if bound is not None and bound <= MAX_INFLATED_STREAM:
            bounded.append((start, end, filters))
            total += bound
            continue
        size = _decoded_size(data, start, end, filters)
        total += size
        exact += size
        if size > MAX_INFLATED_STREAM or exact > MAX_INFLATED_TOTAL:
            raise TooLarge()
    if total > MAX_INFLATED_TOTAL:  # the bounds are too many together: the bounded ones decoded
        for start, end, filters in bounded:
            exact += _decoded_size(data, start, end, filters)
            if exact > MAX_INFLATED_TOTAL:
                raise TooLarge()


def _streams(data: bytes) -> Iterator[tuple[int, int, list[bytes]]]:
    """(start, end, filters) of each stream, whatever its type: a dictionary that says
    `/Subtype /Image` may still be a page's content, which PDFium decodes. Raises TooLarge for a
    chain of more than MAX_CHAIN filters."""
    for match in _STREAM.finditer(data):
        head = plain(_dictionary(data, match.start()))
        found = _FILTER.search(head)
        if found is None:
            continue
        filters = [m.group(1) or b"ref" for m in _NAME_OR_REF.finditer(found.group(1))]
        if not filters:
            continue
        if len(filters) > MAX_CHAIN:
            raise TooLarge()
        length = _LENGTH.search(head)
        eol = _EOL.match(data, match.end())
        start = eol.end() if eol else match.end()
        end = start + int(length.group(1)) if length else data.find(b"endstream", start)
        end = end if start < end <= len(data) else len(data)
        yield start, end, filters


# The most a filter can inflate its input, in bytes out per byte in: Flate's longest match (258
# bytes) costs at least two bits, 1,032 to 1 (zlib's FAQ), rounded up; ASCII85's "z" stands for
# four zero bytes; ASCIIHex halves. LZW and RunLength are decoded (they are rare).
_FLATE_RATIO = 1_040
_ASCII85_RATIO = 4


def _bound(length: int, filters: list[bytes]) -> int | None:
    """The most bytes the filter chain can give for `length` bytes (as `_decoded_size` counts
    them: the chain stops at a filter PDFium does not decode to read text), None if the chain has
    LZW or RunLength."""
    bound = length
    for name in filters:
        if name in _FLATE:
            bound *= _FLATE_RATIO
        elif name in (b"ASCII85Decode", b"A85"):
            bound *= _ASCII85_RATIO
        elif name in _TEXTUAL:
            pass  # ASCIIHex: two digits a byte
        elif name in _LZW or name in _RUN_LENGTH:
            return None
        else:
            break  # an image filter, or one PDFium decodes only to draw: counted as it is
    return bound


def plain(head: bytes) -> bytes:
    """A stream's dictionary as the filters' regexes read it: comments dropped (a `%` inside a
    string is taken for a comment too: the dictionary then reads shorter, which only hides
    what follows it on that line) and names written with `#xx` escapes decoded."""
    if b"%" in head:
        head = _COMMENT.sub(b" ", head)
    if b"#" in head:
        head = _NAME.sub(lambda name: _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name.group(0)), head)
    return head


def _dictionary(data: bytes, stream_at: int) -> bytes:
    """The text from the stream's object header to its `stream` keyword (the whole prefix if no
    header is found: more text, never less)."""
    for window in (1024, _HEADER_WINDOW, stream_at):
        start = max(0, stream_at - window)
        end = _last_header_end(data, start, stream_at)
        if end is not None:
            return data[end:stream_at]
        if start == 0:
            break
    return data[:stream_at]


_HEADER_TAIL = re.compile(rb"\d\s+\d+\s+\Z")  # "12 0 " just before "obj"
_DIGITS_AND_SPACES = re.compile(rb"[\d\s]*\Z")
_WORD_BYTE = re.compile(rb"\w")
_TAIL_WINDOW = 64  # how far before "obj" its two numbers are looked for first
_MAX_CANDIDATES = 16  # "obj" words looked at from the end before scanning the window forwards


def _last_header_end(data: bytes, start: int, end: int) -> int | None:
    """Where the last object header ("12 0 obj") wholly inside data[start:end] ends, or None: the
    end of `_HEADER`'s last match there, found from the last "obj" backwards."""
    at = data.rfind(b"obj", start, end)
    for _ in range(_MAX_CANDIDATES):
        if at == -1:
            return None
        after = at + 3
        if after == end or not _WORD_BYTE.match(data, after):  # "obj" is a whole word
            low = max(start, at - _TAIL_WINDOW)
            if _HEADER_TAIL.search(data, low, at):
                return after
            if low > start and _DIGITS_AND_SPACES.match(data, low, at):
                return _slow_header_end(data, start, end)  # numbers longer than the window: rare
        at = data.rfind(b"obj", start, at + 2)
    return _slow_header_end(data, start, end)  # "obj" written many times: the regex's own pace


def _slow_header_end(data: bytes, start: int, end: int) -> int | None:
    last = None
    for last in _HEADER.finditer(data, start, end):  # noqa: B007  (the last one is kept)
        pass
    return last.end() if last is not None else None


def _decoded_size(data: bytes, start: int, end: int, filters: list[bytes]) -> int:
    """Bytes the filter chain gives for data[start:end], counted up to a little beyond
    MAX_INFLATED_STREAM."""
    raw = data[start:end]
    for index, name in enumerate(filters):
        if name in _TEXTUAL:
            raw = _textual(raw, name)  # does not inflate: decoded whole
        elif name in _FLATE:
            return _flate_size(raw, filters[index:])
        elif name in _LZW:
            return _counted(_lzw(raw), filters[index + 1 :])
        elif name in _RUN_LENGTH:
            return _counted(_run_length(raw), filters[index + 1 :])
        else:
            return len(raw)  # an image filter, or one PDFium decodes only to draw
    return len(raw)


def _textual(raw: bytes, name: bytes) -> bytes:
    try:
        if name in (b"ASCIIHexDecode", b"AHx"):
            digits = re.sub(rb"\s", b"", raw.split(b">", 1)[0])
            return binascii.unhexlify(digits + b"0" * (len(digits) % 2))
        body = re.sub(rb"\s", b"", raw.split(b"~>", 1)[0])
        return base64.a85decode(body.removeprefix(b"<~"))
    except (ValueError, binascii.Error):
        return b""


def _chunks(raw: bytes) -> Iterator[bytes]:
    for pos in range(0, len(raw), _CHUNK):
        yield raw[pos : pos + _CHUNK]


def _flate_size(raw: bytes, filters: list[bytes]) -> int:
    """Bytes a chain of Flate filters (then others) gives for `raw`."""
    return _counted(_chunks(raw), filters)


def _counted(chunks: Iterator[bytes], filters: list[bytes]) -> int:
    """Bytes the rest of a filter chain gives for a stream of chunks: Flate filters are applied
    one after the other, chunk by chunk; what follows another filter is counted as it is."""
    size = 0
    flate = 0
    for name in filters:
        if name not in _FLATE:
            break
        flate += 1
    decoders = [zlib.decompressobj() for _ in range(flate)]

    def feed(level: int, chunk: bytes) -> None:
        nonlocal size
        if level == len(decoders):
            size += len(chunk)
            return
        decoder = decoders[level]
        while chunk and size <= MAX_INFLATED_STREAM and not decoder.eof:
            out = decoder.decompress(chunk, _CHUNK)
            chunk = decoder.unconsumed_tail
            feed(level + 1, out)
            if not out:
                break

    try:
        for chunk in chunks:
            if size > MAX_INFLATED_STREAM or (decoders and decoders[0].eof):
                break
            feed(0, chunk)
    except zlib.error:
        pass  # damaged: what it gave so far
    return size


def _lzw(raw: bytes) -> Iterator[bytes]:
    """The LZW-decoded stream (PDF's variant: codes of 9 to 12 bits, early change), in chunks;
    stops after MAX_INFLATED_STREAM bytes."""
    table: list[bytes] = [bytes([i]) for i in range(256)] + [b"", b""]
    width, bits, buffer = 9, 0, 0
    previous = b""
    out = bytearray()
    produced = 0
    for byte in raw:
        buffer = (buffer << 8) | byte
        bits += 8
        while bits >= width:
            bits -= width
            code = (buffer >> bits) & ((1 << width) - 1)
            if code == 256:  # clear
                del table[258:]
                width, previous = 9, b""
                continue
            if code == 257:  # end of data
                yield bytes(out)
                return
            if code < len(table):
                entry = table[code]
                if previous:
                    table.append(previous + entry[:1])
            elif previous:
                entry = previous + previous[:1]
                table.append(entry)
            else:
                yield bytes(out)
                return  # damaged
            out += entry
            previous = entry
            if len(table) + 1 >= (1 << width) and width < 12:
                width += 1
            if len(out) >= _CHUNK:
                produced += len(out)
                yield bytes(out)
                out.clear()
                if produced > MAX_INFLATED_STREAM:
                    return
    yield bytes(out)


def _run_length(raw: bytes) -> Iterator[bytes]:
    """The RunLength-decoded stream, in chunks; stops after MAX_INFLATED_STREAM bytes."""
    out = bytearray()
    produced = 0
    pos = 0
    while pos < len(raw):
        length = raw[pos]
        if length == 128:
            break
        if length < 128:
            out += raw[pos + 1 : pos + 2 + length]
            pos += 2 + length
        else:
            out += raw[pos + 1 : pos + 2] * (257 - length)
            pos += 2
        if len(out) >= _CHUNK:
            produced += len(out)
            yield bytes(out)
            out.clear()
            if produced > MAX_INFLATED_STREAM:
                return
    yield bytes(out)
