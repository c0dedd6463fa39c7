"""The rule catalogue as users read it: `factcheck rules` and the README's table (generated, and
compared with the catalogue by tests/test_catalogue.py)."""

from __future__ import annotations

from extractor.checks import CONTEXT_NEEDS, RuleSpec, catalogue

README_BEGIN = (
    "<!-- rules:begin (generated from extractor/checks/catalogue/: python -m extractor.checks.docs README.md) -->"
)
README_END = "<!-- rules:end -->"


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
    """The README's table of rules, one row per catalogue entry (the rules' own texts, in French)."""
    lines = ["| id | severity | what it reports | when it stays silent, and why |", "| --- | --- | --- | --- |"]
    for spec in catalogue().values():
        named = [n if n in CONTEXT_NEEDS else f"{n} engine" for n in spec.needs]
        needs = f" *(needs the {' and the '.join(named)})*" if spec.needs else ""
        lines.append(
            f'| <a id="{spec.anchor}"></a>`{spec.id}` | {severities(spec)} | **{_cell(spec.title_fr)}** : '
            f"{_cell(spec.description_fr)}{needs} | {_cell(spec.rationale_fr)} |"
        )
    return "\n".join(lines) + "\n"


def with_table(readme: str) -> str:
    """The README with its table of rules replaced by the catalogue's."""
    head, rest = readme.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    return f"{head}{README_BEGIN}\n{markdown_table()}{README_END}{tail}"


def main(argv: list[str] | None = None) -> int:
    """`python -m extractor.checks.docs README.md`: rewrites the README's table of rules."""
    import sys
    from pathlib import Path

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m extractor.checks.docs README.md", file=sys.stderr)
        return 2
    path = Path(args[0])
    path.write_text(with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
