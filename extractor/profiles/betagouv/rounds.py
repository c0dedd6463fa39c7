"""The FAST promotions' pages' reader under its former name: the profiles' own
(`extractor.profiles.rounds`), driven by this profile's `grants[].pages`."""

from extractor.profiles.rounds import read_round, read_rounds

__all__ = ["read_round", "read_rounds"]
