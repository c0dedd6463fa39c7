"""The architecture (issue 18): data flows one way through the stages, and a new input format is
one module plus one registration."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
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
    "extractor.ingest.limits": "ingest",
    "extractor.ingest.textmap": "ingest",
    "extractor.ingest.repair": "repair",
    "extractor.ingest.structure": "structure",
    "extractor.ingest.markdown": "structure",
    "extractor.ingest.html": "structure",
    "extractor.ingest.text": "structure",
    "extractor.ingest.pdf": "structure",
    "extractor.ingest.docx": "structure",
    "extractor.claims.numbers": "extract",
    "extractor.claims.events": "extract",
    "extractor.entities": "extract",
    "extractor.claims.evidence": "extract",
    "extractor.claims": "resolve",
    "extractor.analyse": "resolve",
    "extractor.checks": "check",
    "extractor.corpus": "check",
    "extractor.checks.suppress": "check",
    "extractor.run.config": "check",
    "extractor.report.fingerprint": "check",
    "extractor.report": "report",
    "extractor.report.baseline": "report",
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
from extractor.ingest.structure import BlockBuilder


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

    from extractor.report import github, html, sarif, text
    from extractor.run.pipeline import check_paths

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


# --- Messages are data (issue 25, item 4) -------------------------------------------------------
# A rule module gives its findings' arguments to `checks.finding`; every word a user reads is in its
# catalogue entry. The walk below finds French built in rule code: an f-string, a `%` or a
# `.format`, a string of words, or a join or concatenation of them, given as a message or a
# suggestion (to `finding`, or to `Finding` itself), directly, through a local variable or through
# a function of the module that returns such a string.

NOT_RULES = {"__init__.py", "_grammalecte_worker.py"}
_WORDS = re.compile(r"[^\W\d_]{2,}")
_CONJUNCTIONS = {"et", "ou"}  # a list's « a, b et c » is formatting, like a number's spaces


def _words(text: str) -> bool:
    return any(w not in _CONJUNCTIONS for w in _WORDS.findall(text))


_TEMPLATE_CALLS = {"finding", "phrase"}
_NOT_MESSAGES = {"variant", "severity", "rule", "evidence", "fingerprint"}


def rule_modules(root: Path = ROOT) -> list[Path]:
    return [p for p in sorted((root / "extractor" / "checks").glob("*.py")) if p.name not in NOT_RULES]


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


class _Prose:
    """Whether an expression of a rule module builds French text (see above)."""

    def __init__(self, tree: ast.Module) -> None:
        self.functions = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
        self.returning: dict[str, bool] = {}

    def of_function(self, name: str) -> bool:
        if name not in self.returning:
            self.returning[name] = False  # recursion
            func = self.functions[name]
            scope = _assignments(func)
            self.returning[name] = any(
                self.expr(r.value, scope, set()) for r in ast.walk(func) if isinstance(r, ast.Return) and r.value
            )
        return self.returning[name]

    def expr(self, node: ast.AST, scope: dict[str, list[ast.AST]], seen: set[str]) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str) and _words(node.value)
        if isinstance(node, ast.JoinedStr):
            words = any(isinstance(v, ast.Constant) and _words(str(v.value)) for v in node.values)
            parts = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
            return words or any(self.expr(v, scope, seen) for v in parts)
        if isinstance(node, ast.Name):
            if node.id in seen or node.id not in scope:
                return False
            return any(self.expr(v, scope, seen | {node.id}) for v in scope[node.id])
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant | ast.JoinedStr):
                return True
            return self.expr(node.left, scope, seen) or self.expr(node.right, scope, seen)
        if isinstance(node, ast.Call):
            name = _called(node)
            if name in _TEMPLATE_CALLS:
                return False  # the catalogue's words
            if name == "format":
                return True
            if isinstance(node.func, ast.Attribute) and name in ("join", "replace", "strip", "upper", "capitalize"):
                receiver = self.expr(node.func.value, scope, seen)
                return receiver or (name == "join" and any(self.expr(a, scope, seen) for a in node.args))
            return isinstance(node.func, ast.Name) and name in self.functions and self.of_function(name)
        if isinstance(node, ast.IfExp):
            return self.expr(node.body, scope, seen) or self.expr(node.orelse, scope, seen)
        if isinstance(node, ast.GeneratorExp | ast.ListComp):
            return self.expr(node.elt, scope, seen)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return any(self.expr(e, scope, seen) for e in node.elts)
        if isinstance(node, ast.Dict):
            return any(self.expr(v, scope, seen) for v in node.values)
        if isinstance(node, ast.Subscript):
            return self.expr(node.value, scope, seen)
        if isinstance(node, ast.BoolOp):
            return any(self.expr(v, scope, seen) for v in node.values)
        return False


def _assignments(func: ast.AST) -> dict[str, list[ast.AST]]:
    """The values each local name of a function is given (`=`, `+=`, an annotated assignment)."""
    scope: dict[str, list[ast.AST]] = {}
    for node in ast.walk(func):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AugAssign | ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            names = target.elts if isinstance(target, ast.Tuple) else [target]
            for name in names:
                if isinstance(name, ast.Name):
                    scope.setdefault(name.id, []).append(value)
    return scope


def prose_in_rules(root: Path = ROOT) -> list[str]:
    """Each place a rule module builds a message or a suggestion in code, or a Finding itself."""
    out = []
    for path in rule_modules(root):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        prose = _Prose(tree)
        top = [n for n in tree.body if not isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
        module_scope = _assignments(ast.Module(body=top, type_ignores=[]))
        done: set[int] = set()  # a node inside a nested function is walked once, in the innermost
        for func in [*reversed(list(prose.functions.values())), tree]:
            scope = module_scope if func is tree else {**module_scope, **_assignments(func)}
            for node in ast.walk(func):
                if id(node) in done:
                    continue
                done.add(id(node))
                where = f"{path.name}:{getattr(node, 'lineno', 0)}"
                if isinstance(node, ast.Assign | ast.AugAssign) and any(
                    isinstance(t, ast.Attribute) and t.attr in ("message_fr", "suggestion")
                    for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                ):
                    out.append(f"{where}: a finding's message changed in code")
                if not isinstance(node, ast.Call):
                    continue
                name = _called(node)
                if name == "Finding":
                    out.append(f"{where}: Finding built directly (call checks.finding)")
                    given = [k.value for k in node.keywords if k.arg in ("message_fr", "suggestion")]
                elif name in _TEMPLATE_CALLS:
                    given = [k.value for k in node.keywords if k.arg not in _NOT_MESSAGES]
                else:
                    continue
                out += [f"{where}: French built in code" for value in given if prose.expr(value, scope, set())]
    return sorted(out, key=lambda line: (line.split(":")[0], int(line.split(":")[1])))


def test_no_rule_module_builds_a_message_in_code() -> None:
    assert prose_in_rules() == []


def test_the_walk_sees_french_built_in_rule_code(tmp_path: Path) -> None:
    checks_dir = tmp_path / "extractor" / "checks"
    checks_dir.mkdir(parents=True)
    (checks_dir / "toy.py").write_text(
        "from extractor.checks import finding, phrase\n"
        "def _said(x):\n    return f'le registre dit {x}'\n"
        "def check(doc, n, x):\n"
        "    yield finding('toy/a', [], count=n, variant='one')\n"  # arguments only: fine
        "    yield finding('toy/a', [], what=f'{n} lignes')\n"  # an f-string
        "    how = 'au passé'\n"
        "    yield finding('toy/a', [], how=how)\n"  # words through a variable
        "    yield finding('toy/a', [], said=_said(x))\n"  # words from a helper
        "    yield finding('toy/a', [], items=' ainsi que '.join(x), suggestion={'fix': 'Écrire {}'.format(x)})\n"
        "    yield finding('toy/a', [], items=phrase('toy/a', 'item', x=x))\n"  # the catalogue's: fine
        "    f = Finding(rule='toy/a', message_fr='%s' % x)\n"
        "    f.message_fr += ' Ajouté.'\n",
        encoding="utf-8",
    )
    found = prose_in_rules(tmp_path)
    assert [line.split(":")[1] for line in found if "French" in line] == ["6", "8", "9", "10", "10", "12"]
    assert any("Finding built directly" in line for line in found)
    assert any("changed in code" in line for line in found)


def string_constants(tree: ast.Module) -> dict[str, str]:
    """The module's constants that are strings (NAME = "…"), by name."""
    return {
        t.id: n.value.value
        for n in tree.body
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
        for t in n.targets
        if isinstance(t, ast.Name)
    }


def _catalogue_names(path: Path) -> Iterator[tuple[str, str, str, int]]:
    """(rule id, 'variant' or 'phrase', name, line) for each constant name a rule module gives."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = string_constants(tree)

    def strings(node: ast.AST | None) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.Name) and node.id in constants:
            return [constants[node.id]]
        if isinstance(node, ast.IfExp):
            return strings(node.body) + strings(node.orelse)
        return []

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _called(node) not in _TEMPLATE_CALLS or not node.args:
            continue
        for rule_id in strings(node.args[0]):
            if _called(node) == "phrase" and len(node.args) > 1:
                yield from ((rule_id, "phrase", n, node.lineno) for n in strings(node.args[1]))
            for keyword in node.keywords:
                if keyword.arg == "variant":
                    yield from ((rule_id, "variant", n, node.lineno) for n in strings(keyword.value))


def test_every_rule_has_its_messages_in_the_catalogue() -> None:
    import string

    for spec in checks.catalogue().values():
        assert spec.message_fr or spec.variants_fr, f"{spec.id}: no message_fr in the catalogue"
        templates = [spec.message_fr, spec.suggestion_fr, *spec.variants_fr.values(), *spec.suggestions_fr.values()]
        for template in [*templates, *spec.phrases_fr.values()]:
            if template is not None:
                list(string.Formatter().parse(template))  # a valid str.format template
    used = [(path.name, *name) for path in rule_modules() for name in _catalogue_names(path)]
    assert len(used) > 20  # the walk sees the rules' variants and phrases
    for module, rule_id, kind, name, line in used:
        spec = checks.catalogue().get(rule_id)
        assert spec is not None, f"{module}:{line}: {rule_id} is not in the catalogue"
        names = spec.phrases_fr if kind == "phrase" else {**spec.variants_fr, **spec.suggestions_fr}
        assert name in names, f"{module}:{line}: {rule_id} has no {kind} {name!r} in the catalogue"


# ---------------------------------------------------------------------------------------------
# Rules declare their inputs and never touch the file system (issue 25, item 3)

CHECKS = ROOT / "extractor" / "checks"
# Modules of extractor/checks that register no rule: the engine, the Grammalecte worker (its own
# process), the README's table generator and the engines' cache keys. Every other module is a rule
# module (it registers at least one rule), so a new module cannot slip past the checks below.
NOT_RULE_MODULES = {"__init__", "_grammalecte_worker", "docs", "engine_keys", "grammalecte"}
# Calls that read (or look at) the file system, by name or method name.
FILE_CALLS = {
    "open", "read_text", "read_bytes", "write_text", "write_bytes", "stat", "lstat", "exists", "is_file", "is_dir",
    "iterdir", "glob", "rglob", "resolve", "samefile", "listdir", "scandir", "walk", "read_file", "load",
}  # fmt: skip
FILE_MODULES = ("extractor.ingest", "io", "shutil", "glob", "pathlib")
# Modules of the ingest stage made of functions over text, which read no file: a rule may call them.
TEXT_MODULES = ("extractor.ingest.repair", "extractor.ingest.textmap", "extractor.ingest.structure")


def rule_trees(root: Path = ROOT) -> dict[str, ast.Module]:
    out = {}
    for path in sorted((root / "extractor" / "checks").glob("*.py")):
        if path.stem not in NOT_RULE_MODULES:
            out[path.stem] = ast.parse(path.read_text(encoding="utf-8"))
    return out


def file_access(tree: ast.Module) -> list[str]:
    """What a module does that touches the file system: imports of the readers or of os, and calls
    of `open`, `read_text`, `stat`… (a package's own data through importlib.resources is no input)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "pathlib":
            found += [f"line {node.lineno}: from pathlib import {a.name}" for a in node.names if "Pure" not in a.name]
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith(FILE_MODULES)
            and not node.module.startswith(TEXT_MODULES)
        ):
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
    modules = rule_trees()
    assert "transcription" in modules and "writing" in modules
    touching = {name: found for name, tree in modules.items() if (found := file_access(tree))}
    assert touching == {}


def test_every_checks_module_is_a_rule_module_or_named_as_none() -> None:
    """A module registers rules, or is a helper a rule module imports (`shares` for
    `percentage`): both are walked by the checks below."""
    trees = rule_trees()
    registering = {n for n, t in trees.items() if "@rule(" in ast.unparse(t).replace("@checks.rule(", "@rule(")}
    imported = {
        node.module.rsplit(".", 1)[1]
        for name in registering
        for node in ast.walk(trees[name])
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("extractor.checks.")
    }
    assert set(trees) - registering <= imported, set(trees) - registering - imported


def _rules_of(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    """The module's rule functions, by rule id (`@rule("id")`, or `@rule(NAME)` of a constant)."""
    constants = string_constants(tree)
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
    modules = rule_trees()
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


def profile_reads(tree: ast.Module) -> list[str]:
    """Where a module reads the active profile itself (`profiles.active()`, or `active` imported from
    `extractor.profiles`) instead of the context's (`ctx.profile`)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in ("profiles.active", "active"):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.ImportFrom) and node.module == "extractor.profiles":
            found += [
                f"line {node.lineno}: from extractor.profiles import active" for a in node.names if a.name == "active"
            ]
    return found


def test_rules_read_the_profile_from_their_context() -> None:
    """Issue 25, item 3: the profile travels in the context (read from the environment in one place,
    `checks.Context`'s default); a rule module, and the patterns it builds, take `ctx.profile`."""
    modules = rule_trees()
    assert "reference" in modules and "rounds" in modules and "writing" in modules
    reading = {name: found for name, tree in modules.items() if (found := profile_reads(tree))}
    assert reading == {}


def test_the_walk_sees_a_rule_that_reads_the_active_profile() -> None:
    tree = ast.parse("from extractor import profiles\nPATTERN = profiles.active().label\n")
    assert profile_reads(tree) == ["line 2: profiles.active()"]
    assert profile_reads(ast.parse("from extractor.profiles import active\n")) != []
