"""Run one worker: the embedded broker when no cluster is configured, then the Faust app."""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from streams.broker import bootstrap_servers
from streams.config import get_settings

log = logging.getLogger(__name__)


def run_worker(loglevel: str = "info") -> int:
    """Block running a worker until SIGINT/SIGTERM; stop the embedded broker on the way out."""
    with bootstrap_servers() as (servers, embedded):
        os.environ["KAFKA_BOOTSTRAP_SERVERS"] = servers
        if embedded:
            os.environ["CLAIMWATCH_EMBEDDED_BROKER"] = "1"
            print(f"claimwatch: embedded broker on {servers}", file=sys.stderr, flush=True)
        get_settings.cache_clear()
        settings = get_settings()
        if embedded and not settings.store:
            # The broker started here keeps its log in memory and dies with this worker:
            # Tables on disk would outlive it and disagree with the next broker's empty log.
            settings = settings.model_copy(update={"store": "memory://"})
        from faust import Worker

        from streams.app import create_app

        ctx = create_app(settings)
        web_host = "127.0.0.1" if settings.web_host in ("", "0.0.0.0", "::") else settings.web_host
        print(
            f"claimwatch: worker on {servers}; web on http://{web_host}:{settings.web_port}/"
            f" (listening on {settings.web_host or '0.0.0.0'})",
            file=sys.stderr,
            flush=True,
        )
        asyncio.set_event_loop(asyncio.new_event_loop())
        worker = Worker(
            ctx.app, loglevel=loglevel, redirect_stdouts=False, override_logging=True, quiet=not sys.stdout.isatty()
        )
        try:
            worker.execute_from_commandline()
        except SystemExit as exc:
            return int(exc.code or 0)
    return 0
