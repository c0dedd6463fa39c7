"""Reads a programme's registry (DESIGN §5) as the profile lays it out (`registry` in profile.yaml):
a folder per kind of entry (beta.gouv.fr's: `_startups/*.md`, `_incubators/*.md` and
`_organisations/*`, some without the `.md` extension), each file a YAML front matter followed by a
Markdown body that is not read. The folders, the fields, the grants' fields and events are the
profile's data; this module holds none of them.

Nothing in the registry is fatal: an entry that cannot be read (no front matter, YAML error, front
matter that is not a mapping, no title...) is skipped with its reason; a field that cannot be read
(a bad date, an unreadable grant amount, a redirect to an unknown section...) is dropped with a
warning and the entry is imported without it.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from extractor import profiles
from extractor.claims.numbers import find_numbers
from extractor.dates import date_of
from extractor.errors import InputError
from extractor.ingest.frontmatter import FrontMatterError, read_front_matter
from extractor.profiles import EntryKind, Grant, Profile
from extractor.reference.models import (
    Alias,
    Award,
    Entity,
    EntityKind,
    ImportProblem,
    ImportReport,
    Phase,
    Section,
    SlugRef,
    entity_id,
)
from extractor.reference.names import clean_text, normalise_name

MAX_FILE_BYTES = 1 << 20  # registry files are a few kB; anything this big is not a registry entry
# Files that are never entries. Any other file is read (some organisation files have no extension,
# others have dots in their name), and its front matter decides.
_NOT_ENTRIES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".pdf", ".json", ".csv", ".zip"}


# --- front matter -------------------------------------------------------------------------------


class EntryError(Exception):
    """An entry that cannot be imported; the message is the French reason shown to the user."""


def parse_front_matter(text: str) -> dict[str, Any]:
    """The front matter of a registry file as a mapping (`ingest.frontmatter`, with its guards:
    aliases, depth); raises EntryError with a French reason. An impossible date ("2024-02-30")
    stays a string: the field is then reported, not the entry."""
    text = text.removeprefix("\ufeff")
    try:
        front = read_front_matter(text, lenient_dates=True)
    except FrontMatterError as exc:
        raise EntryError(_reason(exc)) from None
    if front is None:
        if text.lstrip().startswith("---"):
            raise EntryError("front matter non terminé (ligne « --- » de fin absente)")
        raise EntryError("pas de front matter YAML (le fichier doit commencer par « --- »)")
    if not front.data:
        raise EntryError("front matter vide")
    return front.data


def _reason(exc: FrontMatterError) -> str:
    """The French reason an entry is skipped for its front matter (`frontmatter.FrontMatterError`)."""
    if exc.problem == "unclosed":
        return "front matter non terminé (ligne « --- » de fin absente)"
    if exc.problem == "aliases":
        return f"front matter YAML refusé : trop d'alias (« *ancre ») ({exc.detail})"
    if exc.problem == "too_deep":
        return f"front matter YAML refusé : imbriqué trop profondément ({exc.detail})"
    if exc.problem == "not_mapping":
        return f"front matter invalide : un dictionnaire de champs est attendu, pas {_type_fr(exc.found)}"
    where = f" (ligne {exc.line})" if exc.line is not None else ""
    return f"front matter YAML invalide{where} : {exc.detail}"


def _type_fr(value: object) -> str:
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, str):
        return "un texte"
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, int | float):
        return "un nombre"
    if isinstance(value, dict):
        return "un dictionnaire"
    return type(value).__name__


# --- values ---------------------------------------------------------------------------------------

_MONTANT_BEFORE = re.compile(r"\bmontant\s*(?:de|:)?\s*$", re.I)  # "Montant de 150000" (searched before a figure)
_DIGIT_BEFORE = re.compile(r"\d\s*$")


def parse_amount(value: object, *, require_unit: bool = False) -> int | None:
    """An amount in euros from a YAML value or a French text: 300000, "300 000 €", "150k€",
    "Montant de 150000€ pour la promotion 14", "2,48 millions d'euros". None when there is none.
    With `require_unit`, a bare number in a text is not an amount ("promotion 14" is not).

    A text is read by the French number grammar (`claims.numbers.find_numbers`), as documents are:
    the first figure in euros, else the figure right after "montant (de|:)", else (without
    `require_unit`) a text that is one figure written in digits ("300 000"; "trois cent mille" is
    not taken for an amount). So the registry reads an amount as a document does, and what the
    grammar does not read as euros is no amount here either: "1.5 M€" (a dot is no French decimal
    mark), "150k" and "150 K" without "€" (a bare "k" is not a multiplier), "150 mille €" (read today as 150
    and 1 000 €, so refused)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return round(value) if math.isfinite(value) and value >= 0 else None
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFC", value)
    figures = [n for n in find_numbers(text) if n.value >= 0]
    found = next((n for n in figures if n.unit == "EUR"), None)
    if found is not None and found.written and _DIGIT_BEFORE.search(text, 0, found.start):
        return None  # "150 mille €": the grammar reads 150, then "mille €" (1 000 €); no amount, not a wrong one
    if found is None:
        found = next((n for n in figures if n.is_count and _MONTANT_BEFORE.search(text, 0, n.start)), None)
    if found is None and not require_unit:
        bare = text.strip()
        found = next((n for n in figures if n.is_count and text[n.start : n.end] == bare and bare[:1].isdigit()), None)
    return int(found.value.to_integral_value()) if found is not None else None


def parse_round(value: object, grant: Grant | None = None) -> int | None:
    """A grant's round number: 14, "14", and as the grant's data writes one ("promotion 14",
    "FAST 14" for the beta.gouv.fr profile's). `grant`: the profile's first grant by default."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if not isinstance(value, str):
        return None
    grant = grant or next(iter(profiles.active().grants), None)
    match = grant.registry.round_pattern.search(value) if grant else None
    if match:
        return int(next(g for g in match.groups() if g))
    bare = re.fullmatch(r"\s*(\d{1,3})\s*", value)
    return int(bare.group(1)) if bare else None


_BAD_DATE = object()


def parse_date(value: object) -> dt.date | object | None:
    """A date from YAML (a date, a datetime, "2024-01-31", "31/01/2024"); None when absent;
    `_BAD_DATE` when present but unreadable."""
    if value is None or value == "":
        return None
    return date_of(value) or _BAD_DATE


# --- names ----------------------------------------------------------------------------------------

_FORMER_NAME = re.compile(
    r"\s*[(\[]?\s*(?:\bex\b|\banc\b\.?|\banciennement\b|\bpr[ée]c[ée]demment\b)\s*[:.\-]?\s*"
    r"(?P<former>[^()\[\]]+?)\s*[)\]]?\s*$",
    re.I,
)
_TRAILING_PARENTHESIS = re.compile(r"^(?P<short>.+?)\s*\((?P<inner>[^()]+)\)\s*$")
_STOPWORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "à", "a", "en", "pour", "au", "aux"}


def _initials(text: str) -> str:
    words = [w for w in re.split(r"[\s\-'’]+", text) if w and w.casefold() not in _STOPWORDS]
    return "".join(w[0] for w in words).upper()


def derive_aliases(title: str) -> list[Alias]:
    """Names written inside a title: 'Signal Logement (ex:Histologe)' -> short 'Signal Logement' and
    former 'Histologe'; 'Mes remboursements simplifiés (MRS)' -> short name and acronym 'MRS'."""
    aliases: list[Alias] = []
    rest = title
    former = _FORMER_NAME.search(rest)
    if former and former.start() > 0:
        aliases.append(Alias(name=clean_text(former.group("former")), kind="former"))
        rest = rest[: former.start()]
    parenthesis = _TRAILING_PARENTHESIS.match(rest)
    if parenthesis:
        rest = parenthesis.group("short")
        inner = parenthesis.group("inner").strip()
        compact = inner.replace(".", "")
        if re.fullmatch(r"[A-Z0-9]{2,8}", compact) and compact == _initials(rest):
            aliases.append(Alias(name=inner, kind="acronym"))
    short = clean_text(rest)
    if short != title:
        aliases.insert(0, Alias(name=short, kind="short"))
    return aliases


def _add_alias(entity_name: str, aliases: list[Alias], alias: Alias) -> None:
    key = normalise_name(alias.name)
    if not key or key == normalise_name(entity_name) or any(normalise_name(a.name) == key for a in aliases):
        return
    aliases.append(alias)


# --- entries --------------------------------------------------------------------------------------


@dataclass
class ReadResult:
    """What was read from a registry folder: the entities, the skipped files and the dropped fields."""

    entities: list[Entity] = field(default_factory=list)
    skipped: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)

    def count(self, kind: EntityKind) -> int:
        return sum(1 for e in self.entities if e.kind == kind)


Warn = Callable[[str], None]


def _slug_of(name: str) -> str:
    return unicodedata.normalize("NFC", name.removesuffix(".md").removesuffix(".markdown"))


def _ref_slug(value: object, prefix: str) -> str | None:
    """'/organisations/anct' or 'anct' -> 'anct'."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = unicodedata.normalize("NFC", unquote(value.strip())).strip("/")
    text = text.removeprefix(prefix.strip("/") + "/")
    return text.removesuffix(".html").removesuffix(".md") or None


def _redirect(value: object, own: Section, profile: Profile) -> SlugRef | None:
    if not isinstance(value, str) or not value.strip():
        return None
    path = unicodedata.normalize("NFC", unquote(urlsplit(value.strip()).path)).strip("/")
    parts = [p for p in path.split("/") if p]
    if not parts:
        return None
    slug = parts[-1].removesuffix(".html")
    if len(parts) == 1:
        return SlugRef(section=own, slug=slug, current=False)
    section = profile.layout.section_of(parts[-2])
    if section is None or len(parts) > 2:
        return None
    return SlugRef(section=section, slug=slug, current=False)


def _as_list(value: object, what: str, warn: Warn) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str | dict):
        return [value]
    warn(f"champ « {what} » ignoré : une liste est attendue, pas {_type_fr(value)}")
    return []


def _date_field(value: object, what: str, warn: Warn) -> dt.date | None:
    parsed = parse_date(value)
    if parsed is _BAD_DATE:
        warn(f"{what} : date illisible {value!r} ignorée")
        return None
    assert parsed is None or isinstance(parsed, dt.date)
    return parsed


def _phases(data: dict[str, Any], warn: Warn) -> list[Phase]:
    phases: list[Phase] = []
    for i, item in enumerate(_as_list(data.get("phases"), "phases", warn), 1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            warn(f"phase n°{i} ignorée : un nom de phase est attendu")
            continue
        name = item["name"].strip()
        start = _date_field(item.get("start"), f"phase « {name} », début", warn)
        end = _date_field(item.get("end"), f"phase « {name} », fin", warn)
        phases.append(Phase(name=name, start=start, end=end))
    return phases


def _grant_field(value: object, grant: Grant, warn: Warn) -> Award | None:
    if value is None:
        return None
    name = grant.field
    keys = grant.registry
    if not isinstance(value, dict):
        wanted = ", ".join(keys.round_keys[:1] + keys.amount_keys[:1])
        warn(f"champ « {name} » ignoré : un dictionnaire {{{wanted}}} est attendu, pas {_type_fr(value)}")
        return None
    raw_round = next((value[k] for k in keys.round_keys if k in value), None)
    raw_amount = next((value[k] for k in keys.amount_keys if k in value), None)
    number, amount = parse_round(raw_round, grant), parse_amount(raw_amount)
    if raw_round is not None and number is None:
        warn(f"champ « {name} » : {grant.round_word} illisible {raw_round!r}")
    if raw_amount is not None and amount is None:
        warn(f"champ « {name} » : montant illisible {raw_amount!r}")
    if number is None and amount is None:
        return None
    return Award(grant=grant.id, round=number, amount=amount, source="field")


def _events(data: dict[str, Any], profile: Profile, warn: Warn) -> tuple[list[Award], list[dt.date]]:
    awards: list[Award] = []
    national: list[dt.date] = []
    grants = {g.field.casefold(): g for g in profile.grants}
    milestone = profile.phases.national_impact.event if profile.phases and profile.phases.national_impact else None
    for i, item in enumerate(_as_list(data.get("events"), "events", warn), 1):
        if not isinstance(item, dict):
            warn(f"événement n°{i} ignoré : un dictionnaire {{name, date, comment}} est attendu")
            continue
        name = str(item.get("name") or "").strip().casefold()
        if name not in grants and name != milestone:
            continue
        date = _date_field(item.get("date"), f"événement « {name} »", warn)
        comment = item.get("comment")
        comment = " ".join(str(comment).split()) if comment is not None and str(comment).strip() else None
        if name in grants:
            grant = grants[name]
            awards.append(
                Award(
                    grant=grant.id,
                    round=parse_round(comment, grant) if comment else None,
                    amount=parse_amount(comment, require_unit=True) if comment else None,
                    source="event",
                    date=date,
                    comment=comment,
                )
            )
        elif date is not None:
            national.append(date)
        else:
            warn(f"événement « {name} » ignoré : date absente")
    return awards, sorted(set(national))


def created_year(kind: EntryKind, text: str) -> int | None:
    """The year an entry's page (front matter and body) says the entry was created or started (its
    kind's `created` patterns: « Lancé en septembre 2020 », « Créée en 2017 »), or None when it
    says none, or two different years (« créé en 2018 » and « Lancé en 2019 »; « Créée en 2021 et
    intégrée depuis 2024 au réseau »): a page unsure of its own start dates nothing.

    >>> from extractor import profiles
    >>> host = profiles.active().layout.role("host")
    >>> created_year(host, "Lancé en septembre 2020, cet incubateur accompagne."), created_year(host, "Un incubateur.")
    (2020, None)
    >>> created_year(host, "Créée en 2021 et intégrée depuis 2024 au réseau des incubateurs.") is None
    True
    """
    years = {int(m.group("year")) for p in kind.created_patterns for m in p.finditer(text)}
    return next(iter(years)) if len(years) == 1 else None


def _entity(kind: EntryKind, slug: str, rel_path: str, data: dict[str, Any], warn: Warn, text: str = "") -> Entity:
    profile = profiles.active()
    title = next((data[f] for f in kind.name_fields if f in data), None)
    if isinstance(title, int | float) and not isinstance(title, bool):
        title = str(title)
    if not isinstance(title, str) or not clean_text(title):
        field = kind.name_fields[0] if kind.name_fields else "title"
        what = f"{'nom' if field == 'name' else 'titre'} (« {field} »)"
        empty = title is None or isinstance(title, str)
        raise EntryError(f"{what} absent ou vide" if empty else f"{what} invalide : {_type_fr(title)}")
    name = " ".join(title.split())
    own: Section = kind.section
    aliases: list[Alias] = []
    for alias in derive_aliases(name):
        _add_alias(name, aliases, alias)
    acronym = data.get(kind.acronym_field) if kind.acronym_field else None
    if isinstance(acronym, str | int) and str(acronym).strip():
        _add_alias(name, aliases, Alias(name=" ".join(str(acronym).split()), kind="acronym"))
    slugs = [SlugRef(section=own, slug=slug, current=True)]
    for value in _as_list(data.get("redirect_from"), "redirect_from", warn):
        ref = _redirect(value, own, profile)
        if ref is None:
            warn(f"redirect_from : chemin non reconnu {value!r} ignoré")
        elif all((ref.section, ref.slug) != (s.section, s.slug) for s in slugs):
            slugs.append(ref)
            _add_alias(name, aliases, Alias(name=ref.slug, kind="former_slug"))

    host: str | None = None
    sponsors: list[str] = []
    phases: list[Phase] = []
    awards: list[Award] = []
    national: list[dt.date] = []
    link = data.get(kind.link_field)
    host_kind, sponsor_kind = profile.layout.role("host"), profile.layout.role("sponsor")
    if kind.host_field and host_kind is not None:
        field = kind.host_field
        raw_host = data.get(field)
        if raw_host is None and isinstance(data.get(field + "s"), list) and data[field + "s"]:
            raw_host = data[field + "s"][0]
        host_slug = _ref_slug(raw_host, f"/{host_kind.section}")
        if raw_host is not None and host_slug is None:
            warn(f"champ « {field} » illisible : {raw_host!r}")
        host = entity_id(host_kind.id, host_slug) if host_slug else None
    if kind.sponsors_field and sponsor_kind is not None:
        field = kind.sponsors_field
        for value in _as_list(data.get(field), field, warn) if kind.role == "product" else [data.get(field)]:
            sponsor = _ref_slug(value, f"/{sponsor_kind.section}")
            if sponsor is None:
                if kind.role == "product":
                    warn(f"{field} : valeur illisible {value!r} ignorée")
            elif entity_id(sponsor_kind.id, sponsor) not in sponsors:
                sponsors.append(entity_id(sponsor_kind.id, sponsor))
    if kind.role == "product":
        phases = _phases(data, warn)
        for grant in profile.grants:
            award = _grant_field(data.get(grant.field), grant, warn)
            awards += [award] if award else []
        event_awards, national = _events(data, profile, warn)
        awards += event_awards
    return Entity(
        id=entity_id(kind.id, slug),
        kind=kind.id,
        slug=slug,
        name=name,
        aliases=aliases,
        slugs=slugs,
        host=host,
        sponsors=sponsors,
        phases=phases,
        awards=awards,
        national_impact=national,
        link=link.strip() if isinstance(link, str) and link.strip() else None,
        created=created_year(kind, text) if kind.created else None,
        source_path=rel_path,
    )


def read_entry(path: Path, kind: EntryKind, rel_path: str, warn: Warn) -> Entity:
    """One registry file as an entity; raises EntryError (with a French reason) to skip it."""
    try:
        if not path.is_file():  # a FIFO would block, a link to /dev/zero never end
            raise EntryError("ce n'est pas un fichier ordinaire (tube, périphérique ou lien vers l'un d'eux)")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise EntryError(f"fichier trop gros ({size // 1024} ko) pour une fiche du registre")
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise EntryError(f"fichier trop gros (plus de {MAX_FILE_BYTES // 1024} ko) pour une fiche du registre")
    except OSError as exc:
        raise EntryError(f"fichier illisible ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EntryError(f"encodage illisible : UTF-8 attendu (octet invalide à la position {exc.start})") from None
    if not text.strip():
        raise EntryError("fichier vide")
    return _entity(kind, _slug_of(path.name), rel_path, parse_front_matter(text), warn, text)


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError:
        return []


class EntryMemo:
    """The entries read by an earlier import, by what each was read from (`key`: factcheck's code,
    the profile and the libraries; the kind; the file's name and sha256, from `shas`), kept between
    runs in one file of the site's state (the user's cache, which only the user writes): an import
    after a change reads again only the files that changed (issue 25, item 7). A file whose sha256
    is not in `shas` is read."""

    def __init__(self, path: Path, key: str, shas: Mapping[str, str]) -> None:
        import contextlib
        import pickle

        self.path, self.key, self.shas = path, key, shas
        self.old: dict[str, bytes] = {}
        with contextlib.suppress(Exception):  # a damaged or former memo: every file is read
            loaded = pickle.loads(path.read_bytes())
            if isinstance(loaded, dict):
                self.old = loaded
        self.new: dict[str, bytes] = {}

    def key_of(self, file: str, kind: EntryKind, rel: str) -> str | None:
        import hashlib

        sha = self.shas.get(file)
        if sha is None:
            return None
        return hashlib.sha256(f"{self.key}\0{kind.id}\0{kind.section}\0{rel}\0{sha}".encode()).hexdigest()

    def save(self) -> None:
        import contextlib
        import pickle

        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):
            temporary.write_bytes(pickle.dumps(self.new))
            temporary.replace(self.path)


def read_registry(root: str | Path, memo: EntryMemo | None = None) -> ReadResult:
    """Reads a registry folder of the profile's layout (the one holding the products' folder,
    beta.gouv.fr's `_startups/`). Raises InputError when the folder does not exist or has no
    products' folder; every problem inside is reported, not raised. `memo`: the entries read by
    an earlier import, by content."""
    import pickle

    profile = profiles.active()
    layout = profile.layout
    products = layout.product.folder
    folders = ", ".join(f"{k.folder}/" for k in layout.kinds)
    base = Path(root)
    if not base.exists():
        raise InputError(
            str(root), "dossier introuvable", hint=f"donner le dossier du {profile.registry_label}", code="missing"
        )
    if not base.is_dir():
        raise InputError(str(root), "ce n'est pas un dossier", hint=f"donner le dossier qui contient {products}/")
    if not (base / products).is_dir():
        raise InputError(
            str(root),
            f"pas de dossier {products} : ce n'est pas un {profile.registry_label}",
            hint=f"donner le dossier qui contient {folders}",
            code="not-a-registry",
        )
    result = ReadResult()
    seen: dict[tuple[Section, str], str] = {}
    for kind in sorted(layout.kinds, key=lambda k: ("sponsor", "host", "product").index(k.role)):
        folder_name = kind.folder
        folder = base / folder_name
        if not folder.is_dir():
            if kind.role != "product":
                result.warnings.append(ImportProblem(path=folder_name, reason_fr="dossier absent : rien importé"))
            continue
        for item in _entries(folder):
            rel = f"{folder_name}/{item.name}"
            if item.is_dir():
                continue
            if Path(item.name).suffix.casefold() in _NOT_ENTRIES:
                continue  # an image or a document next to the entries, not an entry

            warned: list[str] = []

            def warn(reason: str, rel: str = rel, warned: list[str] = warned) -> None:
                warned.append(reason)
                result.warnings.append(ImportProblem(path=rel, reason_fr=reason))

            memo_key = memo.key_of(item.path, kind, rel) if memo is not None else None
            kept = memo.old.get(memo_key) if memo is not None and memo_key is not None else None
            outcome: Entity | str
            if kept is not None:  # read by an earlier import from the same bytes: its entity, its warnings
                assert memo is not None and memo_key is not None
                outcome, reasons = pickle.loads(kept)
                for reason in reasons:
                    warn(reason)
                memo.new[memo_key] = kept
            else:
                try:
                    outcome = read_entry(Path(item.path), kind, rel, warn)
                except EntryError as exc:
                    outcome = str(exc)
                if memo is not None and memo_key is not None:  # before the checks below edit the entity
                    memo.new[memo_key] = pickle.dumps((outcome, warned))
            if isinstance(outcome, str):
                result.skipped.append(ImportProblem(path=rel, reason_fr=outcome))
                continue
            entity = outcome
            key = (kind.section, entity.slug)
            if key in seen:
                result.skipped.append(ImportProblem(path=rel, reason_fr=f"identifiant en double avec {seen[key]}"))
                continue
            seen[key] = rel
            result.entities.append(entity)
    _check_references(result, seen)
    return result


def _label(target: str) -> str:
    """The French name of the kind of an entity id ('incubator:x' -> 'incubateur')."""
    kind = profiles.active().layout.kind(target.split(":", 1)[0])
    return kind.label if kind else "fiche"


def _check_references(result: ReadResult, own: dict[tuple[Section, str], str]) -> None:
    """Cross-entry checks: unknown incubators and sponsors, redirects that collide with a page."""
    ids = {e.id for e in result.entities}
    taken: dict[tuple[Section, str], str] = {}
    for entity in result.entities:

        def warn(reason: str, entity: Entity = entity) -> None:
            result.warnings.append(ImportProblem(path=entity.source_path, reason_fr=reason))

        if entity.host and entity.host not in ids:
            warn(f"{_label(entity.host)} inconnu « {entity.host.split(':', 1)[1]} »")
        for sponsor in entity.sponsors:
            if sponsor not in ids:
                warn(f"{_label(sponsor)} inconnue « {sponsor.split(':', 1)[1]} »")
        kept: list[SlugRef] = []
        for ref in entity.slugs:
            key = (ref.section, ref.slug)
            if not ref.current and key in own:
                warn(f"redirect_from /{ref.section}/{ref.slug} ignoré : c'est la page de {own[key]}")
                continue
            if not ref.current and key in taken:
                warn(f"redirect_from /{ref.section}/{ref.slug} ignoré : déjà redirigé vers {taken[key]}")
                continue
            taken[key] = entity.source_path
            kept.append(ref)
        if len(kept) != len(entity.slugs):
            dropped = {r.slug for r in entity.slugs if r not in kept}
            entity.slugs = kept
            entity.aliases = [a for a in entity.aliases if not (a.kind == "former_slug" and a.name in dropped)]


# --- import ---------------------------------------------------------------------------------------


def import_registry(root: str | Path, db_path: str | Path, memo: EntryMemo | None = None) -> ImportReport:
    """Reads the registry folder `root` and replaces the store at `db_path` with it (atomically).
    Raises InputError when `root` is not a registry folder or `db_path` is not a reference store.
    `memo`: the entries an earlier import read, by content (`read_registry`)."""
    from extractor.profiles.rounds import read_rounds
    from extractor.reference.store import check_writable_store, import_into

    start = time.perf_counter()
    check_writable_store(db_path)
    result = read_registry(root, memo)
    if memo is not None:
        memo.save()
    counts = {kind.id: result.count(kind.id) for kind in profiles.active().layout.kinds}
    import_into(
        db_path,
        result.entities,
        rounds=read_rounds(Path(root), profiles.active().grants),
        meta={
            "source": str(Path(root).resolve()),
            "skipped": str(len(result.skipped)),
            **{f"count_{kind}": str(n) for kind, n in counts.items()},
        },
    )
    return ImportReport(
        source=str(root),
        database=str(db_path),
        counts=counts,
        skipped=result.skipped,
        warnings=result.warnings,
        seconds=time.perf_counter() - start,
    )
