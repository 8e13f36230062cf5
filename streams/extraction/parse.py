"""Small helpers over the spaCy parse shared by the extraction modules.

Tokens are compared by index (spaCy builds a new ``Token`` object on every
access, so ``is`` never holds), and entity spans are found from IOB tags rather
than ``doc.ents``, which rebuilds every entity span on each access.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

# Participles and adjectives that name people after "the number of" ("the number of missing").
_PEOPLE_WORDS = frozenset({"missing", "dead", "injured", "wounded", "displaced", "homeless", "evacuated",
                           "killed", "hospitalised", "hospitalized", "arrested", "detained", "rescued"})  # fmt: skip


def of_object(noun: Token) -> Token | None:
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            for p in c.children:
                if p.dep_ == "pobj" or (p.dep_ == "pcomp" and p.lower_ in _PEOPLE_WORDS):
                    return p
    return None


def clause_head(tok: Token) -> tuple[Token | None, str]:
    """The verb whose clause a noun belongs to, and the noun phrase's role in it."""
    cur = tok
    role = tok.dep_
    for _ in range(8):
        if cur.head == cur:
            return (cur if cur.pos_ in ("VERB", "AUX") else None), role
        role = cur.dep_
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            if cur.dep_ in ("aux", "auxpass") and cur.head.pos_ in ("VERB", "AUX", "ADJ"):
                cur = cur.head
            return cur, role
    return None, role


def ent_span(tok: Token) -> Span:
    """The entity a token belongs to, found from IOB tags (cheaper than ``doc.ents``)."""
    doc = tok.doc
    start = tok.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


def ent_text(tok: Token) -> str:
    if tok.ent_type_:
        return ent_span(tok).text
    return tok.text


def nearest_verb(tok: Token) -> Token | None:
    cur = tok
    for _ in range(8):
        if cur.head == cur:
            return cur if cur.pos_ in ("VERB", "AUX") else None
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            return cur
    return None


def trimmed(sent: Span, doc_text: str) -> tuple[int, int]:
    """The sentence's character span without surrounding whitespace."""
    text = doc_text[sent.start_char : sent.end_char]
    start = sent.start_char + (len(text) - len(text.lstrip()))
    end = sent.end_char - (len(text) - len(text.rstrip()))
    return start, max(start, end)


def counted_as_speaker(noun: Token) -> Token | None:
    """ "The strike killed 27 civilians, the chairman said": the parser may make the counted
    noun the subject of "said" and the speaker its apposition. Returns the apposed speaker
    when a numbered noun is the subject of a verb that also takes a clause before it (the
    clause whose object the noun really is), else None."""
    if noun.dep_ != "nsubj" or not any(c.dep_ == "nummod" and c.like_num for c in noun.children):
        return None
    appos = next((c for c in noun.children if c.dep_ == "appos" and c.i > noun.i), None)
    if appos is None:
        return None
    verb = noun.head
    clause = next((c for c in verb.children if c.dep_ == "ccomp" and c.i < noun.i), None)
    if clause is None or any(c.dep_ == "dobj" for c in clause.children):
        return None
    return appos


def misplaced_clause(noun: Token) -> Token | None:
    """The verb whose object ``noun`` really is when ``counted_as_speaker`` applies."""
    if counted_as_speaker(noun) is None:
        return None
    return next((c for c in noun.head.children if c.dep_ == "ccomp" and c.i < noun.i), None)
