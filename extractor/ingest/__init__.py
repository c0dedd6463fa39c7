"""ingest: bytes of any supported format -> one `Document` (DESIGN §2).

Text formats are decoded (encoding detected) and repaired (mojibake) before their reader runs,
so every reader sees clean text and every block can still point at the original bytes.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from extractor.errors import InputError
from extractor.ingest import limits
from extractor.ingest.frontmatter import has_front_matter, is_page_without_extension
from extractor.ingest.repair import ForeignLine, decode_file, decoding_spans
from extractor.ingest.repair import repair as repair_text
from extractor.ingest.structure import french_count, too_many_cells
from extractor.ingest.textmap import LineIndex
from extractor.models import Document, DocumentFormat, Location, Repair

# A reader turns one format into a Document. A *text* reader gets the document already decoded and
# repaired (its `text` and `repairs` set) and fills its blocks; a *binary* reader (PDF, DOCX) gets
# the file's bytes. Readers are named "module:function" and imported on first use, so that a run
# over Markdown never imports the PDF library. A new format is one module and one registration.
TextReader = Callable[[Document], Document]
BinaryReader = Callable[[bytes, str, int], Document]


@dataclass(frozen=True)
class Reader:
    format: DocumentFormat
    target: str = field(repr=False)  # "package.module:function"
    binary: bool = False

    def load(self) -> Callable[..., Document]:
        module, _, function = self.target.partition(":")
        return cast(Callable[..., Document], getattr(importlib.import_module(module), function))


READERS: dict[str, Reader] = {}  # by extension
FORMATS: dict[str, DocumentFormat] = {}  # extension -> format name


def register_reader(suffixes: Iterable[str], fmt: DocumentFormat, target: str, *, binary: bool = False) -> None:
    """Makes `factcheck` read files of these extensions with `target` ("module:function"): a text
    reader `(Document) -> Document`, or with `binary`, `(data, path, max_pages) -> Document`."""
    reader = Reader(fmt, target, binary)
    for suffix in suffixes:
        READERS[suffix.lower()] = reader
        FORMATS[suffix.lower()] = fmt


def _read_docx(data: bytes, path: str, max_pages: int) -> Document:
    from extractor.ingest.docx import read_docx

    if not data:
        raise InputError(path, "le fichier est vide", code="empty")
    digest = hashlib.sha256(data).hexdigest()
    return read_docx(data, Document(id=digest[:16], path=path, format="docx", sha256=digest, text=""))


def _read_pdf(data: bytes, path: str, max_pages: int) -> Document:
    from extractor.ingest.pdf import read_pdf

    return read_pdf(data, path, max_pages=max_pages)


register_reader([".md", ".markdown"], "markdown", "extractor.ingest.markdown:read_markdown")
register_reader([".txt", ".text"], "text", "extractor.ingest.text:read_text")
register_reader([".html", ".htm"], "html", "extractor.ingest.html:read_html")
register_reader([".pdf"], "pdf", "extractor.ingest:_read_pdf", binary=True)
register_reader([".docx"], "docx", "extractor.ingest:_read_docx", binary=True)
UNSUPPORTED_HINTS = {
    ".doc": "enregistrer le document au format .docx",
    ".odt": "enregistrer le document au format .docx ou exporter en PDF",
    ".rtf": "enregistrer le document au format .docx",
    ".pptx": "exporter la présentation en PDF",
    ".ppt": "exporter la présentation en PDF",
}
SUPPORTED = "formats lus : .md, .txt, .html, .pdf, .docx"  # (and those registered with register_reader)
MAX_BYTES = limits.MAX_FILE_BYTES  # a report larger than this is not a report


def detect_format(path: str, data: bytes | None = None) -> DocumentFormat:
    """The reader to use for a file: by extension, with a look at the content for ambiguous cases
    (a file without extension that begins with a front matter is Markdown, as Jekyll reads it)."""
    suffix = Path(path).suffix.lower()
    if not suffix and data is not None and has_front_matter(data):
        return "markdown"
    fmt = FORMATS.get(suffix)
    if fmt is None:
        hint = UNSUPPORTED_HINTS.get(suffix, SUPPORTED)
        what = f"extension « {suffix} » non prise en charge" if suffix else "fichier sans extension"
        raise InputError(path, what, hint, code="unsupported")
    if fmt == "text" and data is not None and data.lstrip(b"\xef\xbb\xbf").startswith(b"---"):
        return "markdown"  # a Jekyll page saved as .txt: YAML front matter then Markdown
    return fmt


def read_bytes(
    data: bytes, path: str, fmt: DocumentFormat | None = None, *, max_pages: int = limits.MAX_PDF_PAGES
) -> Document:
    """Reads a document from memory. `path` names it in locations and messages."""
    fmt = fmt or detect_format(path, data)
    if len(data) > MAX_BYTES:
        raise _too_large(path, len(data))
    digest = hashlib.sha256(data).hexdigest()
    reader = next((r for r in READERS.values() if r.format == fmt), None)
    if reader is None:
        raise InputError(path, f"format inconnu : {fmt}", SUPPORTED, code="unsupported")
    if reader.binary:
        doc = cast(BinaryReader, reader.load())(data, path, max_pages)
        _check_contents(doc.text, path)
        cells = sum(1 for block in doc.blocks if block.kind == "table_cell")
        if cells > limits.MAX_TABLE_CELLS:
            raise too_many_cells(path, cells)
        return doc
    decoded = decode_file(data, path)
    if len(decoded.text) > limits.MAX_TEXT_CHARS:
        limit = french_count(limits.MAX_TEXT_CHARS)
        raise InputError(
            path,
            f"texte de {french_count(len(decoded.text))} caractères : au-delà de la limite de {limit} caractères",
            "découper le document en plusieurs fichiers",
            code="too_large",
        )
    _check_contents(decoded.text, path)
    # One line break, "\n": CRLF and CR files keep their line numbers and columns, and every reader
    # (markdown-it normalises them too) counts lines the same way.
    raw = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    doc = _repaired_document(raw, path, fmt, digest, decoded.encoding, decoded.foreign_lines)
    return cast(TextReader, reader.load())(doc)


_DIGITS = re.compile(r"\d+")


def _check_contents(text: str, path: str) -> None:
    """Refuses a text with more than MAX_NUMBERS runs of digits (each becomes a figure that every
    rule looks at: two million of them gave no answer in a minute)."""
    numbers = sum(1 for _ in _DIGITS.finditer(text))  # a text has at most MAX_TEXT_CHARS here: 0.2 s
    if numbers > limits.MAX_NUMBERS:
        raise InputError(
            path,
            f"{french_count(numbers)} nombres : au-delà de la limite de {french_count(limits.MAX_NUMBERS)} nombres"
            " par document",
            "découper le document en plusieurs fichiers, ou publier ses données à part, en fichier CSV",
            code="too_complex",
        )


def _repaired_document(
    raw: str, path: str, fmt: DocumentFormat, digest: str, encoding: str, foreign: list[ForeignLine] | None = None
) -> Document:
    """The document of a decoded text, repaired. The mojibake repairs are Repairs of kind "mojibake"
    (composed letters and removed invisible characters: `repair.NFC`, `repair.INVISIBLE`);
    the characters of the lines a mostly UTF-8 file holds in another encoding (`foreign`), kind
    "decoding:<codec>", so that the encoding rules can name those lines."""
    result = repair_text(raw)
    lines = LineIndex(raw)
    repairs = []
    decoded = decoding_spans(raw, result.spans, foreign or [])
    for span, kind in sorted(
        [(s, s.kind) for s in result.spans] + decoded, key=lambda pair: (pair[0].orig_start, pair[0].start)
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


def _too_large(name: str, size: int) -> InputError:
    return InputError(
        name,
        f"fichier trop volumineux ({size / 2**20:.0f} Mo, maximum {MAX_BYTES // 2**20} Mo)",
        code="too_large",
    )


def read_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a file, or an InputError that says why not.

    Only a regular file is read (a FIFO would block forever, a device such as /dev/zero never
    ends): the file is opened without blocking, checked with fstat on that descriptor (what was
    opened, whatever a symlink pointed at), and read up to MAX_BYTES + 1 bytes, so that a file
    that grows while it is read is refused too."""
    name = str(path)
    try:
        if Path(path).is_dir():
            raise InputError(name, "c'est un dossier, pas un fichier", code="unreadable")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise InputError(
                    name,
                    f"ce n'est pas un fichier ordinaire ({_file_kind(info.st_mode)}) : il n'est pas lu",
                    "donner le chemin d'un document enregistré sur le disque",
                    code="unreadable",
                )
            if info.st_size > MAX_BYTES:
                raise _too_large(name, info.st_size)
            data = handle.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise _too_large(name, max(len(data), os.fstat(handle.fileno()).st_size))
            return data
    except FileNotFoundError as exc:
        raise InputError(name, "fichier introuvable", "vérifier le chemin", code="not_found") from exc
    except PermissionError as exc:
        raise InputError(
            name, "lecture refusée (permissions)", "vérifier les droits du fichier", code="unreadable"
        ) from exc
    except OSError as exc:
        raise InputError(name, f"lecture impossible : {exc.strerror or exc}", code="unreadable") from exc


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "tube nommé, FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "périphérique"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "fichier spécial"


def load(path: str | os.PathLike[str], *, max_pages: int = limits.MAX_PDF_PAGES, data: bytes | None = None) -> Document:
    """Reads a document from disk (never writes it). Raises InputError with a clear message.
    `data`: the file's bytes, when the caller has read them already (`read_file`)."""
    name = str(path)
    if Path(name).suffix:  # unknown extensions fail before the file is opened
        fmt = detect_format(name)
        data = read_file(path) if data is None else data
        return read_bytes(data, name, detect_format(name, data) if fmt == "text" else fmt, max_pages=max_pages)
    data = read_file(path) if data is None else data  # no extension: a page when it begins with a front matter
    return read_bytes(data, name, detect_format(name, data), max_pages=max_pages)


def collect(paths: list[str]) -> tuple[list[str], list[InputError]]:
    """Expands files and folders into the list of files to read. In folders, only supported
    formats are taken, and files without extension that begin with a front matter (pages, as Jekyll
    publishes them); README files and hidden files are skipped. A file named explicitly is always
    read, so that an unsupported one gets its error."""
    files: list[str] = []
    errors: list[InputError] = []
    for name in paths:
        p = Path(name)
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and (f.suffix.lower() in FORMATS or is_page_without_extension(f))
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
