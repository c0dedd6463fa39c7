"""The analysis step (issue 25, item 2): each document content is analysed once in a run, by
whichever stage asks first (the corpus index or the check), and the other reads that analysis."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

import extractor.analyse
from extractor.analyse import Analyses, Analysis
from extractor.corpus.index import Crew
from extractor.models import Document
from extractor.run.pipeline import check_paths, open_context


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """The analyses made, by sha256."""
    made: Counter[str] = Counter()
    real = extractor.analyse.analyse

    def analyse(doc: Document, names: object = None) -> Analysis:
        made[doc.sha256] += 1
        return real(doc, names)  # type: ignore[arg-type]

    monkeypatch.setattr(extractor.analyse, "analyse", analyse)
    return made


def _corpus(folder: Path) -> list[Path]:
    folder.mkdir()
    texts = {
        "a.md": "En 2024, le programme compte 19 incubateurs.\n\nLe FAST a été lancé en 2019.\n",
        "b.md": "En 2024, le programme compte 17 incubateurs.\n",
        "c.md": "En 2023, 6 nouvelles Startups d’État rejoignent les 18 services à impact national.\n",
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in texts]


def test_a_document_indexed_and_checked_in_one_run_is_analysed_once(tmp_path: Path, counted: Counter[str]) -> None:
    files = _corpus(tmp_path / "corpus")
    ctx = open_context(None, tmp_path / "corpus", tmp_path / "index.sqlite")
    try:
        report = check_paths([str(files[0]), str(files[2])], ctx=ctx)
    finally:
        assert ctx.corpus is not None
        ctx.corpus.close()
    assert [d.path for d in report.documents] == [str(files[0]), str(files[2])]
    assert any(f.rule == "corpus/conflicting-value" for f in report.findings)  # the index was read
    shas = {d.sha256 for d in report.documents}
    assert len(counted) == 3 and shas <= set(counted)  # every file of the corpus, the checked ones among them
    assert set(counted.values()) == {1}


def test_a_second_run_reads_the_index_and_analyses_only_the_checked_file(tmp_path: Path, counted: Counter[str]) -> None:
    files = _corpus(tmp_path / "corpus")
    open_context(None, tmp_path / "corpus", tmp_path / "index.sqlite").corpus.close()  # type: ignore[union-attr]
    counted.clear()
    ctx = open_context(None, tmp_path / "corpus", tmp_path / "index.sqlite")  # the index is up to date
    try:
        report = check_paths([str(files[1])], ctx=ctx)
    finally:
        ctx.corpus.close()  # type: ignore[union-attr]
    assert dict(counted) == {report.documents[0].sha256: 1}


def test_the_store_reads_a_changed_file_again(tmp_path: Path, counted: Counter[str]) -> None:
    page = tmp_path / "a.md"
    page.write_text("Il y a 3 incubateurs.\n", encoding="utf-8")
    store = Analyses()
    first = store.load(str(page))
    assert store.load(str(page)) is first and store.of(first.document) is first
    page.write_text("Il y a 4 incubateurs.\n", encoding="utf-8")
    second = store.load(str(page))
    assert [c.quantity.raw for c in second.claims] == ["4"]
    assert len(counted) == 2


def test_the_store_keeps_a_bounded_text(tmp_path: Path) -> None:
    store = Analyses(max_chars=60)
    for i in range(5):
        text = f"Le document {i} compte {i} incubateurs et rien de plus.\n"
        (tmp_path / f"{i}.md").write_text(text, encoding="utf-8")
        store.load(str(tmp_path / f"{i}.md"))
    assert 1 <= len(store) < 5


def _pid(item: str) -> int:
    return os.getpid()


def _nothing() -> None:
    return None


def test_a_crew_sends_a_document_to_the_process_that_analysed_it() -> None:
    # A site run's processes index the documents, then each checks those it analysed (its store).
    crew = Crew(2, _nothing, ())
    try:
        first = list(crew.run(_pid, ["a", "b", "c", "d"], key=str, weight=lambda item: 10 if item == "a" else 1))
        again = list(crew.run(_pid, ["d", "c", "b", "a"], key=str))
    finally:
        crew.close()
    assert len(set(first)) == 2 and first[0] not in first[1:]  # the big one alone, the others together
    assert again == first[::-1]
