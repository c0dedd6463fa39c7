"""`factcheck serve` as communications staff and integrators meet it: the web page in a real
browser (Debian's chromium through Playwright), and the API fuzzed from its own OpenAPI schema by
schemathesis. Skips, with the reason, where chromium, Playwright or schemathesis is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import BILAN_2024_PDF, PRESS_RELEASE, need


def submit(page) -> str:
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_function("document.getElementById('summary').textContent.includes('constat')", timeout=90_000)
    page.wait_for_selector("#report:not([hidden])", timeout=90_000)
    return page.text_content("#summary") or ""


def test_paste_the_press_release_and_see_its_conflict_highlighted(live_server, browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 1400})
    page.goto(live_server.url + "/")
    page.get_by_label("Texte (Markdown accepté)").fill(PRESS_RELEASE.read_text(encoding="utf-8"))
    page.get_by_label("Date de publication").fill("2024-02-26")
    assert "constat" in submit(page)
    assert page.locator("#findings li", has_text="près de 20").count() >= 1
    report = page.frame_locator("#report")
    flagged = report.locator(".block.has-finding", has_text="près de 20")
    assert flagged.count() >= 1 and flagged.first.locator("mark").count() >= 1  # the figure is highlighted
    flagged.first.scroll_into_view_if_needed()
    assert page.get_attribute("#dl-html", "href").startswith("blob:")
    page.screenshot(path=str(tmp_path / "communique.png"), full_page=True)
    assert (tmp_path / "communique.png").stat().st_size > 10_000


def test_click_a_finding_in_the_embedded_report_scrolls_to_its_place(live_server, browser) -> None:
    """Issue 12, defect 3: in the page's srcdoc frame, a finding's `#f-…` link resolved against the
    factcheck page's own URL and loaded that page into the frame, losing the report. The report's
    script now scrolls to the finding itself: the frame keeps the report, the finding's block is
    on screen and focused, and the frame's address does not change."""
    page = browser.new_page(viewport={"width": 1200, "height": 1400})
    page.goto(live_server.url + "/")
    page.get_by_label("Texte (Markdown accepté)").fill(PRESS_RELEASE.read_text(encoding="utf-8"))
    page.get_by_label("Date de publication").fill("2024-02-26")
    submit(page)
    page.frame_locator("#report").locator("li.finding a").first.wait_for()  # the frame has loaded its report
    frame = page.locator("#report").element_handle().content_frame()
    assert frame is not None and frame.url == "about:srcdoc"
    report = page.frame_locator("#report")
    link = report.locator("li.finding a").first
    anchor = link.get_attribute("href")
    assert anchor and anchor.startswith("#f-")
    target = report.locator(f"[id='{anchor[1:]}']")
    height = frame.evaluate("window.innerHeight")
    assert target.evaluate("e => e.getBoundingClientRect().top") > height  # below the fold before the click
    link.click()
    page.wait_for_timeout(300)  # a navigation the click started would have replaced the document by now
    assert frame.url == "about:srcdoc" and not frame.is_detached()
    assert frame.locator("h1").inner_text() == "Rapport de vérification"  # still the report, not the page
    assert frame.locator("#form").count() == 0
    frame.wait_for_function(  # the finding's block is inside the frame's viewport
        f"(() => {{ const r = document.getElementById('{anchor[1:]}').getBoundingClientRect();"
        " return r.top >= -2 && r.top < window.innerHeight && r.bottom <= window.innerHeight + 2; })()",
        timeout=5_000,
    )
    block = target.evaluate("e => e.closest('.block') === document.activeElement")
    assert block  # the block has the focus (keyboard and screen-reader users land there)
    assert report.locator(".block.current").count() == 1


def test_upload_the_bilan_2024_pdf_and_see_its_findings(live_server, browser, tmp_path: Path) -> None:
    pdf = need(BILAN_2024_PDF)
    page = browser.new_page(viewport={"width": 1200, "height": 1400})
    page.goto(live_server.url + "/")
    page.get_by_label("Ou un fichier").set_input_files(str(pdf))
    summary = submit(page)
    count = int(summary.split()[0])
    assert count >= 3 and page.locator("#findings li").count() == count
    assert page.locator("#findings li", has_text="beta.gouv.fr.fr").count() == 1  # page 35 of the PDF
    assert page.locator("#findings li", has_text="17,4 %").count() == 1  # of 25 people: impossible
    assert page.frame_locator("#report").locator(".block.has-finding").count() >= 3
    page.screenshot(path=str(tmp_path / "bilan-2024-pdf.png"), full_page=True)
    assert (tmp_path / "bilan-2024-pdf.png").stat().st_size > 10_000


def test_the_page_works_from_the_keyboard(live_server, browser) -> None:
    page = browser.new_page()
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "text"  # the first field, labelled
    page.keyboard.type("Voir la section X.")
    visited = []
    while page.evaluate("document.activeElement.tagName") != "BUTTON" and len(visited) < 12:
        page.keyboard.press("Tab")  # the file field, the date's day, month and year, then the button
        visited.append(page.evaluate("document.activeElement.id"))
    assert page.evaluate("document.activeElement.textContent") == "Vérifier"
    assert {"file", "date"} <= set(visited)
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('summary').textContent.includes('constat')")
    assert page.locator("#findings li", has_text="text/placeholder").count() == 1


def test_the_api_never_answers_5xx(live_server) -> None:
    """schemathesis generates requests for every operation of /openapi.json (JSON and multipart
    bodies, query parameters) from the schema: each gets a 2xx or a documented 4xx with its JSON
    error body, never a server error. Bounded: 25 examples per operation."""
    schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_url(f"{live_server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/check", "/api/extract", "/api/report", "/api/rules", "/healthz"}
    seen: dict[str, set[int]] = {}
    for operation in operations:

        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None,
                  derandomize=True)  # fmt: skip
        @given(case=operation.as_strategy())
        def call(case) -> None:
            response = case.call(timeout=60)
            seen.setdefault(f"{case.method} {case.path}", set()).add(response.status_code)
            assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
            if response.status_code >= 400 and case.path.startswith("/api/"):
                body = response.json()
                assert body.get("code") and (body.get("message_fr") or body.get("detail")), body

        call()
    assert all(seen[f"POST /api/{name}"] - {200} for name in ("check", "extract", "report"))  # refusals tried
