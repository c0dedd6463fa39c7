"""The HTTP server of `factcheck serve`: uvicorn's, which says when it is ready (issue 23, item 15)."""

from __future__ import annotations

from collections.abc import Callable

import uvicorn


class Server(uvicorn.Server):
    """Calls `on_ready` once the app has started (registry, corpus index, workers loaded) and the
    socket listens: from then on `/healthz` answers "ready"."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], None]) -> None:
        super().__init__(config)
        self.on_ready = on_ready

    async def startup(self, sockets: list | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self.on_ready()
