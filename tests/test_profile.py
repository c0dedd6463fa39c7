"""Programme knowledge is data (issue 13, item 6; issue 25, item 5): a profile's files, not the
rules' code.

- No generic module names the beta.gouv.fr programme, its kinds of entries and their folders, its
  FAST grant and its promotions, its reports: the words (in any case) occur only in comments and
  docstrings outside the profiles' own folders, but for a few allowed uses, each with its reason.
- Another programme's profile (a folder given by FACTCHECK_PROFILE) changes what the same rules
  know: its grant's start is an event the corpus rules compare, its vocabulary's metrics are
  compared, its publisher is the scope of unattributed figures; and a toy programme's site (other
  folders, kinds, link patterns and round names: tests/data/profiles/toy) gets the same findings
  from the same rules as the same site in beta.gouv.fr's layout.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "extractor"
# The programme's names, in any case: its kinds of entries, their folders, its grant and its rounds,
# its reports, its domain, its profile's name, an incubator's name.
PROGRAMME_WORDS = re.compile(r"\w*(?:startup|incubat|organisation|betagouv|fast|bilan|promo|dinum)\w*|beta\.gouv", re.I)
# Generic code that may use one of these words, each with its reason: (module, word casefolded).
ALLOWED = {
    ("extractor/checks/reference.py", "fast"): "the rule id reference/fast-mismatch, kept for the baselines and "
    "verdicts that list it (issue 25: rule ids may stay; its rounds and folders are the profile's)",
    ("extractor/service/app.py", "fastapi"): "the web framework's package",
    ("extractor/service/docs.py", "fastapi"): "the web framework's package",
    ("extractor/service/docs.py", "fastapi_offline"): "the web framework's offline assets package",
    ("extractor/service/errors.py", "fastapi"): "the web framework's package",
    ("extractor/service/server.py", "startup"): "uvicorn's Server.startup hook, overridden",
    ("extractor/profiles/__init__.py", "betagouv"): "the default profile's name (FACTCHECK_PROFILE unset)",
    ("extractor/reference/cli.py", "betagouv"): "`reference import-betagouv`, the command's former name, kept "
    "(hidden) for the scripts and CI jobs that call it",
    ("extractor/cli.py", "bilans"): "a French common noun in the tool's one-line description (any programme's "
    "annual reports)",
}


def code_without_comments_or_docstrings(path: Path) -> str:
    """The module's source with comments and docstrings blanked out."""
    source = path.read_text(encoding="utf-8")
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                docstrings.add((first.lineno, first.col_offset))
    kept = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT or (token.type == tokenize.STRING and token.start in docstrings):
            continue
        kept.append(token.string)
    return " ".join(kept)


def programme_words(path: Path) -> set[str]:
    """The programme's words in a module's code (not its comments or docstrings), casefolded."""
    return {w.casefold() for w in PROGRAMME_WORDS.findall(code_without_comments_or_docstrings(path))}


def test_generic_code_holds_no_programme_knowledge() -> None:
    offenders = {}
    used = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if PACKAGE / "profiles" in path.parents and path.parent != PACKAGE / "profiles":
            continue  # a profile's own folder (its data, and the former names of its modules)
        found = {w for w in programme_words(path) if (str(rel), w) not in ALLOWED}
        used |= {(str(rel), w) for w in programme_words(path)}
        if found:
            offenders[str(rel)] = sorted(found)
    assert offenders == {}
    assert set(ALLOWED) <= used, "an allowed use that is gone: remove it from ALLOWED"


def test_the_grep_sees_code_it_should() -> None:
    # The filter above keeps code: a string or a name in code is seen (in any case), a comment or a
    # docstring is not.
    sample = ROOT / "tests" / "profile_sample.py.txt"
    try:
        sample.write_text(
            '"""Bilan."""\n# FAST\nX = "Promo"\nIncubators = "/STARTUPS/" + "beta.gouv.fr"\n', encoding="utf-8"
        )
        assert programme_words(sample) == {"promo", "incubators", "startups", "beta.gouv"}
    finally:
        sample.unlink()


TOY_PROFILE = """
name: toy
label: programme Toy
registry_label: registre Toy
publisher_scope: programme:toy
grants:
  - id: pia
    label: PIA
    field: pia
    round_heading: '\\bPIA\\s+(\\d+)\\b'
    rounds_named: '\\bvagues?\\s+(\\d+)(?:\\s*(?:,|et)\\s*(\\d+))*'
    round_word: vague
    amount_metric: pia_amount
    start_event:
      key: debut du pia
      label: Début du PIA
      mention: '\\bPIA\\b'
"""
TOY_VOCABULARY = """
metrics:
  - id: pilot_sites
    label: Sites pilotes
    kind: stock
    unit: count
    patterns:
      - "sites? pilotes?"
  - id: pia_amount
    label: Montant PIA
    kind: flow
    unit: EUR
    patterns:
      - "montant"
"""
CHECK = """
import json, sys
from pathlib import Path
from extractor import checks
from extractor.corpus.index import CorpusIndex
from extractor.ingest import load
folder = Path(sys.argv[1])
index = CorpusIndex(folder.parent / "index.sqlite", folder)
index.refresh(folder)
out = []
for path in sorted(folder.iterdir()):
    for f in checks.run(load(str(path)), checks.Context(corpus=index), only=["corpus/"]):
        out.append([f.rule, f.message_fr])
print(json.dumps(out, ensure_ascii=False))
"""


def run_with(profile: str | None, folder: Path) -> list[list[str]]:
    env = {k: v for k, v in os.environ.items() if k != "FACTCHECK_PROFILE"}
    if profile:
        env["FACTCHECK_PROFILE"] = profile
    done = subprocess.run([sys.executable, "-c", CHECK, str(folder)], env=env, capture_output=True, text=True,
                          check=True, cwd=ROOT)  # fmt: skip
    return json.loads(done.stdout)


def test_another_programme_profile_drives_the_same_rules(tmp_path: Path) -> None:
    profile = tmp_path / "toy"
    profile.mkdir()
    (profile / "profile.yaml").write_text(TOY_PROFILE, encoding="utf-8")
    (profile / "vocabulary.yaml").write_text(TOY_VOCABULARY, encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("Le PIA a été lancé en 2010.\n\nEn 2024, on compte 12 sites pilotes.\n", "utf-8")
    (corpus / "b.md").write_text("Depuis 2012, le PIA finance l'innovation.\n\nEn 2024, 14 sites pilotes.\n", "utf-8")
    toy = run_with(str(profile), corpus)
    # (One finding per disagreement, issue 27: a date conflict is told once, as a figure's.)
    assert sorted(rule for rule, _ in toy) == ["corpus/conflicting-date", "corpus/conflicting-value"]
    messages = " ".join(message for _, message in toy)
    assert "Début du PIA" in messages and "Sites pilotes" in messages and "(toy, 2024)" in messages
    # The beta.gouv.fr profile knows neither the PIA nor pilot sites: the same documents say nothing.
    assert run_with(None, corpus) == []


def test_an_unknown_profile_is_a_clear_error(tmp_path: Path) -> None:
    env = {**os.environ, "FACTCHECK_PROFILE": str(tmp_path / "nowhere")}
    (tmp_path / "a.md").write_text("En 2024, 12 services.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "extractor", "check", str(tmp_path / "a.md"), "--corpus", "none"],
                          env=env, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 2 and "profil inconnu" in done.stderr and "Traceback" not in done.stderr


# --- a second profile runs the same rules on a site of its own -----------------------------------

TOY = ROOT / "tests" / "data" / "profiles" / "toy"

# The same small site, written in each programme's layout: a product and its host in the registry,
# a round's page, and a report page with a misspelt product name (a link to its page), a link to an
# unknown product page, a link to a page the site does not serve and a round's call deadline that
# its page contradicts. Only the names differ (same lines).
LAYOUTS = {
    "betagouv": {
        "registry": "content", "products": "_startups", "hosts": "_incubators", "rounds": "_fasts",
        "section": "startups", "host_section": "incubateurs", "name": "title", "host_field": "incubator",
        "round_page": "FAST 3 - Juin 2024",
        "round_text": "L'appel à projet FAST 3 était ouvert à candidature jusqu'au 15 mai 2024.",
        "report": "Rapport 2024", "round_heading": "FAST 3",
        "deadline": "L'appel du FAST 3 était ouvert à candidature jusqu'au 20 mai 2024.",
    },
    "toy": {
        "registry": "fiches", "products": "_produits", "hosts": "_labos", "rounds": "_vagues",
        "section": "produits", "host_section": "labos", "name": "nom", "host_field": "labo",
        "round_page": "BOURSE 3 - Juin 2024",
        "round_text": "Pour la BOURSE 3, candidatures reçues jusqu'au 15 mai 2024.",
        "report": "Synthèse 2024", "round_heading": "BOURSE 3",
        "deadline": "Pour la BOURSE 3, candidatures reçues jusqu'au 20 mai 2024.",
    },
}  # fmt: skip
FOUND = {"reference/name-typo", "reference/unknown-slug", "site/dead-link", "reference/round-mismatch"}


def make_site(root: Path, names: dict[str, str]) -> Path:
    registry = root / names["registry"]
    for folder in ("_pages", f"{names['registry']}/{names['products']}", f"{names['registry']}/{names['hosts']}",
                   f"{names['registry']}/{names['rounds']}"):  # fmt: skip
        (root / folder).mkdir(parents=True)
    (root / "_config.yml").write_text(
        f"collections_dir: {names['registry']}\ncollections:\n"
        f"  {names['products'][1:]}:\n    output: true\n    permalink: /{names['section']}/:title.html\n"
        f"  {names['hosts'][1:]}:\n    output: true\n    permalink: /{names['host_section']}/:title.html\n"
        f"  {names['rounds'][1:]}:\n    output: true\n    permalink: /tours/:title.html\n",
        encoding="utf-8",
    )
    (registry / names["products"] / "carte-claire.md").write_text(
        f"---\n{names['name']}: Carte Claire\n{names['host_field']}: labo-nord\n---\nUn produit.\n", "utf-8"
    )
    (registry / names["hosts"] / "labo-nord.md").write_text(f"---\n{names['name']}: Labo du Nord\n---\n", "utf-8")
    (registry / names["rounds"] / "3.md").write_text(
        f"---\ntitle: {names['round_page']}\n---\n{names['round_text']}\n", "utf-8"
    )
    (root / "_pages" / "rapport.md").write_text(
        f"---\ntitle: {names['report']}\npermalink: /rapport/\n---\n# {names['report']}\n\n"
        f"Nos produits : [Carte Clarie](/{names['section']}/carte-claire.html) aide les communes.\n\n"
        f"Voir aussi [Bidule](/{names['section']}/bidule.html).\n\n"
        "Voir [les aides](/aides-absentes/).\n\n"
        f"## {names['round_heading']}\n\n{names['deadline']}\n",
        "utf-8",
    )
    return root


def check_site(profile: str | None, site: Path, cache: Path) -> set[tuple[str, str, int]]:
    """(rule, file name, line) of the findings of `factcheck check SITE` under a profile."""
    env = {k: v for k, v in os.environ.items() if k != "FACTCHECK_PROFILE"}
    env["XDG_CACHE_HOME"] = str(cache)
    if profile:
        env["FACTCHECK_PROFILE"] = profile
    done = subprocess.run([sys.executable, "-m", "extractor", "check", str(site), "--format", "json"], env=env,
                          capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    return {
        (f["rule"], Path(f["evidence"][0]["location"]["path"]).name, f["evidence"][0]["location"]["line"])
        for f in report["findings"]
    }


def test_a_toy_programme_profile_finds_what_beta_gouv_fr_finds(tmp_path: Path) -> None:
    beta = check_site(None, make_site(tmp_path / "beta", LAYOUTS["betagouv"]), tmp_path / "cache-beta")
    toy = check_site(str(TOY), make_site(tmp_path / "toy", LAYOUTS["toy"]), tmp_path / "cache-toy")
    found = {(rule, name, line) for rule, name, line in toy if rule in FOUND}
    # A misspelt name, an unknown product page, a page the site does not serve, a round's deadline.
    assert {rule for rule, _, _ in found} == FOUND
    assert {name for _, name, _ in found} == {"rapport.md"}
    assert found == {f for f in beta if f[0] in FOUND}
    # The beta.gouv.fr profile does not read the toy programme's site: no site, no registry.
    assert not {f for f in check_site(None, tmp_path / "toy", tmp_path / "cache-none") if f[0] in FOUND}


def test_a_profile_with_two_kinds_of_products_is_a_clear_error(tmp_path: Path) -> None:
    profile = tmp_path / "double"
    profile.mkdir()
    data = (TOY / "profile.yaml").read_text(encoding="utf-8").replace("role: host", "role: product")
    (profile / "profile.yaml").write_text(data, encoding="utf-8")
    (profile / "vocabulary.yaml").write_text("metrics: []\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("En 2024, 12 services.\n", encoding="utf-8")
    env = {**os.environ, "FACTCHECK_PROFILE": str(profile)}
    done = subprocess.run([sys.executable, "-m", "extractor", "check", str(tmp_path / "a.md"), "--corpus", "none"],
                          env=env, capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "profil invalide" in done.stderr and "rôle product" in done.stderr
