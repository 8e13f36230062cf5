"""Which event a figure belongs to: "people killed" in an earthquake and "people killed" in
a flood in the same country are different claims.

The event is named by a noun ("the earthquake", "flash floods", "a drone strike", "the
Mayacamas Fire", "a cholera outbreak") or by what happened to a vessel or a building ("a
boat capsized", "a building collapsed"). Synonyms share one canonical word ("quake",
"tremor" -> earthquake; "blaze", "wildfire" -> fire), so every article about the same
kind of event gives the same key. A figure takes the event its own sentence names, else
the event of the article's lede.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

EVENT_NOUNS = {
    "earthquake": "earthquake", "quake": "earthquake", "tremor": "earthquake", "temblor": "earthquake",
    "flood": "flood", "flooding": "flood", "floodwater": "flood", "deluge": "flood",
    "landslide": "landslide", "mudslide": "landslide", "avalanche": "avalanche",
    "storm": "storm", "typhoon": "typhoon", "hurricane": "hurricane", "cyclone": "cyclone",
    "tornado": "tornado", "tsunami": "tsunami", "eruption": "eruption",
    "wildfire": "fire", "blaze": "fire", "bushfire": "fire", "fire": "fire", "inferno": "fire",
    "shipwreck": "shipwreck", "capsizing": "shipwreck", "sinking": "shipwreck",
    "collapse": "collapse", "explosion": "explosion", "blast": "explosion",
    "outbreak": "outbreak", "epidemic": "outbreak", "cholera": "outbreak", "measles": "outbreak",
    "ebola": "outbreak", "strike": "strike", "walkout": "strike",
    "protest": "protest", "march": "protest", "rally": "protest", "demonstration": "protest",
    "clash": "attack", "fighting": "attack", "battle": "attack", "offensive": "attack",
    "attack": "attack", "ambush": "attack", "raid": "attack", "airstrike": "airstrike",
    "crash": "crash", "derailment": "crash", "stampede": "stampede", "heatwave": "heatwave",
    "drought": "drought", "famine": "famine",
    # Diseases name their outbreak ("dengue cases rose", "the mpox toll"): one key whichever
    # word an outlet uses.
    "dengue": "outbreak", "mpox": "outbreak", "monkeypox": "outbreak", "chikungunya": "outbreak",
    "zika": "outbreak", "malaria": "outbreak", "diphtheria": "outbreak", "meningitis": "outbreak",
    "typhoid": "outbreak", "anthrax": "outbreak", "plague": "outbreak", "polio": "outbreak",
    "covid": "outbreak", "covid-19": "outbreak", "influenza": "outbreak", "diarrhoea": "outbreak",
    "lassa": "outbreak", "marburg": "outbreak", "pandemic": "outbreak",
    "crush": "stampede", "accident": "crash", "collision": "crash", "pile-up": "crash",
    "shooting": "attack", "bombing": "attack", "shelling": "attack", "assault": "attack",
    "massacre": "attack", "siege": "attack", "kidnapping": "attack", "abduction": "attack",
    "volcano": "eruption", "hunger": "famine", "starvation": "famine", "malnutrition": "famine",
    "mudflow": "landslide", "flash-flood": "flood", "downpour": "flood",
}  # fmt: skip
# Kinds of event one story names in several words ("the attack", "the fighting", "a drone
# strike"; "the cyclone", "the storm"): within an article a sentence's word of the same
# family as the lede's is the lede's event, so one story's figures share one key.
EVENT_FAMILIES = {
    "attack": "violence", "airstrike": "violence",
    # A storm's rain floods towns and loosens hillsides: one story tells of all three.
    "storm": "weather", "typhoon": "weather", "hurricane": "weather", "cyclone": "weather",
    "tornado": "weather", "flood": "weather", "landslide": "weather",
    "protest": "protest", "strike": "protest",
    "drought": "food", "famine": "food",
}  # fmt: skip


def same_family(a: str, b: str) -> bool:
    fa, fb = EVENT_FAMILIES.get(a), EVENT_FAMILIES.get(b)
    return fa is not None and fa == fb


# "a drone strike" is an attack from the air, not a walkout.
_AIR = frozenset({"drone", "air", "missile", "rocket", "artillery", "aerial"})
_VESSELS = frozenset({"boat", "ship", "vessel", "ferry", "dinghy", "barge", "trawler", "raft"})
_STRUCTURES = frozenset({"building", "bridge", "tower", "block", "mine", "dam", "stand", "roof", "wall", "school"})


def event_of(tok: Token) -> str | None:
    """The canonical event a token names, or None."""
    lem = tok.lemma_.lower()
    if tok.pos_ in ("NOUN", "PROPN"):
        ev = EVENT_NOUNS.get(lem)
        if ev is None:
            return None
        if lem == "strike" and (
            any(c.lower_ in _AIR or c.ent_type_ == "NORP" for c in tok.lefts)
            or any(c.dep_ == "prep" and c.lower_ in ("on", "against") for c in tok.rights)
        ):
            return "airstrike"  # "a drone strike", "Israeli strikes on southern Lebanon"
        if lem == "fire" and (tok.head.lemma_.lower() == "open" or (tok.dep_ == "pobj" and tok.head.lower_ == "under")):
            return None  # "opened fire", "under fire"
        if lem == "march" and tok.ent_type_ == "DATE":
            return None
        return ev
    if tok.pos_ == "VERB":
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if subj is None:
            return None
        if lem in ("capsize", "sink") and subj.lemma_.lower() in _VESSELS:
            return "shipwreck"
        if lem == "collapse" and subj.lemma_.lower() in _STRUCTURES:
            return "collapse"
    return None


def sentence_event(sent: Span) -> str | None:
    """The first event a sentence names."""
    for t in sent:
        ev = event_of(t)
        if ev is not None:
            return ev
    return None


def story_event(doc: Doc, start_char: int = 0) -> str | None:
    """The event of the article's lede (the first sentence after the dateline), else the
    first event the article names."""
    for n, sent in enumerate(doc.sents):
        if sent.end_char <= start_char or not sent.text.strip():
            continue
        ev = sentence_event(sent)
        if ev is not None:
            return ev
        if n > 40:
            break
    return None
