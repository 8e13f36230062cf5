"""Webhook delivery of contradiction alerts: signed, retried, never silently lost.

The pure-ish core behind ``streams.agents.alerts``: :mod:`.signing` (HMAC
headers and receiver verification), :mod:`.formats` (native, Alertmanager and
Slack bodies), :mod:`.endpoints` (configuration), :mod:`.retry` (backoff
policy), :mod:`.records` (retry and dead-letter records) and
:mod:`.dispatcher` (per-endpoint lanes, no Kafka in it) and :mod:`.open_alerts`
(the alerts still firing on Alertmanager endpoints, and which a later consensus
settles).
"""

from streams.delivery.dispatcher import DeliveryReport, Dispatcher
from streams.delivery.endpoints import ConfigError, Endpoint, load_endpoints
from streams.delivery.formats import FORMATS, render
from streams.delivery.records import FailedDelivery, PendingDelivery
from streams.delivery.retry import RetryPolicy
from streams.delivery.signing import sign, verify

__all__ = [
    "FORMATS",
    "ConfigError",
    "DeliveryReport",
    "Dispatcher",
    "Endpoint",
    "FailedDelivery",
    "PendingDelivery",
    "RetryPolicy",
    "load_endpoints",
    "render",
    "sign",
    "verify",
]
