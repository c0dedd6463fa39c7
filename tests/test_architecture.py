"""The architecture (issue 18): data flows one way through the stages, and a new input format is
one module plus one registration."""

from __future__ import annotations

import ast
from pathlib import Path

from extractor import checks, ingest
from tests.conftest import ROOT

STAGES = ["ingest", "repair", "structure", "extract", "resolve", "check", "report"]
# Each module's stage (by module prefix, longest first). The readers build blocks: they are the
# structure stage; `extractor.ingest` itself reads bytes and hands them on (ingest, then repair,
# then the reader), so it may call those. Models, errors, profiles, the registry's store and the
# drivers (pipeline, CLI, service, eval) belong to no stage.
MODULES = {
    "extractor.ingest": "ingest",
    "extractor.limits": "ingest",
    "extractor.textmap": "ingest",
    "extractor.repair": "repair",
    "extractor.structure": "structure",
    "extractor.ingest.markdown": "structure",
    "extractor.ingest.html": "structure",
    "extractor.ingest.text": "structure",
    "extractor.ingest.pdf": "structure",
    "extractor.ingest.docx": "structure",
    "extractor.claims.numbers": "extract",
    "extractor.claims.events": "extract",
    "extractor.entities": "extract",
    "extractor.evidence": "extract",
    "extractor.claims": "resolve",
    "extractor.analyse": "resolve",
    "extractor.checks": "check",
    "extractor.corpus": "check",
    "extractor.suppress": "check",
    "extractor.config": "check",
    "extractor.fingerprint": "check",
    "extractor.report": "report",
    "extractor.baseline": "report",
}
# The one place that runs the first three stages in order for every reader.
LOADER = "extractor.ingest"


def stage_of(module: str) -> str | None:
    best = max((p for p in MODULES if module == p or module.startswith(p + ".")), key=len, default=None)
    return MODULES[best] if best else None


def module_name(path: Path, root: Path = ROOT) -> str:
    name = ".".join(path.relative_to(root).with_suffix("").parts)
    return name.removesuffix(".__init__")


def imports(path: Path) -> list[tuple[int, str]]:
    """Every `extractor.*` module the file imports, at module level or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("extractor"):
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("extractor")]
    return found


def backward_imports(root: Path = ROOT) -> list[str]:
    out = []
    for path in sorted((root / "extractor").rglob("*.py")):
        module = module_name(path, root)
        stage = stage_of(module)
        if stage is None:
            continue
        for line, target in imports(path):
            other = stage_of(target)
            if other is None or STAGES.index(other) <= STAGES.index(stage):
                continue
            if module == LOADER and other in ("repair", "structure"):
                continue
            out.append(f"{module} ({stage}) imports {target} ({other}), line {line}")
    return sorted(set(out))


def test_no_stage_imports_a_later_one() -> None:
    assert backward_imports() == []


def test_the_walk_sees_a_backward_import(tmp_path: Path, monkeypatch) -> None:
    # The walk is not vacuous: a resolve module importing a rule is reported.
    assert stage_of("extractor.claims.resolve") == "resolve" and stage_of("extractor.checks.text") == "check"
    assert stage_of("extractor.claims.numbers") == "extract" and stage_of("extractor.ingest.pdf") == "structure"
    source = tmp_path / "extractor" / "claims" / "bad.py"
    source.parent.mkdir(parents=True)
    source.write_text("def f():\n    from extractor.checks.text import placeholder\n", encoding="utf-8")
    assert imports(source) == [(2, "extractor.checks.text"), (2, "extractor.checks.text.placeholder")]
    assert backward_imports(tmp_path) == [
        "extractor.claims.bad (resolve) imports extractor.checks.text (check), line 2",
        "extractor.claims.bad (resolve) imports extractor.checks.text.placeholder (check), line 2",
    ]


TOY = '''
"""A toy format: one paragraph per line that starts with "> "."""

from extractor.models import BlockKind, Document
from extractor.structure import BlockBuilder


def read_quotes(doc: Document) -> Document:
    builder = BlockBuilder(doc)
    offset = 0
    for line in doc.text.splitlines(keepends=True):
        if line.startswith("> "):
            builder.add(BlockKind.paragraph, line[2:].strip(), offset + 2, offset + len(line.rstrip("\\n")))
        offset += len(line)
    return doc
'''


def test_a_new_format_is_one_module_and_one_registration(tmp_path: Path, monkeypatch) -> None:
    module = tmp_path / "toy_quotes.py"
    module.write_text(TOY, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(ingest, "READERS", dict(ingest.READERS))
    monkeypatch.setattr(ingest, "FORMATS", dict(ingest.FORMATS))
    ingest.register_reader([".quotes"], "quotes", "toy_quotes:read_quotes")
    document = tmp_path / "note.quotes"
    document.write_text("ignored line\n> Voir la section X du rapport.\n> Les le le chiffres.\n", encoding="utf-8")
    doc = ingest.load(document)
    assert doc.format == "quotes" and [b.text for b in doc.blocks] == [
        "Voir la section X du rapport.",
        "Les le le chiffres.",
    ]
    found = checks.run(doc, only=["text/"])
    assert {f.rule for f in found} == {"text/placeholder", "text/duplicated-token"}
    # Findings point at the original lines.
    assert sorted(f.evidence[0].location.line for f in found) == [2, 3]
    # And a folder of such files is collected like any other.
    assert ingest.collect([str(tmp_path)])[0] == [str(document)]


def test_every_renderer_takes_only_a_report(tmp_path: Path) -> None:
    import inspect

    from extractor.pipeline import check_paths
    from extractor.report import github, html, sarif, text

    for renderer in (html.render, sarif.render, github.render):
        assert list(inspect.signature(renderer).parameters) == ["report"], renderer
    assert next(iter(inspect.signature(text.render).parameters)) == "report"  # and the console to print on
    # The HTML page shows the text from the report alone: the file may be gone by then.
    draft = tmp_path / "brouillon.md"
    draft.write_text(
        "# Bilan\n\nVoir la section X.\n\nEn 2024, le programme compte 17 incubateurs.\n", encoding="utf-8"
    )
    report = check_paths([str(draft)], details=True)
    draft.unlink()
    page = html.render(report)
    assert "Voir la section X." in page and "17" in page and "text/placeholder" in page
    # The details are for renderers: the JSON report does not carry them.
    assert "details" not in report.model_dump()
