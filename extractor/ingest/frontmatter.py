"""YAML front matter (Jekyll), read once for every reader of it: the Markdown reader (documents)
and the beta.gouv.fr registry reader (`profiles/registry.py`).

`read_front_matter(text)` finds the block between a first line "---" and the next "---" (or
"...") line, and loads it with the guards untrusted YAML needs: a safe loader (no Python objects),
at most `MAX_ALIASES` aliases (the "billion laughs" bomb expands 9 aliases of 9 aliases... into
billions of values when the data is walked), at most `MAX_DEPTH` levels of nesting, and values
that cannot be built (an impossible date, "2024-02-30") reported, not raised from deep inside
PyYAML. Every problem is one `FrontMatterError` with what went wrong (`problem`), its line and
the parser's words: each caller says it its own way (the Markdown reader raises an InputError for
the document; the registry reader skips the entry with its reason and goes on).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from extractor.ingest import limits

MAX_ALIASES = limits.MAX_YAML_ALIASES  # the limits are in extractor/ingest/limits.py
MAX_DEPTH = limits.MAX_YAML_DEPTH

Problem = Literal["unclosed", "syntax", "aliases", "too_deep", "value", "not_mapping"]

_FENCE = re.compile(r"^---[ \t]*$")
_FENCE_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_ALIAS_LIKE = re.compile(r"(?<![\w*])\*[\w-]+")  # "*ancre": a cheap count before an exact one
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when available


def has_front_matter(data: bytes) -> bool:
    """Whether bytes begin with a YAML front matter line ("---" alone on the first line)."""
    first = data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    return first.rstrip(b"\r \t") == b"---"


def is_page_without_extension(path: str | os.PathLike[str]) -> bool:
    """Whether a file without extension is a page: a front matter first (Jekyll publishes any file
    of a collection that has one, "content/_fasts/07_fast" as "07_fast.md"). Hidden files are not."""
    p = Path(path)
    if p.suffix or p.name.startswith(".") or not p.is_file():
        return False
    try:
        with p.open("rb") as handle:
            return has_front_matter(handle.read(64))
    except OSError:
        return False


class _Loader(_BaseLoader):
    """Safe loader: an impossible date is an error (`FrontMatterError`, problem "value")."""


class _LenientLoader(_BaseLoader):
    """Safe loader that keeps an impossible date ("2024-02-30") as the string written, so that the
    field, not the whole file, is reported."""


def _lenient_timestamp(loader: Any, node: yaml.Node) -> object:
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_LenientLoader.add_constructor("tag:yaml.org,2002:timestamp", _lenient_timestamp)


class FrontMatterError(ValueError):
    """A front matter that cannot be read. `problem` says what ("unclosed": no closing "---";
    "syntax": not YAML; "aliases": more than MAX_ALIASES; "too_deep": more than MAX_DEPTH levels;
    "value": a value that cannot be built; "not_mapping": YAML that is not "key: value" pairs),
    `line` where (in the file, from 1) when known, `detail` the parser's words, `found` the value
    read when it is not a mapping."""

    def __init__(self, problem: Problem, detail: str = "", *, line: int | None = None, found: object = None):
        super().__init__(f"{problem}: {detail}" if detail else problem)
        self.problem: Problem = problem
        self.detail = detail
        self.line = line
        self.found = found


@dataclass
class FrontMatter:
    """A front matter read: its fields (empty when the block is), where its YAML starts and where
    the body after its closing line starts (offsets into the text)."""

    data: dict[str, Any] = field(default_factory=dict)
    yaml_start: int = 0
    body_start: int = 0


def body_of(text: str) -> str:
    """The text after its front matter (its fences as `read_front_matter` finds them; the YAML is
    not parsed); the whole text when it has none, or one never closed."""
    lines = text.splitlines(keepends=True)
    if not lines or not _FENCE.match(lines[0].rstrip("\r\n")):
        return text
    offset = len(lines[0])
    for line in lines[1:]:
        offset += len(line)
        if _FENCE_END.match(line.rstrip("\r\n")):
            return text[offset:]
    return text


def read_front_matter(text: str, *, lenient_dates: bool = False) -> FrontMatter | None:
    """The front matter at the start of `text`; None when the text does not start with a "---"
    line. Raises FrontMatterError. With `lenient_dates`, an impossible date stays a string."""
    lines = text.splitlines(keepends=True)
    if not lines or not _FENCE.match(lines[0].rstrip("\r\n")):
        return None
    offset = yaml_start = len(lines[0])
    for line in lines[1:]:
        if _FENCE_END.match(line.rstrip("\r\n")):
            data = load_yaml(text[yaml_start:offset], lenient_dates=lenient_dates, first_line=2)
            return FrontMatter(data, yaml_start, offset + len(line))
        offset += len(line)
    raise FrontMatterError("unclosed", "la ligne 1 ouvre un bloc « --- » qui n'est jamais refermé", line=1)


def load_yaml(source: str, *, lenient_dates: bool = False, first_line: int = 1) -> dict[str, Any]:
    """The mapping of a YAML front matter (`source`, its text between the fences; {} when empty),
    with the guards of this module. `first_line` is the line of the file `source` starts at."""
    loader = _LenientLoader if lenient_dates else _Loader
    if source.count("*") > MAX_ALIASES and len(_ALIAS_LIKE.findall(source)) > MAX_ALIASES:
        aliases = _count_aliases(source, loader, first_line)  # "*" in a text is no alias
        if aliases > MAX_ALIASES:
            raise FrontMatterError("aliases", f"{aliases} alias, {MAX_ALIASES} au plus")
    try:
        data = yaml.load(source, Loader=loader)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, first_line) from None
    except RecursionError:  # the pure Python parser, when the C one is not installed
        raise FrontMatterError("too_deep", f"plus de {MAX_DEPTH} niveaux") from None
    except (ValueError, TypeError, OverflowError) as exc:  # well-formed, but a value cannot be built
        raise FrontMatterError("value", str(exc)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError("not_mapping", type(data).__name__, found=data)
    if _depth_above(data, MAX_DEPTH):
        raise FrontMatterError("too_deep", f"plus de {MAX_DEPTH} niveaux")
    return data


def _count_aliases(source: str, loader: Any, first_line: int) -> int:
    try:
        return sum(isinstance(token, yaml.AliasToken) for token in yaml.scan(source, Loader=loader))
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, first_line) from None


def _syntax_error(exc: yaml.YAMLError, first_line: int) -> FrontMatterError:
    problem = getattr(exc, "problem", None) or (str(exc).splitlines() or [type(exc).__name__])[0]
    if "maximum nesting depth" in problem:  # the C parser's own limit (1 000 levels)
        return FrontMatterError("too_deep", f"plus de {MAX_DEPTH} niveaux")
    mark = getattr(exc, "problem_mark", None)
    return FrontMatterError("syntax", problem, line=mark.line + first_line if mark is not None else None)


def _depth_above(data: object, limit: int) -> bool:
    """Whether lists and mappings nest more than `limit` levels. Each container is walked once
    (aliases share them), without recursion."""
    deepest: dict[int, int] = {}
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if deepest.get(id(value), 0) >= depth:
            continue
        deepest[id(value)] = depth
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
