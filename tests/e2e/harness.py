"""A real worker process against a real Kafka-protocol broker, for end-to-end tests.

The embedded Tansu broker is used unless ``KAFKA_BOOTSTRAP_SERVERS`` is set, in
which case every test namespaces its topics and consumer group with a unique
prefix so runs can share a cluster.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiokafka import AIOKafkaConsumer

from schemas.codec import dumps, loads
from streams.broker import free_port
from streams.kafka_io import send_all

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Cluster:
    """Where the tests' broker is, and whether its embedded quirks apply."""

    bootstrap: str
    embedded: bool
    prefix: str = ""

    def topic(self, name: str) -> str:
        return self.prefix + name

    async def produce(
        self, topic: str, values: Iterable[Any], key: Callable[[Any], bytes | None] | None = None
    ) -> None:
        records = []
        for v in values:
            raw = v if isinstance(v, bytes) else dumps(v)
            records.append((key(v) if key else None, raw))
        await send_all(self.bootstrap, self.topic(topic), records, embedded=self.embedded)


@dataclass
class WorkerProcess:
    """``claimwatch worker`` in a child process, with its log kept for failure messages."""

    cluster: Cluster
    app_id: str
    log_dir: Path
    env_extra: dict[str, str] = field(default_factory=dict)
    web_port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0
    instance: str = field(default_factory=lambda: uuid.uuid4().hex[:4])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.app_id}-{self.instance}-{self.starts}.log"

    def start(self) -> WorkerProcess:
        self.starts += 1
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": self.cluster.bootstrap,
            "CLAIMWATCH_EMBEDDED_BROKER": "1" if self.cluster.embedded else "",
            "CLAIMWATCH_APP_ID": self.app_id,
            "CLAIMWATCH_TOPIC_PREFIX": self.cluster.prefix,
            "CLAIMWATCH_WEB_PORT": str(self.web_port),
            "CLAIMWATCH_WEB_HOST": "127.0.0.1",
            "CLAIMWATCH_DATA_DIR": str(self.log_dir / f"data-{self.app_id}-{self.instance}"),
            "CLAIMWATCH_SETTLE_INTERVAL": "2",
            "PYTHONUNBUFFERED": "1",
            **self.env_extra,
        }
        log = open(self.log_path, "wb")  # noqa: SIM115 - owned by the child process
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker", "--loglevel", "info"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def stop(self, sig: int = signal.SIGINT, timeout: float = 30.0) -> int | None:
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return proc.returncode

    def log_tail(self, n: int = 60) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        return ""

    async def wait_ready(self, timeout: float = 90.0) -> None:
        """Wait until ``/readyz`` says 200 (joined the group, tables recovered)."""
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
            while time.monotonic() < deadline:
                assert self.proc is not None
                if self.proc.poll() is not None:
                    raise AssertionError(f"worker exited ({self.proc.returncode}):\n{self.log_tail()}")
                with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                    async with http.get(f"{self.base_url}/readyz") as resp:
                        if resp.status == 200:
                            return
                await asyncio.sleep(0.3)
        raise AssertionError(f"worker not ready after {timeout}s:\n{self.log_tail()}")


class TopicReader:
    """Collects every record of some topics (all partitions, no consumer group)."""

    def __init__(self, cluster: Cluster, names: Iterable[str]) -> None:
        self.cluster = cluster
        self.names = [cluster.topic(n) for n in names]
        self.records: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
        self.undecodable = 0
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> TopicReader:
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self.cluster.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            metadata_max_age_ms=1000,
        )
        await self._consumer.start()
        self._consumer.subscribe(self.names)
        self._task = asyncio.create_task(self._run())
        return self

    async def _run(self) -> None:
        assert self._consumer is not None
        strip = len(self.cluster.prefix)
        while True:
            batches = await self._consumer.getmany(timeout_ms=200)
            for tp, messages in batches.items():
                for m in messages:
                    if m.value is None:
                        continue
                    try:
                        self.records[tp.topic[strip:]].append(loads(m.value))
                    except ValueError:  # another producer's garbage (the hostile-input test writes some)
                        self.undecodable += 1

    async def __aexit__(self, *exc: object) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer:
            await self._consumer.stop()

    async def wait_for(
        self, topic: str, predicate: Callable[[list[dict[str, Any]]], bool], timeout: float = 60.0, what: str = ""
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.records[topic]):
                return self.records[topic]
            await asyncio.sleep(0.2)
        raise AssertionError(
            f"timed out waiting for {what or 'records'} on {topic}; have {len(self.records[topic])}: "
            f"{self.records[topic][-3:]}"
        )


@dataclass
class Hit:
    """One request a :class:`WebhookReceiver` answered."""

    alert_id: str
    idempotency_key: str | None
    attempt: int
    status: int
    at: float
    body: dict[str, Any]


class WebhookReceiver:
    """A webhook receiver on a fixed loopback port that can be taken down and brought back.

    ``status`` is what it answers; ``down()`` closes the listening socket (connections
    refused, as for a receiver that is not running) and ``up()`` opens it again on the
    same port. Every answered request is kept in ``hits``; ``delivered`` are the
    alert ids answered with a 2xx.
    """

    def __init__(self, status: int = 200) -> None:
        self.port = free_port()
        self.status = status
        self.hits: list[Hit] = []
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    @property
    def delivered(self) -> set[str]:
        return {h.alert_id for h in self.hits if 200 <= h.status < 300}

    async def _hook(self, request: web.Request) -> web.Response:
        if self._site is None:  # a kept-alive connection that outlived down(): drop it unanswered
            if request.transport is not None:
                request.transport.close()
            raise ConnectionResetError("receiver down")
        body = await request.json()
        status = self.status
        self.hits.append(Hit(
            alert_id=str(body.get("alert_id")),
            idempotency_key=request.headers.get("Idempotency-Key"),
            attempt=int(request.headers.get("X-Claimwatch-Attempt", "0")),
            status=status,
            at=time.monotonic(),
            body=body,
        ))
        return web.Response(status=status)

    async def up(self) -> None:
        if self._site is None:
            assert self._runner is not None
            self._site = web.TCPSite(self._runner, "127.0.0.1", self.port)
            await self._site.start()

    async def down(self) -> None:
        site, self._site = self._site, None
        if site is not None:
            await site.stop()
        if self._runner is not None and self._runner.server is not None:
            for conn in self._runner.server.connections:  # and its open keep-alive connections
                conn.force_close()

    async def __aenter__(self) -> WebhookReceiver:
        app = web.Application()
        app.router.add_post("/hook", self._hook)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        await self.up()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._site = None
        if self._runner is not None:
            await self._runner.cleanup()


def unique_id(prefix: str = "cw") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"
