"""check --format html: a self-contained page, every finding anchored, document text escaped."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app
from tests.conftest import BILAN_2024

runner = CliRunner()


def html_for(path: Path, out: Path) -> str:
    result = runner.invoke(app, ["check", str(path), "--format", "html", "-o", str(out), "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_bilan_report_anchors_every_finding_and_highlights_claims(tmp_path: Path) -> None:
    page = html_for(BILAN_2024, tmp_path / "rapport.html")
    assert page.startswith("<!doctype html>") and '<html lang="fr">' in page
    links = re.findall(r'<a href="#(f-[0-9a-f]+)">', page)
    assert links and all(f'id="{anchor}"' in page for anchor in links)  # each finding points at its place
    assert 'class="block has-finding error"' in page
    assert '<mark class="claim" title="women_share_eig · 2024">17,4 %</mark>' in page
    # the GRIM finding is anchored at the "17,4 %" cell, not at its row's header on the same line
    cell = (
        r'<p class="block has-finding error" id="f-[0-9a-f]+"[^>]*><span class="kind">tableau</span>'
        r'<mark class="claim" title="women_share_eig · 2024">17,4 %'
    )
    assert re.search(cell, page)
    assert 'id="filter-severity"' in page and 'id="filter-rule"' in page
    # self-contained: no external resource
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)


def test_document_text_is_escaped(tmp_path: Path) -> None:
    doc = tmp_path / "xss.md"
    doc.write_text(
        "# Titre <script>alert(1)</script>\n\nVoir la section X. <img src=x onerror=alert(2)>\n\n"
        'Le le texte "><svg onload=alert(3)>\n',
        encoding="utf-8",
    )
    page = html_for(doc, tmp_path / "xss.html")
    body = page.split("<body>", 1)[1].rsplit("<script>", 1)[0]  # the page's own script is at the end
    assert "<script" not in body and "<img" not in body and "<svg" not in body
    assert "&lt;img src=x onerror=alert(2)&gt;" in body or "onerror" not in body


def test_raw_text_payloads_come_out_inert(tmp_path: Path) -> None:
    doc = tmp_path / "xss.txt"
    doc.write_text("Voir la section X <script>alert(1)</script> et <img src=x onerror=alert(2)>.\n", encoding="utf-8")
    page = html_for(doc, tmp_path / "xss.html")
    body = page.split("<body>", 1)[1].rsplit("<script>", 1)[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "&lt;img src=x onerror=alert(" in body
    assert "<script>alert" not in page and "<img" not in page


def test_the_page_forbids_every_request_and_handles_its_own_links(tmp_path: Path) -> None:
    """The CSP allows only the inline style and script: no request, even from the script that
    takes the findings' links to their blocks where a fragment link cannot (issue 12, the web
    page's srcdoc frame)."""
    page = html_for(BILAN_2024, tmp_path / "rapport.html")
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert csp and csp.group(1) == "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
    script = page.rsplit("<script>", 1)[1]
    assert "scrollIntoView" in script and "preventDefault" in script
    assert not re.search(r"fetch|XMLHttpRequest|WebSocket|sendBeacon|import\(|\.src\s*=", script)
    assert re.findall(r'<a href="#f-[0-9a-f]+">', page)  # the plain links stay, for a page without script


def test_a_pdf_report_says_each_findings_page(tmp_path: Path, bilan_pdf: Path) -> None:
    """Issue 16, item 4: a PDF finding's place is its page (and its box there), not "file.pdf:3:1"."""
    page = html_for(bilan_pdf, tmp_path / "pdf.html")
    wheres = re.findall(r'<span class="where">([^<]+)</span>', page)
    assert wheres and all("page " in w for w in wheres)
    assert re.search(r"betagouv_bilan_2024\.pdf, page 9, ligne \d+ de la page, cadre x \d+–\d+, y \d+–\d+ pt", page)
    assert not re.search(r"betagouv_bilan_2024\.pdf:\d+:\d+", page)
    assert '<p class="page-label">Page 9</p>' in page and '<span class="where">(page 9)</span>' in page


def test_the_filter_shows_french_titles_and_counts_are_french_plurals(tmp_path: Path) -> None:
    source = tmp_path / "page.md"
    text = "# Bilan\n\nVoir la section X.\n\nLe chiffre : [à compléter].\n\nLe le bilan.\n"
    source.write_text(text, encoding="utf-8")
    page = html_for(source, tmp_path / "rapport.html")
    assert '<option value="text/placeholder" title="text/placeholder">Texte provisoire oublié</option>' in page
    assert "(s)" not in page.split("<main>")[0]
    assert re.search(r"3 constats : 2 erreurs, 1 avertissement, 0 info<", page), page.split("<main>")[0]
