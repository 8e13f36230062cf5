"""Names the small model mistags: a spaCy component that runs after the tagger and the
entity recogniser and before the claim stages.

"M'tsamboro", "N'Djamena": a capital, an apostrophe and a word is a name (of a town, most
often), but the small English model, which splits no such token, tags it NUM or NOUN, so
every rule that looks for a proper noun passes it by. The component makes it PROPN; it
writes nothing else.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

NAMES_COMPONENT = "claimwatch_names"

_APOSTROPHE_NAME = re.compile(r"[A-Z][a-z]?['’]([A-Za-z][a-z]+)(?:-[A-Z]?[a-z]+)*")


def is_apostrophe_name(text: str) -> bool:
    """ "M'tsamboro", "N'Djamena", "Ma'rib": a capital, an apostrophe and a name (the part after
    the apostrophe capitalised or three letters at least: not "We're", "It's", "I'm")."""
    m = _APOSTROPHE_NAME.fullmatch(text)
    return m is not None and (m.group(1)[:1].isupper() or len(m.group(1)) >= 3)


def retag_names(doc: Doc) -> Doc:
    for t in doc:
        if t.pos_ != "PROPN" and is_apostrophe_name(t.text):
            t.pos_ = "PROPN"
    return doc


@Language.component(NAMES_COMPONENT)
def names_component(doc: Doc) -> Doc:
    return retag_names(doc)


def add_names_component(nlp: Language, before: str | None = None) -> None:
    """Add the name fixer after the model's own components and before ``before`` (the claim
    stages) when that is already there (idempotent)."""
    if NAMES_COMPONENT in nlp.pipe_names:
        return
    if before is not None and before in nlp.pipe_names:
        nlp.add_pipe(NAMES_COMPONENT, before=before)
    else:
        nlp.add_pipe(NAMES_COMPONENT, last=True)
