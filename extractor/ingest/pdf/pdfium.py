"""A page's characters and rules, read with pypdfium2 (the PDFium C library).

- characters: each with its loose box (the font's advance width horizontally), its font name and
  its size in points (the font size times the vertical scale of the text matrix, as pdfminer
  gives it), in the page's coordinates measured from the top of its media box; of the characters
  PDFium infers, line breaks are dropped and spaces kept (with no width, after the character they
  follow): PDFium puts some in place of a drawn tab between two text objects;
- dropped: characters not wholly inside the media box (off-page text, such as the white text
  boxes left beyond a slide), and invisible text (render mode 3 or 7) on pages without an image:
  on a page with an image, invisible text is an OCR layer and is what the page shows;
- rules: the straight segments of the page's path objects (forms included, their matrices
  composed), as horizontal and vertical edges, for the ruled-table finder (`tables`); a page
  without both kinds of edge has no ruled table and skips the finder.

Each page and its text page are closed as soon as they are read: only the characters of the
page being read are ever in memory.
"""

from __future__ import annotations

import ctypes
import itertools
import math
import struct
from dataclasses import dataclass, field
from typing import Any

import pypdfium2.raw as pdfium_c

from extractor.ingest.pdf.layout import BBox, CharBox, CharGroup
from extractor.ingest.pdf.tables import Edge

_INVISIBLE = frozenset({pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE, pdfium_c.FPDF_TEXTRENDERMODE_CLIP})
_MAX_FORM_DEPTH = 16  # forms nested deeper than this are not searched for rules

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(slots=True)
class PageContent:
    """What the layout needs from one page, in points from the top-left of its media box."""

    box: BBox
    chars: list[CharGroup] = field(default_factory=list)  # characters, in groups of one style
    edges: list[Edge] = field(default_factory=list)  # rules, for the table finder


class PageError(Exception):
    """PDFium could not load a page (its content is broken)."""


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _matrix(obj: Any) -> Matrix:
    """The matrix of a page object (a `_Pointer`)."""
    m = pdfium_c.FS_MATRIX()
    if not _GET_MATRIX(obj, ctypes.byref(m)):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def read_page(document: Any, index: int) -> PageContent:
    """Loads page `index` (0-based) of an open FPDF_DOCUMENT, reads it and closes it."""
    page = pdfium_c.FPDF_LoadPage(document, index)
    if not page:
        raise PageError(f"page {index + 1}")
    try:
        box = _media_box(page)
        edges, has_image = _rules(page, box)
        textpage = pdfium_c.FPDFText_LoadPage(page)
        if not textpage:
            raise PageError(f"page {index + 1}")
        try:
            chars = _chars(textpage, box, keep_invisible=has_image)
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)
    finally:
        pdfium_c.FPDF_ClosePage(page)
    return PageContent((box[0], 0.0, box[2], box[3] - box[1]), chars, edges)


def _media_box(page: Any) -> BBox:
    """The media box in PDF coordinates (x0, y0, x1, y1); the page size if it has none."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if pdfium_c.FPDFPage_GetMediaBox(page, left, bottom, right, top):
        x0, x1 = sorted((left.value, right.value))
        y0, y1 = sorted((bottom.value, top.value))
        return x0, y0, x1, y1
    return 0.0, 0.0, pdfium_c.FPDF_GetPageWidthF(page), pdfium_c.FPDF_GetPageHeightF(page)


# --------------------------------------------------------------------------- characters


def _prototype(function: Any, restype: Any, *argtypes: Any) -> Any:
    """The same C function with plain pointer types: called once per character, the ctypes
    wrappers' casts of typed handles cost more than the calls themselves."""
    address = ctypes.cast(function, ctypes.c_void_p).value
    if address is None:
        raise ImportError("PDFium function not found")
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


class _Pointer(ctypes.c_void_p):
    """A pointer a C function returns, kept as a ctypes object (ctypes turns a plain c_void_p
    result into an int) so that it can be passed on to a function of `_untyped`."""


def _untyped(function: Any, restype: Any) -> Any:
    """The same C function with no declared argument types, for the calls made once per
    character or path segment: ctypes then checks and converts nothing, which halves the cost of
    a call. Its arguments must be ctypes objects (a c_void_p, a `_Pointer`, a byref()) or int
    indices: a Python int given for a pointer would be passed as a 32-bit C int. It keeps the GIL
    (`PYFUNCTYPE`): these calls take less time than releasing and taking back the GIL, and PDFium
    neither calls back into Python nor waits."""
    address = ctypes.cast(function, ctypes.c_void_p).value
    if address is None:
        raise ImportError("PDFium function not found")
    untyped = ctypes.PYFUNCTYPE(restype)(address)
    untyped.argtypes = None  # type: ignore[assignment]  # (typeshed: a sequence; ctypes takes None)
    return untyped


# once per character (their text page passed as a c_void_p)
_IS_GENERATED = _untyped(pdfium_c.FPDFText_IsGenerated, ctypes.c_int)
_GET_OBJECT = _untyped(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p)  # an int: a key of the styles
_GET_BOX = _untyped(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int)
# once per path segment (their path passed as a c_void_p, their segment as a _Pointer)
_COUNT_SEGMENTS = _untyped(pdfium_c.FPDFPath_CountSegments, ctypes.c_int)
_GET_SEGMENT = _untyped(pdfium_c.FPDFPath_GetPathSegment, _Pointer)
_GET_POINT = _untyped(pdfium_c.FPDFPathSegment_GetPoint, ctypes.c_int)
_GET_TYPE = _untyped(pdfium_c.FPDFPathSegment_GetType, ctypes.c_int)
_GET_CLOSE = _untyped(pdfium_c.FPDFPathSegment_GetClose, ctypes.c_int)
# once per page object (their object passed as a _Pointer)
_COUNT_OBJECTS = _untyped(pdfium_c.FPDFPage_CountObjects, ctypes.c_int)
_COUNT_FORM = _untyped(pdfium_c.FPDFFormObj_CountObjects, ctypes.c_int)
_GET_PAGE_OBJECT = _untyped(pdfium_c.FPDFPage_GetObject, _Pointer)
# (its index is an unsigned long: an untyped int would leave the register's upper half undefined)
_GET_FORM_OBJECT = _prototype(pdfium_c.FPDFFormObj_GetObject, _Pointer, ctypes.c_void_p, ctypes.c_ulong)
_GET_OBJECT_TYPE = _untyped(pdfium_c.FPDFPageObj_GetType, ctypes.c_int)
_GET_MATRIX = _untyped(pdfium_c.FPDFPageObj_GetMatrix, ctypes.c_int)
# once per text object (their text page passed as a c_void_p, their object as a c_void_p)
_RENDER_MODE = _untyped(pdfium_c.FPDFTextObj_GetTextRenderMode, ctypes.c_int)
_GET_CHAR_MATRIX = _untyped(pdfium_c.FPDFText_GetMatrix, ctypes.c_int)
_GET_FONT_SIZE = _untyped(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)
_GET_FONT_INFO = _untyped(pdfium_c.FPDFText_GetFontInfo, ctypes.c_ulong)
_FONT_NAME_SIZE = ctypes.c_ulong(256)  # the buffer's length, an unsigned long


def _chars(textpage: Any, box: BBox, *, keep_invisible: bool) -> list[CharGroup]:
    """The page's drawn characters wholly inside the media box, in content-stream order, in
    groups of consecutive characters of one style (size, font, direction)."""
    handle = ctypes.cast(textpage, ctypes.c_void_p)
    count = pdfium_c.FPDFText_CountChars(textpage)
    if count <= 0:
        return []
    # The text in one call: PDFium's characters are UTF-16 units, one per character index.
    units = (ctypes.c_ushort * (count + 1))()
    pdfium_c.FPDFText_GetText(textpage, 0, count, units)
    codes = memoryview(units).cast("B").cast("H").tolist()  # (list(units) reads them one by one)
    x_min, y_min, x_max, y_max = box
    height = y_max - y_min
    rect = pdfium_c.FS_RECTF()
    rect_p = ctypes.pointer(rect)
    edges = memoryview(rect).cast("B").cast("f")  # left, top, right, bottom, read in one step
    matrix = pdfium_c.FS_MATRIX()
    name = ctypes.create_string_buffer(_FONT_NAME_SIZE.value)
    flags_p = ctypes.pointer(ctypes.c_int())
    get_object, get_box = _GET_OBJECT, _GET_BOX
    styles: dict[int, tuple[float, str, bool] | None] = {}  # per text object
    groups: list[CharGroup] = []
    current: list[CharBox] = []
    current_style: tuple[float, str, bool] | None = None
    last = -2  # index of the last character kept
    obj: int | None = None  # the text object of the last character, and its style
    style: tuple[float, str, bool] | None = None
    size, upright, new_group = 0.0, True, False  # the style's size and direction; a group to start
    for i in range(count):
        code = codes[i]
        if code <= 0x20 or 0xD800 <= code < 0xE000 or code == 0xFFFE:
            if 0xDC00 <= code < 0xE000 and i and 0xD800 <= codes[i - 1] < 0xDC00:
                code = 0x10000 + ((codes[i - 1] - 0xD800) << 10) + (code - 0xDC00)  # a pair's low half
            elif code == 0 or 0xD800 <= code < 0xE000 or code == 0xFFFE:
                continue  # nothing, or a pair's high half (read with its low half)
            elif _IS_GENERATED(handle, i) == 1:
                # PDFium infers line breaks and spaces: the breaks are dropped, a space is kept
                # after the character it follows (PDFium puts some in place of a drawn tab)
                if code == 0x20 and last == i - 1 and current:
                    x1, top, bottom = current[-1][1], current[-1][2], current[-1][3]
                    current.append((x1, x1, top, bottom, " "))
                continue
        found = get_object(handle, i)
        if found != obj:  # (a text object's characters mostly come one after the other)
            if not found:
                continue
            obj = found
            if obj in styles:
                style = styles[obj]
            else:
                style = styles[obj] = _style(handle, i, obj, matrix, name, flags_p, keep_invisible)
            if style is not None:
                size, upright = style[0], style[2]
                new_group = style is not current_style and style != current_style  # at its first character kept
        if style is None or not get_box(handle, i, rect_p):
            continue  # invisible text (not an OCR layer), or no box
        x0, y1, x1, y0 = edges
        bottom = y_max - y0
        top = bottom - size if upright else y_max - y1
        if x0 < x_min or x1 > x_max or top < 0 or bottom > height or x1 < x0:
            continue  # not wholly inside the media box
        if new_group:
            current = []
            groups.append(CharGroup(size, style[1], upright, current))
            current_style = style
            new_group = False
        current.append((x0, x1, top, bottom, chr(code)))
        last = i
    return groups


def _style(
    textpage: Any, index: int, obj: int, matrix: Any, name: Any, flags: Any, keep_invisible: bool
) -> tuple[float, str, bool] | None:
    """(size in points, font name, upright) of a text object, None if it is invisible and not
    kept."""
    if not keep_invisible and _RENDER_MODE(ctypes.c_void_p(obj)) in _INVISIBLE:
        return None
    if _GET_CHAR_MATRIX(textpage, index, ctypes.byref(matrix)):
        a, b, c, d, _, _ = memoryview(matrix).cast("B").cast("f")
    else:
        a, b, c, d = 1.0, 0.0, 0.0, 1.0
    upright = a * d > 0 and b * c <= 0
    scale = math.hypot(c, d) if upright else math.hypot(a, b)
    size = round(_GET_FONT_SIZE(textpage, index) * scale, 4)
    length = _GET_FONT_INFO(textpage, index, name, _FONT_NAME_SIZE, flags)
    font = name.value.decode("utf-8", "replace") if length else ""
    return size, font, upright


# --------------------------------------------------------------------------- rules


def _rules(page: Any, box: BBox) -> tuple[list[Edge], bool]:
    """The horizontal and vertical edges of the page's paths wholly inside the media box (as
    pdfplumber's table finder takes them; none unless there are both), and whether the page
    shows an image."""
    edges: list[Edge] = []
    has_image = False
    for handle, kind, matrix in _objects(page):
        if kind == _IMAGE:
            has_image = True
        else:
            _path_edges(edges, handle, matrix, box)
    kinds = {edge[0] for edge in edges}
    return (edges if len(kinds) == 2 else []), has_image


_PATH, _IMAGE, _FORM = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM


def _objects(page: Any) -> list[tuple[Any, int, Matrix]]:
    """The page's paths and images (those inside forms too) with their type and, for paths,
    their matrix to page space; the objects as `_Pointer`s."""
    found: list[tuple[Any, int, Matrix]] = []
    stack: list[tuple[Any, bool, Matrix, int]] = [(ctypes.cast(page, ctypes.c_void_p), True, _IDENTITY, 0)]
    get_type = _GET_OBJECT_TYPE
    while stack:
        parent, is_page, outer, depth = stack.pop()
        count, get = (_COUNT_OBJECTS(parent), _GET_PAGE_OBJECT) if is_page else (_COUNT_FORM(parent), _GET_FORM_OBJECT)
        for i in range(max(count, 0)):
            obj = get(parent, i)
            if not obj:
                continue
            kind = get_type(obj)
            if kind == _PATH:
                found.append((obj, kind, _compose(_matrix(obj), outer)))
            elif kind == _IMAGE:
                found.append((obj, kind, outer))
            elif kind == _FORM and depth < _MAX_FORM_DEPTH:
                stack.append((obj, False, _compose(_matrix(obj), outer), depth + 1))
    return found


# PDFium keeps a path's segments in one array of {float x, y; uint8 type; bool close} (its
# CFX_Path::Point, 12 bytes, whose type numbers are the FPDF_SEGMENT_* ones), and a segment handle
# points into it: read whole, a path's segments take two calls instead of four per segment. That
# layout is PDFium's own, not its API: `_SEGMENT_ARRAY` says whether this PDFium has it, checked
# on a path made at import against the API's answers, and each path is read through the API
# unless its segments are evenly 12 bytes apart.
_SEGMENT = struct.Struct("<ffBBxx")
Segment = tuple[float, float, int, int]  # x, y (path space), FPDF_SEGMENT_* type, closes the subpath


def _api_segments(path: Any) -> list[Segment]:
    """A path's segments, one API call per value."""
    x, y = ctypes.c_float(), ctypes.c_float()
    x_p, y_p = ctypes.byref(x), ctypes.byref(y)
    segments: list[Segment] = []
    for i in range(_COUNT_SEGMENTS(path)):
        segment = _GET_SEGMENT(path, i)
        if segment and _GET_POINT(segment, x_p, y_p):
            segments.append((x.value, y.value, _GET_TYPE(segment), _GET_CLOSE(segment)))
    return segments


def _array_segments(path: Any) -> list[Segment] | None:
    """A path's segments read from PDFium's array in one step; None if they are not laid out as
    `_SEGMENT_ARRAY` found them."""
    count = _COUNT_SEGMENTS(path)
    if count <= 0:
        return []
    first = _GET_SEGMENT(path, 0)
    last = _GET_SEGMENT(path, count - 1) if count > 1 else first
    if not first or not last or last.value - first.value != (count - 1) * _SEGMENT.size:
        return None
    return list(_SEGMENT.iter_unpack(ctypes.string_at(first.value, count * _SEGMENT.size)))


def _segment_array_readable() -> bool:
    """Whether this PDFium's segments read from its array are what its API gives, on a path with
    every kind of segment."""
    path = pdfium_c.FPDFPageObj_CreateNewPath(1.5, 2.25)
    if not path:
        return False
    try:
        pdfium_c.FPDFPath_LineTo(path, 10.0, 2.25)
        pdfium_c.FPDFPath_BezierTo(path, 11.0, 3.0, 12.5, 4.0, 13.0, -5.0)
        pdfium_c.FPDFPath_Close(path)
        pdfium_c.FPDFPath_MoveTo(path, 100.0, 200.0)
        pdfium_c.FPDFPath_LineTo(path, 100.0, 300.5)
        handle = ctypes.cast(path, ctypes.c_void_p)
        expected = _api_segments(handle)
        return len(expected) == 7 and _array_segments(handle) == expected
    finally:
        pdfium_c.FPDFPageObj_Destroy(path)


_SEGMENT_ARRAY = _segment_array_readable()


def _segments(path: Any) -> list[Segment]:
    if _SEGMENT_ARRAY:
        segments = _array_segments(path)
        if segments is not None:
            return segments
    return _api_segments(path)


def _path_edges(edges: list[Edge], path: Any, matrix: Matrix, box: BBox) -> None:
    """Adds the edges between consecutive points of each subpath of a path (Bézier control
    points included, as pdfminer lists them), for subpaths wholly inside the media box."""
    a, b, c, d, e, f = matrix
    y_max = box[3]
    moveto = pdfium_c.FPDF_SEGMENT_MOVETO
    subpaths: list[list[tuple[float, float]]] = []
    closed: list[bool] = []
    for px, py, kind, closes in _segments(path):
        point = (a * px + c * py + e, y_max - (b * px + d * py + f))
        if not subpaths or kind == moveto:
            subpaths.append([point])
            closed.append(False)
        else:
            subpaths[-1].append(point)
        if closes:
            closed[-1] = True
    left_edge, right_edge, height = box[0], box[2], box[3] - box[1]
    for points, is_closed in zip(subpaths, closed, strict=True):
        xs, ys = zip(*points, strict=True)
        if min(xs) < left_edge or max(xs) > right_edge or min(ys) < 0 or max(ys) > height:
            continue
        if is_closed and len(points) > 2 and points[0] != points[-1]:
            points.append(points[0])
        for (x0, y0), (x1, y1) in itertools.pairwise(points):  # (min and max without the calls)
            if x0 == x1:
                if y0 != y1:
                    edges.append(("v", x0, y1 if y1 < y0 else y0, x1, y1 if y1 > y0 else y0))
            elif y0 == y1:
                edges.append(("h", x1 if x1 < x0 else x0, y0, x1 if x1 > x0 else x0, y1))
