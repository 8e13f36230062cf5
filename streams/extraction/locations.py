"""Where a claim is: places in a clause, resolved through the gazetteer.

A place counts when it sits under a locative preposition ("sent to Russia",
"at Russian bases", "in the far-eastern Primorsky region", "the streets of
Lisbon"), never when it only locates the speaker ("officials in Seoul said",
"U.S. officials") or sits in an "according to" phrase. Among candidates the
most specific resolved place wins (city > region > country).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span, Token

from streams.extraction import attribution
from streams.extraction.events import EVENT_NOUNS
from streams.extraction.parse import ent_text
from streams.extraction.places import Place, gazetteer, resolve_place, slugify

LOC_PREPS = frozenset({"in", "to", "at", "on", "into", "inside", "across", "near", "toward",
                        "towards", "throughout", "within", "onto", "around", "outside",
                        "through", "off", "along", "over"})  # fmt: skip


PLACE_NOUNS = frozenset({"soil", "territory", "base", "bases", "border", "region", "city",
                          "ground", "port", "coast", "town", "village", "province", "capital",
                          "land", "front", "frontline", "area", "side", "street", "streets",
                          "district", "state", "country", "camp", "facility", "basis", "island",
                          "county", "division", "zone", "neighbourhood", "neighborhood", "suburb",
                          "municipality", "prefecture", "governorate", "oblast", "canton", "outskirts", "waters",
                          "water", "township",
                          "airspace", "centre", "center", "heart"})  # fmt: skip
# Kinds of area a name can be given to ("the Hazira industrial estate", "the X border area"):
# a name before one of these, placed in a known place, is a place inside it.
AREA_NOUNS = PLACE_NOUNS | frozenset({"estate", "zone", "belt", "valley", "reserve", "forest", "settlement",
                                      "township", "ward", "enclave", "corridor", "basin", "delta", "plain",
                                      "plateau", "highlands", "hills", "lowlands", "wetlands", "locality",
                                      "suburb", "neighbourhood", "neighborhood", "quarter", "commune",
                                      "pass"})  # fmt: skip
# Named parts of a city or region: "the Ikoyi district of Lagos" is more specific than Lagos.
SUBPLACE_NOUNS = frozenset({"district", "county", "island", "town", "village", "neighbourhood",
                            "neighborhood", "suburb", "municipality", "commune", "quarter", "township",
                            "camp"})  # fmt: skip
# "the <name> city of X", "the <name> port of X": X is that city or port, so the name before
# it describes X rather than lying inside it (unlike "the X district of Y").
_SAME_AS_OF = frozenset({"city", "town", "village", "port", "capital", "province", "state", "region",
                         "country", "island", "municipality", "governorate", "prefecture", "oblast"})  # fmt: skip
_NOT_PLACE_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
# Verbs whose object is where something came FROM, not where the claim happened.
DEPARTURE_VERBS = frozenset({"leave", "depart", "flee", "quit", "evacuate", "abandon"})
TRAVEL_VERBS = frozenset({"leave", "depart", "sail", "set", "travel", "fly", "come", "arrive", "return",
                          "drive", "head", "launch", "originate", "embark"})  # fmt: skip


@dataclass
class Loc:
    name: str
    slug: str
    place: Place | None


def in_source_phrase(tok: Token) -> bool:
    """ "Officials in Seoul said": a place that only locates the speaker."""
    cur = tok
    for _ in range(5):
        if cur.head == cur:
            return False
        if cur.dep_ in ("nsubj", "nsubjpass") and cur.head.lemma_.lower() in attribution.SAY_LEMMAS and not (
            attribution.not_reporting(cur.head)
        ):
            return True
        if cur.lemma_ == "according":
            return True
        cur = cur.head
    return False


def speaker_setting(say: Token | None, opening: bool = False) -> set[int]:
    """Where a statement was made: "told reporters in Nairobi", "told a news conference in
    Lima", "said in Geneva". Such a place locates the speaker, not what the statement is
    about. With ``opening``, also a place the sentence opens with ("In Cairo, the
    spokeswoman said ..."): that one sets the scene of a statement that names no place of
    its own ("In Eldoret, the Red Cross said 2,300 people were sheltering in schools"), so callers look there last."""
    out: set[int] = set()
    if say is None:
        return out
    for c in say.children:
        if c.dep_ == "prep" and c.lower_ in LOC_PREPS and (opening or c.i > say.i):
            out |= {t.i for t in c.subtree}
        elif c.dep_ in ("dobj", "dative", "iobj") and c.pos_ in ("NOUN", "PRON"):
            out |= {t.i for g in c.children if g.dep_ == "prep" and g.lower_ in LOC_PREPS for t in g.subtree}
    return out


def source_tokens(sent: Span, say: Token | None) -> set[int]:
    """Tokens naming sources, which must never be read as the claim's location."""
    out: set[int] = set()
    if say is not None:
        subj = attribution.subject_of(say)
        if subj is not None:
            out |= {t.i for t in subj.subtree}
    acc = attribution.according_to(sent)
    if acc is not None:
        out |= {t.i for t in acc.head.head.subtree} if acc.head.head != acc.head else set()
        out |= {t.i for t in acc.subtree}
    return out


# Buildings, sites and streets: the guideline locates a figure at the city such a thing is in,
# never at the building ("at Wembley Stadium" is London), so a name ending in one of these
# nouns is not a place of its own.
BUILDING_NOUNS = frozenset({"stadium", "arena", "hospital", "clinic", "prison", "jail", "gaol", "penitentiary",
                            "market", "marketplace", "factory", "plant", "refinery", "mine", "school", "university",
                            "college", "academy", "mosque", "church", "cathedral", "temple", "shrine", "synagogue",
                            "airport", "airbase", "station", "terminal", "hotel", "mall", "bridge", "dam", "tower",
                            "building", "palace", "parliament", "embassy", "consulate", "barracks", "headquarters",
                            "square", "street", "avenue", "road", "highway", "boulevard", "park", "centre",
                            "center", "hall", "house", "office", "court", "museum", "theatre", "theater"})  # fmt: skip


# Buildings a town's name is given to ("the Opava hospital", "Lenakel market").
_TOWN_BUILDINGS = frozenset({"hospital", "clinic", "market", "prison", "jail", "airport", "stadium", "station",
                             "port", "school", "mosque", "church"})  # fmt: skip


def is_building(text: str) -> bool:
    """ "Aliu Mahama Stadium", "Kamiti prison": a name whose last word is a building or site noun."""
    words = text.lower().split()
    return len(words) > 1 and words[-1].strip(".,'’") in BUILDING_NOUNS


_COUNTRIES = "cw_countries"


def is_event_name(text: str) -> bool:
    """ "Typhoon Marilou", "Hurricane Oscar": an event's own name, which a tagger may read as
    a place ("the toll from Typhoon Marilou")."""
    return any(w.lower() in EVENT_NOUNS for w in text.split()[:1])


def article_countries(doc: Doc, gaz: Any) -> frozenset[str]:
    """The countries a document names outright (by name, not by demonym): where its places
    are read first. Read once per document and kept on it."""
    found = doc.user_data.get(_COUNTRIES)
    if found is None:
        isos = set()
        for ent in doc.ents:
            if ent.label_ in ("GPE", "LOC"):
                p = gaz.resolve(ent.text, allow_demonym=False)
                if p is not None and p.kind == "country":
                    isos.add(p.code)
        found = frozenset(isos)
        doc.user_data[_COUNTRIES] = found
    return found  # type: ignore[no-any-return]


def loc_candidate(tok: Token, gaz: Any) -> tuple[Place | None, str] | None:
    """A place a token names: (the gazetteer's place or None, the text's words for it).

    A lower-case word is never a place ("tents, mosques and school gyms", "the canton"), nor is
    an event's own name ("Typhoon Marilou") or a building's name (the figure is where the
    building is: "the Opava hospital" is in Opava). A name inside a phrase placed in
    a larger place ("the X border area of Y state", "the X estate in Y") is read as a place in
    that larger one: a gazetteer reading in another country is a namesake, not this place."""
    found = _loc_candidate(tok, gaz)
    if found is None:
        found = _enclosed_name(tok)
    if found is None:
        found = _described_name(tok, gaz)
    if found is not None and is_event_name(found[1]):
        return None
    if found is not None and not _capitalised(found[1]):
        # Not even when the gazetteer knows the word: the small model tags "the canton" or
        # "the river" GPE, and "Canton" (Ohio) or "Rivers" (Nigeria) are real places.
        return None
    if found is None and tok.pos_ == "PROPN" and tok.dep_ == "compound" and tok.head.lemma_.lower() in _TOWN_BUILDINGS:
        # "turned away from the Opava hospital": a building named after its town is in that town
        name = _compound_run(tok)
        if tok.i == tok.head.i - 1 and name[:1].isupper():
            p = gaz.resolve(name, allow_demonym=False)
            if p is not None and p.kind != "country":
                return gaz.namesake(p, article_countries(tok.doc, gaz)) or p, name
    if found is not None and found[0] is None and is_building(found[1]):
        return None
    if found is not None and found[0] is not None and found[0].kind != "country":
        outer = enclosing_place(tok)
        if outer is not None and outer.country != found[0].country:
            return None, found[1]  # "the San Jose area of Nueva Ecija province": not the namesake abroad
    if found is not None and found[0] is not None:
        other = gaz.namesake(found[0], article_countries(tok.doc, gaz))
        if other is not None:
            found = other, found[1]
    if found is None and tok.pos_ == "PROPN" and tok.dep_ == "pobj":
        found = _split_name(tok)
    if found is None and tok.pos_ == "PROPN" and tok.text[:1].isupper() and tok.dep_ == "pobj":
        # "the Italian island of Lampedusa": a name the gazetteer may not know.
        head = tok.head
        if head.lower_ == "of" and head.head.lemma_.lower() in PLACE_NOUNS and not _not_a_name(tok):
            # The small model often tags such names PERSON or NORP; "town of" outweighs it.
            if tok.ent_type_ in ("GPE", "LOC", "FAC"):
                text = ent_text(tok)
            else:  # "the island of Abu Musa": the whole name, whatever the model tagged it
                text = " ".join(t.text for t in tok.lefts if t.dep_ == "compound" and t.pos_ == "PROPN")
                text = f"{text} {tok.text}".strip()
            return resolve_place(text), text
    return found


_CALENDAR = frozenset({"january", "february", "march", "april", "may", "june", "july", "august", "september",
                       "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
                       "saturday", "sunday"})  # fmt: skip


def _not_a_name(tok: Token) -> bool:
    """A date, time or number the tagger rightly tagged; a name it tagged DATE because a word
    looks like a month abbreviation ("the village of Zinda Jan") is still a name."""
    if tok.ent_type_ not in _NOT_PLACE_ENTS:
        return False
    if tok.ent_type_ not in ("DATE", "TIME"):
        return True
    span = [t for t in tok.doc[max(tok.i - 3, 0) : tok.i + 1] if t.ent_type_ == tok.ent_type_ and t.i <= tok.i]
    return any(t.like_num or t.lower_ in _CALENDAR for t in span) or not all(t.pos_ == "PROPN" for t in span)


_KNOWN = "cw_named_places"


def remember_place(doc: Doc, name: str) -> None:
    """Note a place name the gazetteer does not know but the text has shown to be a place
    ("the village of Kawo", "the X border area of Y state"), so later mentions of the
    bare name ("troops dug in inside Kawo") are read as that place whatever the tagger says."""
    doc.user_data.setdefault(_KNOWN, set()).add(_known_key(name))


def _known_place(doc: Doc, name: str) -> bool:
    known: set[str] | None = doc.user_data.get(_KNOWN)
    return known is not None and _known_key(name) in known


def _known_key(name: str) -> str:
    return slugify(name.removeprefix("the ").removeprefix("The "))


_IN_PLACE = frozenset({"in", "at", "near", "inside", "into", "off", "outside", "around"})


def _name_end(tok: Token) -> int:
    """The index of the last token of ``tok``'s entity (or ``tok`` itself)."""
    if not tok.ent_type_:
        return tok.i
    j = tok.i
    while j + 1 < len(tok.doc) and tok.doc[j + 1].ent_iob_ == "I":
        j += 1
    return j


def _capitalised(name: str) -> bool:
    """ "Kawo", "el-Obeid" (a lower-case particle before a capitalised name), not "school gyms"."""
    return any(part[:1].isupper() for part in re.split(r"[\s-]+", name.removeprefix("the ")))


def _phrase_head(tok: Token) -> Token:
    """The noun a name modifies: "Hazira" in "the Hazira industrial estate" -> "estate"."""
    h = tok
    for _ in range(4):
        if h.dep_ in ("compound", "nmod") and h.head.pos_ in ("NOUN", "PROPN") and h.head.i > h.i:
            h = h.head
        else:
            break
    return h


def enclosing_place(tok: Token) -> Place | None:
    """The resolved place a name's phrase says it lies in: "the X estate in India's Odisha
    state" -> Odisha, "the X border area of Y state" -> Y (the most specific one named), else
    the place that owns it ("Y's X Pass" -> Y)."""
    if tok.pos_ != "PROPN" or tok.ent_type_ == "NORP":
        return None  # "the Ghanaian city of Tamale": the country's adjective is not inside Tamale
    head = _phrase_head(tok)
    best: Place | None = None
    # "Kwatas, a farming village in Plateau state", "Ashulia, an industrial suburb of Dhaka":
    # an apposition saying what kind of place the name is, and where.
    # The apposition must follow the name directly ("X, a town in Y"): after another phrase
    # ("the Niger River near Gaya, a town in Dosso") it describes that phrase's name.
    described = _place_apposition(head)
    preps = [(p, h) for h in (head, *described) for p in h.children]
    for prep, holder in preps:
        if prep.dep_ != "prep" or prep.lower_ not in ("in", "of"):
            continue
        if prep.lower_ == "of" and (holder == tok or holder.lemma_.lower() not in AREA_NOUNS):
            continue  # "the Democratic Republic of Congo": an "of" inside a name is part of it
        if prep.lower_ == "of" and holder.lemma_.lower() in _SAME_AS_OF and holder not in described:
            # "the Black Sea city of Poti": Poti is the city, not a place around the name (but
            # "Birao, the main town of Vakaga prefecture": the town lies in Vakaga)
            continue
        for obj in prep.children:
            if obj.dep_ != "pobj":
                continue
            for t in (obj, *(c for c in obj.lefts if c.dep_ in ("compound", "poss", "nmod", "amod"))):
                found = _loc_candidate(t, gazetteer())
                p = found[0] if found is not None else None
                if p is not None and (best is None or RANK.get(p.kind, 0) > RANK.get(best.kind, 0)):
                    best = p
    if best is None:
        # "over Afghanistan's Salang Pass", "Chile's Atacama desert": the possessor is the
        # place the named feature lies in.
        for c in head.children:
            if c.dep_ == "poss" and c != tok and c.ent_type_ != "NORP":
                found = _loc_candidate(c, gazetteer())
                if found is not None and found[0] is not None:
                    best = found[0]
    return best


def _place_apposition(head: Token) -> list[Token]:
    """The apposition right after a name that says what kind of place it is ("Birao, the
    main town of Vakaga", "Sebagoro, a fishing village in Kikuube district")."""
    return [c for c in head.children if c.dep_ == "appos" and c.lemma_.lower() in AREA_NOUNS
            and all(t.is_punct for t in head.doc[head.i + 1 : c.left_edge.i])]  # fmt: skip


def _described_name(tok: Token, gaz: Any) -> tuple[Place | None, str] | None:
    """A name the parser tags as an organisation is still a place when the text says what
    kind of place it is: the small model reads unknown towns ("Birao", "Sebagoro") as ORG."""
    if tok.pos_ != "PROPN" or not tok.text[:1].isupper() or tok.ent_type_ in ("PERSON", "NORP"):
        return None
    if tok.dep_ == "compound" or not _place_apposition(tok):
        return None
    words = [t.text for t in tok.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"]
    name = " ".join([*words, tok.text])
    return gaz.resolve(name, allow_demonym=False), name


def _enclosed_name(tok: Token) -> tuple[Place | None, str] | None:
    """ "in the remote Wadi Zam border area of Kassala state": a proper name before a place
    noun the gazetteer does not know is still a place when its phrase is placed in a known one
    (the last word of a run of names stands for the whole run)."""
    if tok.pos_ != "PROPN" or tok.dep_ not in ("compound", "nmod") or tok.head.lemma_.lower() not in AREA_NOUNS:
        return None
    if tok.ent_type_ in _NOT_PLACE_ENTS:
        return None  # (a PERSON tag is the tagger guessing at an unknown name: the structure wins)
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and nxt.pos_ == "PROPN" and nxt.head == tok.head:
        return None  # not the last word of the name
    if enclosing_place(tok) is None:
        return None
    k = tok.i
    doc = tok.doc
    while k > 0:
        prev = doc[k - 1]
        if prev.text == "-" and not prev.whitespace_ and k >= 2 and not doc[k - 2].whitespace_:
            k -= 2  # "el-Obeid": the word before the hyphen, whatever its case
            continue
        if not (prev.text[:1].isupper() and prev.is_alpha and prev.head.i in (tok.i, tok.head.i)):
            break  # "the remote Ol Kalou area": capitalised words of the name, whatever their tags
        k -= 1
    name = doc[k : tok.i + 1].text.replace(" - ", "-")
    return resolve_place(name), name


def _split_name(tok: Token) -> tuple[Place | None, str] | None:
    """ "in Nam Tra My district": a name the parser broke up ("My" read as a pronoun) is still
    the run of capitalised words before the place noun that follows it."""
    doc = tok.doc
    j = tok.i + 1
    while j < len(doc) and j <= tok.i + 3 and doc[j].is_alpha and doc[j].text[:1].isupper():
        j += 1
    if j == tok.i + 1 or j >= len(doc) or doc[j].lower_ not in SUBPLACE_NOUNS:
        return None
    k = tok.i
    while k > 0 and doc[k - 1].dep_ == "compound" and doc[k - 1].pos_ == "PROPN" and doc[k - 1].head.i >= tok.i:
        k -= 1
    text = doc[k : j + 1].text
    return resolve_place(text), text


def _compound_run(tok: Token) -> str:
    """ "Tana River" for "River" in "Tana River county": the proper nouns compounded onto the
    last word of a name (the parser chains them: "Tana" -> "River")."""
    doc = tok.doc
    k = tok.i
    # The parser chains them ("Tana" -> "River") or hangs each on the noun ("Quang" and "Nam"
    # -> "province"): either way the words up to the noun are one name.
    last = tok.head.i if tok.dep_ == "compound" and tok.head.i > tok.i else tok.i
    while k > 0 and doc[k - 1].pos_ == "PROPN" and doc[k - 1].dep_ == "compound" and k <= doc[k - 1].head.i <= last:
        k -= 1
    run = _hyphenated(tok) if k == tok.i else f"{doc[k : tok.i].text} {tok.text}"
    if k >= 2 and doc[k - 1].lower_ in ("'s", "’s") and doc[k - 2].pos_ == "PROPN":
        # "Bangladesh's Cox's Bazar district": a possessive inside a name, when the gazetteer
        # knows the whole ("Kenya's Tana River" stays "Tana River").
        whole = f"{doc[k - 2].text}'s {run}"
        if resolve_place(whole) is not None:
            return whole
    return run


def _hyphenated(tok: Token) -> str:
    """ "Jalal-Abad" is parsed as "Jalal", "-", "Abad": the whole name for the last part."""
    doc = tok.doc
    i = tok.i
    if i >= 2 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_ and not doc[i - 2].whitespace_:
        return f"{doc[i - 2].text}-{tok.text}"
    return tok.text


_SHARED_EDGES = frozenset({"border", "frontier", "boundary", "borderline"})
# Ground a place owns: "Tanna's east coast", "Goma's outskirts" are in Tanna and Goma.
_OWNED_GROUND = frozenset({"coast", "shore", "coastline", "outskirts", "edge", "interior", "hinterland", "waters",
                           "hills", "highlands", "countryside", "suburbs", "heart", "centre", "center"})  # fmt: skip
_REGION_KIND_NOUNS = frozenset({"province", "region", "state", "county", "prefecture", "governorate", "department",
                                "oblast", "canton"})  # fmt: skip


def _loc_candidate(tok: Token, gaz: Any) -> tuple[Place | None, str] | None:
    found = _named_kind(tok)
    return found if found is not None else _loc_candidate_any(tok, gaz)


def _named_kind(tok: Token) -> tuple[Place | None, str] | None:
    """ "the province of Isabela": the noun says which reading of the name is meant (the
    province, not the city of the same name)."""
    if tok.dep_ != "pobj" or tok.pos_ != "PROPN" or tok.head.lower_ != "of":
        return None
    noun = tok.head.head.lemma_.lower()
    if noun not in _REGION_KIND_NOUNS or tok.head.head.pos_ != "NOUN":
        return None
    text = ent_text(tok) if tok.ent_type_ in ("GPE", "LOC") else tok.text
    p = resolve_place(f"{text} {noun}")
    return (p, text) if p is not None and p.kind == "region" else None


def _loc_candidate_any(tok: Token, gaz: Any) -> tuple[Place | None, str] | None:
    if tok.pos_ == "PROPN" and tok.dep_ in ("compound", "amod", "nmod") and tok.head.lemma_.lower() in PLACE_NOUNS:
        name = _hyphenated(tok)
        run = _compound_run(tok)
        if run != name:  # "Tana River county": the whole name before the place noun, first
            p = resolve_place(f"{run} {tok.head.text}")
            if p is not None:
                return p, f"{run} {tok.head.text}"
            p = resolve_place(run)
            if p is not None:
                return p, run
        else:  # not the last word alone: "East county" is not the name of "Kapoeta East county"
            p = resolve_place(f"{name} {tok.head.text}")
            if p is not None:
                return p, f"{name} {tok.head.text}"
        noun = tok.head.lemma_.lower()
        adjacent = tok.i == tok.head.i - 1  # the name's last word, so the run is the whole name
        if noun in SUBPLACE_NOUNS | _REGION_KIND_NOUNS and adjacent and tok.ent_type_ not in _NOT_PLACE_ENTS:
            return None, f"{run} {tok.head.text}"  # "the Ikoyi district of Lagos", "Budi county"
    ground = tok.head.lemma_.lower() in _OWNED_GROUND or tok.head.lower_ in _OWNED_GROUND
    if (
        ground
        and tok.pos_ == "PROPN"
        and tok.dep_ == "poss"
        and tok.head.dep_ == "pobj"
        and tok.head.head.lower_ in LOC_PREPS
        and tok.ent_type_ not in ("ORG", "NORP")
    ):
        # "dead on Tanna's east coast", "on the outskirts of X" said as "X's outskirts": the
        # ground's owner is the place, whatever the tagger calls the name
        name = _compound_run(tok)
        if name[:1].isupper() and not is_event_name(name):
            p = resolve_place(name)
            if p is not None and p.kind != "country" and p.country not in article_countries(tok.doc, gaz):
                p = None  # "Tanna" is no town in India: a namesake abroad is not this ground's owner
            return p, name
    if (tok.ent_type_ in ("GPE", "LOC", "FAC") and tok.ent_iob_ == "B") or (
        tok.ent_type_ in ("GPE", "LOC") and tok.dep_ in ("pobj", "poss", "compound")
    ):
        if tok.ent_iob_ == "I" and tok.lemma_.lower() in PLACE_NOUNS and any(
            c.dep_ == "compound" and c.pos_ == "PROPN" for c in tok.lefts
        ):
            return None  # "Elgeyo Marakwet county": its name words already name it
        text = ent_text(tok)
        return resolve_place(text), text
    if tok.ent_type_ in ("ORG", "FAC") and tok.ent_iob_ == "I" and tok.pos_ == "PROPN" and tok.dep_ == "pobj" and (
        tok.head.lower_ in ("in", "at") and tok.head.ent_iob_ == "I"
    ):
        # "the National Congress in Buenos Aires", tagged as one organisation: the name after
        # "in" inside it is where the building is.
        run = _compound_run(tok)
        p = resolve_place(run)
        if p is not None:
            return p, run
    if not tok.ent_type_ and tok.pos_ == "PROPN" and tok.dep_ == "compound" and tok.head.lemma_.lower() in PLACE_NOUNS:
        p = resolve_place(f"{tok.text} {tok.head.text}")
        if p is not None:
            return p, f"{tok.text} {tok.head.text}"
    if tok.pos_ == "PROPN" and tok.dep_ in ("pobj", "conj", "appos") and tok.ent_type_ not in ("DATE", "NORP"):
        text = ent_text(tok) if tok.ent_type_ else tok.text
        p = resolve_place(text)
        if p is not None:
            return p, text
        if _known_place(tok.doc, text):
            return None, text  # "inside Wadi Zam": a name the article already placed
    # "46 schools in Kapoeta North", "people in Gode Zone": the small model tags many two-word
    # district names ORG; one with no word of a body is the place it seems.
    org_in = tok.pos_ == "PROPN" and tok.dep_ == "pobj" and tok.ent_type_ == "ORG" and tok.head.lower_ == "in"
    if org_in and tok.i == _name_end(tok) and _place_like_org(ent_text(tok)):
        return None, ent_text(tok)
    if tok.pos_ == "PROPN" and tok.dep_ == "pobj" and tok.ent_type_ in ("NORP", "PERSON", ""):
        # "crushed by a wall in Cauayan": the small model tags many unfamiliar town names as a
        # people or a person; the object of "in"/"at"/"near" that is no demonym is a place.
        text = ent_text(tok) if tok.ent_type_ else tok.text
        if tok.head.lower_ in _IN_PLACE and tok.i == _name_end(tok) and gaz.nationality(text) is None:
            return gaz.resolve(text, allow_demonym=False), text
    if tok.ent_type_ == "NORP" and tok.head.lemma_.lower() in PLACE_NOUNS:
        if tok.head.lemma_.lower() in _SHARED_EDGES:
            return None  # "near the Iranian border": a border has two sides; it names no side
        text = ent_text(tok)
        p = resolve_place(text)
        if p is not None:
            return p, p.name
    return None


# Words of a body's name ("in the Ministry of Health", "in Hope Hospital"): not a place.
_BODY_NAME_WORDS = attribution.BODY_HEADS | frozenset({
    "party", "bank", "group", "university", "school", "church", "parliament", "congress", "assembly", "court",
    "inc", "ltd", "corp", "corporation", "fund", "foundation",
})  # fmt: skip


def _place_like_org(name: str) -> bool:
    """A name tagged ORG that reads as a place: two or more capitalised words, none of them a
    body's ("Kapoeta North", "Gode Zone"; not "Hope Hospital", "the Liberal Party", "NATO")."""
    words = name.removeprefix("the ").split()
    return (
        len(words) >= 2
        and all(w[:1].isupper() and not w.isupper() for w in words)
        and not any(w.lower().strip(".,") in _BODY_NAME_WORDS for w in words)
        and not is_building(name)
    )


def departed_from(tok: Token) -> bool:
    """ "the boat had left the port of Zuwara", "fled from Goma": where it came from.

    Only the place's own noun phrase counts ("the port of X", "X's harbour"), so "the
    toll from the earthquake in Turkey" is still in Turkey."""
    cur = tok
    for _ in range(6):
        if cur.head == cur:
            return False
        if cur.dep_ == "dobj" and cur.head.lemma_.lower() in DEPARTURE_VERBS:
            return True
        if cur.dep_ == "pobj" and cur.head.lower_ == "from" and cur.head.head.lemma_.lower() in TRAVEL_VERBS:
            return True  # "sailed from Zuwara" (but "evacuated from Sindh" happened in Sindh)
        fled = cur.head.head if cur.dep_ == "pobj" and cur.head.dep_ == "prep" else None
        if fled is not None and fled.dep_ == "dobj" and fled.head.lemma_.lower() in _ESCAPE_VERBS:
            return True  # "fleeing fighting around El Geneina": where they came from
        if cur.dep_ in ("compound", "poss", "appos", "amod"):
            cur = cur.head
        elif cur.dep_ == "pobj" and cur.head.lower_ == "of":
            cur = cur.head.head
        else:
            return False
    return False


_ESCAPE_VERBS = frozenset({"flee", "escape"})
# Verbs that carry people away from where something befell them: the place they were carried
# "to" is a destination ("airlifted to the capital"), never where they were hurt or uprooted.
# ("sent to X", "deployed to X" are not here: a force sent somewhere is present there.)
CONVEY_VERBS = frozenset({"fly", "airlift", "evacuate", "transfer", "rush", "ferry", "helicopter", "medevac",
                          "relocate", "bus", "ship", "truck"})  # fmt: skip
_COMPASS_POINTS = frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast",
                             "southwest", "north-east", "north-west", "south-east", "south-west"})  # fmt: skip


def under_loc_prep(tok: Token, top: Token | None) -> bool:
    if departed_from(tok):
        return False
    cur = tok
    for _ in range(8):
        if (top is not None and cur == top) or cur.head == cur:
            return False
        if cur.dep_ == "pobj" and cur.head.lower_ == "to" and cur.head.head.lemma_.lower() in CONVEY_VERBS:
            return False  # "wounded and flown to X for treatment": where they were taken, not where hurt
        if cur.dep_ == "pobj" and cur.head.lower_ in LOC_PREPS:
            return cur.head.head.lemma_ != "accord" and not locates_place_before(cur.head)
        if cur.dep_ == "pobj" and cur.head.lower_ == "of" and cur.head.head.lemma_.lower() in PLACE_NOUNS:
            return True  # "the streets of Lisbon", "the city of Malatya"
        if cur.dep_ == "pobj" and cur.head.lower_ == "of" and cur.head.head.lower_ in _COMPASS_POINTS:
            return True  # "in the hills north of Calistoga", "30 km south of the island"
        if cur.dep_ == "pobj" and cur.head.lower_ == "from" and _evacuated_from(cur.head):
            return True  # "the evacuation of 1,200 residents from Aljaraque" happened there
        if cur.dep_ == "pobj" and cur.head.lower_ in ("with", "from", "against", "between"):
            return False  # "near the border with Ukraine" is not in Ukraine
        cur = cur.head
    return False


def locates_place_before(prep: Token) -> bool:
    """ "off Baubau, on Buton island", "Aljaraque, near Huelva": a locative phrase set off by a
    comma right after a place below country level only says where that place is; the place
    before it is the one meant (a country before it is coarser: "in Syria, near Aleppo")."""
    doc = prep.doc
    i = prep.i
    if i < 2 or doc[i - 1].text != "," or doc[i - 2].pos_ != "PROPN":
        return False
    c = loc_candidate(doc[i - 2], gazetteer())
    return c is not None and (c[0] is None or c[0].kind != "country")


_EVACUATION = frozenset({"evacuate", "evacuation", "relocate", "relocation", "airlift", "rescue"})


def _evacuated_from(prep: Token) -> bool:
    """ "evacuated from Sindh", "the evacuation of 1,200 residents from Aljaraque": people taken
    out of a place were affected in it (unlike "people from Myanmar", "sailed from Zuwara")."""
    cur = prep.head
    for _ in range(3):
        if cur.lemma_.lower() in _EVACUATION:
            return True
        if cur.dep_ == "pobj" and cur.head.lower_ == "of":
            cur = cur.head.head
        else:
            return False
    return False


RANK = {"city": 3, "region": 2, "country": 1}


def specificity(place: Place | None, text: str, tok: Token | None = None) -> int:
    """City > region > country; a named district, county or island the gazetteer does not
    know ("the Ikoyi district of Lagos", "Napa County", "the island of Lampedusa") is finer
    than a city; a name whose phrase is placed inside a known place ("the X estate in Odisha
    state") is finer than that place; any other unknown name ranks below every resolved place."""
    words = text.lower().split()
    sub = bool(words) and words[-1] in SUBPLACE_NOUNS
    if tok is not None and not sub:
        sub = (tok.dep_ == "compound" and tok.head.lemma_.lower() in SUBPLACE_NOUNS) or (
            tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lemma_.lower() in SUBPLACE_NOUNS
        )
    if place is not None:
        rank = RANK.get(place.kind, 0) + (1 if sub and place.kind == "region" else 0)
    else:
        rank = 4 if sub else 0
    outer = enclosing_place(tok) if tok is not None else None
    if outer is not None and (place is None or (place.code != outer.code and place.country == outer.country)):
        # "the X estate in Odisha state": X lies inside Odisha, so it is finer than Odisha.
        rank = max(rank, RANK.get(outer.kind, 0) + 1)
    return rank


def make_loc(place: Place | None, text: str) -> Loc:
    """The claim's place: the text's own words when they name the same gazetteer place
    (so "Kasai province" stays as written), else the gazetteer's name; the slug is always
    the gazetteer's, so wordings share one claim key."""
    words = text.split()
    if words and words[0].lower() == "the":
        text = " ".join(words[1:])
    if place is None:
        return Loc(text, slugify(text), None)
    same = gazetteer().resolve(text, allow_demonym=False)
    name = text if same is not None and same.code == place.code else place.name
    return Loc(name, place.slug, place)


def best_location(cands: list[tuple[Place | None, str]], ranks: list[int] | None = None) -> Loc | None:
    if not cands:
        return None
    rk = ranks or [specificity(p, t) for p, t in cands]
    best = max(range(len(cands)), key=lambda i: rk[i])  # first of the most specific
    p, text = cands[best]
    return make_loc(p, text)


def other_clauses(top: Token) -> set[int]:
    """Tokens of clauses inside ``top`` that speak of something else: relative clauses
    ("Sunamganj district, where the river rose") and clauses with their own reporting verb
    ("..., while the Red Cross said its teams treated 900 people in Goma")."""
    out: set[int] = set()
    for t in top.subtree:
        if t.i in out or t.i == top.i:
            continue
        if t.dep_ == "relcl" or (
            t.dep_ in ("advcl", "conj", "ccomp")
            and any(x.lemma_.lower() in attribution.SAY_LEMMAS and x.pos_ == "VERB" for x in t.subtree)
        ):
            out |= {x.i for x in t.subtree}
    return out


_CIRCUMSTANCE_MARKS = frozenset({"since", "as", "while", "though", "although"})


def circumstances(top: Token, subject: Token) -> set[int]:
    """ "9,000 crossed into Tak province since fighting erupted around Myawaddy", "214 were
    admitted in Andalusia as temperatures in Seville climbed": a clause giving the time or the
    setting of the figure is not where the figure is ("when"/"after" clauses are the event
    itself: "killed when insurgents raided villages in Macomia")."""
    out: set[int] = set()
    for t in top.subtree:
        if t.i in out or t == top or t.left_edge.i <= subject.i <= t.right_edge.i:
            continue
        if t.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _CIRCUMSTANCE_MARKS for m in t.children):
            out |= {x.i for x in t.subtree}
        elif t.dep_ == "conj" and any(m.dep_ == "mark" and m.lower_ == "that" for m in t.children):
            # "He said 11 of the dead were children and that 450 homes had burned in Chai":
            # a second reported statement has its own place.
            out |= {x.i for x in t.subtree}
    return out


def _names_place(tok: Token, gaz: Any) -> bool:
    """ "Van province": the noun or its name-compound is a place."""
    if loc_candidate(tok, gaz) is not None:
        return True
    return any(c.dep_ == "compound" and loc_candidate(c, gaz) is not None for c in tok.children)


def _named_area(tok: Token, gaz: Any) -> bool:
    """ "X district", "the municipality of X": an area noun with its place name."""
    named = [o for p in tok.children if p.dep_ == "prep" and p.lower_ == "of" for o in p.children if o.dep_ == "pobj"]
    return _names_place(tok, gaz) or any(loc_candidate(o, gaz) is not None for o in named)


def antecedent_place(top: Token, gaz: Any) -> Loc | None:
    """ "Kasai-Central, where officials counted 230 cases": a relative clause about a place
    is in that place."""
    cur = top
    for _ in range(4):
        if cur.dep_ == "relcl":
            subj = next((c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is not None and subj.lemma_.lower() in SUBPLACE_NOUNS | _SAME_AS_OF and _named_area(subj, gaz):
                return None  # "..., where the municipality of X has recorded 187 cases": X's own figure
            if cur.head.ent_type_ in ("ORG", "PERSON", "FAC") and resolve_place(ent_text(cur.head)) is None:
                return None  # "the Kandilli Observatory, which has recorded ...": not a place
            c = loc_candidate(cur.head, gaz)
            if c is None:
                c = next((x for t in cur.head.lefts if (x := loc_candidate(t, gaz)) is not None), None)
            return make_loc(*c) if c is not None else None
        if cur.head == cur:
            return None
        cur = cur.head
    return None


_PART_PREPS = frozenset({"including", "among", "excluding"})


def parts_elsewhere(top: Token, subject: Token) -> set[int]:
    """ "184,300 cases, including 21,600 in the capital", "41 missing, most of them in Samar",
    "2,310 cases, 1,480 of them in Kitwe":
    where a part of the figure is, is not where the whole is (unless the claim is that part)."""
    out: set[int] = set()
    for t in top.subtree:
        if t.dep_ == "appos" and t.like_num and t.head.i == subject.i:
            # "five people died - three in X and two in Y": the parts set beside the count.
            out |= {x.i for x in t.subtree}
        if (
            t.like_num
            and t.pos_ == "NUM"
            and t.head.i != subject.i
            and not (t.left_edge.i <= subject.i <= t.right_edge.i)
        ):
            # "21 of the dead were in X, and 9 in Y": a place hung on another number is that
            # count's place, however the parser attached the number.
            for c in t.children:
                if c.dep_ == "prep" and c.lower_ in LOC_PREPS:
                    out |= {x.i for x in c.subtree}
        if t.dep_ == "prep" and t.lower_ in _PART_PREPS and not (t.left_edge.i <= subject.i <= t.right_edge.i):
            out |= {x.i for x in t.subtree}
        if (t.lower_ in _PARTITIVES or t.like_num) and _of_them(t) and t.i != subject.i:
            # "41 people were missing, most of them in Samar": where most of them are.
            for c in t.children:
                if c.dep_ == "prep" and c.lower_ != "of" and not (c.left_edge.i <= subject.i <= c.right_edge.i):
                    out |= {x.i for x in c.subtree}
    return out


_PARTITIVES = frozenset({"most", "many", "some", "half", "several", "majority", "one", "two", "three", "dozens"})


def _of_them(t: Token) -> bool:
    """ "most of them", "half of whom": a part of the figure just given."""
    return any(
        c.dep_ == "prep" and c.lower_ == "of" and any(p.lower_ in ("them", "whom", "those") for p in c.children)
        for c in t.children
    )


def location_in(top: Token, exclude: set[int], gaz: Any, subject: Token) -> Loc | None:
    """The place a clause puts its subject: "sent to Russia", "at Russian bases". A place in
    the counted phrase itself ("three in the town of X", "two who were crushed by a wall in Y") is
    that count's place before any other in the clause."""
    nat_tokens = {t.i for c in subject.lefts for t in c.subtree}
    parts = parts_elsewhere(top, subject)
    own = _own_place(subject, exclude | nat_tokens | parts, gaz)
    if own is not None:
        return own
    skip = exclude | nat_tokens | other_clauses(top) | parts | circumstances(top, subject)
    skip |= _described_elsewhere(top, subject)
    cands: list[tuple[Place | None, str]] = []
    ranks: list[int] = []
    for t in top.subtree:
        if t.i in skip:
            continue
        c = loc_candidate(t, gaz)
        if c is not None and t.dep_ == "conj" and _names_place(t.head, gaz):
            continue  # "in Van province and neighbouring Hakkari": the first place of a list
        if c is not None and under_loc_prep(t, top):
            cands.append(c)
            ranks.append(specificity(c[0], c[1], t))
    return best_location(cands, ranks) or antecedent_place(top, gaz)


def _described_elsewhere(top: Token, subject: Token) -> set[int]:
    """ "killed 2 commanders of a gang based in X": a participle clause describing a noun that
    is not itself a place of the event says where that thing is from, not where the figure
    is ("at a camp located in X" is a place of the event, so it stays)."""
    out: set[int] = set()
    for t in top.subtree:
        if t.dep_ != "acl" or t.head == subject or t.head.pos_ not in ("NOUN", "PROPN"):
            continue
        if not under_loc_prep(t.head, top) and not (t.head.left_edge.i <= subject.i <= t.head.right_edge.i):
            out |= {x.i for x in t.subtree}
    return out


def _own_place(subject: Token, skip: set[int], gaz: Any) -> Loc | None:
    """The place inside the counted phrase: its own locative phrases and relative clause,
    not those of the counts listed beside it ("three in X and two in Y")."""
    if subject.pos_ not in ("NUM", "NOUN", "PROPN"):
        return None
    aside = {x.i for c in subject.children if c.dep_ in ("conj", "appos") for x in c.subtree}
    # "two commanders of a gang based in X": a clause about another noun of the phrase.
    aside |= {x.i for t in subject.subtree if t.dep_ in ("relcl", "acl") and t.head != subject for x in t.subtree}
    cands: list[tuple[Place | None, str]] = []
    ranks: list[int] = []
    for t in subject.subtree:
        if t.i in skip or t.i in aside or t == subject:
            continue
        c = loc_candidate(t, gaz)
        if c is not None and under_loc_prep(t, subject):
            cands.append(c)
            ranks.append(specificity(c[0], c[1], t))
    return best_location(cands, ranks)


def location_in_sentence(sent: Span, exclude: set[int], gaz: Any, subject: Token) -> Loc | None:
    return location_in(sent.root, exclude, gaz, subject)


_NOT_INSIDE = frozenset({"with", "from", "against", "between"})


def cands_in(prep: Token, gaz: Any, skip: set[int]) -> list[tuple[Place | None, str]]:
    """Places inside a locative phrase, except those only beside it ("near the border with Ukraine")."""
    out: list[tuple[Place | None, str]] = []
    aside = {x.i for t in prep.subtree if t.dep_ == "relcl" for x in t.subtree}  # "..., which borders X"
    for t in prep.subtree:
        if t.i in skip or t.i in aside:
            continue
        c = loc_candidate(t, gaz)
        if c is None:
            continue
        cur, beside = t, False
        while cur.i != prep.i and cur.head != cur:
            if cur.dep_ == "pobj" and cur.head.lower_ in _NOT_INSIDE and cur.head.i != prep.i:
                beside = True
                break
            cur = cur.head
        if not beside:
            out.append(c)
    return out
