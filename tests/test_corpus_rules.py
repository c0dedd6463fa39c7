"""The corpus index and corpus/conflicting-value (issue 4)."""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import checks
from extractor.checks.corpus import agree, compatible
from extractor.cli import app
from extractor.corpus.index import CorpusIndex
from extractor.ingest import load
from extractor.models import Qualifier
from tests.conftest import A_PROPOS, BILAN_2021, BILAN_2024, CORPUS, PRESS_RELEASE, RAPPORT_2017

E, LB, AP = Qualifier.exact, Qualifier.lower_bound, Qualifier.approximate
HALF = Decimal("0.5")


@pytest.fixture(scope="module")
def index(tmp_path_factory, registry) -> CorpusIndex:
    built = CorpusIndex(tmp_path_factory.mktemp("index") / "index.sqlite")
    built.refresh(CORPUS, registry)
    return built


def test_refresh_reextracts_only_what_changed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index = CorpusIndex(tmp_path / "index.sqlite")
    first = index.refresh(corpus)
    # Only the claims that may be compared are indexed (claims.compare.comparable): 140 on the corpus.
    assert (first.documents, first.extracted, first.removed) == (5, 5, 0) and first.claims > 100
    again = index.refresh(corpus)
    assert (again.extracted, again.removed, again.claims) == (0, 0, first.claims)  # nothing re-extracted
    page = corpus / "a-propos.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nPlus de 40 incubateurs.\n", encoding="utf-8")
    (corpus / "rapport-activite-2017.md").unlink()
    changed = index.refresh(corpus)
    assert (changed.documents, changed.extracted, changed.removed) == (4, 1, 1)


def test_press_release_near_20_against_its_own_18_plus_6(index, registry) -> None:
    ctx = checks.Context(registry=registry, corpus=index)
    (finding,) = checks.run(load(PRESS_RELEASE), ctx, only=["corpus/conflicting-value"])
    assert finding.severity == "warning"  # an approximate figure
    assert "ce document dit près de 20" in finding.message_fr and "dit 24 (6 + 18" in finding.message_fr
    assert [e.location.line for e in finding.evidence] == [40, 24]


@pytest.mark.parametrize("path", [BILAN_2024, BILAN_2021, A_PROPOS, RAPPORT_2017], ids=lambda p: p.name)
def test_no_conflict_elsewhere(index, registry, path) -> None:
    # e.g. the press release's 154 agents and the Bilan 2024's 154 for 2023 agree
    ctx = checks.Context(registry=registry, corpus=index)
    assert checks.run(load(path), ctx, only=["corpus/conflicting-value"]) == []


def test_periods_and_qualifiers() -> None:
    assert compatible("2024-01", "2024-02", "stock") and not compatible("2024-01", "2024-03", "stock")
    assert compatible("2023", "2023", "flow") and not compatible("2023", "2024", "flow")
    assert not compatible("2024-01", "2024-02", "flow")
    assert agree(Decimal(400_000), LB, HALF, Decimal(598_808), E, HALF)  # "plus de 400 000" and 598 808
    assert not agree(Decimal(20), AP, HALF, Decimal(24), E, HALF)  # "près de 20" and 24: beyond 10 %
    assert agree(Decimal(20), AP, HALF, Decimal(21), E, HALF)
    assert not agree(Decimal(154), E, HALF, Decimal(155), E, HALF)


def test_check_refreshes_the_index_and_says_when_there_is_no_corpus(tmp_path: Path) -> None:
    runner = CliRunner()
    index = tmp_path / "index.sqlite"
    result = runner.invoke(app, ["check", str(PRESS_RELEASE), "--corpus", str(CORPUS), "--index", str(index)])
    assert "corpus/conflicting-value" in result.stdout and index.exists()
    result = runner.invoke(app, ["check", str(PRESS_RELEASE), "--corpus", str(tmp_path / "nothing")])
    assert "Règles non lancées : corpus/* (pas de corpus" in result.stdout  # the text report's last line
    assert "corpus/conflicting-value" not in result.stdout
    result = runner.invoke(app, ["index", str(CORPUS), "--index", str(index)])
    assert result.exit_code == 0 and "0 relus" in result.stdout


def test_stock_at_the_start_of_2024_plus_the_year_s_new_against_january_2025(index, registry) -> None:
    ctx = checks.Context(registry=registry, corpus=index)
    (finding,) = checks.run(load(BILAN_2024), ctx, only=["corpus/stock-flow"])
    assert finding.severity == "warning"
    assert (
        finding.message_fr
        == (
            "24 (6 + 18) en février 2024 ("
            + str(PRESS_RELEASE.relative_to(CORPUS.parent))
            + ") + 7 nouveaux en 2024 ("
            + str(BILAN_2024.relative_to(CORPUS.parent))
            + ") = 31, mais ce document annonce 30 en janvier 2025."
        )
        or "= 31, mais ce document annonce 30 en janvier 2025." in finding.message_fr
    )
    assert [e.value for e in finding.evidence] == [30, 24, 7]
    for path in (PRESS_RELEASE, BILAN_2021, A_PROPOS, RAPPORT_2017):
        assert checks.run(load(path), ctx, only=["corpus/stock-flow"]) == []


def test_an_index_of_another_version_is_rebuilt_and_garbage_is_a_clear_error(tmp_path: Path) -> None:
    import sqlite3

    from extractor.errors import InputError

    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as db:
        db.executescript(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('schema', '0');"
            "CREATE TABLE claims (x); CREATE TABLE documents (y);"
        )
    index = CorpusIndex(old)
    assert index.refresh(CORPUS).extracted == 5
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(InputError, match="index du corpus illisible"):
        CorpusIndex(garbage)


def dates(index, registry, path) -> list:
    return checks.run(load(path), checks.Context(registry=registry, corpus=index), only=["corpus/conflicting-date"])


def test_first_deconcentrated_startup_place_des_entreprises_2015_vs_reso_2017(index, registry) -> None:
    (finding,) = dates(index, registry, BILAN_2021)[:1]
    assert finding.message_fr.startswith(
        "« Première Startup d'État portée par un service déconcentré de l'État » : ce document dit septembre 2015 "
        "(Place des entreprises), "
    )
    assert finding.message_fr.endswith("dit avril 2017 (Réso).")
    assert [e.location.line for e in finding.evidence] == [122, 42]


def test_fast_since_2022_against_launched_in_2019(index, registry) -> None:
    """One finding per disagreement (issue 27, cause 7): the Bilan 2024's 2022 against the two
    documents that say 2019, on the Bilan 2024 (the minority); the two say nothing."""
    (found,) = dates(index, registry, BILAN_2024)
    assert sorted(Path(e.location.path).name for e in found.evidence[1:]) == [PRESS_RELEASE.name, BILAN_2021.name]
    assert found.message_fr.startswith("« Début du FAST » : ce document dit 2022")
    assert not [
        f for path in (PRESS_RELEASE, BILAN_2021) for f in dates(index, registry, path) if "FAST" in f.message_fr
    ]


def test_a_renamed_service_is_not_a_conflict(index, registry) -> None:
    # the first Startup de Territoire, December 2017: "Rdv Solidarités" (2021) and the 2017 report agree on the date
    assert not [f for f in dates(index, registry, RAPPORT_2017) if "Territoire" in f.message_fr]
    assert dates(index, registry, A_PROPOS) == []


def test_a_pdf_and_its_transcription_do_not_contradict_each_other(index, registry, bilan_pdf) -> None:
    """The Bilan 2024 PDF against a corpus holding its Markdown transcription: the ETPT lines, the
    NPS thresholds and the heating-network figures are read from both, in a different order and
    table layout; none is a contradiction. The running total "79 intrapreneurs (dont 11 en 2024)"
    is not 2024's figure (the transcription's "en 2024, 11 intrapreneurs")."""
    ctx = checks.Context(registry=registry, corpus=index)
    doc = load(bilan_pdf)
    assert checks.run(doc, ctx, only=["corpus/conflicting-value"]) == []
    total = next(c for c in ctx.claims(doc) if c.quantity.raw == "79")
    part = next(c for c in ctx.claims(doc) if c.quantity.raw == "11" and c.block == total.block)
    assert (total.period, part.period) == (None, "2024")
    dates = checks.run(doc, ctx, only=["corpus/conflicting-date"])
    assert {f.message_fr.split("dit ")[1][:4] for f in dates} == {"2022"}  # FAST "depuis 2022", as the Markdown


def test_a_document_stating_both_figures_is_not_contradicted_by_either(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("---\ndate: 2024-03-01\n---\nEn 2024, 12 incubateurs.\n", encoding="utf-8")
    (corpus / "b.md").write_text("---\ndate: 2024-03-01\n---\nEn 2024, 15 incubateurs.\n", encoding="utf-8")
    index = CorpusIndex(tmp_path / "index.sqlite")
    index.refresh(corpus)
    ctx = checks.Context(corpus=index)
    draft = tmp_path / "draft.md"
    draft.write_text("---\ndate: 2024-03-01\n---\nEn 2024, 12 incubateurs.\n", encoding="utf-8")
    (only,) = checks.run(load(draft), ctx, only=["corpus/conflicting-value"])  # 12 against b's 15
    assert "corpus/b.md" in only.message_fr
    draft.write_text("---\ndate: 2024-03-01\n---\nEn 2024, 12 incubateurs.\n\nEn 2024, 15 incubateurs.\n")
    assert checks.run(load(draft), ctx, only=["corpus/conflicting-value"]) == []  # both stated: a breakdown


def test_an_index_read_in_two_processes_is_the_index_read_in_one(tmp_path: Path, monkeypatch) -> None:
    from extractor.corpus import index as module

    rows = {}
    for jobs in (1, 2):
        built = CorpusIndex(tmp_path / f"index-{jobs}.sqlite")
        stats = built.refresh(CORPUS, jobs=jobs)
        assert stats.extracted == 5
        rows[jobs] = [sorted(built.db.execute(f"SELECT * FROM {table}")) for table in ("documents", "claims", "events")]
        built.close()
    assert rows[1] == rows[2] and len(rows[1][1]) > 100  # the comparable claims only
    # By default, one process per core from PARALLEL_FROM documents to read, one below.
    chosen = []
    real = module._extract_all
    monkeypatch.setattr(
        module, "_extract_all", lambda todo, names, jobs, *rest: chosen.append(jobs) or real(todo, names, 1)
    )
    monkeypatch.setattr(module, "PARALLEL_FROM", 5)
    CorpusIndex(tmp_path / "auto-5.sqlite").refresh(CORPUS)
    monkeypatch.setattr(module, "PARALLEL_FROM", 6)
    CorpusIndex(tmp_path / "auto-6.sqlite").refresh(CORPUS)
    assert chosen == [os.cpu_count() or 1, 1]
