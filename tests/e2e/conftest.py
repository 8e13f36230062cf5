"""End-to-end fixtures: a broker per test module and worker processes on it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.broker import bootstrap_servers
from tests.e2e.harness import Cluster, WorkerProcess, unique_id


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="module")
def broker() -> Iterator[tuple[str, bool]]:
    """``(bootstrap, embedded)``: a fresh embedded broker per module, or ``KAFKA_BOOTSTRAP_SERVERS``."""
    with bootstrap_servers() as found:
        yield found


@pytest.fixture
def cluster(broker: tuple[str, bool]) -> Cluster:
    """The broker, with topics namespaced per test so tests never read each other's records."""
    bootstrap, embedded = broker
    return Cluster(bootstrap, embedded=embedded, prefix=unique_id("t") + ".")


@pytest.fixture
def worker_factory(cluster: Cluster, tmp_path: Path) -> Iterator[type[WorkerProcess]]:
    """Make workers with ``worker_factory(env_extra={...})``; all are stopped after the test."""
    made: list[WorkerProcess] = []
    logs = Path(os.environ.get("CLAIMWATCH_TEST_ARTIFACTS", tmp_path))
    logs.mkdir(parents=True, exist_ok=True)

    def make(app_id: str | None = None, env_extra: dict[str, str] | None = None) -> WorkerProcess:
        w = WorkerProcess(cluster, app_id or unique_id("app"), logs, env_extra or {})
        made.append(w)
        return w

    yield make  # type: ignore[misc]
    for w in made:
        w.stop()
