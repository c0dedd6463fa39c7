"""ingest: bytes of any supported format -> one `Document` (DESIGN §2).

Text formats are decoded (encoding detected) and repaired (mojibake) before their reader runs,
so every reader sees clean text and every block can still point at the original bytes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from extractor.errors import InputError
from extractor.models import Document, DocumentFormat, Location, Repair
from extractor.repair import ForeignLine, decode_file, decoding_spans, repair
from extractor.textmap import LineIndex

FORMATS: dict[str, DocumentFormat] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
UNSUPPORTED_HINTS = {
    ".doc": "enregistrer le document au format .docx",
    ".odt": "enregistrer le document au format .docx ou exporter en PDF",
    ".rtf": "enregistrer le document au format .docx",
    ".pptx": "exporter la présentation en PDF",
    ".ppt": "exporter la présentation en PDF",
}
SUPPORTED = "formats lus : .md, .txt, .html, .pdf, .docx"
MAX_BYTES = 50 * 1024 * 1024  # a report larger than this is not a report


def detect_format(path: str, data: bytes | None = None) -> DocumentFormat:
    """The reader to use for a file: by extension, with a look at the content for ambiguous cases."""
    suffix = Path(path).suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        hint = UNSUPPORTED_HINTS.get(suffix, SUPPORTED)
        what = f"extension « {suffix} » non prise en charge" if suffix else "fichier sans extension"
        raise InputError(path, what, hint, code="unsupported")
    if fmt == "text" and data is not None and data.lstrip(b"\xef\xbb\xbf").startswith(b"---"):
        return "markdown"  # a Jekyll page saved as .txt: YAML front matter then Markdown
    return fmt


def read_bytes(data: bytes, path: str, fmt: DocumentFormat | None = None, *, max_pages: int = 300) -> Document:
    """Reads a document from memory. `path` names it in locations and messages."""
    fmt = fmt or detect_format(path, data)
    if len(data) > MAX_BYTES:
        raise InputError(
            path,
            f"fichier trop volumineux ({len(data) // 1_000_000} Mo, maximum {MAX_BYTES // 1_000_000} Mo)",
            code="too_large",
        )
    digest = hashlib.sha256(data).hexdigest()
    if fmt == "pdf":
        from extractor.ingest.pdf import read_pdf

        return read_pdf(data, path, max_pages=max_pages)
    if fmt == "docx":
        from extractor.ingest.docx import read_docx

        if not data:
            raise InputError(path, "le fichier est vide", code="empty")
        doc = Document(id=digest[:16], path=path, format="docx", sha256=digest, text="")
        return read_docx(data, doc)
    decoded = decode_file(data, path)
    # One line break, "\n": CRLF and CR files keep their line numbers and columns, and every reader
    # (markdown-it normalises them too) counts lines the same way.
    raw = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    doc = _repaired_document(raw, path, fmt, digest, decoded.encoding, decoded.foreign_lines)
    if fmt == "markdown":
        from extractor.ingest.markdown import read_markdown

        return read_markdown(doc)
    if fmt == "html":
        from extractor.ingest.html import read_html

        return read_html(doc)
    from extractor.ingest.text import read_text

    return read_text(doc)


def _repaired_document(
    raw: str, path: str, fmt: DocumentFormat, digest: str, encoding: str, foreign: list[ForeignLine] | None = None
) -> Document:
    """The document of a decoded text, repaired. The mojibake repairs are Repairs of kind "mojibake";
    the characters of the lines a mostly UTF-8 file holds in another encoding (`foreign`), kind
    "decoding:<codec>", so that the encoding rules can name those lines."""
    result = repair(raw)
    lines = LineIndex(raw)
    repairs = []
    decoded = decoding_spans(raw, result.spans, foreign or [])
    for span, kind in sorted(
        [(s, "mojibake") for s in result.spans] + decoded, key=lambda pair: (pair[0].orig_start, pair[0].start)
    ):
        line, col = lines.line_col(span.orig_start)
        end_line, end_col = lines.line_col(span.orig_end)
        repairs.append(
            Repair(
                location=Location(path=path, line=line, column=col, end_line=end_line, end_column=end_col),
                before=span.before,
                after=span.after,
                start=span.start,
                end=span.end,
                orig_start=span.orig_start,
                orig_end=span.orig_end,
                kind=kind,
            )
        )
    return Document(
        id=digest[:16],
        path=path,
        format=fmt,
        encoding=encoding,
        sha256=digest,
        text=result.text,
        repairs=repairs,
        repair_explanation=result.explanation,
    )


def read_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a file, or an InputError that says why not."""
    name = str(path)
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(name, "c'est un dossier, pas un fichier", code="unreadable")
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                name,
                f"fichier trop volumineux ({size // 1_000_000} Mo, maximum {MAX_BYTES // 1_000_000} Mo)",
                code="too_large",
            )
        return p.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(name, "fichier introuvable", "vérifier le chemin", code="not_found") from exc
    except PermissionError as exc:
        raise InputError(
            name, "lecture refusée (permissions)", "vérifier les droits du fichier", code="unreadable"
        ) from exc
    except OSError as exc:
        raise InputError(name, f"lecture impossible : {exc.strerror or exc}", code="unreadable") from exc


def load(path: str | os.PathLike[str], *, max_pages: int = 300) -> Document:
    """Reads a document from disk (never writes it). Raises InputError with a clear message."""
    name = str(path)
    fmt = detect_format(name)  # unknown extensions fail before the file is opened
    data = read_file(path)
    return read_bytes(data, name, detect_format(name, data) if fmt == "text" else fmt, max_pages=max_pages)


def collect(paths: list[str]) -> tuple[list[str], list[InputError]]:
    """Expands files and folders into the list of files to read. In folders, only supported
    formats are taken (README files and hidden files are skipped); a file named explicitly is
    always read, so that an unsupported one gets its error."""
    files: list[str] = []
    errors: list[InputError] = []
    for name in paths:
        p = Path(name)
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.suffix.lower() in FORMATS
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and not f.name.lower().startswith("readme")
            )
            if not found:
                errors.append(InputError(name, "aucun document lisible dans ce dossier", SUPPORTED, code="empty"))
            files.extend(str(f) for f in found)
        elif not p.exists():
            errors.append(InputError(name, "fichier introuvable", "vérifier le chemin", code="not_found"))
        else:
            files.append(name)
    return files, errors
