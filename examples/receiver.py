"""A small webhook receiver for claimwatch alerts: verifies signatures, refuses replays, drops duplicates.

Run it::

    CLAIMWATCH_WEBHOOK_SECRET=s3cret python examples/receiver.py --port 8099 [--tolerance 300]
    # and point the worker at it:
    CLAIMWATCH_WEBHOOK_URLS=http://127.0.0.1:8099/hooks/claimwatch \\
    CLAIMWATCH_WEBHOOK_SECRET=s3cret claimwatch worker

What a receiver must do (the whole protocol, in the order below):

1. Read the **raw** body bytes. The signature covers exactly those bytes; parsing
   the JSON and serialising it again would change them.
2. Check ``X-Claimwatch-Signature-Timestamped: t=<unix>,v1=<hex>``: recompute
   HMAC-SHA256 of ``"<t>." + raw body`` with the shared secret and compare in
   constant time with ``v1``; then refuse the request when ``t`` is more than the
   tolerance away from this machine's clock (:func:`check_signature`). Answer 401
   in both cases. The timestamp is inside the signed bytes, so a captured request
   replayed later still carries its old time and cannot be given a new one
   without the secret. The tolerance is ``--tolerance`` or
   ``CLAIMWATCH_WEBHOOK_TOLERANCE`` (seconds, default 300); keep the receiver's
   clock in sync (NTP). claimwatch signs every attempt, retries included, with the
   time it is sent, so a late retry is fresh. (``X-Claimwatch-Signature:
   sha256=<hex>``, the body alone, is still sent for receivers written against
   it: :func:`verify` checks it, but it says nothing about freshness.)
3. Deduplicate on ``Idempotency-Key`` (the alert's ``alert_id``, also in
   ``X-Claimwatch-Alert-Id``). Delivery is at-least-once: a retry after a lost
   response, or a redelivery after a worker restart, carries the same id. Answer
   2xx to a duplicate without acting on it again. Within the tolerance window
   this is also what stops a replay; beyond it, step 2 does.
4. Answer 2xx quickly (act on the alert afterwards if it is slow to handle).
   Any other status, or no answer within the endpoint's timeout, is retried
   with exponential backoff; 400/401/403/404/410/422 are treated as permanent
   and the alert goes to claimwatch's ``alerts.deadletter`` topic.

This file depends only on the standard library and aiohttp; :func:`check_signature`
and :func:`verify` are self-contained so they can be copied into any Python receiver.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from aiohttp import web

SIGNATURE_HEADER = "X-Claimwatch-Signature"
TIMESTAMPED_SIGNATURE_HEADER = "X-Claimwatch-Signature-Timestamped"
DEFAULT_TOLERANCE = 300.0
IDEMPOTENCY_HEADER = "Idempotency-Key"
ALERT_ID_HEADER = "X-Claimwatch-Alert-Id"

log = logging.getLogger("claimwatch.receiver")


def verify(body: bytes, secret: str, signature: str | None) -> bool:
    """Whether ``signature`` is ``sha256=`` + hex HMAC-SHA256 of ``body`` keyed by ``secret``."""
    if not secret or not signature or not signature.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.strip())


def check_signature(
    body: bytes, secret: str, header: str | None, *, tolerance: float = DEFAULT_TOLERANCE, now: float | None = None
) -> str | None:
    """Why ``X-Claimwatch-Signature-Timestamped`` (``t=<unix>,v1=<hex>``) rejects ``body``, or None if it holds.

    ``v1`` must be the hex HMAC-SHA256 of ``"<t>." + body`` keyed by ``secret``
    (several ``v1`` may be listed while a sender rotates its secret), and ``t`` must
    be within ``tolerance`` seconds of ``now`` (default: this machine's clock).
    """
    if not secret:
        return "no secret configured"
    if not header:
        return "no timestamped signature"
    t: int | None = None
    signatures: list[str] = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            return "malformed signature header"
        if key == "t" and value.isdigit() and t is None:
            t = int(value)
        elif key == "t":
            return "malformed signature header"
        elif key == "v1":
            signatures.append(value.strip())
    if t is None or not signatures:
        return "malformed signature header"
    expected = hmac.new(secret.encode(), str(t).encode() + b"." + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, sig) for sig in signatures):
        return "bad signature"
    current = time.time() if now is None else now
    if abs(current - t) > tolerance:
        return f"stale timestamp ({current - t:+.0f} s, tolerance {tolerance:.0f} s): a replay?"
    return None


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

    def __init__(
        self,
        secret: str,
        *,
        require_signature: bool = True,
        tolerance: float = DEFAULT_TOLERANCE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.secret = secret
        self.require_signature = require_signature
        self.tolerance = tolerance
        self.clock = clock
        self.seen = SeenIds()
        self.alerts: list[dict[str, Any]] = []
        self.duplicates = 0
        self.rejected = 0

    def handle(self, body: bytes, headers: Any) -> tuple[int, str]:
        """The response (status, text) for one request; pure enough to test without HTTP."""
        if self.require_signature:
            problem = check_signature(
                body,
                self.secret,
                headers.get(TIMESTAMPED_SIGNATURE_HEADER),
                tolerance=self.tolerance,
                now=self.clock(),
            )
            if problem is not None:
                self.rejected += 1
                log.warning("rejected a request: %s", problem)
                return 401, problem
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


async def _serve(host: str, port: int, secret: str, tolerance: float) -> None:
    runner = web.AppRunner(Receiver(secret, require_signature=bool(secret), tolerance=tolerance).app())
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("listening on http://%s:%d/hooks/claimwatch", host, port)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument(
        "--tolerance",
        type=float,
        default=float(os.environ.get("CLAIMWATCH_WEBHOOK_TOLERANCE") or DEFAULT_TOLERANCE),
        help="seconds a signed timestamp may be from this clock (default 300, or CLAIMWATCH_WEBHOOK_TOLERANCE)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    secret = os.environ.get("CLAIMWATCH_WEBHOOK_SECRET", "")
    if not secret:
        log.warning("CLAIMWATCH_WEBHOOK_SECRET is unset: signatures are not checked")
    asyncio.run(_serve(args.host, args.port, secret, args.tolerance))


if __name__ == "__main__":
    main()
