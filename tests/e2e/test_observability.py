"""Observability end to end: a real worker, a real Prometheus server and headless Chromium.

The sample articles flow through a worker on the test broker; then a Prometheus
server started here scrapes the worker's ``/metrics`` and the test reads the
series back through Prometheus's HTTP API, and Chromium loads the dashboard and
the test checks the drawn chart (points, consensus band). Prometheus and
Chromium are Debian packages (``prometheus``, ``chromium``) installed by
``.ci/run``; the tests that need them skip, saying so, when a binary is missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
import yaml

from schemas.events import (
    ClaimObserved,
    ConsensusUpdated,
    ContradictionDetected,
    Estimate,
    Evidence,
    Source,
    Value,
)
from streams.broker import free_port
from streams.readmodel import ReadModel
from streams.web.feeder import FeedTopics, ReadModelFeeder
from tests.e2e.harness import Cluster, WorkerProcess, unique_id

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("CLAIMWATCH_TEST_ARTIFACTS", REPO / "artifacts"))


# ------------------------------------------------------------------ helpers


async def get_json(http: aiohttp.ClientSession, url: str) -> Any:
    async with http.get(url) as resp:
        resp.raise_for_status()
        return await resp.json()


async def eventually(what: str, probe: Any, timeout: float = 120.0, every: float = 0.5) -> Any:
    """Poll the async ``probe`` until it returns something truthy; fail saying ``what``."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError, KeyError):
            last = await probe()
            if last:
                return last
        await asyncio.sleep(every)
    raise AssertionError(f"timed out waiting for {what}; last answer: {last!r}")


def binary(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(f"{' / '.join(names)} not installed (Debian package; .ci/run installs it)")


@dataclass
class Prometheus:
    """A Prometheus server scraping some targets every second, on a free port."""

    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    async def query(self, http: aiohttp.ClientSession, promql: str) -> list[dict[str, Any]]:
        async with http.get(f"{self.url}/api/v1/query", params={"query": promql}) as resp:
            body = await resp.json()
        assert body["status"] == "success", body
        result: list[dict[str, Any]] = body["data"]["result"]
        return result

    async def scalar(self, http: aiohttp.ClientSession, promql: str) -> float | None:
        """The value of a single-series query (None when there is no series yet)."""
        result = await self.query(http, promql)
        return float(result[0]["value"][1]) if result else None


@contextlib.contextmanager
def prometheus_server(targets: list[str], workdir: Path) -> Iterator[Prometheus]:
    exe = binary("prometheus")
    workdir.mkdir(parents=True, exist_ok=True)
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s", "scrape_timeout": "1s"},
        "scrape_configs": [
            {"job_name": "claimwatch", "metrics_path": "/metrics",
             "static_configs": [{"targets": targets}]},
        ],
    }
    cfg = workdir / "prometheus.yml"
    cfg.write_text(yaml.safe_dump(config))
    port = free_port()
    log = workdir / "prometheus.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [exe, f"--config.file={cfg}", f"--storage.tsdb.path={workdir / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{port}"],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    try:
        yield Prometheus(f"http://127.0.0.1:{port}", proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Elements(HTMLParser):
    """Every element of a dumped DOM as (tag, attributes), enough to check what was drawn."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))

    def with_class(self, cls: str) -> list[dict[str, str]]:
        return [a for _, a in self.found if cls in a.get("class", "").split()]


def chromium(url: str, profile: Path, *extra: str) -> subprocess.CompletedProcess[bytes]:
    """Headless Chromium with the flags that keep it off the network and quiet in a container."""
    exe = binary("chromium", "chromium-browser", "google-chrome")
    profile.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         f"--user-data-dir={profile}", "--virtual-time-budget=10000", *extra, url],
        capture_output=True, timeout=180, check=False,
    )


class LiveBrowser:
    """Headless Chromium driven over the DevTools protocol, to watch a page change over time."""

    def __init__(self, profile: Path) -> None:
        self.profile = profile
        self.proc: subprocess.Popen[bytes] | None = None
        self.http: aiohttp.ClientSession | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self._next_id = 0

    async def __aenter__(self) -> LiveBrowser:
        exe = binary("chromium", "chromium-browser", "google-chrome")
        self.profile.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--remote-debugging-port=0", f"--user-data-dir={self.profile}",
             "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        port_file = self.profile / "DevToolsActivePort"

        async def port_known() -> bool:
            return port_file.is_file() and bool(port_file.read_text().strip())
        await eventually("Chromium's DevTools port", port_known, timeout=30, every=0.2)
        port = port_file.read_text().split()[0]
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        targets = await get_json(self.http, f"http://127.0.0.1:{port}/json/list")
        page = next(t for t in targets if t["type"] == "page")
        self.ws = await self.http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        return self

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        assert self.ws is not None
        self._next_id += 1
        await self.ws.send_json({"id": self._next_id, "method": method, "params": params})
        while True:
            msg = await self.ws.receive_json(timeout=30)
            if msg.get("id") == self._next_id:
                assert "error" not in msg, msg
                result: dict[str, Any] = msg["result"]
                return result

    async def evaluate(self, expression: str) -> Any:
        reply = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return reply["result"].get("value")

    async def __aexit__(self, *exc: object) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.http is not None:
            await self.http.close()
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ------------------------------------------------------------------ the read model's feed


def _observation(i: int, key: str) -> ClaimObserved:
    text = f"Officials counted {10 + i} displaced families near the river."
    return ClaimObserved(
        event_id=f"feed-{i}", claim_key=key, subject="displaced families", measure="count",
        location="Riverside", value=Value(low=10 + i, best=10 + i, high=10 + i), stance="asserts",
        source=Source(name=f"Source {i % 3}"), article_id=f"art-{i}",
        evidence=Evidence(text=text, start=0, end=len(text)),
    )


async def test_feeder_folds_every_partition_of_the_output_topics(cluster: Cluster) -> None:
    """Without a consumer group the feeder sees all claims, including ones written later."""
    keys = [f"families-{k}:count@riverside" for k in range(8)]
    observations = [_observation(i, keys[i % len(keys)]) for i in range(24)]
    versions = [
        ConsensusUpdated(claim_key=key, version=1, estimate=Estimate(low=1, best=2, high=3),
                         n_sources=1, updated_at=observations[0].observed_at, trigger_event_id="x")
        for key in keys
    ]
    alert = ContradictionDetected(
        alert_id="feed-alert", claim_key=keys[0], kind="value_conflict", severity="low",
        reason="a test alert", observation=observations[0], consensus_before=versions[0],
        detected_at=observations[0].observed_at)
    by_key = lambda e: e.claim_key.encode()  # noqa: E731
    await cluster.produce("claims.observed", observations, key=by_key)
    await cluster.produce("consensus.updated", versions, key=by_key)
    await cluster.produce("alerts.contradictions", [alert], key=by_key)
    await cluster.produce("claims.observed", [b"{not json"])  # skipped, never fatal

    model = ReadModel()
    topics = FeedTopics(*(cluster.topic(n) for n in FeedTopics().names()))
    feeder = ReadModelFeeder(model, cluster.bootstrap, topics, metadata_max_age_ms=500)
    stop = asyncio.Event()
    task = asyncio.create_task(feeder.run(stop))
    try:
        async def folded() -> bool:
            return feeder.caught_up
        await eventually("the feeder to catch up", folded, timeout=60)
        # Caught up means everything written before the start is in.
        assert len(model) == len(keys)
        assert [c["version"] for c in model.list_claims(limit=100).items] == [1] * len(keys)
        assert sum(c["n_observations"] for c in model.list_claims(limit=100).items) == 24
        assert model.alert_count == 1
        assert feeder.bad_records == 1

        late = _observation(99, "late-arrival:count@riverside")
        await cluster.produce("claims.observed", [late], key=by_key)
        await cluster.produce("consensus.updated", [versions[0].model_copy(update={"version": 2})],
                              key=by_key)

        async def late_seen() -> bool:
            claim = model.claim(keys[0])
            return "late-arrival:count@riverside" in model and claim is not None and (
                claim["consensus"]["version"] == 2)
        await eventually("records written after catching up", late_seen, timeout=60)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)


# ------------------------------------------------------------------ worker, Prometheus, Chromium


async def _flow(worker: WorkerProcess, n_articles: int, articles: list[Any]) -> dict[str, Any]:
    await worker.wait_ready()
    await worker.cluster.produce("articles", articles, key=lambda a: a.id.encode())
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:

        async def charted_claim() -> dict[str, Any] | None:
            page = await get_json(http, f"{worker.base_url}/api/claims?limit=500")
            candidates = [c for c in page["items"] if c["estimate"] and c["n_observations"] >= 2]
            return max(candidates, key=lambda c: c["n_observations"]) if candidates else None

        claim = await eventually("a claim with a consensus and two observations", charted_claim)

        async def consumed_all() -> bool:
            text = await (await http.get(f"{worker.base_url}/metrics")).text()
            return f"claimwatch_articles_consumed_total {float(n_articles)}" in text

        await eventually(f"all {n_articles} articles to be consumed", consumed_all)
    return {"claim": claim, "articles": n_articles}


@pytest.fixture(scope="module")
def flowed(
    broker: tuple[str, bool], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[WorkerProcess, dict[str, Any]]]:
    """One ready worker (for the module) that has turned the sample articles into claims."""
    from streams.demo import sample_articles

    # CLAIMWATCH_SAMPLE_ARTICLES: run these checks on another article file.
    articles = sample_articles(os.environ.get("CLAIMWATCH_SAMPLE_ARTICLES") or None)
    assert articles, "no sample articles"
    logs = Path(os.environ.get("CLAIMWATCH_TEST_ARTIFACTS") or tmp_path_factory.mktemp("worker"))
    logs.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(broker[0], embedded=broker[1], prefix=unique_id("t") + ".")
    worker = WorkerProcess(cluster, unique_id("obs"), logs).start()
    try:
        try:
            facts = asyncio.run(_flow(worker, len(articles), articles))
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nworker log:\n{worker.log_tail()}") from None
        yield worker, facts
    finally:
        worker.stop()


async def test_prometheus_scrapes_the_worker(
    flowed: tuple[WorkerProcess, dict[str, Any]], tmp_path: Path
) -> None:
    worker, facts = flowed
    with prometheus_server([f"127.0.0.1:{worker.web_port}"], tmp_path / "prometheus") as prom:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:

            async def up() -> float | None:
                return await prom.scalar(http, 'up{job="claimwatch"}')

            try:
                assert await eventually("Prometheus to scrape the worker", up, timeout=60) == 1.0
            except AssertionError:
                raise AssertionError(prom.log.read_text(errors="replace")[-3000:]) from None

            async def consumed() -> float | None:
                return await prom.scalar(http, "claimwatch_articles_consumed_total")

            assert await eventually("the articles counter", consumed) == facts["articles"]

            api = await get_json(http, f"{worker.base_url}/api/claims?limit=500")
            observations = sum(c["n_observations"] for c in api["items"]
                               if c["claim_key"] != LIVE_KEY)  # not extracted: not counted
            claims = await prom.scalar(http, "sum(claimwatch_claims_observed_total)")
            assert claims is not None and claims >= observations > 0
            by_measure = await prom.query(http, "claimwatch_claims_observed_total")
            assert by_measure
            for series in by_measure:
                assert set(series["metric"]) == {"__name__", "instance", "job", "measure"}

            assert (await prom.scalar(http, "claimwatch_consensus_updates_total") or 0) > 0
            assert await prom.scalar(http, "claimwatch_readmodel_claims") == api["total"]
            folded = await prom.scalar(
                http, 'sum(claimwatch_readmodel_records_total{outcome="folded"})')
            assert folded is not None and folded >= observations
            assert (await prom.scalar(http, "claimwatch_tracked_claims") or 0) > 0
            extract_count = await prom.scalar(
                http, 'claimwatch_processing_seconds_count{stage="extract"}')
            assert extract_count is not None and 1 <= extract_count <= facts["articles"]  # batches
            p99 = await prom.scalar(http, "histogram_quantile(0.99, "
                                    "sum by (le) (claimwatch_processing_seconds_bucket))")
            assert p99 is not None and p99 > 0

            async def no_lag() -> bool:
                series = await prom.query(
                    http, 'claimwatch_consumer_lag_messages{topic=~".*articles"}')
                return bool(series) and all(float(s["value"][1]) == 0 for s in series)

            await eventually("the articles lag gauge to reach 0", no_lag, timeout=60)

            # Every expression of the Grafana dashboard is valid PromQL on a real server.
            board = json.loads((REPO / "deploy/grafana/claimwatch-dashboard.json").read_text())
            for panel in board["panels"]:
                for target in panel.get("targets", []):
                    expr = (target["expr"].replace("$__rate_interval", "1m")
                            .replace('job=~"$job"', 'job=~".+"'))
                    await prom.query(http, expr)  # asserts status == success

            async def articles_rate() -> list[dict[str, Any]]:  # needs two scrapes in the window
                return await prom.query(
                    http, 'sum(rate(claimwatch_articles_consumed_total{job=~".+"}[1m]))')

            await eventually("the dashboard's throughput query to return a series", articles_rate)


async def test_dashboard_draws_points_band_and_alerts(
    flowed: tuple[WorkerProcess, dict[str, Any]], tmp_path: Path
) -> None:
    worker, facts = flowed
    claim = facts["claim"]
    url = f"{worker.base_url}/dashboard#claim={quote(claim['claim_key'], safe='')}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    run = chromium(url, tmp_path / "profile-dom", "--dump-dom")
    assert run.returncode == 0, run.stderr.decode(errors="replace")[-2000:]
    dom = Elements()
    dom.feed(run.stdout.decode())
    (ARTIFACTS / "dashboard.html").write_bytes(run.stdout)

    body = next(a for tag, a in dom.found if tag == "body")
    assert body.get("data-state") == "ready", "the dashboard never rendered data"
    listed = dom.with_class("claim-item")
    assert claim["claim_key"] in {a["data-claim-key"] for a in listed}
    detail = next(a for _, a in dom.found if a.get("id") == "claim-detail")
    assert detail.get("data-claim-key") == claim["claim_key"]

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        history = await get_json(
            http, f"{worker.base_url}/api/claims/{quote(claim['claim_key'], safe='')}/history")
        async with http.get(f"{worker.base_url}/", allow_redirects=False) as resp:
            assert resp.status == 302 and resp.headers["Location"] == "/dashboard"
    quantities = [o for o in history["observations"] if o["value"] is not None]
    points = dom.with_class("obs-point")
    assert len(points) == len(quantities) >= 2
    assert {p["data-source"] for p in points} == {o["source"] for o in quantities}
    bands = dom.with_class("consensus-band")
    assert len(bands) == 1 and bands[0]["points"].strip()
    assert int(bands[0]["data-versions"]) == len(history["consensus"]) >= 1
    assert len(dom.with_class("consensus-best")) == 1
    assert len(dom.with_class("alert-marker")) == len(history["alerts"])

    shot = ARTIFACTS / "dashboard.png"
    run = chromium(url, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,900")
    assert run.returncode == 0, run.stderr.decode(errors="replace")[-2000:]
    assert shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    (ARTIFACTS / "dashboard-claim.json").write_text(json.dumps(history, indent=1))


async def test_query_api_on_a_running_worker(flowed: tuple[WorkerProcess, dict[str, Any]]) -> None:
    worker, facts = flowed
    key = quote(facts["claim"]["claim_key"], safe="")
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        ready = await get_json(http, f"{worker.base_url}/readyz")
        assert ready["ready"] is True and ready["readmodel"]["caught_up"] is True
        assert ready["readmodel"]["bad_records"] == 0

        history = await get_json(http, f"{worker.base_url}/api/claims/{key}/history")
        for version in history["consensus"]:
            # In event time: at the moment each version stands at, the state is that version
            # or a later one standing no later, or, where a report dated before then arrived
            # after it (articles arrive out of event-time order), recomputed from the reports.
            at = quote(version["as_of"], safe="")
            state = await get_json(http, f"{worker.base_url}/api/claims/{key}/as-of?t={at}")
            assert state["basis"] in ("log", "recomputed")
            if state["basis"] == "log":
                assert state["consensus"]["version"] >= version["version"]
                assert state["consensus"]["as_of"] <= version["as_of"]  # same ISO format

        page = await get_json(http, f"{worker.base_url}/api/claims?limit=500")
        alerts = await get_json(http, f"{worker.base_url}/api/alerts?limit=500")
        assert len(alerts["items"]) == sum(c["n_alerts"] for c in page["items"])
        subject = facts["claim"]["subject"]
        filtered = await get_json(
            http, f"{worker.base_url}/api/claims?subject={quote(subject)}&limit=500")
        assert facts["claim"]["claim_key"] in {c["claim_key"] for c in filtered["items"]}
        assert all(subject.lower() in c["subject"].lower() for c in filtered["items"])
        async with http.get(f"{worker.base_url}/api/claims/no-such:claim") as resp:
            assert resp.status == 404
        async with http.get(f"{worker.base_url}/api/claims/{key}/as-of?t=soon") as resp:
            assert resp.status == 400 and "ISO 8601" in (await resp.json())["error"]


#: Claim keys the live-update test writes straight onto claims.observed (not from articles).
LIVE_KEY = "dashboard-live-check:count@test-harbour"


async def test_dashboard_updates_while_the_stream_runs(
    flowed: tuple[WorkerProcess, dict[str, Any]], tmp_path: Path
) -> None:
    """An open dashboard shows observations that arrive after it was loaded."""
    worker, _ = flowed

    def observation(i: int, best: float) -> ClaimObserved:
        text = f"The harbour office counted {best:.0f} boats in the test harbour."
        return ClaimObserved(
            event_id=f"live-{i}", claim_key=LIVE_KEY, subject="boats", measure="count",
            location="Test Harbour", value=Value(low=best * 0.9, best=best, high=best * 1.1),
            source=Source(name=f"Harbour office {i}"), article_id=f"live-article-{i}",
            evidence=Evidence(text=text, start=0, end=len(text)),
        )

    by_key = lambda e: e.claim_key.encode()  # noqa: E731
    await worker.cluster.produce("claims.observed", [observation(0, 40)], key=by_key)
    url = f"{worker.base_url}/dashboard#claim={quote(LIVE_KEY, safe='')}"
    count = "document.querySelectorAll('#chart .obs-point').length"
    versions = "Number(document.getElementById('chart').dataset.versions || 0)"
    async with LiveBrowser(tmp_path / "profile-live") as browser:
        await browser.call("Page.navigate", url=url)

        async def first_drawn() -> bool:
            return bool(await browser.evaluate(f"{count} === 1 && {versions} >= 1"))
        await eventually("the first observation and its consensus on the open page", first_drawn,
                         timeout=60)

        await worker.cluster.produce(
            "claims.observed", [observation(1, 44), observation(2, 400)], key=by_key)

        async def updated() -> bool:
            return bool(await browser.evaluate(f"{count} === 3 && {versions} >= 2"))
        await eventually("the page to draw the observations produced after it opened", updated,
                         timeout=60)
        sources = await browser.evaluate(
            "[...document.querySelectorAll('#chart .obs-point')].map(p => p.dataset.source)")
        assert sorted(sources) == ["Harbour office 0", "Harbour office 1", "Harbour office 2"]


async def test_every_worker_answers_for_every_claim(broker: tuple[str, bool], tmp_path: Path) -> None:
    """Two workers split the partitions, yet each one's API lists all claims with a consensus."""
    cluster = Cluster(broker[0], embedded=broker[1], prefix=unique_id("t") + ".")
    logs = Path(os.environ.get("CLAIMWATCH_TEST_ARTIFACTS") or tmp_path)
    app_id = unique_id("pair")
    env = {"CLAIMWATCH_PARTITIONS": "4"}
    workers = [WorkerProcess(cluster, app_id, logs, env).start() for _ in range(2)]
    try:
        await asyncio.gather(*(w.wait_ready() for w in workers))
        keys = [f"ferries-{i}:count@port-{i}" for i in range(12)]
        events = [_observation(i, keys[i % len(keys)]) for i in range(24)]
        await cluster.produce("claims.observed", events, key=lambda e: e.claim_key.encode())
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
            for w in workers:
                async def complete(w: WorkerProcess = w) -> bool:
                    page = await get_json(http, f"{w.base_url}/api/claims?limit=100")
                    return page["total"] == len(keys) and all(
                        c["version"] is not None and c["n_observations"] == 2 for c in page["items"])
                await eventually(f"worker {w.web_port} to list every claim", complete, timeout=120)
            tracked = []
            for w in workers:
                text = await (await http.get(f"{w.base_url}/metrics")).text()
                assert f"claimwatch_readmodel_claims {float(len(keys))}" in text
                line = next(x for x in text.splitlines() if x.startswith("claimwatch_tracked_claims "))
                tracked.append(float(line.split()[1]))
            # Each worker's consensus table holds only its partitions' claims.
            assert all(t < len(keys) for t in tracked), tracked
    finally:
        for w in workers:
            w.stop()
