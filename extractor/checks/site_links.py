"""Links and downloads resolved in the site (issue 14, item 5): `site/dead-link`, `site/download-size`.

Only in a site run: the rules read `ctx.site` (`extractor.run.sitemap.SiteMap`, the URLs the site
serves), which `factcheck check SITE` sets; without it they say nothing.

A link to /startups/<slug>.html whose slug the registry does not know is left to
`reference/unknown-slug`, which reports it in every run (with or without the site), so the same
link is not reported twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from extractor.checks import Context, finding, phrase, rule
from extractor.claims.evidence import block_evidence
from extractor.models import Block, Document, Evidence, Finding, Severity, Span
from extractor.reference.store import product_slug
from extractor.run.sitemap import SiteMap, Target, key

# "604,58 KB", "(PDF, 2,3 Mo)", "520 Ko", "1 234 octets": a number, then a unit of size.
_SIZE = re.compile(
    r"(?<![\w,.])(\d{1,3}(?:[  \u202f]\d{3})+|\d+)(?:([.,])(\d+))?[  \u202f]?"
    r"(octets?|[kKMG]i?[oB]|kB)(?![\w])"
)
_UNITS: dict[str, tuple[int, ...]] = {
    "o": (1,), "b": (1,), "octet": (1,), "octets": (1,),
    "ko": (1000, 1024), "kb": (1000, 1024), "kio": (1024,), "kib": (1024,),
    "mo": (1000**2, 1024**2), "mb": (1000**2, 1024**2), "mio": (1024**2,), "mib": (1024**2,),
    "go": (1000**3, 1024**3), "gb": (1000**3, 1024**3), "gio": (1024**3,), "gib": (1024**3,),
}  # fmt: skip
NEAR = 60  # characters between a link and a size that belongs to it
# A size a few percent from the file's is a re-export of the same document (a PDF saved again, an
# image recompressed): no reader is misled by it. Only a size off by more than this share of the
# file's, beyond the rounding of its last digit, is reported.
SIZE_TOLERANCE = Decimal("0.10")
DOWNLOAD_SIZE = "site/download-size"
DEAD_LINK = "site/dead-link"


def _links(block: Block) -> list[Span]:
    return [s for s in block.spans if s.kind == "link" and s.href]


def _shown(path: str, fragment: str = "") -> str:
    return path + (f"#{fragment}" if fragment else "")


@rule("site/dead-link")
def dead_link(doc: Document, ctx: Context) -> Iterator[Finding]:
    site = ctx.site
    assert site is not None  # the engine runs a rule only with what it needs (`needs: [site]`)
    own = site.url_of(doc.path)
    for block in doc.blocks:
        for span in _links(block):
            href = span.href or ""
            if href.startswith("#"):
                if own is None:
                    continue  # the page's own URL is unknown: its anchors are not checked
                path, fragment = own, href[1:]
            else:
                found = site.internal_path(href)
                if found is None:
                    continue
                path, fragment = found
            slug = product_slug(href)
            if slug is not None and ctx.registry is not None and ctx.registry.by_slug(slug) is None:
                continue  # reference/unknown-slug reports it
            dead = _dead(site, path, fragment, [block_evidence(doc, block, span.start, span.end)])
            if dead is not None:
                yield dead


def _dead(site: SiteMap, path: str, fragment: str, evidence: list[Evidence]) -> Finding | None:
    """What is wrong with a link to `path#fragment` in the site, or None when it is served (or
    when this cannot be known)."""
    if site.uncertain(path):
        return None
    target = site.resolve(path)
    if target is None:
        closest = site.closest(path)
        return finding(
            DEAD_LINK, evidence, variant="closest" if closest else None, link=_shown(path, fragment), closest=closest,
            suggestion={},
        )  # fmt: skip
    if not fragment:
        return None
    return _dead_anchor(site, target, fragment, evidence)


def _dead_anchor(site: SiteMap, target: Target, fragment: str, evidence: list[Evidence]) -> Finding | None:
    import unicodedata
    from urllib.parse import unquote

    from rapidfuzz import fuzz, process

    anchors = site.anchors(target)
    wanted = unicodedata.normalize("NFC", unquote(fragment))
    if anchors is None or not wanted or anchors.may_have(wanted):
        return None
    if re.fullmatch(r"(?:page|search|zoom|view|nameddest)=.*|:~:.*", wanted):
        return None  # a PDF viewer's or a text fragment, not an id
    closest = process.extractOne(wanted, sorted(anchors.ids), scorer=fuzz.ratio, score_cutoff=75)
    return finding(
        DEAD_LINK, evidence, severity=Severity.warning, variant="anchor-closest" if closest else "anchor",
        page=target.url, anchor=wanted, closest=closest[0] if closest else None, suggestion={},
    )  # fmt: skip


class _Size:
    """A size as written: its readings in bytes (one per convention) and half a unit of its last
    digit, in bytes for each reading."""

    def __init__(self, match: re.Match[str]) -> None:
        whole = re.sub(r"\D", "", match.group(1))
        decimals = match.group(3) or ""
        self.raw = match.group(0).strip()
        self.unit = match.group(4)
        self.places = len(decimals)
        self.value = Decimal(f"{whole}.{decimals}" if decimals else whole)
        self.half = Decimal(5) / Decimal(10) ** (len(decimals) + 1)
        self.factors = _UNITS.get(match.group(4).lower(), ())

    def fits(self, size: int) -> bool:
        """Whether the size written is the file's, in a convention, within the rounding of its last
        digit and SIZE_TOLERANCE of the file's size."""
        return any(
            abs(Decimal(size) / f - self.value) <= self.half + Decimal(size) / f * SIZE_TOLERANCE for f in self.factors
        )

    def readings(self, size: int) -> str:
        from extractor.checks.arithmetic import fr

        kinds = sorted(set(self.factors))
        if kinds == [1]:
            return phrase(DOWNLOAD_SIZE, "bytes", size=fr(Decimal(size), None))
        shown = []
        for factor in kinds:
            base = 1000 if factor % 1000 == 0 else 1024
            value = fr(round(Decimal(size) / factor, self.places), None)
            shown.append(phrase(DOWNLOAD_SIZE, "reading", value=value, unit=self.unit, base=base))
        return " ou ".join(shown)


def _size_link(block: Block, match: re.Match[str]) -> Span | None:
    """The link a size belongs to: the link whose text holds it, or the one just before it (no
    other link in between, at most NEAR characters away)."""
    start = match.start()
    links = _links(block)
    for span in links:
        if span.start <= start < span.end:
            return span
    before = [s for s in links if s.end <= start and start - s.end <= NEAR]
    if not before:
        return None
    last = max(before, key=lambda s: s.end)
    return last


@rule("site/download-size")
def download_size(doc: Document, ctx: Context) -> Iterator[Finding]:
    site = ctx.site
    assert site is not None  # the engine runs a rule only with what it needs (`needs: [site]`)
    for block in doc.blocks:
        if not _links(block):
            continue
        for match in _SIZE.finditer(block.text):
            span = _size_link(block, match)
            found = site.internal_path(span.href or "") if span is not None else None
            if span is None or found is None or site.uncertain(found[0]):
                continue
            target = site.resolve(found[0])
            size = site.size(target) if target is not None else None
            # A file of 0 bytes says nothing of the size of the real one: a snapshot of a site may
            # keep the names of its images and not their bytes, and an empty download is no
            # download anyone announces a size for. Such a target is not checked.
            if target is None or size is None or size == 0:
                continue
            stated = _Size(match)
            if not stated.factors or stated.fits(size):
                continue
            yield finding(
                DOWNLOAD_SIZE,
                [block_evidence(doc, block, match.start(), match.end())],
                stated=stated.raw,
                file=key(found[0]),
                readings=stated.readings(size),
                size=size,
                suggestion={},
            )
