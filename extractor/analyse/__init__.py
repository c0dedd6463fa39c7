"""The analysis step (issue 25, item 2): ingest -> repair -> structure -> analyse.

A document's analysis is what every later stage reads of it: the document (its repaired text and
blocks), its claims (numbers with their metric, scope and period) and, on first use, its events
and the files it links to. It is computed once per document content in a run: the corpus index
and the check of a document share the run's `Analyses`, keyed by the sha256 of the file's bytes,
so a document that is both indexed and checked is read and analysed once.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from extractor.models import Claim, Document

if TYPE_CHECKING:
    from extractor.claims.events import Event
    from extractor.claims.resolve import NameIndex

# The text (in characters) of the analyses a run keeps for later stages; beyond it, the oldest
# are dropped (and analysed again if asked for): a site's documents fit, a pile of PDFs does not.
MAX_KEPT_CHARS = 64_000_000


@dataclass(eq=False)
class Analysis:
    """One document, analysed: what the rules and the corpus index read of it."""

    document: Document
    claims: list[Claim]
    _events: list[Event] | None = field(default=None, repr=False)
    _links: list[str] | None = field(default=None, repr=False)

    @property
    def sha256(self) -> str:
        return self.document.sha256

    @property
    def events(self) -> list[Event]:
        """The dated events it states ("lancé en 2019"), extracted on first use."""
        if self._events is None:
            from extractor.claims.events import extract_events

            self._events = extract_events(self.document)
        return self._events

    @property
    def links(self) -> list[str]:
        """The names of the files it links to (`corpus.index.linked_files`), on first use."""
        if self._links is None:
            self._links = linked_files(self.document)
        return self._links


def analyse(doc: Document, names: NameIndex | None = None) -> Analysis:
    """The analysis of a document read already. `names` (the registry) links the services named
    without a link to their registry slug (`extract_claims`)."""
    from extractor.claims.resolve import extract_claims

    return Analysis(doc, extract_claims(doc, names))


class Analyses:
    """A run's analyses, by the sha256 of the document's bytes (and the path it was read under:
    locations name it), all made with the same registry `names`. The corpus index and the check
    stage ask it, so a document indexed and checked in one run is read and analysed once."""

    def __init__(self, names: NameIndex | None = None, *, max_chars: int = MAX_KEPT_CHARS) -> None:
        self.names = names
        self.max_chars = max_chars
        self._kept: OrderedDict[tuple[str, str], Analysis] = OrderedDict()
        self._chars = 0

    def __len__(self) -> int:
        return len(self._kept)

    def of(self, doc: Document) -> Analysis:
        """The analysis of a document read already (made now if the run has none of it)."""
        key = (doc.sha256, doc.path)
        found = self._kept.get(key)
        if found is not None:
            return found
        return self._keep(key, analyse(doc, self.names))

    def load(self, path: str) -> Analysis:
        """The analysis of the file at `path`: its bytes are read (once), and analysed unless the
        run has analysed the same bytes under this path. Raises InputError as `ingest.load`."""
        from extractor.ingest import load, read_file

        data = read_file(path)
        key = (hashlib.sha256(data).hexdigest(), str(path))
        found = self._kept.get(key)
        if found is not None:
            return found
        doc = load(path, data=data)
        return self._keep((doc.sha256, doc.path), analyse(doc, self.names))

    def cached(self, path: str, sha256: str) -> Analysis | None:
        """The run's analysis of these bytes under this path, if it has one (no reading)."""
        return self._kept.get((sha256, str(path)))

    def _keep(self, key: tuple[str, str], analysis: Analysis) -> Analysis:
        self._kept[key] = analysis
        self._chars += len(analysis.document.text)
        while self._chars > self.max_chars and len(self._kept) > 1:
            _, dropped = self._kept.popitem(last=False)
            self._chars -= len(dropped.document.text)
        return analysis


def linked_files(doc: Document) -> list[str]:
    """The names of the files a document links to ("/content/docs/bilan_2024.pdf" -> "bilan_2024.pdf"):
    a web page and the PDF it transcribes are one publication for the corpus rules."""
    from urllib.parse import unquote, urlsplit

    out = set()
    for block in doc.blocks:
        for span in block.spans:
            if span.kind == "link" and span.href:
                name = unquote(urlsplit(span.href).path).rsplit("/", 1)[-1]
                if "." in name and not name.endswith((".html", ".htm")):
                    out.add(name)
    return sorted(out)


class Folders:
    """The files beside a document, for the rules that compare it with the pages of its folder
    (`text/empty-label`): each file of the same suffix as (name, text after its front matter),
    read once per folder and run. The run reads them, not the rules (issue 25, item 3)."""

    def __init__(self) -> None:
        self._texts: dict[tuple[str, str], list[tuple[str, str]]] = {}

    def texts(self, path: str) -> list[tuple[str, str]]:
        """The files of the folder of `path` with its suffix, by name ([] when `path` is no file on
        disk: an upload named like a server's file has no folder)."""
        from pathlib import Path

        from extractor.ingest import read_file
        from extractor.ingest.frontmatter import body_of

        document = Path(path)
        if not document.is_file():
            return []
        key = (str(document.parent.resolve()), document.suffix)
        if key not in self._texts:
            found = []
            for file in sorted(document.parent.glob("*" + document.suffix)):
                try:
                    text = read_file(file).decode("utf-8", errors="replace")
                except Exception:  # an unreadable file is reported when it is checked
                    continue
                found.append((file.name, body_of(text)))
            self._texts[key] = found
        return self._texts[key]


_VOCABULARY: dict[tuple[str, int], frozenset[str]] = {}
_PAGE_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def corpus_pages(corpus: Any) -> list[tuple[str, str]]:
    """The (path, sha256) of a corpus index's documents (extractor.corpus.index, a later stage's
    store: taken as it is), in path order ([] without a corpus)."""
    if corpus is None:
        return []
    try:
        rows = corpus.db.execute("SELECT path, sha256 FROM documents WHERE corpus = ? ORDER BY path", (corpus.key,))
        return [(str(path), str(sha)) for path, sha in rows]
    except Exception:  # an index without documents
        return []


def vocabulary(paths: list[str], minimum: int) -> frozenset[str]:
    """The words (lower case) written the same way on `minimum` or more of these Markdown and
    HTML pages, read as text (other files and unreadable ones count for nothing)."""
    counts: dict[str, int] = {}
    for path in paths:
        if not path.endswith((".md", ".markdown", ".html", ".htm")):
            continue
        try:
            with open(path, encoding="utf-8", errors="replace") as file:
                text = file.read()
        except OSError:
            continue
        for word in {w.lower() for w in _PAGE_WORD.findall(text)}:
            counts[word] = counts.get(word, 0) + 1
    return frozenset(w for w, n in counts.items() if n >= minimum)


def site_words(corpus: Any, minimum: int) -> frozenset[str]:
    """The words (lower case) written the same way on `minimum` pages or more of the corpus's
    Markdown and HTML pages, read as text (a site's vocabulary, for the spelling rules); kept
    per content of the corpus and per process."""
    pages = corpus_pages(corpus)
    key = ("\0".join(f"{p}\0{h}" for p, h in pages), minimum)
    if key in _VOCABULARY:
        return _VOCABULARY[key]
    words = vocabulary([path for path, _ in pages], minimum)
    _VOCABULARY.clear()
    _VOCABULARY[key] = words
    return words
