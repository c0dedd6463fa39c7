"""Figures are small (issue 25, item 7): a claim is a slotted record that keeps its document, not a
copy of its place, and finds its place when asked; the memos of one extraction keep their recent
entries only. The memory of a page of 64,000 figures is measured by `bench/figures.py --memory-only`."""

from __future__ import annotations

import doctest
import json
import sys
from decimal import Decimal
from pathlib import Path

from extractor import memo
from extractor.analyse import analyse
from extractor.claims.evidence import locate
from extractor.ingest import load, textmap
from extractor.models import Block, Claim, Extraction, Location, Quantity, summarise


def _claims(tmp_path: Path, text: str) -> tuple[list[Claim], Path]:
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    analysis = analyse(load(path))
    return analysis.claims, path


def test_the_doctests_of_the_memo_and_the_line_index_run() -> None:
    assert doctest.testmod(memo).failed == 0
    assert doctest.testmod(textmap).failed == 0


def test_records_keep_no_dictionary() -> None:
    for record in (Location, Block, Quantity, Claim):
        assert not hasattr(record, "__dict__") or "__slots__" in record.__dict__
    place = Location(path="a.md", line=1, column=1, end_line=1, end_column=2)
    assert not hasattr(place, "__dict__")


def test_a_claim_finds_its_place_when_asked_and_keeps_it(tmp_path: Path) -> None:
    claims, _ = _claims(tmp_path, "# Bilan\n\nLe programme compte **12** startups et 3 incubateurs en 2024.\n")
    twelve = next(c for c in claims if c.quantity.value == 12)
    assert twelve.located is None  # nothing kept until a rule or a report asks
    place = twelve.location
    assert (place.line, place.column, place.end_column) == (3, 23, 25)  # after the "**" of the source
    assert twelve.located is place


def test_a_figure_written_twice_in_a_block_gets_its_own_occurrence(tmp_path: Path) -> None:
    claims, _ = _claims(tmp_path, "Texte.\n\n1 et 1 et *1* font 3.\n")
    ones = [c for c in claims if c.quantity.value == 1]
    assert [c.location.column for c in ones] == [1, 6, 12]
    doc = load(tmp_path / "page.md")
    block = doc.blocks[1]
    assert [locate(doc, block, c.start, c.end).column for c in ones] == [1, 6, 12]


def test_the_json_of_a_claim_has_its_location_and_not_its_document(tmp_path: Path) -> None:
    claims, path = _claims(tmp_path, "En 2024, 42 services.\n")
    doc = load(path)
    data = json.loads(Extraction(document=summarise(doc), claims=claims).model_dump_json())
    claim = next(c for c in data["claims"] if c["quantity"]["value"] == "42")
    assert claim["location"] == {"path": str(path), "line": 1, "column": 10, "end_line": 1, "end_column": 12,
                                 "page": None, "bbox": None}  # fmt: skip
    assert "source" not in claim and "located" not in claim
    schema = Extraction.model_json_schema(mode="serialization")["$defs"]["Claim"]["properties"]
    assert "location" in schema and "source" not in schema and "located" not in schema


def test_a_claim_given_its_place_needs_no_document() -> None:
    at = Location(path="a.md", line=4, column=2, end_line=4, end_column=3)
    claim = Claim(quantity=Quantity(value=Decimal(5), raw="5"), metric_text="", located=at, sentence="5",
                  block=0, start=0, end=1)  # fmt: skip
    assert claim.location is at


def test_a_memo_keeps_its_recent_entries_only() -> None:
    recent: memo.Recent[int, int] = memo.Recent(limit=3)
    for n in range(10):
        recent[n] = n * n
    assert list(recent.items()) == [(7, 49), (8, 64), (9, 81)]
    recent[8] = 0  # an update makes no room
    assert len(recent) == 3 and recent[8] == 0


def test_blocks_under_the_same_headings_share_their_path(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_text("# A\n\nun\n\ndeux\n\n## B\n\ntrois\n", encoding="utf-8")
    blocks = load(path).blocks
    one, two, title, three = blocks[1], blocks[2], blocks[3], blocks[4]
    assert one.heading_path == ["A"] and one.heading_path is two.heading_path
    assert title.heading_path == ["A"] and three.heading_path == ["A", "B"]
    assert sys.getsizeof(one) < 300  # a slotted block: no dictionary beside it
