"""`factcheck check SITE` (issue 14, item 1): a Jekyll site checked as its CI would, on small site
trees written in the tests: the registry read from the site (no import step, imported once per
content), the profile's folders (or factcheck.toml's), the same folders as the corpus, and a file
that cannot be read reported as an info finding instead of failing the run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.samples import text_pdf

FACTCHECK = [sys.executable, "-m", "extractor"]
STARTUP = "---\ntitle: France Chaleur Urbaine\nincubator: dinum\n---\nUn service.\n"
PAGE = "---\ntitle: Bilan\n---\n\nParmi les lauréats : **Franche Chaleur Urbaine**.\n"


def make_site(root: Path) -> Path:
    (root / "content" / "_startups").mkdir(parents=True)
    (root / "content" / "_incubators").mkdir()
    (root / "content" / "_organisations").mkdir()
    (root / "content" / "docs").mkdir()
    (root / "_pages").mkdir()
    (root / "_config.yml").write_text("title: site\n", encoding="utf-8")
    (root / "content" / "_startups" / "chauffage-urbain.md").write_text(STARTUP, encoding="utf-8")
    (root / "content" / "_incubators" / "dinum.md").write_text("---\ntitle: Incubateur DINUM\n---\n", "utf-8")
    (root / "_pages" / "bilan.md").write_text(PAGE, encoding="utf-8")
    (root / "content" / "docs" / "scan.pdf").write_bytes(text_pdf([None]))  # no text layer
    (root / "README.md").write_text("# Le site\n", encoding="utf-8")  # not a checked folder
    return root


def check(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FACTCHECK, "check", *arguments], cwd=cwd, capture_output=True, text=True)


def test_a_site_is_checked_with_its_own_registry_and_no_import_step(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    work = tmp_path / "work"
    work.mkdir()
    first = check(str(site), "-f", "json", cwd=work)
    assert first.returncode == 1, first.stderr  # the name typo is an error; the scan is no exit 2
    report = json.loads(first.stdout)
    rules = sorted(f["rule"] for f in report["findings"])
    assert "reference/name-typo" in rules and "site/unread-file" in rules
    unread = next(f for f in report["findings"] if f["rule"] == "site/unread-file")
    assert unread["severity"] == "info" and unread["evidence"][0]["location"]["path"].endswith("scan.pdf")
    assert "couche texte" in unread["message_fr"]
    assert report["errors"] == [] and "registre lu du site (importé)" in first.stderr
    # The registry pages are checked too, and the README at the root is not.
    paths = {d["path"] for d in report["documents"]}
    assert any(p.endswith("chauffage-urbain.md") for p in paths) and not any(p.endswith("README.md") for p in paths)
    # A second run finds the registry imported already.
    again = check(str(site), "-f", "json", cwd=work)
    assert "déjà importé, inchangé" in again.stderr
    assert sorted(f["fingerprint"] for f in json.loads(again.stdout)["findings"]) == sorted(
        f["fingerprint"] for f in report["findings"]
    )
    # A change to the registry is a new import.
    (site / "content" / "_startups" / "chauffage-urbain.md").write_text(STARTUP.replace("Un service", "Un autre"))
    assert "registre lu du site (importé)" in check(str(site), cwd=work).stderr


def test_factcheck_toml_chooses_the_folders(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    (site / "factcheck.toml").write_text('[site]\nexclude = ["content/docs"]\n', encoding="utf-8")
    report = json.loads(check(str(site), "-f", "json", cwd=tmp_path).stdout)
    assert not any(f["rule"] == "site/unread-file" for f in report["findings"])
    (site / "factcheck.toml").write_text('[site]\ninclude = ["content/docs"]\n', encoding="utf-8")
    done = check(str(site), "-f", "json", cwd=tmp_path)
    assert [f["rule"] for f in json.loads(done.stdout)["findings"]] == ["site/unread-file"]
    assert done.returncode == 0


def test_a_file_named_on_the_command_line_keeps_exit_2(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    done = check(str(site / "content" / "docs" / "scan.pdf"), cwd=tmp_path)
    assert done.returncode == 2 and "couche texte" in done.stdout + done.stderr


def test_a_folder_that_is_not_a_site_is_checked_as_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(text_pdf([None]))
    done = check(str(folder), cwd=tmp_path)
    assert done.returncode == 2 and "site/unread-file" not in done.stdout


def test_a_registry_page_naming_no_entry_is_told_on_its_own_line(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site")
    incubator = site / "content" / "_incubators" / "dinum.md"
    incubator.write_text("---\ntitle: Incubateur DINUM\nowner: /organisations/dinum\n---\nTexte.\n", "utf-8")
    report = json.loads(check(str(site), "-f", "json", cwd=tmp_path).stdout)
    (finding,) = [f for f in report["findings"] if f["rule"] == "reference/unknown-entry"]
    location = finding["evidence"][0]["location"]
    assert location["path"].endswith("_incubators/dinum.md") and location["line"] == 3
    assert "« dinum »" in finding["message_fr"] and "/organisations/dinum" in finding["message_fr"]
    # The organisation's page exists: nothing to say.
    (site / "content" / "_organisations" / "dinum.md").write_text("---\nname: DINUM\n---\n", encoding="utf-8")
    report = json.loads(check(str(site), "-f", "json", cwd=tmp_path).stdout)
    assert not [f for f in report["findings"] if f["rule"] == "reference/unknown-entry"]
