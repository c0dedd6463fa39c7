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


# ---------------------------------------------------------------------------------------------
# Rules declare their inputs and never touch the file system (issue 25, item 3)

CHECKS = ROOT / "extractor" / "checks"
# Modules of extractor/checks that register no rule: the engine, the Grammalecte worker (its own
# process), the README's table generator and the engines' cache keys. Every other module is a rule
# module (it registers at least one rule), so a new module cannot slip past the checks below.
NOT_RULES = {"__init__", "_grammalecte_worker", "docs", "engine_keys", "grammalecte"}
# Calls that read (or look at) the file system, by name or method name.
FILE_CALLS = {
    "open", "read_text", "read_bytes", "write_text", "write_bytes", "stat", "lstat", "exists", "is_file", "is_dir",
    "iterdir", "glob", "rglob", "resolve", "samefile", "listdir", "scandir", "walk", "read_file", "load",
}  # fmt: skip
FILE_MODULES = ("extractor.ingest", "io", "shutil", "glob", "pathlib")


def rule_modules(root: Path = ROOT) -> dict[str, ast.Module]:
    out = {}
    for path in sorted((root / "extractor" / "checks").glob("*.py")):
        if path.stem not in NOT_RULES:
            out[path.stem] = ast.parse(path.read_text(encoding="utf-8"))
    return out


def file_access(tree: ast.Module) -> list[str]:
    """What a module does that touches the file system: imports of the readers or of os, and calls
    of `open`, `read_text`, `stat`… (a package's own data through importlib.resources is no input)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "pathlib":
            found += [f"line {node.lineno}: from pathlib import {a.name}" for a in node.names if "Pure" not in a.name]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(FILE_MODULES):
            found.append(f"line {node.lineno}: from {node.module} import")
        elif isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names if a.name.startswith(FILE_MODULES)]
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in FILE_CALLS and not _package_data(func) and not _yaml(func) and not _site(func):
                found.append(f"line {node.lineno}: {name}()")
    return found


def _package_data(func: ast.expr) -> bool:
    """`resources.files(...).joinpath(...).read_text(...)`: the package's own data file."""
    return "resources.files" in ast.unparse(func)


def _site(func: ast.expr) -> bool:
    """`site.resolve(url)`: the site map's lookup of a URL (the run read the site)."""
    return isinstance(func, ast.Attribute) and ast.unparse(func.value) in ("site", "ctx.site")


def _yaml(func: ast.expr) -> bool:
    return ast.unparse(func).startswith(("yaml.", "json."))


def test_no_rule_module_touches_the_file_system() -> None:
    modules = rule_modules()
    assert "transcription" in modules and "writing" in modules
    touching = {name: found for name, tree in modules.items() if (found := file_access(tree))}
    assert touching == {}


def test_every_checks_module_is_a_rule_module_or_named_as_none() -> None:
    for name, tree in rule_modules().items():
        assert "@rule(" in ast.unparse(tree).replace("@checks.rule(", "@rule("), name


def _rules_of(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    """The module's rule functions, by rule id (`@rule("id")`, or `@rule(NAME)` of a constant)."""
    constants = {
        t.id: n.value.value
        for n in tree.body
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    out = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                if isinstance(deco, ast.Call) and ast.unparse(deco.func).endswith("rule") and deco.args:
                    arg = deco.args[0]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        out[arg.value] = node
                    elif isinstance(arg, ast.Name) and arg.id in constants:
                        out[constants[arg.id]] = node
    return out


def context_uses(tree: ast.Module, func: ast.FunctionDef) -> set[str]:
    """The `ctx.<name>` a rule reads: in its function and in the module's functions it calls,
    directly or not (by name, within the module)."""
    functions = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    seen: set[str] = set()
    todo = [func.name]
    used: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or name not in functions:
            continue
        seen.add(name)
        for node in ast.walk(functions[name]):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "ctx":
                used.add(node.attr)
            elif isinstance(node, ast.Name) and node.id in functions:
                todo.append(node.id)
    return used


def undeclared_inputs(modules: dict[str, ast.Module]) -> list[str]:
    specs = checks.catalogue()
    out = []
    for tree in modules.values():
        for rule_id, func in _rules_of(tree).items():
            declared = {*specs[rule_id].needs, *specs[rule_id].uses}
            for attribute in sorted(context_uses(tree, func)):
                if attribute not in checks.CONTEXT_ATTRIBUTES:
                    out.append(f"{rule_id}: ctx.{attribute} is no input of the context")
                    continue
                needed = checks.CONTEXT_ATTRIBUTES[attribute]
                if needed is not None and needed not in declared:
                    out.append(f"{rule_id}: reads ctx.{attribute} without declaring {needed!r} (needs or uses)")
    return out


def test_every_rule_declares_its_inputs() -> None:
    modules = rule_modules()
    rules = {rule_id for tree in modules.values() for rule_id in _rules_of(tree)}
    assert rules == {r for r, s in checks.catalogue().items() if s.produced_by == "check"}
    assert undeclared_inputs(modules) == []


def test_the_input_checks_see_a_rule_that_reads_a_file_or_an_undeclared_input() -> None:
    source = (
        "from pathlib import Path\nfrom extractor.ingest import load\n"
        "@rule('corpus/conflicting-value')\ndef check(doc, ctx):\n    return helper(ctx)\n"
        "def helper(ctx):\n    Path(ctx.site).read_text()\n    return open('x')\n"
    )
    tree = ast.parse(source)
    assert file_access(tree) == [
        "line 1: from pathlib import Path",
        "line 2: from extractor.ingest import",
        "line 7: read_text()",
        "line 8: open()",
    ]
    assert undeclared_inputs({"bad": tree}) == [
        "corpus/conflicting-value: reads ctx.site without declaring 'site' (needs or uses)"
    ]
