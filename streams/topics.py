"""Every topic claimwatch reads or writes, declared explicitly.

Declaring partitions, cleanup policy and retention here (instead of letting the
broker auto-create topics) matters three times: Tansu defaults to 3 partitions;
``consensus.updated`` must be compacted so a new consumer can read the latest
value of every key without the whole history; and the log of record
(``articles``, ``claims.observed``) must never expire, or "replaying it gives
the same state" stops holding after the cluster's default retention (7 days on
Apache Kafka). The other topics keep their records for a configurable time
(:class:`Retention`, from ``Settings``).

Every record claimwatch writes carries Kafka headers naming what it is
(:func:`schemas.codec.kafka_headers`): ``content-type: application/json``,
``claimwatch-type`` and ``claimwatch-schema-version``. Each topic holds one
event type, so the headers are the topic's (:class:`EventTopic`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import faust
from faust.types import TopicT

from schemas.codec import kafka_headers

ARTICLES = "articles"
ARTICLES_DEADLETTER = "articles.deadletter"
CLAIMS = "claims.observed"
CLAIMS_DEADLETTER = "claims.deadletter"
CONSENSUS = "consensus.updated"
ALERTS = "alerts.contradictions"
ALERTS_DEADLETTER = "alerts.deadletter"
ALERTS_RETRY = "alerts.retry"
#: Internal ticks, co-partitioned with claims.observed, that make each worker
#: re-settle the claims of one partition inside stream iteration (where Faust
#: allows Table writes and knows the changelog partition).
CONSENSUS_SETTLE = "consensus.settle"


#: Retention of the log of record: forever (Kafka's ``retention.ms=-1``).
FOREVER = -1
DAY_MS = 24 * 3600 * 1000

#: The event type each topic carries (its ``claimwatch-type`` header).
EVENT_TYPES: Mapping[str, str] = {
    ARTICLES: "Article",
    ARTICLES_DEADLETTER: "DeadLetter",
    CLAIMS: "ClaimObserved",
    CLAIMS_DEADLETTER: "DeadLetter",
    CONSENSUS: "ConsensusUpdated",
    ALERTS: "ContradictionDetected",
    ALERTS_DEADLETTER: "DeadLetter",
    ALERTS_RETRY: "PendingDelivery",
    CONSENSUS_SETTLE: "SettleTick",
}


@dataclass(frozen=True)
class Retention:
    """``retention.ms`` of the topics that are not the log of record (-1: forever).

    Defaults: alerts 90 days, dead letters 30 days (time to look and re-publish),
    pending deliveries 7 days (a delivery is retried for an hour by default),
    settle ticks 1 day (internal, read at once).
    """

    alerts_ms: int = 90 * DAY_MS
    deadletter_ms: int = 30 * DAY_MS
    retry_ms: int = 7 * DAY_MS
    settle_ms: int = 1 * DAY_MS

    def configs(self) -> dict[str, dict[str, str]]:
        """Topic name → the configs claimwatch creates it with (besides partitions)."""
        forever = {"retention.ms": str(FOREVER)}
        return {
            ARTICLES: forever,
            CLAIMS: forever,
            # Compacted: the latest consensus of every claim is kept whatever its age.
            CONSENSUS: {"cleanup.policy": "compact", **forever},
            ALERTS: {"retention.ms": str(self.alerts_ms)},
            ARTICLES_DEADLETTER: {"retention.ms": str(self.deadletter_ms)},
            CLAIMS_DEADLETTER: {"retention.ms": str(self.deadletter_ms)},
            ALERTS_DEADLETTER: {"retention.ms": str(self.deadletter_ms)},
            ALERTS_RETRY: {"retention.ms": str(self.retry_ms)},
            CONSENSUS_SETTLE: {"retention.ms": str(self.settle_ms)},
        }


class EventTopic(faust.Topic):
    """A Faust topic that adds its event headers to every record sent through it.

    Installed as the app's ``Topic`` class; ``event_headers`` is empty (nothing
    added) for the topics Faust declares itself, such as Table changelogs.
    """

    event_headers: tuple[tuple[str, bytes], ...] = ()

    def prepare_headers(self, headers: Any) -> Any:
        prepared: Any = super().prepare_headers(headers)
        if not self.event_headers:
            return prepared
        if isinstance(prepared, list):
            present = {k for k, _ in prepared}
            return [*prepared, *((k, v) for k, v in self.event_headers if k not in present)]
        out = dict(self.event_headers)
        out.update(prepared)
        return out

    def _clone(self, **kwargs: Any) -> Any:  # the copies Faust iterates or derives keep the headers
        copy: Any = super()._clone(**kwargs)
        copy.event_headers = self.event_headers
        return copy


@dataclass(frozen=True)
class Topics:
    """The app's topic handles; agents and views receive this instead of names."""

    articles: TopicT
    articles_deadletter: TopicT
    claims: TopicT
    claims_deadletter: TopicT
    consensus: TopicT
    alerts: TopicT
    alerts_deadletter: TopicT
    alerts_retry: TopicT
    consensus_settle: TopicT
    partitions: int


def declare(
    app: faust.App, partitions: int, replicas: int = 1, prefix: str = "", retention: Retention | None = None
) -> Topics:
    """Declare every topic on ``app``; values are raw bytes, decoded by the agents.

    ``prefix`` (``CLAIMWATCH_TOPIC_PREFIX``) namespaces every topic, so several
    deployments or test runs can share one cluster.

    Raw bytes (not a Faust model codec) let the agents see undecodable input
    themselves and dead-letter it with a reason instead of crashing the stream.

    Topics are created with these settings when missing; an existing topic keeps
    the configuration it has (see the README's "Retention" for changing it).
    """
    configs = (retention or Retention()).configs()

    def topic(name: str, *, parts: int = partitions, compacted: bool = False) -> TopicT:
        t = app.topic(
            prefix + name,
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            partitions=parts,
            replicas=replicas,
            compacting=compacted or None,
            config=configs[name],
            internal=True,  # claimwatch creates it with these settings when missing
        )
        if isinstance(t, EventTopic):
            t.event_headers = tuple(kafka_headers(EVENT_TYPES[name]))
        return t

    return Topics(
        articles=topic(ARTICLES),
        articles_deadletter=topic(ARTICLES_DEADLETTER, parts=1),
        claims=topic(CLAIMS),
        claims_deadletter=topic(CLAIMS_DEADLETTER, parts=1),
        consensus=topic(CONSENSUS, compacted=True),
        alerts=topic(ALERTS),
        alerts_deadletter=topic(ALERTS_DEADLETTER, parts=1),
        alerts_retry=topic(ALERTS_RETRY),
        consensus_settle=topic(CONSENSUS_SETTLE),
        partitions=partitions,
    )


ALL_TOPIC_NAMES = (
    ARTICLES,
    ARTICLES_DEADLETTER,
    CLAIMS,
    CLAIMS_DEADLETTER,
    CONSENSUS,
    ALERTS,
    ALERTS_DEADLETTER,
    ALERTS_RETRY,
    CONSENSUS_SETTLE,
)
