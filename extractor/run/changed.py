"""`check --changed`: the files a git change touches, and the lines it adds or modifies; on a site,
also the documents that cite a changed registry page's startup or a changed FAST page's promotion."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor import profiles
from extractor.errors import FactcheckError, InputError
from extractor.ingest import FORMATS
from extractor.ingest.frontmatter import is_page_without_extension
from extractor.models import Document
from extractor.reference.store import product_slug

if TYPE_CHECKING:
    from extractor.reference.store import Registry

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.M)


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FactcheckError(f"git indisponible ({exc}) : --changed a besoin de git") from exc
    if done.returncode != 0:
        raise FactcheckError(
            f"git {' '.join(args)} : {done.stderr.strip() or 'échec'} (--changed a besoin d'un dépôt git)"
        )
    return done.stdout


def _require_base(base: str, cwd: Path) -> None:
    """Raises, saying what to do, when the base of the comparison is not in the repository: most
    often a CI checkout of the last commit alone (a shallow clone without the base branch)."""
    found = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], cwd=cwd,
                           capture_output=True, text=True, check=False, timeout=60)  # fmt: skip
    if found.returncode == 0:
        return
    shallow = _git(["rev-parse", "--is-shallow-repository"], cwd).strip() == "true"
    why = " : ce dépôt est un clone superficiel (shallow)" if shallow else ""
    raise FactcheckError(
        f"--base {base} : référence introuvable dans ce dépôt git{why}. La branche de base doit être "
        "récupérée : dans GitHub Actions, `actions/checkout` avec `fetch-depth: 0` "
        f"(ou `git fetch origin` avant la vérification) ; sinon vérifier le nom passé à --base."
    )


def changed_files(base: str, cwd: Path) -> dict[str, set[int] | None]:
    """Changed documents (paths relative to `cwd`) -> the changed line numbers, None for new files."""
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    _require_base(base, cwd)
    out: dict[str, set[int] | None] = {}
    for name in _git(["diff", "--name-only", "--diff-filter=AMR", base, "--", "."], cwd).splitlines():
        path = top / name
        if (path.suffix.lower() in FORMATS or is_page_without_extension(path)) and path.exists():
            lines: set[int] = set()
            for match in _HUNK.finditer(_git(["diff", "-U0", base, "--", str(path)], cwd)):
                start, count = int(match.group(1)), int(match.group(2) or 1)
                lines.update(range(start, start + count))
            out[str(path.relative_to(cwd.resolve()) if path.is_relative_to(cwd.resolve()) else path)] = lines
    for name in _git(["ls-files", "--others", "--exclude-standard"], cwd).splitlines():
        if Path(name).suffix.lower() in FORMATS or is_page_without_extension(cwd / name):
            out[name] = None  # a new file: every line is new
    return out


# -- a site (issue 14, item 7) ----------------------------------------------------------------

TEXT_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".txt"}  # read as text to find the citing ones


@dataclass
class Cited:
    """What a changed reference page is, for the documents that cite it: a startup (its page's
    slug and its names) or a grant's round ("FAST 14")."""

    slugs: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    rounds: dict[str, set[int]] = field(default_factory=dict)  # grant id -> round numbers

    def __bool__(self) -> bool:
        return bool(self.slugs or self.names or any(self.rounds.values()))


def cited_by_change(root: Path, changed: list[Path], registry: Registry | None) -> Cited:
    """The startups and grant rounds whose pages (registry pages, a round's page) a change touches."""
    layout = profiles.active().site
    cited = Cited()
    if layout is None:
        return cited
    base = (root / layout.registry).resolve()
    for path in changed:
        page = path.suffix.lower() in (".md", ".markdown") or is_page_without_extension(path)
        if not path.is_relative_to(base) or not page:
            continue
        folder = path.relative_to(base).parts[0]
        if folder == profiles.active().product.folder:
            cited.slugs.add(path.stem)
            entity = registry.by_slug(path.stem) if registry is not None else None
            cited.names.update(n for n in (entity.names if entity else []) if len(n) >= 3)
            continue
        front = _front_matter(path)
        for grant in profiles.active().grants:
            number = front.get(grant.round_word)
            title = grant.heading.search(str(front.get("title") or ""))
            if isinstance(number, int) or title:
                cited.rounds.setdefault(grant.id, set()).add(number if isinstance(number, int) else int(title.group(1)))  # type: ignore[union-attr]
    return cited


def _front_matter(path: Path) -> dict[str, Any]:
    from extractor.ingest.frontmatter import FrontMatterError, read_front_matter

    try:
        front = read_front_matter(path.read_text(encoding="utf-8"), lenient_dates=True)
    except (OSError, UnicodeDecodeError, FrontMatterError):
        return {}
    return front.data if front is not None else {}


def _patterns(cited: Cited) -> list[re.Pattern[str]]:
    """What a text citing them says: a link to a startup's page, its name, a round's number."""
    section = re.escape(profiles.active().product.section)
    out = [re.compile(rf"/{section}/" + re.escape(s) + r"(?:\.html)?(?![\w.-])") for s in sorted(cited.slugs)]
    out += [re.compile(r"(?<!\w)" + re.escape(n) + r"(?!\w)") for n in sorted(cited.names)]
    return out


def _cites_round(text: str, cited: Cited) -> bool:
    for grant in profiles.active().grants:
        wanted = cited.rounds.get(grant.id)
        if not wanted:
            continue
        if any(int(m.group(1)) in wanted for m in grant.heading.finditer(text)):
            return True
        if any(wanted & {int(n) for n in re.findall(r"\d+", m.group(0))} for m in grant.named.finditer(text)):
            return True
    return False


def citing_lines(doc: Document, cited: Cited) -> set[int]:
    """The lines of a document that cite what changed: the blocks that link to the startup's page,
    name it or name the round, and the blocks under a heading that does (a FAST table)."""
    patterns = _patterns(cited)

    def cites(text: str) -> bool:
        return any(p.search(text) for p in patterns) or _cites_round(text, cited)

    lines: set[int] = set()
    for block in doc.blocks:
        linked = any(product_slug(s.href) in cited.slugs for s in block.spans if s.kind == "link")
        if linked or cites(block.text) or any(cites(h) for h in block.heading_path):
            end = block.location.end_line or block.location.line
            lines.update(range(block.location.line, end + 1))
    return lines


def site_changes(
    root: Path, folders: list[str], changed: dict[str, set[int] | None], registry: Registry | None
) -> dict[str, set[int] | None]:
    """`--changed` on a site: the changed documents of its checked folders, and the documents that
    cite a changed registry page's startup or a changed round page's promotion, with the lines
    that cite it. Keys are paths under `root` as the folders are written (what the run loads)."""
    from extractor.ingest import collect, load

    folder_paths = [Path(f) for f in folders]
    resolved = [f.resolve() for f in folder_paths]
    out: dict[str, set[int] | None] = {}
    touched: list[Path] = []
    for name, lines in changed.items():
        path = Path(name).resolve()
        touched.append(path)
        for folder, real in zip(folder_paths, resolved, strict=True):
            if path.is_relative_to(real):
                out[str(folder / path.relative_to(real))] = lines
                break
    cited = cited_by_change(root, touched, registry)
    if not cited:
        return out
    patterns = _patterns(cited)
    files, _ = collect([str(f) for f in folder_paths if f.is_dir()])
    for name in files:
        if name in out:
            continue
        if Path(name).suffix.lower() in TEXT_SUFFIXES or not Path(name).suffix:  # a cheap look: most do not cite it
            text = Path(name).read_text(encoding="utf-8", errors="replace")
            if not any(p.search(text) for p in patterns) and not _cites_round(text, cited):
                continue
        try:
            doc = load(name)
        except (InputError, MemoryError):
            continue  # the run itself reports what cannot be read
        lines = citing_lines(doc, cited)
        if lines:
            out[name] = lines
    return out
