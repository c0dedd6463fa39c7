"""The HTML report in a real browser (Debian's chromium, driven by Playwright): findings are
highlighted, a click in the findings list scrolls to the place, and document text cannot run
script. Skips, with the reason, where chromium or Playwright is not installed."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app
from tests.conftest import BILAN_2024


def report(path: Path, out: Path) -> Path:
    result = CliRunner().invoke(app, ["check", str(path), "-f", "html", "-o", str(out), "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    return out


def test_click_a_finding_scrolls_to_its_highlighted_place(browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    page.goto(report(BILAN_2024, tmp_path / "bilan.html").as_uri())
    assert page.locator(".block.has-finding").count() >= 3
    link = page.locator("li.finding a", has_text="section X").first
    anchor = link.get_attribute("href")
    link.click()
    page.wait_for_function(f"location.hash === '{anchor}'")
    top = page.evaluate(f"document.getElementById('{anchor[1:]}').getBoundingClientRect().top")
    assert -2 <= top < 800  # the highlighted block is on screen (scrolled to the top, subpixel aside)
    page.screenshot(path=str(tmp_path / "bilan-finding.png"))
    page.select_option("#filter-rule", "text/placeholder")
    assert page.locator("li.finding:not(.hidden)").count() == 1


def test_document_text_cannot_run_script(browser, tmp_path: Path) -> None:
    doc = tmp_path / "xss.txt"
    doc.write_text(
        'Voir la section X <script>window.pwned = 1</script> <img src=x onerror="window.pwned = 2"> '
        '"><svg onload="window.pwned = 3">\n',
        encoding="utf-8",
    )
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(report(doc, tmp_path / "xss.html").as_uri())
    page.wait_for_timeout(300)
    assert page.evaluate("window.pwned === undefined") and dialogs == []
    assert "<script>window.pwned = 1</script>" in page.inner_text("main")  # shown as text, not run
    page.screenshot(path=str(tmp_path / "xss.png"))
