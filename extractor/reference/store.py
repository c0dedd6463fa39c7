"""The reference store: the imported registry in SQLite (default `.factcheck/reference.sqlite`),
and the in-memory `Registry` the rules query.

The store is always replaced whole: `import_into` builds a new database in a temporary file next to
the target and renames it over the old one, so a reader sees the old registry or the new one, never
half of each. `load_registry` returns None when nothing was imported: registry-based rules are then
skipped (and say so once, with `NO_REGISTRY_FR`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from extractor import profiles
from extractor.errors import InputError
from extractor.normalise import LIGATURES, strip_accents
from extractor.profiles import EntryKind
from extractor.reference.models import Alias, Award, Entity, EntityKind, Phase, Round, Section, SlugRef
from extractor.reference.names import normalise_name
from extractor.run import defaults

DEFAULT_REFERENCE_PATH = defaults.REFERENCE
SCHEMA_VERSION = 5  # 2: grant awards of any profile (awards); 3: grant rounds' pages (rounds); 4: entities.host
# 5: entities.created
# The names that are names (former slugs such as "lapins" or "apprentissage" are often common words).
NAME_KINDS = ("title", "short", "former", "acronym")
NO_REGISTRY_FR = (
    "aucun registre de référence importé : règles reference/* ignorées (lancer « factcheck reference import DOSSIER »)"
)

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entities (
    id TEXT PRIMARY KEY,            -- 'KIND:SLUG' (the profile's kinds of entries)
    kind TEXT NOT NULL,             -- the profile's kind id
    slug TEXT NOT NULL,
    name TEXT NOT NULL,             -- the entry's name
    host TEXT,                      -- entity id of the product's host
    link TEXT,
    source_path TEXT NOT NULL,
    created INTEGER                 -- the year the entry's page says it was created (host kinds)
);
CREATE TABLE names (                -- the title and every alias, for exact and fuzzy name lookups
    entity_id TEXT NOT NULL REFERENCES entities(id),
    position INTEGER NOT NULL,      -- 0 = title
    name TEXT NOT NULL,
    normalised TEXT NOT NULL,       -- normalise_name(name): casefolded, no accents, spaces or punctuation
    kind TEXT NOT NULL,             -- title | short | former | acronym | former_slug
    PRIMARY KEY (entity_id, position)
);
CREATE INDEX names_normalised ON names(normalised);
CREATE TABLE slugs (                -- /SECTION/SLUG paths of the site: own page and redirect_from
    section TEXT NOT NULL,          -- the site's section of the kind's pages
    slug TEXT NOT NULL,
    entity_id TEXT NOT NULL REFERENCES entities(id),
    position INTEGER NOT NULL,
    current INTEGER NOT NULL,       -- 1 own page, 0 former slug (redirect)
    PRIMARY KEY (section, slug)
);
CREATE INDEX slugs_slug ON slugs(slug);
CREATE INDEX slugs_entity ON slugs(entity_id);
CREATE TABLE sponsors (
    entity_id TEXT NOT NULL REFERENCES entities(id),
    position INTEGER NOT NULL,
    sponsor_id TEXT NOT NULL,
    PRIMARY KEY (entity_id, position)
);
CREATE TABLE phases (
    entity_id TEXT NOT NULL REFERENCES entities(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    start TEXT,                     -- ISO dates
    "end" TEXT,
    PRIMARY KEY (entity_id, position)
);
CREATE TABLE awards (               -- one row per statement: the entry's grant field and each grant event
    entity_id TEXT NOT NULL REFERENCES entities(id),
    position INTEGER NOT NULL,
    grant_id TEXT NOT NULL,         -- the profile's grant
    source TEXT NOT NULL,           -- field | event
    round INTEGER,
    amount INTEGER,                 -- euros
    date TEXT,
    comment TEXT,
    PRIMARY KEY (entity_id, position)
);
CREATE INDEX awards_round ON awards(grant_id, round);
CREATE TABLE rounds (               -- a grant round's own page (the profile's grant pages): reference data too
    grant_id TEXT NOT NULL,
    round INTEGER NOT NULL,
    data TEXT NOT NULL               -- the Round, as JSON
);
CREATE TABLE national_impact (
    entity_id TEXT NOT NULL REFERENCES entities(id),
    date TEXT NOT NULL,
    PRIMARY KEY (entity_id, date)
);
"""


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


_SQLITE_MAGIC = b"SQLite format 3\x00"


def check_writable_store(db_path: str | Path) -> None:
    """Refuses to replace anything but a reference store (a mistyped --reference must not destroy a file)."""
    path = Path(db_path)
    if path.is_dir():
        raise InputError(str(path), "c'est un dossier : --reference attend un fichier .sqlite", code="reference")
    if path.exists() and not path.is_file():  # /dev/null, a FIFO: a rename would replace them by the store
        raise InputError(
            str(path),
            "ce n'est pas un fichier ordinaire : refus de le remplacer",
            "choisir un autre fichier avec --reference",
            code="reference",
        )
    if path.exists():
        try:
            with open(path, "rb") as handle:
                header = handle.read(len(_SQLITE_MAGIC))
        except OSError as exc:
            raise InputError(str(path), f"fichier illisible ({exc.strerror or exc})", code="reference") from None
        if header and header != _SQLITE_MAGIC:
            raise InputError(
                str(path),
                "ce fichier n'est pas une base de référence : refus de l'écraser",
                hint="choisir un autre fichier avec --reference",
                code="reference",
            )


def import_into(
    db_path: str | Path, entities: Iterable[Entity], meta: dict[str, str] | None = None, rounds: Iterable[Round] = ()
) -> None:
    """Replaces the store at `db_path` with these entities, atomically (temporary file + rename)."""
    from extractor.ingest import fileio

    target = Path(db_path)
    tmp = fileio.temporary_beside(target)
    try:
        con = sqlite3.connect(tmp)
        try:
            con.execute("PRAGMA journal_mode = OFF")  # a failed build is thrown away whole
            con.execute("PRAGMA synchronous = OFF")
            con.executescript(SCHEMA)
            _write(con, list(entities), meta or {})
            con.executemany(
                "INSERT INTO rounds VALUES (?, ?, ?)", [(r.grant, r.round, r.model_dump_json()) for r in rounds]
            )
            con.commit()
        finally:
            con.close()
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        fileio.replace_with(tmp, target)  # mkstemp makes it private; the store is shared like any output
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write(con: sqlite3.Connection, entities: list[Entity], meta: dict[str, str]) -> None:
    info = {
        "schema_version": str(SCHEMA_VERSION),
        "imported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        **meta,
    }
    con.executemany("INSERT INTO meta VALUES (?, ?)", info.items())
    con.executemany(
        "INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(e.id, e.kind, e.slug, e.name, e.host, e.link, e.source_path, e.created) for e in entities],
    )
    con.executemany(
        "INSERT INTO names VALUES (?, ?, ?, ?, ?)",
        [
            (e.id, i, name, normalise_name(name), kind)
            for e in entities
            for i, (name, kind) in enumerate([(e.name, "title"), *((a.name, a.kind) for a in e.aliases)])
        ],
    )
    con.executemany(
        "INSERT INTO slugs VALUES (?, ?, ?, ?, ?)",
        [(s.section, s.slug, e.id, i, int(s.current)) for e in entities for i, s in enumerate(e.slugs)],
    )
    con.executemany(
        "INSERT INTO sponsors VALUES (?, ?, ?)", [(e.id, i, s) for e in entities for i, s in enumerate(e.sponsors)]
    )
    con.executemany(
        "INSERT INTO phases VALUES (?, ?, ?, ?, ?)",
        [(e.id, i, p.name, _iso(p.start), _iso(p.end)) for e in entities for i, p in enumerate(e.phases)],
    )
    con.executemany(
        "INSERT INTO awards VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (e.id, i, f.grant, f.source, f.round, f.amount, _iso(f.date), f.comment)
            for e in entities
            for i, f in enumerate(e.awards)
        ],
    )
    con.executemany(
        "INSERT OR IGNORE INTO national_impact VALUES (?, ?)",
        [(e.id, d.isoformat()) for e in entities for d in e.national_impact],
    )


# --- reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameEntry:
    """One name of an entity, for exact lookups, fuzzy matching and gazetteers."""

    name: str
    normalised: str
    entity_id: str
    kind: str  # "title" or an AliasKind


class Registry:
    """The imported registry in memory, with the lookups the rules need. Build one from entities
    (`Registry(read_registry(path).entities)`) or from the store (`load_registry`)."""

    def __init__(
        self, entities: Iterable[Entity], meta: dict[str, str] | None = None, rounds: Iterable[Round] = ()
    ) -> None:
        self.meta: dict[str, str] = dict(meta or {})
        self.rounds: dict[tuple[str, int], Round] = {(r.grant, r.round): r for r in rounds}
        self.entities: dict[str, Entity] = {e.id: e for e in entities}
        self._slugs: dict[tuple[str, str], tuple[str, bool]] = {}
        self._by_name: dict[str, list[NameEntry]] = {}
        self._names: list[NameEntry] = []
        self._slug_index: dict[str, set[str]] | None = None
        self._fuzzy: tuple[list[str], list[str]] | None = None
        self._pages: dict[str, str] | None = None  # registry page -> entity id (entity_at)
        self._digest: str | None = None
        for entity in self.entities.values():
            for ref in entity.slugs:
                self._slugs.setdefault((ref.section, ref.slug), (entity.id, ref.current))
            pairs: list[tuple[str, str]] = [(entity.name, "title"), *((a.name, a.kind) for a in entity.aliases)]
            for name, kind in pairs:
                key = normalise_name(name)
                if key:
                    entry = NameEntry(name, key, entity.id, kind)
                    self._names.append(entry)
                    self._by_name.setdefault(key, []).append(entry)

    def __len__(self) -> int:
        return len(self.entities)

    def digest(self) -> str:
        """The hash of the registry's content (its entities and rounds, not when it was imported):
        what the claims of the corpus index were resolved against (issue 24)."""
        if self._digest is None:
            import hashlib

            digest = hashlib.sha256()
            for entity in self.entities.values():
                digest.update(entity.model_dump_json().encode() + b"\0")
            for key in sorted(self.rounds):
                digest.update(self.rounds[key].model_dump_json().encode() + b"\0")
            self._digest = digest.hexdigest()
        return self._digest

    def round_page(self, grant: str, number: int) -> Round | None:
        """What the round's own page says (the profile's grant pages), when the registry has it."""
        return self.rounds.get((grant, number))

    def round_at(self, path: str) -> Round | None:
        """The round whose page is the document at `path` (matched on the path's end, as `entity_at`)."""
        end = path.replace("\\", "/")
        return next(
            (r for r in self.rounds.values() if end.endswith("/" + r.source_path) or end == r.source_path), None
        )

    def entity_at(self, path: str) -> str | None:
        """The entity whose registry page is the document at `path` (matched on the path's end:
        "site/content/FOLDER/SLUG.md" is "FOLDER/SLUG.md"), or None."""
        pages = self._pages
        if pages is None:
            pages = self._pages = {e.source_path.replace("\\", "/"): e.id for e in self.entities.values()}
        parts = path.replace("\\", "/").split("/")
        for i in range(len(parts)):
            found = pages.get("/".join(parts[i:]))
            if found:
                return found
        return None

    def __repr__(self) -> str:
        return f"Registry({len(self.entities)} entités)"

    def get(self, entity_id: str) -> Entity | None:
        return self.entities.get(entity_id)

    def of_kind(self, kind: EntityKind) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind == kind]

    def by_slug(self, slug: str, section: Section | None = None) -> Entity | None:
        """The entity whose page (or a former page: `redirect_from`) is /SECTION/SLUG (the
        products' section by default); accepts 'lapins', 'lapins.html', '/SECTION/lapins.html' and
        percent-encoded slugs."""
        found = self._slugs.get((section or _products().section, clean_slug(slug)))
        return self.entities[found[0]] if found else None

    def slugs(self, section: Section | None = None, *, current_only: bool = False) -> list[str]:
        """Every slug of a section (the products' by default), former ones included unless
        `current_only` (to suggest the closest to an unknown slug)."""
        section = section or _products().section
        return sorted(
            slug
            for (sec, slug), (_, current) in self._slugs.items()
            if sec == section and (current or not current_only)
        )

    def by_name(self, name: str, kinds: Collection[str] | None = None) -> list[Entity]:
        """Entities with this exact name once normalised ('Accès Libre' finds Acceslibre); `kinds`
        restricts to some name kinds ('title', 'short', 'former', 'acronym', 'former_slug')."""
        ids: list[str] = []
        for entry in self._by_name.get(normalise_name(name), []):
            if (kinds is None or entry.kind in kinds) and entry.entity_id not in ids:
                ids.append(entry.entity_id)
        return [self.entities[i] for i in ids]

    def names(
        self, kinds: Collection[str] | None = None, entity_kinds: Collection[str] | None = None
    ) -> list[NameEntry]:
        """All the names (titles and aliases), for fuzzy matching and gazetteers."""
        return [
            n
            for n in self._names
            if (kinds is None or n.kind in kinds)
            and (entity_kinds is None or self.entities[n.entity_id].kind in entity_kinds)
        ]

    def slug_for(self, name: str) -> str | None:
        """The slug of the product with this name, when exactly one has it (claims.resolve.NameIndex).
        Tried in turn: the name, then without a leading article ("Les emplois de l'inclusion" is
        "Emplois de l'inclusion"), each as a title or alias, then as a page slug, current or former
        ("Chauffage Urbain" -> chauffage-urbain, "Wikicarbone" -> ecobalyse)."""
        bare = _ARTICLE.sub("", name.strip())
        product = _products().id
        domain = profiles.active().layout.domain_pattern  # "mes-aides.gouv.fr" is mes-aides
        for candidate in dict.fromkeys((name, bare, domain.sub("", bare))):
            found = {e.id for e in self.by_name(candidate, kinds=NAME_KINDS) if e.kind == product}
            found = found or self._slug_keys().get(normalise_name(candidate), set())
            if len(found) == 1:
                return self.entities[next(iter(found))].slug
        return None

    def closest_product(self, name: str, min_score: float = 90.0) -> str | None:
        """The slug of the product whose name is nearest to `name` (rapidfuzz ratio on the compact
        keys, at least `min_score`), for names written with a small variation ("Marché Public
        Simplifié" for "Marchés Publics Simplifiés"); None when two products are as near."""
        from rapidfuzz import fuzz, process

        key = normalise_name(name)
        if len(key) < 6:
            return None  # short names are too easily near another one
        if self._fuzzy is None:
            product = (_products().id,)
            entries = [n for n in self.names(kinds=NAME_KINDS, entity_kinds=product) if len(n.normalised) >= 6]
            self._fuzzy = ([n.normalised for n in entries], [n.entity_id for n in entries])
        keys, ids = self._fuzzy
        found = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=min_score, limit=3)
        best = {ids[i] for _, score, i in found if score == found[0][1]} if found else set()
        return self.entities[best.pop()].slug if len(best) == 1 else None

    def host_for(self, label: str) -> str | None:
        """The host a short label means ("à l'écologie", "aux Armées"): the only host whose name
        holds every word of the label, else the only one whose name or owner's names do."""
        words = _stems(label)
        host = profiles.active().layout.role("host")
        if not words or host is None:
            return None
        hosts = self.of_kind(host.id)
        for with_owner in (False, True):
            found = []
            for entry in hosts:
                names = list(entry.names)
                if with_owner:
                    for owner in entry.sponsors:
                        if owner in self.entities:
                            names += self.entities[owner].names
                if words <= set().union(*(_stems(n) for n in names)):
                    found.append(entry.id)
            if len(found) == 1:
                return found[0]
            if found:
                return None
        return None

    def _slug_keys(self) -> dict[str, set[str]]:
        if self._slug_index is None:
            index: dict[str, set[str]] = {}
            products = _products().section
            for (section, slug), (entity_id, _) in self._slugs.items():
                if section == products:
                    index.setdefault(normalise_name(slug), set()).add(entity_id)
            self._slug_index = index
        return self._slug_index

    def awards(self, grant: str, round: int | None = None) -> list[tuple[Entity, Award]]:
        """Every statement of the registry about a grant (fields and events), optionally for one round."""
        return [
            (e, award)
            for e in self.entities.values()
            for award in e.awards
            if award.grant == grant and (round is None or award.round == round)
        ]


_GENERIC_WORDS = frozenset(
    {"le", "la", "les", "l", "de", "des", "du", "d", "et", "a", "au", "aux", "en", "ministere", "ministeres"}
)


def _products() -> EntryKind:
    """The profile's kind of the programme's products."""
    return profiles.active().product


def _stems(text: str) -> set[str]:
    """Words of a name reduced for comparison: no accents, no generic words (and none of the words
    the profile's hosts' names share), eight letters at most ("solidarités" and "solidarité" agree,
    "écologie" and "écologique" do not)."""
    host = profiles.active().layout.role("host")
    generic = _GENERIC_WORDS | set(host.common_words if host else ())
    words = re.findall(r"[a-z0-9]+", strip_accents(text.casefold().translate(LIGATURES)))
    return {w[:8] for w in words if w not in generic}


_ARTICLE = re.compile(r"^(?:les|le|la|l['’ʼ])\s*", re.IGNORECASE)


def product_slug(href: str | None) -> str | None:
    """The slug of the product whose page a link leads to (the profile's `registry.product_link`:
    '/SECTION/SLUG.html', 'https://HOST/SECTION/SLUG.html#x' -> 'SLUG'); None for any other link."""
    if not href:
        return None
    found = profiles.active().layout.product_link_pattern.search(href)
    return clean_slug(found.group("slug")) if found else None


def clean_slug(slug: str) -> str:
    """'/SECTION/lapins.html#x' -> 'lapins' (percent-decoded, NFC)."""
    text = unquote(slug.strip()).split("#")[0].split("?")[0].rstrip("/")
    text = text.rsplit("/", 1)[-1].removesuffix(".html")
    return unicodedata.normalize("NFC", text)


_cache: dict[Path, tuple[tuple[int, int, int], Registry]] = {}


def load_registry(db_path: str | Path = DEFAULT_REFERENCE_PATH) -> Registry | None:
    """The imported registry, or None when none was imported (no file at `db_path`). Raises
    InputError when the file exists but is not a readable reference store. Cached until the file
    changes."""
    path = Path(db_path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(str(path), f"base de référence illisible ({exc.strerror or exc})", code="reference") from None
    key = path.resolve()
    stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    cached = _cache.get(key)
    if cached and cached[0] == stamp:
        return cached[1]
    registry = _read(path)
    _cache[key] = (stamp, registry)
    return registry


def _read(path: Path) -> Registry:
    hint = "relancer « factcheck reference import DOSSIER »"
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise InputError(str(path), f"base de référence illisible ({exc})", hint=hint, code="reference") from None
    try:
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("schema_version") != str(SCHEMA_VERSION):
            raise InputError(
                str(path),
                f"base de référence d'une autre version de factcheck (schéma {meta.get('schema_version')}, "
                f"attendu {SCHEMA_VERSION})",
                hint=hint,
                code="reference",
            )
        rounds = [
            Round.model_validate_json(d) for (d,) in con.execute("SELECT data FROM rounds ORDER BY grant_id, round")
        ]
        return Registry(_entities(con), meta, rounds)
    except sqlite3.Error as exc:
        raise InputError(str(path), f"base de référence illisible ({exc})", hint=hint, code="reference") from None
    finally:
        con.close()


def _entities(con: sqlite3.Connection) -> list[Entity]:
    def grouped(sql: str) -> dict[str, list[tuple]]:
        rows: dict[str, list[tuple]] = {}
        for row in con.execute(sql):
            rows.setdefault(row[0], []).append(row[1:])
        return rows

    aliases = grouped("SELECT entity_id, name, kind FROM names WHERE position > 0 ORDER BY entity_id, position")
    slugs = grouped("SELECT entity_id, section, slug, current FROM slugs ORDER BY entity_id, position")
    sponsors = grouped("SELECT entity_id, sponsor_id FROM sponsors ORDER BY entity_id, position")
    phases = grouped('SELECT entity_id, name, start, "end" FROM phases ORDER BY entity_id, position')
    awards = grouped(
        "SELECT entity_id, grant_id, source, round, amount, date, comment FROM awards ORDER BY entity_id, position"
    )
    national = grouped("SELECT entity_id, date FROM national_impact ORDER BY entity_id, date")
    entities: list[Entity] = []
    for eid, kind, slug, name, host, link, source_path, created in con.execute(
        "SELECT id, kind, slug, name, host, link, source_path, created FROM entities ORDER BY rowid"
    ):
        entities.append(
            Entity(
                id=eid,
                kind=kind,
                slug=slug,
                name=name,
                aliases=[Alias(name=n, kind=k) for n, k in aliases.get(eid, [])],
                slugs=[SlugRef(section=s, slug=g, current=bool(c)) for s, g, c in slugs.get(eid, [])],
                host=host,
                sponsors=[s for (s,) in sponsors.get(eid, [])],
                phases=[Phase(name=n, start=_date(s), end=_date(e)) for n, s, e in phases.get(eid, [])],
                awards=[
                    Award(grant=g, source=s, round=r, amount=a, date=_date(d), comment=c)
                    for g, s, r, a, d, c in awards.get(eid, [])
                ],
                national_impact=[dt.date.fromisoformat(d) for (d,) in national.get(eid, [])],
                link=link,
                created=created,
                source_path=source_path,
            )
        )
    return entities
