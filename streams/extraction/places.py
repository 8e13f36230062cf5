"""Place resolution (stub; replaced by the gazetteer)."""

from __future__ import annotations


def location_contains(outer: str | None, inner: str | None) -> bool:
    """True when ``inner`` names the same place as ``outer`` or a place inside it."""
    if not outer or not inner:
        return False
    return outer.strip().lower() == inner.strip().lower()
