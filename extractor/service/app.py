"""The HTTP API and the web page (DESIGN §6).

The registry, the corpus index and the rules load once, at start-up; `/healthz` says "ready" only
then. Checking runs off the event loop, in worker processes (one per core, each loading once) that
the service kills and replaces when a document overruns its time or memory budget; concurrent
requests queue for a free worker instead of failing. Uploads are read in memory and never written
next to the corpus.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from extractor import checks
from extractor.ingest import FORMATS, limits
from extractor.models import Extraction, FailOn, Report
from extractor.run import defaults
from extractor.service import body as bodies
from extractor.service import cost, docs, errors, guard, headers, languagetool, work
from extractor.service import page as page_files
from extractor.service.page import review
from extractor.service.page.review import Review
from extractor.service.work import ServiceError
from extractor.service.workers import Overrun, WorkerCrashed, WorkerPool
from extractor.validation_fr import error_fr

log = logging.getLogger("factcheck.service")

MAX_BYTES = limits.SERVICE_MAX_BYTES  # every limit is in extractor/ingest/limits.py
MAX_PAGES = limits.MAX_PDF_PAGES
TIMEOUT = limits.SERVICE_TIMEOUT
MAX_PENDING = limits.SERVICE_MAX_PENDING_BYTES  # bytes of request bodies held in memory
MAX_RSS = limits.SERVICE_MAX_RSS  # bytes of resident memory per worker before it is stopped
TEXT_FORMATS = {"markdown": ".md", "text": ".txt", "html": ".html"}


class CheckRequest(BaseModel):
    text: str = Field(description="le texte du document")
    format: Literal["markdown", "text", "html"] = "markdown"
    date: str | None = Field(default=None, description="date de publication (AAAA-MM-JJ) pour « aujourd'hui »")


def megabytes(size: int) -> str:
    return f"{size / 1_048_576:.3g} Mo".replace(".", ",")


def _rules_asked(rules: str | None) -> list[str] | None:
    """The `rules` query parameter as ids or families (None: every rule); 422 for an unknown one."""
    only = [r for r in (rules or "").split(",") if r] or None
    unknown = checks.unknown(only or [])
    if unknown:
        raise ServiceError(422, "unknown_rule", f"règle inconnue : {', '.join(unknown)} (voir /api/rules)")
    return only


ErrorBody = errors.ErrorBody  # every error: {code, message_fr, hint_fr} (service/errors.py)
ERRORS = errors.DOCUMENT_ERRORS
_REQUEST: contextvars.ContextVar[Request] = contextvars.ContextVar("request")  # the one `_run` serves
_SMALL: contextvars.ContextVar[bool] = contextvars.ContextVar("small", default=True)  # its document's work


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


# LanguageTool's request (/v2/check): a form, as its clients send it.
LT_FIELDS: dict[str, Any] = {
    "type": "object",
    "required": ["language"],
    "properties": {
        "text": {"type": "string", "description": "le texte à vérifier (lu comme du Markdown, comme un texte collé)"},
        "data": {
            "type": "string",
            "description": 'ou le texte annoté de LanguageTool, en JSON : {"annotation": [{"text": "…"}, '
            '{"markup": "<b>", "interpretAs": ""}]} ; le balisage n\'est pas vérifié mais compte dans les positions',
        },
        "language": {"type": "string", "enum": ["fr", "fr-FR", "auto"], "description": "la langue : le français"},
        "disabledRules": {"type": "string", "description": "règles à ne pas signaler (ids, séparés par des virgules)"},
        "enabledRules": {
            "type": "string",
            "description": "règles à lancer aussi (ids, même désactivées par défaut) ; enabledOnly=true : elles seules",
        },
        "enabledOnly": {"type": "string", "enum": ["true", "false"]},
        "disabledCategories": {"type": "string", "description": "catégories à ne pas signaler (TYPOS, GRAMMAR, …)"},
        "enabledCategories": {"type": "string", "description": "avec enabledOnly=true : les seules catégories"},
    },
}
LT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {"schema": LT_FIELDS},
            "multipart/form-data": {"schema": LT_FIELDS},
        },
    }
}


def _lt_described(text: str) -> dict[str, Any]:
    """An error of /v2/check: plain text « Erreur : … » as LanguageTool answers (the code in the
    X-Factcheck-Error header); JSON {code, message_fr, hint_fr} when refused before it is read."""
    return {
        "model": ErrorBody,
        "description": f"{text} ; en texte brut « Erreur : … À faire : … », comme LanguageTool, ou en JSON "
        "(ErrorBody) quand la requête est refusée avant d'être lue (Host, client trop lent, service occupé)",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}},
            "text/plain": {"schema": {"type": "string"}},
        },
    }


LT_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _lt_described("langue non prise en charge, ni « text » ni « data », « data » invalide, formulaire mal formé"),
    408: _lt_described("texte envoyé trop lentement : connexion coupée"),
    413: _lt_described("texte trop volumineux, ou trop lourd à vérifier"),
    415: _lt_described("pas un formulaire"),
    422: _lt_described("texte illisible, trop long ou trop complexe"),
    500: _lt_described("erreur interne"),
    503: _lt_described("service occupé ou en cours de démarrage"),
    504: _lt_described("vérification trop longue"),
}


class RuleInfo(BaseModel):
    """A rule of the catalogue (extractor/checks/catalogue/)."""

    id: str
    severity: str = Field(description="its default severity")
    severities: list[str] = Field(description="every severity it may give")
    title_fr: str
    description_fr: str
    rationale_fr: str
    needs: list[str] = Field(description="what it needs beyond the document: registry, corpus, site, an engine")


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
    max_client_pending_bytes: int = MAX_PENDING // limits.SERVICE_CLIENT_SHARE  # at least one document
    max_work: int = limits.SERVICE_MAX_WORK  # estimated work of one document (service/cost.py)
    small_work: int = limits.SERVICE_SMALL_WORK  # at most this: a small check, one worker kept for them
    allowed_hosts: tuple[str, ...] | None = None  # Host names accepted; None: any ("*" too)
    body_times: guard.BodyTimes = field(default_factory=guard.BodyTimes)


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
        docs_url=None,
        redoc_url=None,
        responses=errors.COMMON_ERRORS,
    )
    errors.install(app)
    docs.install(app)
    share = max(settings.max_client_pending_bytes, settings.max_bytes + 64_000)
    app.add_middleware(guard.Guard, hosts=settings.allowed_hosts, times=settings.body_times,
                       pending=guard.PendingBytes(settings.max_pending_bytes, share))  # fmt: skip
    app.add_middleware(headers.SecurityHeaders)  # added last: outermost, on the Guard's refusals too

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        if not state["ready"]:
            loading = errors.body("loading", "le service démarre : registre, corpus et règles en cours de chargement")
            return JSONResponse(status_code=503, content={"status": "loading", **loading})
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
        """The upload (multipart `file`) or the JSON {text, format, date}, as bytes and a name; its
        work estimated (service/cost.py) before it is queued: too much is refused at once."""
        data, name, date = await _body(request)
        await _admit(data, name)
        return data, name, date

    async def _admit(data: bytes, name: str) -> None:
        """Refuses a document over the size limit or too much work to check, before it is queued."""
        if len(data) > settings.max_bytes:
            raise ServiceError(413, "too_large", f"document trop volumineux (maximum {megabytes(settings.max_bytes)})")
        if len(data) < 1 << 20:
            needed = cost.estimate(data, name, settings.max_work)
        else:  # some hundred milliseconds for the largest bodies: off the event loop
            needed = await asyncio.to_thread(cost.estimate, data, name, settings.max_work)
        if needed.units > settings.max_work and not needed.pages:  # a PDF's pages: --max-pages, in the worker
            message = (f"document trop lourd à vérifier : {needed.described()}, soit {needed.units} unités de "
                       f"travail (maximum {settings.max_work} : un nombre ou une cellule chacun, une page de PDF "
                       f"{cost.PDF_PAGE_UNITS})")  # fmt: skip
            raise ServiceError(413, "too_much_work", message)
        _SMALL.set(needed.units <= settings.small_work)  # read by `_run`, in this request's task

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
            form = await bodies.parse_form(request.headers, await request.body())  # in memory, never on disk
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
                problems = exc.errors()[:3]  # type: ignore[attr-defined]
                message = "corps JSON invalide : " + " ; ".join(error_fr(e) for e in problems)
                raise ServiceError(422, "invalid_body", message) from exc
            if not body.text.strip():
                raise ServiceError(422, "empty_text", "le texte est vide : rien à vérifier")
            return body.text.encode("utf-8"), f"document{TEXT_FORMATS[body.format]}", body.date
        raise ServiceError(415, "unsupported", "envoyer un fichier (multipart/form-data) ou du JSON {text, format}")

    @asynccontextmanager
    async def _admitted(request: Request):
        """The request `_run` serves (its work is cancelled if its client goes away). The memory held
        by waiting bodies is bounded by guard.Guard, for all clients and for each."""
        token = _REQUEST.set(request)
        try:
            yield
        finally:
            _REQUEST.reset(token)

    async def _run(func, *args):
        try:
            if not state["ready"]:
                raise ServiceError(503, "loading", "le service démarre : il n'est pas encore prêt à vérifier")
            running = state["pool"].run(func, *args, timeout=settings.timeout, small=_SMALL.get())
            request = _REQUEST.get(None)  # set by `_admitted`
            if request is None:
                return await running
            return await guard.while_connected(request, running, f"vérification ({func.__name__})")
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
            only = _rules_asked(rules)
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

    @app.post("/api/review", response_model=Review, responses=ERRORS, openapi_extra=DOCUMENT_BODY)
    async def review_answer(request: Request, rules: str | None = None, fail_on: FailOn = FailOn.error) -> Response:
        """What the web page shows for one document, in one answer: the report, the text with each
        finding's place, the images of the PDF pages holding a finding, and the HTML report."""
        async with _admitted(request):
            data, name, date = await _document(request)
            only = _rules_asked(rules)
            answer = await _run(review.review, data, name, date, only, fail_on.value)
            return Response(answer, media_type="application/json")

    @app.post("/v2/check", response_model=languagetool.CheckAnswer, responses=LT_ERRORS, openapi_extra=LT_BODY,
              tags=["LanguageTool"])  # fmt: skip
    async def languagetool_check(request: Request) -> Response:
        """LanguageTool's check, for the editors' LanguageTool clients (LTeX, browser add-ons): the
        form's `text` (read as Markdown, like a pasted text) or `data` (LanguageTool's annotated
        text: markup parts are not checked, but count in the offsets), `language` fr, fr-FR or
        auto. Every finding of factcheck on the text (figures, names, writing) is a match per place;
        offsets and lengths in UTF-16 code units, as LanguageTool counts. Errors are plain text,
        as LanguageTool gives them (their code in the `X-Factcheck-Error` header)."""
        try:
            async with _admitted(request):
                sub = languagetool.submitted(await _form_fields(request))
                if not sub.checked.strip():  # nothing to check (an empty file): no match, as LanguageTool
                    return Response(languagetool.answer(None, sub, {}).model_dump_json(), media_type="application/json")
                await _admit(sub.checked.encode("utf-8", "replace"), sub.name)
                answer = await _run(languagetool.check, sub)
        except ServiceError as exc:
            message = f"Erreur : {exc.message_fr.rstrip('.')}. À faire : {exc.hint_fr or errors.hint_for(exc.code)}.\n"
            return PlainTextResponse(message, status_code=exc.status, headers={"X-Factcheck-Error": exc.code})
        return Response(answer, media_type="application/json")

    @app.get("/v2/languages", response_model=list[languagetool.LanguageInfo], tags=["LanguageTool"])
    async def languagetool_languages() -> list[languagetool.LanguageInfo]:
        """The languages factcheck checks, as LanguageTool lists them: French only."""
        return languagetool.languages()

    async def _form_fields(request: Request) -> dict[str, str]:
        """The fields of a LanguageTool request's form (URL-encoded or multipart), read in memory
        within the size limit (URL-encoding may triple a text's bytes)."""
        kind = request.headers.get("content-type", "")
        if not kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            raise ServiceError(415, "unsupported", "la requête n'est pas un formulaire (x-www-form-urlencoded attendu)",
                               "envoyer le texte comme LanguageTool : un formulaire avec « text » (ou « data ») "
                               "et « language »")  # fmt: skip
        envelope = 3 * settings.max_bytes + 64_000
        too_large = ServiceError(413, "too_large", f"texte trop volumineux (maximum {megabytes(settings.max_bytes)})")
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > envelope:
            raise too_large
        received = bytearray()
        async for chunk in request.stream():
            received += chunk
            if len(received) > envelope:
                raise too_large
        if kind.startswith("application/x-www-form-urlencoded"):
            return bodies.parse_urlencoded(bytes(received))
        form = await bodies.parse_form(request.headers, bytes(received), max_part_size=envelope)
        fields: dict[str, str] = {}
        for name, value in form.multi_items():
            if isinstance(value, str):
                fields.setdefault(name, value)
        return fields

    @app.get("/", response_class=HTMLResponse)
    async def page() -> HTMLResponse:
        return HTMLResponse((page_files.STATIC / "index.html").read_text(encoding="utf-8"))

    app.mount("/static", StaticFiles(directory=page_files.STATIC), name="static")

    return app
