"""How many pages a PDF's page tree holds, counted from its objects, not from its `/Count`.

PDFium trusts the root's `/Count`: a file that says 1 but lists 10,000 pages in `/Kids` was read
as one page, without a word. Here the tree is walked from the catalog's `/Pages` through every
`/Kids` array (each object taken at its last definition in the file, as an incremental update
writes it), and its leaves counted, up to MAX_COUNTED. Objects packed in object streams (PDF 1.5)
cannot be seen without decompressing them: when the tree reaches one, the count is unknown (None)
and PDFium's count stands.
"""

from __future__ import annotations

import re

from extractor.ingest.pdf.streams import plain

MAX_COUNTED = 100_000  # leaves counted before the walk stops ("more than")
_OBJ = re.compile(rb"obj(?![A-Za-z0-9])")  # starts with its literal: found at memchr's pace
_NUMBERS = re.compile(rb"(?<![0-9])(\d{1,10})\s+\d{1,5}\s+\Z")  # "12 0 " just before "obj"
_ROOT = re.compile(rb"/Root\s*(\d+)\s+\d+\s+R")
_PAGES = re.compile(rb"/Pages\s*(\d+)\s+\d+\s+R")
_KIDS = re.compile(rb"/Kids\s*\[([^\]]*)\]")
_REFERENCE = re.compile(rb"(\d+)\s+\d+\s+R")
_TYPE = re.compile(rb"/Type\s*/(Pages|Page)\b")
_BODY_WINDOW = 4 * 1024 * 1024  # how far after "obj" its "endobj" is looked for


def count_pages(data: bytes) -> int | None:
    """The leaves of the page tree (at most MAX_COUNTED + 1), or None when the tree cannot be
    walked (no catalog found, an object in an object stream, a damaged tree)."""
    offsets: dict[int, int] = {}  # the last definition wins
    for match in _OBJ.finditer(data):
        numbers = _NUMBERS.search(data, max(0, match.start() - 24), match.start())
        if numbers is not None:
            offsets[int(numbers.group(1))] = match.end()
    roots = _ROOT.findall(data)
    if not roots:
        return None
    catalog = _body(data, offsets, int(roots[-1]))
    found = _PAGES.search(catalog) if catalog is not None else None
    if found is None:
        return None
    leaves = 0
    pending = [int(found.group(1))]
    seen: set[int] = set()
    while pending:
        number = pending.pop()
        if number in seen:
            continue  # a loop, or a page listed twice: counted once
        seen.add(number)
        body = _body(data, offsets, number)
        if body is None:
            return None
        kids = _KIDS.search(body)
        kind = _TYPE.search(body)
        if kids is not None and (kind is None or kind.group(1) == b"Pages"):
            pending.extend(int(m.group(1)) for m in _REFERENCE.finditer(kids.group(1)))
            continue
        leaves += 1
        if leaves > MAX_COUNTED:
            break
    return leaves


def _body(data: bytes, offsets: dict[int, int], number: int) -> bytes | None:
    start = offsets.get(number)
    if start is None:
        return None
    end = data.find(b"endobj", start, start + _BODY_WINDOW)
    body = data[start : end if end != -1 else start + _BODY_WINDOW]
    stream = body.find(b"stream")
    return plain(body[:stream] if stream != -1 else body)
