"""What keeps slow, vanishing or misdirected clients from starving the others (issue 17, item 3).

- `Guard`, an ASGI middleware in front of the app:
  - refuses a Host header that is not one of the allowed hosts (DNS rebinding against a service
    bound to 127.0.0.1), 400 `host_not_allowed`;
  - times each chunk of a request body: the body must keep coming at `min_rate` bytes per second
    after a `grace` period (Apache's mod_reqtimeout rule: the allowance grows with what arrives),
    and no chunk may take more than `idle` seconds; a slow client gets 408 `slow_client` and its
    connection is closed;
  - counts the bytes of bodies held in memory (while they arrive and until their answer is sent)
    against `max_pending` for all clients and `share` for one client address: the client past
    its share gets 503 `busy`, not the others. A slow client holds only what it has sent.
- `protocol(header_seconds)`: uvicorn's h11 protocol with a timeout on the request line and
  headers (uvicorn has none): a client that does not send them in time gets 408 and is closed.
- `while_connected(request, awaitable)`: runs the work, cancelled as soon as the client goes away
  (the worker is interrupted and freed, see workers.py); one log line, no traceback.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import h11
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from extractor.ingest import limits
from extractor.service.errors import ClientGone, body, error_response
from extractor.service.work import ServiceError

log = logging.getLogger("factcheck.service")

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
T = TypeVar("T")


def allowed_hosts(bound: str, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The Host names `factcheck serve` accepts by default: the bound address and localhost."""
    names = [bound, *LOCAL_HOSTS, *extra]
    return tuple(dict.fromkeys(name.strip().lower().strip("[]") for name in names if name.strip()))


def host_name(header: str) -> str:
    """The name of a Host header, without its port ("[::1]:8000" -> "::1")."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


@dataclass
class BodyTimes:
    grace: float = limits.SERVICE_BODY_GRACE_SECONDS  # seconds a body may take whatever its size...
    min_rate: float = limits.SERVICE_BODY_MIN_RATE  # ...plus one second per this many bytes received
    idle: float = limits.SERVICE_BODY_IDLE_SECONDS  # seconds at most between two chunks


class PendingBytes:
    """Bytes of request bodies in memory, in all and per client address."""

    def __init__(self, total: int, share: int) -> None:
        self.total, self.share = total, min(share, total)
        self.used = 0
        self.by_client: collections.Counter[str] = collections.Counter()

    def take(self, client: str, size: int) -> None:
        if self.by_client[client] + size > self.share:
            raise ServiceError(503, "busy", "service occupé : trop de documents envoyés à la fois depuis cette adresse",
                               "attendre les réponses en cours avant d'envoyer d'autres documents")  # fmt: skip
        if self.used + size > self.total:
            raise ServiceError(503, "busy", "service occupé : trop de documents en attente, réessayer dans un instant")
        self.used += size
        self.by_client[client] += size

    def give_back(self, client: str, size: int) -> None:
        self.used -= size
        self.by_client[client] -= size
        if self.by_client[client] <= 0:
            del self.by_client[client]


class Guard:
    """The ASGI middleware (see the module's docstring)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        hosts: Iterable[str] | None,
        pending: PendingBytes,
        times: BodyTimes | None = None,
    ) -> None:
        self.app = app
        self.hosts = None if hosts is None or "*" in hosts else {host_name(h) for h in hosts}
        self.pending = pending
        self.times = times or BodyTimes()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.hosts is not None:
            header = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            if host_name(header) not in self.hosts:
                log.warning("en-tête Host refusé : %r", header[:100])
                message = f"en-tête Host non autorisé : « {header[:100]} »"
                await error_response(400, "host_not_allowed", message)(scope, receive, send)
                return
        client = scope["client"][0] if scope.get("client") else "?"
        loop = asyncio.get_running_loop()
        start = loop.time()
        state = {"received": 0, "held": 0, "done": False}
        times = self.times

        async def timed_receive() -> Message:
            if state["done"]:
                return await receive()  # the body is in: what comes next is the disconnect
            allowance = start + times.grace + state["received"] / times.min_rate - loop.time()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, min(times.idle, allowance)))
            except TimeoutError:
                state["done"] = True
                log.warning("client %s trop lent : %d octets reçus en %.0f s, connexion coupée",
                            client, state["received"], loop.time() - start)  # fmt: skip
                raise ServiceError(408, "slow_client", "document envoyé trop lentement : connexion coupée") from None
            if message["type"] == "http.request":
                size = len(message.get("body", b""))
                state["received"] += size
                if not message.get("more_body", False):
                    state["done"] = True
                if size:
                    self.pending.take(client, size)
                    state["held"] += size
            else:
                state["done"] = True
            return message

        try:
            await self.app(scope, timed_receive, send)
        finally:
            if state["held"]:
                self.pending.give_back(client, state["held"])


async def while_connected(request: Request, work: Awaitable[T], what: str) -> T:
    """`work`'s result, or ClientGone once the client has gone (the work is cancelled)."""
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
        if not task.done():
            task.cancel()
    if not task.done() or task.cancelled():
        log.warning("client %s parti : %s annulée", _client(request), what)
        with contextlib.suppress(BaseException):
            await task  # the pool interrupts the worker; this returns at once
        raise ClientGone()
    return task.result()


async def _disconnected(request: Request) -> None:
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


def _client(request: Request) -> str:
    return f"{request.client.host}:{request.client.port}" if request.client else "?"


def protocol(header_seconds: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol with a timeout on the request line and headers of every request."""

    class HeaderTimeoutProtocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None
        _header_bytes = 0

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state is h11.IDLE:  # still no complete request line and headers
                self._header_bytes += len(data)
                self._arm()
            else:
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._header_bytes = 0  # the keep-alive timeout covers an idle connection

        def send_400_response(self, msg: str) -> None:  # malformed HTTP: the contract's body too
            self._write_error(400, b"Bad Request", "bad_request", "requête HTTP mal formée")

        def _write_error(self, status: int, reason: bytes, code: str, message: str) -> None:
            content = json.dumps(body(code, message), ensure_ascii=False).encode()
            self.transport.write(
                b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\nconnection: close\r\n" % (status, reason)
                + b"content-length: %d\r\n\r\n" % len(content)
                + content
            )
            self.transport.close()

        def _arm(self) -> None:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(header_seconds, self._expired)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _expired(self) -> None:
            self._header_timer = None
            if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
                return
            if self.cycle is not None and not self.cycle.response_complete:
                return  # a request is being answered
            if self._header_bytes:  # a request was started, but not finished in time
                client = f"{self.client[0]}:{self.client[1]}" if self.client else "?"
                log.warning("client %s trop lent : en-têtes non reçus en %g s, coupé", client, header_seconds)
                message = f"en-têtes de la requête non reçus en {header_seconds:g} s"
                self._write_error(408, b"Request Timeout", "slow_client", message)
            self.transport.close()

    return HeaderTimeoutProtocol
