"""Request bodies read in memory (the README: uploads are never written to disk).

Starlette's form parser spools an uploaded file of more than 1 MB to a temporary file; the service
reads the whole body first (within its size limit), so it parses the form from that memory with a
spool as large as the body: nothing is written to disk.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from starlette.datastructures import FormData, Headers
from starlette.formparsers import MultiPartException, MultiPartParser

from extractor.service.work import ServiceError


async def _once(data: bytes) -> AsyncGenerator[bytes, None]:
    yield data


async def parse_form(headers: Headers, data: bytes) -> FormData:
    """The multipart form of `data`, every part in memory; a malformed form is a 400 `invalid_form`."""

    class InMemory(MultiPartParser):
        spool_max_size = len(data) + 1  # a part never rolls over to a temporary file

    try:
        return await InMemory(headers, _once(data), max_files=4, max_fields=16, max_part_size=64_000).parse()
    except MultiPartException as exc:
        raise ServiceError(400, "invalid_form", f"formulaire multipart mal formé ({exc.message})") from None
