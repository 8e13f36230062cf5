"""Worker configuration from environment variables, with documented defaults.

Operators and scripts rely on the names below (README "Configuration"); secrets
are typed ``SecretStr`` so they never appear in logs or reprs.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: What the worker knows of the broker it talks to: ``kafka`` (Apache Kafka or a broker
#: that behaves like it) or ``tansu`` (the embedded broker, whose quirks need workarounds).
BrokerKind = Literal["kafka", "tansu"]

#: Table stores a worker can be given (CLAIMWATCH_STORE).
STORE_SCHEMES = ("memory", "rocksdb")


def _rocksdict_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("rocksdict") is not None


class Settings(BaseSettings):
    """Everything the worker reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="CLAIMWATCH_", extra="ignore", env_ignore_empty=True)

    kafka_bootstrap_servers: str = Field(default="", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    #: The broker's kind, for its workarounds (one record per producer batch, short group
    #: timeouts, short fetch waits): ``auto`` asks the broker at start (see
    #: streams.broker.identify: only a cluster id in Apache Kafka's UUID form is trusted
    #: to batch); ``kafka`` or ``tansu`` say it.
    broker: Literal["auto", "kafka", "tansu"] = "auto"
    #: Older name of ``broker=tansu`` (set by launchers that started the embedded broker).
    embedded_broker: bool = False
    #: ``RUST_LOG`` of the embedded broker's process.
    broker_log: str = "warn"
    #: Log level of every command (worker, demo, produce, extract, replay).
    log_level: str = "info"
    app_id: str = "claimwatch"
    #: The address the web server listens on (Faust's ``web_bind``): ``127.0.0.1`` keeps
    #: the API, dashboard and metrics on this machine; ``0.0.0.0`` opens every interface.
    web_host: str = "0.0.0.0"
    web_port: int = 6066
    #: claimwatch's API and dashboard base URL as receivers reach it (Alertmanager's
    #: ``externalURL``, and the claim's ``generatorURL`` under it); empty: not sent.
    external_url: str = ""
    #: Seconds a client has to send a request's headers, from connecting (or from the
    #: previous response on a kept-alive connection); slower connections are closed.
    web_header_timeout: float = Field(default=15.0, gt=0)
    partitions: int = 4
    topic_prefix: str = ""
    replication_factor: int = 1
    data_dir: str = ".claimwatch-data"
    #: Where the worker keeps its Tables: ``memory://`` (rebuilt from the changelogs at every
    #: start) or ``rocksdb://`` (on disk under ``data_dir``, through rocksdict: a restart
    #: reads only the changelog tail). Empty: ``rocksdb://`` when ``data_dir`` is set and
    #: rocksdict is installed, else ``memory://``. See :attr:`store_url`.
    store: str = ""
    #: Records per partition of ``claims.observed`` and ``alerts.contradictions`` the read
    #: model reads back at a start without local read-model state (-1: whole topics).
    readmodel_tail: int = Field(default=1000, ge=-1)

    @field_validator("store")
    @classmethod
    def _store_scheme(cls, value: str) -> str:
        value = value.strip()
        if value and value.split("://", 1)[0] not in STORE_SCHEMES:
            raise ValueError(f"store must be one of {', '.join(s + '://' for s in STORE_SCHEMES)} or empty")
        return value

    @property
    def store_url(self) -> str:
        """The Table store Faust is given: ``store`` when set, else the on-disk store when
        there is a data directory and rocksdict is importable, else ``memory://``."""
        if self.store:
            return self.store
        if self.data_dir and _rocksdict_available():
            return "rocksdb://"
        return "memory://"

    @property
    def store_on_disk(self) -> bool:
        return self.store_url.startswith("rocksdb:")

    #: ``retention.ms`` of the topics that are not the log of record, set when claimwatch
    #: creates them (-1: forever). ``articles`` and ``claims.observed`` are always kept
    #: forever, ``consensus.updated`` is compacted. See streams.topics.Retention.
    alerts_retention_ms: int = Field(default=90 * 24 * 3600 * 1000, ge=-1)
    deadletter_retention_ms: int = Field(default=30 * 24 * 3600 * 1000, ge=-1)
    retry_retention_ms: int = Field(default=7 * 24 * 3600 * 1000, ge=-1)
    settle_retention_ms: int = Field(default=24 * 3600 * 1000, ge=-1)
    #: Seconds; small values make consumer-group joins fast on the embedded broker.
    rebalance_timeout: float | None = None
    session_timeout: float | None = None
    webhook_urls: str = ""
    webhook_secret: SecretStr = SecretStr("")
    webhooks_file: str = ""
    #: JSON file mapping source name to a prior reliability in (0, 1), e.g. {"Reuters": 0.9}.
    source_priors_file: str = ""
    #: Seconds an undelivered alert may stay in memory before it is persisted to alerts.retry.
    webhook_hold_seconds: float = Field(default=30.0, gt=0)
    #: How often claims are re-settled after source reliability moved (seconds).
    settle_interval: float = 10.0
    #: Seconds between the worker's own look at the broker (reachable? end offsets of its
    #: partitions, for the lag gauge and readiness).
    broker_check_interval: float = Field(default=2.0, gt=0)
    #: ``/readyz`` drops when the broker has not answered for this long (seconds)...
    broker_timeout: float = Field(default=6.0, gt=0)
    #: ...or when an input partition with lag has not committed anything for this long.
    stall_seconds: float = Field(default=60.0, gt=0)
    #: Seconds a worker told to stop (SIGTERM, SIGINT) may take to shut down cleanly; after
    #: that it exits at once, with status 1 (a broker that is gone never takes the final flush).
    shutdown_timeout: float = Field(default=20.0, gt=0)
    #: Use the Python reference of the per-claim consensus instead of the compiled kernel.
    pure_python: bool = False

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        return value.strip().lower() or "info"

    @property
    def broker_kind(self) -> BrokerKind | None:
        """``tansu``/``kafka`` when said or resolved, None while ``auto`` is unresolved."""
        if self.embedded_broker or self.broker == "tansu":
            return "tansu"
        return "kafka" if self.broker == "kafka" else None

    @property
    def tansu_workarounds(self) -> bool:
        """Whether the embedded broker's workarounds apply (unresolved ``auto``: yes, the safe side)."""
        return self.broker_kind != "kafka"

    @property
    def group_timeouts(self) -> tuple[float, float]:
        """(rebalance, session) timeouts: seconds on the embedded broker, Kafka's defaults else."""
        if self.tansu_workarounds:
            return (self.rebalance_timeout or 3.0, self.session_timeout or 6.0)
        return (self.rebalance_timeout or 60.0, self.session_timeout or 60.0)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
