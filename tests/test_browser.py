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
    assert page.evaluate(f"document.getElementById('{anchor[1:]}').closest('.block') === document.activeElement")
    assert page.locator(".block.current").count() == 1
    page.screenshot(path=str(tmp_path / "bilan-finding.png"))
    page.select_option("#filter-rule", "text/placeholder")
    assert page.locator("li.finding:not(.hidden)").count() == 1


def test_the_report_in_a_sandboxed_srcdoc_frame_keeps_its_links_in_the_frame(browser, tmp_path: Path) -> None:
    """Issue 12, defect 3, without the server: the report embedded as the web page embeds it
    (`<iframe sandbox="allow-scripts" srcdoc=...>`). A fragment link there resolves against the
    parent page's address: followed, it loaded the parent into the frame. Clicking a finding
    scrolls the frame to its block instead, and no request leaves the page (the report's CSP)."""
    html = report(BILAN_2024, tmp_path / "bilan.html").read_text(encoding="utf-8")
    parent = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>parent</title></head><body>'
        '<h1 id="parent">la page</h1><iframe id="report" sandbox="allow-scripts" '
        'style="width:100%;height:600px"></iframe></body></html>'
    )
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    # Served over http, as the web page is (chromium never lets a sandboxed frame load a file: URL).
    page.route("http://factcheck.test/**", lambda route: route.fulfill(body=parent, content_type="text/html"))
    page.goto("http://factcheck.test/")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.eval_on_selector("#report", "(frame, html) => { frame.srcdoc = html; }", html)
    frame = page.locator("#report").element_handle().content_frame()
    assert frame is not None
    frame.wait_for_selector("li.finding a")
    link = frame.locator("li.finding a", has_text="section X").first
    anchor = link.get_attribute("href")
    link.click()
    frame.wait_for_function(
        f"(() => {{ const r = document.getElementById('{anchor[1:]}').getBoundingClientRect();"
        " return r.top >= -2 && r.top < window.innerHeight; })()",
        timeout=5_000,
    )
    page.wait_for_timeout(300)
    assert frame.url == "about:srcdoc" and frame.locator("h1").inner_text() == "Rapport de vérification"
    assert frame.locator(".block.current").count() == 1
    assert requests == []  # the bug's navigation requested http://factcheck.test/#f-…


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
