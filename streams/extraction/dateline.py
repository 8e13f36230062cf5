"""The dateline ("GOMA, DR Congo (Great Rivers Wire) - "): where the reporter files from;
and a live blog's entry stamps ("10:02 — "): when an entry was posted.

Read from the article text before the parse (``text_to_parse``): the text the parser sees
has the dateline's dash turned into a line break (``detach_dateline``) and its entry stamps
blanked (``blank_entry_stamps``), every offset unchanged; the claim rules skip the
dateline's tokens (``dateline_tokens``) because a bureau city is not a place of the story's
events.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

# "ANKARA (Meridian Wire) - ", "GOMA, DR Congo (Great Rivers Wire) - ", "NAPA, Calif. - "
# Upper-case letters of every script up to Cyrillic/Greek, so "COPIAPÓ" and "ADRÉ" are datelines too.
_UPPER = re.escape("".join(c for c in map(chr, range(0x41, 0x530)) if c.isupper()))
DATELINE = re.compile(
    rf"^\s*([{_UPPER}][{_UPPER} .'’-]+?)(?:,[^\n()–—]{{1,40}}?)?\s*(?:\([^)\n]{{1,60}}\))?\s*(?:-|–|—|--)\s+"
)


# A live blog's entry stamp at the start of a line: "10:02 — ", "09:30 GMT - ", "4.15pm: ".
_ENTRY_STAMP = re.compile(
    r"(?m)^[ \t]*\d{1,2}[:.]\d{2}(?:[ \t]*[AaPp]\.?[Mm]\.?)?(?:[ \t]*[A-Z]{2,4})?[ \t]*(?:-|–|—|--|:)[ \t]+"
)


def blank_entry_stamps(text: str) -> str:
    """Live-blog entry stamps turned into spaces (same length, so offsets still point into the
    article): "10:02 — Serbia's army chief says ..." is not parsed as a speaker "10:02"."""
    return _ENTRY_STAMP.sub(lambda m: " " * len(m.group(0)), text)


def text_to_parse(text: str) -> str:
    """What the parser reads: the article text with its dateline detached and its live-blog
    entry stamps blanked, every offset unchanged."""
    return detach_dateline(blank_entry_stamps(text))


def detach_dateline(text: str) -> str:
    """The text to parse: the dateline's dash becomes a line break (same length, so every
    offset still points into the article text), so "WARSAW - Around 4,000 Belarusian
    soldiers" is not parsed as Warsaw's soldiers and the lede's evidence starts at the lede."""
    m = DATELINE.match(text)
    if m is None:
        return text
    dash = max(text.rfind(d, 0, m.end()) for d in ("-", "–", "—"))
    if dash < 0:
        return text
    end = dash + 1
    while end < m.end() and text[end] in "-–—":
        end += 1
    start = dash
    while start > 0 and text[start - 1] in "-–—":
        start -= 1
    return text[:start] + "\n" + " " * (end - start - 1) + text[end:]


def dateline_tokens(doc: Doc, text: str) -> set[int]:
    """The indices of the tokens of ``text``'s dateline (none when it has none)."""
    m = DATELINE.match(text)
    return {t.i for t in doc if t.idx < m.end()} if m else set()
