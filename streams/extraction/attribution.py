"""Who makes a statement: the source, not the outlet that published it.

Found on the dependency parse: the subject of a reporting verb that governs
the claim ("X said", "X told reporters", "X's spy agency said", "the U.S.
confirmed"), an "according to X" phrase, the publisher of footage ("footage
published by X appears to show"), or, for a sentence with none of these that
continues a quote or uses "the agency" / "he", the source carried over from
earlier sentences. Coordinated sources are split: "South Korean and Ukrainian
officials said" is two sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from streams.extraction.parse import counted_as_speaker
from streams.extraction.places import gazetteer

SAY_LEMMAS = frozenset({
    "say", "tell", "add", "state", "report", "claim", "estimate", "announce", "confirm",
    "deny", "note", "warn", "insist", "reveal", "believe", "assess", "put", "allege",
    "acknowledge", "admit", "write", "post", "tweet", "indicate", "suggest",
    "disclose", "brief", "testify", "explain", "declare", "stress", "emphasize",
    "emphasise", "dismiss", "reject", "call", "describe", "accuse", "conclude", "count",
    "record", "quote", "cite", "tally", "told", "inform", "publish", "calculate",
    "refute", "dispute", "rebut", "label", "brand", "predict", "expect", "fear", "give",
    "raise", "revise", "update", "verify", "corroborate", "argue", "list",
    "assert", "maintain", "contend", "mention", "observe", "remark", "recount",
})  # fmt: skip
EVIDENCE_NOUNS = frozenset({"footage", "video", "image", "photo", "photograph", "picture",
                            "document", "imagery", "satellite", "recording"})  # fmt: skip
GENERIC_HEADS = frozenset({
    "agency", "ministry", "official", "spokesperson", "spokesman", "spokeswoman",
    "service", "department", "office", "government", "source", "minister", "army",
    "military", "police", "authority", "authorities", "organizer", "organiser", "group",
    "statement", "report", "president", "secretary", "chief", "commander", "governor",
    "mayor", "he", "she", "they", "it", "we", "i", "mission", "union", "charity", "coalition",
    "observatory", "utility", "council", "delegation", "commission", "institute", "centre",
    "center", "organisation", "organization", "body", "company", "firm", "hospital", "sheriff",
    "rebel", "movement", "coordinator", "director",
})  # fmt: skip
# A document or statement speaks for whoever made it: "a report by UN experts",
# "a ministry statement", "the WHO's assessment".
DOCUMENT_NOUNS = frozenset({"report", "statement", "study", "assessment", "survey", "analysis",
                            "communique", "bulletin", "release", "update", "briefing", "review",
                            "audit", "investigation", "inquiry", "memo", "dossier", "letter",
                            "figure", "data", "statistic", "statistics", "tally", "record"})  # fmt: skip
# Numbers that "show" something speak for whoever compiled them ("the ministry's figures show").
_SHOWING_NOUNS = frozenset({"figure", "data", "statistic", "statistics", "tally", "record", "report"})
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
_PERSON_HEADS = frozenset({"he", "she", "i", "spokesman", "spokeswoman", "spokesperson", "minister", "official",
                           "president", "governor", "mayor", "chief", "commander", "secretary", "sheriff",
                           "director", "coordinator", "chairman", "head"})  # fmt: skip
_INTEL = ("intelligence", "spy")
_KIND_WORDS: list[tuple[tuple[str, ...], str]] = [
    (("civil defence", "civil defense", "civil protection", "disaster agency", "emergency"), "government"),
    (("intelligence", "spy", "nis", "cia", "mi6", "gur", "sbu", "fsb", "mossad"), "intelligence"),
    (("police", "constabulary", "sheriff"), "police"),
    (("organizer", "organiser", "organizers", "organisers", "union", "activists"), "organizers"),
    (
        (
            "media",
            "newspaper",
            "agency news",
            "news",
            "broadcaster",
            "tv",
            "television",
            "reporter",
            "journalist",
            "outlet",
            "press",
            "footage",
            "video",
            "sources",
        ),
        "media",
    ),
    (
        (
            "military",
            "army",
            "defense",
            "defence",
            "armed",
            "general",
            "commander",
            "navy",
            "forces",
            "command",
            "staff",
        ),
        "military",
    ),
    (
        (
            "ministry",
            "minister",
            "government",
            "kremlin",
            "official",
            "officials",
            "spokesperson",
            "spokesman",
            "spokeswoman",
            "secretary",
            "president",
            "white house",
            "embassy",
            "ambassador",
            "representative",
            "department",
            "authorities",
            "mayor",
            "governor",
            "state",
            "lawmaker",
            "lawmakers",
            "parliament",
            "u.s.",
            "us",
        ),
        "government",
    ),
    (
        (
            "un",
            "united nations",
            "red cross",
            "who",
            "unicef",
            "unhcr",
            "ngo",
            "agency",
            "organization",
            "organisation",
            "committee",
            "institute",
        ),
        "organization",
    ),
]


# Words for one and the same business ("the operator", "the company", "the firm").
# Head nouns of public bodies that an article goes on to call "the agency".
_AGENCY_LIKE = frozenset({"centre", "center", "commission", "authority", "institute", "administration",
                          "directorate", "bureau", "board", "office", "programme", "program"})  # fmt: skip
# "The group", "the airline", "the organisation" said: a body named before under another word.
_BODY_WORDS = frozenset({"group", "organisation", "organization", "network", "airline", "company", "firm",
                         "operator", "carrier", "force", "charity", "movement", "coalition", "alliance",
                         "association", "federation", "body", "agency"})  # fmt: skip
_CORPORATE_HEADS = frozenset({"company", "firm", "operator", "owner", "carrier", "utility", "contractor",
                              "developer", "employer", "manufacturer", "insurer", "airline"})  # fmt: skip


@dataclass(frozen=True)
class SourceRef:
    """A source as found: a display name, a kind, and the head token's lemma."""

    name: str
    kind: str | None
    head_lemma: str
    explicit: bool = True
    descr: str = ""  # the wording it was found under ("disaster agency AFAD"), for "the agency"


@dataclass
class SourceMemory:
    """Sources seen so far in an article, for "the agency added", "he said" and quotes."""

    recent: list[SourceRef] = field(default_factory=list)

    def remember(self, refs: list[SourceRef]) -> None:
        for r in refs:
            self.recent = [x for x in self.recent if x.name != r.name]
            self.recent.append(r)
        self.recent = self.recent[-12:]

    def last(self) -> list[SourceRef]:
        return self.recent[-1:] if self.recent else []

    def matching(self, head_lemma: str) -> list[SourceRef]:
        """The latest source whose head noun is the same kind of thing."""
        for r in reversed(self.recent):
            person = r.kind == "person" or r.head_lemma in _PERSON_HEADS
            if person and head_lemma not in _PERSON_HEADS:
                continue  # "the rebels" are the rebel movement, not its spokesman
            if r.head_lemma == head_lemma or head_lemma in f"{r.name} {r.descr}".lower().replace("'", " ").split():
                return [r]
        if head_lemma in ("he", "she"):
            for r in reversed(self.recent):
                # "Governor Ana Lima" is a person even when the model tags "Lima" a city.
                if r.kind == "person" or r.head_lemma in _PERSON_HEADS or (
                    set(r.name.lower().split()) & _PERSON_HEADS and r.kind != "organization"
                ):
                    return [r]
        if head_lemma in _CORPORATE_HEADS:
            # "The operator, X Shipping, said ... the company said": one firm, two words for it.
            for r in reversed(self.recent):
                if r.head_lemma in _CORPORATE_HEADS:
                    return [r]
            for r in reversed(self.recent[-3:]):
                # "Midlands Goldfields, which operates the mine, said ... The company said": a
                # recent proper name that is neither a person nor a public body.
                words = r.name.replace("'s", "").split()
                if (
                    r.kind != "person"
                    and r.head_lemma not in BODY_HEADS
                    and r.head_lemma not in _PERSON_HEADS
                    and len(words) >= 2
                    and all(w[:1].isupper() for w in words)
                ):
                    return [r]
        if head_lemma in ("agency", "service"):
            for r in reversed(self.recent):
                if r.kind == "intelligence" or r.head_lemma in ("agency", "service"):
                    return [r]
        if head_lemma == "agency":
            # "the X Centre for Disease Control said ... The agency said": a public body named
            # by another head noun is still "the agency" (a ministry or a company is not).
            for r in reversed(self.recent):
                if r.kind != "person" and _AGENCY_LIKE & set(f"{r.head_lemma} {r.name}".lower().split()):
                    return [r]
        return []

    def latest_named_body(self) -> list[SourceRef]:
        """The latest source that is a named body, not a person: what "the group", "the
        airline" or "the organisation" stands for when no earlier source shares the word
        ("Aegean Rescue Monitor, a volunteer network, said ... the group said")."""
        for r in reversed(self.recent):
            words = r.name.replace("'s", "").split()
            if (
                r.kind != "person"
                and r.head_lemma not in _PERSON_HEADS
                and len(words) >= 2
                and sum(w[:1].isupper() for w in words) >= 2
            ):
                return [r]
        return []


def source_kind(name: str, head: Token | None = None) -> str | None:
    """A coarse kind for a source name (person, government, intelligence, ...)."""
    low = " " + name.lower() + " "
    for words, kind in _KIND_WORDS:
        for w in words:
            if f" {w} " in low or low.strip().endswith(" " + w) or low.strip() == w:
                return kind
    if head is not None and head.ent_type_ == "PERSON":
        return "person"
    if head is not None and head.ent_type_ == "ORG":
        return "organization"
    return None


def _span_text(doc: Doc, idxs: list[int]) -> str:
    idxs = sorted(set(idxs))
    if not idxs:
        return ""
    out = []
    for n, i in enumerate(idxs):
        t = doc[i]
        out.append(t.text)
        nxt = idxs[n + 1] if n + 1 < len(idxs) else None
        if nxt is not None and (t.whitespace_ or nxt != i + 1):
            out.append(" ")
    text = "".join(out).strip(" ,")
    return " ".join(text.split())


_NAME_DEPS = frozenset({"compound", "amod", "poss", "nmod", "case", "nummod", "npadvmod"})


def _drop_punct(x: Token) -> bool:
    """Punctuation is left out of a name, except a hyphen or ampersand inside a word
    ("Sea-Watch", "PG&E")."""
    if not x.is_punct:
        return False
    inside = x.text in ("-", "&") and not x.whitespace_ and x.i > 0 and not x.doc[x.i - 1].whitespace_
    return not inside


def _modifier_tokens(tok: Token, exclude: set[int]) -> list[int]:
    """Indices of ``tok`` and its left name-forming modifiers (subtrees), right preps to/of/for."""
    idxs = [tok.i]
    for c in tok.lefts:
        if c.is_punct and not _drop_punct(c) and c.i not in exclude:
            idxs.append(c.i)  # "Open-Arms": the hyphen hangs on the last word
        if c.dep_ in _NAME_DEPS and c.i not in exclude:
            idxs.extend(x.i for x in c.subtree if (x.i not in exclude and not _drop_punct(x)) or x.tag_ == "POS")
    for c in tok.rights:
        if c.dep_ == "prep" and c.lower_ in ("to", "of", "for", "at", "in", "on") and c.i not in exclude:
            sub = list(c.subtree)
            if any(x.pos_ == "PROPN" and x.ent_type_ not in ("DATE", "TIME") for x in sub) and len(sub) <= 6:
                idxs.extend(x.i for x in sub if x.dep_ not in ("relcl", "acl"))
        if c.dep_ == "case":
            idxs.append(c.i)
    return idxs


def names_of(head: Token, memory: SourceMemory, doc: Doc) -> list[SourceRef]:
    """The source(s) a noun phrase names, split on coordination, resolved when generic."""
    if head.dep_ == "csubj":  # "Save the Children" read as a clause: the words are the name
        name = _span_text(doc, [t.i for t in head.subtree])
        return [SourceRef(name, source_kind(name) or "organization", head.lemma_.lower())]
    heads = [head, *[c for c in head.conjuncts if c.i > head.i and c.pos_ in ("NOUN", "PROPN")]]
    out: list[SourceRef] = []
    for h in heads:
        # Footage published by X: the source is X.
        if h.lemma_.lower() in EVIDENCE_NOUNS:
            agent = _agent_of(h)
            if agent is not None:
                out.extend(names_of(agent, memory, doc))
                continue
        if h.lower_ in ("which", "who", "that") and h.head.dep_ == "relcl" and h.head.head.pos_ in ("NOUN", "PROPN"):
            # "according to the Kandilli Observatory, which has recorded 150 aftershocks"
            out.extend(names_of(h.head.head, memory, doc))
            continue
        if h.lower_ in PRONOUNS or h.pos_ == "PRON":
            out.extend(memory.matching(h.lower_) or memory.last())
            continue
        if h.lemma_.lower() in DOCUMENT_NOUNS:
            maker = _maker_of(h)
            if maker is not None:
                # "a ministry statement": the ministry the article has named.
                known = memory.matching(maker.lemma_.lower()) if maker.dep_ == "compound" else []
                out.extend(known or names_of(maker, memory, doc))
                continue
        # "South Korean and Ukrainian officials": one name per coordinated modifier.
        split_mods = [
            c
            for c in h.lefts
            if list(c.conjuncts)
            and (c.dep_ in ("amod", "compound") or (c.dep_ == "nmod" and c.lemma_.lower() in GENERIC_HEADS))
        ]  # "Police and hospital officials" are two speakers, "search and rescue agency" one
        if split_mods:
            m0 = split_mods[0]
            whole = {x.i for x in m0.subtree}
            conj_parts = {x.i for cj in m0.conjuncts for x in cj.subtree}
            conj_parts |= {x.i for x in m0.subtree if x.dep_ in ("cc", "punct")}
            base = [i for i in _modifier_tokens(h, whole) if i not in whole]
            for v in [m0, *m0.conjuncts]:
                mine = whole - conj_parts if v == m0 else {x.i for x in v.subtree if x.dep_ != "cc"}
                name = _clean_name(_span_text(doc, base + sorted(mine)))
                if name:
                    out.append(SourceRef(name, source_kind(name, h), h.lemma_.lower()))
            continue
        body = _body_of_members(h)
        if body is not None:
            # "Officials of the Bihar disaster authority", "staff at the emergency service": the body.
            out.extend(names_of(body, memory, doc))
            continue
        dateline = _dateline_tokens(doc)
        if h.i in dateline:
            continue  # "KARACHI, Pakistan (AP) Hospitals ... said": the dateline is nobody
        org = next(
            (c for c in h.rights if c.dep_ == "appos" and c.pos_ == "PROPN" and c.ent_type_ == "ORG"), None
        )
        role = h  # "the operator", "the mission": what later sentences call it
        if h.pos_ == "NOUN" and org is not None:
            # "The operator, Lake Star Marine Services, said": the organisation's own name.
            h = org
        idxs = [i for i in _modifier_tokens(h, set()) if i not in dateline]
        leader = _leader_possessive(h, doc)
        if leader is not None:
            # "Villanueva's Fuerza Ciudadana party": the party's name, not its candidate's.
            idxs = [i for i in idxs if not (leader.left_edge.i <= i <= leader.right_edge.i)]
        # Appositive person: "Germany's defense minister, Boris Pistorius, said".
        for c in h.rights:
            if c.dep_ == "appos" and c.ent_type_ == "PERSON":
                idxs = [*idxs, *[x.i for x in c.subtree if x.ent_type_ == "PERSON"]]
            elif c.dep_ == "appos" and c.pos_ == "PROPN" and c.i <= h.i + 4:
                idxs = [*idxs, *[x.i for x in c.subtree if x.pos_ == "PROPN" or (x.is_punct and not _drop_punct(x))]]
        name = _clean_name(_span_text(doc, idxs))
        if not name:
            continue
        appos = next((c for c in h.rights if c.dep_ == "appos" and c.pos_ == "NOUN"), None)
        alias = _known_as(h) or (_known_as(appos) if appos is not None else None)
        if alias and alias not in name:
            name = f"{name} ({alias})"  # "the California fire agency, known as Cal Fire"
        # "The organisers, a coalition of tenants' unions called X": later "the union".
        descr = " ".join(t.lemma_.lower() for t in appos.subtree) if appos is not None else ""
        ref = SourceRef(name, source_kind(name, h), role.lemma_.lower(), True, descr)
        ref = _resolve(ref, h, memory, doc)
        out.append(_canonical(ref, h, doc))
    return out


def _names_place(text: str) -> bool:
    return gazetteer().resolve(text, allow_demonym=False) is not None


def _dateline_tokens(doc: Doc) -> set[int]:
    """The tokens of a dateline the text did not set off with a dash ("KARACHI, Pakistan (AP)",
    "COPIAPÓ"): an upper-case place word opening the article, with its country and wire."""
    cached = doc.user_data.get("cw_dateline_toks")
    if isinstance(cached, set):
        return cached
    out: set[int] = set()
    k = 0
    while k < len(doc) and k < 4 and doc[k].is_alpha and doc[k].is_upper and len(doc[k]) >= 3:
        k += 1
    if k:
        word = " ".join(doc[j].text for j in range(k)).title()
        nxt = doc[k] if k < len(doc) else None
        placed = gazetteer().resolve(word, allow_demonym=False) is not None
        if placed or (nxt is not None and nxt.text in (",", "(", "-", "–", "—")):
            out = set(range(k))
            j = k
            # ", Pakistan (AP)": the country and the wire that follow.
            if j < len(doc) and doc[j].text == ",":
                j += 1
                while j < len(doc) and j < k + 5 and doc[j].pos_ == "PROPN" and doc[j].ent_type_ in ("GPE", "LOC"):
                    j += 1
            if j < len(doc) and doc[j].text == "(":
                close = next((x.i for x in doc[j : j + 8] if x.text == ")"), None)
                if close is not None:
                    j = close + 1
            elif j < len(doc) and k < j and doc[j - 1].ent_type_ not in ("GPE", "LOC"):
                j = k
            out |= set(range(k, j))
            while j < len(doc) and j < k + 3 and doc[j].pos_ == "PROPN" and _names_place(doc[j].text):
                out.add(j)  # "KARACHI Pakistan Hospitals": the country after an unpunctuated dateline
                j += 1
    doc.user_data["cw_dateline_toks"] = out
    return out


_MEMBER_HEADS = frozenset({"official", "source", "staff", "member", "representative", "worker", "employee",
                           "officer", "personnel", "people", "firefighter", "rescuer"})  # fmt: skip
BODY_HEADS = frozenset({
    "agency", "ministry", "department", "authority", "service", "office", "government", "council",
    "commission", "institute", "organisation", "organization", "administration", "directorate", "bureau",
    "board", "centre", "center", "committee", "police", "army", "military", "force", "hospital", "company",
    "firm", "utility", "charity", "union", "federation", "association", "coalition", "mission",
    "secretariat", "command", "corps", "brigade", "unit", "team", "observatory", "programme", "program",
})  # fmt: skip


def _body_of_members(h: Token) -> Token | None:
    """The organisation in "officials of/at/from X" when X is a body (not a place, and the
    members carry no name of their own: "Kenyan officials at the embassy" stay as they are)."""
    if h.lemma_.lower() not in _MEMBER_HEADS or h.tag_ not in ("NNS", "NN"):
        return None
    if any(c.pos_ in ("PROPN",) or c.ent_type_ in ("NORP", "GPE", "PERSON") for c in h.lefts):
        return None
    for c in h.rights:
        if c.dep_ == "prep" and c.lower_ in ("of", "at", "from", "with", "in"):
            body = next((p for p in c.children if p.dep_ == "pobj"), None)
            if body is not None and (body.lemma_.lower() in BODY_HEADS or body.ent_type_ == "ORG"):
                # "officials in Kidal" stay officials, even when the model tags the town ORG.
                town = body.pos_ == "PROPN" and body.lemma_.lower() not in BODY_HEADS and _names_place(body.text)
                return None if is_place(body) or town else body
    return None


_ACRONYM = re.compile(r"^[A-Z]{3,8}$")


def _canonical(ref: SourceRef, head: Token, doc: Doc) -> SourceRef:
    """One name per source across wordings: a person by their full name without the
    title ("Kremlin spokesperson Dmitry Peskov" -> "Dmitry Peskov"), a body by its
    acronym when it has one ("disaster agency AFAD" -> "AFAD")."""
    if head.ent_type_ == "PERSON" and head.pos_ == "PROPN" and not _which_clause(head):
        start, end = head.i, head.i + 1
        while start > 0 and doc[start - 1].ent_type_ == "PERSON" and doc[start - 1].pos_ == "PROPN":
            start -= 1
        while end < len(doc) and doc[end].ent_type_ == "PERSON" and doc[end].pos_ == "PROPN":
            end += 1
        person = " ".join(doc[start:end].text.split())
        if len(person.split()) == 1:
            for full in _person_names(doc):
                if full.split()[-1] == person:
                    person = full
                    break
        return SourceRef(person, "person", ref.head_lemma, ref.explicit, ref.name)
    if ref.kind != "person":
        gaz = gazetteer()
        for w in ref.name.split():
            if _ACRONYM.match(w) and gaz.nationality(w) is None:
                return SourceRef(w, ref.kind, ref.head_lemma, ref.explicit, ref.name)
    return ref


def _maker_of(doc_noun: Token) -> Token | None:
    """Who made a report or statement: "a report by U.N. experts" -> experts, "a ministry
    statement" -> ministry, "the agency's report" -> agency."""
    for c in doc_noun.children:
        if c.dep_ == "prep" and c.lower_ in ("by", "from"):
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    for c in doc_noun.children:
        if c.dep_ == "poss" and c.pos_ in ("NOUN", "PROPN"):
            return c
    for c in reversed(list(doc_noun.lefts)):
        if c.dep_ == "compound" and c.pos_ in ("NOUN", "PROPN"):
            return c
    return None


def _known_as(head: Token) -> str | None:
    """ "X, known as Cal Fire": the short name the article goes on to use."""
    for c in head.children:
        if c.dep_ == "acl" and c.lower_ in ("known", "called", "dubbed"):
            for p in c.children:
                if p.dep_ == "prep" and p.lower_ == "as":
                    for o in p.children:
                        if o.dep_ == "pobj":
                            return " ".join(doc_tok.text for doc_tok in o.subtree).strip()
            for o in c.children:
                if o.dep_ in ("oprd", "attr", "dobj") and o.pos_ == "PROPN":
                    return " ".join(t.text for t in o.subtree).strip()
    return None


def _agent_of(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ == "acl":
            for a in c.children:
                if a.dep_ == "agent":
                    for p in a.children:
                        if p.dep_ == "pobj":
                            return p
    return None


def _clean_name(name: str) -> str:
    """A source name as one spelling: no article, straight apostrophes, and a possessive
    capital or country named by its country ("Seoul's NIS" -> "South Korea's NIS"), so the
    same source gets the same name across articles (source reliability is keyed on it)."""
    name = name.replace("’", "'")
    words = name.split()
    while words and words[0].lower() in ("the", "a", "an", "its", "their", "his", "her"):
        words = words[1:]
    name = " ".join(words).strip(" ,;:“”\"'")
    name = re.sub(r"'s$", "", name)  # "the ministry's figures": the ministry
    if name.endswith(".") and words and not (len(words[-1]) <= 4 and words[-1].count(".") >= 2):
        name = name[:-1]
    m = re.match(r"^([A-Z][\w.]*(?: [A-Z][\w.]*){0,2})'s ", name)
    if m:
        gaz = gazetteer()
        iso = gaz.nationality(m.group(1))
        country = gaz.country(iso) if iso else None
        if country is not None:
            name = f"{country.name}'s {name[m.end() :]}"
    return name


def _leader_possessive(h: Token, doc: Doc) -> Token | None:
    """ "Villanueva's Fuerza Ciudadana party": a possessive naming a person of the article,
    before an organisation that has a proper name of its own."""
    if not any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in h.lefts):
        return None
    names = [full.split() for full in _person_names(doc)]
    for c in h.lefts:
        if (
            c.dep_ == "poss"
            and c.pos_ == "PROPN"
            and c.ent_type_ not in ("GPE", "NORP", "LOC")
            and any(len(n) > 1 and n[-1] == c.text for n in names)
        ):
            return c
    return None


def _which_clause(head: Token) -> bool:
    """ "X, which operates the mine": a relative clause on "which" describes a thing."""
    return head.pos_ == "PROPN" and any(
        c.dep_ == "relcl" and any(x.dep_ in ("nsubj", "nsubjpass") and x.lower_ == "which" for x in c.children)
        for c in head.children
    )


def _resolve(ref: SourceRef, head: Token, memory: SourceMemory, doc: Doc) -> SourceRef:
    """Expand a surname to the full name; resolve "the agency" to the agency named earlier."""
    words = ref.name.split()
    if _which_clause(head):
        # "Midlands Goldfields, which operates the mine, said": "which", not "who" - a body,
        # whatever the model tagged the name.
        return SourceRef(ref.name, "organization" if ref.kind == "person" else ref.kind, ref.head_lemma,
                         ref.explicit, ref.descr)  # fmt: skip
    if len(words) == 1 and head.pos_ == "PROPN":
        for full in _person_names(doc):
            if full.split()[-1] == words[0]:
                return SourceRef(full, "person", ref.head_lemma)
    if head.ent_type_ == "PERSON":
        return SourceRef(ref.name, "person", ref.head_lemma)
    low = ref.name.lower()
    has_proper = any(t.pos_ == "PROPN" or t.ent_type_ in ("NORP", "GPE") for t in head.subtree)
    definite = any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children)
    if not has_proper and definite and ref.head_lemma in GENERIC_HEADS | _BODY_WORDS:
        hits = memory.matching(ref.head_lemma)
        if not hits and ref.head_lemma in _BODY_WORDS:
            hits = memory.latest_named_body()
        if not hits and ref.head_lemma in _CORPORATE_HEADS:
            hits = _company_named_before(head)
        # "the health ministry" is not the interior ministry named before: its own words must fit.
        own = {c.lower_ for c in head.lefts if c.dep_ in ("compound", "amod") and c.pos_ in ("NOUN", "ADJ")}
        if hits and all(w in hits[0].name.lower() or w in hits[0].descr.lower() for w in own):
            return hits[0]
    if any(w in low for w in _INTEL) and ref.head_lemma in ("agency", "service"):
        # "South Korea's spy agency": name it by the intelligence body the article names.
        body = _named_intelligence_body(doc)
        if body:
            prefix = ""
            for c in head.lefts:
                if c.dep_ == "poss":
                    prefix = _span_text(doc, [x.i for x in c.subtree]) + " "
            return SourceRef(_clean_name(prefix + body), "intelligence", ref.head_lemma)
    return ref


def _company_named_before(head: Token) -> list[SourceRef]:
    """ "A Coastal Wings plane crashed ... The airline said": the company a corporate noun
    stands for when it has not spoken yet, the latest organisation the text names before it
    that is neither a public body nor a place."""
    doc = head.doc
    for ent in reversed([e for e in doc.ents if e.end <= head.i and e.label_ == "ORG"]):
        name = _clean_name(ent.text)
        public = any(w in name.lower() for w in _PUBLIC_WORDS)
        place = gazetteer().resolve(name, allow_demonym=False)
        if not public and place is None and source_kind(name) in (None, "organization"):
            return [SourceRef(name, "organization", head.lemma_.lower())]
    return []


# Words of a public body's name: not a company ("the company said" is not the ministry).
_PUBLIC_WORDS = ("ministry", "department", "council", "commission", "office", "agency", "authority",
                 "government", "army", "forces", "police", "service", "directorate", "bureau", "court",
                 "parliament", "congress", "assembly", "united nations", "red cross", "red crescent")  # fmt: skip


def _person_names(doc: Doc) -> list[str]:
    """Multi-word PERSON names in the document (cached on the doc)."""
    cached = doc.user_data.get("cw_persons")
    if cached is None:
        cached = [" ".join(e.text.split()) for e in doc.ents if e.label_ == "PERSON" and len(e) > 1]
        doc.user_data["cw_persons"] = cached
    return list(cached)


def _named_intelligence_body(doc: Doc) -> str | None:
    """The proper name of an intelligence service the article mentions (cached on the doc)."""
    if "cw_intel" not in doc.user_data:
        doc.user_data["cw_intel"] = _find_intelligence_body(doc)
    found = doc.user_data["cw_intel"]
    return str(found) if found else None


def _find_intelligence_body(doc: Doc) -> str | None:
    text = doc.user_data.get("cw_text")
    if isinstance(text, str) and "ntelligence" not in text:
        return None
    for t in doc:
        if t.lower_ == "intelligence" and t.pos_ == "PROPN":
            head = t.head if t.dep_ == "compound" and t.head.pos_ == "PROPN" else t
            idxs = [x.i for x in head.lefts if x.dep_ == "compound" and x.pos_ == "PROPN"] + [head.i]
            return _span_text(doc, idxs)
    return None


# Saying verbs that, with a plain object and no clause, do something else: "hospitals
# admitted 1,200 people", "the state declared an emergency".
_OBJECT_SENSE = frozenset({"admit", "declare"})


# "give way", "give birth", "give chase": "give" as an event, not as giving a figure.
_GIVE_IDIOMS = frozenset({"way", "birth", "chase", "rise", "ground", "battle"})


def not_reporting(verb: Token) -> bool:
    """ "claimed the lives of 50", "put pressure on", "admitted 340 patients", "declared an
    emergency": a saying verb used in another sense."""
    objs = {c.lemma_.lower() for c in verb.children if c.dep_ == "dobj"}
    lem = verb.lemma_.lower()
    if lem in _OBJECT_SENSE and not any(c.dep_ in ("ccomp", "xcomp") for c in verb.children):
        return True  # without a clause: "admitted upwards of 300 patients"
    nxt = verb.nbor(1) if verb.i + 1 < len(verb.doc) else None
    if lem == "give" and (objs & _GIVE_IDIOMS or (nxt is not None and nxt.lower_ in _GIVE_IDIOMS)):
        return True  # "the slope gave way, burying 30 houses": an event, not a statement
    if lem == "put" and "toll" in objs and any(c.dep_ == "prep" and c.lower_ == "at" for c in verb.children):
        return False  # "the committee had put the toll at 19": an estimate, a statement
    return bool(objs & {"life", "pressure", "toll"}) and lem in ("claim", "put", "take")


def is_reporting(verb: Token) -> bool:
    """A verb that reports a statement here (not "admitted 1,200 people")."""
    return verb.pos_ == "VERB" and verb.lemma_.lower() in SAY_LEMMAS and not not_reporting(verb)


def _body_or_person(subj: Token | None) -> bool:
    """ "The office had listed 58 people as missing" is the office's statement; "the manifest
    listed 212 passengers" is a document the speaker cites, not a speaker."""
    if subj is None:
        return False
    return subj.ent_type_ in ("ORG", "PERSON", "NORP") or subj.lemma_.lower() in BODY_HEADS | _PERSON_HEADS


def reporting_verb(tok: Token) -> Token | None:
    """The nearest reporting verb governing ``tok`` that has a subject (or is carried by one)."""
    cur: Token | None = tok
    steps = 0
    while cur is not None and steps < 12:
        if cur.pos_ in ("VERB", "AUX") and subject_of(cur) is not None:
            lem = cur.lemma_.lower()
            if lem in SAY_LEMMAS and not not_reporting(cur) and (lem != "list" or _body_or_person(subject_of(cur))):
                return cur
            subj = subject_of(cur)
            if lem == "show" and subj is not None and subj.lemma_.lower() in EVIDENCE_NOUNS | _SHOWING_NOUNS:
                return cur
        if cur.head == cur:
            break
        cur = cur.head
        steps += 1
    return None


def subject_of(verb: Token) -> Token | None:
    """The speaker of a reporting verb: its subject (the agent of a passive), the closest
    one when a bad parse gives two ("..., 1,404 of them critically, the ministry said")."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and not c.like_num]
    if subjects:
        c = min(subjects, key=lambda x: abs(x.i - verb.i))
        speaker = counted_as_speaker(c)
        if speaker is not None:
            return speaker  # "... killed 27 civilians, the chairman said": the apposition
        named = _named_before(c, [*subjects, *([verb.head] if verb.dep_ == "relcl" else [])])
        if named is not None:
            c = named
        if c.dep_ == "nsubjpass":
            for a in verb.children:
                if a.dep_ == "agent":
                    for p in a.children:
                        if p.dep_ == "pobj":
                            return p
            return None
        return c
    # "Save the Children said": a name the parser reads as a clause ("Save" a verb).
    for c in verb.children:
        if c.dep_ == "csubj" and c.i < verb.i and _title_words(list(c.subtree)):
            return c
    # "appears to show": the subject sits on the governing verb.
    if verb.dep_ in ("xcomp",) and verb.head != verb:
        for c in verb.head.children:
            if c.dep_ == "nsubj":
                return c
    # "the agency bowed to pressure and said 30 had died": joined verbs share a subject.
    if verb.dep_ == "conj" and verb.head != verb and verb.head.pos_ in ("VERB", "AUX") and verb.head.i < verb.i:
        shared = [c for c in verb.head.children if c.dep_ == "nsubj" and not c.like_num and c.i < verb.head.i]
        if shared:
            return shared[0]
    return None


def _named_before(c: Token, subjects: list[Token]) -> Token | None:
    """ "The Rapid Support Forces (RSF), the paramilitary group ..., denied": a bad parse gives
    the description set off by commas as a second subject; the name before it is the speaker."""
    if c.pos_ != "NOUN" or c.left_edge.i == 0 or c.doc[c.left_edge.i - 1].text != ",":
        return None
    for o in subjects:
        if o.i < c.i and o.pos_ == "PROPN" and all(t.is_punct for t in c.doc[o.right_edge.i + 1 : c.left_edge.i]):
            return o
    return None


def according_to(sent: Span, near: Token | None = None) -> Token | None:
    """The noun after "according to" in a sentence, if any. With several ("12,000 according
    to the police, and 100,000 according to organisers"), the first one after ``near``."""
    found = _all_according_to(sent)
    if near is not None and len(found) > 1:
        after = [p for p in found if p.i > near.i]
        return after[0] if after else found[-1]
    return found[0] if found else None


def _all_according_to(sent: Span) -> list[Token]:
    out: list[Token] = []
    for t in sent:
        p = _according_obj(t)
        if p is not None:
            out.append(p)
    return out


def _relayed_statement(acc: Token) -> tuple[Token, Token] | None:
    """(reporting verb, its subject) when "according to X" hangs on someone else's statement."""
    according = acc.head.head if acc.head.lower_ == "to" else None
    if according is None or according.lower_ != "according":
        return None
    verb = according.head
    if verb.pos_ != "VERB" or verb.lemma_.lower() not in SAY_LEMMAS or not_reporting(verb):
        return None  # "the cyclone claimed the lives of 50, according to ..." is no statement
    subj = subject_of(verb)
    if subj is None or subj.pos_ not in ("NOUN", "PROPN") or subj.lemma_.lower() in _NOT_SPEAKERS:
        return None
    if is_place(subj) and verb.lemma_.lower() not in _PLACE_SPEAKS:
        return None  # "Kyrgyzstan reported 3,412 cases, according to the WHO": the WHO's figure
    return verb, subj


def _according_obj(t: Token) -> Token | None:
    if t.lower_ != "according":
        return None
    for c in t.children:
        if c.lower_ == "to":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    nxt = t.nbor(1) if t.i + 1 < len(t.doc) else None
    if nxt is not None and nxt.lower_ == "to":
        for p in nxt.children:
            if p.dep_ == "pobj":
                return p
    return None


_TRAILING_SAY = frozenset({"say", "tell", "add", "state", "report", "write", "note", "claim", "confirm", "estimate"})


_SPEAKER_PRONOUNS = frozenset({"we", "i", "it", "they", "he", "she"})


def _compiled_figures(verb: Token) -> bool:
    """ "The ministry's latest figures show 2,400 cases": figures speak for whoever compiled them."""
    subj = subject_of(verb)
    if verb.lemma_.lower() != "show" or subj is None or subj.lemma_.lower() not in _SHOWING_NOUNS:
        return False
    return _maker_of(subj) is not None


def _via_cited(refs: list[SourceRef], sent: Span, memory: SourceMemory) -> list[SourceRef]:
    """ "The news agency APA, citing a source in the ministry, reported ...": the cited
    source is the original speaker, the agency only relays it."""
    cite = next((t for t in sent if t.lemma_.lower() == "cite" and t.pos_ == "VERB"), None)
    obj = next((c for c in cite.children if c.dep_ == "dobj"), None) if cite is not None else None
    if obj is None:
        return refs
    speaker = obj.pos_ == "PROPN" or obj.ent_type_ in ("ORG", "PERSON", "NORP")
    if not speaker and obj.lemma_.lower() not in GENERIC_HEADS | _PERSON_HEADS:
        return refs  # "citing interviews with survivors": evidence, not a speaker
    cited = names_of(obj, memory, sent.doc)
    if not cited:
        return refs
    via = ", ".join(r.name for r in refs)
    return [SourceRef(f"{r.name} (via {via})", r.kind, r.head_lemma, r.explicit, r.descr) for r in cited]


def _parenthetical_say(tok: Token) -> Token | None:
    """ "Teams pulled 14 miners alive, the operator said, but the union said ...": the
    reporting verb set into the figure's own clause, not a later speaker's."""
    for a in (tok, *tok.ancestors):
        for c in a.children:
            said = c.dep_ == "parataxis" and c.pos_ == "VERB" and c.lemma_.lower() in _TRAILING_SAY
            if said and subject_of(c) is not None:
                return c
    return None


def trailing_reporting_verb(sent: Span, skip_places: bool = False) -> Token | None:
    """A reporting verb anywhere in the sentence with a subject ("..., Healey said.");
    with ``skip_places``, not one whose subject is a place ("Kyrgyzstan has confirmed")."""
    best = None
    for t in sent:
        if t.pos_ == "VERB" and t.lemma_.lower() in _TRAILING_SAY and subject_of(t) is not None:
            if skip_places and is_place(subject_of(t)):
                continue
            best = t
            if t.dep_ == "ROOT":
                return t
    return best


# Verbs a country speaks with ("Russia said", "Iran denied"); with the others ("Kyrgyzstan has
# recorded 3,412 cases") the place is where the figure is, not who states it.
_PLACE_SPEAKS = frozenset({"say", "tell", "announce", "deny", "claim", "insist", "warn", "accuse", "reject",
                           "dismiss", "allege", "admit", "acknowledge", "declare", "argue", "maintain"})  # fmt: skip


_NAME_LINKS = frozenset({"the", "of", "for", "and", "without", "in", "on"})


def _title_words(toks: list[Token]) -> bool:
    """ "Save the Children", "Doctors Without Borders": capitalised words (two at least) with
    only the small words of a name between them."""
    caps = [t for t in toks if t.text[:1].isupper()]
    return len(caps) >= 2 and toks[0].text[:1].isupper() and all(
        t.text[:1].isupper() or t.lower_ in _NAME_LINKS for t in toks
    )


def is_place(tok: Token | None) -> bool:
    """A bare place name as a subject ("Kyrgyzstan", "the Philippines"), not a body named for one."""
    if tok is None or tok.pos_ != "PROPN":
        return False
    if any(c.dep_ in ("compound", "amod") and c.pos_ == "NOUN" for c in tok.lefts):
        return False
    name = " ".join(t.text for t in tok.subtree if t.pos_ == "PROPN")
    p = gazetteer().resolve(name, allow_demonym=False)
    if p is None:
        return False
    # The small model tags some countries PERSON ("Malawi"); a country name is a place anyway.
    return tok.ent_type_ in ("GPE", "LOC", "") or (p.kind == "country" and p.name.lower() == name.lower())


def _recorded_at(subj: Token | None, verb: Token) -> bool:
    """ "Kasama had recorded 902 cases": a town name the tagger read as a person, subject of
    a recording verb (not of "said"), is the place the figure was recorded in."""
    if subj is None or subj.pos_ != "PROPN" or subj.ent_type_ != "PERSON" or verb.lemma_.lower() not in _RECORDS:
        return False
    name = " ".join(t.text for t in subj.subtree if t.pos_ == "PROPN")
    return gazetteer().resolve(name, allow_demonym=False) is not None


_RECORDS = frozenset({"record", "register", "log", "count", "tally", "report", "confirm", "list"})


_NOT_SPEAKERS = frozenset({"crowd", "people", "protester", "demonstrator", "toll", "number", "figure",
                           "estimate", "death", "casualty"})  # fmt: skip


# Possessives that make a group the speaker's own ("its teams", "their volunteers").
_OWN_POSSESSIVES = frozenset({"its", "their", "our"})
# Heads of an administrative area's name: "X local government area", "Y district".
# ("department" is left out: "the Fire Department has recorded 12 injuries" is a body.)
_AREA_HEADS = frozenset({"area", "district", "province", "county", "region", "municipality", "state",
                         "prefecture", "governorate", "commune", "subdistrict"})  # fmt: skip


def _own_counters(subj: Token) -> bool:
    """ "its teams", "their lawyers": a common noun owned by a possessive pronoun."""
    return subj.pos_ == "NOUN" and any(c.dep_ == "poss" and c.lower_ in _OWN_POSSESSIVES for c in subj.children)


# Area nouns that, with "the" or a possessive, stand for a place already named ("the
# district had recorded", "his municipality has registered").
_BARE_AREA_HEADS = _AREA_HEADS | frozenset({"country", "city", "town", "village", "canton"})


def _area_subject(subj: Token | None) -> bool:
    """ "X local government area had recorded 612 cases", "Y district has confirmed 40", "the
    district had recorded 9,870 admissions", "his municipality had recorded 1,120": an
    administrative area is where the figure is, not who states it (the bare name is already
    a place by ``is_place``; the caller keeps "said" for speakers)."""
    if subj is None or subj.lemma_.lower() not in _BARE_AREA_HEADS:
        return False
    named = any(
        t.pos_ == "PROPN" for c in subj.lefts if c.dep_ in ("compound", "nmod", "amod") for t in c.subtree
    )
    if named:
        return subj.lemma_.lower() in _AREA_HEADS and not any(c.dep_ in ("det", "poss") for c in subj.children)
    # the bare noun: "the district", "his municipality" (not "a district", nor "districts")
    return subj.tag_ == "NN" and any(
        (c.dep_ == "det" and c.lower_ in ("the", "this")) or (c.dep_ == "poss" and c.pos_ == "PRON")
        for c in subj.children
    )


def not_the_speaker(subj: Token, verb: Token) -> bool:
    """A subject of a reporting verb that states nothing itself: a place that "has recorded"
    (not one that "said"), or the speaker's own staff under another reporting verb ("MSF said
    its teams had recorded ..."). Such subjects are not remembered as sources."""
    if verb.lemma_.lower() not in _PLACE_SPEAKS and (is_place(subj) or _area_subject(subj) or _recorded_at(subj, verb)):
        return True
    return _own_counters(subj) and verb.head != verb and reporting_verb(verb.head) is not None


def _plausible_source(subj: Token | None, anchor: Token) -> bool:
    if subj is None:
        return False
    if subj.like_num or subj.i == anchor.i or subj.lemma_.lower() in _NOT_SPEAKERS:
        return False
    return not any(a.i == subj.i for a in anchor.ancestors if a.dep_ not in ("ccomp", "ROOT"))


def sources_for(
    tok: Token, sent: Span, memory: SourceMemory, near: Token | None = None
) -> tuple[list[SourceRef], Token | None]:
    """The sources of a claim anchored at ``tok``, and the reporting verb used (if any).
    ``near`` is the figure itself, which picks among several "according to" phrases."""
    doc = sent.doc
    verb = reporting_verb(tok)
    if verb is not None and verb.i > tok.i and any(t.text == ";" for t in sent.doc[tok.i : verb.i]):
        # "X claimed A; Y counted B": a bad parse can hang A under Y's verb.
        left = [t for t in sent.doc[sent.start : tok.i] if t.pos_ == "VERB" and t.lemma_.lower() in SAY_LEMMAS]
        verb = left[-1] if left and subject_of(left[-1]) is not None else None
    if verb is not None and not _plausible_source(subject_of(verb), tok) and not _compiled_figures(verb):
        verb = None  # "Crowds estimated at 400,000": the counted thing is not a speaker
    first = subject_of(verb) if verb is not None else None
    if verb is not None and first is not None and first.lower_ in _SPEAKER_PRONOUNS and verb.head != verb:
        # "'We have counted 64 bodies,' officer X told reporters": "we" is whoever is quoted;
        # "X's ministry said it had recorded 640 cases": "it" is the ministry.
        up = reporting_verb(verb.head)
        up_subj = subject_of(up) if up is not None else None
        if up is not None and up_subj is not None and up_subj.pos_ != "PRON":
            verb = up
    if verb is not None and first is not None and _own_counters(first) and verb.head != verb:
        # "MSF said its teams had recorded 63 deaths": the speaker's own staff counted, and
        # the speaker states it (unlike "the governor said local officials counted 230").
        up = reporting_verb(verb.head)
        up_subj = subject_of(up) if up is not None else None
        if up is not None and up_subj is not None and up_subj.pos_ != "PRON":
            verb = up
    place_subject = verb is not None and (
        is_place(subject_of(verb)) or _area_subject(subject_of(verb)) or _recorded_at(subject_of(verb), verb)
    )
    if near is not None and verb is not None and place_subject and verb.lemma_.lower() not in _PLACE_SPEAKS:
        # "Kyrgyzstan has recorded 3,412 cases, the ministry said": the place is where the
        # figure is, the speaker is whoever else says it.
        up = reporting_verb(verb.head) if verb.head != verb else None
        if up is None or is_place(subject_of(up)):
            up = trailing_reporting_verb(sent, skip_places=True)
        if up is not None and up != verb:
            verb = up
        elif according_to(sent, near) is not None:
            verb = None  # "Kyrgyzstan reported 3,412 cases, according to the WHO"
    if verb is not None and verb.lemma_ == "show":
        # "Satellite images show ..., the border guard service said": images are not a speaker
        # when someone else is named; footage "published by X" still is X.
        trailing = trailing_reporting_verb(sent)
        subj = subject_of(verb)
        if trailing is not None and subj is not None and _agent_of(subj) is None:
            verb = trailing
    if verb is not None:
        subj = subject_of(verb)
        if subj is not None:
            refs = names_of(subj, memory, doc)
            if refs:
                return _via_cited(refs, sent, memory), verb
    # "..., a report by U.N. experts says, according to diplomats": the report's authors are
    # the original speaker, the diplomats only relay it.
    for t in sent:
        if t.pos_ == "VERB" and t.lemma_.lower() in _TRAILING_SAY and subject_of(t) is None:
            for k in range(t.i - 1, max(sent.start, t.i - 8) - 1, -1):
                if doc[k].lemma_.lower() in DOCUMENT_NOUNS:
                    maker = _maker_of(doc[k])
                    refs = names_of(maker, memory, doc) if maker is not None else []
                    if refs:
                        return refs, t
                    break
    acc = according_to(sent, near or tok)
    relayed = _relayed_statement(acc) if acc is not None else None
    if relayed is not None:
        # "a report by U.N. experts says, according to diplomats": the diplomats relay it.
        refs = names_of(relayed[1], memory, doc)
        if refs:
            return refs, relayed[0]
    if acc is not None:
        refs = names_of(acc, memory, doc)
        if refs:
            return refs, None
    verb = _parenthetical_say(tok) or trailing_reporting_verb(sent)
    if verb is not None and _plausible_source(subject_of(verb), tok):
        subj = subject_of(verb)
        if subj is not None:
            refs = names_of(subj, memory, doc)
            if refs:
                return refs, verb
    # "..., and wounded 30 others, the regional governor Oleh Syniehubov said": a parse
    # that hangs the speaker on the claim leaves "said" without a subject.
    for t in sent:
        if t.pos_ == "VERB" and t.lemma_.lower() in _TRAILING_SAY and subject_of(t) is None and t.i > sent.start:
            prev = doc[t.i - 1]
            if prev.pos_ in ("PROPN", "NOUN") and prev.i != tok.i and not prev.like_num:
                refs = names_of(prev, memory, doc)
                if refs:
                    return refs, t
    # A quote with no attribution of its own continues the last speaker.
    stripped = sent.text.lstrip()
    if stripped[:1] in ("“", '"', "‘") and memory.recent:
        return [SourceRef(r.name, r.kind, r.head_lemma, explicit=False) for r in memory.last()], None
    return [], None
