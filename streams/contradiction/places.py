"""Is one place named inside another? ("Vladivostok" inside "Russia").

Extractors give free-text locations. A statement about a part of the place a
consensus is about is not a contradiction of it (fewer troops in Kursk than in
all of Russia is expected), so the rules stay quiet.

Two tests, the gazetteer first:

* the extraction's gazetteer (GeoNames cities, ISO countries and
  subdivisions, :func:`streams.extraction.location_contains`) knows that
  Vladivostok and the Kursk region lie in Russia and Kyiv does not. When it
  knows both names, its word is final: "New York" is not inside "York";
* names it does not know ("Kursk region, Russia", "near Goma in North Kivu")
  are compared by their words: every word of the wider place appears, in
  order, in the narrower one.

The rules call this last, only for a statement that would otherwise alert and
whose location differs from the claim's, and answers are cached, so the
gazetteer (which loads the extraction package on first use) costs nothing on
the common path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

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
    when it does not know both names (or the extraction package is absent)."""
    gz = _gazetteer()
    if gz is None:
        return None
    contains, resolve = gz
    if contains(wide, narrow) and not contains(narrow, wide):
        return True
    if resolve(narrow) is not None and resolve(wide) is not None:
        return False
    return None


@lru_cache(maxsize=8192)
def containing_places(place: str) -> tuple[tuple[str, str], ...]:
    """``(name, slug)`` of every place the gazetteer knows ``place`` to lie
    strictly within, widest last: ("Kursk region") → (("Russia", "russia"),).
    Empty when the gazetteer does not know the name (or is absent), or for a
    country. The slugs are the ones claim keys use for those places."""
    gz = _gazetteer()
    if gz is None:
        return ()
    _, resolve = gz
    found: Any = resolve(place)
    if found is None or found.kind == "country":
        return ()
    from streams.extraction.places import gazetteer, slugify

    country = gazetteer().country(found.country)
    if country is None:
        return ()
    return ((country.name, slugify(country.name)),)


_Gazetteer = tuple[Callable[[str, str], bool], Callable[[str], object]]


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer | None:
    """``(location_contains, resolve_place)``, imported on first use: the
    extraction package pulls in spaCy, which a replay should not pay for
    unless a statement's place actually differs from its claim's."""
    try:
        from streams.extraction import location_contains
        from streams.extraction.places import resolve_place
    except ImportError:  # the consensus core also runs without the extractor
        return None
    return location_contains, resolve_place
