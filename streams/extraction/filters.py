"""Figures that are in a sentence but are not a claim about the story's event.

A number next to a countable noun is not yet an assertion of a count: the toll
"could reach 2,000" is a projection, a centre "built for 400 people" is a
capacity, "down from 41,200" a prior-period comparison, "150 patients a day" a
rate, "a campaign targeting 1.2 million people" a target, "his five children"
an anecdote, "a country of 23 million people" a population, and "in 2011, when
604 people died" a past event. Each test looks only at the parse around the
figure (grammar, not story words), so it carries to any story.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime

from spacy.tokens import Token

# Modal verbs that make a figure a possibility, not a statement of fact.
SPECULATIVE_AUX = frozenset({"could", "may", "might", "would"})
# "expected to rise to 500", "feared to reach": projections.
PROJECTION_HEADS = frozenset({"expect", "fear", "forecast", "predict", "project", "likely", "set"})
# Verbs of building or meaning for: "built for 400 people", "designed for 2,000 fans".
CAPACITY_VERBS = frozenset({"build", "design", "equip", "mean", "intend", "plan", "make"})
CAPACITY_NOUNS = frozenset({"capacity", "room", "space", "bed", "seat"})
# Aims and demands: "targeting 1.2 million people", "demanding 5,000 more nurses".
TARGET_LEMMAS = frozenset({"target", "demand", "seek", "aim", "want", "hope", "need", "plan",
                           "goal", "campaign", "promise", "pledge", "propose", "request"})  # fmt: skip
# Verbs of change whose "from N" is the earlier figure.
CHANGE_VERBS = frozenset({"rise", "climb", "increase", "jump", "grow", "surge", "soar", "fall", "drop",
                          "decline", "decrease", "revise", "raise", "lower", "reduce", "swell"})  # fmt: skip
# Rate units: "150 patients a day", "30 arrests per week".
RATE_UNITS = frozenset({"day", "week", "month", "hour", "year", "night", "minute"})
RATE_DETS = frozenset({"a", "an", "per", "each", "every"})
# Heads whose "of N people" is a size, not a count of the affected.
POPULATION_HEADS = frozenset({"country", "city", "nation", "town", "population", "region", "state",
                              "province", "capital", "metropolis", "island", "village"})  # fmt: skip
# "our soldiers" is an army speaking of its own: only a person's own family is an anecdote.
ANECDOTE_POSSESSIVES = frozenset({"his", "her", "my"})
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def _ancestors_to(tok: Token, stop: Token | None, limit: int = 8) -> list[Token]:
    out: list[Token] = []
    cur = tok
    for _ in range(limit):
        if cur.head == cur or (stop is not None and cur.i == stop.i):
            break
        cur = cur.head
        out.append(cur)
    return out


def speculative(verb: Token | None) -> bool:
    """ "the toll could reach 2,000", "hundreds may still be trapped", "expected to rise"."""
    if verb is None:
        return False
    if any(c.dep_ in ("aux", "auxpass") and c.lower_ in SPECULATIVE_AUX for c in verb.children):
        return True
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in PROJECTION_HEADS:
        return True
    # "the lake could burst and threaten 5,000 people": a verb joined to a modal one, with no
    # subject or auxiliary of its own, is under the same modal.
    own = any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in verb.children)
    return verb.dep_ == "conj" and not own and verb.head.pos_ in ("VERB", "AUX") and speculative(verb.head)


def anecdote(noun: Token | None) -> bool:
    """ "his five children": a person's own family, not a count of the affected."""
    return noun is not None and any(c.dep_ == "poss" and c.lower_ in ANECDOTE_POSSESSIVES for c in noun.children)


def capacity(noun: Token | None, root: Token) -> bool:
    """ "built for 400 people", "a capacity of 2,000" (not "built for 400 but holding 1,300":
    the noun only counts when the figure is its own)."""
    if noun is not None and root.i not in {x.i for x in noun.subtree}:
        noun = None
    for t in (noun, root):
        if t is None:
            continue
        if t.dep_ == "pobj" and t.head.lower_ == "for" and t.head.head.lemma_.lower() in CAPACITY_VERBS:
            return True
        if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.lemma_.lower() in CAPACITY_NOUNS:
            return True
    return False


# "The plaza holds about 60,000 people", "licensed to carry 120 passengers": what a place or a
# vessel can take, not how many are there.
HOLD_VERBS = frozenset({"hold", "accommodate", "seat", "carry", "take", "fit", "transport"})
PERMIT_VERBS = frozenset({"license", "licence", "certify", "permit", "authorize", "authorise", "rate",
                          "design", "build", "allow", "approve", "register"})  # fmt: skip
VENUE_NOUNS = frozenset({"plaza", "square", "stadium", "arena", "hall", "venue", "park", "ship", "ferry",
                         "boat", "vessel", "bus", "aircraft", "plane", "theatre", "theater", "church",
                         "mosque", "cathedral", "room", "building", "shelter", "tent"})  # fmt: skip
STOCK_VERBS = frozenset({"host", "house", "shelter", "hold", "accommodate"})


def holding(noun: Token | None, verb: Token | None) -> bool:
    """ "The Plaza San Martín holds about 60,000 people standing", "the ferry was licensed to
    carry 120 passengers": a capacity stated with a verb, not a count of those present. A
    present-tense "holds" counts only when a place or a vessel does the holding ("the rebels
    hold 30 hostages" is a count)."""
    if noun is None or verb is None:
        return False
    if verb.lemma_.lower() not in HOLD_VERBS and verb.dep_ in ("ccomp", "xcomp") and noun.head.i == verb.i:
        # "holds about 60,000 people standing": the parser may make the people a clause.
        verb, noun = verb.head, verb
    if verb.lemma_.lower() not in HOLD_VERBS or noun.head.i != verb.i or noun.dep_ not in ("dobj", "ccomp"):
        return False
    if verb.dep_ in ("xcomp", "advcl") and verb.head.lemma_.lower() in PERMIT_VERBS:
        return True
    if verb.tag_ not in ("VBZ", "VBP"):
        return False
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None:
        return False
    if subj.lower_ == "it" and verb.dep_ != "ccomp":
        # "..., though it holds only 40,000": a thing holds (not "the army said it holds 40
        # prisoners", where "it" is the speaker)
        return True
    return subj.ent_type_ in ("FAC", "GPE", "LOC") or any(t.lemma_.lower() in VENUE_NOUNS for t in subj.subtree)


# Time words that make a present-tense stock the event's own: "the camp now hosts 9,000".
_NOW_WORDS = frozenset({"now", "currently", "still", "temporarily"})


def standing_stock(verb: Token | None) -> bool:
    """ "Thailand already hosts about 90,000 refugees", "the country hosts more than a million
    refugees", "coal mining employs about 130,000 people": a standing population or workforce
    stated in the simple present, background rather than a count of the event's own. A
    country or region that hosts, or anything that employs, states a standing fact; "the camp
    now shelters 9,000" is the event's own."""
    if verb is None or verb.tag_ not in ("VBZ", "VBP"):
        return False
    lem = verb.lemma_.lower()
    if lem not in STOCK_VERBS and lem != "employ":
        return False
    mods = {c.lower_ for c in verb.children if c.dep_ == "advmod"}
    if "already" in mods:
        return True
    if mods & _NOW_WORDS or any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        return False
    if lem == "employ":
        return True
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return subj is not None and subj.ent_type_ in ("GPE", "LOC")


def comparison(group: list[Token], noun: Token | None) -> bool:
    """ "down from 41,200 in the same period", "up from a few hundred", "compared with 300".
    Not the source's own figure of a few days before ("up from 19 on Monday", "up from the 27
    he reported on Tuesday", "up from 19 in its morning bulletin"): that is a claim of its own,
    as of that day (``earlier_figure``)."""
    if earlier_figure(group) is not None:
        return False
    for t in (*group, noun):
        if t is None:
            continue
        cur = t
        for _ in range(3):
            if cur.dep_ == "pobj" and cur.head.lower_ == "from" and cur.head.head.lower_ in ("down", "up"):
                return True
            if cur.dep_ == "pobj" and cur.head.lower_ == "from" and cur.head.head.lemma_.lower() in CHANGE_VERBS:
                return True  # "the toll rose to 212 from 180"
            if cur.dep_ == "pobj" and cur.head.head.lower_ in ("compared", "comparison"):
                return True
            if cur.head == cur:
                break
            cur = cur.head
    return False


_RECENT_WORDS = frozenset(d.lower() for d in calendar.day_name) | {
    "yesterday", "morning", "evening", "bulletin", "update", "overnight"
}
_EARLIER_STATEMENT_VERBS = frozenset({"report", "give", "announce", "say", "put", "publish", "issue", "confirm"})


def earlier_figure(group: list[Token]) -> Token | None:
    """The "from" of "up / down from N" when N is the source's own figure of a few days before:
    the phrase names a weekday, a bulletin or yesterday, or the figure "it gave / reported"
    ("up from 19 on Monday", "down from a peak of 23,000 on Monday night", "up from the 27 he
    reported on Tuesday"); not "the same period of 2025", "in June" or "a year ago"."""
    if not group:
        return None
    cur = group[-1]
    for _ in range(4):
        if cur.dep_ == "pobj" and cur.head.lower_ == "from" and cur.head.head.lower_ in ("up", "down"):
            frm = cur.head
            words = {t.lower_ for t in frm.subtree}
            if words & _RECENT_WORDS or any(
                t.lemma_.lower() in _EARLIER_STATEMENT_VERBS and t.dep_ in ("relcl", "acl") for t in frm.subtree
            ):
                return frm
            return None
        if cur.head == cur:
            break
        cur = cur.head
    return None


def rate(noun: Token | None, verb: Token | None) -> bool:
    """ "treating up to 150 patients a day", "300 arrests per week"."""
    for t in (noun, verb):
        if t is None:
            continue
        for c in t.children:
            if c.lemma_.lower() in RATE_UNITS and any(d.lower_ in RATE_DETS for d in c.children):
                return True
            if c.dep_ == "prep" and c.lower_ == "per":
                return True
    return False


def target(noun: Token | None, root: Token, stop: Token | None) -> bool:
    """ "a vaccination campaign targeting some 1.2 million people", "demanding 5,000 nurses";
    not "hundreds of civilians sought shelter" (the subject is not the aim)."""
    cur = noun if noun is not None else root
    for _ in range(4):
        if cur.dep_ in ("nsubj", "nsubjpass") or cur.head == cur or (stop is not None and cur.head.i == stop.i):
            return False
        cur = cur.head
        if cur.lemma_.lower() in TARGET_LEMMAS:
            return True
        if cur.lower_ == "for" and cur.head.lemma_.lower() == "call":
            return True  # "called for 5,000 more nurses" (but "called the claims of 43 dead lies" is no aim)
        if cur.pos_ in ("VERB", "AUX") and cur.dep_ not in ("acl", "xcomp", "pcomp"):
            return False
    return False


def population(noun: Token | None, root: Token) -> bool:
    """ "a country of about 23 million people", "has a population of 14 million"."""
    for t in (noun, root):
        if t is None:
            continue
        if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.lemma_.lower() in POPULATION_HEADS:
            return True
    return False


def _dated_objects(prep: Token) -> list[Token]:
    """The dates a temporal preposition points at: "in 2021", and one noun further, "during
    protests in December 2024" or "a fire in the same area in March 2021" (an event noun or a
    place whose own "in" gives the date)."""
    out: list[Token] = []
    for p in prep.children:
        if p.dep_ not in ("pobj", "conj"):
            continue
        if p.ent_type_ == "DATE":
            out.append(p)
            continue
        for pp in p.children:
            if pp.dep_ == "prep" and pp.lower_ in ("in", "during"):
                out += [x for x in pp.children if x.dep_ == "pobj" and x.ent_type_ == "DATE"]
    return out


def said_at_the_time(say: Token | None, sent_root: Token) -> bool:
    """ "..., the ministry said at the time", "according to the police at the time": a
    statement made back then, so its figures are a past event's, whatever their tense. Only a
    bare "at the time" on the reporting verb or the "according to" source counts ("were in
    the square at the time" dates the figure itself; "at the time of the crash" names a
    moment)."""
    for t in sent_root.subtree:
        if t.lower_ != "time" or t.dep_ != "pobj" or t.head.lower_ != "at":
            continue
        if [c.lower_ for c in t.children] != ["the"]:
            continue
        holder = t.head.head
        if say is not None and holder.i == say.i:
            return True
        if holder.lower_ == "according":
            return True
        if holder.dep_ == "pobj" and holder.head.lower_ == "to" and holder.head.head.lower_ == "according":
            return True
    return False


def background(verb: Token | None, say: Token | None, published: datetime | None, noun: Token | None = None) -> bool:
    """ "in 2011, when 604 people died", "Floods in June 2022 affected 7 million": a year
    before the article's own year attached to the figure's clause marks a past event; so does
    a statement "said at the time". A verb joined to another without a subject of its own shares its time ("an outbreak
    in 2019 infected 9,000 and killed 300"); one with its own subject has its own ("sealed
    twice in 2025, and 3 officials were arrested")."""
    if verb is None or published is None:
        return False
    if said_at_the_time(say, verb.sent.root):
        return True
    chain = [verb]
    for a in _ancestors_to(verb, say, limit=3):
        last = chain[-1]
        if last.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in last.children):
            break
        chain.append(a)
    if noun is not None:
        chain.insert(0, noun)  # "22,000 cholera cases in 2025"
    for v in chain:
        if say is not None and v.i == say.i and v.i != verb.i:
            break  # the reporting verb's own date is when it was said, not a past event
        dates: list[Token] = []
        if v.ent_type_ == "DATE":
            dates.append(v)  # "in 2011, when 604 people died": the clause hangs on the date
        for c in v.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "during", "on"):
                dates += _dated_objects(c)
            elif c.dep_ in ("npadvmod", "nsubj") and c.ent_type_ == "DATE":
                dates.append(c)
            elif c.dep_ == "nsubj":
                # "Floods in the same region in June 2022 affected ..."
                for p in c.children:
                    if p.dep_ == "prep" and p.lower_ in ("in", "during"):
                        dates += _dated_objects(p)
        for d in dates:
            words = " ".join(t.text for t in d.subtree)
            if any(int(y) < published.year for y in _YEAR.findall(words)):
                return True
    return False


CURRENCY_WORDS = frozenset({
    "dollar", "euro", "pound", "sterling", "rupee", "peso", "yen", "yuan", "renminbi", "rand", "naira",
    "shilling", "franc", "dinar", "dirham", "riyal", "rial", "lira", "ruble", "rouble", "baht",
    "ringgit", "taka", "kwacha", "cedi", "birr", "hryvnia", "zloty", "krona", "krone", "kroner",
    "rupiah", "dong", "quetzal", "bolivar", "tenge", "som", "lari", "manat", "afghani", "kyat",
    "leone", "ariary", "cent", "penny", "usd", "eur", "gbp", "inr", "rs", "ksh", "php", "cfa",
})  # fmt: skip
CURRENCY_SYMBOLS = frozenset("$€£₹¥₱₦₩₺₽")
_MONEY_CUES = frozenset({"worth", "valued", "costing"})
_MONEY_NOUNS = frozenset({"compensation", "payment", "payout", "fine", "grant", "loan", "budget", "fund",
                          "donation", "bonus", "salary", "wage", "ransom", "bail", "allowance", "stipend"})  # fmt: skip


def money(group: list[Token]) -> bool:
    """ "relief goods worth 120 million pesos", "compensation of $5,000", "Rs 2 lakh": an amount
    of money is never a count of people or things (no money measure is modelled)."""
    doc = group[0].doc
    first, last = group[0].i, group[-1].i
    if any(t.ent_type_ == "MONEY" or t.tag_ == "$" or any(ch in CURRENCY_SYMBOLS for ch in t.text) for t in group):
        return True
    before = [doc[j] for j in range(max(0, first - 3), first)]
    if any(t.tag_ == "$" or t.text in CURRENCY_SYMBOLS or t.lower_.rstrip(".") in CURRENCY_WORDS for t in before[-1:]):
        return True
    if any(t.lower_ in _MONEY_CUES for t in before):
        return True
    of = doc[first - 1] if first > 0 else None
    if of is not None and of.lower_ == "of" and first > 1 and doc[first - 2].lemma_.lower() in _MONEY_NOUNS:
        return True  # "compensation of 500,000 for each family"
    for j in range(last + 1, min(len(doc), last + 3)):
        t = doc[j]
        lem = t.lemma_.lower().rstrip(".")
        if lem in CURRENCY_WORDS or t.lower_.rstrip(".") in CURRENCY_WORDS or t.text in CURRENCY_SYMBOLS:
            return True
        if t.lower_ not in ("million", "billion", "trillion", "lakh", "crore", "thousand", "us", "u.s."):
            break
    return False


def not_a_claim(
    group: list[Token],
    root: Token,
    noun: Token | None,
    verb: Token | None,
    say: Token | None,
    published: datetime | None,
) -> str | None:
    """Why a figure is not a claim about the event, or None when it may be one."""
    if speculative(verb):
        return "speculative"
    if anecdote(noun):
        return "anecdote"
    if capacity(noun, root) or holding(noun if noun is not None else root, verb):
        return "capacity"
    if standing_stock(verb):
        return "background"
    if comparison(group, noun):
        return "comparison"
    if rate(noun, verb):
        return "rate"
    if target(noun, root, say):
        return "target"
    if population(noun, root):
        return "population"
    if background(verb, say, published, noun):
        return "background"
    return None
