"""Security headers on the service's answers (issue 24, item 12): `Content-Security-Policy`,
`X-Frame-Options` and `X-Content-Type-Options` on the page, the API's JSON (errors included) and
the HTML report; and the page still works under its policy in a real browser (Debian's chromium):
no violation reported, the check answered and shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from extractor.service.app import Settings, create_app
from tests.conftest import CORPUS

TEXT = {"text": "Voir la section X.", "format": "text"}


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    folder = tmp_path_factory.mktemp("headers")
    settings = Settings(reference=folder / "none.sqlite", corpus=CORPUS, index=folder / "index.sqlite", workers=1,
                        allowed_hosts=("testserver",))  # fmt: skip
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def policy(response) -> dict[str, str]:
    """The CSP's directives, by name."""
    header = response.headers.get("content-security-policy", "")
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


def protected(response) -> dict[str, str]:
    assert response.headers.get("x-frame-options") == "DENY", dict(response.headers)
    assert response.headers.get("x-content-type-options") == "nosniff", dict(response.headers)
    csp = policy(response)
    assert csp.get("frame-ancestors") == "frame-ancestors 'none'", csp
    return csp


def test_the_page_has_a_policy_allowing_only_its_own_files(client: TestClient) -> None:
    csp = protected(client.get("/"))
    assert csp["default-src"] == "default-src 'self'"
    assert csp["script-src"] == "script-src 'self'" and "unsafe" not in csp["style-src"]
    assert csp["connect-src"] == "connect-src 'self'"


def test_the_api_and_its_errors_load_nothing(client: TestClient) -> None:
    for response in (
        client.get("/api/rules"),
        client.post("/api/check", json=TEXT),
        client.get("/nulle-part"),
        client.post("/api/check", json=TEXT, headers={"host": "attaquant.example"}),  # refused by the guard
        client.get("/static/page.js"),
    ):
        assert protected(response)["default-src"] == "default-src 'none'", response.request.url


def test_the_html_report_keeps_its_own_policy(client: TestClient) -> None:
    report = client.post("/api/report", json=TEXT)
    assert report.status_code == 200
    csp = protected(report)
    assert csp["default-src"] == "default-src 'none'" and "connect-src" not in csp


def test_the_page_and_the_docs_work_under_their_policy(live_server, browser, tmp_path: Path) -> None:
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    response = page.goto(live_server.url + "/")
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_function("document.documentElement.hasAttribute('data-fr-js')")  # the DSFR script ran
    page.get_by_label("Texte à vérifier").fill("Voir la section X. Il y a 12 services et 3 incubateurs, soit 16.")
    page.locator("#submit").click()
    page.wait_for_selector("#resultat:not([hidden])", timeout=60_000)
    assert page.locator(".fc-goto").count() >= 1  # the findings are marked in the text
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Marianne" in font  # the DSFR stylesheet and its fonts loaded
    page.screenshot(path=str(tmp_path / "page-under-csp.png"), full_page=True)
    for docs in ("/docs", "/redoc"):
        page.goto(live_server.url + docs)
        page.wait_for_selector(".swagger-ui .info, .api-info", timeout=30_000)
    # ReDoc's own "powered by" logo, from its CDN, is blocked: the policy keeps the docs offline.
    blocked_logo = [p for p in problems if "cdn.redoc.ly" in p and "has been blocked" in p]
    assert [p for p in problems if p not in blocked_logo] == [], problems  # a CSP violation: a console error
