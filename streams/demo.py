"""``claimwatch demo``: the whole pipeline on one machine, narrated.

Starts the embedded broker (unless ``KAFKA_BOOTSTRAP_SERVERS`` is set), a
webhook receiver, and a worker process; feeds the bundled sample articles one
at a time so the story unfolds in order; once each article has gone quiet,
tells its claims, then the consensus changes they caused, then the alerts and
the webhooks received (:class:`Narrator`). The worker runs as a child process exactly as
``claimwatch worker`` would, so the demo exercises what an operator deploys.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

from schemas import Article
from schemas.codec import decode, dumps, kafka_headers
from streams import topics
from streams.broker import EmbeddedBroker, free_port
from streams.config import Settings
from streams.delivery.signing import ALERT_ID_HEADER, SIGNATURE_HEADER, verify
from streams.kafka_io import one_record_per_batch, send_all, tail, wait_for_topics

SAMPLES = Path(__file__).parent / "samples" / "articles.jsonl"
DEMO_SECRET = "claimwatch-demo-secret"
QUIET_SECONDS = 4.0
PER_ARTICLE_WAIT = 20.0


def sample_articles(path: str | None = None) -> list[Article]:
    """The bundled sample articles (or those of ``path``), validated."""
    text = Path(path or SAMPLES).read_text(encoding="utf-8")
    return [decode(line, Article) for line in text.splitlines() if line.strip()]


def _fmt_value(v: dict[str, Any] | None) -> str:
    """``10,000 (9,500–10,500)``; ``1,100 (1,100–∞)`` for an open upper bound."""
    if not v:
        return "-"
    low, best, high = v.get("low"), v["best"], v.get("high")
    if (low is None and high is None) or low == best == high:
        return f"{best:,.0f}"
    lo = f"{low:,.0f}" if low is not None else "?"
    hi = f"{high:,.0f}" if high is not None else "∞"
    return f"{best:,.0f} ({lo}–{hi})"


class Narrator:
    """Tells what flows, each article in causal order, and notices when the pipeline is quiet.

    The records do not arrive in the order that caused them: the demo reads
    ``claims.observed``, ``consensus.updated`` and ``alerts.contradictions``
    (several partitions each) with one consumer, which returns whichever
    partition's records it fetched first, and the webhook receiver runs beside
    it. Printed as they came, a consensus line or a webhook receipt often came
    before the claim that caused it. So records are held (:meth:`on_event`,
    :meth:`on_webhook`) and told by :meth:`flush` once the article has gone
    quiet: its claims, then the consensus versions they caused (a version
    re-settled from one told before, as source reliability moved, says
    ``settled``), then the alerts, then the webhooks received. A record whose
    cause has not been told yet (its trigger claim, its observation, its alert)
    waits for a later flush, so nothing is ever told before its cause;
    ``flush(force=True)`` tells whatever is left at the end.
    """

    def __init__(self) -> None:
        self.counts = {"claims": 0, "updates": 0, "alerts": 0, "webhooks": 0, "deadletters": 0}
        self.last_activity = 0.0
        self._claims: list[dict[str, Any]] = []
        self._updates: list[dict[str, Any]] = []
        self._alerts: list[dict[str, Any]] = []
        self._webhooks: list[tuple[str, bool]] = []
        self._deadletters: list[tuple[str, dict[str, Any]]] = []
        self._told_claims: set[str] = set()  # event ids
        self._told_alerts: set[str] = set()  # alert ids
        self._told_versions: set[tuple[str, str]] = set()  # (claim key, trigger event id)

    def touch(self) -> None:
        self.last_activity = asyncio.get_running_loop().time()

    def say(self, tag: str, text: str) -> None:
        print(f"{tag:<10} {text}", flush=True)

    def on_event(self, topic: str, value: Any) -> None:
        """Hold one record read from ``topic`` until :meth:`flush`."""
        if not isinstance(value, dict):
            return
        if topic == topics.CLAIMS:
            self.counts["claims"] += 1
            self._claims.append(value)
        elif topic == topics.CONSENSUS:
            self.counts["updates"] += 1
            self._updates.append(value)
        elif topic == topics.ALERTS:
            self.counts["alerts"] += 1
            self._alerts.append(value)
        elif topic in (topics.ARTICLES_DEADLETTER, topics.CLAIMS_DEADLETTER, topics.ALERTS_DEADLETTER):
            self.counts["deadletters"] += 1
            self._deadletters.append((topic, value))
        else:
            return
        self.touch()

    def on_webhook(self, alert_id: str, verified: bool) -> None:
        """Hold one webhook received until :meth:`flush`."""
        self.counts["webhooks"] += 1
        self._webhooks.append((alert_id, verified))
        self.touch()

    def flush(self, force: bool = False) -> None:
        """Tell what is held, in causal order; keep what waits for a cause not told yet."""
        for topic, value in self._deadletters:
            self.say("deadletter", f"{topic}: {value.get('reason')}: {value.get('message')}")
        self._deadletters = []
        for claim in self._claims:
            self._told_claims.add(str(claim.get("event_id")))
            self._tell_claim(claim)
        self._claims = []
        waiting: list[dict[str, Any]] = []
        for update in self._updates:
            if force or update.get("trigger_event_id") in self._told_claims:
                self._tell_update(update)
            else:
                waiting.append(update)
        self._updates = waiting
        waiting = []
        for alert in self._alerts:
            if force or (alert.get("observation") or {}).get("event_id") in self._told_claims:
                self._told_alerts.add(str(alert.get("alert_id")))
                self.say("ALERT", f"[{alert['severity']}] {alert['kind']}: {alert['reason']}"
                                  f"  (alert {str(alert.get('alert_id'))[:16]})")
            else:
                waiting.append(alert)
        self._alerts = waiting
        hooks: list[tuple[str, bool]] = []
        for alert_id, verified in self._webhooks:
            if force or alert_id in self._told_alerts:
                self.say("webhook", f"received alert {alert_id[:16]}… signature "
                                    f"{'verified' if verified else 'INVALID'}")
            else:
                hooks.append((alert_id, verified))
        self._webhooks = hooks

    def _tell_claim(self, value: dict[str, Any]) -> None:
        stance = value.get("stance")
        what = _fmt_value(value.get("value")) if value.get("value") else f"presence ({stance})"
        hedge = (value.get("value") or {}).get("hedge")
        self.say(
            "claim",
            f"{value['claim_key']}  {what}{f' [{hedge}]' if hedge and hedge != 'exact' else ''}"
            f"  — {value['source']['name']} ({value.get('outlet') or 'unknown outlet'})",
        )

    def _tell_update(self, value: dict[str, Any]) -> None:
        est = value.get("estimate")
        pres = value.get("presence")
        what = _fmt_value(est) if est else (f"P(presence)={pres['probability']:.2f}" if pres else "-")
        disputed = any(s.get("stance") == "denies" for s in value.get("supporting") or ())
        if est and pres and disputed:  # the probability is news only where someone denies
            what += f"  P(presence)={pres['probability']:.2f}"
        cause = (value["claim_key"], str(value.get("trigger_event_id")))
        settled = "  (settled)" if cause in self._told_versions else ""
        self._told_versions.add(cause)
        n = value["n_sources"]
        self.say("consensus", f"{value['claim_key']} v{value['version']}  {what}  from {n} source(s){settled}")


async def _receiver(narrator: Narrator, port: int) -> web.AppRunner:
    async def hook(request: web.Request) -> web.Response:
        body = await request.read()
        ok = verify(body, DEMO_SECRET, request.headers.get(SIGNATURE_HEADER))
        narrator.on_webhook(request.headers.get(ALERT_ID_HEADER, "?"), ok)
        return web.Response(status=200 if ok else 401)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    async with ClientSession(timeout=ClientTimeout(total=2)) as http:
        while asyncio.get_running_loop().time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"worker exited with status {proc.returncode} during start")
            with contextlib.suppress(Exception):
                async with http.get(url) as resp:
                    if resp.status == 200:
                        return
            await asyncio.sleep(0.5)
    raise TimeoutError(f"worker not ready at {url} after {timeout:.0f}s")


async def _wait_quiet(narrator: Narrator, quiet: float, cap: float) -> None:
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < cap:
        if loop.time() - max(narrator.last_activity, start) >= quiet:
            return
        await asyncio.sleep(0.2)


async def _main(servers: str, embedded: bool, once: bool, articles: list[Article], timeout: float) -> int:
    narrator = Narrator()
    hook_port = free_port()
    runner = await _receiver(narrator, hook_port)
    settings = Settings()
    web_port = settings.web_port if "web_port" in settings.model_fields_set else _port_or_free(6066)
    env = {
        **os.environ,  # the worker's other settings are the demo's
        "KAFKA_BOOTSTRAP_SERVERS": servers,
        "CLAIMWATCH_BROKER": "tansu" if embedded else settings.broker,
        "CLAIMWATCH_WEB_PORT": str(web_port),
        "CLAIMWATCH_WEBHOOK_URLS": f"http://127.0.0.1:{hook_port}/hook",
        "CLAIMWATCH_WEBHOOK_SECRET": DEMO_SECRET,
        "CLAIMWATCH_SETTLE_INTERVAL": "3",
    }
    print(f"demo: broker {servers} ({'embedded' if embedded else 'external'}); webhook receiver :{hook_port}")
    with _child([sys.executable, "-m", "streams.cli", "worker", "--loglevel", "warning"], env) as proc:
        base = f"http://127.0.0.1:{web_port}"
        await _wait_ready(f"{base}/readyz", proc, timeout=120)
        await wait_for_topics(servers, topics.ALL_TOPIC_NAMES)
        print(f"demo: worker ready — dashboard {base}/  metrics {base}/metrics  API {base}/api/claims")
        watched = [topics.CLAIMS, topics.CONSENSUS, topics.ALERTS, topics.ARTICLES_DEADLETTER, topics.ALERTS_DEADLETTER]

        async def follow() -> None:
            async for topic, _key, value in tail(servers, watched):
                narrator.on_event(topic, value)

        follower = asyncio.create_task(follow())
        one_per_batch = embedded or await one_record_per_batch(servers)
        try:
            for article in articles:
                outlet = article.outlet or "unknown outlet"
                print(f"\n=== article {article.id} ({outlet}, {article.published_at}) ===", flush=True)
                narrator.touch()
                record = (article.id.encode(), dumps(article))
                await send_all(servers, topics.ARTICLES, [record], embedded=one_per_batch,
                               headers=kafka_headers("Article"))
                await _wait_quiet(narrator, QUIET_SECONDS, PER_ARTICLE_WAIT)
                narrator.flush()
            await _wait_quiet(narrator, QUIET_SECONDS, timeout)
            narrator.flush(force=True)
            c = narrator.counts
            print(
                f"\ndemo: {len(articles)} articles → {c['claims']} claims, {c['updates']} consensus updates, "
                f"{c['alerts']} alerts, {c['webhooks']} webhooks received, {c['deadletters']} dead letters"
            )
            if not once:
                print(f"demo: the worker keeps running — dashboard {base}/ — press Ctrl-C to stop")
                await _forever(proc, narrator)
        finally:
            follower.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await follower
            await runner.cleanup()
    return 0 if narrator.counts["claims"] else 1


async def _forever(proc: subprocess.Popen[bytes], narrator: Narrator) -> None:
    """Until the worker exits, tell what it still publishes (settle ticks, the dashboard's users)."""
    while proc.poll() is None:
        await asyncio.sleep(0.5)
        narrator.flush()
    print(f"demo: worker exited with status {proc.returncode}", file=sys.stderr)


def _port_or_free(preferred: int) -> int:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
        except OSError:
            return free_port()
    return preferred


@contextlib.contextmanager
def _child(cmd: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    with tempfile.TemporaryDirectory(prefix="claimwatch-demo-") as tmp:
        env = {**env, "CLAIMWATCH_DATA_DIR": tmp}
        proc = subprocess.Popen(cmd, env=env, start_new_session=True)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def run_demo(once: bool = False, articles: str | None = None, timeout: float = 180.0) -> int:
    loaded = sample_articles(articles)
    settings = Settings()
    configured = settings.kafka_bootstrap_servers.strip()
    try:
        if configured:
            return asyncio.run(_main(configured, False, once, loaded, timeout))
        with EmbeddedBroker(log_level=settings.broker_log) as broker:
            return asyncio.run(_main(broker.bootstrap_servers, True, once, loaded, timeout))
    except KeyboardInterrupt:
        print("\ndemo: stopped", file=sys.stderr)
        return 0
