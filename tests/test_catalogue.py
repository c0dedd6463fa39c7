"""The rule catalogue (issue 18): rules are data plus a check. Every rule's examples run here (each
`fires` example gives a finding of that rule, each `silent` one none); the engine refuses what
breaks the catalogue's contract; docs/rules.md and GET /api/rules come from the catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor import checks
from extractor.ingest import read_bytes
from extractor.models import Finding, Severity
from tests.conftest import ROOT


def examples(kind: str) -> list[tuple[str, checks.Example]]:
    specs = [s for s in checks.catalogue().values() if s.produced_by == "check"]
    return [(spec.id, example) for spec in specs for example in getattr(spec.examples, kind)]


def run_example(rule_id: str, example: checks.Example, tmp_path: Path) -> list[Finding]:
    from extractor.corpus.index import CorpusIndex
    from extractor.reference.models import Entity, Round
    from extractor.reference.store import Registry

    registry = (
        Registry(
            [Entity.model_validate(e) for e in example.registry],
            rounds=[Round.model_validate(r) for r in example.rounds],
        )
        if example.registry or example.rounds
        else None
    )
    ctx = checks.Context(registry=registry)
    if example.corpus or "corpus" in checks.catalogue()[rule_id].needs:  # an empty corpus is a corpus
        folder = tmp_path / "corpus"
        folder.mkdir()
        for name, text in example.corpus.items():
            (folder / name).write_text(text, encoding="utf-8")
        ctx.corpus = CorpusIndex(tmp_path / "index.sqlite", folder)
        ctx.corpus.refresh(folder, registry)
    name = example.name
    if example.site:  # a small Jekyll site, the document one of its files
        from extractor.run.sitemap import SiteMap

        root = tmp_path / "site"
        for path, text in {**example.site, example.name: example.data().decode("utf-8")}.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, encoding="utf-8")
        ctx.site = SiteMap.build(root)
        name = str(root / example.name)
    try:
        return checks.run(read_bytes(example.data(), name), ctx, only=[rule_id])
    finally:
        if ctx.corpus is not None:
            ctx.corpus.close()


def label(case: tuple[str, checks.Example]) -> str:
    return case[0]


def test_every_rule_has_examples_both_ways() -> None:
    for spec in checks.catalogue().values():
        if spec.produced_by == "check":  # the pipeline's own findings are tested where it makes them
            assert spec.examples.fires and spec.examples.silent, spec.id


@pytest.mark.parametrize("case", examples("fires"), ids=[label(c) for c in examples("fires")])
def test_each_fires_example_fires(case: tuple[str, checks.Example], tmp_path: Path) -> None:
    rule_id, example = case
    found = run_example(rule_id, example, tmp_path)
    assert found and {f.rule for f in found} == {rule_id}, example


@pytest.mark.parametrize("case", examples("silent"), ids=[label(c) for c in examples("silent")])
def test_each_silent_example_stays_silent(case: tuple[str, checks.Example], tmp_path: Path) -> None:
    rule_id, example = case
    assert run_example(rule_id, example, tmp_path) == [], example


def test_the_catalogue_and_the_checks_match() -> None:
    assert set(checks.rules()) == {i for i, s in checks.catalogue().items() if s.produced_by == "check"}


def test_an_unknown_rule_id_is_refused() -> None:
    with pytest.raises(checks.RuleError, match="not in"):
        checks.rule("text/nonexistent")


@pytest.mark.parametrize(
    ("finding", "message"),
    [
        (Finding(rule="test/contract", severity=Severity.info, message_fr="x", evidence=[]), "severities"),
        (Finding(rule="text/other", severity=Severity.warning, message_fr="x", evidence=[]), "returned a finding"),
    ],
    ids=["severity-not-listed", "another-rule-id"],
)
def test_a_finding_that_breaks_the_contract_is_refused(finding: Finding, message: str) -> None:
    spec = checks.RuleSpec(id="test/contract", severity=Severity.warning, title_fr="T", description_fr="D")

    @checks.rule(spec)
    def broken(doc, ctx):
        yield finding.model_copy(
            update={"rule": finding.rule if finding.rule != "text/placeholder" else "test/contract"}
        )

    try:
        with pytest.raises(checks.RuleError, match=message):
            checks.run(read_bytes(b"Texte.", "a.md"), only=["test/contract"])
    finally:
        checks._REGISTRY.pop("test/contract")


def test_the_rules_reference_is_the_catalogue() -> None:
    from extractor.checks.docs import REGENERATE, RULES_PAGE, rules_page

    page = (ROOT / RULES_PAGE).read_text(encoding="utf-8")
    assert page == rules_page(), f"docs/rules.md is out of date: run {REGENERATE}"


def test_the_api_lists_the_catalogue() -> None:
    from fastapi.testclient import TestClient

    from extractor.service.app import Settings, create_app

    with TestClient(create_app(Settings(workers=1, corpus=Path("nowhere")))) as client:
        listed = client.get("/api/rules").json()
    assert [r["id"] for r in listed] == sorted(checks.catalogue())
    for entry in listed:
        spec = checks.catalogue()[entry["id"]]
        assert (entry["title_fr"], entry["description_fr"], entry["rationale_fr"]) == (
            spec.title_fr, spec.description_fr, spec.rationale_fr,
        )  # fmt: skip
        assert entry["severities"] == sorted(s.value for s in spec.allowed)


# --- Messages are data (issue 25, item 4) -------------------------------------------------------

FAMILIES = {"encoding", "text", "arithmetic", "corpus", "reference", "site"}


def test_the_catalogue_is_one_file_per_rule_family() -> None:
    folder = ROOT / "extractor" / "checks" / "catalogue"
    assert {p.stem for p in folder.glob("*.yaml")} == FAMILIES
    assert not (ROOT / "extractor" / "checks" / "catalogue.yaml").exists()
    assert {rule_id.split("/")[0] for rule_id in checks.catalogue()} == FAMILIES


def test_a_rule_outside_its_familys_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "checks"
    (package / "catalogue").mkdir(parents=True)
    (package / "catalogue" / "text.yaml").write_text(
        "rules:\n  - {id: site/elsewhere, severity: info, title_fr: T, description_fr: D}\n", encoding="utf-8"
    )
    monkeypatch.setattr(checks.resources, "files", lambda name: package)
    checks.catalogue.cache_clear()
    try:
        with pytest.raises(checks.RuleError, match="not in its family's file"):
            checks.catalogue()
    finally:
        monkeypatch.undo()
        checks.catalogue.cache_clear()


def test_a_finding_is_its_rules_template_filled_with_its_arguments() -> None:
    text = "Les critères sont à la section X. Budget : TODO.\n"
    found = checks.run(read_bytes(text.encode(), "a.md"), only=["text/placeholder"])
    assert [(f.variant, f.arguments["found"]) for f in found] == [("part", "section X"), (None, "TODO")]
    # a few whole sentences: the catalogue's templates, rendered
    assert found[0].message_fr == "Texte provisoire oublié : « section X » doit être remplacé par le contenu définitif."
    assert found[0].suggestion == "Indiquer le numéro ou le titre réel de la partie visée."  # the variant's fix
    assert found[1].suggestion == "Remplacer ce repère par le texte définitif, ou le supprimer."
    # the arguments stay in memory: reports, caches and the schema keep the rendered French only
    assert set(found[0].model_dump()) == {"rule", "severity", "message_fr", "evidence", "suggestion", "fingerprint"}


def test_a_template_and_its_arguments_that_differ_are_refused() -> None:
    with pytest.raises(checks.RuleError, match="template and its arguments"):
        checks.finding("text/placeholder", [])  # no `found`
    with pytest.raises(checks.RuleError, match="no variant"):
        checks.finding("text/placeholder", [], variant="nowhere", found="X")
    with pytest.raises(checks.RuleError, match="no phrase"):
        checks.phrase("text/placeholder", "nowhere")
    assert checks.phrase("corpus/conflicting-value", "approximate", value="20") == "près de 20"
