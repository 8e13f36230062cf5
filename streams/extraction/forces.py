"""Forces: which mentions are troops, vessels or aircraft, and whose they are.

The word lists and token tests the figure and presence rules share to tell a force
("3,000 Iranian troops", "RSF units", "Turkish warplanes") from other counted things, and
to find its owner when no country names it ("its fighters", "militia fighters", "it had
11,500 personnel").
"""

from __future__ import annotations

from spacy.tokens import Token

from streams.extraction.events import event_of
from streams.extraction.numbers import VAGUE
from streams.extraction.presence import stand_in
from streams.extraction.subjects import NAVAL_NOUNS, TROOP_NOUNS, naval_asset, subject_class

TROOPS = "troops"

# Formations whose presence is a claim only when someone's ("RSF units", "Iranian brigades"):
# never counted (a "housing unit" is no force), so they are presence subjects only.
_FORMATION_NOUNS = frozenset({"unit", "battalion", "brigade", "regiment", "squadron", "militia", "militiaman",
                              "convoy", "detachment", "contingent", "platoon", "instructor", "adviser",
                              "advisor", "officer", "trainer"})  # fmt: skip
TROOP_LEMMAS = (
    frozenset(TROOP_NOUNS)
    | NAVAL_NOUNS
    | _FORMATION_NOUNS
    | {"boat", "ship", "craft", "warplane", "bomber", "jet", "aircraft"}
)

# Owners a force is named by without a country: "foreign troops", "militia fighters".
_GENERIC_OWNERS = frozenset({"foreign", "militia", "rebel", "paramilitary", "government", "enemy", "allied",
                             "jihadist", "islamist", "insurgent", "separatist", "opposition", "pro-government",
                             "armed", "tribal", "mercenary"})  # fmt: skip
# The speaker's own: "its fighters", "in their district".
SPEAKER_POSSESSIVES = frozenset({"its", "their", "our"})

# Verbs whose subject owns their object forces: "Kenya has no forces in X", "Egypt sent troops to Y".
SENDERS_AND_HOLDERS = frozenset({"have", "keep", "maintain", "send", "deploy", "dispatch", "station", "move"})

# Forces: subjects whose nationality is whose they are, and whose presence is a claim.
FORCES = frozenset({TROOPS, "vessels", "aircraft"})
FORMATION = "formation"
_WARPLANES = frozenset({"warplane", "bomber"})
_AIRCRAFT = frozenset({"jet", "aircraft", "plane", "helicopter"})
_MILITARY_WORDS = frozenset({"military", "fighter", "combat", "attack", "air", "force", "navy", "naval", "army"})

# Verbs whose subject is on the ground wherever the action is ("troops were fighting").
_ON_THE_GROUND = frozenset({"fight", "operate", "patrol", "dig", "entrench", "remain", "stay"})
_BACKING_VERBS = frozenset({"back", "support", "assist", "aid", "accompany", "reinforce"})
_OWNER_VERBS = frozenset({"have", "number", "lose", "field", "count"})


def force_class(m: Token) -> str | None:
    """Troops, or a navy's vessels ("an Iranian submarine", "coast guard boats"); else None.
    A formation ("RSF units") is troops too, but only when named by its owner (the caller
    gets ``FORMATION`` for a bare "units" and must find a named owner)."""
    if subject_class(m.lemma_) == TROOPS:
        return TROOPS
    if m.lemma_.lower() in _FORMATION_NOUNS:
        return TROOPS if any(c.dep_ in ("compound", "amod", "poss", "nmod") for c in m.lefts) else FORMATION
    if m.lemma_.lower() == "presence" and any(c.lower_ == "military" for c in m.lefts):
        return FORMATION  # "no Russian military presence in X": whose, if anyone's, decides
    if _military_aircraft(m):
        return "aircraft"
    return "vessels" if naval_asset(m) or m.lemma_.lower() == "vessel" else None


def _military_aircraft(m: Token) -> bool:
    """ "Turkish warplanes", "Chinese military aircraft", "fighter jets": an air force's aircraft."""
    lem = m.lemma_.lower()
    if lem in _WARPLANES:
        return True
    return lem in _AIRCRAFT and any(c.lower_ in _MILITARY_WORDS for c in m.lefts for c in c.subtree)


def generic_owner(m: Token) -> tuple[str | None, bool]:
    """Whose forces, without a country: ("foreign", False) for "foreign troops", ("militia",
    False) for "militia fighters"; (None, True) for "its fighters" (the speaker's own)."""
    for c in m.lefts:
        if c.dep_ == "poss" and c.lower_ in SPEAKER_POSSESSIVES:
            return None, True
        if c.dep_ in ("amod", "compound") and c.lower_ in _GENERIC_OWNERS:
            return c.lower_, False
    return None, False


def sent_by_speaker(verb: Token | None, role: str) -> bool:
    """ "it had deployed 4 warships": the forces' sender is the pronoun for the speaker."""
    if verb is None or role != "dobj":
        return False
    return any(c.dep_ == "nsubj" and c.lower_ in ("it", "they", "we") for c in verb.children)


def carries_number(m: Token) -> bool:
    """ "3,000 troops", "9 of its soldiers": a mention that carries its own number."""
    if any(c.like_num or c.lower_ in VAGUE for c in m.children if c.dep_ in ("nummod", "amod", "quantmod")):
        return True
    return m.dep_ == "pobj" and m.head.lower_ == "of" and (m.head.head.like_num or m.head.head.lower_ in VAGUE)


def has_own_subject(v: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in v.children)


def on_the_ground(m: Token) -> bool:
    """ "troops were fighting", "foreign troops had been present", "instructors had been
    travelling with the convoy": forces there, wherever the action is, without a place of their own."""
    m = stand_in(m)
    if m.dep_ not in ("nsubj", "nsubjpass") or m.head.pos_ not in ("VERB", "AUX"):
        return False
    v = m.head
    lem = v.lemma_.lower()
    if lem in _ON_THE_GROUND and v.pos_ == "VERB":
        return True
    if lem == "be" and any(c.dep_ == "acomp" and c.lower_ == "present" for c in v.children):
        return True
    # "had been travelling with the convoy", "were with the soldiers": in a force's company.
    return lem in ("be", "travel", "ride") and any(
        c.dep_ == "prep"
        and c.lower_ == "with"
        and any(o.dep_ == "pobj" and force_class(o) is not None for o in c.children)
        for c in v.children
    )


def takes_part(m: Token) -> bool:
    """ "fighters took part in the clash", "troops participated in the assault"."""
    v = m.head
    if m.dep_ == "pobj" and v.dep_ == "agent" and v.head.lemma_.lower() in _BACKING_VERBS:
        # "its forces, backed by Rwandan troops, repelled the attack": forces backing forces
        # (not "rescuers searched, backed by navy ships").
        return force_class(v.head.head) is not None
    if m.dep_ != "nsubj" or v.pos_ != "VERB":
        return False
    lem = v.lemma_.lower()
    if lem == "take":
        return any(c.dep_ == "dobj" and c.lower_ == "part" for c in v.children)
    return lem in ("participate", "join") and any(
        event_of(p) is not None for c in v.children for p in c.subtree if c.dep_ in ("prep", "dobj")
    )


def owning_subject(verb: Token | None, role: str) -> Token | None:
    """The subject that owns the counted forces: "it had 11,500 personnel"."""
    if verb is None or role not in ("dobj", "attr", "npadvmod") or verb.lemma_.lower() not in _OWNER_VERBS:
        return None
    return next((c for c in verb.children if c.dep_ == "nsubj"), None)
