"""Run one worker: the embedded broker when no cluster is configured, then the Faust app."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from streams.broker import bootstrap_servers, resolve
from streams.config import Settings, get_settings

log = logging.getLogger(__name__)


class ShutdownWatchdog:
    """Ends the process ``timeout`` seconds after a stop signal if it is still shutting down.

    Faust's shutdown flushes the producer and waits for every record in flight; with the
    broker gone that wait has no end (measured: a worker told SIGTERM 10 s after its
    broker was killed was still "Flush producer buffer..." 90 s later). Skipping the
    flush loses nothing: Faust commits an offset only after the records produced
    before it were flushed, so whatever was not flushed is read and processed again
    at the next start. A thread, not the event loop, keeps the time.
    """

    def __init__(
        self, timeout: float, exit: Callable[[int], object] = os._exit, describe: Callable[[], str] = lambda: ""
    ) -> None:
        self.timeout = timeout
        self._exit = exit
        self._describe = describe
        self._timer: threading.Timer | None = None

    def arm(self) -> None:
        if self._timer is None:
            self._timer = threading.Timer(self.timeout, self._fire)
            self._timer.daemon = True
            self._timer.start()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def _fire(self) -> None:
        detail = self._describe()
        log.error(
            "shutdown did not finish within %.0f s%s: exiting without it (records not committed are"
            " read again at the next start)", self.timeout, f" ({detail})" if detail else "",
        )
        for handler in logging.getLogger().handlers:
            handler.flush()
        sys.stderr.flush()
        self._exit(1)


def run_worker(loglevel: str | None = None, settings: Settings | None = None) -> int:
    """Block running a worker until SIGINT/SIGTERM; stop the embedded broker on the way out.

    The settings are read once; the broker's address (the embedded one when none is
    configured) and its kind (asked when ``CLAIMWATCH_BROKER=auto``) are decided here and
    handed to the app, never written back to the process environment.
    """
    settings = settings or get_settings()
    with bootstrap_servers(settings) as (servers, embedded):
        if embedded:
            print(f"claimwatch: embedded broker on {servers}", file=sys.stderr, flush=True)
        settings = resolve(settings, servers, embedded)
        if embedded and not settings.store:
            # The broker started here keeps its log in memory and dies with this worker:
            # Tables on disk would outlive it and disagree with the next broker's empty log.
            settings = settings.model_copy(update={"store": "memory://"})
        from faust import Worker

        from streams.app import create_app
        from streams.health import RepeatFilter

        watchdog = ShutdownWatchdog(
            settings.shutdown_timeout, describe=lambda: f"is the broker at {servers} gone?"
        )

        class QuietWorker(Worker):
            """Faust's worker, with the Kafka clients' repeated errors rate-limited (a broker
            outage otherwise logs every failed connection attempt, tens of lines a second),
            and a bounded shutdown (:class:`ShutdownWatchdog`)."""

            def _schedule_shutdown(self, signal: Any) -> None:
                watchdog.arm()
                super()._schedule_shutdown(signal)

            def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
                # Faust's terminal spinner, at WARN and above, sets the root logger to DEBUG
                # and spins on every record: every debug call of Faust and aiokafka then
                # built a record (caller lookup included) that no handler printed, ~6% of a
                # busy worker's CPU (py-spy, bench stage). No spinner: the root keeps `level`.
                self.spinner = None
                super().on_setup_root_logger(logger, level)
                repeat = RepeatFilter()
                for handler in logger.handlers:
                    handler.addFilter(repeat)

        ctx = create_app(settings)
        web_host = "127.0.0.1" if settings.web_host in ("", "0.0.0.0", "::") else settings.web_host
        batching = "one record per batch" if settings.tansu_workarounds else "normal batching"
        print(
            f"claimwatch: worker on {servers} ({settings.broker_kind} broker: {batching});"
            f" web on http://{web_host}:{settings.web_port}/ (listening on {settings.web_host or '0.0.0.0'})",
            file=sys.stderr,
            flush=True,
        )
        asyncio.set_event_loop(asyncio.new_event_loop())
        worker = QuietWorker(
            ctx.app,
            loglevel=loglevel or settings.log_level,
            redirect_stdouts=False,
            override_logging=True,
            quiet=not sys.stdout.isatty(),
        )
        try:
            worker.execute_from_commandline()
        except SystemExit as exc:
            return int(exc.code or 0)
        finally:
            watchdog.cancel()
    return 0
