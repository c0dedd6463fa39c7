"""The reference registry's data model (DESIGN §5): what a programme's registry says about its
entries (of the kinds its profile names: beta.gouv.fr's products, their hosts, their sponsors), as
the reference rules need it.

Ids are prefixed with the profile's kind id ("KIND:SLUG"), like the scope ids of claims. A grant's
data is kept as rows, one per source: the grant's field (the latest award only) and every event of
the grant (the history), so that an entry that contradicts itself stays visible instead of being
silently merged.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

EntityKind = str  # a kind id of the profile's registry (profile.yaml: registry.kinds[].id)
Section = str  # a section of the site of the profile's registry (registry.kinds[].section)
AliasKind = Literal["short", "former", "acronym", "former_slug"]


def entity_id(kind: EntityKind, slug: str) -> str:
    """'KIND', 'SLUG' -> 'KIND:SLUG'."""
    return f"{kind}:{slug}"


class Alias(BaseModel):
    """Another name of an entity.

    - `short`: the title without its parenthesis or "ex ..." part
      ("Signal Logement (ex:Histologe)" -> "Signal Logement");
    - `former`: a former name written in the title ("Histologe", "Place d'Asile");
    - `acronym`: an organisation's acronym, or an acronym in parentheses that matches the initials ("MRS");
    - `former_slug`: a slug from `redirect_from` ("lapins", "rdv-services-publics"): a former name, but
      often a common word ("apprentissage"), so gazetteers and typo rules may leave it out.
    """

    name: str
    kind: AliasKind


class SlugRef(BaseModel):
    """A URL path of the site that leads to the entity: its own page or a `redirect_from` entry."""

    section: Section
    slug: str
    current: bool = Field(description="True for the entity's own page, False for a redirect (a former slug)")


class Phase(BaseModel):
    name: str
    start: dt.date | None = None
    end: dt.date | None = None


class Award(BaseModel):
    """One statement of the registry about a grant award (a round of a funding programme that the
    profile names, `grant`). `source` is "field" for the entry's own field (its latest award only),
    "event" for a dated event of the entry (the history; amount and round are parsed from its
    comment and may be missing)."""

    grant: str = Field(description="the profile's grant id")
    round: int | None = Field(default=None, description="the round number")
    amount: int | None = Field(default=None, description="euros")
    source: Literal["field", "event"]
    date: dt.date | None = None
    comment: str | None = None


class Entity(BaseModel):
    id: str = Field(description="kind-prefixed id: 'KIND:SLUG'")
    kind: EntityKind
    slug: str = Field(description="the file name without .md: the slug of the entity's page")
    name: str = Field(description="the entry's name (the first of its kind's name fields)")
    aliases: list[Alias] = Field(default_factory=list)
    slugs: list[SlugRef] = Field(default_factory=list, description="own page first, then redirect_from")
    host: str | None = Field(default=None, description="entity id of the product's host")
    sponsors: list[str] = Field(
        default_factory=list, description="entity ids of the sponsoring (product) or owning (host) sponsors"
    )
    phases: list[Phase] = Field(default_factory=list)
    awards: list[Award] = Field(default_factory=list)
    national_impact: list[dt.date] = Field(default_factory=list, description="dates of `national_impact` events")
    link: str | None = None
    created: int | None = Field(
        default=None, description="the year the entry's page says it was created (its kind's `created`), if one"
    )
    source_path: str = Field(description="the registry file, relative to the imported folder")

    @property
    def names(self) -> list[str]:
        """The title then every alias."""
        return [self.name, *(a.name for a in self.aliases)]

    @property
    def current_phase(self) -> Phase | None:
        """The phase that started last (the registry does not keep phases in order)."""
        dated = [p for p in self.phases if p.start is not None]
        if not dated:
            return self.phases[-1] if self.phases else None
        return max(dated, key=lambda p: p.start or dt.date.min)


class Round(BaseModel):
    """One round of a grant as its own page announces it (the profile's grant pages): its number,
    its month (the page's title), the call's deadline, the applications received, the projects
    selected and the total awarded, each None when the page does not say it. `lines` gives the
    page's line of each figure, for evidence."""

    grant: str = Field(description="the profile's grant id")
    round: int
    title: str
    date: dt.date | None = Field(default=None, description="the first day of the month in the title")
    deadline: dt.date | None = None
    applications: int | None = None
    selected: int | None = None
    total: int | None = Field(default=None, description="euros")
    source_path: str = Field(description="the round's page, relative to the imported folder")
    lines: dict[str, int] = Field(default_factory=dict, description="figure name -> line of the page")


class ImportProblem(BaseModel):
    """A registry file that was skipped, or a field of an imported entry that was ignored."""

    path: str
    reason_fr: str


Skipped = ImportProblem


class ImportReport(BaseModel):
    source: str
    database: str
    counts: dict[str, int] = Field(default_factory=dict, description="entries imported, by kind id")
    skipped: list[ImportProblem] = Field(default_factory=list, description="entries not imported, with the reason")
    warnings: list[ImportProblem] = Field(
        default_factory=list, description="entries imported without one of their fields, with the reason"
    )
    seconds: float = 0.0
