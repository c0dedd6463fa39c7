"""Registry rules: names of services that near-miss the registry, and links to unknown pages."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from extractor.checks import Context, finding, phrase, rule
from extractor.claims.evidence import block_evidence
from extractor.entities.extract import name_spans
from extractor.models import Block, Document, Evidence, Finding, Location, Severity
from extractor.profiles import EntryKind, Grant, Profile
from extractor.reference.models import Entity
from extractor.reference.names import normalise_name
from extractor.reference.store import NAME_KINDS, Registry, product_slug

TYPO_SCORE = 94.0  # DESIGN §9: fuzz.ratio on compact keys, WRatio and partial scorers excluded
# A link names its page: a looser likeness than TYPO_SCORE calls its text a typo, but not so loose
# that a legitimate variant is one ("Inventaire des ZAE" for "Inventaire ZAE": 89.7).
LINKED_SCORE = 90.0
SHORT_NAME = 8  # compact keys this short use an edit distance of one instead of the ratio


# What a name may carry around it without being misspelt: an article or a generic noun before it
# ("la Base Adresse Nationale", "l'outil Compte-rendu VIF"), a site suffix or a gloss after it
# ("Suite territoriale — beta.gouv.fr", "Inventaire ZAE (fiche)").
@functools.cache
def _lead(product_labels: tuple[str, ...]) -> re.Pattern[str]:
    """That article and generic noun, with the names the programme gives its products."""
    return re.compile(
        r"^(?:(?:le|la|les|un|une|des|du|l['’ʼ]|d['’ʼ])\s*)?(?:(?:outil|service|plateforme|application|site|produit|"
        + "".join(f"{re.escape(label)}|" for label in product_labels)
        + r"start-up|démarche)\s+)?",
        re.I,
    )


@dataclass(frozen=True)
class _Names:
    """What the name rules read of the profile (the context's): the pattern of a name's framing,
    the products' kind and the hosts' kind."""

    lead: re.Pattern[str]
    product: str
    host: EntryKind | None

    @staticmethod
    def of(profile: Profile) -> _Names:
        labels = tuple(k.label for k in profile.layout.kinds if k.role == "product")
        return _Names(_lead(labels), profile.product.id, profile.layout.role("host"))


_TAIL = re.compile(r"\s+[—–-]\s+.*$|\s*\(.*$")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")


def bare_name(text: str, lead: re.Pattern[str]) -> str:
    """The name itself, without invisible characters, a leading article or generic noun (`lead`),
    or a trailing gloss.

    >>> lead = _lead(("Startup d'État",))
    >>> bare_name("L\ufeffa communauté de l'inclusion", lead), bare_name("l'outil Compte-rendu VIF", lead)
    ("communauté de l'inclusion", 'Compte-rendu VIF')
    >>> bare_name("Suite territoriale — beta.gouv.fr", lead), bare_name("la Startup d'État Tchap", lead)
    ('Suite territoriale', 'Tchap')
    """
    text = _INVISIBLE.sub("", text).strip()
    return _TAIL.sub("", lead.sub("", text, count=1)).strip() or text


# A registry name that starts with its acronym ("AMI - Application mobile interministérielle",
# "ZAN : Zéro artificialisation nette"): the text may write either part alone.
_ACRONYM_FIRST = re.compile(r"^(?P<acronym>[A-Z0-9][A-Z0-9&.+-]{1,9})\s*(?:[-–—:]|\()\s*(?P<rest>[^)]+?)\)?$")
# The generic nouns a product's name is made of ("Mes Démarches", "Ma Aide", "Annuaire des
# services"): written in the plural or the singular, they are the same product. A plural or
# singular of a distinctive word of the name ("Climats" for "Climat", "Logements" for "Logement")
# is a typo.
_PRODUCT_WORDS = {
    "aide", "annuaire", "application", "appli", "carte", "compte", "demarche", "donnee", "dossier", "espace",
    "fiche", "formulaire", "guide", "outil", "page", "plateforme", "portail", "projet", "ressource", "service",
    "simulateur", "site", "mes", "ma", "mon", "nos", "notre", "vos", "votre", "des", "de", "du", "le", "la", "les",
}  # fmt: skip


def _forms(right: str, lead: re.Pattern[str]) -> set[str]:
    """The compact keys a registry name may be written as without a typo: the name; without its
    gloss, its article or generic noun (« L'Annuaire des collectivités », « Annuaire des
    collectivités »); either part of a name that starts with its acronym."""
    forms = {right, bare_name(right, lead)}
    acronym = _ACRONYM_FIRST.match(right.strip())
    if acronym:
        forms |= {acronym.group("acronym"), acronym.group("rest"), bare_name(acronym.group("rest"), lead)}
    return {normalise_name(f) for f in forms if normalise_name(f)}


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def _number_only(text: str, right: str) -> bool:
    """Whether `text` writes `right` but for the plural or singular of its generic nouns (and the
    determiners agreeing with them): « Mes Démarches » for « Ma Démarche »."""
    words = [normalise_name(w) for w in re.findall(r"[^\W\d_]+", text)]
    names = [normalise_name(w) for w in re.findall(r"[^\W\d_]+", right)]
    if len(words) != len(names) or words == names:
        return False
    determiners = {"mes": "ma", "mon": "ma", "nos": "notre", "vos": "votre", "les": "la", "le": "la", "des": "du"}
    noun = False  # the previous word was a generic noun written in the other number
    for word, name in zip(words, names, strict=True):
        if word == name:
            noun = False
            continue
        a, b = _singular(word), _singular(name)
        if a in determiners.values() or a in determiners:
            a, b = determiners.get(a, a), determiners.get(b, b)
        if a != b or (a not in _PRODUCT_WORDS and not noun):  # an adjective agrees with its noun
            return False
        noun = a in _PRODUCT_WORDS
    return True


def _variant(text: str, right: str, lead: re.Pattern[str]) -> bool:
    """Whether `text` writes the registry name `right` but for its framing: an article, an elision
    or a generic noun before it, a gloss after it, the acronym the registry puts first, the plural
    or singular of its generic nouns. A near-miss of a distinctive word ("Franche" for "France",
    "Climats" for "Climat") is a typo."""
    written = {normalise_name(bare_name(text, lead)), normalise_name(text)}
    if written & _forms(right, lead):
        return True
    rights = (right, *_acronym_rest(right))
    return any(_number_only(bare_name(t, lead), bare_name(r, lead)) for t in (text,) for r in rights)


def _acronym_rest(right: str) -> list[str]:
    found = _ACRONYM_FIRST.match(right.strip())
    return [found.group("rest")] if found else []


def _product_link(block: Block, start: int, end: int) -> str | None:
    for span in block.spans:
        if span.kind == "link" and span.start <= start and end <= span.end and (slug := product_slug(span.href)):
            return slug
    return None


def _fuzzy_index(registry: Registry, product: str) -> tuple[list[str], list[str], list[str]]:
    """The names of the registry's products (`product`: their kind), normalised, for fuzzy matching;
    built once per registry and kind."""
    indexes = getattr(registry, "_typo_index", None)
    if indexes is None:
        indexes = registry._typo_index = {}  # type: ignore[attr-defined]
    cached = indexes.get(product)
    if cached is None:
        entries = [n for n in registry.names(kinds=NAME_KINDS, entity_kinds=(product,)) if len(n.normalised) >= 4]
        cached = indexes[product] = ([n.normalised for n in entries], [n.name for n in entries],
                                     [n.entity_id for n in entries])  # fmt: skip
    return cast(tuple[list[str], list[str], list[str]], cached)


def _near_miss(registry: Registry, text: str, linked: bool, names: _Names) -> tuple[str, str, float] | None:
    """(entity id, registry name, score) of the name `text` nearly writes, or None when it writes a
    registry name exactly or none closely."""
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import Levenshtein

    key = normalise_name(text)
    bare = bare_name(text, names.lead)
    if len(key) < 4 or registry.by_name(text, kinds=NAME_KINDS) or registry.by_name(bare, kinds=NAME_KINDS):
        return None
    keys, written, ids = _fuzzy_index(registry, names.product)
    if len(key) <= SHORT_NAME:
        if not linked:
            return None  # a short bold word near a short service name is too often a plain word
        close = [i for i, k in enumerate(keys) if abs(len(k) - len(key)) <= 1 and Levenshtein.distance(k, key) == 1]
        return (ids[close[0]], written[close[0]], 0.0) if len({ids[i] for i in close}) == 1 else None
    found = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE)
    if found:
        return ids[found[2]], written[found[2]], found[1]
    return None


@rule("reference/name-typo")
def name_typo(doc: Document, ctx: Context) -> Iterator[Finding]:
    registry = ctx.registry
    assert registry is not None
    known = _Names.of(ctx.profile)
    for block in doc.blocks:
        for start, end in dict.fromkeys(name_spans(doc, block)):
            text = block.text[start:end].strip(" :;,.")
            if not text or len(text.split()) > 6 or re.search(r"(?<!\w)\d", text):
                continue
            slug = _product_link(block, start, end)
            entity = registry.by_slug(slug) if slug else None
            if entity is not None:
                # Its names, not its former page addresses ("friche-reboost" is a slug, not a name).
                names = [entity.name, *(a.name for a in entity.aliases if a.kind in NAME_KINDS)]
                miss = _linked_miss(text, names)
                found = (entity.id, miss, 0.0) if miss else None
            else:
                found = _near_miss(registry, text, slug is not None, known)
            if found is None or _variant(text, found[1], known.lead):
                continue
            entity_id, right, _ = found
            source = registry.get(entity_id).source_path  # type: ignore[union-attr]
            cased = in_case_of(text, right)
            yield finding(
                "reference/name-typo",
                [block_evidence(doc, block, start, start + len(block.text[start:end].rstrip(" :;,.")))],
                variant="cased" if cased != right else None,
                written=text,
                registry=ctx.profile.registry_label,
                name=right,
                source=source,
                cased=cased,
                suggestion={},
            )


def in_case_of(text: str, right: str) -> str:
    """The registry's name written in the case the text writes names: in capitals on a slide in
    capitals, with each long word capitalised in a title-case list; else as the registry writes it.

    >>> in_case_of("MON DEVIS SANS OUBLI", "Mon Devis Sans Oublis")
    'MON DEVIS SANS OUBLIS'
    >>> in_case_of("Zéro Logements Vacants", "Zéro logement vacant")
    'Zéro Logement Vacant'
    >>> in_case_of("Franche Chaleur urbaine", "France Chaleur Urbaine")
    'France Chaleur Urbaine'
    """
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 4 and all(c.isupper() for c in letters):
        return right.upper()
    long_words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) >= 4]
    if len(long_words) >= 2 and all(w[0].isupper() for w in long_words):
        return re.sub(r"[^\W\d_]{4,}", lambda m: m.group(0)[0].upper() + m.group(0)[1:], right)
    return right


def _linked_miss(text: str, names: list[str]) -> str | None:
    """The name a link's text means to write, when it nearly writes it: a near spelling ("Franche
    VAE" for "France VAE") or the name with words added ("Mes événements emploi Simplifiées").
    A shorter form of the name ("Je Veux Aider" for "JeVeuxAider.gouv.fr") is not a typo."""
    from rapidfuzz import fuzz

    key = normalise_name(text)
    keys = [normalise_name(n) for n in names]
    if key in keys or any(k.startswith(key) for k in keys):
        return None
    best = max(range(len(names)), key=lambda i: fuzz.ratio(key, keys[i]))
    if fuzz.ratio(key, keys[best]) >= LINKED_SCORE or (len(keys[best]) >= 6 and key.startswith(keys[best])):
        return names[best]
    return None


@rule("reference/unknown-slug")
def unknown_slug(doc: Document, ctx: Context) -> Iterator[Finding]:
    from rapidfuzz import fuzz, process

    registry = ctx.registry
    assert registry is not None
    layout = ctx.profile.layout
    known = _Names.of(ctx.profile)
    slugs = registry.slugs(layout.product.section)
    for block in doc.blocks:
        for span in block.spans:
            slug = product_slug(span.href) if span.kind == "link" else None
            if slug is None or registry.by_slug(slug) is not None:
                continue
            closest = process.extractOne(slug, slugs, scorer=fuzz.ratio)
            linked = block.text[span.start : span.end]
            near = closest[0] if closest and closest[1] >= 80 else _named_by(registry, linked, known)
            host = None if near else _host_named(registry, linked, known)
            entity = registry.by_slug(near) if near else None
            variant = None
            if near:
                variant = "near-named" if entity else "near"
            elif host is not None:
                variant = "host"
            yield finding(
                "reference/unknown-slug",
                [block_evidence(doc, block, span.start, span.end)],
                variant=variant,
                link=layout.product.page(slug),
                registry=ctx.profile.registry_label,
                near_page=layout.product.page(near) if near else None,
                name=entity.name if entity else None,
                host=(host[0].the_label or host[0].label) if host else None,
                host_name=host[1].name if host else None,
                host_page=host[0].page(host[1].slug) if host else None,
                suggestion={} if variant else None,
            )


def _named_by(registry: Registry, text: str, names: _Names) -> str | None:
    """The slug of the product a link's text names (exactly or nearly), for a link whose own slug
    is close to none: "[Emplois de l'inclusion](/startups/itou.html)" points at "les-emplois"."""
    from rapidfuzz import fuzz, process

    key = normalise_name(bare_name(text, names.lead))
    if len(key) < 4:
        return None
    keys, _, ids = _fuzzy_index(registry, names.product)
    found = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE)
    entity = registry.get(ids[found[2]]) if found else None
    return entity.slug if entity is not None else None


_ARTICLE = re.compile(r"^(?:le|la|les|l['’ʼ])\s*", re.I)


def _host_named(registry: Registry, text: str, names: _Names) -> tuple[EntryKind, Entity] | None:
    """The host a link's text names exactly ("la Plateforme de l'Inclusion"), if one does."""
    kind = names.host
    if kind is None:
        return None
    keys = {normalise_name(bare_name(text, names.lead)), normalise_name(_ARTICLE.sub("", text.strip(), count=1))}
    keys = {k for k in keys if len(k) >= 4}
    found = [e for e in registry.entities.values() if e.kind == kind.id and normalise_name(e.name) in keys]
    return (kind, found[0]) if len(found) == 1 else None


@rule("reference/fast-mismatch")
def grant_mismatch(doc: Document, ctx: Context) -> Iterator[Finding]:
    """The amounts listed under a grant round's heading against the registry's awards of that round
    (the id names the first grant it checked; it is kept for the baselines that list it)."""
    for grant in ctx.profile.grants:
        yield from _grant_mismatch(doc, ctx, grant)


def _grant_mismatch(doc: Document, ctx: Context, grant: Grant) -> Iterator[Finding]:
    from extractor.checks.arithmetic import fr, grant_round

    registry = ctx.registry
    assert registry is not None
    label = ctx.profile.registry_label
    product = ctx.profile.product.id + ":"
    for claim in ctx.claims(doc):
        if claim.metric_id != grant.amount_metric or not (claim.scope_id or "").startswith(product):
            continue
        block = doc.blocks[claim.block]
        number = grant_round(grant, block)
        entity = registry.by_slug(claim.scope_id.split(":", 1)[1])  # type: ignore[union-attr]
        if number is None or entity is None:
            continue
        said = {
            a.source: Decimal(a.amount)
            for a in entity.awards
            if a.grant == grant.id and a.round == number and a.amount is not None
        }
        if not said:
            continue  # the registry may keep only a product's latest award: silence is no contradiction
        amount = claim.quantity.value
        where = entity.source_path
        evidence = [Evidence(location=claim.location, quote=claim.sentence[:160], value=amount)]
        words: dict[str, Any] = {"name": entity.name, "grant": grant.label, "round": number,
                                 "amount": fr(amount, "EUR"), "registry": label, "source": where}  # fmt: skip
        if amount not in said.values():
            listed = " ; ".join(_award(grant, s, v) for s, v in sorted(said.items()))
            yield finding("reference/fast-mismatch", evidence, listed=listed, **words, suggestion={})
        elif len(set(said.values())) > 1:
            # The registry contradicts itself: the document agrees with one of its statements, so its
            # figure is unconfirmed, not wrong; the registry's page is told by reference/registry-conflict.
            agreeing = next(s for s, v in sorted(said.items()) if v == amount)
            others = " ; ".join(_award(grant, s, v) for s, v in sorted(said.items()) if v != amount)
            yield finding(
                "reference/fast-mismatch", evidence, severity=Severity.warning, variant="unconfirmed",
                agreeing=phrase("reference/fast-mismatch", "agreeing-" + agreeing, field=grant.field),
                others=others, **words, suggestion={},
            )  # fmt: skip


def _award(grant: Grant, source: str, amount: Decimal) -> str:
    """One of the registry's statements of an award: its amount and where the page states it."""
    from extractor.checks.arithmetic import fr

    return phrase("reference/fast-mismatch", source, amount=fr(amount, "EUR"), field=grant.field)


def _page_entity(doc: Document, ctx: Context) -> Entity | None:
    """The registry entry whose page the document is (None for any other document)."""
    registry = ctx.registry
    assert registry is not None
    entity_id = registry.entity_at(doc.path)
    return registry.get(entity_id) if entity_id else None


@rule("reference/unknown-entry")
def unknown_entry(doc: Document, ctx: Context) -> Iterator[Finding]:
    """A registry page whose incubator, sponsors or owner names no entry of the registry: the site
    renders a link to a page that does not exist. Reported on the page's own line."""
    entity = _page_entity(doc, ctx)
    if entity is None:
        return
    layout = ctx.profile.layout
    kind = layout.kind(entity.kind)
    named = [(kind.host_field, entity.host)] if entity.host and kind and kind.host_field else []
    named += [(kind.sponsors_field, s) for s in entity.sponsors] if kind and kind.sponsors_field else []
    registry = ctx.registry
    assert registry is not None
    for field, target in named:
        if target is None or registry.get(target) is not None:
            continue
        slug = target.split(":", 1)[1]
        at = _field_value(doc.text, field, slug, layout.kinds)
        location = doc.locate(*at) if at else Location(path=doc.path, line=1, column=1, end_line=1, end_column=1)
        kind_id = target.split(":", 1)[0]
        target_kind = layout.kind(kind_id)
        close = _closest_slug(registry, kind_id, slug)
        yield finding(
            "reference/unknown-entry",
            [Evidence(location=location, quote=doc.text[at[0] : at[1]] if at else slug)],
            variant="close" if close is not None else None,
            field=field,
            name=entity.name,
            slug=slug,
            registry=ctx.profile.registry_label,
            folder=target_kind.section if target_kind else "",
            close=close.slug if close else None,
            close_name=close.name if close else None,
            suggestion={},
        )


def _closest_slug(registry: Registry, kind: str, slug: str) -> Entity | None:
    """The entry of this kind whose slug is closest to `slug` ("menjs" for "menj"), when one is close:
    one edit away, or a likeness of 80 or more."""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Levenshtein

    best: tuple[float, Entity] | None = None
    for candidate in registry.entities.values():
        if candidate.kind != kind:
            continue
        score = fuzz.ratio(slug, candidate.slug)
        if Levenshtein.distance(slug, candidate.slug) <= 1:
            score = max(score, 100.0 - 0.1)
        if score >= 80 and (best is None or score > best[0]):
            best = (score, candidate)
    return best[1] if best else None


def _field_value(text: str, field: str, slug: str, kinds: Sequence[EntryKind]) -> tuple[int, int] | None:
    """Where the front matter writes this field's value naming `slug` (its line, or the list item);
    `kinds`, the registry's, name the fields that name entries."""
    fields = {f for k in kinds for f in (k.host_field, k.sponsors_field) if f}
    pattern = "|".join(sorted((re.escape(f) + "s?" for f in fields), reverse=True)) or "(?!)"
    for match in re.finditer(rf"^(?P<field>{pattern})\s*:", text, re.M):
        if not match.group("field").startswith(field.rstrip("s")):
            continue
        found = text.find(slug, match.end(), match.end() + 400)
        if found != -1:
            return found, found + len(slug)
    return None


@rule("reference/registry-conflict")
def registry_conflict(doc: Document, ctx: Context) -> Iterator[Finding]:
    """A registry page whose grant field says one amount for a round and whose own dated event of
    that round says another. An event that names no round is another award (an earlier round), not
    a contradiction. Reported on the page's own field line, the event's line beside it."""
    entity = _page_entity(doc, ctx)
    if entity is None:
        return
    label = ctx.profile.registry_label
    for grant in ctx.profile.grants:
        awards = [a for a in entity.awards if a.grant == grant.id and a.amount is not None and a.round is not None]
        for field in (a for a in awards if a.source == "field"):
            events = [a for a in awards if a.source == "event" and a.round == field.round and a.amount != field.amount]
            if not events:
                continue
            from extractor.checks.arithmetic import fr

            at = _grant_field_value(doc.text, grant.field, field.amount)  # type: ignore[arg-type]
            here = doc.locate(*at) if at else Location(path=doc.path, line=1, column=1, end_line=1, end_column=1)
            evidence = [Evidence(location=here, quote=doc.text[at[0] : at[1]] if at else grant.field,
                                 value=Decimal(field.amount))]  # type: ignore[arg-type]  # fmt: skip
            for event in events:
                found = doc.text.find(event.comment or "\0")
                if found != -1:
                    end = found + len(event.comment or "")
                    evidence.append(Evidence(location=doc.locate(found, end), quote=doc.text[found:end],
                                             value=Decimal(event.amount)))  # type: ignore[arg-type]  # fmt: skip
            yield finding(
                "reference/registry-conflict",
                evidence,
                name=entity.name,
                field=grant.field,
                amount=fr(Decimal(field.amount or 0), "EUR"),
                round_word=grant.round_word,
                round=field.round,
                grant=grant.label,
                said=" ; ".join(fr(Decimal(e.amount or 0), "EUR") for e in events),
                suggestion={"registry": label},
            )


def _grant_field_value(text: str, field: str, amount: int) -> tuple[int, int] | None:
    """Where the front matter's grant field writes this amount (its own line under `field:`)."""
    head = re.search(rf"^{re.escape(field)}\s*:", text, re.M)
    if head is None:
        return None
    value = re.compile(rf"(?<!\d){amount}(?!\d)").search(text, head.end(), head.end() + 200)
    return (value.start(), value.end()) if value else None


OVERLAP_DAYS = 31  # a month either way, the margin the registry's timelines are read with


@rule("reference/phase-overlap")
def phase_overlap(doc: Document, ctx: Context) -> Iterator[Finding]:
    """A registry page whose phases overlap: a phase that starts more than a month before an
    earlier-starting phase of the same page ends. The site draws the timeline from these dates;
    which of the two dates is wrong is not said. Reported on the later phase's start line."""
    import datetime as dt

    from extractor.dates import date_fr

    entity = _page_entity(doc, ctx)
    if entity is None:
        return
    dated = [p for p in entity.phases if p.start is not None]
    reported: set[str] = set()
    for first in dated:
        if first.end is None or first.start is None:
            continue
        for second in dated:
            if second is first or second.name in reported or second.start is None:
                continue
            if not first.start <= second.start < first.end - dt.timedelta(days=OVERLAP_DAYS):
                continue
            if second.start == first.start and second.end is not None and second.end <= first.end:
                continue  # the same span or inside it, told from the other side
            reported.add(second.name)
            at = _phase_start(doc.text, second.name, second.start.isoformat())
            location = doc.locate(*at) if at else Location(path=doc.path, line=1, column=1, end_line=1, end_column=1)
            yield finding(
                "reference/phase-overlap",
                [Evidence(location=location, quote=doc.text[at[0] : at[1]] if at else second.name)],
                name=entity.name,
                first=first.name,
                end=date_fr(first.end),
                second=second.name,
                start=date_fr(second.start),
                suggestion={},
            )


def _phase_start(text: str, name: str, start: str) -> tuple[int, int] | None:
    """Where the front matter writes the start of the phase `name` (its `start:` value)."""
    for match in re.finditer(rf"name:\s*['\"]?{re.escape(name)}['\"]?\s*$", text, re.M):
        found = re.compile(rf"start:\s*['\"]?({re.escape(start)})").search(text, match.end(), match.end() + 600)
        if found:
            return found.start(1), found.end(1)
    return None
