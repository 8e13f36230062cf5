"""The embedded broker's wrapper: who the broker is, and a child that dies with its parent."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import pytest

from streams.broker import die_with_parent, identify, is_kafka_cluster_id, resolve
from streams.config import Settings


@pytest.mark.parametrize(
    ("cluster_id", "kafka"),
    [
        ("MkU3OEVBNTcwNTJENDM2Qg", True),  # Kafka's quickstart id
        ("4L6g3nShT-eMCtK--X86sw", True),  # kafka-storage.sh random-uuid (base64url)
        ("tansu_cluster", False),  # Tansu's default
        ("claimwatch-kraft-0001", False),
        ("", False),
        (None, False),
        ("redpanda.3e1d0b2c-5c1f-4d0c-a0f2-9f3c7b5d8e11", False),
        ("!!!!!!!!!!!!!!!!!!!!!!", False),
    ],
)
def test_only_apache_kafkas_cluster_id_form_is_trusted(cluster_id: str | None, kafka: bool) -> None:
    assert is_kafka_cluster_id(cluster_id) is kafka


def test_an_unreachable_broker_gets_the_safe_side() -> None:
    from streams.broker import free_port

    kind, why = asyncio.run(identify(f"127.0.0.1:{free_port()}", timeout=1.0))
    assert kind == "tansu"
    assert "unreachable" in why


def test_a_said_kind_is_not_asked_and_embedded_is_tansu() -> None:
    said = resolve(Settings(broker="kafka"), "nowhere:1", embedded=False)
    assert said.broker_kind == "kafka" and not said.tansu_workarounds
    assert said.kafka_bootstrap_servers == "nowhere:1"
    embedded = resolve(Settings(), "127.0.0.1:1", embedded=True)
    assert embedded.broker_kind == "tansu" and embedded.tansu_workarounds
    assert embedded.group_timeouts == (3.0, 6.0)
    assert Settings(embedded_broker=True).broker_kind == "tansu"  # the older name
    assert Settings().broker_kind is None and Settings().tansu_workarounds  # unresolved: safe side


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_a_child_started_with_die_with_parent_dies_when_its_parent_is_killed() -> None:
    """A parent starts a long sleep with the preexec hook and is killed with SIGKILL."""
    code = (
        "import subprocess, sys, time\n"
        "from streams.broker import die_with_parent\n"
        "p = subprocess.Popen(['sleep', '60'], start_new_session=True, preexec_fn=die_with_parent())\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(child, signal.SIGKILL)
    pytest.fail("the child outlived its parent")


def test_die_with_parent_is_a_callable_on_linux() -> None:
    hook = die_with_parent()
    assert (hook is not None) is sys.platform.startswith("linux")
