"""What is being counted: canonical subjects, measures, sub-scopes and claim keys.

A claim key must be the same for every article and wording that estimates the
same thing ("North Korean troops / soldiers / personnel / fighters",
"Pyongyang's troops", "DPRK forces" -> ``north-korean-troops``) and different
for anything that is only a part of it ("the 3,000 that have arrived" ->
``north-korean-troops/arrived``), so consensus never averages a part with a
whole. Key shape: ``subject[/scope]:measure[@location]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from streams.extraction.places import slugify

if TYPE_CHECKING:
    from spacy.tokens import Token

# Noun lemmas -> canonical subject noun.
TROOP_NOUNS = frozenset({
    "troop", "troops", "soldier", "personnel", "fighter", "force", "forces", "serviceman",
    "servicemen", "servicemember", "mercenary", "commando", "marine", "paratrooper",
    "conscript", "recruit", "combatant", "infantryman", "militant", "sailor", "airman",
    "reservist", "guardsman", "special forces", "peacekeeper", "gunman", "insurgent", "rebel", "attacker", "assailant",
})  # fmt: skip
# Naval assets are forces too ("six Iranian naval vessels in the strait"); a plain "boat" or
# "ship" only when a navy's (see ``naval_asset``).
NAVAL_NOUNS = frozenset({
    "warship", "frigate", "corvette", "submarine", "destroyer", "gunboat", "cruiser", "minesweeper",
    "vessel", "carrier", "battleship", "patrol boat",
})  # fmt: skip
_NAVAL_MODIFIERS = frozenset({"naval", "navy", "guard", "military"})
PEOPLE_NOUNS = frozenset({
    "people", "person", "resident", "individual", "victim", "body", "villager",
    "inhabitant", "citizen", "life", "soul",
})  # fmt: skip
PROTEST_NOUNS = frozenset({
    "protester", "protestor", "demonstrator", "marcher", "crowd", "participant",
    "rallygoer", "striker", "supporter", "activist", "turnout", "attendance",
})  # fmt: skip
# Other countable nouns that news stories put figures on; each is its own subject.
OTHER_NOUNS = frozenset({
    "civilian", "child", "student", "worker", "staff", "rescuer", "volunteer", "migrant", "refugee",
    "prisoner", "hostage", "passenger", "crew",
    "journalist", "officer", "policeman", "police", "patient", "doctor", "tourist",
    "miner", "farmer", "woman", "man", "family", "household", "building", "home", "house",
    "structure", "school", "hospital", "village", "vehicle", "tank", "aircraft", "drone",
    "missile", "rocket", "shell", "evacuee", "survivor", "casualty", "death", "fatality",
    "injury", "arrest", "detainee", "voter", "employee",
})  # fmt: skip
# Nouns whose number is a measure of people: "a death toll of 300", "2,000 casualties".
MEASURE_NOUNS = {
    "death": "deaths", "dead": "deaths", "fatality": "deaths", "toll": "deaths",
    "casualty": "casualties", "injury": "injured", "injured": "injured", "wounded": "injured",
    "missing": "missing", "arrest": "arrested", "detention": "arrested", "detainee": "arrested",
    "evacuee": "displaced", "displaced": "displaced", "homeless": "displaced",
    "survivor": "survivors", "body": "deaths", "corpse": "deaths",
    "case": "cases", "infection": "cases",
}  # fmt: skip
# Verbs that state how many of something there are, whatever the noun: the object is
# counted ("deployed 60 boats", "hired 2,000 nurses", "1,100 shelters were opened") ...
COUNT_OBJECT_VERBS = frozenset({
    "deploy", "send", "assign", "dispatch", "mobilise", "mobilize", "hire", "station", "open",
    "record", "register", "count", "field", "commit", "recruit", "employ", "set",
    "carry", "hold", "shelter", "host", "house",
})  # fmt: skip
# ... or the subject is ("28,000 of its members joined the strike").
COUNT_SUBJECT_VERBS = frozenset({"join", "participate", "attend", "number", "gather", "march", "strike",
                                 "walk", "rally", "protest", "demonstrate"})  # fmt: skip
# Areas: "burned about 18,400 acres", "flooded 2,000 hectares".
AREA_UNITS = {"acre": "acres", "hectare": "hectares"}
AREA_VERBS = {"burn": "burned", "scorch": "burned", "char": "burned", "blacken": "burned",
              "consume": "burned", "flood": "flooded", "inundate": "flooded", "submerge": "flooded"}  # fmt: skip
# Verb (or participle) lemmas that make the counted thing a measure.
MEASURE_VERBS = {
    "kill": "deaths", "die": "deaths", "perish": "deaths", "drown": "deaths",
    "dead": "deaths", "execute": "deaths", "massacre": "deaths", "murder": "deaths", "bury": "deaths",
    "injure": "injured", "wound": "injured", "hurt": "injured", "injured": "injured",
    "wounded": "injured", "hospitalize": "hospitalized", "hospitalise": "hospitalized",
    "miss": "missing", "missing": "missing", "displace": "displaced",
    "evacuate": "evacuated", "flee": "displaced", "homeless": "displaced",
    "displaced": "displaced", "arrest": "arrested", "detain": "arrested",
    "capture": "captured", "recapture": "captured", "abduct": "captured", "kidnap": "captured",
    "rescue": "rescued", "lose": "deaths", "trap": "trapped",
    "trapped": "trapped", "relocate": "displaced", "shelter": "displaced",
    "unaccounted": "missing", "affect": "affected", "affected": "affected",
    "neutralise": "deaths", "neutralize": "deaths", "eliminate": "deaths",
    "infect": "cases", "sicken": "cases", "close": "closed", "shut": "closed",
    "postpone": "postponed", "cancel": "cancelled", "ship": "delivered", "deliver": "delivered",
    "distribute": "delivered", "donate": "delivered", "hand": "delivered", "supply": "delivered",
    # "treated 23 people for burns": hurt (the guideline's "attended to N people" is injured);
    # "were being treated" in hospital is hospitalized (``quantities.measure_from_verb``).
    "airdrop": "delivered", "treat": "injured", "admit": "hospitalized",
    "destroy": "destroyed", "flatten": "destroyed", "raze": "destroyed", "damage": "damaged",
    "burn": "destroyed",
    "collapse": "collapsed", "topple": "collapsed",
}  # fmt: skip
# Verbs whose grammatical subject is the counted thing only when intransitive.
INTRANSITIVE_MEASURES = frozenset({"die", "perish", "drown", "flee", "miss", "missing", "dead", "collapse", "close",
                                   "shut"})
PROTEST_VERBS = frozenset({
    "march", "rally", "protest", "demonstrate", "gather", "join", "turn", "attend",
    "fill", "flood", "throng", "take", "assemble", "strike", "converge",
})  # fmt: skip
CONTAINER_NOUNS = frozenset({
    "batch", "group", "contingent", "wave", "unit", "detachment", "tranche", "deployment",
    "battalion", "brigade", "division", "regiment", "company", "squad", "convoy",
})  # fmt: skip
COUNT_HEADS = frozenset({"number", "total", "figure", "tally", "count", "estimate", "crowd", "turnout",
                         "attendance"})  # fmt: skip
SCOPE_ADJECTIVES = frozenset({
    "initial", "first", "second", "third", "fourth", "remaining", "additional",
    "latest", "new", "special", "elite", "advance", "final", "last", "next",
})  # fmt: skip
SCOPE_VERBS = {"arrive": "arrived", "land": "arrived",
               "return": "returned", "withdraw": "withdrawn"}  # fmt: skip
# Head nouns that are never the thing a claim counts (units, time spans, money).
NOT_SUBJECTS = frozenset({
    "year", "month", "week", "day", "hour", "minute", "second", "time", "percent", "%",
    "km", "kilometre", "kilometer", "mile", "metre", "meter", "foot", "feet", "ton", "tonne",
    "dollar", "euro", "pound", "yuan", "rouble", "ruble", "won", "magnitude", "point",
    "degree", "kg", "kilogram", "acre", "hectare", "page", "round", "mph", "age", "times",
    "decade", "century", "centimetre", "centimeter", "inch", "litre", "liter", "gallon",
    "barrel", "share", "vote", "seat", "term", "mm", "cm", "m", "ft", "billion", "million",
    "millimetre", "millimeter", "storey", "story", "floor", "bed", "dose_rate", "knot",
})  # fmt: skip


def naval_asset(tok: Token) -> bool:
    """ "Iranian naval vessels", "a navy patrol boat", "coast guard ships": a navy's craft."""
    lem = tok.lemma_.lower()
    if lem in NAVAL_NOUNS and lem not in ("vessel", "carrier"):
        return True
    if lem not in ("vessel", "boat", "ship", "craft", "carrier"):
        return False
    if any(c.lower_ in _NAVAL_MODIFIERS or c.lower_ == "attack" for c in tok.lefts if c.dep_ in ("amod", "compound")):
        return True
    # "fast boats of Iran's Revolutionary Guard Corps": a military body's craft.
    for c in tok.rights:
        if c.dep_ == "prep" and c.lower_ == "of":
            owner = next((p for p in c.children if p.dep_ == "pobj"), None)
            if owner is not None and owner.lemma_.lower() in _MILITARY_OWNERS:
                return True
    return False


_MILITARY_OWNERS = frozenset({"navy", "corps", "guard", "army", "force", "forces", "military", "coastguard"})


def subject_class(lemma: str) -> str | None:
    """The canonical noun for a head lemma, or None when it is not a countable subject."""
    lem = lemma.lower()
    if lem in TROOP_NOUNS:
        return "troops"
    if lem in NAVAL_NOUNS:
        return "vessels"
    if lem in PEOPLE_NOUNS:
        return "people"
    if lem in PROTEST_NOUNS:
        return "protesters"
    if lem in OTHER_NOUNS:
        return _plural(lem)
    return None


def _plural(lemma: str) -> str:
    irregular = {"child": "children", "woman": "women", "man": "men", "police": "police",
                 "aircraft": "aircraft", "family": "families", "casualty": "casualties",
                 "fatality": "fatalities", "injury": "injuries", "policeman": "policemen",
                 "staff": "staff", "crew": "crew"}  # fmt: skip
    if lemma in irregular:
        return irregular[lemma]
    return lemma if lemma.endswith("s") else lemma + "s"


@dataclass(frozen=True)
class SubjectRef:
    """A canonical subject: ``noun`` ("troops"), ``nationality`` demonym or None, scope words,
    and the ``event`` it belongs to ("earthquake"), so the dead of two disasters in one
    country never share a key."""

    noun: str
    nationality: str | None = None
    scope: tuple[str, ...] = ()
    event: str | None = None

    @property
    def base_name(self) -> str:
        return f"{self.nationality} {self.noun}" if self.nationality else self.noun

    @property
    def name(self) -> str:
        name = self.base_name
        if self.event:
            name = f"{name} ({self.event})"
        if self.scope:
            name = f"{name} ({' '.join(self.scope)})"
        return name

    @property
    def base_slug(self) -> str:
        return slugify(f"{self.event} {self.base_name}" if self.event else self.base_name)

    @property
    def slug(self) -> str:
        if self.scope:
            return f"{self.base_slug}/{slugify(' '.join(self.scope))}"
        return self.base_slug

    def without_scope(self) -> SubjectRef:
        return SubjectRef(self.noun, self.nationality, (), self.event)


def claim_key(subject: SubjectRef, measure: str, location_slug: str | None) -> str:
    """``north-korean-troops/arrived:count@russia``."""
    key = f"{subject.slug}:{measure}"
    return f"{key}@{location_slug}" if location_slug else key


def parent_key(subject: SubjectRef, measure: str, location_slug: str | None) -> str | None:
    """The key of the whole a sub-scope is part of (None for a whole)."""
    if not subject.scope:
        return None
    return claim_key(subject.without_scope(), measure, location_slug)
