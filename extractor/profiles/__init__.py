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
from typing import Any

import yaml
from pydantic import BaseModel, Field

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


class Grant(BaseModel):
    id: str
    label: str
    field: str = Field(description="the registry's name for it (its field and events)")
    round_heading: str = Field(description="a regular expression: a heading naming a round (group 1)")
    rounds_named: str = Field(description="a regular expression: a total naming the rounds it covers")
    round_word: str = "promotion"
    round_ordinal: str | None = Field(
        default=None, description="a regular expression: a round named by its ordinal (group 1), '14ème édition'"
    )
    amount_metric: str
    laureates_metric: str | None = Field(default=None, description="the metric of a count of laureates")
    start_event: StartEvent | None = None
    pages: GrantPages | None = None

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

    def grant(self, grant_id: str) -> Grant | None:
        return next((g for g in self.grants if g.id == grant_id), None)

    def data(self, name: str) -> str:
        """A data file of the profile (e.g. "vocabulary.yaml"), as text."""
        return Path(self.folder, name).read_text("utf-8")


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
    data: Any = yaml.safe_load(folder.joinpath("profile.yaml").read_text("utf-8"))
    return Profile.model_validate({**(data if isinstance(data, dict) else {}), "folder": str(folder)})


def active() -> Profile:
    """The profile in use: FACTCHECK_PROFILE, or beta.gouv.fr's."""
    return load(os.environ.get("FACTCHECK_PROFILE") or DEFAULT)
