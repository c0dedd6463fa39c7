"""The beta.gouv.fr registry's reader under its former names: the reader is the profiles' own
(`extractor.profiles.registry`), driven by this profile's data (`registry` in profile.yaml)."""

from extractor.profiles.registry import (
    EntryError,
    ReadResult,
    derive_aliases,
    import_registry,
    parse_amount,
    parse_date,
    parse_front_matter,
    parse_round,
    read_entry,
    read_registry,
)

import_betagouv = import_registry
parse_promotion = parse_round
read_betagouv = read_registry

__all__ = [
    "EntryError",
    "ReadResult",
    "derive_aliases",
    "import_betagouv",
    "import_registry",
    "parse_amount",
    "parse_date",
    "parse_front_matter",
    "parse_promotion",
    "parse_round",
    "read_betagouv",
    "read_entry",
    "read_registry",
]
