"""Every topic claimwatch reads or writes, declared explicitly.

Declaring partitions and cleanup policy here (instead of letting the broker
auto-create topics) matters twice: Tansu defaults to 3 partitions, and
``consensus.updated`` / ``sources.reliability`` must be compacted so a new
consumer can read the latest value of every key without the whole history.
"""

from __future__ import annotations

from dataclasses import dataclass

import faust
from faust.types import TopicT

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


def declare(app: faust.App, partitions: int, replicas: int = 1, prefix: str = "") -> Topics:
    """Declare every topic on ``app``; values are raw bytes, decoded by the agents.

    ``prefix`` (``CLAIMWATCH_TOPIC_PREFIX``) namespaces every topic, so several
    deployments or test runs can share one cluster.

    Raw bytes (not a Faust model codec) let the agents see undecodable input
    themselves and dead-letter it with a reason instead of crashing the stream.
    """

    def topic(name: str, *, parts: int = partitions, compacted: bool = False) -> TopicT:
        return app.topic(
            prefix + name,
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            partitions=parts,
            replicas=replicas,
            compacting=compacted or None,
            internal=True,  # claimwatch creates it with these settings when missing
        )

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
