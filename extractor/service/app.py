"""The HTTP API and the web page (DESIGN §6).

The registry, the corpus index and the rules load once, at start-up; `/healthz` says "ready" only
then. Checking runs off the event loop, in worker processes (one per core, each loading once) that
the service kills and replaces when a document overruns its time or memory budget; concurrent
requests queue for a free worker instead of failing. Uploads are read in memory and never written
next to the corpus.
"""

from __future__ import annotations

import asyncio
import logging
import os
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from extractor import checks, defaults
from extractor.ingest import FORMATS
from extractor.models import Extraction, FailOn, Report
from extractor.service import work
from extractor.service.work import ServiceError
from extractor.service.workers import Overrun, WorkerCrashed, WorkerPool

log = logging.getLogger("factcheck.service")

MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 300
TIMEOUT = 30.0
MAX_PENDING = 256 * 1024 * 1024  # bytes of request bodies waiting for a worker
MAX_RSS = 1_500_000_000  # bytes of resident memory per worker before it is stopped
TEXT_FORMATS = {"markdown": ".md", "text": ".txt", "html": ".html"}


class CheckRequest(BaseModel):
    text: str = Field(description="le texte du document")
    format: Literal["markdown", "text", "html"] = "markdown"
    date: str | None = Field(default=None, description="date de publication (AAAA-MM-JJ) pour « aujourd'hui »")


def megabytes(size: int) -> str:
    return f"{size / 1_048_576:.3g} Mo".replace(".", ",")


class ErrorBody(BaseModel):
    code: str = Field(description="stable, in English: too_large, unsupported, encrypted, timeout, busy…")
    message_fr: str


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in [
        (413, "document trop volumineux"),
        (415, "type non pris en charge"),
        (422, "document illisible, chiffré, trop de pages, trop complexe ou corps invalide"),
        (500, "erreur interne"),
        (503, "service occupé"),
        (504, "vérification trop longue"),
    ]
}


# The endpoints read their body themselves (JSON or a form, with a size limit): this describes it.
DOCUMENT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": CheckRequest.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": ".md, .txt, .html, .pdf, .docx"},
                        "date": {"type": "string", "description": "date de publication (AAAA-MM-JJ)"},
                    },
                }
            },
        },
    }
}


class RuleInfo(BaseModel):
    """A rule of the catalogue (extractor/checks/catalogue.yaml)."""

    id: str
    severity: str = Field(description="its default severity")
    severities: list[str] = Field(description="every severity it may give")
    title_fr: str
    description_fr: str
    rationale_fr: str
    needs: list[str] = Field(description="what it needs beyond the document: registry, corpus")


@dataclass
class Settings:
    reference: Path = defaults.REFERENCE
    corpus: Path = defaults.CORPUS
    index: Path = defaults.INDEX
    max_bytes: int = MAX_BYTES
    max_pages: int = MAX_PAGES
    timeout: float = TIMEOUT
    workers: int = field(default_factory=lambda: os.cpu_count() or 2)
    max_rss: int = MAX_RSS
    max_pending_bytes: int = MAX_PENDING


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    state: dict[str, Any] = {"ready": False, "pending": 0}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from extractor.reference.store import load_registry

        registry = load_registry(settings.reference)
        state["registry"] = registry is not None
        state["corpus"] = None
        if settings.corpus.is_dir():
            from extractor.corpus.index import CorpusIndex

            index = CorpusIndex(settings.index)
            index.refresh(settings.corpus, registry)
            index.close()
            state["corpus"] = (settings.index, settings.corpus)  # the index file, seen through this corpus
        checks.rules()
        pool = WorkerPool(settings.workers, work.init, (settings.reference, state["corpus"], settings.max_pages),
                          max_rss=settings.max_rss)  # fmt: skip
        await asyncio.get_running_loop().run_in_executor(None, pool.start)
        state["pool"] = app.state.pool = pool
        state["ready"] = True
        yield
        state["ready"] = False
        pool.close()

    app = FastAPI(
        title="factcheck",
        description="Vérification des chiffres et des noms des publications d'un programme public.",
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
        return JSONResponse({"status": "ready", "registry": state["registry"],
                             "corpus": state["corpus"] is not None})  # fmt: skip

    @app.get("/api/rules", response_model=list[RuleInfo])
    async def rules() -> list[RuleInfo]:
        return [
            RuleInfo(
                id=s.id,
                severity=s.severity.value,
                severities=sorted(v.value for v in s.allowed),
                title_fr=s.title_fr,
                description_fr=s.description_fr,
                rationale_fr=s.rationale_fr,
                needs=list(s.needs),
            )
            for s in sorted(checks.catalogue().values(), key=lambda spec: spec.id)
        ]

    async def _document(request: Request) -> tuple[bytes, str, str | None]:
        """The upload (multipart `file`) or the JSON {text, format, date}, as bytes and a name."""
        data, name, date = await _body(request)
        if len(data) > settings.max_bytes:
            raise ServiceError(413, "too_large", f"document trop volumineux (maximum {megabytes(settings.max_bytes)})")
        return data, name, date

    async def _body(request: Request) -> tuple[bytes, str, str | None]:
        kind = request.headers.get("content-type", "")
        declared = request.headers.get("content-length")
        too_large = ServiceError(
            413, "too_large", f"document trop volumineux (maximum {megabytes(settings.max_bytes)})"
        )
        envelope = settings.max_bytes + 64_000  # the form or JSON around the document
        if declared and declared.isdigit() and int(declared) > envelope:
            raise too_large
        if kind.startswith(("multipart/form-data", "application/json")):
            # Read the body ourselves, stopping at the limit (a chunked upload declares no length);
            # the form and JSON parsers then read it from memory.
            received = bytearray()
            async for chunk in request.stream():
                received += chunk
                if len(received) > envelope:
                    raise too_large
            request._body = bytes(received)  # Starlette's cache of the body, read by form() and body()
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

    @asynccontextmanager
    async def _admitted(request: Request):
        """Bounds the memory held by waiting requests: each counts its declared size (the maximum
        when undeclared); past `max_pending_bytes` the service answers 503 instead of queueing."""
        declared = request.headers.get("content-length", "")
        size = min(int(declared), settings.max_bytes) if declared.isdigit() else settings.max_bytes
        if state["pending"] + size > settings.max_pending_bytes:
            raise ServiceError(503, "busy", "service occupé : trop de documents en attente, réessayer dans un instant")
        state["pending"] += size
        try:
            yield
        finally:
            state["pending"] -= size

    async def _run(func, *args):
        try:
            return await state["pool"].run(func, *args, timeout=settings.timeout)
        except Overrun as exc:
            if exc.what == "time":
                message = f"vérification trop longue (plus de {settings.timeout:g} s), arrêtée"
                raise ServiceError(504, "timeout", message) from None
            raise ServiceError(422, "too_complex", "document trop complexe : mémoire maximale dépassée") from None
        except WorkerCrashed as exc:
            log.error("worker crashed: %s", exc)
            raise ServiceError(500, "worker_crashed", "la vérification a échoué (erreur interne)") from None

    @app.post("/api/check", response_model=Report, responses=ERRORS, openapi_extra=DOCUMENT_BODY)
    async def check(request: Request, rules: str | None = None, fail_on: FailOn = FailOn.error) -> Response:
        """Checks one document. `rules`: ids or families, comma-separated ("text/,arithmetic/sum-mismatch");
        `fail_on`: the severity from which `failed` is true (what the CLI's exit code 1 says)."""
        async with _admitted(request):
            data, name, date = await _document(request)
            only = [r for r in (rules or "").split(",") if r] or None
            unknown = checks.unknown(only or [])
            if unknown:
                raise ServiceError(422, "unknown_rule", f"règle inconnue : {', '.join(unknown)} (voir /api/rules)")
            return Response(await _run(work.check, data, name, date, only, fail_on), media_type="application/json")

    @app.post("/api/extract", response_model=Extraction, responses=ERRORS, openapi_extra=DOCUMENT_BODY)
    async def extract(request: Request) -> Response:
        """The figures (claims) and the names (entities) of one document."""
        async with _admitted(request):
            data, name, date = await _document(request)
            return Response(await _run(work.extract, data, name, date), media_type="application/json")

    @app.post("/api/report", response_class=HTMLResponse, responses=ERRORS, openapi_extra=DOCUMENT_BODY)
    async def report_page(request: Request) -> HTMLResponse:
        """The HTML report of one document: its text with the figures, names and findings highlighted."""
        async with _admitted(request):
            data, name, date = await _document(request)
            return HTMLResponse(await _run(work.report_html, data, name, date))

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
