"""Whose forces: one name per country, however the article names its army.

A story names one army several ways: "Chadian soldiers", "the Chadian National Army
(ANT)", "ANT troops", "the ANT". Keyed by the words used, the same deployment lands on
``chadian-troops:presence@birao`` and ``ant-troops:presence@birao``, and the denial never
meets the assertions it answers. The article itself says what an acronym stands for ("the
Ethiopian National Defense Force (ENDF)"), and an army's official name carries its
country ("the Malian Armed Forces"): this module reads both, so a force named by an
organisation takes that organisation's nationality when the article gives one.

Pure: reads the document's text once (the definitions are kept on the ``Doc``).
"""

from __future__ import annotations

import re
from typing import Any

from spacy.tokens import Doc

_DEFINITIONS = "cw_acronyms"
# "the Chadian National Army (ANT)", "Somali National Army (SNA)", "Forces Armées Maliennes (FAMa)".
# ... and "the Serbian Armed Forces (Vojska Srbije)": a name in the country's own language.
_DEFINED = re.compile(
    r"((?:[A-Z][\w'’.-]*\s+)(?:(?:of|the|and|for|de|des|du|la|le)\s+|[A-Z][\w'’.-]*\s+){0,6})"
    r"\(([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3})\)"
)


def acronyms(doc: Doc) -> dict[str, str]:
    """Acronym -> the long name the article gives it."""
    found = doc.user_data.get(_DEFINITIONS)
    if found is None:
        text = doc.user_data.get("cw_text") or doc.text
        found = {}
        for m in _DEFINED.finditer(text):
            long_name, short = m.group(1).strip(), m.group(2)
            found.setdefault(short, long_name)
            found.setdefault(long_name.removeprefix("the ").removeprefix("The "), short)
        doc.user_data[_DEFINITIONS] = found
    return found  # type: ignore[no-any-return]


def owner_nationality(name: str, doc: Doc, gaz: Any) -> str | None:
    """The demonym of the country an owner name stands for, or None when it names none:
    the name itself ("Chad", "Chadian"), else the words of the long name the article gives
    it or of the name itself ("Ethiopian National Defense Force" -> "Ethiopian")."""
    iso = gaz.nationality(name)
    if iso:
        return str(gaz.demonym(iso))
    bare = name.strip().removeprefix("the ").removeprefix("The ")
    for words in (bare, acronyms(doc).get(bare, "")):
        for word in re.findall(r"[A-Z][\w'’-]*", words):
            iso = gaz.nationality(word)
            if iso:
                return str(gaz.demonym(iso))
    return None
