"""Is one place named inside another? ("Vladivostok" inside "Russia").

Extractors give free-text locations. A statement about a part of the place a
consensus is about is not a contradiction of it (fewer troops in Kursk than in
all of Russia is expected), so the rules stay quiet.

Two tests, the gazetteer first:

* the gazetteer (:mod:`streams.geo`: GeoNames cities, ISO countries and
  subdivisions, a required package of the core) knows that Vladivostok and the
  Kursk region lie in Russia and Kyiv does not. When it knows both names, its
  word is final: "New York" is not inside "York";
* names it does not know ("Kursk region, Russia", "near Goma in North Kivu")
  are compared by their words: every word of the wider place appears, in
  order, in the narrower one.

The rules call this last, only for a statement that would otherwise alert and
whose location differs from the claim's, and answers are cached, so the
gazetteer (loaded on first use) costs nothing on the common path. Whether a
place counts as inside another no longer depends on what is installed: there
is no fallback for a missing gazetteer.
"""

from __future__ import annotations

import re
from functools import lru_cache

from streams.geo import containing_places, location_contains, resolve_place

__all__ = ["containing_places", "is_inside", "lexically_inside"]

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SKIP = {"the", "of", "in", "near", "region", "province", "oblast", "state", "city"}


def _words(place: str) -> list[str]:
    return [w for w in _WORD.findall(place.lower()) if w not in _SKIP]


@lru_cache(maxsize=8192)
def is_inside(narrow: str, wide: str) -> bool:
    """True when ``narrow`` names a place strictly within ``wide``."""
    verdict = _gazetteer_inside(narrow, wide)
    if verdict is not None:
        return verdict
    return lexically_inside(narrow, wide)


def lexically_inside(narrow: str, wide: str) -> bool:
    """Containment by words alone: "Kursk region, Russia" is inside "Russia"."""
    n, w = _words(narrow), _words(wide)
    if not n or not w or n == w or len(n) <= len(w):
        return False
    if n[-len(w):] == w:
        return True
    # "near Kursk in western Russia": the wide place appears as a whole phrase
    return any(n[i:i + len(w)] == w for i in range(len(n) - len(w) + 1))


def _gazetteer_inside(narrow: str, wide: str) -> bool | None:
    """The gazetteer's verdict: strictly inside (True), not (False), or None
    when it does not know both names."""
    if location_contains(wide, narrow) and not location_contains(narrow, wide):
        return True
    if resolve_place(narrow) is not None and resolve_place(wide) is not None:
        return False
    return None
