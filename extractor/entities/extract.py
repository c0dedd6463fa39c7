"""Entity mentions: services, incubators and organisations named in a document (DESIGN §2 extract).

Where a name is written decides how it is linked to the registry, most reliable first:
1. a link to `/startups/SLUG.html`: the slug wins, even under a misspelled name ("Franche VAE" ->
   reva); a slug the registry does not know keeps its href, for the unknown-slug rule;
2. a link to a service's own site: the registry's `link` host ("covoiturage.beta.gouv.fr");
3. the name itself, compactly normalised ("Accès Libre" = "Acceslibre"), when it is written
   where names are written: link texts, bold text, list heads, first table column;
4. a gazetteer of every registry name over the running text (spaCy PhraseMatcher): multi-word
   names case-insensitively, one-word names with their own capitalisation (so "docs" or "haie"
   in a sentence are not services);
5. spaCy's NER (ORG, PER, LOC, MISC) for the other names, unlinked unless the registry knows them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from urllib.parse import urlparse

from extractor import profiles
from extractor.claims.evidence import locate
from extractor.models import Block, BlockKind, Document, EntityMention, MentionSource
from extractor.reference.store import NAME_KINDS, Registry, product_slug

NER_LABELS = {"ORG", "PER", "LOC", "MISC"}


def _label(kind_id: str) -> str:
    """The label of a mention of an entry of this kind (the profile's: its kind's `mention`)."""
    kind = profiles.active().layout.kind(kind_id)
    return kind.mention if kind else kind_id.upper()


def _host(url: str) -> str | None:
    host = urlparse(url if "//" in url else f"//{url}").hostname
    return host.removeprefix("www.") if host else None


@functools.lru_cache(maxsize=4)
def _hosts(registry: Registry) -> dict[str, str]:
    """Site host -> entity id, for hosts that name one entity only."""
    seen: dict[str, set[str]] = {}
    for entity in registry.entities.values():
        host = _host(entity.link) if entity.link else None
        if host and host not in profiles.active().generic_hosts:
            seen.setdefault(host, set()).add(entity.id)
    return {host: next(iter(ids)) for host, ids in seen.items() if len(ids) == 1}


def _mention(doc: Document, block: Block, start: int, end: int, label: str, entity_id: str | None,
             score: float, source: MentionSource, href: str | None = None) -> EntityMention:  # fmt: skip
    return EntityMention(
        text=block.text[start:end], label=label, entity_id=entity_id, score=score,
        location=locate(doc, block, start, end), block=block.id, start=start, end=end, source=source, href=href,
    )  # fmt: skip


def name_spans(doc: Document, block: Block) -> Iterable[tuple[int, int]]:
    """Where names are written: link and bold texts, the head of a list item, a first table column."""
    for span in block.spans:
        if span.kind in ("link", "strong"):
            yield span.start, span.end
    if block.kind == BlockKind.table_cell and block.col == 0:
        yield 0, len(block.text)
    if block.kind == BlockKind.list_item and len(block.text.split()) <= 6 and not re.search(r"\d", block.text):
        yield 0, len(block.text)


def _by_name(registry: Registry, name: str) -> str | None:
    found = registry.by_name(name, kinds=NAME_KINDS)
    return found[0].id if len(found) == 1 else None


def extract_entities(doc: Document, registry: Registry | None = None, *, use_ner: bool = True) -> list[EntityMention]:
    mentions: dict[tuple[int | None, int | None, int | None], EntityMention] = {}

    def add(mention: EntityMention) -> None:
        key = (mention.block, mention.start, mention.end)
        kept = mentions.get(key)
        if kept is None or (kept.entity_id is None and mention.entity_id is not None):
            mentions[key] = mention

    for block in doc.blocks:
        for span in block.spans:
            if span.kind != "link" or not span.href:
                continue
            slug = product_slug(span.href)
            if slug:
                entity = registry.by_slug(slug) if registry else None
                product = profiles.active().product
                entity_id = entity.id if entity else (None if registry else f"{product.id}:{slug}")
                if entity is None and registry is not None:  # unknown slug: the name may still be known
                    entity_id = _by_name(registry, block.text[span.start : span.end])
                add(_mention(doc, block, span.start, span.end, product.mention, entity_id, 1.0, "slug", span.href))
            elif registry is not None and not re.match(r"https?://|www\.", block.text[span.start : span.end]):
                host = _host(span.href)
                entity_id = _hosts(registry).get(host) if host else None
                if entity_id:
                    label = _label(registry.get(entity_id).kind)  # type: ignore[union-attr]
                    add(_mention(doc, block, span.start, span.end, label, entity_id, 0.95, "site", span.href))
        if registry is not None:
            for start, end in name_spans(doc, block):
                entity_id = _by_name(registry, block.text[start:end])
                if entity_id:
                    label = _label(registry.get(entity_id).kind)  # type: ignore[union-attr]
                    add(_mention(doc, block, start, end, label, entity_id, 1.0, "name"))
    if registry is not None or use_ner:
        for mention in _nlp_mentions(doc, registry, use_ner):
            if not any(_overlaps(mention, kept) for kept in mentions.values()):
                add(mention)
    return sorted(mentions.values(), key=lambda m: (m.block, m.start))


def _overlaps(a: EntityMention, b: EntityMention) -> bool:
    return a.block == b.block and a.start < b.end and b.start < a.end  # type: ignore[operator]


def _nlp_mentions(doc: Document, registry: Registry | None, use_ner: bool) -> list[EntityMention]:
    from extractor.entities.gazetteer import matcher_for
    from extractor.entities.nlp import load_nlp, load_tokenizer

    nlp = load_nlp() if use_ner else load_tokenizer()
    matcher = matcher_for(nlp, registry) if registry is not None else None
    texts = [b.text for b in doc.blocks]
    out: list[EntityMention] = []
    pipe = nlp.pipe(texts) if use_ner else (nlp.make_doc(t) for t in texts)
    for block, sdoc in zip(doc.blocks, pipe, strict=True):
        taken: list[tuple[int, int]] = []
        if matcher is not None:
            for match_id, start, end in matcher(sdoc):
                span = sdoc[start:end]
                if len(span) > 1 and not any(c.isupper() for c in span.text):
                    continue  # "métiers du numérique" in a sentence is a phrase, not the service
                entity_id = nlp.vocab.strings[match_id]
                label = _label(entity_id.split(":", 1)[0])
                taken.append((span.start_char, span.end_char))
                out.append(_mention(doc, block, span.start_char, span.end_char, label, entity_id, 0.9, "gazetteer"))
        if use_ner:
            for ent in sdoc.ents:
                if ent.label_ not in NER_LABELS or any(s < ent.end_char and ent.start_char < e for s, e in taken):
                    continue
                entity_id = _by_name(registry, ent.text) if registry is not None else None
                out.append(_mention(doc, block, ent.start_char, ent.end_char, ent.label_, entity_id, 0.5, "ner"))
    return _longest(out)


def _longest(mentions: list[EntityMention]) -> list[EntityMention]:
    """Overlapping gazetteer matches: keep the longest ("Marché de l'inclusion" over "inclusion")."""
    kept: list[EntityMention] = []
    for m in sorted(mentions, key=lambda m: (m.block, -(m.end - m.start))):  # type: ignore[operator]
        if not any(_overlaps(m, k) for k in kept):
            kept.append(m)
    return kept
