"""`check SITE --changed` (issue 14, item 7): a change to a registry page re-checks the documents
that cite that startup, a change to a FAST page the reports that cite that promotion, besides the
changed files themselves; on small sites in git repositories written here."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app
from extractor.ingest import read_bytes
from extractor.run.changed import Cited, citing_lines
from tests.test_changed import git

TCHAP = "---\ntitle: Tchap\nincubator: dinum\n---\nLa messagerie.\n"
FAST = "---\ntitle: FAST 16 - Mars 2025\npromotion: 16\n---\nLe comité a sélectionné 5 projets.\n"
FILES = {
    "_config.yml": "title: site\nurl: https://beta.gouv.fr\n",
    "content/_startups/tchap.md": TCHAP,
    "content/_startups/pix.md": "---\ntitle: Pix\nincubator: dinum\n---\nLes compétences.\n",
    "content/_incubators/dinum.md": "---\ntitle: Incubateur DINUM\n---\nTexte.\n",
    "content/_organisations/dinum.md": "---\nname: DINUM\n---\n",
    "content/_fasts/16_fast.md": FAST,
    "_pages/bilan-tchap.md": "---\ntitle: Bilan\n---\n\n# Produits\n\nTchap compte 400 000 utilisateurs.\n\n"
    "# Autre\n\nUn texte sans rapport.\n",
    "_pages/lien.md": "---\ntitle: Lien\n---\n\nVoir [la messagerie](/startups/tchap.html).\n",
    "_pages/bilan-pix.md": "---\ntitle: Bilan Pix\n---\n\nPix compte 100 utilisateurs.\n",
    "_pages/fast.md": "---\ntitle: FAST\n---\n\n## Lauréats FAST 16\n\n| Produit | Montant |\n| --- | --- |\n"
    "| Pix | 200 000 € |\n\n## Autre\n\nTexte.\n",
    "_pages/promos.md": "---\ntitle: Promos\n---\n\n2,48 millions d'euros sur les promos 15 et 16.\n",
    "_pages/fast-12.md": "---\ntitle: FAST 12\n---\n\nLa promotion 12 a sélectionné 4 projets.\n",
}


def make_repo(root: Path) -> Path:
    site = root / "site"
    for path, text in FILES.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(text, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "init")
    return site


def checked(root: Path) -> set[str]:
    result = CliRunner().invoke(app, ["check", "site", "--changed", "-f", "json", "--index", str(root / "i.sqlite")])
    assert result.exit_code in (0, 1), result.output
    return {Path(d["path"]).name for d in json.loads(result.stdout)["documents"]}


def test_a_registry_page_change_rechecks_the_documents_citing_the_startup(tmp_path: Path, monkeypatch) -> None:
    site = make_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    (site / "content/_startups/tchap.md").write_text(TCHAP.replace("La messagerie", "La messagerie de l'État"))
    # The page itself, the report naming Tchap, the page linking to it; not the report on Pix.
    assert checked(tmp_path) == {"tchap.md", "bilan-tchap.md", "lien.md"}


def test_a_fast_page_change_rechecks_the_reports_citing_the_promotion(tmp_path: Path, monkeypatch) -> None:
    site = make_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    (site / "content/_fasts/16_fast.md").write_text(FAST.replace("5 projets", "6 projets"), encoding="utf-8")
    # "Lauréats FAST 16" and "promos 15 et 16" cite it; "promotion 12" does not.
    assert checked(tmp_path) == {"16_fast.md", "fast.md", "promos.md"}


def test_nothing_changed_on_a_site(tmp_path: Path, monkeypatch) -> None:
    make_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check", "site", "--changed", "--index", str(tmp_path / "i.sqlite")])
    assert result.exit_code == 0 and "Aucun document modifié" in result.stdout


def test_the_citing_lines_are_the_section_of_the_promotion() -> None:
    doc = read_bytes(FILES["_pages/fast.md"].encode(), "fast.md")
    lines = citing_lines(doc, Cited(rounds={"fast": {16}}))
    table = next(b for b in doc.blocks if "200 000" in b.text)
    other = next(b for b in doc.blocks if b.text == "Texte.")
    assert table.location.line in lines and other.location.line not in lines
    assert citing_lines(doc, Cited(rounds={"fast": {12}})) == set()
