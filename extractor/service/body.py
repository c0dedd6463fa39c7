"""Request bodies read in memory (docs/service.md: uploads are never written to disk).

Starlette's form parser spools an uploaded file of more than 1 MB to a temporary file; the service
reads the whole body first (within its size limit), so it parses the form from that memory with a
spool as large as the body: nothing is written to disk.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from urllib.parse import parse_qsl

from starlette.datastructures import FormData, Headers
from starlette.formparsers import MultiPartException, MultiPartParser

from extractor.service.work import ServiceError


async def _once(data: bytes) -> AsyncGenerator[bytes, None]:
    yield data


async def parse_form(headers: Headers, data: bytes, max_part_size: int = 64_000) -> FormData:
    """The multipart form of `data`, every part in memory; a malformed form is a 400 `invalid_form`.
    `max_part_size`: the largest field that is not a file (LanguageTool's `text` is such a field)."""

    class InMemory(MultiPartParser):
        spool_max_size = len(data) + 1  # a part never rolls over to a temporary file

    try:
        return await InMemory(headers, _once(data), max_files=4, max_fields=16, max_part_size=max_part_size).parse()
    except MultiPartException as exc:
        raise ServiceError(400, "invalid_form", f"formulaire multipart mal formé ({exc.message})") from None


def parse_urlencoded(data: bytes, max_fields: int = 64) -> dict[str, str]:
    """The fields of an application/x-www-form-urlencoded body (the first of a repeated name); a
    body that is not one is a 400 `invalid_form`."""
    try:
        pairs = parse_qsl(data.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict",
                          max_num_fields=max_fields)  # fmt: skip
    except UnicodeDecodeError:
        raise ServiceError(400, "invalid_form", "formulaire mal formé : texte qui n'est pas de l'UTF-8") from None
    except ValueError:
        raise ServiceError(400, "invalid_form", f"formulaire mal formé : plus de {max_fields} champs") from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields
