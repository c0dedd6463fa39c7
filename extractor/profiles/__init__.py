"""Profiles: what factcheck knows of one programme, as data (DESIGN §2: "Programme knowledge …
lives in the data files of a profile, which a user of another programme replaces").

A profile is a folder holding `profile.yaml` (the programme's scope, its grants, its label words)
and `vocabulary.yaml` (its metric synonyms): a folder of this package, named, or any folder, by its
path. The active one is named by `FACTCHECK_PROFILE` (default: `betagouv`). This module is the only
code that reads them.
"""

from __future__ import annotations

import functools
import os
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from extractor import yamlio

if TYPE_CHECKING:
    from extractor.profiles.registry import EntryMemo
    from extractor.reference.models import ImportReport

DEFAULT = "betagouv"


class StartEvent(BaseModel):
    key: str = Field(description="the event's normalised key, shared by every document that dates it")
    label: str
    mention: str = Field(description="a regular expression: the text speaks of the grant")


class GrantPages(BaseModel):
    """Where a grant's rounds have a page each (the FAST promotions' pages) and how to read them."""

    folder: str = Field(description="the folder of the pages, in the registry's folder")
    title: str = Field(description="a regular expression on the page's title: groups round, month, year")
    figures: dict[str, str] = Field(
        default_factory=dict,
        description="regular expressions on the page's text: deadline (groups day, month, year), "
        "applications, selected (group value), total (group value, an amount)",
    )

    @functools.cached_property
    def title_pattern(self) -> re.Pattern[str]:
        return re.compile(self.title, re.I)

    @functools.cached_property
    def patterns(self) -> dict[str, re.Pattern[str]]:
        return {name: re.compile(p, re.I) for name, p in self.figures.items()}


class GrantField(BaseModel):
    """How a registry entry records its latest award in its grant field (`fast: {promotion, montant}`)."""

    round_keys: list[str] = Field(default_factory=list, description="the field's keys of the round number")
    amount_keys: list[str] = Field(default_factory=list, description="the field's keys of the amount")
    round_text: str = Field(
        default=r"^\s*(\d{1,3})\s*$",
        description="a regular expression: a round number written in a value or an event's comment (group 1 or 2)",
    )

    @functools.cached_property
    def round_pattern(self) -> re.Pattern[str]:
        return re.compile(self.round_text, re.I)


class Grant(BaseModel):
    id: str
    label: str
    field: str = Field(description="the registry's name for it (its field and events)")
    round_heading: str = Field(description="a regular expression: a heading naming a round (group 1)")
    rounds_named: str = Field(description="a regular expression: a total naming the rounds it covers")
    round_word: str = Field(default="édition", description="its name for a round, in French")
    round_ordinal: str | None = Field(
        default=None, description="a regular expression: a round named by its ordinal (group 1), '14ème édition'"
    )
    amount_metric: str
    laureates_metric: str | None = Field(default=None, description="the metric of a count of laureates")
    start_event: StartEvent | None = None
    pages: GrantPages | None = None
    registry: GrantField = Field(default_factory=GrantField, description="how the registry's entries record it")

    @functools.cached_property
    def heading(self) -> re.Pattern[str]:
        return re.compile(self.round_heading, re.I)

    @functools.cached_property
    def named(self) -> re.Pattern[str]:
        return re.compile(self.rounds_named, re.I)

    def rounds_in(self, text: str) -> frozenset[int]:
        """The rounds a text names: "promos 14 et 15", "FAST 14", "la 14ème édition" (the grant
        named in the text for the last one).

        >>> from extractor import profiles
        >>> sorted(profiles.active().grants[0].rounds_in("2,48 M€ accordés sur les promos 14 et 15"))
        [14, 15]
        >>> sorted(profiles.active().grants[0].rounds_in("lauréates de la 14ème édition du FAST"))
        [14]
        """
        found: set[int] = set()
        if named := self.named.search(text):
            found.update(int(n) for n in re.findall(r"\d+", named.group(0)))
        found.update(int(m.group(1)) for m in self.heading.finditer(text))
        if self.round_ordinal and re.search(rf"\b{re.escape(self.label)}\b", text, re.I):
            found.update(int(m.group(1)) for m in re.finditer(self.round_ordinal, text, re.I))
        return frozenset(found)


class PartSum(BaseModel):
    parts: str = Field(description="the metric of the parts")
    total: str = Field(description="the metric of the total they add up to")
    what: str = Field(description="what the parts are, in French, for the message")


class PhaseState(BaseModel):
    """A state of a product the text may name ("en accélération", "pérennisé"), and the registry's
    phases that are that state, or that end it."""

    text: str = Field(description="a regular expression: the text says the product is in this state")
    phases: list[str] = Field(description="the registry's phases that are this state")
    ended_by: list[str] = Field(default_factory=list, description="phases after which it is no longer in it")
    entered: bool = Field(
        default=False,
        description="the text says the product entered the state that year ('lancé en 2024', group year): "
        "one of the phases starts within the year; else it is in the state during the year",
    )
    in_heading: bool = Field(default=False, description="a heading may say it of the products listed under it")
    earlier_only: bool = Field(
        default=False,
        description="for an entered state: only phases that started before the year contradict the text "
        "(a registry may date a product's first phase after the report that calls it new)",
    )

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.text, re.I)


class Milestone(BaseModel):
    """A dated event of the registry's entries that a report lists products under ("Les services
    numériques à impact national en 2024"): the heading that names it, and its name in French."""

    heading: str = Field(description="a regular expression on a heading (which also names a year)")
    label: str
    event: str = Field(default="national_impact", description="the registry's event name for it")

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.heading, re.I)


class Timeline(BaseModel):
    """The registry's phases in their order, the states the text names, and the milestone (the
    registry's `national_impact` events) a report lists products under."""

    order: list[str]
    states: list[PhaseState] = Field(default_factory=list)
    national_impact: Milestone | None = None


class SiteLayout(BaseModel):
    marker: str = Field(description="a file at the root that makes a folder a site (_config.yml)")
    registry: str = Field(description="the folder of the registry, relative to the root")
    checked: list[str] = Field(description="the folders a site run checks by default, relative to the root")


Role = Literal["product", "host", "sponsor"]


class EntryKind(BaseModel):
    """A kind of entry of the registry: its folder, the site's section of its pages, its fields
    and its names in French. Its `role` is what the rules know of it: the programme's products
    (names, links, phases, grants), the structures that host them, the organisations that sponsor
    them."""

    id: str = Field(description="entity ids and claim scopes are 'ID:slug'")
    role: Role
    folder: str = Field(description="the registry's folder of its entries")
    section: str = Field(description="the site's section of its pages: /SECTION/SLUG.html")
    section_names: list[str] = Field(default_factory=list, description="other names of the section in redirects")
    label: str = Field(description="its name in French, singular")
    the_label: str = Field(default="", description="its name with the definite article (« l'entrée »)")
    plural: str = Field(description="its name in French, plural")
    mention: str = Field(description="the label of its mentions in a document")
    name_fields: list[str] = Field(default_factory=lambda: ["title"], description="the fields of its name, in turn")
    link_field: str = "link"
    host_field: str | None = Field(default=None, description="the field naming its host (and its plural: a list)")
    sponsors_field: str | None = Field(default=None, description="the field naming its sponsors (or owner)")
    acronym_field: str | None = None
    common_words: list[str] = Field(
        default_factory=list,
        description="words its entries' names share, which tell none from another (folded, no accents)",
    )
    created: list[str] = Field(
        default_factory=list,
        description="regular expressions on an entry's page: a statement of the year it was created or "
        "started (group year); a page that states two different years gives none",
    )
    created_count: list[str] = Field(
        default_factory=list,
        description="regular expressions on a document's sentence: a count of entries of this kind created "
        "in a year (groups count, year)",
    )

    @functools.cached_property
    def created_patterns(self) -> list[re.Pattern[str]]:
        return [re.compile(p, re.I) for p in self.created]

    @functools.cached_property
    def created_count_patterns(self) -> list[re.Pattern[str]]:
        return [re.compile(p, re.I) for p in self.created_count]

    def page(self, slug: str) -> str:
        """The path of an entry's page on the site: /SECTION/SLUG.html."""
        return f"/{self.section}/{slug}.html"


class RegistryLayout(BaseModel):
    """The registry's layout: its kinds of entries and how a link names a product's page."""

    kinds: list[EntryKind]
    product_link: str = Field(description="a regular expression on a link's target: a product's page (group slug)")
    domain_suffix: str = Field(
        default="(?!)", description="a regular expression: the end of a product's name that is its domain"
    )

    @functools.cached_property
    def domain_pattern(self) -> re.Pattern[str]:
        return re.compile(self.domain_suffix, re.I)

    @functools.cached_property
    def product_link_pattern(self) -> re.Pattern[str]:
        return re.compile(self.product_link)

    @model_validator(mode="after")
    def _one_product(self) -> RegistryLayout:
        if [k.role for k in self.kinds].count("product") != 1:
            raise ValueError("registry.kinds : un et un seul type d'entrée a le rôle product (les produits)")
        return self

    def role(self, role: Role) -> EntryKind | None:
        return next((k for k in self.kinds if k.role == role), None)

    def kind(self, kind_id: str) -> EntryKind | None:
        return next((k for k in self.kinds if k.id == kind_id), None)

    @property
    def product(self) -> EntryKind:
        found = self.role("product")
        assert found is not None  # validated when the profile is read
        return found

    def section_of(self, name: str) -> str | None:
        """The section a redirect's path names ('incubateur' -> 'incubateurs'), or None."""
        folded = name.casefold()
        return next((k.section for k in self.kinds if folded in {k.section, *k.section_names}), None)


class Profile(BaseModel):
    name: str
    folder: str = Field(default="", description="where its data files are (set when it is read)")
    label: str
    registry_label: str
    publisher_scope: str
    generic_hosts: list[str] = Field(default_factory=list)
    information_uri: str | None = None
    grants: list[Grant] = Field(default_factory=list)
    label_words: list[str] = Field(default_factory=list)
    part_sums: list[PartSum] = Field(default_factory=list)
    site: SiteLayout | None = None
    phases: Timeline | None = None
    registry: RegistryLayout | None = None
    report_words: list[str] = Field(
        default_factory=list,
        description="the names of the programme's reports, before the year they cover (a number after one is a year)",
    )

    @property
    def layout(self) -> RegistryLayout:
        """The registry's layout; a profile without one names no kinds of entries."""
        return self.registry or _NO_REGISTRY

    @property
    def product(self) -> EntryKind:
        return self.layout.product

    def grant(self, grant_id: str) -> Grant | None:
        return next((g for g in self.grants if g.id == grant_id), None)

    def data(self, name: str) -> str:
        """A data file of the profile (e.g. "vocabulary.yaml"), as text."""
        return Path(self.folder, name).read_text("utf-8")


_NO_REGISTRY = RegistryLayout(
    kinds=[EntryKind(id="product", role="product", folder="_products", section="products", label="produit",
                     plural="produits", mention="PRODUIT")],
    product_link=r"(?!)",
)  # fmt: skip


def _folder(name: str) -> Path:
    """The folder of a profile: one of this package's by name, or a folder given by its path."""
    if Path(name).joinpath("profile.yaml").is_file():
        return Path(name).resolve()
    packaged = Path(str(resources.files(__name__))) / name
    if packaged.joinpath("profile.yaml").is_file():
        return packaged
    from extractor.errors import FactcheckError

    known = sorted(p.parent.name for p in Path(str(resources.files(__name__))).glob("*/profile.yaml"))
    raise FactcheckError(
        f"profil inconnu : {name} (FACTCHECK_PROFILE : le nom d'un profil, {', '.join(known)}, ou le chemin d'un "
        "dossier qui contient profile.yaml et vocabulary.yaml)"
    )


@functools.cache
def load(name: str) -> Profile:
    folder = _folder(name)
    from extractor.errors import FactcheckError

    path = folder / "profile.yaml"
    try:
        data: Any = yamlio.safe_load(path.read_text("utf-8"))
        return Profile.model_validate({**(data if isinstance(data, dict) else {}), "folder": str(folder)})
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise FactcheckError(f"{path} : profil illisible ({exc}) ; corriger le fichier YAML") from None
    except ValidationError as exc:
        where = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'profil'} : {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()[:3]
        )
        raise FactcheckError(f"{path} : profil invalide ({where}) ; corriger le fichier") from None


def import_registry(folder: str | Path, store: str | Path, memo: EntryMemo | None = None) -> ImportReport:
    """Imports the active profile's registry from `folder` into the reference store `store` (the
    profiles' reader, `extractor.profiles.registry`, driven by the profile's layout); its report.
    `memo`: the entries an earlier import read, by content (`extractor.profiles.registry.EntryMemo`)."""
    from extractor.profiles.registry import import_registry as read_and_store

    return read_and_store(folder, store, memo)


def active() -> Profile:
    """The profile in use: FACTCHECK_PROFILE, or beta.gouv.fr's."""
    return load(os.environ.get("FACTCHECK_PROFILE") or DEFAULT)
