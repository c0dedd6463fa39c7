"""Grant rounds as reference data and the registry checked as documents (issue 14, items 2 and 4),
on small site trees written here: a FAST page and a report that disagree, a FAST page that the
registry contradicts, a registry page that contradicts itself; and the real cases of the site."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor import profiles
from extractor.profiles.betagouv.rounds import read_round, read_rounds
from tests.conftest import ROOT

FACTCHECK = [sys.executable, "-m", "extractor"]
SITE = ROOT.parent / "shared" / "site"

FAST_PAGE = """---
title: FAST 13 - Septembre 2023
promotion: 13
---

<h1>FAST 13 - Septembre 2023</h1>

<div class="fr-text--lead">
L’appel à projet FAST 13 était ouvert à candidature jusqu’au 15
mai 2023. 18 candidatures ont été reçues. Suite à l’analyse des candidatures, le comité
d’investissement de la 13ème édition du FAST a sélectionné {selected} projets pour un montant total de {total}€.
</div>
"""


def startup(slug: str, title: str, fast: str = "", events: str = "") -> tuple[str, str]:
    return slug, f"---\ntitle: {title}\n{fast}{events}---\nUn service.\n"


def make_site(root: Path, *, selected: int = 2, total: str = "400 000", pages: dict[str, str] | None = None,
              startups: list[tuple[str, str]] | None = None) -> Path:  # fmt: skip
    for folder in ("_startups", "_incubators", "_organisations", "_fasts"):
        (root / "content" / folder).mkdir(parents=True)
    (root / "_pages").mkdir()
    (root / "_config.yml").write_text("title: site\n", encoding="utf-8")
    (root / "content" / "_fasts" / "13_fast.md").write_text(FAST_PAGE.format(selected=selected, total=total))
    for slug, text in startups if startups is not None else [
        startup("alpha", "Alpha", "fast:\n  promotion: 13\n  montant: 150000\n"),
        startup("beta", "Beta", "fast:\n  promotion: 13\n  montant: 250000\n"),
    ]:  # fmt: skip
        (root / "content" / "_startups" / f"{slug}.md").write_text(text, encoding="utf-8")
    for name, text in (pages or {}).items():
        (root / "_pages" / name).write_text(text, encoding="utf-8")
    return root


def run(site: Path, cwd: Path) -> list[dict]:
    done = subprocess.run([*FACTCHECK, "check", str(site), "-f", "json", "--fail-on", "never"], cwd=cwd,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["findings"]


def of(findings: list[dict], rule: str) -> list[dict]:
    """This rule's findings, their messages with plain spaces for the figures' narrow ones."""
    return [{**f, "message_fr": f["message_fr"].replace("\u00a0", " ")} for f in findings if f["rule"] == rule]


# --- reading a round's page ---------------------------------------------------------------------


def test_a_round_page_is_read_as_reference_data() -> None:
    grant = profiles.active().grants[0]
    page = read_round(FAST_PAGE.format(selected=10, total="2 530 000"), grant, "_fasts/13_fast.md")
    assert page is not None
    assert (page.round, page.date, page.deadline) == (13, dt.date(2023, 9, 1), dt.date(2023, 5, 15))
    assert (page.applications, page.selected, page.total) == (18, 10, 2530000)
    assert page.lines["selected"] == 11 and page.lines["deadline"] == 9


def test_a_page_that_states_no_figure_gives_none_not_a_guess() -> None:
    grant = profiles.active().grants[0]
    text = "---\ntitle: FAST 16 - Mars 2025\n---\nUne trentaine de candidatures ont été reçues.\n"
    page = read_round(text, grant, "_fasts/16_fast.md")
    assert page is not None and page.applications is None and page.selected is None and page.total is None
    assert read_round("---\ntitle: Lauréats du FAST\n---\n", grant, "x.md") is None  # names no round


@pytest.mark.skipif(not SITE.is_dir(), reason="../shared/site is not here")
def test_the_real_fast_pages_are_read() -> None:
    rounds = {r.round: r for r in read_rounds(SITE / "content", profiles.active().grants)}
    assert {3, 12, 13, 16} <= set(rounds)
    assert (rounds[13].selected, rounds[13].total, rounds[13].deadline) == (10, 2530000, dt.date(2023, 5, 15))
    assert (rounds[16].selected, rounds[16].total, rounds[16].applications) == (5, 1000000, None)
    assert (rounds[12].selected, rounds[12].total, rounds[12].applications) == (10, None, 20)


# --- a round's page against the registry --------------------------------------------------------


def test_a_fast_page_whose_total_the_registry_contradicts(tmp_path: Path) -> None:
    findings = of(run(make_site(tmp_path / "site", total="500 000"), tmp_path), "reference/round-page")
    assert len(findings) == 1 and findings[0]["evidence"][0]["location"]["path"].endswith("13_fast.md")
    assert "500 000" in findings[0]["message_fr"] and "400 000" in findings[0]["message_fr"]
    assert findings[0]["evidence"][0]["location"]["line"] == 11  # the line of the lead's total


def test_a_fast_page_that_agrees_with_the_registry_is_silent(tmp_path: Path) -> None:
    assert of(run(make_site(tmp_path / "site"), tmp_path), "reference/round-page") == []


def test_more_registry_laureates_than_the_page_selected(tmp_path: Path) -> None:
    findings = of(run(make_site(tmp_path / "site", selected=1), tmp_path), "reference/round-page")
    assert len(findings) == 1 and "2 fiches" in findings[0]["message_fr"] and "Alpha, Beta" in findings[0]["message_fr"]


def test_fewer_registry_laureates_than_selected_is_information_only(tmp_path: Path) -> None:
    """A laureate may have no startup page (an incubator laureate): the registry is a lower bound,
    so the page's laureates it does not name are information (issue 27, class 3), never an error,
    and the total cannot be checked without them."""
    findings = of(run(make_site(tmp_path / "site", selected=3, total="900 000"), tmp_path), "reference/round-page")
    assert [f["severity"] for f in findings] == ["info"]
    assert "3 lauréats" in findings[0]["message_fr"] and "Alpha, Beta" in findings[0]["message_fr"]


# --- a report against the rounds' pages ----------------------------------------------------------


def test_a_report_whose_total_and_deadline_differ_from_the_fast_page(tmp_path: Path) -> None:
    report = (
        "---\ntitle: Bilan\n---\n\n# Le FAST en 2023\n\n"
        "Le FAST a accordé 600 000 € aux lauréats de la promotion 13.\n\n"
        "L'appel à projet FAST 13 était ouvert à candidature jusqu'au 15 juin 2023.\n"
    )
    findings = of(run(make_site(tmp_path / "site", pages={"bilan.md": report}), tmp_path), "reference/round-mismatch")
    messages = sorted(f["message_fr"] for f in findings)
    assert len(messages) == 2, messages
    assert any("15 juin 2023" in m and "15 mai 2023" in m for m in messages)
    assert any("600 000" in m and "400 000" in m for m in messages)
    assert all(f["evidence"][0]["location"]["path"].endswith("bilan.md") for f in findings)


def test_a_report_that_agrees_with_the_fast_page_is_silent(tmp_path: Path) -> None:
    report = (
        "---\ntitle: Bilan\n---\n\nLe FAST a accordé 400 000 € aux 2 lauréats de la promotion 13. "
        "L'appel à projet FAST 13 était ouvert à candidature jusqu'au 15 mai 2023.\n"
    )
    assert of(run(make_site(tmp_path / "site", pages={"bilan.md": report}), tmp_path), "reference/round-mismatch") == []


def test_a_laureate_count_below_the_registry_is_a_warning(tmp_path: Path) -> None:
    """No page for promotion 14: the registry's three entries are a lower bound of its laureates."""
    startups = [
        startup("alpha", "Alpha", "fast:\n  promotion: 14\n  montant: 150000\n"),
        startup("beta", "Beta", "fast:\n  promotion: 14\n  montant: 250000\n"),
        startup("gamma", "Gamma", "fast:\n  promotion: 14\n  montant: 50000\n"),
    ]
    low = "---\ntitle: Bilan\n---\n\n2 lauréats de la 14ème édition du FAST ont été annoncés.\n"
    high = "---\ntitle: Bilan\n---\n\n3 lauréats de la 14ème édition du FAST ont été annoncés.\n"
    site = make_site(tmp_path / "site", startups=startups, pages={"low.md": low, "high.md": high})
    findings = of(run(site, tmp_path), "reference/round-mismatch")
    assert [f["severity"] for f in findings] == ["warning"]
    assert findings[0]["evidence"][0]["location"]["path"].endswith("low.md")


# --- a registry page that contradicts itself -----------------------------------------------------


def test_a_registry_page_whose_fast_field_and_event_disagree(tmp_path: Path) -> None:
    event = "events:\n  - name: fast\n    date: 2023-09-01\n    comment: Montant de 100000€ pour la promotion 13\n"
    startups = [
        startup("alpha", "Alpha", "fast:\n  promotion: 13\n  montant: 150000\n", event),
        startup("beta", "Beta", "fast:\n  promotion: 13\n  montant: 250000\n",
                "events:\n  - name: fast\n    date: 2022-07-01\n    comment: Montant de 370 000€\n"),
    ]  # fmt: skip
    findings = run(make_site(tmp_path / "site", startups=startups), tmp_path)
    conflict = of(findings, "reference/registry-conflict")
    assert len(conflict) == 1, conflict  # beta's event names no promotion: an earlier award
    where = [e["location"] for e in conflict[0]["evidence"]]
    assert where[0]["path"].endswith("alpha.md") and where[0]["line"] == 5  # the montant line
    assert where[1]["line"] == 9  # the event's comment
    # Alpha says two amounts for promotion 13: the page's total is not checked against it.
    assert of(findings, "reference/round-page") == []


@pytest.mark.skipif(not SITE.is_dir(), reason="../shared/site is not here")
def test_the_real_registry_page_that_contradicts_itself(tmp_path: Path) -> None:
    """territoires-en-transitions: `fast: {promotion: 14, montant: 300000}`, and its FAST event
    "Montant de 150000€ pour la promotion 14". homologation's 370 000 € event names no promotion
    (a 2022 award, the FAST 11 of June 2022) and is no contradiction of its promotion-14 field."""
    from extractor.run import pipeline
    from extractor.run.site import site_registry

    store, _ = site_registry(SITE, tmp_path / "cache")
    ctx = pipeline.open_context(store, None)
    paths = [str(SITE / "content" / "_startups" / n) for n in ("territoires-en-transitions.md", "homologation.md")]
    report = pipeline.check_paths(paths, ["reference/registry-conflict"], ctx=ctx)
    assert [(Path(f.evidence[0].location.path).name, f.evidence[0].location.line) for f in report.findings] == [
        ("territoires-en-transitions.md", 38)
    ]


def test_a_fast_page_without_extension_is_read_checked_and_compared(tmp_path: Path) -> None:
    """Jekyll publishes a collection file with a front matter whatever its name ("07_fast"): a site
    run reads it as a document, its round is reference data, and a report is compared with it."""
    site = make_site(tmp_path / "site", total="500 000")
    fasts = site / "content" / "_fasts"
    (fasts / "13_fast.md").rename(fasts / "13_fast")
    (fasts / "notes").write_text("pas une page\n", encoding="utf-8")  # no front matter: not published as a page
    report = "---\ntitle: Bilan\n---\n\nLe FAST a accordé 600 000 € aux lauréats de la promotion 13.\n"
    (site / "_pages" / "bilan.md").write_text(report, encoding="utf-8")
    done = subprocess.run([*FACTCHECK, "check", str(site), "-f", "json", "--fail-on", "never"], cwd=tmp_path,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    paths = {d["path"] for d in result["documents"]}
    assert any(p.endswith("13_fast") for p in paths) and not any(p.endswith("notes") for p in paths)
    page = of(result["findings"], "reference/round-page")
    assert len(page) == 1 and page[0]["evidence"][0]["location"]["path"].endswith("13_fast")
    compared = of(result["findings"], "reference/round-mismatch")
    assert any("600 000" in f["message_fr"] and "500 000" in f["message_fr"] for f in compared), compared
    assert result["errors"] == [] and not of(result["findings"], "site/unread-file")
