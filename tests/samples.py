"""Small documents generated on the fly for tests (no binary fixtures in the repository)."""

from __future__ import annotations

import hashlib
import struct


def pdf_file(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF file from its numbered objects (1..n), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def stream(content: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


def one_page_pdf(content: bytes | None, trailer: bytes = b"", extra: list[bytes] | None = None) -> bytes:
    """Catalog, pages, one A4 page (with a Helvetica font) and, if given, its content stream."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
    page += b" /Contents 4 0 R >>" if content is not None else b" >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page,
        stream(content or b""),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    return pdf_file(objects + (extra or []), trailer)


def rc4(key: bytes, data: bytes) -> bytes:
    box = list(range(256))
    j = 0
    for i in range(256):
        j = (j + box[i] + key[i % len(key)]) % 256
        box[i], box[j] = box[j], box[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + box[i]) % 256
        box[i], box[j] = box[j], box[i]
        out.append(byte ^ box[(box[i] + box[j]) % 256])
    return bytes(out)


def encrypted_pdf(user_password: bytes) -> bytes:
    """A one-page PDF protected by a user password: standard security handler, revision 2
    (40-bit RC4), computed as in the PDF 1.4 reference (algorithms 3.1 to 3.4)."""
    pad = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
    owner = rc4(hashlib.md5((b"owner" + pad)[:32]).digest()[:5], (user_password + pad)[:32])
    permissions = -44
    file_id = hashlib.md5(b"factcheck test").digest()
    key = hashlib.md5((user_password + pad)[:32] + owner + struct.pack("<i", permissions) + file_id).digest()[:5]
    user = rc4(key, pad)
    object_key = hashlib.md5(key + struct.pack("<i", 4)[:3] + b"\x00\x00").digest()[:10]
    content = rc4(object_key, b"BT /F1 24 Tf 72 720 Td (Rapport confidentiel 1 200) Tj ET")
    encrypt = (
        b"<< /Filter /Standard /V 1 /R 2 /O <"
        + owner.hex().encode()
        + b"> /U <"
        + user.hex().encode()
        + b"> /P %d >>" % permissions
    )
    trailer = b"/Encrypt 6 0 R /ID [<" + file_id.hex().encode() + b"> <" + file_id.hex().encode() + b">] "
    return one_page_pdf(content, trailer, extra=[encrypt])


def text_pdf(texts: list[str | None] | None = None) -> bytes:
    """A valid PDF with one page per entry of `texts` (None = a blank page, no text layer)."""
    texts = texts if texts is not None else ["Bilan 2024 : 5 869 442 euros"]
    return lines_pdf([None if t is None else [t] for t in texts], size=18, top=700)


def lines_pdf(pages: list[list[str] | None], size: int = 12, top: int = 740, step: int = 30) -> bytes:
    """A valid PDF whose pages each show these lines (latin-1), one under the other (None = a blank
    page, no text layer)."""
    n = len(pages)
    font = 3 + 2 * n
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n)).encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n]
    for i, lines in enumerate(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + 2 * i, font)
        )
        shown = [f"BT /F1 {size} Tf 72 {top - step * j} Td ({t}) Tj ET" for j, t in enumerate(lines or [])]
        objects.append(stream("\n".join(shown).encode("latin-1")))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return pdf_file(objects)


# -- hostile files (issue 7): small on disk, huge or deep once read -----------------------------------


def bomb_pdf(megabytes: int = 400) -> bytes:
    """One page whose content stream inflates from about 0.4 MB to `megabytes` MB of spaces."""
    import zlib

    packed = zlib.compress(b" " * (megabytes * 1_000_000), 9)
    content = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    return _with_stream(content)


def _with_stream(content_object: bytes) -> bytes:
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page + b" /Contents 4 0 R >>",
        content_object,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    return pdf_file(objects)


def nested_pdf(depth: int = 100_000) -> bytes:
    """A page whose resources nest `depth` arrays deep."""
    deep = b"[" * depth + b"]" * depth
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Deep " + deep + b" /Contents 4 0 R >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page,
        stream(b"BT /F1 12 Tf 72 700 Td (12 services) Tj ET"),
    ]
    return pdf_file(objects)


def many_pages_pdf(pages: int = 10_000) -> bytes:
    """`pages` pages sharing one content stream: a few hundred KB."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        stream(b"BT /F1 12 Tf 72 700 Td (Page : 12 services) Tj ET"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R"
    objects += [page + b" /Resources << /Font << /F1 4 0 R >> >> >>"] * pages
    return pdf_file(objects)


def zip_bomb_docx(megabytes: int = 1_000) -> bytes:
    """A DOCX whose word/document.xml inflates to `megabytes` MB (written in chunks)."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b" " * 1_000_000
            for _ in range(megabytes):
                member.write(chunk)
    return out.getvalue()


def yaml_bomb_markdown(levels: int = 9) -> bytes:
    """Front matter whose aliases expand 9^levels times (the "billion laughs")."""
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return ("---\n" + "\n".join(lines) + "\n---\n\n12 services.\n").encode()
