"""Programme knowledge is data (issue 13, item 6): a profile's files, not the rules' code.

- No generic module names the beta.gouv.fr programme, its FAST grant or its reports: the words
  occur only in comments and docstrings outside `extractor/profiles/`.
- Another programme's profile (a folder given by FACTCHECK_PROFILE) changes what the same rules
  know: its grant's start is an event the corpus rules compare, its vocabulary's metrics are
  compared, its publisher is the scope of unattributed figures.
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
PROGRAMME_WORDS = re.compile(r"FAST|fast_|beta\.gouv|promo|Bilan")


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


def test_generic_code_holds_no_programme_knowledge() -> None:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if PACKAGE / "profiles" in path.parents:
            continue  # the profiles' loader and the beta.gouv.fr profile's own registry reader
        found = PROGRAMME_WORDS.findall(code_without_comments_or_docstrings(path))
        if found:
            offenders[str(path.relative_to(ROOT))] = sorted(set(found))
    assert offenders == {}


def test_the_grep_sees_code_it_should() -> None:
    # The filter above keeps code: a string in code is seen, a comment is not.
    sample = ROOT / "tests" / "profile_sample.py.txt"
    try:
        sample.write_text('"""Bilan."""\n# FAST\nX = "promo"\n', encoding="utf-8")
        assert PROGRAMME_WORDS.findall(code_without_comments_or_docstrings(sample)) == ["promo"]
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
