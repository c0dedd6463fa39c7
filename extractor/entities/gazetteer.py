"""The registry as a spaCy PhraseMatcher (the gazetteer of DESIGN §2), built once per registry.

Multi-word names match case-insensitively (LOWER) and also without accents; one-word names
("Tchap", "eva", "Docs") match only as written in the registry or in capitals, so that common
words in running text are not taken for services. Former slugs are left out (often common words).
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from extractor.normalise import strip_accents
from extractor.reference.store import NAME_KINDS, Registry

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher

MIN_NAME_CHARS = 3
# registry -> id of the pipeline's vocabulary -> matchers (the light tokenizer and the model differ)
_cache: weakref.WeakKeyDictionary[Registry, dict[int, tuple[PhraseMatcher, PhraseMatcher]]] = (
    weakref.WeakKeyDictionary()
)


def matcher_for(nlp: Language, registry: Registry) -> _Combined:
    built = _cache.setdefault(registry, {})
    if id(nlp.vocab) not in built:
        from spacy.matcher import PhraseMatcher

        lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        for entry in registry.names(kinds=NAME_KINDS):
            name, entity_id = entry.name, entry.entity_id
            if len(name) < MIN_NAME_CHARS:
                continue
            if len(name.split()) > 1:
                variants = {name, strip_accents(name)}
                lower.add(entity_id, [nlp.make_doc(v) for v in variants])
            else:
                variants = {name, name.upper(), strip_accents(name)}
                exact.add(entity_id, [nlp.make_doc(v) for v in variants])
        built[id(nlp.vocab)] = (lower, exact)
    return _Combined(*built[id(nlp.vocab)])


class _Combined:
    def __init__(self, lower: PhraseMatcher, exact: PhraseMatcher) -> None:
        self.lower, self.exact = lower, exact

    def __call__(self, doc):
        return [*self.lower(doc), *self.exact(doc)]
