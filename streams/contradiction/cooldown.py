"""Event-time cooldown per (claim, source): one dispute pages once.

Measured in event time (the statements' ``observed_at``), never wall-clock
time, so a replay of the log suppresses exactly the alerts the live run did.
The per-source timestamps live in the claim's state, which already is per
claim.
"""

from __future__ import annotations


def cooling_down(last_alert_us: int | None, now_us: int, cooldown_s: float) -> bool:
    """True when an alert for this source on this claim fired less than ``cooldown_s`` ago."""
    if last_alert_us is None or cooldown_s <= 0:
        return False
    return 0 <= now_us - last_alert_us < cooldown_s * 1_000_000
