"""Name normalisation for registry lookups (DESIGN §9, "Names").

`normalise_name` is the compact key every name comparison goes through: casefolded, accents
stripped, ligatures expanded, and everything that is not a letter or a digit dropped, so that
"Accès Libre", "acceslibre" and "ACCES-LIBRE" are the same key, as are "Dossier facile" and
"DossierFacile". Fuzzy matching (rapidfuzz) is done by the rules on these keys.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_APOSTROPHES = frozenset("ʼʻʹ")
# Letters that NFKD does not decompose but that people write either way.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "ħ": "h", "þ": "th"})


@lru_cache(maxsize=65536)
def normalise_name(text: str) -> str:
    """The compact comparison key of a name: 'Accès Libre' -> 'acceslibre', 'Œuvre-1' -> 'oeuvre1'."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    # U+02BC (ʼ) is a "letter" for isalnum(), but French uses it as an apostrophe ("lʼinclusion").
    return "".join(c for c in folded if c.isalnum() and c not in _APOSTROPHES and not unicodedata.combining(c))


def clean_text(text: str) -> str:
    """A display name with its whitespace collapsed and symbols such as emoji removed."""
    kept = "".join(c if unicodedata.category(c)[0] != "S" or c in "+&€$" else " " for c in text)
    return " ".join(kept.split())
