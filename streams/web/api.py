"""HTTP endpoints of the worker: metrics, health, the read-only query API and the dashboard.

Plain aiohttp handlers (Faust's web driver is aiohttp), so they are unit-tested
with aiohttp's test client and mounted on Faust's own server by
:func:`streams.web.register` without a second HTTP port. They only read: every
answer comes from the :class:`~streams.readmodel.ReadModel` and the metrics
registry, never from Kafka, so a slow broker cannot make the API hang.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web
from prometheus_client import CollectorRegistry, generate_latest

from streams.metrics import REGISTRY
from streams.readmodel import ReadModel
from streams.web.feeder import ReadModelFeeder

STATIC_DIR = Path(__file__).parent / "static"

#: The classic text format: every Prometheus 2.x server (Debian's 2.42 included) parses it.
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

MAX_LIMIT = 500
DEFAULT_LIMIT = 50


class Readiness:
    """Named checks that must all pass before ``/readyz`` answers 200.

    The shell adds checks (joined the group, table recovery finished); the
    check functions are plain callables so the view needs no Faust to test.
    """

    def __init__(self) -> None:
        self._checks: dict[str, Callable[[], bool | tuple[bool, str]]] = {}
        self._info: dict[str, Callable[[], Any]] = {}

    def add_check(self, name: str, check: Callable[[], bool | tuple[bool, str]]) -> None:
        """``check`` answers a bool, or ``(ok, reason)`` where the reason says why it fails."""
        self._checks[name] = check

    def add_info(self, name: str, info: Callable[[], Any]) -> None:
        """Extra facts shown in the ``/readyz`` body without gating readiness."""
        self._info[name] = info

    def status(self) -> tuple[bool, dict[str, Any]]:
        """``(ready, body)``; the body's ``reasons`` say, per failing check, why."""
        results: dict[str, bool] = {}
        reasons: dict[str, str] = {}
        for name, check in self._checks.items():
            try:
                answer = check()
            except Exception as exc:  # a check that cannot answer is a failing check
                answer = (False, f"{name}: check failed ({type(exc).__name__})")
            ok, reason = answer if isinstance(answer, tuple) else (bool(answer), "")
            results[name] = bool(ok)
            if not ok:
                reasons[name] = reason or name.replace("_", " ") + ": no"
        info: dict[str, Any] = {}
        for name, fun in self._info.items():
            try:
                info[name] = fun()
            except Exception as exc:
                info[name] = f"unavailable: {type(exc).__name__}"
        ready = bool(results) and all(results.values())
        return ready, {"ready": ready, "checks": results, "reasons": reasons, **info}


@dataclass
class WebState:
    """What the handlers read: the read model, readiness checks and the metrics registry."""

    model: ReadModel
    readiness: Readiness = field(default_factory=Readiness)
    registry: CollectorRegistry = REGISTRY
    #: Called before each ``/metrics`` exposition to refresh gauges (lag, tracked claims).
    refresh_metrics: Callable[[], None] | None = None
    #: The background feeder when running inside a worker (None in standalone tests).
    feeder: ReadModelFeeder | None = None


STATE_KEY: web.AppKey[WebState] = web.AppKey("claimwatch_web_state", WebState)


def _dumps(obj: Any) -> str:
    return orjson.dumps(obj).decode()


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


def error(status: int, message: str) -> web.Response:
    """A 4xx/5xx answer whose body says what was wrong."""
    return json_response({"error": message, "status": status}, status=status)


class BadParameter(ValueError):
    """A query parameter that cannot be used; becomes a 400 with its message."""


#: An echoed parameter is cut to this many characters in an error message.
ECHO_CHARS = 80
#: ISO 8601 in its extended form: a date, optionally a time (seconds and a fraction optional)
#: and a zone. Python 3.11's ``fromisoformat`` alone also takes "11111111" or 8,000 ones
#: (as 1111-11-11 11:11:11.111111), which is no timestamp anyone meant.
_ISO_8601 = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?"
    r"(?:[Zz]|[+-]\d{2}:?\d{2})?",
    re.ASCII,
)
MAX_TIME_CHARS = 40


def _echo(raw: str) -> str:
    return repr(raw if len(raw) <= ECHO_CHARS else raw[:ECHO_CHARS] + "…")


def _int_param(request: web.Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"\s*[+-]?\d{1,12}\s*", raw, re.ASCII):
        raise BadParameter(f"{name} must be an integer between {lo} and {hi}, got {_echo(raw)}")
    value = int(raw)
    if not lo <= value <= hi:
        raise BadParameter(f"{name} must be between {lo} and {hi}, got {value}")
    return value


def _str_param(request: web.Request, name: str, max_len: int = 200) -> str | None:
    raw = request.query.get(name)
    if raw is None or not raw.strip():
        return None
    if len(raw) > max_len:
        raise BadParameter(f"{name} must be at most {max_len} characters")
    return raw


def parse_time(raw: str) -> datetime:
    """ISO 8601 (``Z`` allowed; no zone means UTC), or BadParameter."""
    text = raw.strip()
    bad = BadParameter(f"t must be an ISO 8601 timestamp such as 2024-10-18T12:00:00Z, got {_echo(raw)}")
    if len(text) > MAX_TIME_CHARS or not _ISO_8601.fullmatch(text):
        raise bad
    try:
        t = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
        t = t if t.tzinfo is not None else t.replace(tzinfo=UTC)
        t.astimezone(UTC)  # a time with no UTC equivalent (year 0 or 10000) cannot be compared
    except (ValueError, OverflowError):
        raise bad from None
    return t


def _state(request: web.Request) -> WebState:
    return request.app[STATE_KEY]


@web.middleware
async def _errors(
    request: web.Request, handler: Callable[[web.Request], Any]
) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
    except BadParameter as exc:
        return error(400, str(exc))
    except web.HTTPException as exc:
        # aiohttp's own answers (unknown path, wrong method, a static file refused) in the
        # same JSON shape as ours, with the headers they need (Allow on a 405)
        if exc.status < 400:
            raise
        out = error(exc.status, _REASONS.get(exc.status, exc.reason))
        for name in ("Allow",):
            if name in exc.headers:
                out.headers[name] = exc.headers[name]
        response = out
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.path.startswith("/dashboard"):
        response.headers.setdefault("Content-Security-Policy", DASHBOARD_CSP)
    return response


_REASONS = {
    404: "not found",
    405: "method not allowed: the API is read-only (GET)",
}
#: The dashboard runs its own script and styles only: an injected inline script, handler or
#: remote resource would be refused by the browser even if the page ever put one in the DOM.
DASHBOARD_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


# ---------------------------------------------------------------- operations


async def metrics(request: web.Request) -> web.Response:
    state = _state(request)
    if state.refresh_metrics is not None:
        state.refresh_metrics()
    body = generate_latest(state.registry)
    return web.Response(body=body, headers={"Content-Type": METRICS_CONTENT_TYPE})


async def healthz(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    ready, body = _state(request).readiness.status()
    return json_response(body, status=200 if ready else 503)


# ---------------------------------------------------------------- query API


async def list_claims(request: web.Request) -> web.Response:
    limit = _int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _int_param(request, "offset", 0, 0, 10**9)
    page = _state(request).model.list_claims(
        subject=_str_param(request, "subject"),
        location=_str_param(request, "location"),
        q=_str_param(request, "q"),
        limit=limit,
        offset=offset,
    )
    body = {"total": page.total, "limit": limit, "offset": offset, "items": page.items}
    return json_response(body)


def _unknown(key: str) -> web.Response:
    return error(404, f"unknown claim_key {key!r}")


async def get_claim(request: web.Request) -> web.Response:
    key = request.match_info["claim_key"]
    found = _state(request).model.claim(key)
    return json_response(found) if found is not None else _unknown(key)


async def claim_history(request: web.Request) -> web.Response:
    key = request.match_info["claim_key"]
    found = _state(request).model.history(key)
    return json_response(found) if found is not None else _unknown(key)


async def claim_as_of(request: web.Request) -> web.Response:
    key = request.match_info["claim_key"]
    raw = request.query.get("t")
    if not raw:
        raise BadParameter("t is required: an ISO 8601 timestamp, e.g. 2024-10-18T12:00:00Z")
    t = parse_time(raw)
    found = _state(request).model.as_of(key, t)
    return json_response(found) if found is not None else _unknown(key)


async def list_alerts(request: web.Request) -> web.Response:
    limit = _int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    return json_response({"items": _state(request).model.recent_alerts(limit)})


# ---------------------------------------------------------------- dashboard


async def dashboard(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "dashboard.html")


#: The files under ``/dashboard/static/``: a fixed list read once, so no request path ever
#: reaches the file system (``..``, ``%2e%2e``, ``%252e``, backslashes, NULs, symlinks).
STATIC_FILES = frozenset(p.name for p in STATIC_DIR.iterdir() if p.is_file())


async def static_file(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in STATIC_FILES:
        return error(404, f"no such dashboard file {_echo(name)}")
    return web.FileResponse(STATIC_DIR / name)


@web.middleware
async def _root_to_dashboard(
    request: web.Request, handler: Callable[[web.Request], Any]
) -> web.StreamResponse:
    """``GET /`` opens the dashboard.

    A middleware rather than a route because Faust registers its own index view
    at ``/`` after ours, and aiohttp refuses two GET handlers for one path.
    """
    if request.path == "/" and request.method in ("GET", "HEAD"):
        raise web.HTTPFound("/dashboard")
    response: web.StreamResponse = await handler(request)
    return response


def routes() -> list[web.AbstractRouteDef]:
    """Every route of the worker's HTTP surface."""
    return [
        web.get("/metrics", metrics),
        web.get("/healthz", healthz),
        web.get("/readyz", readyz),
        web.get("/api/claims", list_claims),
        # Suffixed routes first: claim keys may contain ``/``, so the key pattern is ``.+``.
        web.get("/api/claims/{claim_key:.+}/history", claim_history),
        web.get("/api/claims/{claim_key:.+}/as-of", claim_as_of),
        web.get("/api/claims/{claim_key:.+}", get_claim),
        web.get("/api/alerts", list_alerts),
        web.get("/dashboard", dashboard),
        web.get("/dashboard/static/{name:.*}", static_file),
    ]


def _only(resources: set[Any]) -> Callable[..., Any]:
    """A middleware that answers 404 for any route not in ``resources``.

    The server is Faust's: anything it or a library adds to the router (its
    ``/router/`` and ``/table/`` views, were they switched on) stays unreachable,
    so only the routes documented in ``streams/web/README.md`` are served.
    """

    @web.middleware
    async def only_documented(
        request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        resource = request.match_info.route.resource
        if resource is not None and resource not in resources:
            return error(404, "not found")
        response: web.StreamResponse = await handler(request)
        return response

    return only_documented


def mount(app: web.Application, state: WebState) -> None:
    """Add the routes, the middlewares and the state to an existing aiohttp app."""
    app[STATE_KEY] = state
    ours = {route.resource for route in app.router.add_routes(routes())}
    app.middlewares.append(_root_to_dashboard)
    app.middlewares.append(_only(ours))
    app.middlewares.append(_errors)


def make_app(state: WebState) -> web.Application:
    """A standalone aiohttp app with every route (tests, or serving without Faust)."""
    app = web.Application()
    mount(app, state)
    return app
