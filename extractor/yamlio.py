"""YAML read with libyaml's parser when PyYAML has it: 5 to 10 times faster than the pure-Python
parser (the catalogue alone took 0.3 s of every run), the same data for factcheck's files
(tests/test_yamlio.py compares both on each of them)."""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str | bytes) -> Any:
    """`yaml.safe_load`, with the C parser when there is one."""
    return yaml.load(text, Loader=SafeLoader)
