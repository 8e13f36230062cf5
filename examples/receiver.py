"""A small webhook receiver for claimwatch alerts: verifies signatures, drops duplicates.

Run it::

    CLAIMWATCH_WEBHOOK_SECRET=s3cret python examples/receiver.py --port 8099
    # and point the worker at it:
    CLAIMWATCH_WEBHOOK_URLS=http://127.0.0.1:8099/hooks/claimwatch \\
    CLAIMWATCH_WEBHOOK_SECRET=s3cret claimwatch worker

What a receiver must do (the whole protocol, in the order below):

1. Read the **raw** body bytes. The signature covers exactly those bytes; parsing
   the JSON and serialising it again would change them.
2. Check ``X-Claimwatch-Signature: sha256=<hex>``: recompute HMAC-SHA256 of the
   raw body with the shared secret and compare in constant time
   (:func:`verify`). Reject with 401 when it does not match.
3. Deduplicate on ``Idempotency-Key`` (the alert's ``alert_id``, also in
   ``X-Claimwatch-Alert-Id``). Delivery is at-least-once: a retry after a lost
   response, or a redelivery after a worker restart, carries the same id. Answer
   2xx to a duplicate without acting on it again. This also makes a replayed
   request harmless.
4. Answer 2xx quickly (act on the alert afterwards if it is slow to handle).
   Any other status, or no answer within the endpoint's timeout, is retried
   with exponential backoff; 400/401/403/404/410/422 are treated as permanent
   and the alert goes to claimwatch's ``alerts.deadletter`` topic.

This file depends only on the standard library and aiohttp; :func:`verify` is
self-contained so it can be copied into any Python receiver.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import logging
import os
from collections import OrderedDict
from typing import Any

from aiohttp import web

SIGNATURE_HEADER = "X-Claimwatch-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
ALERT_ID_HEADER = "X-Claimwatch-Alert-Id"

log = logging.getLogger("claimwatch.receiver")


def verify(body: bytes, secret: str, signature: str | None) -> bool:
    """Whether ``signature`` is ``sha256=`` + hex HMAC-SHA256 of ``body`` keyed by ``secret``."""
    if not secret or not signature or not signature.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.strip())


class SeenIds:
    """The last ``capacity`` alert ids, oldest forgotten first (bounded memory).

    Redeliveries arrive within the sender's retry window (an hour by default),
    so a few thousand recent ids are plenty; a durable receiver would keep them
    in its database with a unique constraint instead.
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()

    def add(self, alert_id: str) -> bool:
        """Remember ``alert_id``; ``False`` if it was already there (a duplicate)."""
        if alert_id in self._ids:
            self._ids.move_to_end(alert_id)
            return False
        self._ids[alert_id] = None
        if len(self._ids) > self.capacity:
            self._ids.popitem(last=False)
        return True

    def __contains__(self, alert_id: object) -> bool:
        return alert_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)


class Receiver:
    """The receiver's state: accepted alerts (in arrival order) and duplicate/reject counts."""

    def __init__(self, secret: str, *, require_signature: bool = True) -> None:
        self.secret = secret
        self.require_signature = require_signature
        self.seen = SeenIds()
        self.alerts: list[dict[str, Any]] = []
        self.duplicates = 0
        self.rejected = 0

    def handle(self, body: bytes, headers: Any) -> tuple[int, str]:
        """The response (status, text) for one request; pure enough to test without HTTP."""
        if self.require_signature and not verify(body, self.secret, headers.get(SIGNATURE_HEADER)):
            self.rejected += 1
            return 401, "bad signature"
        alert_id = headers.get(IDEMPOTENCY_HEADER) or headers.get(ALERT_ID_HEADER)
        if not alert_id:
            self.rejected += 1
            return 400, "no idempotency key"
        if not self.seen.add(alert_id):
            self.duplicates += 1
            return 200, "duplicate"
        try:
            payload = json.loads(body)
        except ValueError:
            self.rejected += 1
            return 400, "invalid JSON"
        self.alerts.append(payload)
        log.info("alert %s: %s", alert_id, _summary(payload))
        return 200, "ok"

    async def on_post(self, request: web.Request) -> web.Response:
        body = await request.read()  # raw bytes: what the signature covers
        status, text = self.handle(body, request.headers)
        return web.Response(status=status, text=text)

    def app(self, path: str = "/hooks/claimwatch") -> web.Application:
        application = web.Application()
        application.router.add_post(path, self.on_post)
        return application


def _summary(payload: dict[str, Any]) -> str:
    if "reason" in payload:  # native
        return f"[{payload.get('severity')}] {payload['reason']}"
    if "alerts" in payload:  # alertmanager
        return str(payload["alerts"][0]["annotations"].get("description"))
    return str(payload.get("text", ""))


async def _serve(host: str, port: int, secret: str) -> None:
    runner = web.AppRunner(Receiver(secret, require_signature=bool(secret)).app())
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("listening on http://%s:%d/hooks/claimwatch", host, port)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    secret = os.environ.get("CLAIMWATCH_WEBHOOK_SECRET", "")
    if not secret:
        log.warning("CLAIMWATCH_WEBHOOK_SECRET is unset: signatures are not checked")
    asyncio.run(_serve(args.host, args.port, secret))


if __name__ == "__main__":
    main()
