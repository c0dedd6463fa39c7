"""The HTTP API (issue 6): endpoints and limits, with FastAPI's TestClient."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from extractor.service.app import Settings, create_app
from tests.conftest import CORPUS, PRESS_RELEASE
from tests.samples import encrypted_pdf


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    folder = tmp_path_factory.mktemp("service")
    settings = Settings(reference=folder / "none.sqlite", corpus=CORPUS, index=folder / "index.sqlite",
                        max_bytes=200_000, max_pages=5)  # fmt: skip
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_health_and_rules(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ready", "registry": False, "corpus": True}
    ids = {r["id"] for r in client.get("/api/rules").json()}
    assert {"arithmetic/sum-mismatch", "text/placeholder", "corpus/conflicting-value"} <= ids
    assert client.get("/openapi.json").json()["paths"]["/api/check"]


def test_check_text_and_a_clean_document(client: TestClient) -> None:
    found = client.post("/api/check", json={"text": "Voir la section X.", "format": "markdown"}).json()
    assert [f["rule"] for f in found["findings"]] == ["text/placeholder"]
    clean = client.post("/api/check", json={"text": "# Bilan\n\nUn texte sans chiffre.", "format": "text"}).json()
    assert clean["findings"] == [] and clean["stats"]["findings"] == {"error": 0, "warning": 0, "info": 0}
    assert "Aucune incohérence détectée" in client.get("/").text


def test_upload_the_press_release(client: TestClient) -> None:
    files = {"file": (PRESS_RELEASE.name, PRESS_RELEASE.read_bytes(), "text/markdown")}
    report = client.post("/api/check", files=files).json()
    rules = {f["rule"] for f in report["findings"]}
    assert "corpus/conflicting-value" in rules  # "près de 20" against 6 + 18
    extraction = client.post("/api/extract", files=files).json()
    assert any(c["quantity"]["raw"] == "213" for c in extraction["claims"])


def test_limits(client: TestClient, tmp_path: Path) -> None:
    big = client.post("/api/check", files={"file": ("gros.md", b"a" * 300_000, "text/markdown")})
    assert big.status_code == 413 and big.json()["code"] == "too_large"
    bad_type = client.post("/api/check", files={"file": ("virus.exe", b"MZ", "application/octet-stream")})
    assert bad_type.status_code == 415 and bad_type.json()["code"] == "unsupported"
    assert client.post("/api/check", content=b"x", headers={"content-type": "text/plain"}).status_code == 415
    locked = client.post("/api/check", files={"file": ("c.pdf", encrypted_pdf(b"secret"), "application/pdf")})
    assert locked.status_code == 422 and locked.json()["code"] == "encrypted"
    assert "mot de passe" in locked.json()["message_fr"]
    broken = client.post("/api/check", content=b"{", headers={"content-type": "application/json"})
    assert broken.status_code == 422 and broken.json()["code"] == "invalid_body"


def test_timeout_gives_504(tmp_path: Path) -> None:
    settings = Settings(reference=tmp_path / "none.sqlite", corpus=tmp_path / "nothing", index=tmp_path / "i.sqlite",
                        timeout=0.000001)  # fmt: skip
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/check", json={"text": "Voir la section X. " * 2000, "format": "text"})
    assert response.status_code == 504 and json.loads(response.text)["code"] == "timeout"


def test_report_page_highlights_and_escapes(client: TestClient) -> None:
    page = client.post(
        "/api/report", json={"text": "Voir la section X <script>alert(1)</script> : 12 services.", "format": "text"}
    )
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'class="block has-finding error"' in page.text and '<mark class="claim"' in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "Télécharger le rapport (HTML)" in client.get("/").text
