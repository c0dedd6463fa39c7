"""The rule catalogue as users read it: `factcheck rules` and docs/rules.md (generated, and
compared with the catalogue by tests/test_catalogue.py)."""

from __future__ import annotations

from pathlib import Path

from extractor.checks import CONTEXT_NEEDS, RuleSpec, catalogue

RULES_PAGE = Path("docs") / "rules.md"
REGENERATE = f"python -m extractor.checks.docs {RULES_PAGE.as_posix()}"
MARK = "<!-- Generated from extractor/checks/catalogue/"
GENERATED = f"{MARK} by `{REGENERATE}`: edit the catalogue. -->"


def severities(spec: RuleSpec) -> str:
    """'error (or warning)': the default severity, then the others the rule may give."""
    others = sorted(s.value for s in spec.allowed if s != spec.severity)
    return spec.severity.value + (f" (or {', '.join(others)})" if others else "")


_SEVERITY_FR = {"error": "erreur", "warning": "avertissement", "info": "info"}


def severities_fr(spec: RuleSpec) -> str:
    """'erreur (ou avertissement)': the same in French, for `factcheck rules`."""
    others = [_SEVERITY_FR[s.value] for s in sorted(spec.allowed, key=lambda s: -s.rank) if s != spec.severity]
    return _SEVERITY_FR[spec.severity.value] + (f" (ou {', '.join(others)})" if others else "")


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell: no raw HTML ("<!-- factcheck: … -->" would hide the
    rest of the cell), no column break."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def markdown_table() -> str:
    """The table of rules, one row per catalogue entry (the rules' own texts, in French); each row's
    id is its `RuleSpec.anchor`."""
    lines = ["| id | severity | what it reports | when it stays silent, and why |", "| --- | --- | --- | --- |"]
    for spec in catalogue().values():
        named = [n if n in CONTEXT_NEEDS else f"{n} engine" for n in spec.needs]
        needs = f" *(needs the {' and the '.join(named)})*" if spec.needs else ""
        lines.append(
            f'| <a id="{spec.anchor}"></a>`{spec.id}` | {severities(spec)} | **{_cell(spec.title_fr)}** : '
            f"{_cell(spec.description_fr)}{needs} | {_cell(spec.rationale_fr)} |"
        )
    return "\n".join(lines) + "\n"


def rules_page() -> str:
    """docs/rules.md: the rules reference, the catalogue's table under a short introduction."""
    return f"""# Rules

{GENERATED}

Every rule factcheck runs, in the order of its catalogue
(`extractor/checks/catalogue/`, one file per family): its id, the severity it gives (a folder's `factcheck.toml` can
change it or turn the rule off), what it reports (its French title and description, as users read
them) and when it stays silent. A rule that needs the registry, the corpus, the site or an optional
engine is skipped without it, and the run says so: see
[the manual](manual.md#what-the-rules-need-and-how-to-tune-them). `factcheck rules` prints the same
catalogue in the terminal.

{markdown_table()}"""


def main(argv: list[str] | None = None) -> int:
    """`python -m extractor.checks.docs docs/rules.md`: rewrites the rules reference."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(f"usage : {REGENERATE}", file=sys.stderr)
        return 2
    path = Path(args[0])
    if path.exists() and MARK not in path.read_text(encoding="utf-8"):
        # Never overwrite a hand-written file (the README held this table once).
        print(f"Erreur : {path} n'est pas la page générée des règles ; "
              f"à faire : donner le chemin de docs/rules.md ({REGENERATE}).", file=sys.stderr)  # fmt: skip
        return 2
    path.write_text(rules_page(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
