"""Where a figure is, when its own clause names no place: the rules of the place cascade
that read more than the clause.

A district or a recording country as the clause's subject (``place_subject``); "there",
"the district", "the capital", "the country" (``deictic_location``); the hospital whose
staff count the patients (``facility_place``); the area a public body or local official
speaks for (``jurisdiction``, ``local_official``); a national tally (``names_the_nation``);
and where a source's statement was (``statement_place``, ``continued_place``) for its
next sentence. Each rule returns a place or None; the cascade's order is the figure
stage's.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Span, Token

from streams.extraction import attribution
from streams.extraction.discourse import Discourse
from streams.extraction.forces import SPEAKER_POSSESSIVES
from streams.extraction.locations import (
    Loc,
    best_location,
    enclosing_place,
    loc_candidate,
    make_loc,
    parts_elsewhere,
    speaker_setting,
    specificity,
    under_loc_prep,
)
from streams.extraction.parse import ent_text
from streams.extraction.places import Place, gazetteer, slugify

# "reached the country", "had 11,500 personnel in the east": the story's country.
_COUNTRY_WORDS = frozenset({"country", "nation", "east", "west", "north", "south", "northeast",
                            "northwest", "southeast", "southwest"})  # fmt: skip

# Public bodies that speak for the area they govern ("the Osh regional administration").
_PUBLIC_BODIES = frozenset({"ministry", "department", "administration", "government", "council", "hall",
                            "municipality", "mayor", "governor", "authority", "secretariat", "prefecture"})  # fmt: skip

# Places whose staff count the people in them ("doctors at X Hospital said they treated 40").
_FACILITY_NOUNS = frozenset({"hospital", "clinic", "infirmary", "morgue", "mortuary"})

_ANAPHORIC_PLACES = frozenset({"district", "town", "city", "village", "province", "region", "county", "island", "area",
                               "state", "strait"})  # fmt: skip


# ("area" only as a named one: "X local government area had recorded 612 of the cases".)
_SUBNATIONAL_NOUNS = frozenset({"district", "province", "region", "county", "state", "municipality", "prefecture",
                                "governorate", "division", "town", "village", "city", "commune", "area"})  # fmt: skip

_CITY_NOUNS = frozenset({"city", "town", "village"})


_REGION_NOUNS = frozenset({"province", "region", "state", "district", "county", "division", "prefecture",
                           "governorate"})  # fmt: skip

_INTO_PLACE = frozenset({"in", "at", "across", "to", "into", "throughout", "within"})


_NATIONWIDE = frozenset({"nationwide", "countrywide", "nation-wide", "country-wide", "nationally"})


_TALLY_NOUNS = frozenset({"toll", "total", "tally", "figure", "count", "number"})

# The level of the place a title's holder speaks for (``specificity`` ranks: city 3, region 2).
_MUNICIPAL_TITLES = {"mayor": 3, "governor": 2}

_LOCAL_UNITS = frozenset({"commune", "district", "village", "town", "municipality", "county", "ward"})


_LOCAL_TITLES = frozenset({"chairman", "chairwoman", "chair", "administrator", "chief", "head", "leader", "mayor",
                           "official", "governor", "secretary", "commissioner"})  # fmt: skip

_RECORD_VERBS = frozenset({"record", "confirm", "register", "report", "count", "log", "detect", "see", "have",
                           "suffer", "identify", "document", "tally"})  # fmt: skip


def _gapped_place_subject(verb: Token, anchor: Token) -> Token | None:
    """ "X district accounted for 800 cases, and Y district for 450": in the second, gapped
    clause the parser hangs "for 450" on "Y district" (a conjunct of the verb), the
    subject of the missing verb."""
    cur = anchor
    for _ in range(4):
        if cur.head == cur:
            return None
        if cur.head.dep_ == "conj" and cur.head.head == verb and cur.head.pos_ in ("NOUN", "PROPN"):
            return cur.head
        cur = cur.head
        if cur == verb:
            return None
    return None


def _reported_town(subj: Token, verb: Token) -> bool:
    """ "She said Portel had 22 confirmed cases": a lone name the gazetteer knows as a town or
    region, subject of a counting verb inside someone's statement, is that place even when the
    small model tags it ORG or PERSON (a body that counts is the speaker, not the reported
    clause's subject)."""
    if subj.pos_ != "PROPN" or subj.ent_type_ not in ("ORG", "PERSON") or any(True for _ in subj.children):
        return False
    if verb.dep_ != "ccomp" or not attribution.is_reporting(verb.head):
        return False
    p = gazetteer().resolve(subj.text, allow_demonym=False)
    return p is not None and p.kind != "country"


def _titled_by(t: Token) -> bool:
    """ "Agri Governor", "the commissioner of Tharparkar": a name an official's title is held
    over, so "the province" in that official's statement is that place."""
    # (The small model tags "the commissioner of Tharparkar" ORG; a title's "of" outweighs it.)
    odd = t.ent_type_ in ("PERSON", "NORP", "DATE") or (t.ent_type_ == "ORG" and t.dep_ != "pobj")
    if t.pos_ != "PROPN" or not t.text[:1].isupper() or odd:
        return False
    if t.dep_ == "compound" and t.head.lemma_.lower() in _LOCAL_TITLES:
        return True
    return t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.lemma_.lower() in _LOCAL_TITLES


def _title_place(t: Token) -> tuple[Place | None, str]:
    """The place an official's title names, with the name words before it ("Dak Lak Governor")."""
    k = t.i
    while k > t.sent.start and t.doc[k - 1].dep_ == "compound" and t.doc[k - 1].pos_ == "PROPN":
        k -= 1
    text = t.doc[k : t.i + 1].text
    return gazetteer().resolve(text, allow_demonym=False), text


def antecedent(noun: str, ctx: Discourse) -> Loc | None:
    """The latest place named so far that a bare place noun can mean: "the city" a city, "the
    province" a region (or a place named "... Province"), "the strait" a place named "Strait of
    ..." (so "the province" skips the towns named since)."""
    for loc in reversed(ctx.places):
        if _fits(noun, loc.name, loc.place):
            return loc
    return None


def _fits(noun: str, name: str, place: Place | None) -> bool:
    """Whether a bare place noun ("the city", "the province", "the strait") can mean this place."""
    words = name.lower().split()
    kind = place.kind if place is not None else None
    if noun in _CITY_NOUNS:
        return kind == "city" or (kind is None and not (set(words) & _REGION_NOUNS))
    if noun in _REGION_NOUNS:
        return kind == "region" or noun in words
    return noun in words


def _bare_place_noun(t: Token) -> bool:
    """ "in the district": a place noun with "the" and no name, under a locative preposition;
    or owning a building ("the town's hospital had admitted 54": the hospital is in the town)."""
    if t.lemma_.lower() not in _ANAPHORIC_PLACES:
        return False
    if not (t.dep_ == "pobj" and t.head.lower_ in _INTO_PLACE) and not (
        t.dep_ == "poss" and t.head.lemma_.lower() in _FACILITY_NOUNS
    ):
        return False
    kids = list(t.children)
    # "64 bodies in our province": the speaker's own province, the one just named.
    definite = any(
        (c.dep_ == "det" and c.lower_ in ("the", "this")) or (c.dep_ == "poss" and c.lower_ in SPEAKER_POSSESSIVES)
        for c in kids
    )
    return definite and not any(
        c.dep_ in ("compound", "amod", "prep") or (c.dep_ == "poss" and c.lower_ not in SPEAKER_POSSESSIVES)
        for c in kids
    )


def _side_by_side(cands: list[tuple[Place | None, str]], toks: list[Token], gaz: Any) -> bool:
    """ "two died in the town of X and one in Y": a statement naming several places below the
    country, none inside another, has no one place a follow-up sentence could go on about.
    Inside means the gazetteer's containment, or a phrase placed in the other ("the X
    estate in Y state")."""
    finest: dict[str, tuple[Place | None, Token]] = {}
    for (p, text), t in zip(cands, toks, strict=True):
        if p is None or p.kind != "country":
            finest.setdefault(p.code if p is not None else slugify(text), (p, t))
    if len(finest) < 2:
        return False
    outer_codes = {o.code for _, t in finest.values() if (o := enclosing_place(t)) is not None}
    inner = [
        (p, t)
        for code, (p, t) in finest.items()
        if code not in outer_codes
        and not any(
            p is not None and q is not None and q.code != p.code and gaz.contains(p, q) for q, _ in finest.values()
        )
    ]
    return len(inner) > 1


def names_the_nation(sent: Span, exclude: set[int]) -> bool:
    """A figure stated for the whole country ("the national death toll", "nationwide"): the
    story's finer place (a district, a village) is not where it was counted."""
    for t in sent:
        if t.i in exclude:
            continue
        if t.lower_ in _NATIONWIDE:
            return True
        if t.text == "national" and t.dep_ == "amod" and t.head.lemma_.lower() in _TALLY_NOUNS:
            return True
    return False


def _bare_capital(t: Token) -> bool:
    """ "in the capital": no name and no "of X" (that one is X's capital, named by its own clause)."""
    if t.lower_ != "capital" or t.dep_ != "pobj" or t.head.lower_ not in ("in", "at", "across", "around"):
        return False
    kids = list(t.children)
    return any(c.dep_ == "det" and c.lower_ == "the" for c in kids) and not any(
        c.dep_ in ("prep", "appos", "compound", "poss") for c in kids
    )


def continued_place(name: str, ctx: Discourse) -> Loc | None:
    """ "Firefighters from the regional Infoca service said a fire forced the evacuation of
    1,200 residents from Aljaraque. Infoca said no homes had been destroyed": the same speaker,
    named again right after, goes on about the place its previous statement was in."""
    words = set(name.lower().split())
    for key, (no, where) in ctx.statement_places.items():
        if no == ctx.sent_no - 1 and no != ctx.lede_no and words and words <= set(key.lower().split()):
            return where
    return None


def place_subject(
    gaz: Any, verb: Token, exclude: set[int], anchor: Token | None = None, speakers: frozenset[int] = frozenset()
) -> Loc | None:
    """ "Kyrgyzstan has recorded 3,412 cases": a clause whose subject is a place is about
    that place (not a speaker: attribution looks past it). A named sub-national place
    with its place noun ("X district made up 800 of the cases, and Y district 450") is
    a place whatever the verb: a district does not act, figures happen in it."""
    gapped = _gapped_place_subject(verb, anchor) if anchor is not None else None
    for subj in (gapped, next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)):
        if subj is None or subj.lemma_.lower() not in _SUBNATIONAL_NOUNS:
            continue
        if subj.i in exclude and not (subj.head == verb and subj.i in speakers):
            continue  # (a district read as the speaker of its own figure is still its place)
        name = next((c for c in subj.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"), None)
        if name is None:  # "the municipality of X alone has recorded 187 cases"
            name = next((o for p in subj.children if p.dep_ == "prep" and p.lower_ == "of"
                         for o in p.children if o.dep_ == "pobj" and o.pos_ == "PROPN"), None)  # fmt: skip
        c = loc_candidate(name, gaz) if name is not None else None
        if c is None and subj.lower_ == "area":
            # "X local government area had recorded 612": the name sits before the title words.
            name = next((c for c in subj.lefts if c.dep_ in ("compound", "nmod") and c.pos_ == "PROPN"), None)
            if name is not None and name.ent_type_ not in ("PERSON", "NORP", "DATE") and name.text[:1].isupper():
                c = gaz.resolve(name.text, allow_demonym=False), name.text
        if c is not None and (c[0] is None or c[0].kind != "country"):
            return make_loc(*c)
        if subj is gapped:
            return None
    if verb.lemma_.lower() not in _RECORD_VERBS:
        return None  # "Russia has deployed 3,000 troops": not necessarily in Russia
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.i in exclude or not (attribution.is_place(subj) or _reported_town(subj, verb)):
        return None
    c = loc_candidate(subj, gaz)
    if c is None or c[0] is None:
        p = gaz.resolve(ent_text(subj) if subj.ent_type_ else subj.text, allow_demonym=False)
        return make_loc(p, p.name) if p is not None else None
    return make_loc(*c)


def deictic_location(top: Token, sent: Span, exclude: set[int], ctx: Discourse, say: Token | None = None) -> Loc | None:
    """ "Officials in the town of X said 300 buildings had collapsed there" -> X (the place
    named just before: in the speaker's phrase, else the previous sentence); "reached the
    country" -> the story's country. Where the statement was made ("told reporters in Y")
    is not what "the district" means; the area an official's title names ("the commissioner
    of X", "X Governor") is."""
    there = next((t for t in sent if t.lower_ == "there" and t.dep_ == "advmod"), None)
    if there is None:
        # "Officials in Sukkur said 19 people had died in the district": the district just named.
        there = next((t for t in top.subtree if _bare_place_noun(t)), None)
    if there is not None:
        cands: list[tuple[Place | None, str]] = []
        ranks: list[int] = []
        setting = speaker_setting(say)
        area = there.lemma_.lower() == "area"
        for t in sent:
            if t.i >= there.i:
                break
            if t.i in setting:
                continue  # "told reporters in Y that ... across the district": where it was said
            if t.i in exclude and not under_loc_prep(t, None) and (area or not _titled_by(t)):
                continue  # "The Plateau state governor said ... to the area": a title, not a place just named
            c = loc_candidate(t, ctx.gaz) if t.i not in ctx.dateline else None
            if c is None and not area and t.i not in ctx.dateline and _titled_by(t):
                c = _title_place(t)
            if c is not None:
                cands.append(c)
                ranks.append(specificity(c[0], c[1], t))
        if area:  # "sent corvettes to the area": where the story is
            return best_location(cands, ranks) or ctx.story.place() or ctx.recent_place
        noun = there.lemma_.lower()
        if noun in _CITY_NOUNS or noun in _REGION_NOUNS:
            # "7,200 people from Myanmar were sheltering in the province": a country
            # named before is not what "the province" means.
            keep = [k for k, c in enumerate(cands) if c[0] is None or c[0].kind != "country"]
            cands, ranks = [cands[k] for k in keep], [ranks[k] for k in keep]
        return best_location(cands, ranks) or antecedent(there.lemma_.lower(), ctx) or ctx.recent_place
    capital = next((t for t in top.subtree if t.i not in exclude and _bare_capital(t)), None)
    named = named_after(ctx.gaz, capital) if capital is not None else None
    if named is not None:
        return named  # "in the capital, Belo Horizonte": the capital it names
    if capital is not None:
        # "410 cases in the capital": the capital of the story's country.
        iso = ctx.story.country()
        cp = ctx.gaz.capital(iso) if iso else None
        if cp is not None:
            return make_loc(cp, cp.name)
    # Only where the clause puts things ("across the country", "on the country's coast",
    # "reached the country"), not a comparison ("making it the country's worst outbreak").
    country = next(
        (
            t
            for t in top.subtree
            if t.lower_ in _COUNTRY_WORDS and t.i not in exclude and (under_loc_prep(t, top) or t.dep_ == "dobj")
        ),
        None,
    )
    if country is not None and any(c.lower_ == "the" for c in country.children):
        # "Iran's army said 5,000 troops were on the country's coast": the country just
        # named, else the story's.
        iso = country_before(country, ctx) if country.lower_ == "country" else None
        iso = iso or ctx.story.country()
        p = ctx.gaz.country(iso) if iso else None
        if p is not None:
            return make_loc(p, p.name)
    return None


def facility_place(sent: Span, speaker: set[int], ctx: Discourse) -> Loc | None:
    """ "Doctors at Darbhanga Medical College Hospital said they were treating 40", "a doctor
    at Bir Hospital in Kathmandu said nine were critical": staff of a hospital count the
    patients in it, so the hospital's place is the figure's. The place is the facility's
    "in X" or a word of its name that is a place of the story's country (so "Aga Khan
    Hospital" is not in a town called Aga elsewhere)."""
    facility = next((t for t in sent if t.i in speaker and t.lemma_.lower() in _FACILITY_NOUNS), None)
    if facility is None:
        return None
    iso = ctx.story.country()
    cands: list[tuple[Place | None, str]] = []
    # "University Hospital Olomouc": the parser may hang the facility noun on the town's name
    holder = facility.head if facility.dep_ == "compound" and facility.head.pos_ == "PROPN" else facility
    for t in holder.subtree:
        if t.pos_ != "PROPN":
            continue
        c = loc_candidate(t, ctx.gaz) if t.dep_ == "pobj" else None
        if c is None and (t.dep_ == "compound" or t == holder != facility):  # a word of the facility's name
            p = ctx.gaz.resolve(t.text, allow_demonym=False)
            c = (p, t.text) if p is not None and p.kind != "country" else None
        if c is not None and c[0] is not None and c[0].country == iso:
            cands.append(c)
    if not cands:
        # "Mae Sot General Hospital": a place of several words at the start of the name
        # (the parser splits such names, so no single word is the place).
        k = facility.i
        while k > sent.start and sent.doc[k - 1].pos_ == "PROPN":
            k -= 1
        words = [t.text for t in sent.doc[k : facility.i]]
        for n in range(len(words), 1, -1):
            name = " ".join(words[:n])
            p = ctx.gaz.resolve(name, allow_demonym=False)
            if p is not None and p.kind != "country" and p.country == iso:
                return make_loc(p, name)
    return best_location(cands)


def country_before(tok: Token, ctx: Discourse) -> str | None:
    """The last country named by name (not by a demonym) before ``tok`` in its sentence."""
    found = None
    for t in tok.sent:
        if t.i >= tok.i:
            break
        if t.i in ctx.dateline or t.ent_type_ != "GPE" or t.ent_iob_ != "B":
            continue
        p = ctx.gaz.resolve(ent_text(t), allow_demonym=False)
        if p is not None and p.kind == "country":
            found = p.code
    return found


def named_after(gaz: Any, noun: Token) -> Loc | None:
    """ "the capital, Belo Horizonte": a place name set off by a comma right after a place
    noun names it (the parser may hang it anywhere)."""
    doc = noun.doc
    k = noun.i + 1
    if k + 1 >= len(doc) or doc[k].text != "," or doc[k + 1].pos_ != "PROPN":
        return None
    end = k + 1
    while end < len(doc) and doc[end].pos_ == "PROPN":
        end += 1
    name = doc[k + 1 : end].text
    p = gaz.resolve(name, allow_demonym=False)
    return make_loc(p, name) if p is not None and p.kind != "country" else None


def jurisdiction(sent: Span, speaker: set[int], verb: Token | None, ctx: Discourse) -> Loc | None:
    """A public body speaks for its own area: "the Osh regional administration rejected
    reports of hundreds of cases" is about Osh, "Belo Horizonte's city hall said 4,800
    residents were seen" about Belo Horizonte, "Kazakhstan's health ministry said it had
    recorded 640 cases" about Kazakhstan. Used only when that area is finer than the
    story's place, or (for a figure the body records) in another country."""
    body = next((t for t in sent if t.i in speaker and t.lemma_.lower() in _PUBLIC_BODIES), None)
    if body is None:
        return None
    area: Loc | None = None
    for t in body.lefts:
        if t.pos_ != "PROPN" or t.dep_ not in ("poss", "compound", "nmod") or t.i not in speaker:
            continue
        # "Belo Horizonte's" is the whole name; "Neighbouring Kazakhstan's" only its head.
        for name in (" ".join(x.text for x in t.subtree if x.pos_ == "PROPN"), t.text):
            p = ctx.gaz.resolve(name, allow_demonym=False)
            if p is not None:
                area = make_loc(p, name)
                break
    if area is None or area.place is None:
        return None
    story = ctx.story.place()
    if story is None:
        return area
    if story.place is None:
        return None  # a named place the gazetteer does not know ("the Strait of Hormuz")
    if area.place.country != story.place.country:
        records = verb is not None and verb.lemma_.lower() in _RECORD_VERBS
        return area if records else None
    finer = specificity(area.place, area.name) > specificity(story.place, story.name)
    return area if finer else None


def local_official(sent: Span, speaker: set[int], ctx: Discourse) -> Loc | None:
    """ "according to Tra Mai commune chairman Ho Van Tuan": an official titled by a
    commune, district or village speaks of that place (when it is finer than the story's)."""
    doc = sent.doc
    for t in sent:
        if t.i not in speaker or t.lower_ not in _LOCAL_UNITS or t.i + 1 >= len(doc):
            continue
        if doc[t.i + 1].lemma_.lower() not in _LOCAL_TITLES:
            continue
        k = t.i
        while k > sent.start and doc[k - 1].pos_ == "PROPN" and doc[k - 1].text[:1].isupper():
            k -= 1
        if k == t.i:
            continue
        name = doc[k : t.i + 1].text
        place = ctx.gaz.resolve(name, allow_demonym=False)
        area = make_loc(place, name)
        story = ctx.story.place()
        if story is None or specificity(area.place, area.name) > specificity(story.place, story.name):
            return area
    return municipal_official(sent, speaker, ctx)


def municipal_official(sent: Span, speaker: set[int], ctx: Discourse) -> Loc | None:
    """ "The mayor of X said nine residents were missing", "X Mayor Y said": a mayor speaks
    for a town, a governor for a province. Used when that place is finer than the story's
    and (when the gazetteer knows it) in the story's country; a name the gazetteer does
    not know is as fine as the title says."""
    titles = [t for t in sent if t.i in speaker and t.lemma_.lower() in _MUNICIPAL_TITLES]
    if not titles:
        return None
    story = ctx.story.place()
    story_iso = ctx.story.country()
    for t in titles:
        level = _MUNICIPAL_TITLES[t.lemma_.lower()]
        names = [
            x
            for c in t.children
            if c.dep_ == "prep" and c.lower_ == "of"
            for x in c.children
            if x.dep_ == "pobj" and x.pos_ == "PROPN"
        ]
        names += [
            c for c in t.lefts if c.dep_ in ("compound", "poss") and c.pos_ == "PROPN" and c.ent_type_ != "PERSON"
        ]
        for x in names:
            name = ent_text(x) if x.ent_type_ in ("GPE", "LOC") else x.text
            if not name[:1].isupper():
                continue
            place = ctx.gaz.resolve(name, allow_demonym=False)
            if place is not None and (place.kind == "country" or (story_iso and place.country != story_iso)):
                continue
            area = make_loc(place, name)
            rank = specificity(place, name) if place is not None else level
            if story is None or rank > specificity(story.place, story.name):
                return area
            if place is not None and story.place is not None and _sibling(place, story.place, ctx):
                return area  # "Lambaré's mayor" in a story set in Asunción: his own town
    return None


def _sibling(place: Place, story: Place, ctx: Discourse) -> bool:
    """Another place of the story's kind in the story's country (a neighbouring town, another
    province), neither containing the other: a mayor or governor of it speaks for it."""
    return (
        place.kind == story.kind
        and place.kind != "country"
        and place.code != story.code
        and place.country == story.country
        and not ctx.gaz.contains(place, story)
        and not ctx.gaz.contains(story, place)
    )


def named_before(bare: Token, sent: Span, ctx: Discourse) -> Loc | None:
    """The place named earlier in the same sentence that a bare place noun ("the town") can
    mean, the nearest first; the dateline is not such a mention."""
    for t in reversed(sent[: bare.i - sent.start]):
        if t.i in ctx.dateline:
            continue
        c = loc_candidate(t, ctx.gaz)
        if c is not None and _fits(bare.lemma_.lower(), c[1], c[0]):
            return make_loc(*c)
    return None


def statement_place(say: Token, speaker: Token, ctx: Discourse) -> Loc | None:
    """The most specific place a statement puts its content in (not where the speaker is)."""
    skip = {x.i for x in speaker.subtree} | ctx.dateline
    skip |= speaker_setting(say)  # "told reporters in X"
    skip |= parts_elsewhere(say.sent.root, say)  # "..., most of them in Samar"
    # "In X, the spokeswoman said there were no troops in Y": the statement is about Y; the
    # place it opens with only counts when the statement names none.
    opening = speaker_setting(say, opening=True) - skip
    for skipped in (skip | opening, skip):
        cands: list[tuple[Place | None, str]] = []
        ranks: list[int] = []
        toks: list[Token] = []
        for t in say.sent:
            if t.i in skipped or not (t.ent_iob_ == "B" or t.pos_ == "PROPN"):
                continue
            c = loc_candidate(t, ctx.gaz)
            if c is not None and under_loc_prep(t, None):
                cands.append(c)
                ranks.append(specificity(c[0], c[1], t))
                toks.append(t)
        if cands or not opening:
            return None if _side_by_side(cands, toks, ctx.gaz) else best_location(cands, ranks)
    return None
