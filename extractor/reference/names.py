"""Name normalisation for registry lookups (DESIGN §9, "Names").

`normalise_name` is the compact key every name comparison goes through: casefolded, accents
stripped, ligatures expanded, and everything that is not a letter or a digit dropped, so that
"Accès Libre", "acceslibre" and "ACCES-LIBRE" are the same key, as are "Dossier facile" and
"DossierFacile". Fuzzy matching (rapidfuzz) is done by the rules on these keys.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from extractor.normalise import compact


@lru_cache(maxsize=65536)
def normalise_name(text: str) -> str:
    """The compact comparison key of a name (`extractor.normalise.compact`, cached: every lookup of
    every rule goes through it): 'Accès Libre' -> 'acceslibre', 'Œuvre-1' -> 'oeuvre1'."""
    return compact(text)


def clean_text(text: str) -> str:
    """A display name with its whitespace collapsed and symbols such as emoji removed."""
    kept = "".join(c if unicodedata.category(c)[0] != "S" or c in "+&€$" else " " for c in text)
    return " ".join(kept.split())
