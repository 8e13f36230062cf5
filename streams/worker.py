"""Run one worker: the embedded broker when no cluster is configured, then the Faust app."""

from __future__ import annotations

import asyncio
import logging
import sys

from streams.broker import bootstrap_servers, resolve
from streams.config import Settings, get_settings

log = logging.getLogger(__name__)


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

        class QuietWorker(Worker):
            """Faust's worker, with the Kafka clients' repeated errors rate-limited (a broker
            outage otherwise logs every failed connection attempt, tens of lines a second)."""

            def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
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
    return 0
