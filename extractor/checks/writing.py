"""Writing rules (issue 15): invisible characters, empty labels, repeated items, references inside a
document, and dates against the document's own date. French spelling is in `spelling.py`.

Each rule fires only when the text itself states the relation it checks, and says nothing when unsure.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import PurePath as Path  # names only: a rule reads no file

from extractor.checks import Context, catalogue, finding, phrase, rule
from extractor.claims.evidence import block_evidence, quote
from extractor.dates import MONTH_NAME, YEAR, date_fr, written_date
from extractor.ingest.repair import INVISIBLE, NFC
from extractor.models import Block, BlockKind, Document, Evidence, Finding, Repair, Severity
from extractor.normalise import fold, plain

MAX_PLACES = 5

# ---------------------------------------------------------------------------------------------
# Invisible and unusual characters


# Control characters a text file may hold without the binary guard refusing it, and no editor
# wants: everything below U+0020 but tab, LF, FF and CR, DEL and the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # not FF: the page break of PDF text

INVISIBLE_CHARACTER = "text/invisible-character"
# The case of the rule (its catalogue entry's variant and phrases) for each kind of repair.
_KIND_CASE = {INVISIBLE: "invisible", NFC: "decomposed"}


def _name(char: str) -> str:
    """'⟨U+FEFF⟩ espace insécable sans chasse (…)': the character as the quotes show it, and its
    name (Unicode's French name: the catalogue entry's phrase named after its code point)."""
    code = f"U+{ord(char):04X}"
    known = code in catalogue()[INVISIBLE_CHARACTER].phrases_fr
    return f"⟨{code}⟩ " + phrase(INVISIBLE_CHARACTER, code if known else "invisible-character")


@rule("text/invisible-character")
def invisible_character(doc: Document, ctx: Context) -> Iterator[Finding]:
    """One finding per kind and document: invisible characters and decomposed letters (which the
    repair removed or composed, so that the other rules read the text right), control characters."""
    for kind, case in _KIND_CASE.items():
        repairs = [r for r in doc.repairs if r.kind == kind and (kind != INVISIBLE or _inside_word(doc.text, r))]
        if kind == NFC:  # a decomposed letter looks the same to every reader: never in an alt text
            alts = [m.span(m.lastindex or 0) for m in _ALT_TEXT.finditer(doc.text)]
            repairs = [r for r in repairs if not any(a <= r.start < b for a, b in alts)]
        if not repairs:
            continue
        if kind == INVISIBLE:
            chars = Counter(c for r in repairs for c in r.before)
            detail = ", ".join(f"{_name(c)} ×{n}" for c, n in chars.most_common())
        else:
            detail = ", ".join(sorted({c for r in repairs for c in r.after if not c.isascii()}))
        lines = sorted({r.location.line for r in repairs})
        evidence = [_repair_evidence(doc, r) for r in repairs[:MAX_PLACES]]
        n = sum(len(r.before) for r in repairs) if kind == INVISIBLE else len(repairs)
        yield finding(
            INVISIBLE_CHARACTER,
            evidence,
            # Issue 27, cause 13: a word stored decomposed shows as it should; search and
            # comparisons are what it breaks, worth an info, not an editor's warning.
            severity=Severity.info if kind == NFC else None,
            variant=case,
            what=phrase(INVISIBLE_CHARACTER, case + ("-many" if n > 1 else "-one"), n=n),
            detail=detail,
            lines=_lines(lines),
            quote=evidence[0].quote,
            suggestion={"path": doc.path},
        )
    controls = list(_CONTROL.finditer(doc.text))
    if controls:
        chars = Counter(m.group(0) for m in controls)
        lines = sorted({doc.locate(m.start(), m.end()).line for m in controls})
        evidence = [
            Evidence(location=doc.locate(m.start(), m.end()), quote=_visible(quote(doc.text, m.start(), m.end(), 30)))
            for m in controls[:MAX_PLACES]
        ]
        detail = ", ".join(f"⟨U+{ord(c):04X}⟩ ×{n}" for c, n in chars.most_common())
        yield finding(
            INVISIBLE_CHARACTER,
            evidence,
            what=phrase(INVISIBLE_CHARACTER, "control-many" if len(controls) > 1 else "control-one", n=len(controls)),
            detail=detail,
            lines=_lines(lines),
            quote=evidence[0].quote,
            suggestion={},
        )


# The alternative text (and title) of an image, in Markdown ("![Capture d’écran](… "Titre")") or
# HTML (alt="…"): read aloud by screen readers or shown on hover, not the document's text.
_ALT_TEXT = re.compile(
    r"(!\[[^\]\n]*\](?:\([^)\n]*\))?)|\b(?:alt|title)\s*=\s*\"([^\"]*)\"|\b(?:alt|title)\s*=\s*'([^']*)'", re.I
)


def _inside_word(text: str, repair: Repair) -> bool:
    """Whether a removed invisible character cut a word ("M\ufeffon", "L\ufeff'offre"). One at a
    word's edge ("ARSA\u200b auprès") changes nothing a reader sees, and a soft hyphen is a
    legitimate hint for breaking a line: the repair removes them all, only these are reported."""
    if not repair.before.strip("\u00ad"):
        return False
    before = text[repair.start - 1] if repair.start > 0 else ""
    after = text[repair.start] if repair.start < len(text) else ""
    return (
        (before.isalnum() or before in "'’") and (after.isalnum() or after in "'’") and not (before + after).isspace()
    )


def _lines(lines: list[int]) -> str:
    """'ligne 3', 'lignes 3, 5, 8': the first eight lines, and how many more."""
    shown = ", ".join(str(n) for n in lines[:8])
    if len(lines) > 8:
        shown = phrase(INVISIBLE_CHARACTER, "more-lines", lines=shown, more=len(lines) - 8)
    return phrase(INVISIBLE_CHARACTER, "lines" if len(lines) > 1 else "line", lines=shown)


def _visible(text: str) -> str:
    """The text with its invisible characters named: "M⟨U+FEFF⟩on"."""
    return "".join(
        f"⟨U+{ord(c):04X}⟩" if _CONTROL.match(c) or c in "\u200b\u2060\ufeff\u00ad\u200e\u200f" else c for c in text
    )


def _repair_evidence(doc: Document, repair: Repair) -> Evidence:
    """The word around a repair, as it was written (its invisible characters named)."""
    start, end = repair.start, repair.end
    while start > 0 and not doc.text[start - 1].isspace() and repair.start - start < 30:
        start -= 1
    while end < len(doc.text) and not doc.text[end].isspace() and end - repair.end < 30:
        end += 1
    word = doc.text[start:end]
    before = repair.before if repair.kind == INVISIBLE else repair.after
    original = word[: repair.start - start] + before + word[repair.end - start :]
    return Evidence(location=doc.locate(start, end), quote=_visible(original))


# ---------------------------------------------------------------------------------------------
# Empty labels

# "Collectivité sponsor : " alone on its line: a label (a capitalised phrase of one to five words)
# and a colon, then nothing.
_LABEL_LINE = re.compile(r"^[ \t]*(?P<label>[A-ZÀ-Ý][\w'’ -]{2,40}?)[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$", re.M)
MIN_FILLED = 3  # other files of the folder that fill the label


@rule("text/empty-label")
def empty_label(doc: Document, ctx: Context) -> Iterator[Finding]:
    """A "Label :" line left empty (nothing after it on the line, nor under it before the next label
    or heading) while other records fill the same label on its line: at least two other lines of
    the document, or at least three other files of its folder (pages of the same kind)."""
    if doc.format not in ("markdown", "text"):
        return
    body = [b for b in doc.blocks if b.kind in (BlockKind.paragraph, BlockKind.list_item)]
    # The empty label lines first, then the filled lines of those labels only: a page of 32,000
    # "Poste i : n €" lines kept every label's values (11 MB) to find none empty.
    following: dict[int, int] | None = None
    empty: list[re.Match[str]] = []
    for block in body:
        for match in _LABEL_LINE.finditer(doc.text, block.start, block.end):
            if match.group("value") or not _is_label(match):
                continue
            following = following if following is not None else {b.id: n for n, b in enumerate(doc.blocks)}
            if _nothing_under(doc, block, match, following):
                empty.append(match)
    if not empty:
        return
    wanted = {fold(match.group("label")) for match in empty}
    filled_here: dict[str, list[str]] = {}
    for block in body:
        for match in _LABEL_LINE.finditer(doc.text, block.start, block.end):
            if match.group("value") and _is_label(match) and (key := fold(match.group("label"))) in wanted:
                filled_here.setdefault(key, []).append(match.group("value")[:40])
    for match in empty:
        label = match.group("label")
        key = fold(label)
        others = filled_here.get(key, [])
        folder = None
        if len(others) < 2:
            path = Path(doc.path)
            siblings = _filled_labels(doc, ctx).get(key, [])
            others = [value for name, value in siblings if name != path.name]
            folder = path.parent.name
            if len(others) < MIN_FILLED:
                continue
        start, end = match.start("label"), match.end()
        yield finding(
            "text/empty-label",
            [Evidence(location=doc.locate(start, end), quote=doc.text[start:end].strip())],
            variant="folder" if folder is not None else None,
            label=label,
            count=len(others),
            folder=folder,
            examples=", ".join(f"« {v} »" for v in others[:3]),
            suggestion={},
        )


def _is_label(match: re.Match[str]) -> bool:
    return len(match.group("label").split()) <= 5 and not match.group("label").rstrip().endswith(("?", "!"))


def _nothing_under(doc: Document, block: Block, match: re.Match[str], index: dict[int, int]) -> bool:
    """Whether no value follows an empty label: the rest of its paragraph is empty or another label,
    and, at the paragraph's end, what follows is the end, a heading or another label."""
    rest = doc.text[match.end() : block.end].strip()
    if rest:
        return bool(_LABEL_LINE.match(rest)) and _is_label(_LABEL_LINE.match(rest))  # type: ignore[arg-type]
    n = index[block.id] + 1
    if n >= len(doc.blocks):
        return True
    after = doc.blocks[n]
    if after.kind == BlockKind.heading:
        return True
    label = _LABEL_LINE.match(doc.text, after.start, after.end)
    return after.kind == BlockKind.paragraph and label is not None and _is_label(label)


def _filled_labels(doc: Document, ctx: Context) -> dict[str, list[tuple[str, str]]]:
    """The labels that the files of the document's folder fill on their line, folded: [(file name,
    value)]. The run reads the files (`ctx.folder`); found once per folder and run."""
    files = ctx.folder.texts(doc.path)
    cache = ctx.options.setdefault("writing.labels", {})
    assert isinstance(cache, dict)
    key = id(files)
    if key not in cache:
        cache[key] = (files, labels_in(files))
    return cache[key][1]


def labels_in(files: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """The labels (folded) that files, (name, text after the front matter), fill on their line."""
    found: dict[str, list[tuple[str, str]]] = {}
    for name, body in files:
        for match in _LABEL_LINE.finditer(body):
            if match.group("value"):
                found.setdefault(fold(match.group("label")), []).append((name, match.group("value")[:40]))
    return found


# ---------------------------------------------------------------------------------------------
# Repetition in structure


def _lists(doc: Document) -> list[list[Block]]:
    """The lists of a document: runs of list items of one level under one parent, with no other
    block of that level between them."""
    lists: list[list[Block]] = []
    open_by: dict[tuple[int | None, int | None], list[Block]] = {}
    for block in doc.blocks:
        if block.kind != BlockKind.list_item:
            if block.parent is None:
                open_by.clear()
            continue
        key = (block.parent, block.level)
        current = open_by.get(key)
        if current is None:
            current = []
            lists.append(current)
            open_by[key] = current
        current.append(block)
        # deeper lists under an earlier item end when a shallower item starts
        for other in [k for k in open_by if k != key and (k[1] or 0) > (block.level or 0)]:
            del open_by[other]
    return lists


_TERM = re.compile(r"^\s*(?P<term>[^:–—/]{1,60}?)\s*(?::(?!//)|–|—| - )\s*(?P<definition>\S.{3,})$")


def _records(items: list[Block]) -> bool:
    """Whether a list of "Label : value" items describes several records (two labels or more
    each come back: "Nom : …", "Montant : …" for each laureate)."""
    counts: dict[str, int] = {}
    for block in items:
        term = _TERM.match(block.text)
        if term:
            counts[plain(term.group("term"))] = counts.get(plain(term.group("term")), 0) + 1
    return sum(1 for n in counts.values() if n >= 2) >= 2


# An item that is a label and a figure ("Montant : 150 000 €", "Durée : 6 mois", "12 %"): the
# same value twice in a list of laureates or of results is no copy-paste.
_FIGURE_ITEM = re.compile(
    r"^\s*(?:[^:–—\d]{1,40}\s*(?::|–|—)\s*)?(?:environ\s+|~\s*)?[+-]?\d[\d\s\u00a0\u202f.,]*"
    r"(?:\s*(?:%|€|k€|M€|euros?|millions?|milliards?|[A-Za-zÀ-ÿ]{1,12}))?\s*[.;,]?\s*$"
)
# A glossary's term that is a date or a year ("2019", "Mars 2021", "T1 2022"): a timeline's entry.
_DATE_TERM = re.compile(
    r"\s*(?:(?:en|depuis|fin|début|mi-?)\s+)?(?:\d{1,2}(?:er)?\s+)?(?:[A-Za-zéû]{3,9}\.?\s+|[TS]\d\s+)?"
    rf"{YEAR}(?:\s*[-–]\s*(?:{YEAR}|\d{{2}}))?\s*"
)


@rule("text/repeated-item")
def repeated_item(doc: Document, ctx: Context) -> Iterator[Finding]:
    """A list with the same item twice; a glossary (a list of "Terme : définition") defining a term
    twice; the same name twice in one enumeration of a sentence."""
    for items in _lists(doc):
        if len(items) < 2:
            continue
        seen: dict[str, Block] = {}
        terms: dict[str, Block] = {}
        glossary = sum(1 for b in items if _TERM.match(b.text)) >= max(3, len(items) * 3 // 4)
        if glossary and _records(items):
            glossary = False  # "Nom : …, Montant : …" for each laureate: labels of records, not terms
        for block in items:
            key = plain(block.text)
            if len(key) < 3 or not re.search(r"[a-z]{2}", key):
                continue
            if _FIGURE_ITEM.match(block.text):
                continue  # "Montant : 150 000 €" for two laureates: two values that happen to agree
            if key in seen:
                yield _repeated(doc, block, 0, len(block.text), seen[key], glossary=False)
                continue
            seen[key] = block
            term = _TERM.match(block.text)
            if glossary and term:
                tkey = plain(term.group("term"))
                if _DATE_TERM.fullmatch(term.group("term")):
                    continue  # a timeline ("2019 : lancement…", "2019 : création…"): a year holds events
                if tkey in terms and len(tkey) >= 2:
                    yield _repeated(doc, block, term.start("term"), term.end("term"), terms[tkey], glossary=True)
                terms.setdefault(tkey, block)
    for block in doc.blocks:
        if block.kind in (BlockKind.paragraph, BlockKind.list_item):
            yield from _repeated_names(doc, block)


# An enumeration of names: capitalised items of one to four words, separated by commas, the last by "et".
_NAME = r"[A-ZÀ-Ý][\w'’-]+(?: (?:de |du |d'|le |la )?[A-ZÀ-Ý][\w'’-]+){0,3}"
_ENUMERATION = re.compile(rf"(?<![\w'’-])(?:{_NAME})(?:, (?:{_NAME}))+,? et (?:{_NAME})(?![\w'’-])")
_ENUM_ITEM = re.compile(_NAME)


def _repeated_names(doc: Document, block: Block) -> Iterator[Finding]:
    for match in _ENUMERATION.finditer(block.text):
        seen: set[str] = set()
        items = list(_ENUM_ITEM.finditer(match.group(0)))
        words = items[0].group(0).split() if items else []
        seen.update(
            plain(" ".join(words[i:])) for i in range(1, len(words))
        )  # "Avec Marie Dupont": a capital opens the sentence
        for item in items:
            key = plain(item.group(0))
            if key in seen and (" " in item.group(0) or len(key) >= 4):
                start = match.start() + item.start()
                yield finding(
                    "text/repeated-item",
                    [block_evidence(doc, block, start, start + len(item.group(0)))],
                    variant="enumeration",
                    item=item.group(0),
                    suggestion={},
                )
                break
            seen.add(key)


def _repeated(doc: Document, block: Block, start: int, end: int, first: Block, *, glossary: bool) -> Finding:
    """A list's item (or a glossary's term) that an earlier one, `first`, repeats."""
    shown = block.text[start:end].strip()
    if not glossary and len(shown) > 80:
        shown = shown[:79] + "…"
    return finding(
        "text/repeated-item",
        [block_evidence(doc, block, start, end)],
        variant="glossary" if glossary else None,
        item=shown,
        line=first.location.line,
        suggestion={},
    )


# ---------------------------------------------------------------------------------------------
# References inside a document

_SECTION_REF = re.compile(
    r"(?i:\b(?:voir|cf\.?|en|dans|à)\s+(?:la\s+)?)(?P<word>(?i:section|partie|chapitre))\s+(?P<n>\d{1,2})\b(?![,.]\d)"
)
_PAGE_REF = re.compile(r"(?i:\b(?:voir|cf\.?)\s+(?:la\s+)?page|\(\s*p\.)\s*(?P<n>\d{1,3})\b")
_NUMBERED_HEADING = re.compile(
    r"^\s*(?:(?i:partie|section|chapitre)\s+)?(?P<n>\d{1,2})(?:[.)]|\s+[-–—:]|\s*$|\s+(?=[A-ZÀ-Ý]))"
)
_TOC_LINE = re.compile(r"^(?P<title>[^\d\n][^\n]{2,80}?)\s*(?:\.{3,}|…+|\s{2,}|\t)\s*(?P<page>\d{1,3})\s*$")
# The slide decks' form: the page first ("Page 7 Les résultats beta.gouv.fr en 2024").
_TOC_PAGE_FIRST = re.compile(r"^(?:Page|p\.)\s*(?P<page>\d{1,3})\s+(?P<title>[^\d\s][^\n]{2,80}?)\s*$", re.I)


@rule("text/broken-reference")
def broken_reference(doc: Document, ctx: Context) -> Iterator[Finding]:
    """A reference inside the document that leads nowhere: "#ancre" with no heading of that name,
    "section N" in a document whose numbered headings have no N, "voir page N" past the last page,
    and, in a PDF, table-of-contents page numbers that disagree with where the headings are."""
    yield from _anchors(doc)
    yield from _sections(doc)
    yield from _pages(doc)
    yield from _table_of_contents(doc)


def _slugs(text: str) -> set[str]:
    """The ids a Markdown renderer may give a heading (kramdown, GitHub: accents kept or not)."""
    base = re.sub(r"\{#[^}]*\}\s*$", "", text).strip().lower()
    out = set()
    for form in (base, fold(base)):
        slug = re.sub(r"[^\w\- ]", "", form).strip()
        out.add(re.sub(r"\s", "-", slug))
        out.add(re.sub(r"-+", "-", re.sub(r"\s+", "-", slug)))
    return out


def _anchors(doc: Document) -> Iterator[Finding]:
    headings = [b for b in doc.blocks if b.kind == BlockKind.heading]
    if doc.format not in ("markdown", "html", "docx") or len(headings) < 2:
        return
    ids: dict[str, Block] = {}
    for heading in headings:
        for slug in _slugs(heading.text):
            ids.setdefault(slug, heading)
    explicit = set(re.findall(r"""(?:\bid|\bname)\s*=\s*["']([^"']+)["']|\{#([\w-]+)\}""", doc.text))
    ids_explicit = {a or b for a, b in explicit}
    for block in doc.blocks:
        for span in block.spans:
            href = span.href or ""
            if span.kind != "link" or not href.startswith("#") or len(href) < 2:
                continue
            anchor = href[1:]
            from urllib.parse import unquote

            anchor = unquote(anchor)
            if anchor in ids or anchor.lower() in ids or anchor in ids_explicit:
                continue
            if anchor.count("-") < 1:
                continue  # "#top", "#contact": ids a layout may give, not a heading's
            near = _nearest(anchor, ids)
            if near is None:
                continue  # unsure: the page's layout may hold that id
            slug, heading = near
            yield finding(
                "text/broken-reference",
                [block_evidence(doc, block, span.start, span.end)],
                anchor=anchor,
                heading=heading.text,
                line=heading.location.line,
                slug=slug,
                suggestion={},
            )


def _nearest(anchor: str, ids: dict[str, Block]) -> tuple[str, Block] | None:
    from rapidfuzz.distance import Levenshtein

    best = None
    for slug, heading in ids.items():
        distance = Levenshtein.distance(anchor.lower(), slug)
        if distance <= max(2, len(slug) // 6) and (best is None or distance < best[0]):
            best = (distance, slug, heading)
    return (best[1], best[2]) if best else None


def _heading_numbers(doc: Document) -> set[int]:
    numbers = set()
    for block in doc.blocks:
        if block.kind == BlockKind.heading and (m := _NUMBERED_HEADING.match(block.text)):
            numbers.add(int(m.group("n")))
    return numbers


def _sections(doc: Document) -> Iterator[Finding]:
    numbers = _heading_numbers(doc)
    if len(numbers) < 2 or min(numbers) > 1:
        return  # the document does not number its parts
    for block in doc.blocks:
        if block.kind == BlockKind.heading:
            continue
        for match in _SECTION_REF.finditer(block.text):
            n = int(match.group("n"))
            if n in numbers:
                continue
            yield finding(
                "text/broken-reference",
                [block_evidence(doc, block, match.start("word"), match.end())],
                variant="section",
                word=match.group("word"),
                number=n,
                first=min(numbers),
                last=max(numbers),
                suggestion={},
            )


def _pages(doc: Document) -> Iterator[Finding]:
    if not doc.pages:
        return
    for block in doc.blocks:
        for match in _PAGE_REF.finditer(block.text):
            n = int(match.group("n"))
            if n <= doc.pages:
                continue
            yield finding(
                "text/broken-reference",
                [block_evidence(doc, block, match.start(), match.end())],
                variant="page",
                page=n,
                pages=doc.pages,
                suggestion={},
            )


MIN_TOC = 3  # entries of a table of contents found as headings, for its page numbers to be read


def _table_of_contents(doc: Document) -> Iterator[Finding]:
    """A PDF's table of contents ("Titre ..... 12", "Page 12 Titre", or the two in columns on a
    slide): each entry's page against the page of the heading of that title, the printed numbering
    being the PDF's pages shifted by the offset that most entries agree on."""
    if doc.format != "pdf" or not doc.pages:
        return
    entries: list[tuple[Block, int, int, str, int]] = []  # block, start, end, title, stated page
    for block in doc.blocks:
        for line in _block_lines(block):
            text, offset = line
            if m := _TOC_LINE.match(text) or _TOC_PAGE_FIRST.match(text):
                entries.append(
                    (block, offset + m.start(), offset + m.end(), m.group("title").strip(" .…"), int(m.group("page")))
                )
    if len(entries) < MIN_TOC:
        entries = _two_column_toc(doc)
    if len(entries) < MIN_TOC:
        return
    reported: set[tuple[int, int]] = set()
    for found in _contents_against_headings(doc, entries):
        reported.add((found.evidence[0].location.line, found.evidence[0].location.column))
        yield found
    yield from _contents_between_slides(doc, entries, reported)


def _contents_between_slides(
    doc: Document, entries: list[tuple[Block, int, int, str, int]], reported: set[tuple[int, int]]
) -> Iterator[Finding]:
    """A deck that repeats its table of contents (on each section's first slide): a title the
    first one announces on a page and a later one on another. Only between two tables of contents
    sharing MIN_TOC titles (the same table, shown again); an entry the headings already proved
    wrong is not reported twice."""
    slides: dict[int, dict[str, tuple[Block, int, int, str, int]]] = {}
    for entry in entries:
        page = entry[0].location.page
        key = plain(entry[3])
        if page is not None and len(key) >= 5:
            slides.setdefault(page, {}).setdefault(key, entry)
    order = sorted(slides)
    for i, later in enumerate(order):
        for first in order[:i]:
            shared = slides[first].keys() & slides[later].keys()
            if len(shared) < MIN_TOC:
                continue
            for key in sorted(shared, key=lambda k: slides[later][k][1]):
                block, start, end, title, stated = slides[later][key]
                other = slides[first][key][4]
                where = block_evidence(doc, block, start, end)
                if other == stated or (where.location.line, where.location.column) in reported:
                    continue
                yield finding(
                    "text/broken-reference",
                    [where, block_evidence(doc, *slides[first][key][:3])],
                    variant="contents-slides",
                    title=title,
                    stated=stated,
                    here=later,
                    other=other,
                    there=first,
                    suggestion={},
                )
            break  # compared with the first table it repeats


def _contents_against_headings(doc: Document, entries: list[tuple[Block, int, int, str, int]]) -> Iterator[Finding]:
    toc_pages = {b.location.page for b, *_ in entries}
    places: dict[str, int] = {}
    for block in doc.blocks:
        page = block.location.page
        if page is None or page in toc_pages or block.kind not in (BlockKind.heading, BlockKind.paragraph):
            continue
        places.setdefault(plain(block.text), page)
    matched = [(e, places[plain(e[3])]) for e in entries if plain(e[3]) in places and len(plain(e[3])) >= 5]
    if len(matched) < MIN_TOC:
        return
    shifts = Counter(actual - e[4] for e, actual in matched)
    shift, votes = shifts.most_common(1)[0]
    if votes < max(MIN_TOC, (len(matched) * 2 + 2) // 3):
        return
    for (block, start, end, title, stated), actual in matched:
        if actual - stated == shift:
            continue
        printed = actual - shift
        yield finding(
            "text/broken-reference",
            [block_evidence(doc, block, start, end)],
            variant="contents",
            title=title,
            stated=stated,
            printed=printed,
            actual=actual,
            suggestion={},
        )


_PAGE_ONLY = re.compile(r"^(?:Page|p\.)\s*(?P<page>\d{1,3})$", re.I)


def _two_column_toc(doc: Document) -> list[tuple[Block, int, int, str, int]]:
    """A slide's table of contents laid out in two columns ("Page 7" | "Les résultats en 2024"),
    which the reader gives as separate blocks: each page number paired with the block to its right
    on the same line (vertical centres within half the number's height)."""
    by_page: dict[int, list[Block]] = {}
    for block in doc.blocks:
        if block.location.page is not None and block.location.bbox is not None:
            by_page.setdefault(block.location.page, []).append(block)
    entries: list[tuple[Block, int, int, str, int]] = []
    for blocks in by_page.values():
        numbers = [(b, m) for b in blocks if (m := _PAGE_ONLY.match(b.text.strip()))]
        if len(numbers) < MIN_TOC:
            continue
        for block, match in numbers:
            _, top, x1, bottom = block.location.bbox  # type: ignore[misc]
            middle, half = (top + bottom) / 2, (bottom - top) / 2
            right = [b for b in blocks if b is not block and not _PAGE_ONLY.match(b.text.strip())
                     and b.location.bbox[0] >= x1 - 1  # type: ignore[index]
                     and abs((b.location.bbox[1] + b.location.bbox[3]) / 2 - middle) <= half]  # type: ignore[index]  # fmt: skip
            if len(right) == 1:
                entries.append((right[0], 0, len(right[0].text), right[0].text.strip(), int(match.group("page"))))
    return entries


def _block_lines(block: Block) -> Iterator[tuple[str, int]]:
    offset = 0
    for line in block.text.split("\n"):
        yield line, offset
        offset += len(line) + 1


# ---------------------------------------------------------------------------------------------
# Dates against the document's own date

_DAY = r"(?P<day>1er|[12]\d|3[01]|0?[1-9])"
_DATE = re.compile(
    rf"(?<![\w-])(?:{_DAY}\s+)?(?P<month>{MONTH_NAME})\s+(?P<year>{YEAR})(?!\d)",
    re.I,
)
# A figure or a state given as of a date: "au 1er juin 2022", "à la date du …", "arrêté au …".
_AS_OF = re.compile(
    r"(?i:(?<![\w'’])(?:au|depuis\s+le|depuis|à\s+la\s+date\s+du|en\s+date\s+du|arrêtée?s?\s+au)\s+)$"
)  # not "jusqu'au": a deadline
_PAST = re.compile(
    r"(?i)\b(?:a|ont|avons|avez|ai|as|est|sont|sommes|était|étaient|avait|avaient|eu|été)\s+(?:\w+\s+){0,2}?"
    r"(?:\w+(?:é|ée|és|ées|i|ie|is|ies|it|u|ue|us|ues|ert|erte|ort))\b"
)
_FUTURE_WORDS = re.compile(
    r"(?i)\b(?:sera|seront|serons|aura|auront|aurons|va|vont|allons|prévue?s?|prévoit|prévoient|d['’]ici|à partir|"
    r"jusqu['’]|doit|doivent|devrait|devraient|pourra|pourront|objectif|prochaine?s?|envisagée?s?|planifiée?s?|"
    r"programmée?s?|attendue?s?|estimée?s?|prévisionnel(?:le)?s?|cible|avant|échéance|horizon)\b"
)
_FUTURE_TENSE = re.compile(
    r"(?i)\b(?:sera|seront|serons|aura|auront|aurons|ouvrira|ouvriront|lancera|lanceront|démarrera|démarreront|"
    r"commencera|commenceront|débutera|débuteront|publiera|publieront|permettra|permettront)\b"
)
_PAST_WORDS = re.compile(r"(?i)\b(?:depuis|dès|déjà|avait|avaient|était|étaient|prévu|prévue|annoncé|annoncée)\b")


def _date_of(match: re.Match[str]) -> tuple[dt.date, dt.date] | None:
    """The first and last days the date names (a whole month when no day is given)."""
    first = written_date(match.group("day"), match.group("month"), match.group("year"))
    if first is None or match.group("day"):
        return (first, first) if first else None
    return first, dt.date(first.year + first.month // 12, first.month % 12 + 1, 1) - dt.timedelta(days=1)


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), text.rfind("; ", 0, start))
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end), text.find("; ", end)) if i != -1]
    return left + 1, (min(right_candidates) if right_candidates else len(text))


@rule("text/date-after-publication")
def date_after_publication(doc: Document, ctx: Context) -> Iterator[Finding]:
    """A date after the document's own date stated as past or present ("au 1er juin 2022", "a été
    lancé en mars 2025" in a report dated February 2022); a date before it stated in the future."""
    published = doc.date
    if published is None:
        return
    for block in doc.blocks:
        if block.kind in (BlockKind.front_matter, BlockKind.heading):
            continue
        text = block.text
        for match in _DATE.finditer(text):
            span = _date_of(match)
            if span is None:
                continue
            first, last = span
            s0, s1 = _sentence(text, match.start(), match.end())
            before = text[s0 : match.start()]
            near = " ".join(before.split()[-7:])
            sentence = text[s0:s1]
            if first > published:
                as_of = _AS_OF.search(text[max(0, match.start() - 30) : match.start()])
                past = _PAST.search(near) and not _FUTURE_WORDS.search(sentence)
                if not (as_of or past) or _FUTURE_WORDS.search(sentence):
                    continue
                yield finding(
                    "text/date-after-publication",
                    [block_evidence(doc, block, match.start(), match.end())],
                    variant="as-of" if as_of else None,
                    date=match.group(0),
                    published=date_fr(published),
                    suggestion={},
                )
            elif last < published and _FUTURE_TENSE.search(near) and not _PAST_WORDS.search(sentence):
                yield finding(
                    "text/date-after-publication",
                    [block_evidence(doc, block, match.start(), match.end())],
                    variant="future",
                    date=match.group(0),
                    published=date_fr(published),
                    suggestion={},
                )


# A heading that dates what it holds: "En 2024", "2024", "Au cours de l'année 2024", "Bilan 2024".
@functools.cache
def _year_heading(report_words: tuple[str, ...]) -> re.Pattern[str]:
    """The pattern of such a heading, with the programme's report names (its profile's)."""
    return re.compile(
        r"^\s*(?:(?i:en|au cours de(?: l'année)?|durant(?: l'année)?|pendant(?: l'année)?|l'année|année"
        + "".join(rf"|{re.escape(word)}(?: de l'année)?" for word in report_words)
        + rf")\s+)?(?P<year>{YEAR})\s*:?\s*$"
    )


_ITEM_YEAR = re.compile(rf"(?<![\w-])(?i:en)\s+(?P<year>{YEAR})(?![\d-])")


@rule("text/year-mismatch")
def year_mismatch(doc: Document, ctx: Context) -> Iterator[Finding]:
    """A list item that says "en 2025" under a heading "En 2024" (a heading that is its year only),
    stated in the past, when no other item of that list names another year."""
    above = _headings_before(doc)
    year_heading = _year_heading(tuple(ctx.profile.report_words))
    for items in _lists(doc):
        if not items or items[0].level not in (0, None):
            continue
        heading = above.get(items[0].id)
        if heading is None or not (hm := year_heading.match(heading.text)):
            continue
        year = int(hm.group("year"))
        odd = []
        for block in items:
            years = {int(m.group(1)) for m in re.finditer(rf"(?<!\d)({YEAR})(?!\d)", block.text)}
            for match in _ITEM_YEAR.finditer(block.text):
                other = int(match.group("year"))
                if other == year or year in years or _FUTURE_WORDS.search(block.text):
                    continue
                if not _PAST.search(block.text):
                    continue
                odd.append((block, match))
        if len(odd) != 1:
            continue  # none, or a list about several years: unsure
        block, match = odd[0]
        yield finding(
            "text/year-mismatch",
            [block_evidence(doc, block, match.start(), match.end())],
            written=match.group(0),
            heading=heading.text.strip(),
            line=heading.location.line,
            year=year,
            suggestion={},
        )


def _headings_before(doc: Document) -> dict[int, Block]:
    """For each block, the heading right above it (none when a paragraph stands between them)."""
    out: dict[int, Block] = {}
    found: Block | None = None
    for block in doc.blocks:
        if block.kind == BlockKind.heading:
            found = block
            continue
        if found is not None:
            out[block.id] = found
        if block.kind == BlockKind.paragraph:
            found = None
    return out
