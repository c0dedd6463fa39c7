"""Text normalisation shared by every stage: the form in which words are compared."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Lower case, no accents, apostrophes as ', white space collapsed: the form vocabulary
    patterns, event keys and month names are compared in.

    >>> fold("  Startups d’État\\u00a0EN activité ")
    "startups d'etat en activite"
    """
    text = unicodedata.normalize("NFKD", text.casefold().replace("’", "'").replace("ʼ", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip()
