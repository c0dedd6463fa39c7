"""Where the CLI, the service and the Python API find what the rules compare with, by default
(relative to the working directory, as the README's commands run from the project's root)."""

from pathlib import Path

REFERENCE = Path(".factcheck/reference.sqlite")  # the imported registry
CORPUS = Path("corpus")  # the published documents a check compares with
INDEX = Path(".factcheck/index.sqlite")  # the corpus index (several corpora, by folder)
