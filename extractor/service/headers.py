"""Security headers on every answer of the service (issue 24, item 12).

- `Content-Security-Policy`: the page (`/`) loads only its own files (the vendored DSFR, page.css,
  page.js; the PDF page images are data URLs, the downloads blob URLs) and talks only to the
  service; the HTML report (`/api/report`) has the policy its own `<meta>` states (inline style
  and script, nothing fetched); `/docs` and `/redoc` have the inline script Swagger UI and ReDoc
  start with; everything else (JSON, static files) may load nothing. No page may be framed by
  another site (`frame-ancestors 'none'`).
- `X-Frame-Options: DENY` (the same, for older browsers), `X-Content-Type-Options: nosniff` (a
  JSON answer or an uploaded name is never sniffed as HTML), `Referrer-Policy: no-referrer`.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from extractor.report import html

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
REPORT_CSP = f"{html.CSP}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
POLICIES = {"/": PAGE_CSP, "/api/report": REPORT_CSP, "/docs": DOCS_CSP, "/redoc": DOCS_CSP}
COMMON = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def headers_for(path: str) -> dict[str, str]:
    return {"content-security-policy": POLICIES.get(path, API_CSP), **COMMON}


class SecurityHeaders:
    """ASGI middleware adding `headers_for(path)` to every HTTP answer that does not set them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [(k.encode(), v.encode()) for k, v in headers_for(scope.get("path", "")).items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)
