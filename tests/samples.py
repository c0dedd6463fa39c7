"""Small documents generated on the fly for tests (no binary fixtures in the repository)."""

from __future__ import annotations


def minimal_pdf(texts: list[str | None] | None = None, *, encrypted: bool = False) -> bytes:
    """A valid PDF with one page per entry of `texts` (None = a blank page, no text layer).
    With `encrypted`, the trailer names a Standard security handler whose password is not empty."""
    texts = texts if texts is not None else ["Bilan 2024 : 5 869 442 euros"]
    objects: list[bytes] = []
    n_pages = len(texts)
    font_id = 3 + 2 * n_pages
    page_ids = [3 + 2 * i for i in range(n_pages)]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, text in enumerate(texts):
        content_id = page_ids[i] + 1
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        stream = b"" if text is None else f"BT /F1 18 Tf 72 700 Td ({text}) Tj ET".encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    encrypt_id = None
    if encrypted:
        objects.append(
            b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <" + b"41" * 32 + b"> /U <" + b"42" * 32 + b"> >>"
        )
        encrypt_id = len(objects)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R"
    if encrypt_id:
        trailer += f" /Encrypt {encrypt_id} 0 R /ID [<{'0' * 32}> <{'0' * 32}>]"
    out += f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
