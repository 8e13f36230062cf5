"""Contradiction rules: when a new statement deserves an alert, and how severe it is.

The rules are pure functions over consensus snapshots; the consensus engine
calls :func:`detect` inside ``apply`` and wraps a :class:`Finding` into a
``ContradictionDetected`` event (deterministic alert_id, event-time cooldown).
"""

from streams.contradiction.cooldown import cooling_down
from streams.contradiction.ids import alert_id
from streams.contradiction.places import is_inside
from streams.contradiction.rules import (
    CUMULATIVE_MEASURES,
    DISPUTE,
    KINDS,
    PRESENCE_ASSERTED,
    PRESENCE_DENIED,
    RETRACTION,
    REVISION,
    UPDATE,
    VALUE_CONFLICT,
    Context,
    Finding,
    detect,
    severity,
)

__all__ = [
    "CUMULATIVE_MEASURES",
    "DISPUTE",
    "KINDS",
    "PRESENCE_ASSERTED",
    "PRESENCE_DENIED",
    "RETRACTION",
    "REVISION",
    "UPDATE",
    "VALUE_CONFLICT",
    "Context",
    "Finding",
    "alert_id",
    "cooling_down",
    "detect",
    "is_inside",
    "severity",
]
