"""Text normalisation shared by every stage: the forms in which words are compared.

One primitive (`strip_accents`) and the three forms built on it; a module that needs another form
builds it from these and says why in one line (`fingerprint.normalise`, `reference.names`):

- `fold`: lower case, no accents, apostrophes as ', white space collapsed: words as read
  (vocabulary patterns, event keys, month names);
- `plain`: `fold` without punctuation: every run of characters that are not letters or digits is
  one space (fingerprint quotes, property names);
- `compact`: a key of letters and digits only, ligatures expanded (registry names: "Accès Libre",
  "acceslibre" and "ACCES-LIBRE" are one key).
"""

from __future__ import annotations

import re
import unicodedata

# Letters that NFKD does not decompose but that people write either way.
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "ħ": "h", "þ": "th"})
# Apostrophes other than ': U+02BC (ʼ) is a "letter" for str.isalnum() and for \w, but French uses it
# as an apostrophe ("lʼinclusion"), as it does U+2019.
APOSTROPHES = "’ʼʻʹ"
_TO_APOSTROPHE = str.maketrans(dict.fromkeys("’ʼ", "'"))
_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[\W_]+")


def strip_accents(text: str) -> str:
    """The text decomposed (NFKD: "ﬁ" is "fi", U+00A0 a space) without its combining marks. Case,
    ligatures and punctuation are kept.

    >>> strip_accents("Élève à l’école, ﬁn")
    'Eleve a l’ecole, fin'
    """
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower case, no accents, apostrophes as ', white space collapsed: the form vocabulary
    patterns, event keys and month names are compared in.

    >>> fold("  Startups d’État\\u00a0EN activité ")
    "startups d'etat en activite"
    >>> fold("Févr.")
    'fevr.'
    """
    return _SPACES.sub(" ", strip_accents(text.casefold().translate(_TO_APOSTROPHE))).strip()


def plain(text: str) -> str:
    """Lower case, no accents, and every run of characters that are not letters or digits one
    space: the form blind to punctuation and quoting. (U+02BC stays: it is a letter here, as
    fingerprints always read it.)

    >>> plain("« Égalité », l’État !")
    'egalite l etat'
    >>> plain("Date_de-publication")
    'date de publication'
    """
    return _NOT_WORD.sub(" ", strip_accents(text.casefold())).strip()


def compact(text: str) -> str:
    """Letters and digits only, lower case, no accents, ligatures expanded, apostrophes dropped:
    the compact key of a name.

    >>> compact("Accès Libre"), compact("ACCES-LIBRE"), compact("Œuvre-1"), compact("lʼinclusion")
    ('acceslibre', 'acceslibre', 'oeuvre1', 'linclusion')
    """
    folded = strip_accents(text.casefold().translate(LIGATURES))
    return "".join(c for c in folded if c.isalnum() and c not in APOSTROPHES)
