"""The service's one error contract (issue 16, item 5).

Every answer other than 2xx, from every endpoint, is JSON `{code, message_fr, hint_fr}`: `code` is
stable and in English (one of `CODES`), `message_fr` says what went wrong, `hint_fr` what to do
about it (the same hints the command line gives). This module holds the model, the codes with
their status and default hint, the exception handlers that turn every kind of failure (ours,
FastAPI's validation errors, Starlette's 404 / 405 / 400, an unexpected exception) into that body,
and the `responses` every operation documents in the OpenAPI schema.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, JsonValue
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from extractor.service.work import ServiceError
from extractor.validation_fr import error_fr

log = logging.getLogger("factcheck.service")

# code -> (the status it is sent with, the default hint: what to do). A code is never renamed.
CODES: dict[str, tuple[int, str]] = {
    "bad_request": (400, "vérifier la requête : voir la documentation de l'API à /docs"),
    "invalid_form": (400, "envoyer un formulaire multipart/form-data valide, avec le document dans le champ « file »"),
    "host_not_allowed": (
        400,
        "appeler le service par son adresse, ou le lancer avec « factcheck serve --allowed-host NOM »",
    ),
    "unsupported_language": (400, "indiquer language=fr, fr-FR ou auto (le français)"),
    "missing_text": (400, "envoyer le texte dans le champ « text », ou le texte annoté dans le champ « data »"),
    "invalid_data": (
        400,
        'envoyer dans « data » du JSON comme {"annotation": [{"text": "…"}, {"markup": "<b>", "interpretAs": ""}]}',
    ),
    "not_found": (404, "vérifier l'adresse : les points d'accès sont décrits à /docs"),
    "method_not_allowed": (405, "vérifier la méthode HTTP (GET ou POST) : voir /docs"),
    "slow_client": (408, "renvoyer le document d'une traite, sur une connexion plus rapide"),
    "too_large": (413, "envoyer un document plus petit, ou le découper en plusieurs parties"),
    "too_much_work": (
        413,
        "découper le document (moins de chiffres ou de cellules de tableau par envoi), ou le vérifier en ligne "
        "de commande (factcheck check)",
    ),
    "unsupported": (415, "envoyer un fichier .md, .txt, .html, .pdf ou .docx, ou du JSON {text, format}"),
    "invalid_body": (422, 'envoyer du JSON de la forme {"text": "…", "format": "markdown"}'),
    "invalid_parameter": (422, "corriger le paramètre indiqué : ses valeurs possibles sont décrites à /docs"),
    "invalid_date": (422, "écrire la date au format AAAA-MM-JJ, par exemple 2024-02-26"),
    "missing_file": (422, "joindre le document dans le champ « file » du formulaire"),
    "unknown_rule": (422, "choisir des règles parmi celles que liste /api/rules"),
    "empty": (422, "le document ne contient rien à vérifier : envoyer un document qui a du texte"),
    "empty_text": (422, "coller le texte à vérifier, ou choisir un fichier"),
    "binary": (422, "envoyer un document texte, HTML, PDF ou DOCX, pas un fichier binaire"),
    "encoding": (422, "enregistrer le fichier en UTF-8, puis le renvoyer"),
    "encrypted": (422, "enregistrer le PDF sans mot de passe, puis le renvoyer"),
    "front_matter": (422, "corriger l'en-tête YAML (entre les lignes « --- ») du document"),
    "no_text": (422, "le PDF n'a pas de couche texte (document scanné) : envoyer le document d'origine"),
    "too_deep": (422, "aplatir les listes ou les balises imbriquées du document"),
    "too_many_pages": (422, "découper le PDF en parties plus courtes"),
    "too_complex": (422, "découper le document, ou le simplifier (moins de tableaux, d'images ou de pages)"),
    "unreadable": (422, "vérifier que le fichier s'ouvre, l'enregistrer de nouveau puis le renvoyer"),
    "internal_error": (500, "réessayer ; si l'erreur persiste, la signaler avec le document en cause"),
    "worker_crashed": (500, "réessayer ; si l'erreur persiste, la signaler avec le document en cause"),
    "busy": (503, "réessayer dans un instant"),
    "loading": (503, "réessayer dans quelques secondes : GET /healthz dit quand le service est prêt"),
    "timeout": (504, "découper le document, ou le vérifier en ligne de commande (factcheck check --timeout)"),
}

STATUS_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 408: "slow_client",
                413: "too_large", 415: "unsupported", 422: "invalid_body", 503: "busy", 504: "timeout"}  # fmt: skip
STATUS_MESSAGES = {
    400: "requête invalide",
    404: "adresse inconnue",
    405: "méthode HTTP non permise à cette adresse",
    500: "erreur interne du service",
}


class ClientGone(ClientDisconnect):
    """The client went away while its document was being checked: the work was cancelled and
    that was logged (guard.while_connected); nothing is left to say."""


class ErrorBody(BaseModel):
    """Every error answer of the API."""

    code: str = Field(description="stable, in English", json_schema_extra={"enum": list[JsonValue](sorted(CODES))})
    message_fr: str = Field(description="ce qui ne va pas, en français")
    hint_fr: str = Field(description="ce qu'il faut faire, en français")


def hint_for(code: str) -> str:
    return CODES.get(code, CODES["internal_error"])[1]


def body(code: str, message_fr: str, hint_fr: str | None = None) -> dict[str, str]:
    return ErrorBody(code=code, message_fr=message_fr, hint_fr=hint_fr or hint_for(code)).model_dump()


def error_response(status: int, code: str, message_fr: str, hint_fr: str | None = None, **headers: str) -> JSONResponse:
    return JSONResponse(status_code=status, content=body(code, message_fr, hint_fr), headers=headers or None)


def _described(status: int, text: str) -> dict[str, Any]:
    # "content" too: an operation whose answer is HTML (/api/report) still says its errors are JSON
    json_body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    return {"model": ErrorBody, "description": text, "content": json_body}


# Documented on every operation (FastAPI(responses=...)); the document endpoints add DOCUMENT_ERRORS.
COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _described(400, "requête invalide (en-tête Host refusé, formulaire mal formé)"),
    404: _described(404, "adresse inconnue"),
    405: _described(405, "méthode non permise"),
    422: _described(422, "paramètre invalide"),
    500: _described(500, "erreur interne"),
}
DOCUMENT_ERRORS: dict[int | str, dict[str, Any]] = {
    408: _described(408, "document envoyé trop lentement : connexion coupée"),
    413: _described(
        413,
        "document trop volumineux (too_large), ou trop lourd à vérifier : trop de chiffres, de "
        "cellules de tableau ou de pages (too_much_work)",
    ),
    415: _described(415, "type non pris en charge"),
    422: _described(422, "document vide, illisible, chiffré, trop long ou trop complexe ; paramètre ou corps invalide"),
    503: _described(503, "service occupé ou en cours de démarrage"),
    504: _described(504, "vérification trop longue"),
}


def _validation_message(exc: RequestValidationError) -> str:
    return " ; ".join(error_fr(dict(error)) for error in exc.errors()[:3]) or "requête invalide"


def install(app: FastAPI) -> None:
    """Registers the handlers that give every error the contract's body."""

    @app.exception_handler(ServiceError)
    async def service_error(_: Request, exc: ServiceError) -> JSONResponse:
        headers = {"connection": "close"} if exc.status == 408 else {}
        return error_response(exc.status, exc.code, exc.message_fr, exc.hint_fr, **headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_parameter", _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = STATUS_CODES.get(exc.status_code, "bad_request" if exc.status_code < 500 else "internal_error")
        message = STATUS_MESSAGES.get(exc.status_code) or CODES[code][1]
        headers = dict(exc.headers or {})
        return error_response(exc.status_code, code, message, None, **headers)

    @app.exception_handler(ClientGone)
    async def client_gone_during_work(_: Request, __: ClientGone) -> Response:
        return Response(status_code=499)  # nobody reads it: the connection is closed

    @app.exception_handler(ClientDisconnect)
    async def client_gone(request: Request, _: ClientDisconnect) -> Response:
        log.warning("client %s parti pendant l'envoi de %s : requête abandonnée", _client(request), request.url.path)
        return Response(status_code=499)  # nobody reads it: the connection is closed

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        # Starlette logs the traceback (a bug to fix); the client gets the contract's body.
        return error_response(500, "internal_error", STATUS_MESSAGES[500])


def _client(request: Request) -> str:
    return f"{request.client.host}:{request.client.port}" if request.client else "?"
