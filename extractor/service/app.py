"""The HTTP API and the web page (DESIGN §6).

The registry, the corpus index and the rules load once, at start-up; `/healthz` says "ready" only
then. Checking runs off the event loop, in a thread pool sized to the cores, so concurrent requests
queue instead of failing. Uploads are read in memory and never written next to the corpus.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from extractor import checks
from extractor.errors import InputError
from extractor.ingest import FORMATS
from extractor.models import Extraction, Report

MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 300
TIMEOUT = 30.0
TEXT_FORMATS = {"markdown": ".md", "text": ".txt", "html": ".html"}


class CheckRequest(BaseModel):
    text: str = Field(description="le texte du document")
    format: Literal["markdown", "text", "html"] = "markdown"
    date: str | None = Field(default=None, description="date de publication (AAAA-MM-JJ) pour « aujourd'hui »")


class RuleInfo(BaseModel):
    id: str
    severity: str
    title_fr: str
    description_fr: str


class ErrorBody(BaseModel):
    code: str
    message_fr: str


@dataclass
class Settings:
    reference: Path = Path(".factcheck/reference.sqlite")
    corpus: Path = Path("corpus")
    index: Path = Path(".factcheck/index.sqlite")
    max_bytes: int = MAX_BYTES
    max_pages: int = MAX_PAGES
    timeout: float = TIMEOUT
    workers: int = field(default_factory=lambda: os.cpu_count() or 2)


class ServiceError(Exception):
    def __init__(self, status: int, code: str, message_fr: str) -> None:
        self.status, self.code, self.message_fr = status, code, message_fr


INPUT_STATUS = {"too_large": 413, "unsupported": 415, "too_many_pages": 422}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    state: dict[str, Any] = {"ready": False}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from extractor.reference.store import load_registry

        state["pool"] = ThreadPoolExecutor(max_workers=settings.workers)
        state["registry"] = load_registry(settings.reference)
        state["corpus"] = None
        if settings.corpus.is_dir():
            from extractor.corpus.index import CorpusIndex

            index = CorpusIndex(settings.index)
            index.refresh(settings.corpus, state["registry"])
            index.close()
            state["corpus"] = settings.index
        checks.rules()
        state["ready"] = True
        yield
        state["pool"].shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        title="factcheck",
        description="Vérification des chiffres et des noms des publications beta.gouv.fr.",
        version="0.1.0",
        lifespan=lifespan,
    )

    @app.exception_handler(ServiceError)
    async def service_error(_: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse(status_code=exc.status, content={"code": exc.code, "message_fr": exc.message_fr})

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        if not state["ready"]:
            return JSONResponse(status_code=503, content={"status": "loading"})
        return JSONResponse({"status": "ready", "registry": state["registry"] is not None,
                             "corpus": state["corpus"] is not None})  # fmt: skip

    @app.get("/api/rules", response_model=list[RuleInfo])
    async def rules() -> list[RuleInfo]:
        return [
            RuleInfo(id=r.id, severity=r.severity.value, title_fr=r.title_fr, description_fr=r.description_fr)
            for r in checks.rules().values()
        ]

    async def _document(request: Request) -> tuple[bytes, str, str | None]:
        """The upload (multipart `file`) or the JSON {text, format, date}, as bytes and a name."""
        kind = request.headers.get("content-type", "")
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > settings.max_bytes + 10_000:
            raise ServiceError(
                413, "too_large", f"document trop volumineux (maximum {settings.max_bytes // 1_000_000} Mo)"
            )
        if kind.startswith("multipart/form-data"):
            form = await request.form()
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise ServiceError(422, "missing_file", "champ « file » absent du formulaire")
            data = await upload.read()
            name = Path(upload.filename or "document").name
            if Path(name).suffix.lower() not in FORMATS:
                raise ServiceError(415, "unsupported", f"type de fichier non pris en charge : {name}")
            date = form.get("date")
            return data, name, date if isinstance(date, str) and date else None
        if kind.startswith("application/json"):
            try:
                body = CheckRequest.model_validate_json(await request.body())
            except ValueError as exc:
                raise ServiceError(422, "invalid_body", f"corps JSON invalide : {exc.errors()[0]['msg']}") from exc  # type: ignore[attr-defined]
            return body.text.encode("utf-8"), f"document{TEXT_FORMATS[body.format]}", body.date
        raise ServiceError(415, "unsupported", "envoyer un fichier (multipart/form-data) ou du JSON {text, format}")

    def _load(data: bytes, name: str, date: str | None):
        import datetime as dt

        from extractor.ingest import read_bytes

        if len(data) > settings.max_bytes:
            raise ServiceError(
                413, "too_large", f"document trop volumineux (maximum {settings.max_bytes // 1_000_000} Mo)"
            )
        try:
            doc = read_bytes(data, name, max_pages=settings.max_pages)
        except InputError as exc:
            raise ServiceError(INPUT_STATUS.get(exc.code, 422), exc.code, exc.message) from exc
        if date:
            try:
                doc.date = dt.date.fromisoformat(date)
            except ValueError as exc:
                raise ServiceError(422, "invalid_date", "date attendue au format AAAA-MM-JJ") from exc
        return doc

    def _checked(data: bytes, name: str, date: str | None, only: list[str] | None):
        """The document, its report and the claims the rules used. Each request opens its own
        connection to the corpus index (SQLite connections stay in their thread) and closes it."""
        from extractor.corpus.index import CorpusIndex
        from extractor.models import summarise
        from extractor.pipeline import check_document

        doc = _load(data, name, date)
        corpus = CorpusIndex(state["corpus"]) if state["corpus"] else None
        ctx = checks.Context(registry=state["registry"], corpus=corpus)
        try:
            findings = check_document(doc, only, ctx)
        finally:
            if corpus is not None:
                corpus.close()
        report = Report(documents=[summarise(doc)]).restricted(findings)
        report.stats.files = report.stats.documents = 1
        return doc, report, ctx.claims(doc)

    def _check(data: bytes, name: str, date: str | None, only: list[str] | None) -> Report:
        return _checked(data, name, date, only)[1]

    def _extract(data: bytes, name: str, date: str | None) -> Extraction:
        from extractor.claims.resolve import extract_claims
        from extractor.entities.extract import extract_entities
        from extractor.models import summarise

        doc = _load(data, name, date)
        return Extraction(document=summarise(doc), claims=extract_claims(doc, state["registry"]),
                          entities=extract_entities(doc, state["registry"], use_ner=False))  # fmt: skip

    async def _run(func, *args):
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(loop.run_in_executor(state["pool"], func, *args), settings.timeout)
        except TimeoutError as exc:
            raise ServiceError(504, "timeout", f"vérification trop longue (plus de {settings.timeout:.0f} s)") from exc

    @app.post("/api/check", response_model=Report, responses={413: {"model": ErrorBody}, 415: {"model": ErrorBody},
              422: {"model": ErrorBody}, 504: {"model": ErrorBody}})  # fmt: skip
    async def check(request: Request, rules: str | None = None) -> Report:
        data, name, date = await _document(request)
        only = [r for r in (rules or "").split(",") if r] or None
        return await _run(_check, data, name, date, only)

    @app.post("/api/extract", response_model=Extraction, responses={413: {"model": ErrorBody},
              415: {"model": ErrorBody}, 422: {"model": ErrorBody}, 504: {"model": ErrorBody}})  # fmt: skip
    async def extract(request: Request) -> Extraction:
        data, name, date = await _document(request)
        return await _run(_extract, data, name, date)

    def _report_html(data: bytes, name: str, date: str | None) -> str:
        from extractor.entities.extract import extract_entities
        from extractor.report import html

        doc, report, claims = _checked(data, name, date, None)
        return html.render(report, [(doc, claims, extract_entities(doc, state["registry"], use_ner=False))])

    @app.post("/api/report", response_class=HTMLResponse, responses={413: {"model": ErrorBody},
              415: {"model": ErrorBody}, 422: {"model": ErrorBody}, 504: {"model": ErrorBody}})  # fmt: skip
    async def report_page(request: Request) -> HTMLResponse:
        """The HTML report of one document: its text with the figures, names and findings highlighted."""
        data, name, date = await _document(request)
        return HTMLResponse(await _run(_report_html, data, name, date))

    @app.get("/", response_class=HTMLResponse)
    async def page() -> str:
        return PAGE

    return app


PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>factcheck — vérifier un communiqué</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#161616}
textarea{width:100%;min-height:14rem;font:inherit}label{display:block;font-weight:600;margin-top:1rem}
button{margin-top:1rem;padding:.5rem 1.5rem;font:inherit;background:#000091;color:#fff;border:0;border-radius:4px}
:focus-visible{outline:3px solid #000091;outline-offset:2px}.finding{border-left:6px solid #b3001b;padding:.25rem 1rem;
margin:.5rem 0;background:#f6f6f6}</style></head>
<body><h1>Vérifier un communiqué ou un bilan</h1>
<form id="form"><label for="text">Texte (Markdown accepté)</label><textarea id="text" name="text"></textarea>
<label for="file">Ou un fichier (.md, .txt, .html, .pdf, .docx)</label><input id="file" name="file" type="file">
<label for="date">Date de publication (pour « aujourd'hui »)</label><input id="date" name="date" type="date">
<button type="submit">Vérifier</button></form>
<section aria-live="polite"><h2>Résultat</h2><p id="summary">—</p><ul id="findings"></ul>
<p id="downloads" hidden><a id="dl-html" download="rapport.html">Télécharger le rapport (HTML)</a> ·
<a id="dl-json" download="rapport.json">Télécharger le rapport (JSON)</a></p>
<iframe id="report" title="Le document avec les chiffres et les constats surlignés" sandbox="allow-scripts"
 style="width:100%;height:40rem;border:1px solid #ccc" hidden></iframe></section>
<script>
const form = document.getElementById('form');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = document.getElementById('file').files[0];
  const date = document.getElementById('date').value;
  const send = (url) => {
    if (file) {
      const body = new FormData(); body.append('file', file); if (date) body.append('date', date);
      return fetch(url, {method: 'POST', body});
    }
    return fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({text: document.getElementById('text').value, format: 'markdown', date: date || null})});
  };
  const response = await send('/api/check');
  const data = await response.json();
  const list = document.getElementById('findings'); list.replaceChildren();
  if (!response.ok) { document.getElementById('summary').textContent = data.message_fr; return; }
  const n = data.findings.length;
  document.getElementById('summary').textContent = n
    ? n + (n > 1 ? ' constats' : ' constat') : 'Aucune incohérence détectée';
  for (const f of data.findings) {
    const item = document.createElement('li'); item.className = 'finding';
    const label = {error: 'Erreur', warning: 'Avertissement', info: 'Info'}[f.severity];
    item.textContent = label + ' · ' + f.rule + ' — ' + f.message_fr; list.append(item);
  }
  const page = await (await send('/api/report')).text();
  const frame = document.getElementById('report'); frame.srcdoc = page; frame.hidden = false;
  document.getElementById('dl-html').href = URL.createObjectURL(new Blob([page], {type: 'text/html'}));
  document.getElementById('dl-json').href = URL.createObjectURL(
    new Blob([JSON.stringify(data, null, 2)], {type: 'application/json'}));
  document.getElementById('downloads').hidden = false;
});
</script></body></html>
"""
