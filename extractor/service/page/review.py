"""The answer the web page gets for one check (`POST /api/review`): the report, the document's text
with each finding's place in it, the images of the PDF pages that hold a finding, the French titles
of the rules, and the HTML report of the same check, so that the page sends one request per check.

Runs in a worker process (`work.init` has loaded the registry and the rules there); user documents
are read in memory and nothing is written to disk.
"""

from __future__ import annotations

import base64
import io

from pydantic import BaseModel, Field

from extractor import checks
from extractor.models import Document, Finding, Location, Report

MAX_PAGE_IMAGES = 24  # pages rendered per answer: the pages of the first findings
IMAGE_WIDTH = 1000  # pixels: a page is rendered this wide (at most twice its size in points)


class Mark(BaseModel):
    """Where evidence `evidence` of finding `finding` (indexes into the report) is in the text."""

    finding: int
    evidence: int
    start: int = Field(description="offset in `document.text`")
    end: int


class PageImage(BaseModel):
    """A PDF page, as a JPEG data URL; `width` and `height` in PDF points, the unit of the boxes."""

    number: int = Field(ge=1)
    width: float
    height: float
    image: str


class ReviewDocument(BaseModel):
    path: str
    format: str
    text: str = Field(description="the text as read (a PDF: its pages' reading-order text, one after the other)")
    page_starts: list[int] = Field(default_factory=list, description="a PDF: where each page begins in `text`")


class Review(BaseModel):
    report: Report
    document: ReviewDocument
    marks: list[Mark] = Field(default_factory=list)
    page_images: list[PageImage] = Field(default_factory=list)
    rules: dict[str, str] = Field(default_factory=dict, description="rule id -> French title")
    html: str = Field(description="the HTML report of the same check (what `check --format html` writes)")


def offset_of(doc: Document, page: int | None, line: int, column: int) -> int:
    """The first offset of `doc.text` at or after (page, line, column) of the original file: the
    inverse of `Document.locate`, which is monotonic, by bisection (repairs included)."""
    target = (page or 0, line, column)
    lo, hi = 0, len(doc.text)
    while lo < hi:
        mid = (lo + hi) // 2
        loc = doc.locate(mid, mid)
        if (loc.page or 0, loc.line, loc.column) < target:
            lo = mid + 1
        else:
            hi = mid
    return lo


def span_of(doc: Document, loc: Location) -> tuple[int, int]:
    start = offset_of(doc, loc.page, loc.line, loc.column)
    end = offset_of(doc, loc.page, loc.end_line, loc.end_column)
    if end <= start:
        end = min(len(doc.text), start + 1)
    return start, end


def marks_of(doc: Document, findings: list[Finding]) -> list[Mark]:
    return [
        Mark(finding=i, evidence=j, start=start, end=end)
        for i, finding in enumerate(findings)
        for j, evidence in enumerate(finding.evidence)
        if evidence.location.path == doc.path
        for start, end in [span_of(doc, evidence.location)]
    ]


def page_images(data: bytes, numbers: list[int]) -> list[PageImage]:
    """The pages `numbers` of a PDF, rendered with pdfium as JPEG data URLs."""
    import pypdfium2 as pdfium

    out: list[PageImage] = []
    pdf = pdfium.PdfDocument(data)
    try:
        for number in numbers:
            if not 1 <= number <= len(pdf):
                continue
            page = pdf[number - 1]
            width, height = page.get_size()
            bitmap = page.render(scale=min(2.0, IMAGE_WIDTH / max(width, 1.0)))
            buffer = io.BytesIO()
            bitmap.to_pil().convert("RGB").save(buffer, "JPEG", quality=72, optimize=True)
            image = "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
            out.append(PageImage(number=number, width=width, height=height, image=image))
            page.close()
    finally:
        pdf.close()
    return out


def build(data: bytes, report: Report) -> Review:
    """The review of a report checked with `details` (one document)."""
    from extractor.report import html

    doc = report.details[0].document
    pages: list[int] = []
    for finding in report.findings:
        for evidence in finding.evidence:
            page = evidence.location.page
            if evidence.location.path == doc.path and page is not None and page not in pages:
                pages.append(page)
    images = page_images(data, pages[:MAX_PAGE_IMAGES]) if doc.format == "pdf" and pages else []
    catalogue = checks.catalogue()
    return Review(
        report=report,
        document=ReviewDocument(path=doc.path, format=doc.format, text=doc.text, page_starts=doc.page_starts),
        marks=marks_of(doc, report.findings),
        page_images=images,
        rules={f.rule: catalogue[f.rule].title_fr for f in report.findings if f.rule in catalogue},
        html=html.render(report),
    )


def review(data: bytes, name: str, date: str | None, only: list[str] | None, fail_on_value: str = "error") -> bytes:
    """What `POST /api/review` answers, as JSON bytes (serialised in the worker)."""
    from extractor.models import FailOn
    from extractor.service import work

    report = work._checked(data, name, date, only, details=True)
    report.failed = FailOn(fail_on_value).reached_by(report.findings)
    return build(data, report).model_dump_json().encode()
