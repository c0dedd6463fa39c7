"""The limits the documentation states are the limits the code enforces (issue 17, item 4).

Every number of docs/limits.md (and of the service's refusals, in docs/service.md and the commands'
table of docs/manual.md) is read from the README and docs/ and compared with its one place in code,
extractor/ingest/limits.py; then each is checked against what the code does at the limit (accepted) and one
past it (refused)."""

from __future__ import annotations

import io
import random
import re
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from extractor.errors import InputError
from extractor.ingest import limits, read_bytes, read_file
from tests import samples

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TEXT = " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in DOCS)  # the pages wrap lines anywhere
MB, GB = 1024**2, 1024**3

# limit name -> (the documentation's words, with the number as the group; its value in the code's unit)
STATED: dict[str, tuple[str, float]] = {
    "MAX_FILE_BYTES": (r"files over (\d+) MB are refused", MB),
    "MAX_PDF_PAGES": (r"PDFs over (\d+) pages", 1),
    "MAX_DOCX_INFLATED_BYTES": (r"DOCX archives that inflate beyond (\d+) MB", MB),
    "MAX_YAML_ALIASES": (r"more than (\d+) aliases", 1),
    "MAX_MARKDOWN_DEPTH": (r"Markdown nested more than (\d+) levels", 1),
    "MAX_HTML_DEPTH": (r"HTML more than (\d+)", 1),
    "DOCUMENT_SECONDS": (r"--timeout`, default (\d+) s", 1),
    "MAX_MEMORY": (r"address-space cap \((\d+) GB", GB),
    "GRACE_SECONDS": (r"interrupted after (\d+) s more", 1),
    "MAX_BLOCK_CHARS": (r"longer than ([\d,]+) characters are cut", 1),
    "MAX_TEXT_CHARS": (r"text\) over ([\d,]+) characters once decoded", 1),
    "MAX_TABLE_CELLS": (r"more than ([\d,]+) table cells", 1),
    "MAX_NUMBERS": (r"more than ([\d,]+) numbers \(runs of digits\)", 1),
    "MAX_FINDINGS_PER_RULE": (r"more than ([\d,]+) findings of one rule", 1),
    "SERVICE_TIMEOUT": (r"--timeout (\d+)\]", 1),
    "SERVICE_MAX_MB": (r"--max-mb (\d+)\]", 1),
    "SERVICE_MAX_RSS": (r"a worker over ([\d.]+) GB", 1e9),
    "SERVICE_MAX_PENDING_BYTES": (r"more than (\d+) MB of bodies", MB),
}


def stated(name: str) -> float:
    pattern, unit = STATED[name]
    found = re.search(pattern, TEXT)
    assert found, f"the README and docs/ no longer say {pattern!r}: say the limit {name}, or change this test"
    return float(found.group(1).replace(",", "")) * unit


@pytest.mark.parametrize("name", sorted(STATED))
def test_the_readme_states_the_code_limit(name: str) -> None:
    assert stated(name) == getattr(limits, name), name


def refused(data: bytes, name: str) -> InputError:
    with pytest.raises(InputError) as caught:
        read_bytes(data, name)
    return caught.value


def test_file_size(tmp_path: Path) -> None:
    at_limit, over = tmp_path / "a.txt", tmp_path / "b.txt"
    with at_limit.open("wb") as stream:
        stream.truncate(limits.MAX_FILE_BYTES)
    with over.open("wb") as stream:
        stream.truncate(limits.MAX_FILE_BYTES + 1)
    assert len(read_file(at_limit)) == limits.MAX_FILE_BYTES
    with pytest.raises(InputError) as caught:
        read_file(over)
    assert caught.value.code == "too_large" and f"maximum {limits.MAX_FILE_BYTES // MB} Mo" in caught.value.message
    error = refused(b"a" * (limits.MAX_FILE_BYTES + 1), "gros.txt")
    assert error.code == "too_large" and f"maximum {limits.MAX_FILE_BYTES // MB} Mo" in error.message


def test_pdf_pages() -> None:
    error = refused(samples.many_pages_pdf(limits.MAX_PDF_PAGES + 1), "long.pdf")
    assert error.code == "too_many_pages" and str(limits.MAX_PDF_PAGES) in error.message
    doc = read_bytes(samples.many_pages_pdf(limits.MAX_PDF_PAGES), "juste.pdf")
    assert doc.blocks


def _docx_declaring(inflated: int) -> bytes:
    """A DOCX whose archive says its members inflate to `inflated` bytes in all: a real body, and
    a stored blob of random bytes (big enough for the ratio rule) whose declared size is patched."""
    packed = limits.MAX_DOCX_INFLATED_BYTES // limits.MAX_DOCX_RATIO + 64_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types '
                         'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')  # fmt: skip
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/blob.bin", random.Random(7).randbytes(packed))
        declared = inflated - sum(i.file_size for i in archive.infolist() if i.filename != "word/media/blob.bin")
    data = bytearray(buffer.getvalue())
    entry = data.rfind(b"PK\x01\x02")  # the central directory entry of the last member, the blob
    data[entry + 24 : entry + 28] = struct.pack("<I", declared)  # its uncompressed size
    return bytes(data)


def test_docx_inflated_size() -> None:
    error = refused(_docx_declaring(limits.MAX_DOCX_INFLATED_BYTES + 1), "bombe.docx")
    assert error.code == "too_large"
    try:
        read_bytes(_docx_declaring(limits.MAX_DOCX_INFLATED_BYTES), "juste.docx")
    except InputError as exc:  # the tiny body may be unreadable; the size is no reason
        assert exc.code != "too_large", exc


def _front_matter(aliases: int) -> bytes:
    refs = "\n".join(f"  - *a{i % 5}" for i in range(aliases))
    anchors = "\n".join(f"v{i}: &a{i} {i}" for i in range(5))
    return f"---\n{anchors}\nrefs:\n{refs}\n---\n\n# Titre\n\nUn texte.\n".encode()


def test_yaml_aliases() -> None:
    assert read_bytes(_front_matter(limits.MAX_YAML_ALIASES), "ok.md").blocks
    assert refused(_front_matter(limits.MAX_YAML_ALIASES + 1), "bombe.md").code == "front_matter"


def test_yaml_depth() -> None:
    def nested(depth: int) -> bytes:
        return f"---\ncle: {'[' * depth}1{']' * depth}\n---\n\nUn texte.\n".encode()

    # The front matter's own mapping is the first level, its value's lists the others.
    assert read_bytes(nested(limits.MAX_YAML_DEPTH - 1), "ok.md").blocks
    assert refused(nested(limits.MAX_YAML_DEPTH), "profond.md").code == "too_deep"


def _markdown_list(depth: int) -> bytes:
    return "\n".join("  " * i + f"- niveau {i + 1}" for i in range(depth)).encode() + b"\n"


def test_markdown_depth() -> None:
    # Issue 17: lists were refused from 49 levels (markdown-it counts a list and its item as two).
    doc = read_bytes(_markdown_list(limits.MAX_MARKDOWN_DEPTH), "liste.md")
    assert len(doc.blocks) == limits.MAX_MARKDOWN_DEPTH and doc.blocks[-1].text.endswith(str(limits.MAX_MARKDOWN_DEPTH))
    error = refused(_markdown_list(limits.MAX_MARKDOWN_DEPTH + 1), "liste.md")
    assert error.code == "too_deep" and str(limits.MAX_MARKDOWN_DEPTH) in error.message
    quotes = (b"> " * limits.MAX_MARKDOWN_DEPTH) + b"citation\n"
    assert read_bytes(quotes, "citation.md").blocks[0].text == "citation"
    assert refused(b"> " + quotes, "citation.md").code == "too_deep"


def test_html_depth() -> None:
    def nested(depth: int) -> bytes:
        return ("<div>" * (depth - 1) + "<p>12 services</p>" + "</div>" * (depth - 1)).encode()

    assert read_bytes(nested(limits.MAX_HTML_DEPTH), "page.html").blocks[0].text == "12 services"
    error = refused(nested(limits.MAX_HTML_DEPTH + 1), "page.html")
    assert error.code == "too_deep" and str(limits.MAX_HTML_DEPTH) in error.message


def test_text_characters() -> None:
    words = "mot " * (limits.MAX_TEXT_CHARS // 4)
    assert len(read_bytes(words.encode(), "long.txt").text) >= limits.MAX_TEXT_CHARS - 1
    error = refused((words + "x").encode(), "long.txt")
    assert error.code == "too_large" and "limite de 2 000 000 caractères" in error.message


@pytest.mark.parametrize("name", ["tableau.txt", "tableau.md", "tableau.html"])
def test_table_cells(name: str) -> None:
    def table(cells: int) -> bytes:
        if name.endswith(".txt"):
            return ("\t".join(["case"] * cells) + "\n").encode()
        if name.endswith(".md"):
            return ("|" + " case |" * cells + "\n|" + "---|" * cells + "\n").encode()
        return ("<table><tr>" + "<td>case</td>" * cells + "</tr></table>").encode()

    doc = read_bytes(table(limits.MAX_TABLE_CELLS), name)
    assert sum(block.kind == "table_cell" for block in doc.blocks) == limits.MAX_TABLE_CELLS
    error = refused(table(limits.MAX_TABLE_CELLS + 1), name)
    assert error.code == "too_complex" and "au-delà de la limite de 10 000 cellules" in error.message


def test_numbers() -> None:
    def numbers(count: int) -> bytes:
        return ("Il y a " + " puis ".join(["12 services"] * count) + ".\n").encode()

    assert read_bytes(numbers(limits.MAX_NUMBERS), "chiffres.md").blocks
    error = refused(numbers(limits.MAX_NUMBERS + 1), "chiffres.md")
    assert error.code == "too_complex" and "64 001 nombres : au-delà de la limite de 64 000 nombres" in error.message


def test_findings_of_one_rule() -> None:
    from extractor import checks

    def repeated(count: int) -> list[object]:
        doc = read_bytes(("Le mot mot est là. " * count).encode(), "mots.md")
        return list(checks.run(doc, checks.Context(), ["text/duplicated-token"]))

    assert len(repeated(limits.MAX_FINDINGS_PER_RULE)) == limits.MAX_FINDINGS_PER_RULE
    with pytest.raises(InputError) as caught:
        repeated(limits.MAX_FINDINGS_PER_RULE + 1)
    assert caught.value.code == "too_complex" and "limite de 5 000 constats par règle" in caught.value.message


def test_long_paragraphs_are_cut() -> None:
    sentence = "Le programme compte 12 services et 3 incubateurs. "
    text = sentence * (3 * limits.MAX_BLOCK_CHARS // len(sentence))
    doc = read_bytes(text.encode(), "long.txt")
    assert len(doc.blocks) >= 3 and max(len(b.text) for b in doc.blocks) <= limits.MAX_BLOCK_CHARS
    short = read_bytes(sentence[: limits.MAX_BLOCK_CHARS].encode(), "court.txt")
    assert len(short.blocks) == 1


def test_time_budget_and_its_grace(monkeypatch) -> None:
    monkeypatch.setattr(limits, "GRACE_SECONDS", 0.2)
    start = time.monotonic()
    with pytest.raises(limits.DocumentTimeout), limits.time_budget(0.2):
        try:
            while True:
                pass
        finally:
            while True:  # clean-up that loops too: interrupted after the grace
                pass
    assert 0.35 < time.monotonic() - start < 2.0


def test_memory_cap() -> None:
    code = "import resource; from extractor.ingest import limits; limits.cap_memory(); "
    code += "print(resource.getrlimit(resource.RLIMIT_AS)[0])"
    capped = int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert capped == limits.MAX_MEMORY or capped < limits.MAX_MEMORY  # never raised above a lower hard cap


def test_cli_and_service_defaults_are_the_limits() -> None:
    import inspect

    from extractor import cli
    from extractor.service.app import Settings

    settings = Settings()
    assert settings.max_bytes == limits.SERVICE_MAX_BYTES == limits.SERVICE_MAX_MB * MB
    assert settings.timeout == limits.SERVICE_TIMEOUT and settings.max_pages == limits.MAX_PDF_PAGES
    assert settings.max_rss == limits.SERVICE_MAX_RSS and settings.max_pending_bytes == limits.SERVICE_MAX_PENDING_BYTES
    serve = inspect.signature(cli.serve).parameters
    assert serve["timeout"].default == limits.SERVICE_TIMEOUT and serve["max_mb"].default == limits.SERVICE_MAX_MB
    assert serve["max_pages"].default == limits.MAX_PDF_PAGES
    assert inspect.signature(cli.check).parameters["timeout"].default == limits.DOCUMENT_SECONDS
