"""Could two source names be one speaker? The guard on the copy check.

Two statements in the same words are one statement only when they come from
one place: the same article republished. In news that happens two ways, and
both leave a trace in the source names:

* the speaker spelled another way ("South Korea's NIS", "the NIS",
  "National Intelligence Service"; "the provincial governor", "Governor of
  North Kivu"): one name's words are a subset of the other's, one is the
  other's acronym, or one is a description ("the provincial governor", "local
  officials") whose head word (the office or body speaking) the other ends
  on. Two proper names with a common head ("Yahoo Finance", "Google Finance")
  are two bodies;
* an unattributed figure, where the extractor names the outlet that printed
  it (source kind ``outlet``): a syndicated copy then carries another outlet's
  name, and any two such names may be one article.

Without either trace, the same words from two unrelated names are two sources
that happen to write alike, which is the rule in data converted from tables
("The population of Springfield in 2010 was 34,000." for every contributor).
Taking those for copies would count a value that ten sources agree on once,
as often as one vandal's, and hand the claim to the vandal.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: the source kind the extractor gives an outlet standing in for an unattributed figure
OUTLET = "outlet"

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset(("the", "a", "an", "of", "and", "for", "in", "on", "at", "by", "to", "s"))


def _words(name: str) -> list[str]:
    """Lower-cased words of a name, possessives dropped."""
    return _TOKEN.findall(name.lower().replace("’", "'").replace("'s ", " "))


def _tokens(name: str) -> tuple[str, ...]:
    """:func:`_words` without function words."""
    return tuple(t for t in _words(name) if t not in _STOP)


def _stem(word: str) -> str:
    """A word's first five letters: "Ukrainian" = "Ukraine", "ministry" =
    "minister" (a country and its adjective, an office and its holder). A
    number is kept whole: "user 1234567" and "user 1234589" are two users."""
    return word if any(c.isdigit() for c in word) else word[:5]


def _head(name: str) -> str | None:
    """The word naming the office or body: the last word, or the last before
    "of" ("Governor of North Kivu", "Ministry of Defence")."""
    words = _words(name)
    if "of" in words[1:]:
        words = words[: words.index("of", 1)]
    words = [w for w in words if w not in _STOP]
    return words[-1] if words else None


def _acronym(short: tuple[str, ...], full: tuple[str, ...], raw: str) -> bool:
    """``short`` is one word spelling the initials of ``full`` (with or without
    its function words: "MoD" for "Ministry of Defence")."""
    if len(short) != 1 or len(full) < 2:
        return False
    word = short[0]
    if word == "".join(t[0] for t in full):
        return True
    every = [t for t in _TOKEN.findall(raw.lower()) if t != "s"]
    return len(every) > len(full) and word == "".join(t[0] for t in every)


@lru_cache(maxsize=65536)
def same_speaker(a: str, b: str) -> bool:
    """Whether names ``a`` and ``b`` may denote one speaker (see the module docstring)."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return False
    sa, sb = {_stem(t) for t in ta}, {_stem(t) for t in tb}
    if sa <= sb or sb <= sa:
        return True
    ha, hb = _head(a), _head(b)
    if (_described(a) or _described(b)) and ha and hb and _stem(ha) == _stem(hb):
        return True
    return _acronym(ta, tb, b) or _acronym(tb, ta, a)


def _described(name: str) -> bool:
    """A description rather than a proper name: an article first ("the
    provincial governor"), or a common noun after a name ("North Kivu
    governor"). A name all in lower case says nothing either way (data sets
    often lower-case "yahoo finance"), so it is taken for a proper name."""
    words = _TOKEN.findall(name)
    if not words:
        return False
    if words[0].lower() in ("the", "a", "an"):
        return True
    return any(w[0].isupper() for w in words) and any(
        w.islower() and w not in _STOP for w in words
    )

