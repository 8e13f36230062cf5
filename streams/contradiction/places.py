"""Is one place named inside another? ("Kursk region, Russia" inside "Russia").

Extractors give free-text locations. A statement about a part of the place a
consensus is about is not a contradiction of it (fewer troops in Kursk than in
all of Russia is expected), so the rules stay quiet. Without a gazetteer the
test is lexical: every word of the wider place appears, in order, at the end
of the narrower one, or the narrower one says it is "in"/"of" the wider one.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SKIP = {"the", "of", "in", "near", "region", "province", "oblast", "state", "city"}


def _words(place: str) -> list[str]:
    return [w for w in _WORD.findall(place.lower()) if w not in _SKIP]


def is_inside(narrow: str, wide: str) -> bool:
    """True when ``narrow`` names a place strictly within ``wide``."""
    n, w = _words(narrow), _words(wide)
    if not n or not w or n == w or len(n) <= len(w):
        return False
    if n[-len(w):] == w:
        return True
    # "near Kursk in western Russia": the wide place appears as a whole phrase
    return any(n[i:i + len(w)] == w for i in range(len(n) - len(w) + 1))
