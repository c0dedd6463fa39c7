"""The HTTP API (issue 6): endpoints and limits, with FastAPI's TestClient."""

from __future__ import annotations

import json
import os
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
    assert client.get("/").status_code == 200  # the page itself: tests/test_page*.py


def test_correct_french_text_is_not_reported_as_repaired(client: TestClient) -> None:
    found = client.post("/api/check", json={"text": "Prix : 12 €Ä", "format": "text"}).json()
    assert not [f for f in found["findings"] if f["rule"] == "encoding/mojibake-repaired"]


def test_upload_the_press_release(client: TestClient) -> None:
    files = {"file": (PRESS_RELEASE.name, PRESS_RELEASE.read_bytes(), "text/markdown")}
    report = client.post("/api/check", files=files).json()
    rules = {f["rule"] for f in report["findings"]}
    assert "corpus/conflicting-value" in rules  # "près de 20" against 6 + 18
    extraction = client.post("/api/extract", files=files).json()
    assert any(c["quantity"]["raw"] == "213" for c in extraction["claims"])


def test_a_very_long_number_is_no_server_error(client: TestClient) -> None:
    # 29 digits and more made Decimal raise InvalidOperation: a 500 (issue 12, item 7)
    for digits in (29, 40, 1000):
        text = f"Il y a {'1234567890' * (digits // 10)}{'1' * (digits % 10)} services, et 12 incubateurs."
        for endpoint in ("/api/check", "/api/extract", "/api/report"):
            response = client.post(endpoint, json={"text": text, "format": "markdown"})
            assert response.status_code == 200, (endpoint, digits, response.text[:300])
        claims = client.post("/api/extract", json={"text": text, "format": "markdown"}).json()["claims"]
        assert [c["quantity"]["raw"] for c in claims] == ["12"]


def test_limits(client: TestClient, tmp_path: Path) -> None:
    big = client.post("/api/check", files={"file": ("gros.md", b"a" * 300_000, "text/markdown")})
    assert big.status_code == 413 and big.json()["code"] == "too_large"
    chunks = (b'{"text": "' + b"a" * 50_000 for _ in range(10))  # chunked: no declared length
    streamed = client.post("/api/check", content=chunks, headers={"content-type": "application/json"})
    assert streamed.status_code == 413 and "0,191 Mo" in streamed.json()["message_fr"]
    bad_type = client.post("/api/check", files={"file": ("virus.exe", b"MZ", "application/octet-stream")})
    assert bad_type.status_code == 415 and bad_type.json()["code"] == "unsupported"
    assert client.post("/api/check", content=b"x", headers={"content-type": "text/plain"}).status_code == 415
    locked = client.post("/api/check", files={"file": ("c.pdf", encrypted_pdf(b"secret"), "application/pdf")})
    assert locked.status_code == 422 and locked.json()["code"] == "encrypted"
    assert "mot de passe" in locked.json()["message_fr"]
    broken = client.post("/api/check", content=b"{", headers={"content-type": "application/json"})
    assert broken.status_code == 422 and broken.json()["code"] == "invalid_body"


SLOW = "Voir la section X. Il y a 12 services et 3 incubateurs, soit 15 au total.\n\n" * 3000  # about 3 s


def test_timeout_gives_504_and_stops_the_worker(tmp_path: Path) -> None:
    settings = Settings(reference=tmp_path / "none.sqlite", corpus=tmp_path / "nothing", index=tmp_path / "i.sqlite",
                        timeout=0.5, workers=1)  # fmt: skip
    with TestClient(create_app(settings)) as client:
        busy = client.app.state.pool.workers[0].pid
        response = client.post("/api/check", json={"text": SLOW, "format": "text"})
        assert response.status_code == 504 and json.loads(response.text)["code"] == "timeout"
        assert "arrêtée" in response.json()["message_fr"]
        with pytest.raises(ProcessLookupError):
            os.kill(busy, 0)  # the worker was not left running
        fresh = client.post("/api/check", json={"text": "Voir la section X.", "format": "text"})
        assert fresh.status_code == 200 and client.app.state.pool.workers[0].pid != busy


def test_memory_overrun_gives_422(tmp_path: Path) -> None:
    settings = Settings(reference=tmp_path / "none.sqlite", corpus=tmp_path / "nothing", index=tmp_path / "i.sqlite",
                        max_rss=1, workers=1)  # fmt: skip
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/check", json={"text": SLOW, "format": "text"})
        assert response.status_code == 422 and response.json()["code"] == "too_complex"
        assert client.get("/healthz").json()["status"] == "ready"


def test_report_page_highlights_and_escapes(client: TestClient) -> None:
    page = client.post(
        "/api/report", json={"text": "Voir la section X <script>alert(1)</script> : 12 services.", "format": "text"}
    )
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'class="block has-finding error"' in page.text and '<mark class="claim"' in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_rules_and_fail_on_options(client: TestClient) -> None:
    body = {"text": "Voir la section X. Au total 12 services : 5 ici et 6 là.", "format": "text"}
    only_text = client.post("/api/check?rules=text/", json=body).json()
    assert {f["rule"] for f in only_text["findings"]} == {"text/placeholder"}
    assert only_text["failed"] is True  # a placeholder is an error: the default fail_on=error is reached
    assert client.post("/api/check?rules=text/&fail_on=never", json=body).json()["failed"] is False
    unknown = client.post("/api/check?rules=texte/", json=body)
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_rule"
    assert client.post("/api/check?fail_on=jamais", json=body).status_code == 422


def test_waiting_bodies_are_bounded(tmp_path: Path) -> None:
    settings = Settings(reference=tmp_path / "none.sqlite", corpus=tmp_path / "nothing", index=tmp_path / "i.sqlite",
                        max_pending_bytes=1_000, workers=1)  # fmt: skip
    with TestClient(create_app(settings)) as client:
        busy = client.post("/api/check", json={"text": "x" * 2_000, "format": "text"})
        assert busy.status_code == 503 and busy.json()["code"] == "busy"
        assert client.post("/api/check", json={"text": "Voir la section X.", "format": "text"}).status_code == 200


def test_one_client_past_its_share_is_refused_not_the_others() -> None:
    from extractor.service.guard import PendingBytes
    from extractor.service.work import ServiceError

    pending = PendingBytes(total=1_000, share=400)
    pending.take("10.0.0.1", 400)
    with pytest.raises(ServiceError) as refused:
        pending.take("10.0.0.1", 1)  # this client's share is used up...
    assert refused.value.status == 503 and "cette adresse" in refused.value.message_fr
    pending.take("10.0.0.2", 400)  # ...not the others'
    pending.take("10.0.0.3", 200)
    with pytest.raises(ServiceError):
        pending.take("10.0.0.3", 1)  # the whole budget is used up
    pending.give_back("10.0.0.1", 400)
    pending.take("10.0.0.3", 1)
    assert pending.used == 601 and set(pending.by_client) == {"10.0.0.2", "10.0.0.3"}


def test_host_names() -> None:
    from extractor.service.guard import allowed_hosts, host_name

    assert host_name("127.0.0.1:8000") == "127.0.0.1" and host_name("[::1]:8000") == "::1"
    assert host_name("LocalHost") == "localhost" and host_name("::1") == "::1"
    assert allowed_hosts("0.0.0.0", ["factcheck.exemple.gouv.fr"]) == (
        "0.0.0.0", "localhost", "127.0.0.1", "::1", "factcheck.exemple.gouv.fr"
    )  # fmt: skip


def test_an_upload_is_never_matched_against_the_servers_files(tmp_path: Path, monkeypatch) -> None:
    """A `note.md` and a `factcheck.toml` turning `text/placeholder` off in the service's folder do
    not change what an upload named `note.md` gets (issue 23, item 10)."""
    from extractor.run import config
    from extractor.service import work

    (tmp_path / "note.md").write_text("Rien.\n", encoding="utf-8")
    (tmp_path / "factcheck.toml").write_text('[severity]\n"text/placeholder" = "off"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config.severities_for.cache_clear()
    work.init(tmp_path / "none.sqlite", None, 5)
    text = b"Voir la section X.\n"
    for name in ("note.md", "autre.md"):
        report = json.loads(work.check(text, name, None, None))
        assert [f["rule"] for f in report["findings"]] == ["text/placeholder"], name
