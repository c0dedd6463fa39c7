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


class Grant(BaseModel):
    id: str
    label: str
    field: str = Field(description="the registry's name for it (its field and events)")
    round_heading: str = Field(description="a regular expression: a heading naming a round (group 1)")
    rounds_named: str = Field(description="a regular expression: a total naming the rounds it covers")
    round_word: str = "promotion"
    amount_metric: str
    start_event: StartEvent | None = None

    @functools.cached_property
    def heading(self) -> re.Pattern[str]:
        return re.compile(self.round_heading, re.I)

    @functools.cached_property
    def named(self) -> re.Pattern[str]:
        return re.compile(self.rounds_named, re.I)


class PartSum(BaseModel):
    parts: str = Field(description="the metric of the parts")
    total: str = Field(description="the metric of the total they add up to")
    what: str = Field(description="what the parts are, in French, for the message")


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
