"""Caches that are never stale (issue 24, items 2-4 and 6): every input a site run's findings depend
on is flipped in turn, and the run that follows, with its cache, gives the same report as a cold
run in a fresh folder (a new working folder and a new user cache). Each flip changes the report,
so a cache that answered for the old input would fail the comparison.

Inputs: the files the link checker reads, edited at the same size (`_config.yml`, `_redirects`, a
root page's permalink and headings); the French dictionary removed and installed again; a personal
word list (XDG_CONFIG_HOME); a custom profile folder edited; a `factcheck.toml` in the site's
parent folder; a same-size edit of `pyproject.toml`'s `[tool.factcheck]`; two files with the same
bytes. And where the state lives: not in the working folder (read-only, or another project's)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_site import make_site

ROOT = Path(__file__).resolve().parent.parent
CONFIG = "title: site\ncollections_dir: content\ncollections:\n  startups:\n    output: true\n    permalink: /startups/:title\n"  # noqa: E501
LINKS = (
    "---\ntitle: Liens\n---\n\nVoir [la fiche](/startups/chauffage-urbain.html), [le contact](/equipe/#contact) "
    "et [l'ancienne page](/ancien).\n"
)
TEAM = "---\ntitle: Équipe\npermalink: /equipe/\n---\n\n## Contact\n\nÉcrire à l'équipe.\n"
NOTES = "---\ntitle: Notes\n---\n\nIl faut notament vérifier les chiffres.\n"


def linked_site(root: Path) -> Path:
    """A small site whose links depend on `_config.yml`, `_redirects` and a root page, with a page
    that has a spelling slip ("notament")."""
    make_site(root)
    (root / "_config.yml").write_text(CONFIG, encoding="utf-8")
    (root / "_redirects").write_text("/ancien /equipe/ 301\n", encoding="utf-8")
    (root / "equipe.md").write_text(TEAM, encoding="utf-8")
    (root / "_pages" / "liens.md").write_text(LINKS, encoding="utf-8")
    (root / "_pages" / "notes.md").write_text(NOTES, encoding="utf-8")
    return root


class Runs:
    """Site runs in subprocesses: `warm` keeps its working folder and user cache from one run to
    the next; `cold` starts from new ones each time. Both see the same environment otherwise."""

    def __init__(self, tmp: Path, site: Path) -> None:
        self.tmp, self.site, self.count = tmp, site, 0
        self.env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.warm_dir = tmp / "warm"
        self.warm_dir.mkdir()

    def _start(self, folder: Path, *options: str) -> subprocess.Popen[str]:
        env = {**self.env, "XDG_CACHE_HOME": str(folder / "cache")}
        command = [sys.executable, "-m", "extractor", "check", str(self.site), "-f", "json", *options]
        return subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def warm(self, *options: str) -> tuple[dict, str]:
        done = self._start(self.warm_dir, *options)
        out, err = done.communicate()
        assert done.returncode in (0, 1), err
        return report(out), err

    def both(self, *options: str) -> tuple[dict, dict, str]:
        """The warm run and a cold run, side by side (at once: two processes)."""
        self.count += 1
        cold_dir = self.tmp / f"cold-{self.count}"
        cold_dir.mkdir()
        warm, cold = self._start(self.warm_dir, *options), self._start(cold_dir, *options)
        (warm_out, warm_err), (cold_out, cold_err) = warm.communicate(), cold.communicate()
        assert warm.returncode == cold.returncode and warm.returncode in (0, 1), warm_err + cold_err
        return report(warm_out), report(cold_out), warm_err

    def flip(self, before: dict, *options: str) -> dict:
        """After an input changed: the warm run equals the cold one, and differs from `before`."""
        warm, cold, _ = self.both(*options)
        assert warm == cold
        assert warm != before, "the flip changed nothing: the test proves nothing"
        return warm


def report(stdout: str) -> dict:
    """A JSON report without what differs from one run to the next (the time taken)."""
    data = json.loads(stdout)
    data["stats"].pop("seconds", None)
    return data


def rules(data: dict) -> list[tuple[str, str, str]]:
    return sorted((f["rule"], f["severity"], f["evidence"][0]["location"]["path"]) for f in data["findings"])


def test_same_size_edits_of_the_files_the_link_checker_reads_are_seen(tmp_path: Path) -> None:
    site = linked_site(tmp_path / "site")
    runs = Runs(tmp_path, site)
    first, _ = runs.warm()
    assert not [r for r in rules(first) if r[0] == "site/dead-link"]
    config = site / "_config.yml"
    config.write_text(CONFIG.replace("/startups/:title", "/startupz/:title"), encoding="utf-8")  # same size
    moved = runs.flip(first)
    assert any("/startups/chauffage-urbain" in f["message_fr"] for f in moved["findings"])
    config.write_text(CONFIG, encoding="utf-8")
    redirects = site / "_redirects"
    redirects.write_text("/anciem /equipe/ 301\n", encoding="utf-8")  # same size
    redirected = runs.flip(moved)
    assert any("/ancien" in f["message_fr"] for f in redirected["findings"])
    redirects.write_text("/ancien /equipe/ 301\n", encoding="utf-8")
    team = site / "equipe.md"
    team.write_text(TEAM.replace("/equipe/", "/equipa/"), encoding="utf-8")  # the page's permalink
    renamed = runs.flip(redirected)
    assert any("/equipe/#contact" in f["message_fr"] for f in renamed["findings"])
    team.write_text(TEAM.replace("## Contact", "## Contacz"), encoding="utf-8")  # one of its headings
    heading = runs.flip(renamed)
    assert any("#contact" in f["message_fr"] and f["severity"] == "warning" for f in heading["findings"])


def test_a_same_size_edit_of_the_real_sites_config_is_seen(tmp_path: Path) -> None:
    """The issue's case on a copy of the real site (its pages only, for speed): `/startups/:title`
    becomes `/startupz/:title`, and the run after it reports the links to /startups/ as dead, as a
    clean run does."""
    from tests.conftest import SHARED, need

    site = tmp_path / "site"
    shutil.copytree(need(SHARED / "site"), site, ignore=shutil.ignore_patterns(".git"))
    for item in site.rglob("*"):
        item.chmod(0o755 if item.is_dir() else 0o644)
    (site / "factcheck.toml").write_text('[site]\ninclude = ["_pages"]\n', encoding="utf-8")
    runs = Runs(tmp_path, site)
    first, _ = runs.warm("-r", "site/dead-link", "--fail-on", "never")
    config = site / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert "permalink: /startups/:title" in text
    config.write_text(text.replace("permalink: /startups/:title", "permalink: /startupz/:title"), encoding="utf-8")
    moved = runs.flip(first, "-r", "site/dead-link", "--fail-on", "never")
    dead = [f for f in moved["findings"] if "/startups/" in f["message_fr"]]
    assert len(dead) > len([f for f in first["findings"] if "/startups/" in f["message_fr"]])


def test_engines_profile_and_configuration_are_in_the_key(tmp_path: Path) -> None:
    project = tmp_path / "projet"
    site = linked_site(project / "site")
    runs = Runs(tmp_path, site)
    runs.env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    first, _ = runs.warm()
    assert ("text/spelling", "warning", str(site / "_pages" / "notes.md")) in rules(first)
    # The French dictionary removed (no Enchant), twice (the second run answers from its cache and
    # still says the rule was skipped), then installed again.
    fake = tmp_path / "sans-enchant" / "enchant"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('enchant absent (test)')\n", encoding="utf-8")
    runs.env["PYTHONPATH"] = f"{fake.parent}{os.pathsep}{ROOT}"
    removed = runs.flip(first)
    assert "text/spelling" in removed["stats"]["skipped_rules"]
    again, cold, err = runs.both()
    assert again == cold and "inchangé(s)" in err
    runs.env["PYTHONPATH"] = str(ROOT)
    installed = runs.flip(removed)
    assert "text/spelling" not in installed["stats"]["skipped_rules"]
    # A personal word list that knows the word.
    words = tmp_path / "config" / "enchant"
    words.mkdir(parents=True, exist_ok=True)
    (words / "fr_FR.dic").write_text("notament\n", encoding="utf-8")
    personal = runs.flip(installed)
    assert "text/spelling" not in {r[0] for r in rules(personal)}
    (words / "fr_FR.dic").unlink()
    # A custom profile folder, edited (its name stays the same).
    profile = tmp_path / "profil"
    shutil.copytree(ROOT / "extractor" / "profiles" / "betagouv", profile, ignore=shutil.ignore_patterns("__pycache__"))
    runs.env["FACTCHECK_PROFILE"] = str(profile)
    custom = runs.flip(personal)
    spelling = profile / "spelling.yaml"
    spelling.write_text(spelling.read_text(encoding="utf-8") + "  - notament\n", encoding="utf-8")
    edited = runs.flip(custom)
    assert "text/spelling" not in {r[0] for r in rules(edited)}
    del runs.env["FACTCHECK_PROFILE"]
    # A factcheck.toml in the site's parent folder.
    (project / "factcheck.toml").write_text('[severity]\n"text/spelling" = "off"\n', encoding="utf-8")
    parent = runs.flip(installed)  # as before the personal list and the profile, but for the file
    assert "text/spelling" not in {r[0] for r in rules(parent)}
    # A pyproject.toml nearer the pages, then a same-size edit of its [tool.factcheck] table.
    pyproject = site / "pyproject.toml"
    pyproject.write_text('[tool.factcheck.severity]\n"text/spelling" = "info"\n', encoding="utf-8")
    info = runs.flip(parent)
    pyproject.write_text('[tool.factcheck.severity]\n"text/spelling" ="error"\n', encoding="utf-8")
    error = runs.flip(info)
    assert ("text/spelling", "error", str(site / "_pages" / "notes.md")) in rules(error)


def test_two_files_with_the_same_bytes_are_two_documents(tmp_path: Path) -> None:
    site = linked_site(tmp_path / "site")
    runs = Runs(tmp_path, site)
    first, _ = runs.warm()
    shutil.copyfile(site / "_pages" / "notes.md", site / "_pages" / "notes-copie.md")
    runs.flip(first)
    copied, cold, err = runs.both()  # the second run with both files: each from its own kept result
    assert copied == cold and "inchangé(s)" in err
    paths = [d["path"] for d in copied["documents"]]
    assert len(paths) == len(set(paths)) and any(p.endswith("notes-copie.md") for p in paths)
    spelled = [r[2] for r in rules(copied) if r[0] == "text/spelling"]
    assert sorted(Path(p).name for p in spelled) == ["notes-copie.md", "notes.md"]


def test_the_state_of_a_site_is_kept_in_the_user_cache_not_the_working_folder(tmp_path: Path) -> None:
    """A read-only working folder (here one where `.factcheck` cannot be a folder) does not stop a
    site run, and another project's `.factcheck/` is left as it was."""
    site = linked_site(tmp_path / "site")
    runs = Runs(tmp_path, site)
    (runs.warm_dir / ".factcheck").write_text("pas un dossier\n", encoding="utf-8")
    first, err = runs.warm()
    assert "erreur interne" not in err and first["documents"]
    again, err = runs.warm()
    assert again == first and "inchangé(s)" in err
    assert (runs.warm_dir / ".factcheck").read_text(encoding="utf-8") == "pas un dossier\n"
    assert list((runs.warm_dir / "cache" / "factcheck" / "sites").glob("site-*/site-results.sqlite"))
    other = tmp_path / "autre-projet"
    (other / ".factcheck").mkdir(parents=True)
    (other / ".factcheck" / "index.sqlite").write_bytes(b"")
    env = {**runs.env, "XDG_CACHE_HOME": str(tmp_path / "c2")}
    command = [sys.executable, "-m", "extractor", "check", str(site), "-f", "json"]
    done = subprocess.run(command, cwd=other, env=env, capture_output=True, text=True)
    assert report(done.stdout) == first
    assert [p.name for p in (other / ".factcheck").iterdir()] == ["index.sqlite"]
    assert (other / ".factcheck" / "index.sqlite").stat().st_size == 0


def test_a_cache_that_cannot_be_written_is_a_slower_run_not_a_failed_one(tmp_path: Path) -> None:
    site = linked_site(tmp_path / "site")
    runs = Runs(tmp_path, site)
    expected, _ = runs.warm()
    (tmp_path / "fichier").write_text("", encoding="utf-8")
    runs.env["XDG_CACHE_HOME"] = str(tmp_path / "fichier" / "cache")  # under a file: cannot be made
    blocked = tmp_path / "bloqué"
    blocked.mkdir()
    env = {**runs.env, "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()
    done = subprocess.run([sys.executable, "-m", "extractor", "check", str(site), "-f", "json"], cwd=blocked,
                          env=env, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert report(done.stdout) == expected
    assert "cache impossible à écrire" in done.stderr and "XDG_CACHE_HOME" in done.stderr
    assert list((tmp_path / "tmp").iterdir()) == []  # its temporary state is gone with it


@pytest.mark.parametrize("size", [0, 4096])
def test_a_damaged_results_file_is_set_aside_and_rebuilt(tmp_path: Path, size: int) -> None:
    site = linked_site(tmp_path / "site")
    runs = Runs(tmp_path, site)
    first, _ = runs.warm()
    results = next((runs.warm_dir / "cache").rglob("site-results.sqlite"))
    with results.open("r+b") as handle:
        handle.truncate(size)
    again, err = runs.warm()
    assert again == first
    if size:  # an empty file is an empty database: nothing to set aside
        assert err.count("cache endommagé") == 1 and (results.parent / "site-results.sqlite.endommage").exists()
    last, err = runs.warm()
    assert last == first and "inchangé(s)" in err and "endommagé" not in err


def test_a_damaged_registry_or_index_is_set_aside_and_rebuilt(tmp_path: Path) -> None:
    site = linked_site(tmp_path / "site")
    runs = Runs(tmp_path, site)
    first, _ = runs.warm()
    state = next((runs.warm_dir / "cache").rglob("site-results.sqlite")).parent
    for name in ("site-registry-*.sqlite", "index.sqlite"):
        path = next(state.glob(name))
        with path.open("r+b") as handle:
            handle.truncate(path.stat().st_size // 2)
    again, err = runs.warm()
    assert again == first
    assert err.count("cache endommagé") == 2 and "import-betagouv" not in err
    last, err = runs.warm()
    assert last == first and "endommagé" not in err and "déjà importé" in err


def test_every_engine_is_declared_once_with_its_key() -> None:
    """One declaration per engine (extractor.engines): its loader and its cache key; building the
    key imports no rule module (a run whose results are all kept imports no rule)."""
    import subprocess
    import sys

    from extractor import engines

    declared = engines.declared()
    assert {"hunspell-fr", "grammalecte"} <= set(declared)
    assert all(e.key is not None for e in declared.values())
    code = (
        "import sys; from extractor import cachekey; key = cachekey.engines();"
        "print(key.splitlines()[0].split('=')[0], 'extractor.checks.spelling' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["grammalecte", "False"]


def test_the_code_digest_covers_the_whole_package_not_one_folder() -> None:
    """A changed rule, model or catalogue entry is a new version: kept results and the last site
    report must miss. The digest once read only `run/`, the folder its module had moved to."""
    from extractor.run.results import own_files

    package = ROOT / "extractor"
    files = {path.relative_to(package).as_posix() for path in own_files()}
    for expected in ["models.py", "checks/arithmetic.py", "claims/resolve.py", "run/results.py"]:
        assert expected in files
    assert any(name.startswith("checks/catalogue/") and name.endswith(".yaml") for name in files)
    assert any(name.startswith("profiles/") and name.endswith(".yaml") for name in files)
