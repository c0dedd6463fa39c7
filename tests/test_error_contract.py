"""One error contract (issue 16, item 5): every error of every endpoint is JSON {code, message_fr,
hint_fr} with a stable code, documented in the OpenAPI schema; `/docs` works offline."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from extractor.service import body as bodies
from extractor.service.app import Settings, create_app
from extractor.service.errors import CODES, ErrorBody
from tests.conftest import CORPUS
from tests.samples import encrypted_pdf

TEXT = {"text": "Voir la section X.", "format": "text"}


def settings(folder: Path, **overrides) -> Settings:
    base = {"reference": folder / "none.sqlite", "corpus": CORPUS, "index": folder / "index.sqlite",
            "max_bytes": 200_000, "workers": 1, "allowed_hosts": ("testserver",)}  # fmt: skip
    return Settings(**{**base, **overrides})


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    app = create_app(settings(tmp_path_factory.mktemp("contract")))

    @app.get("/test-only/boom", include_in_schema=False)
    async def boom() -> None:
        raise RuntimeError("an internal bug")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def contract(response, status: int, code: str | None = None) -> ErrorBody:
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json"), response.headers
    error = ErrorBody.model_validate_json(response.content)
    assert set(response.json()) >= {"code", "message_fr", "hint_fr"}
    assert error.code in CODES and CODES[error.code][0] == status, error
    assert error.message_fr and error.hint_fr and error.hint_fr != error.message_fr
    if code:
        assert error.code == code, error
    return error


def test_every_kind_of_error_has_the_contract(client: TestClient) -> None:
    contract(client.get("/nulle-part"), 404, "not_found")
    contract(client.get("/api/check"), 405, "method_not_allowed")
    contract(client.post("/api/check", json=TEXT, headers={"host": "attaquant.example"}), 400, "host_not_allowed")
    form = client.post("/api/check", content=b"--x\r\nnot a form", headers={"content-type": "multipart/form-data"})
    contract(form, 400, "invalid_form")
    contract(client.post("/api/check", files={"file": ("gros.md", b"a" * 300_000)}), 413, "too_large")
    heavy = contract(client.post("/api/check", json={"text": "| 1 " * 40_000, "format": "markdown"}), 413,
                     "too_much_work")  # fmt: skip
    assert "cellules de tableau" in heavy.message_fr  # refused before it is queued: issue 24, item 10
    contract(client.post("/api/check", files={"file": ("outil.exe", b"MZ")}), 415, "unsupported")
    contract(client.post("/api/check", content=b"x", headers={"content-type": "text/plain"}), 415, "unsupported")
    contract(client.post("/api/check", content=b"{", headers={"content-type": "application/json"}), 422, "invalid_body")
    contract(client.post("/api/check", data={"date": "2024-01-01"}, files={"autre": ("a.md", b"x")}), 422,
             "missing_file")  # fmt: skip
    bad_fail_on = contract(client.post("/api/check?fail_on=jamais", json=TEXT), 422, "invalid_parameter")
    assert "fail_on" in bad_fail_on.message_fr and "warning" in bad_fail_on.message_fr
    contract(client.post("/api/check?rules=texte/", json=TEXT), 422, "unknown_rule")
    contract(client.post("/api/check", json={**TEXT, "date": "2024-02-30"}), 422, "invalid_date")
    locked = contract(client.post("/api/check", files={"file": ("c.pdf", encrypted_pdf(b"secret"))}), 422, "encrypted")
    assert "mot de passe" in locked.message_fr
    contract(client.get("/test-only/boom"), 500, "internal_error")


def test_empty_text_says_the_text_is_empty(client: TestClient) -> None:
    for endpoint in ("/api/check", "/api/extract", "/api/report"):
        error = contract(client.post(endpoint, json={"text": " \n\t", "format": "markdown"}), 422, "empty_text")
        assert "texte est vide" in error.message_fr and "fichier" not in error.message_fr
    empty_file = contract(client.post("/api/check", files={"file": ("vide.md", b"")}), 422, "empty")
    assert "fichier est vide" in empty_file.message_fr


def test_input_errors_keep_the_cli_hint(client: TestClient) -> None:
    # The reader's InputError hint (what the CLI prints in parentheses) reaches the API's hint_fr.
    deep = "\n".join("  " * i + f"- niveau {i}" for i in range(120))
    error = contract(client.post("/api/check", json={"text": deep, "format": "markdown"}), 422, "too_deep")
    assert "aplatir" in error.hint_fr


def test_busy_loading_and_timeout(tmp_path: Path) -> None:
    slow = "Voir la section X. Il y a 12 services et 3 incubateurs, soit 15 au total.\n\n" * 3000
    app = create_app(settings(tmp_path, max_bytes=400_000, max_pending_bytes=300_000, timeout=0.3))
    with TestClient(app) as client:
        contract(client.post("/api/check", json={"text": "x" * 350_000, "format": "text"}), 503, "busy")
        contract(client.post("/api/check", json={"text": slow, "format": "text"}), 504, "timeout")
    loading = TestClient(create_app(settings(tmp_path)))  # no `with`: the app has not started
    contract(loading.get("/healthz"), 503, "loading")
    contract(loading.post("/api/check", json=TEXT), 503, "loading")


def test_the_schema_documents_the_contract(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    error_schema = schema["components"]["schemas"]["ErrorBody"]
    assert set(error_schema["required"]) == {"code", "message_fr", "hint_fr"}
    assert set(error_schema["properties"]["code"]["enum"]) == set(CODES)
    assert "too_much_work" in error_schema["properties"]["code"]["enum"]  # issue 24, item 10
    assert "too_much_work" in schema["paths"]["/api/check"]["post"]["responses"]["413"]["description"]
    assert "HTTPValidationError" not in schema["components"]["schemas"]  # FastAPI's English {"detail"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = {status for status in operation["responses"] if int(status) >= 400}
            assert {"400", "404", "405", "422", "500"} <= errors, (method, path, errors)
            if method == "post":
                assert {"408", "413", "415", "503", "504"} <= errors, (method, path, errors)
            for status in errors:
                content = operation["responses"][status]["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, status)


def test_every_input_error_code_is_a_documented_code() -> None:
    # The codes readers give (InputError(..., code="...")) reach the API as they are.
    root = Path(__file__).resolve().parent.parent / "extractor"
    used = set()
    for source in root.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        if "InputError(" in text or "ServiceError(" in text:
            used |= set(re.findall(r'code="([a-z_]+)"', text))
            used |= set(re.findall(r'ServiceError\(\s*\d{3},\s*"([a-z_]+)"', text))
    used -= {"missing", "not_found", "reference"}  # the CLI's own: a missing path, the registry
    assert used and used <= set(CODES), used - set(CODES)


def test_docs_work_offline(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = client.get(page)
        assert html.status_code == 200
        urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*["']([^"']+)["']""", html.text)
        urls = [a or b for a, b in urls]
        assert urls, html.text[:500]
        assert not [u for u in urls if re.match(r"(?i)(https?:)?//", u)], urls  # nothing from a CDN
        for url in urls:
            assert client.get(url).status_code == 200, url
    script = client.get("/docs-assets/swagger-ui-bundle.js").headers["content-type"]
    assert script.startswith(("application/javascript", "text/javascript")), script


def _run(coroutine):  # type: ignore[no-untyped-def]
    """The coroutine's result, run in a thread of its own: another test's event loop (the browser
    tests' Playwright session) may be running in this one, where asyncio.run refuses to start."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_uploads_stay_in_memory(monkeypatch) -> None:

    from starlette.datastructures import Headers

    written: list[str] = []
    real = tempfile.SpooledTemporaryFile.rollover

    def rollover(self) -> None:
        written.append("rolled over to disk")
        real(self)

    monkeypatch.setattr(tempfile.SpooledTemporaryFile, "rollover", rollover)
    document = b"# Bilan\n\n" + b"Un texte de 3 Mo. " * 180_000
    boundary = "limite"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="gros.md"\r\n\r\n'
    data = head.encode() + document + f"\r\n--{boundary}--\r\n".encode()
    headers = Headers({"content-type": f"multipart/form-data; boundary={boundary}"})
    form = _run(bodies.parse_form(headers, data))
    upload = form["file"]
    assert not isinstance(upload, str)
    assert _run(upload.read()) == document and not written


ENGLISH = re.compile(r"\b(?:Invalid|Field|required|Input|should|while|parsing| or )\b")


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"text": "abc', ["s'arrête avant la fin", "ligne 1"]),
        (b'{"text": "a",}', ["ligne 1", "colonne"]),
        (b"{}", ["« text »", "absent"]),
        (b'{"text": 3}', ["« text »", "texte"]),
        (b'{"text": "a", "format": "pdf"}', ["« format »", "'pdf'", "markdown, text, html"]),
    ],
)
def test_a_bad_json_body_is_told_in_french_with_the_field(client: TestClient, body: bytes, words: list[str]) -> None:
    error = contract(client.post("/api/check", content=body, headers={"content-type": "application/json"}), 422)
    assert error.code == "invalid_body"
    assert all(word in error.message_fr for word in words), error.message_fr
    assert not ENGLISH.search(error.message_fr), error.message_fr


def test_a_bad_parameter_lists_its_values_in_french(client: TestClient) -> None:
    error = contract(client.post("/api/check?fail_on=jamais", json=TEXT), 422, "invalid_parameter")
    assert "« fail_on »" in error.message_fr and "'jamais'" in error.message_fr
    assert "error, warning, info, never" in error.message_fr and not ENGLISH.search(error.message_fr)
