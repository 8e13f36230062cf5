"""Pure in-memory read model behind the query API and the dashboard (no Kafka)."""

from streams.readmodel.model import Page, ReadModel

__all__ = ["Page", "ReadModel"]
