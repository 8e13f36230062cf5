"""A worker told to stop exits within its shutdown timeout even when shutting down hangs
(a broker that is gone never acknowledges the final producer flush)."""

from __future__ import annotations

import threading
import time

from streams.worker import ShutdownWatchdog


def test_the_watchdog_exits_with_1_once_the_timeout_passes() -> None:
    exited = threading.Event()
    codes: list[int] = []

    def fake_exit(code: int) -> None:
        codes.append(code)
        exited.set()

    dog = ShutdownWatchdog(0.05, exit=fake_exit, describe=lambda: "is the broker at x gone?")
    dog.arm()
    dog.arm()  # a second signal does not start a second clock
    assert exited.wait(5)
    time.sleep(0.1)
    assert codes == [1]


def test_a_shutdown_that_finishes_cancels_the_watchdog() -> None:
    codes: list[int] = []
    dog = ShutdownWatchdog(0.05, exit=codes.append)
    dog.arm()
    dog.cancel()
    time.sleep(0.2)
    assert codes == []
