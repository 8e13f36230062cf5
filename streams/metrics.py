"""Prometheus metrics of the worker, in one registry.

Conventions (DESIGN.md): prefix ``claimwatch_``, base units, counters end in
``_total``, and never a claim key or article id as a label value (unbounded
cardinality would take Prometheus down long before it helped anyone).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600)

ARTICLES_CONSUMED = Counter(
    "claimwatch_articles_consumed_total",
    "Articles read from the articles topic.",
    registry=REGISTRY,
)
ARTICLES_DEADLETTERED = Counter(
    "claimwatch_articles_deadlettered_total",
    "Articles sent to articles.deadletter, by reason.",
    ["reason"],
    registry=REGISTRY,
)
CLAIMS_DEADLETTERED = Counter(
    "claimwatch_claims_deadlettered_total",
    "Records on claims.observed that are not a ClaimObserved, sent to claims.deadletter, by reason.",
    ["reason"],
    registry=REGISTRY,
)
CLAIMS_OBSERVED = Counter(
    "claimwatch_claims_observed_total",
    "ClaimObserved events emitted by extraction (and presence derived from a force's count), by measure.",
    ["measure"],
    registry=REGISTRY,
)
CONSENSUS_UPDATES = Counter(
    "claimwatch_consensus_updates_total", "ConsensusUpdated events emitted.", registry=REGISTRY
)
DUPLICATE_OBSERVATIONS = Counter(
    "claimwatch_duplicate_observations_total",
    "Observations that changed nothing (redelivered or copied).",
    registry=REGISTRY,
)
CONTRADICTIONS = Counter(
    "claimwatch_contradictions_total",
    "ContradictionDetected alerts emitted, by kind and severity.",
    ["kind", "severity"],
    registry=REGISTRY,
)
WEBHOOK_DELIVERIES = Counter(
    "claimwatch_webhook_deliveries_total",
    "Webhook delivery attempts that ended, by outcome (delivered, failed, deadlettered).",
    ["outcome"],
    registry=REGISTRY,
)
WEBHOOK_RETRIES = Counter(
    "claimwatch_webhook_retries_total", "Webhook attempts that were retried.", registry=REGISTRY
)
PROCESSING_SECONDS = Histogram(
    "claimwatch_processing_seconds",
    "Time spent in the core per event, by stage (extract, consensus, deliver).",
    ["stage"],
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
END_TO_END_SECONDS = Histogram(
    "claimwatch_end_to_end_seconds",
    "Processing latency between pipeline points, by span, from the Kafka record timestamp of "
    "the input (article_to_claim: article record to claim sent; claim_to_alert: claim record "
    "to alert acknowledged; alert_to_delivery: alert record to webhook 2xx). Never the age of the news.",
    ["span"],
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
SPANS = ("article_to_claim", "claim_to_alert", "alert_to_delivery")
STAGES = ("extract", "consensus", "deliver")


def record_seconds(timestamp: float | None) -> float | None:
    """A Kafka record timestamp as Unix seconds, or None when the record has none.

    Faust gives seconds; aiokafka milliseconds (anything above 1e11 is taken as ms).
    """
    if timestamp is None or timestamp <= 0:
        return None
    return timestamp / 1000.0 if timestamp > 1e11 else float(timestamp)


def observe_span(span: str, since: float | None, now: float) -> None:
    """Observe ``now - since`` on a span; nothing when the input record had no timestamp."""
    if since is not None:
        END_TO_END_SECONDS.labels(span=span).observe(max(0.0, now - since))


for _span in SPANS:  # series exist from the start (DESIGN.md)
    END_TO_END_SECONDS.labels(span=_span)
for _stage in STAGES:
    PROCESSING_SECONDS.labels(stage=_stage)
TRACKED_CLAIMS = Gauge(
    "claimwatch_tracked_claims",
    "Claim keys held in this worker's consensus table.",
    registry=REGISTRY,
)
CONSUMER_LAG = Gauge(
    "claimwatch_consumer_lag_messages",
    "Messages behind the end of each input topic, summed over this worker's partitions.",
    ["topic"],
    registry=REGISTRY,
)
READMODEL_CLAIMS = Gauge(
    "claimwatch_readmodel_claims",
    "Claim keys in this worker's query read model (all partitions, not only its own).",
    registry=REGISTRY,
)
READMODEL_RECORDS = Counter(
    "claimwatch_readmodel_records_total",
    "Records the query read model read from the output topics, by outcome (folded, bad).",
    ["outcome"],
    registry=REGISTRY,
)
TABLE_RESTORED_RECORDS = Counter(
    "claimwatch_table_restored_records_total",
    "Changelog records a Table read back instead of from its local store: its recovery at start"
    " (the whole changelog with memory://, the tail past the local state with rocksdb://) and,"
    " for the global reliability table, the other workers' writes.",
    ["table"],
    registry=REGISTRY,
)
