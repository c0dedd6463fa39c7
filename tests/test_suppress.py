"""Inline suppression comments (issue 5)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app

PAGE = """# Bilan

<!-- factcheck: ignore text/placeholder -- la section est numérotée à la mise en page -->
Voir la section X.

Voir encore la section X.

<!-- factcheck: off -- citation d'un texte ancien, reproduite telle quelle -->
La communauté beta.gouv.fr.fr grandit, le le ministère.
<!-- factcheck: on -->

Le site beta.gouv.fr.fr est en ligne.

<!-- factcheck: ignore text/duplicated-token -->
Et le le mot.
"""


def test_ignore_next_block_off_on_and_missing_reason(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(page), "--format", "json"])
    report = json.loads(result.stdout)
    found = [(f["rule"], f["evidence"][0]["location"]["line"]) for f in report["findings"]]
    assert found == [
        ("text/placeholder", 6),  # only the block after the comment is ignored
        ("text/duplicated-token", 12),  # after "on"
        ("text/suppression-without-reason", 14),
    ]
    assert report["stats"]["ignored"] == 4  # section X (l.4), the two slips between off and on, "le le" (l.15)
    text = CliRunner().invoke(app, ["check", str(page)])
    assert "4 ignorés (commentaires)" in text.stdout
