"""`factcheck serve` as communications staff and integrators meet it: the web page in a real
browser (Debian's chromium through Playwright), checked for accessibility by axe-core, and the API
fuzzed from its own OpenAPI schema by schemathesis. Skips, with the reason, where chromium,
Playwright, axe-playwright-python or schemathesis is missing.

Screenshots go to the test's temporary folder; with FACTCHECK_UPDATE_SCREENSHOT=1 the press-release
test also rewrites the README's screenshot, docs/page.png."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from tests.conftest import BILAN_2024_PDF, PRESS_RELEASE, ROOT, need

SHOT = {"viewport": {"width": 1280, "height": 1000}, "locale": "fr-FR"}


class Watched:
    """A browser page on the served page that records what it asks for and what goes wrong."""

    def __init__(self, browser, url: str) -> None:
        self.page = browser.new_page(**SHOT)
        self.url = url
        self.posts: list[str] = []
        self.outside: list[str] = []
        self.problems: list[str] = []
        self.page.on("request", self._request)
        self.page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.goto(url + "/")

    def _request(self, request) -> None:
        if request.method == "POST":
            self.posts.append(request.url.removeprefix(self.url))
        if not request.url.startswith((self.url, "data:", "blob:")):
            self.outside.append(request.url)

    def check(self, timeout: float = 90_000) -> None:
        self.page.locator("#submit").click()
        self.page.wait_for_selector("#resultat:not([hidden]), #error:not([hidden])", timeout=timeout)

    def in_view(self, selector: str, container: str) -> bool:
        """The element starts inside the visible part of its scrolling container (fully, when it fits),
        and that part is on screen."""
        return self.page.evaluate(
            """([s, c]) => { const e = document.querySelector(s).getBoundingClientRect();
                const b = document.querySelector(c).getBoundingClientRect();
                const fits = e.height > b.height || e.bottom <= b.bottom + 2;
                return e.top >= b.top - 2 && e.top < b.bottom && fits && e.top >= 0 && e.top < innerHeight; }""",
            [selector, container],
        )

    def focused(self, selector: str) -> bool:
        return self.page.evaluate("s => document.querySelector(s) === document.activeElement", selector)


def serious_violations(page) -> list[str]:
    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed")
    results = axe.Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def paste_press_release(watched: Watched) -> None:
    watched.page.get_by_label("Texte à vérifier").fill(PRESS_RELEASE.read_text(encoding="utf-8"))
    watched.page.get_by_label("Date de publication").fill("2024-02-26")


def test_paste_the_press_release_and_go_from_each_finding_to_its_place_and_back(
    live_server, browser, tmp_path: Path
) -> None:
    w = Watched(browser, live_server.url)
    paste_press_release(w)
    assert w.page.text_content("#which") == "Sera vérifié : le texte collé."
    w.check()
    assert w.page.locator("#error").is_hidden()
    assert w.posts == ["/api/review?fail_on=never"]  # one request per check: the report comes with it
    titles = {r["id"]: r["title_fr"] for r in httpx.get(live_server.url + "/api/rules").json()}
    expected = {"corpus/conflicting-value": "près de 20", "corpus/conflicting-date": "2019"}
    for rule, figure in expected.items():
        card = w.page.locator(f'#findings .fc-finding[data-rule="{rule}"]')
        assert card.count() == 1
        assert card.locator(".fc-rule").inner_text() == titles[rule]  # French title, the id beside it
        assert card.locator(".fc-rule-id").inner_text() == rule
        index = card.get_attribute("data-index")
        mark = f'#doc .fc-mark[data-places~="{index}.0"]'  # the place of its first evidence
        assert figure.split()[-1] in w.page.locator(mark).first.inner_text()  # marked at its place
        severity = card.get_attribute("data-severity")
        assert w.page.locator(mark).first.get_attribute("class").count(f"fc-mark--{severity}") == 1
        icon = {"error": "fr-icon-error-fill", "warning": "fr-icon-warning-fill"}[severity]  # not colour alone
        assert icon in w.page.locator(f"{mark} .fc-mark__icon").first.get_attribute("class").split()
        assert w.page.locator(f"{mark} .fr-sr-only").first.inner_text().strip() in {"Erreur :", "Avertissement :"}
        card.locator(".fc-goto").click()  # the finding -> its place in the text
        w.page.wait_for_function(f"document.activeElement === document.querySelector('{mark}')")
        assert w.in_view(mark, "#doc")
        bubble = w.page.locator("#bubble")  # the explanation beside the mark, on focus
        assert bubble.is_visible() and card.locator(".fc-message").inner_text() in bubble.inner_text()
        w.page.keyboard.press("Enter")  # and back, from the keyboard
        w.page.wait_for_function(f"document.activeElement === document.getElementById('constat-{index}')")
        assert w.in_view(f"#constat-{index}", "#findings")
    # The other publication's evidence is quoted in the card, with where it is.
    elsewhere = w.page.locator('.fc-finding[data-rule="corpus/conflicting-date"] .fc-elsewhere')
    assert "bilan-2024.md" in elsewhere.inner_text() and "Depuis 2022" in elsewhere.inner_text()
    # Grouped by severity, errors first; the summary counts them.
    groups = w.page.locator("#findings h4").all_inner_texts()
    assert groups[0].startswith("Erreurs (") and groups[1].startswith("Avertissements (")
    # Filters: by severity, then by rule (French titles in the list).
    w.page.select_option("#filter-severity", "error")
    assert w.page.locator("#findings .fc-finding:visible").count() == w.page.locator(".fc-finding--error").count()
    assert w.page.locator("#doc .fc-mark--warning:not(.fc-off)").count() == 0
    w.page.select_option("#filter-severity", "")
    options = w.page.locator("#filter-rule option").all_inner_texts()
    assert f"{titles['corpus/conflicting-value']} (corpus/conflicting-value)" in options
    w.page.select_option("#filter-rule", "corpus/conflicting-value")
    assert w.page.locator("#findings .fc-finding:visible").count() == 1
    assert w.page.text_content("#shown").startswith("1 constat affiché sur ")
    w.page.select_option("#filter-rule", "")
    assert w.page.get_attribute("#dl-html", "href").startswith("blob:")
    assert w.page.get_attribute("#dl-json", "href").startswith("blob:")
    assert w.outside == [] and w.problems == []  # nothing fetched from outside, no script error
    w.page.screenshot(path=str(tmp_path / "communique.png"), full_page=True)
    assert (tmp_path / "communique.png").stat().st_size > 10_000
    if os.environ.get("FACTCHECK_UPDATE_SCREENSHOT"):
        update_screenshot(browser, live_server.url)


def update_screenshot(browser, url: str) -> None:
    """docs/page.png, the README's screenshot: the press release checked, in a French chromium (its
    own file and date fields in French), an error's place shown in the text."""
    from tests.conftest import ARGS, CHROMIUM

    french = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*ARGS, "--lang=fr-FR"],
        env={**os.environ, "LANGUAGE": "fr", "LANG": "fr_FR.UTF-8"},
    )
    try:
        w = Watched(french, url)
        paste_press_release(w)
        w.check()
        w.page.locator('#findings .fc-finding[data-rule="corpus/conflicting-date"] .fc-goto').click()
        (ROOT / "docs").mkdir(exist_ok=True)
        w.page.screenshot(path=str(ROOT / "docs" / "page.png"), full_page=True)
    finally:
        french.close()


def test_upload_the_bilan_2024_pdf_see_progress_then_a_finding_on_its_page_image(
    live_server, browser, tmp_path: Path
) -> None:
    pdf = need(BILAN_2024_PDF)
    w = Watched(browser, live_server.url)
    w.page.get_by_label("Texte à vérifier").fill("Un texte collé aussi.")
    w.page.get_by_label("Ou un fichier").set_input_files(str(pdf))
    which = w.page.text_content("#which")  # both given: the page says which one is checked
    assert "le fichier « betagouv_bilan_2024.pdf »" in which and "texte collé ne sera pas envoyé" in which
    w.page.locator("#submit").click()
    assert w.page.locator("#submit").is_disabled()  # the progress state, while the PDF is checked
    assert "Vérification en cours" in w.page.text_content("#status")
    w.page.wait_for_function("/\\d,\\d s/.test(document.getElementById('elapsed').textContent)")
    w.page.evaluate("document.getElementById('formulaire').requestSubmit()")  # a second submit sends nothing
    w.page.wait_for_selector("#resultat:not([hidden]), #error:not([hidden])", timeout=90_000)
    assert w.posts == ["/api/review?fail_on=never"]
    assert w.page.locator("#submit").is_enabled() and w.page.text_content("#status-text").startswith("Vérifié en ")
    assert "le fichier « betagouv_bilan_2024.pdf » (PDF, " in w.page.text_content("#checked-what")
    card = w.page.locator('.fc-finding[data-rule="arithmetic/percentage-mismatch"]', has_text="17,4 %")
    assert card.count() == 1
    assert card.locator(".fc-where").first.inner_text().startswith("Ici : page 9, ")
    image = card.locator("figure.fc-page img")
    image.scroll_into_view_if_needed()
    assert image.evaluate("i => i.complete && i.naturalWidth > 500")
    assert image.get_attribute("src").startswith("data:image/jpeg;base64,")
    boxes = card.locator(".fc-box")
    assert boxes.count() == 2  # the percentage's cell and the count's
    frame = card.locator(".fc-page-frame").bounding_box()
    for i in range(boxes.count()):
        box = boxes.nth(i).bounding_box()
        assert frame and box and frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
        assert frame["y"] <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"] + 1
    assert card.locator("figcaption").inner_text().startswith("Page 9 : le cadre entoure le passage, ")
    token = w.page.locator(".fc-finding", has_text="beta.gouv.fr.fr")
    assert token.count() == 1 and "page 35" in token.locator(".fc-where").first.inner_text()
    card.locator(".fc-goto").click()
    index = card.get_attribute("data-index")
    w.page.wait_for_function(
        f"document.activeElement === document.querySelector('#doc .fc-mark[data-places~=\"{index}.0\"]')"
    )
    assert w.outside == [] and w.problems == []
    assert serious_violations(w.page) == []  # page images, boxes and page labels included
    w.page.screenshot(path=str(tmp_path / "bilan-2024-pdf.png"))
    assert (tmp_path / "bilan-2024-pdf.png").stat().st_size > 10_000


def test_an_error_then_a_valid_check_leaves_no_stale_result(live_server, browser, tmp_path: Path) -> None:
    w = Watched(browser, live_server.url)
    w.page.get_by_label("Texte à vérifier").fill("Voir la section X.")
    w.check()
    assert w.page.locator("#resultat").is_visible() and w.page.locator("#findings .fc-finding").count() >= 1
    bad = tmp_path / "notes.xyz"
    bad.write_text("Voir la section X.", encoding="utf-8")
    w.page.get_by_label("Ou un fichier").set_input_files(str(bad))
    w.check()
    assert w.page.locator("#error").is_visible() and "non pris en charge" in w.page.text_content("#error-message")
    assert w.page.locator("#resultat").is_hidden()  # the previous result went with the error
    assert w.page.locator("#findings .fc-finding").count() == 0 and w.page.locator("#doc .fc-mark").count() == 0
    assert w.page.text_content("#status-text").startswith("Échec après ")
    w.page.screenshot(path=str(tmp_path / "erreur.png"))
    w.page.get_by_role("button", name="Retirer le fichier").click()
    w.page.get_by_label("Texte à vérifier").fill("Un texte sans problème.")
    w.check()
    assert w.page.locator("#error").is_hidden()  # the error went with the new check
    assert w.page.locator("#findings .fc-finding").count() == 0
    assert "Aucune incohérence détectée" in w.page.text_content("#summary")
    w.page.get_by_label("Texte à vérifier").fill("")
    posts = len(w.posts)
    w.check()  # nothing to check: said on the page, no request
    assert "Rien à vérifier" in w.page.text_content("#error-message") and len(w.posts) == posts
    assert w.page.locator("#resultat").is_hidden()
    assert w.problems == [] or all("415" in p for p in w.problems)  # the browser logs the refused upload


def test_a_file_dropped_on_the_drop_zone_is_the_one_checked(live_server, browser) -> None:
    w = Watched(browser, live_server.url)
    w.page.evaluate(
        """() => { const data = new DataTransfer();
           data.items.add(new File(['Voir la section X.\\n'], 'note.md', {type: 'text/markdown'}));
           document.getElementById('drop').dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true,
             cancelable: true})); }"""
    )
    assert w.page.text_content("#which") == "Sera vérifié : le fichier « note.md »."
    w.check()
    assert "le fichier « note.md »" in w.page.text_content("#checked-what")
    assert w.page.locator('.fc-finding[data-rule="text/placeholder"]').count() == 1


def test_the_page_works_from_the_keyboard(live_server, browser) -> None:
    w = Watched(browser, live_server.url)
    page = w.page
    visited = []
    while page.evaluate("document.activeElement.id") != "text" and len(visited) < 20:
        page.keyboard.press("Tab")  # the skip links, the service's name, then the first field
        visited.append(page.evaluate("document.activeElement.id"))
    assert page.evaluate("document.activeElement.id") == "text"
    page.keyboard.type("Voir la section X.")
    visited = []
    while page.evaluate("document.activeElement.id") != "submit" and len(visited) < 12:
        page.keyboard.press("Tab")  # the file field, the date's day, month and year, then the button
        visited.append(page.evaluate("document.activeElement.id"))
    assert {"file", "date"} <= set(visited) and page.evaluate("document.activeElement.textContent") == "Vérifier"
    page.keyboard.press("Enter")
    page.wait_for_selector("#resultat:not([hidden])")
    assert w.focused("#resultat")  # the result takes the focus: the next Tab goes into it
    card = page.locator('.fc-finding[data-rule="text/placeholder"]')
    index = card.get_attribute("data-index")
    for _ in range(30):  # Tab to the mark in the text
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('fc-mark')"):
            break
    assert page.evaluate("document.activeElement.dataset.findings") == index
    page.keyboard.press("Enter")  # to the finding
    assert w.focused(f"#constat-{index}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Voir dans le texte"
    page.keyboard.press("Enter")  # and back to the text
    assert page.evaluate("document.activeElement.classList.contains('fc-mark')")


def test_axe_finds_no_serious_or_critical_violation(live_server, browser, tmp_path: Path) -> None:
    """RGAA: axe-core (bundled by axe-playwright-python) on the empty page, on a result (the press
    release: marks, cards, filters) and on an error."""
    w = Watched(browser, live_server.url)
    assert serious_violations(w.page) == []
    paste_press_release(w)
    w.check()
    w.page.locator(".fc-goto").first.click()  # a mark focused, its explanation shown
    assert serious_violations(w.page) == []
    w.page.get_by_label("Texte à vérifier").fill("")
    w.check()
    assert w.page.locator("#error").is_visible() and serious_violations(w.page) == []
    w.page.screenshot(path=str(tmp_path / "axe-error.png"), full_page=True)
    w.page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert any(v.startswith("image-alt ") for v in serious_violations(w.page))  # axe does look


def test_the_vendored_dsfr_is_complete_and_shipped() -> None:
    """Every file the page and the DSFR's CSS point at is in the package (the page fetches nothing
    from outside), under the licence, and matched by pyproject's package data (`pip install .`
    ships it)."""
    import fnmatch
    import re
    import tomllib

    from extractor.service.page import STATIC

    dsfr = STATIC / "vendor" / "dsfr"
    assert (dsfr / "LICENSE.md").read_text(encoding="utf-8").count("Etalab") >= 1
    for css in (dsfr / "dsfr.min.css", dsfr / "icons.min.css"):
        for url in set(re.findall(r"url\((icons/[^)]+)\)", css.read_text(encoding="utf-8"))):
            assert (dsfr / url).is_file(), url
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    for url in re.findall(r'(?:href|src)="/static/([^"]+)"', page):
        assert (STATIC / url).is_file(), url
    assert not re.search(r'(?:href|src)="(?:https?:)?//', page)
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    patterns = patterns["package-data"]["extractor"]
    root = ROOT / "extractor"
    for path in STATIC.rglob("*"):
        if path.is_file():
            name = path.relative_to(root).as_posix()
            assert any(fnmatch.fnmatchcase(name, p) and name.count("/") == p.count("/") for p in patterns), name


# The answer behind the page (`POST /api/review`), without a server.


def test_review_marks_each_finding_where_it_is_in_the_repaired_text() -> None:
    """A finding's place (original line and column) becomes offsets of the text the page shows,
    the repaired one: a repair before it (two bytes read as one letter) shifts nothing."""
    from extractor import checks
    from extractor.ingest import read_bytes
    from extractor.run.pipeline import check_document
    from extractor.service.page.review import marks_of, offset_of

    data = "Le bilan de l'annÃ©e dernière.\n\nVoir la section X. Les rÃ©sultats sont là.\n".encode()
    doc = read_bytes(data, "note.md")
    assert doc.repairs  # the case under test
    findings = check_document(doc, None, checks.Context(registry=None, corpus=None))
    marked = {(findings[m.finding].rule, doc.text[m.start : m.end]) for m in marks_of(doc, findings)}
    assert ("text/placeholder", "section X") in marked
    assert ("encoding/mojibake-repaired", "résultats") in marked
    assert offset_of(doc, None, 1, 1) == 0 and offset_of(doc, None, 99, 1) == len(doc.text)


def test_review_of_the_bilan_pdf_gives_page_images_and_places(bilan_pdf: Path) -> None:
    from extractor import checks
    from extractor.ingest import read_bytes
    from extractor.models import Report, summarise
    from extractor.run.pipeline import check_document, document_detail
    from extractor.service.page.review import build

    data = bilan_pdf.read_bytes()
    doc = read_bytes(data, bilan_pdf.name)
    ctx = checks.Context(registry=None, corpus=None)
    report = Report(documents=[summarise(doc)]).restricted(check_document(doc, None, ctx))
    report.details = [document_detail(doc, ctx)]
    review = build(data, report)
    percentage = next(i for i, f in enumerate(report.findings) if f.rule == "arithmetic/percentage-mismatch")
    marks = [m for m in review.marks if m.finding == percentage]
    assert [review.document.text[m.start : m.end] for m in marks] == ["17,4%", "25"]
    assert all(review.document.page_starts[8] <= m.start < review.document.page_starts[9] for m in marks)  # page 9
    images = {p.number: p for p in review.page_images}
    assert 9 in images and 35 in images and images[9].image.startswith("data:image/jpeg;base64,")
    box = report.findings[percentage].evidence[0].location.bbox
    assert box and box[2] <= images[9].width and box[3] <= images[9].height  # the box is on the page
    assert (
        review.rules["arithmetic/percentage-mismatch"] == checks.catalogue()["arithmetic/percentage-mismatch"].title_fr
    )
    assert review.html.startswith("<!doctype html>") and "page 9" in review.html


def test_the_api_never_answers_5xx(live_server) -> None:
    """schemathesis generates requests for every operation of /openapi.json (JSON and multipart
    bodies, query parameters) from the schema: each gets a 2xx or a documented 4xx with its JSON
    error body, never a server error. Bounded: 25 examples per operation."""
    schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_url(f"{live_server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {
        "/api/check",
        "/api/extract",
        "/api/report",
        "/api/review",
        "/api/rules",
        "/healthz",
    }
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
    assert all(seen[f"POST /api/{name}"] - {200} for name in ("check", "extract", "report", "review"))  # refusals tried


def test_the_page_says_which_rules_did_not_run_why_and_what_to_install(
    browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service whose dictionary binding is broken (a stale PYENCHANT_LIBRARY_PATH) checks documents
    all the same and says, in the API and on the page, that text/spelling did not run and why
    (issue 23, items 6 and 7)."""
    from tests.server import serving

    monkeypatch.setenv("PYENCHANT_LIBRARY_PATH", str(tmp_path / "absente.so"))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    with serving(tmp_path, "--workers", "1", "--corpus", str(tmp_path / "aucun")) as server:
        answer = httpx.post(f"{server.url}/api/check", json={"text": "Voir la section X.\n"}, timeout=60).json()
        assert [f["rule"] for f in answer["findings"]] == ["text/placeholder"]
        why = {s["rule"]: s for s in answer["stats"]["skipped"]}["text/spelling"]
        assert "PYENCHANT_LIBRARY_PATH" in why["reason_fr"] and "unset PYENCHANT_LIBRARY_PATH" in why["hint_fr"]
        w = Watched(browser, server.url)
        w.page.get_by_label("Texte à vérifier").fill("Voir la section X.\n")
        w.check()
        said = w.page.text_content("#skipped-rules") or ""
        assert said.startswith("Règles non lancées : ")
        assert "text/spelling (PYENCHANT_LIBRARY_PATH" in said and "unset PYENCHANT_LIBRARY_PATH" in said
        assert "corpus/conflicting-value" in said and "--corpus DOSSIER" in said
        assert w.problems == []
