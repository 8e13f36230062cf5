"""Figures: the drafts of a sentence's numbers ("12 civilians were killed in X, the army said").

``quantity_drafts`` reads every number group of a sentence (``quantities.quantity_groups``)
into a draft: what it counts (subject class, nationality, scope, event), the measure,
source and stance, the place (the place cascade, with the rule that placed it) and the
date, or drops it (money, projections, restated figures, a speaker's own tally). Areas
burned or flooded (``area_draft``) and assertions of zero ("No deaths were reported",
``zero_drafts``) are figures too. The figures of earlier sentences come from the
discourse record; a figure's subject nationality and place are noted back into it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from spacy.tokens import Span, Token

from streams.extraction import attribution, filters, stance
from streams.extraction.attribution import SourceRef
from streams.extraction.claim_places import (
    continued_place,
    deictic_location,
    facility_place,
    jurisdiction,
    local_official,
    names_the_nation,
    place_subject,
)
from streams.extraction.dates import as_of_for, date_in
from streams.extraction.denials import (
    denied_figure,
    denier,
    figure_denial,
)
from streams.extraction.discourse import Discourse, Draft
from streams.extraction.forces import (
    FORCES,
    owning_subject,
    sent_by_speaker,
)
from streams.extraction.locations import (
    Loc,
    location_in,
    location_in_sentence,
    parts_elsewhere,
    source_tokens,
    speaker_setting,
)
from streams.extraction.numbers import Quantity
from streams.extraction.parse import clause_head, ent_text, misplaced_clause, of_object
from streams.extraction.quantities import (
    NOT_PEOPLE,
    PERSON_SUFFIX,
    SEVERITY,
    SKIP_ENTS,
    argument_count_head,
    compound_scope,
    container_of,
    count_from_verb,
    counted_noun,
    measure_from_modifiers,
    measure_from_verb,
    nationality,
    noun_after,
    quantity_groups,
    sender_nationality,
)
from streams.extraction.subjects import (
    AREA_UNITS,
    AREA_VERBS,
    CONTAINER_NOUNS,
    COUNT_HEADS,
    MEASURE_NOUNS,
    MEASURE_VERBS,
    NOT_SUBJECTS,
    PROTEST_VERBS,
    SCOPE_ADJECTIVES,
    SCOPE_VERBS,
    SubjectRef,
    naval_asset,
    subject_class,
)

_TAKE_LIFE = frozenset({"claim", "take", "cost", "lose"})


# Verbs whose bare-number object is people held somewhere ("a centre holding nearly 1,300").


_HOSPITAL = "hospitalized"


_HARM = frozenset({"deaths", "injured", "missing", "captured", "hospitalized"})


_GROUP_VERBS = frozenset({"arrive", "cross", "flee", "kill", "die", "detain", "arrest", "rescue", "displace",
                          "evacuate", "injure", "wound", "deport", "return", "drown"})  # fmt: skip


def _gapped_passive(verb: Token) -> bool:
    """A bare participle conjoined to a passive verb shares its auxiliaries: in "14 were
    detained and two officers injured", the officers were injured (not injured someone)."""
    return (
        verb.tag_ == "VBN"
        and verb.dep_ == "conj"
        and not any(c.dep_ in ("aux", "auxpass", "dobj") for c in verb.children)
        and any(c.dep_ == "auxpass" for c in verb.head.children)
    )


def _needs_hospital(verb: Token | None) -> bool:
    """ "no protesters had needed hospital treatment"."""
    if verb is None or verb.lemma_.lower() not in ("need", "require", "receive"):
        return False
    return any(x.lemma_.lower() in ("hospital", "hospitalisation", "hospitalization") for x in verb.subtree)


def _measure_word_after(group: list[Token]) -> bool:
    last = group[-1]
    nxt = last.nbor(1) if last.i + 1 < len(last.doc) else None
    return nxt is not None and nxt.lower_ in ("dead", "killed", "wounded", "injured", "missing", "hurt")


def _people_of_a_group(noun: Token, root: Token, gaz: Any) -> bool:
    """ "2,000 Rohingya", "300 Uighurs": a proper noun counted directly, as the subject or
    object of what happens to people, names a people (the small model often misses NORP)."""
    if noun.pos_ != "PROPN" or root.head != noun or root.dep_ != "nummod":
        return False
    if noun.dep_ not in ("nsubj", "nsubjpass", "dobj") or subject_class(noun.lemma_) is not None:
        return False
    if gaz.resolve(noun.text, allow_demonym=False) is not None or noun.ent_type_ in ("GPE", "LOC", "FAC", "PERSON"):
        return False
    return noun.head.lemma_.lower() in _GROUP_VERBS


def _restated(group: list[Token], sent: Span) -> bool:
    """ "Of the 14 rescued, ...": a sentence opening on "of the N" takes up a figure already given."""
    i = group[0].i
    doc = sent.doc
    return i - 2 == sent.start and doc[i - 1].lower_ == "the" and doc[i - 2].lower_ == "of"


def _carried(say: Token | None) -> bool:
    """ "It said", "The agency added": a speaker named earlier, not a new statement."""
    subj = attribution.subject_of(say) if say is not None else None
    if subj is None:
        return False
    if subj.pos_ == "PRON":
        return True
    return (
        subj.lemma_.lower() in attribution.GENERIC_HEADS
        and any(c.dep_ == "det" and c.lower_ == "the" for c in subj.children)
        and not any(t.pos_ == "PROPN" for t in subj.subtree)
    )


def _area_measure(noun: Token) -> str | None:
    """ "burned 18,400 acres" -> ``area_burned_acres``; None when the unit is not an area of
    the event."""
    unit = AREA_UNITS.get(noun.lemma_.lower())
    if unit is None:
        return None
    verb, _ = clause_head(noun)
    done = AREA_VERBS.get(verb.lemma_.lower()) if verb is not None else None
    return f"area_{done}_{unit}" if done else None


def _group_root(group: list[Token]) -> Token:
    """The token of a number group that the rest of the sentence attaches to."""
    gset = {t.i for t in group}
    root = group[-1]
    hops = 0
    while root.head.i in gset and root.head != root and hops < 6:
        root = root.head
        hops += 1
    return root


def _part_of_them(group: list[Token], sent: Span) -> Token | None:
    """ ", 31 of them seriously", ", 12 of whom critically": a part of the figure before it
    with nothing but adverbs after "them"/"whom" (not "7,000 of them were children", which
    has a verb, nor "1,480 of them in X", which has a place of its own). Returns the adverb,
    or "them"/"whom" when there is none."""
    doc = sent.doc
    first, last = group[0].i, group[-1].i
    if first == sent.start or doc[first - 1].text != "," or last + 3 > sent.end:
        return None
    if doc[last + 1].lower_ != "of" or doc[last + 2].lower_ not in ("them", "whom"):
        return None
    rest = [t for t in doc[last + 3 : sent.end] if not (t.is_punct or t.is_space)]
    end = next((t.i for t in doc[last + 3 : sent.end] if t.text in (",", ";")), sent.end)
    words = [t for t in rest if t.i < end]
    if any(t.pos_ != "ADV" for t in words):
        return None
    return words[-1] if words else doc[last + 2]


# -- quantities ---------------------------------------------------------------
def quantity_drafts(sent: Span, ctx: Discourse) -> list[Draft]:
    out: list[Draft] = []
    groups = list(quantity_groups(sent))
    # "rejected the figure of 46 dead, saying only two hospitals had reported deaths": the
    # denial's reasons are not figures of their own.
    deniers = {d[0].i for d in (denied_figure(_group_root(g)) for g, _ in groups) if d is not None}
    for group, q in groups:
        root = _group_root(group)
        if deniers and denied_figure(root) is None and any(a.i in deniers for a in root.ancestors):
            continue
        d = quantity_draft(group, q, sent, ctx, out)
        if d is not None:
            out.append(d)
    return out


def _figure_place(
    sent: Span,
    ctx: Discourse,
    verb: Token | None,
    anchor: Token,
    say: Token | None,
    sources: list[SourceRef],
    earlier: list[Draft],
    subject: SubjectRef,
) -> tuple[Loc | None, str, float]:
    """The place cascade of a figure: (place, the rule that gave it, the confidence so far).
    The most specific place its clause names; else a district or recording country as the
    clause's subject; "there" or "the district"; the hospital whose staff count; the figure
    just given's place; the area of the public body or official speaking; the country for
    a national tally; the sentence's place; the speaker's previous statement's place; the
    story's (or the last place of that subject). The order is the rules' priority: the
    learned place choice reads the rule's name. Notes the place as the subject's last
    (``Discourse.last_loc``)."""
    exclude = source_tokens(sent, say) | ctx.dateline
    exclude |= parts_elsewhere(verb if verb is not None else anchor, anchor)
    loc = location_in(verb if verb is not None else anchor, exclude, ctx.gaz, anchor)
    rule = "clause"
    if loc is None and verb is not None:
        speakers = frozenset(source_tokens(sent, say))
        loc, rule = place_subject(ctx.gaz, verb, exclude, anchor, speakers), "place_subject"
    conf = 0.85
    if loc is None:
        loc, rule = deictic_location(verb if verb is not None else anchor, sent, exclude, ctx, say), "deictic"
    if loc is None:
        loc, rule = facility_place(sent, exclude - ctx.dateline, ctx), "facility"
    if loc is None and earlier:
        loc, rule = earlier[-1].loc, "earlier"
        conf -= 0.05
    if loc is None:
        loc, rule = jurisdiction(sent, source_tokens(sent, say) - ctx.dateline, verb, ctx), "jurisdiction"
    if loc is None:
        loc, rule = local_official(sent, source_tokens(sent, say) - ctx.dateline, ctx), "official"
    if loc is None and names_the_nation(sent, exclude):
        # "the national toll rose to 46 ... in X": the whole country
        loc, rule = ctx.story.country_loc(), "national"
    if loc is None:
        exclude |= speaker_setting(say)
        loc, rule = location_in_sentence(sent, exclude, ctx.gaz, anchor), "sentence"
    if loc is None and sources and _carried(say):
        # "The blaze started in Ashulia, officer X said. He said 70 people were rescued":
        # the same speaker's statement goes on where the previous sentence put it.
        prev = ctx.statement_places.get(sources[0].name)
        # (Not after the lede: its places already make the story's place.)
        if prev is not None and prev[0] == ctx.sent_no - 1 and prev[0] != ctx.lede_no:
            loc, rule = prev[1], "carried"
    if loc is None:
        loc, rule = ctx.story.place() or ctx.last_loc.get(subject.base_slug), "story"
        conf -= 0.1
    if loc is not None:
        ctx.last_loc[subject.base_slug] = loc
    return loc, rule, conf


def _figure_date(
    sent: Span, ctx: Discourse, verb: Token | None, say: Token | None, sources: list[SourceRef]
) -> datetime | None:
    """A figure's as_of: its sentence's date, else (for a statement carried on: "the agency
    added") the date of that source's previous statement. A date of its own is noted as its
    sources' statement date (``Discourse.statement_dates``)."""
    as_of = as_of_for(sent, verb, say, ctx.article.published_at)
    if as_of == ctx.article.published_at and sources and _carried(say):
        # "The agency added that ...": the date of that source's statement.
        as_of = ctx.statement_dates.get(sources[0].name, as_of)
    if as_of != ctx.article.published_at and as_of is not None:
        for s in sources:
            ctx.statement_dates[s.name] = as_of
    return as_of


def _figure_nationality(
    ctx: Discourse,
    cls: str,
    noun: Token | None,
    anchor: Token,
    norp_nat: str | None,
    part_of: Draft | None,
    verb: Token | None,
    role: str,
    inherited: bool,
    earlier: list[Draft],
) -> tuple[str | None, bool]:
    """Whose the counted are, and whether that is a pronoun's owner still to be named by the
    speaker ("it had 11,500 personnel"). A part or a continuation of a figure is its whole's;
    forces are their sender's or owner's, else the nationality forces had before in the
    article (noted in ``Discourse.topic_nat`` when named)."""
    # Nationality (only troops carry one across sentences: "3,000 personnel" is still theirs).
    nat = norp_nat or (nationality(anchor, ctx.gaz, affiliation=cls in FORCES) if noun is not None else None)
    if part_of is not None:
        nat = part_of.subject.nationality
    if nat is None and cls in FORCES:
        nat = sender_nationality(verb, role, ctx.gaz)
    if inherited and earlier:
        nat = earlier[-1].subject.nationality
    # "it still had 11,500 personnel", "the rebels numbered 6,500 fighters", "the group
    # lost 5 fighters": the forces belong to that owner, not to the story's last army.
    owner = owning_subject(verb, role) if cls in FORCES and nat is None else None
    pending_owner = owner is not None and owner.pos_ == "PRON"
    if owner is not None and not pending_owner:
        nat = owner_name(ctx.gaz, owner)
    if nat is None and cls in FORCES and owner is None:
        nat = ctx.topic_nat.get(cls)
    elif nat is not None and cls in FORCES and owner is None:
        ctx.topic_nat[cls] = nat
    return nat, pending_owner


def _sub_scopes(
    scope: list[str],
    noun: Token | None,
    root: Token,
    verb: Token | None,
    role: str,
    part_of: Draft | None,
    part_scope: str | None,
) -> list[str]:
    """The scope words of a figure after its container's (``scope``): modifiers of the noun
    or the bare number ("seriously", "1,500 more"), the noun's compounds, the verb
    ("arrived"); a part of a figure comes after its whole's scope ("31 of them
    seriously")."""
    # Sub-scopes: modifiers of the noun / of the bare number, the verb ("arrived").
    for c in [*(noun.children if noun is not None else []), *root.children]:
        if c.dep_ in ("amod", "advmod") and c.lower_ in SCOPE_ADJECTIVES and c.lower_ not in scope:
            scope.append(c.lower_)
        if c.dep_ in ("amod", "advmod") and c.lower_ in SEVERITY:
            scope.append(SEVERITY[c.lower_])
        if c.dep_ == "amod" and c.lower_ == "more" and c.i > root.i and "additional" not in scope:
            scope.append("additional")  # "1,500 more soldiers"
    counted_as_measure = noun is not None and (
        noun.lemma_.lower() in MEASURE_NOUNS or noun.lemma_.lower() in COUNT_HEADS
    )
    if noun is not None and not counted_as_measure:
        scope += compound_scope(noun)
    if (
        verb is not None
        and not counted_as_measure
        and role in ("nsubj", "nsubjpass")
        and verb.lemma_.lower() in SCOPE_VERBS
    ):
        scope.append(SCOPE_VERBS[verb.lemma_.lower()])
    if part_of is not None:
        scope = [*part_of.subject.scope, *([part_scope] if part_scope else []), *scope]
    return scope


def _not_a_new_count(group: list[Token], root: Token, q: Quantity, sent: Span, ctx: Discourse) -> bool:
    """A number that is no count of its own: money, "not one" (a denial of presence), or a
    figure given before restated ("Of the 14 rescued, three were ...")."""
    if filters.money(group):
        return True
    if root.lower_ == "one" and (any(c.dep_ == "neg" for c in root.children) or stance.not_one(root.head)):
        return True  # "not one soldier was moved there": a denial of presence, not a count of one
    # "Of the 14 rescued, three were ...": the figure given before, not a new claim
    return _restated(group, sent) and any(d.quantity is not None and d.quantity.best == q.best for d in ctx.quantities)


def _part_draft(part: Token, q: Quantity, sent: Span, whole: Draft) -> Draft:
    """ "112 were injured, 31 of them seriously": a part of the figure just given, of the
    same measure and source, whatever the parser hung it on (its severity a scope)."""
    extra = (SEVERITY[part.lower_],) if part.lower_ in SEVERITY else ()
    ws = whole.subject
    part_subject = SubjectRef(ws.noun, ws.nationality, (*ws.scope, *extra), ws.event)
    conf = whole.confidence - 0.05
    w = whole
    return Draft(part_subject, w.measure, w.loc, q, w.stance, w.sources, sent, w.as_of, conf)


def _figure_noun(
    group: list[Token], root: Token, gset: set[int], earlier: list[Draft]
) -> tuple[Token | None, bool, Draft | None]:
    """The noun a number counts (its own, the one after it, or the verb's argument), whether
    it counts a pronoun ("300 of them": whatever the article was counting; no noun), and the
    figure it is a part of ("12 civilians, including five children"). "30 others" has no
    noun of its own: more of the same kind."""
    noun = counted_noun(group, root, gset)
    if noun is None:
        noun = noun_after(group)
    if noun is None:
        noun = argument_count_head(root, gset)
    pronoun = noun is not None and noun.pos_ == "PRON"
    if pronoun:
        noun = None  # "300 of them": whatever the article was counting
    # "12 civilians, including five children": a part of the figure just given.
    part_of = None
    if noun is not None and noun.dep_ == "pobj" and noun.head.lower_ in ("including", "among") and earlier:
        part_of = earlier[-1]
    if noun is not None and noun.lemma_.lower() in ("other", "others"):
        noun = None  # "and wounded 30 others": more of the same kind
    return noun, pronoun, part_of


def _noun_measure(noun: Token) -> str | None:
    """The measure a counted noun names ("300 dead"), or the noun it is "of" ("the deaths of
    300 people", "claimed the lives of 50 people")."""
    measure = MEASURE_NOUNS.get(noun.lemma_.lower()) or MEASURE_NOUNS.get(noun.lower_)
    if measure is None and noun.dep_ == "pobj" and noun.head.lower_ == "of":
        holder = noun.head.head
        measure = MEASURE_NOUNS.get(holder.lemma_.lower())  # "the deaths of 300 people"
        if holder.lemma_.lower() == "life" and holder.head.lemma_.lower() in _TAKE_LIFE:
            measure = "deaths"  # "claimed the lives of 50 people"
    return measure


def _people_named(noun: Token, root: Token, gaz: Any) -> str | None:
    """The people a counted noun names by nationality or group ("300 Syrians": Syrian;
    "2,000 Rohingya had arrived", "300 Uighurs were detained"): they are people of that
    group, whatever the noun."""
    norp_nat: str | None = None
    if noun.ent_type_ == "NORP" and subject_class(noun.lemma_) is None:
        iso = gaz.nationality(noun.text) or gaz.nationality(noun.text.rstrip("s"))
        if iso:
            norp_nat = str(gaz.demonym(iso))
    if norp_nat is None and _people_of_a_group(noun, root, gaz):
        norp_nat = noun.text  # "2,000 Rohingya had arrived", "300 Uighurs were detained"
    return norp_nat


def _subject_class(
    ctx: Discourse,
    group: list[Token],
    gset: set[int],
    noun: Token | None,
    pronoun: bool,
    norp_nat: str | None,
    measure: str | None,
    counted: bool,
    part_of: Draft | None,
    verb: Token | None,
    role: str,
    earlier: list[Draft],
) -> tuple[str, str | None, bool, list[Draft]] | None:
    """What a figure counts: (class, measure, whether both are inherited from the figure
    before, the figures before as extended), or None when it counts nothing we claim.

    A noun the lexicon knows gives its class; one it does not is counted only when its verb
    or a part-of says so ("hired 2,000 nurses", "including three commanders"), and
    participles and person nouns are people ("2,000 injured", "14 fishermen"). Without a
    noun, a pronoun's figure is the article's last ("300 of them"), a bare figure after
    another of its sentence more of the same, and a holding verb's object people ("the
    centre was holding nearly 1,300")."""
    inherited = False
    if noun is not None and norp_nat is not None:
        cls = "people"
    elif noun is not None:
        found_cls = subject_class(noun.lemma_) or subject_class(noun.lower_)
        if found_cls is None and naval_asset(noun):
            found_cls = "vessels"  # "12 navy patrol boats"
        if found_cls is not None:
            cls = found_cls
        else:
            # A noun no lexicon knows is still counted when its verb says so, or when it is
            # a part of the figure just given ("killed 30 fighters, including three
            # commanders": the commanders were killed too).
            measure = measure or count_from_verb(verb, role) or ("count" if counted else None)
            if measure is None and part_of is not None:
                measure = part_of.measure
            # "40 of the injured": a participle with "the" is a noun for people.
            nominal = (
                noun.pos_ == "VERB"
                and noun.lower_ in MEASURE_VERBS
                and (
                    noun.dep_ == "pcomp"
                    or any(c.dep_ == "det" for c in noun.children)
                    # "dozens of injured", "hundreds of wounded": a participle counted by "of"
                    or (noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.i in gset)
                )
            )  # "the number of missing" too
            if measure is None or (noun.pos_ not in ("NOUN", "ADJ") and not nominal):
                return None
            if noun.lower_ in MEASURE_VERBS and earlier:
                cls = earlier[-1].subject.noun  # "... and up to 120,000 wounded"
                inherited = True
            elif noun.lower_ in MEASURE_VERBS or noun.lemma_.lower() in MEASURE_NOUNS:
                cls = "people"  # "2,000 injured", "300 dead"
            elif PERSON_SUFFIX.search(noun.lemma_.lower()) and noun.lemma_.lower() not in NOT_PEOPLE:
                cls = noun.lower_ if noun.tag_ == "NNS" else noun.lemma_.lower() + "s"  # "14 fishermen"
            elif _measure_word_after(group):
                cls = "people"  # "claims of 43 dead 'baseless propaganda'": a bad parse of "43 dead"
            elif noun.tag_ == "NNS" and noun.pos_ == "NOUN" and noun.lemma_.lower() not in NOT_SUBJECTS:
                # The verb says it is a count ("deployed 60 boats", "hired 2,000 nurses").
                cls = noun.lower_
            else:
                return None  # "four members of our family": not a countable subject we know
    elif pronoun and ctx.last_quantity is not None:
        earlier = [*earlier, ctx.last_quantity]
        cls = ctx.last_quantity.subject.noun
        inherited = True
    elif measure is not None and earlier:
        cls = earlier[-1].subject.noun
        inherited = True
    elif measure is not None:
        cls = "people"
    elif earlier:
        # "127 were arrested in X and 212 in Y", "4,260 cases, including 212 in Y": a bare
        # figure after another of its sentence is more of the same, measure and all.
        cls = earlier[-1].subject.noun
        measure = earlier[-1].measure
        inherited = True
    elif pronoun and ctx.last_quantity is not None:
        earlier = [ctx.last_quantity]
        cls = ctx.last_quantity.subject.noun
        inherited = True
    elif verb is not None and role == "dobj" and verb.lemma_.lower() in filters.STOCK_VERBS and verb.tag_ != "VBZ":
        measure, cls = "count", "people"  # "the centre was holding nearly 1,300" (not "holds 400")
    else:
        return None
    return cls, measure, inherited, earlier


def _unwrap_counted(
    noun: Token | None, gset: set[int], ctx: Discourse, earlier: list[Draft]
) -> tuple[Token | None, list[str], str | None, bool, list[Draft]]:
    """The thing counted behind a count head or a container: (noun, scope words, measure,
    counted by construction, the figures before as extended). "the number of striking
    nurses" counts nurses; a bare "the figure at 12,000" is the figure just given (its
    measure, no noun); a container ("a first batch of about 1,500") and the container a
    noun is counted in go into the scope."""
    scope: list[str] = []
    measure: str | None = None
    counted = False
    if noun is not None:
        lem = noun.lemma_.lower()
        if lem in COUNT_HEADS:
            inner = of_object(noun)
            if inner is not None:
                noun = inner
                counted = True  # "the number of striking nurses": a count by construction
            elif lem not in ("crowd", "turnout", "attendance"):
                # "rights groups put the figure at 12,000": the figure just given.
                noun = None
                if earlier or ctx.last_quantity is not None:
                    ref = earlier[-1] if earlier else ctx.last_quantity
                    assert ref is not None
                    measure = ref.measure
                    earlier = earlier or [ref]
        if noun is not None and noun.lemma_.lower() in CONTAINER_NOUNS:
            inner = of_object(noun)
            scope += [c.lower_ for c in noun.lefts if c.dep_ == "amod" and c.lower_ in SCOPE_ADJECTIVES]
            scope.append(noun.lemma_.lower())
            # "a first batch of about 1,500": the batch of whatever was being counted.
            noun = None if inner is None or inner.i in gset else inner
    if noun is not None:
        container = container_of(noun)
        if container is not None:
            scope += [c.lower_ for c in container.lefts if c.dep_ == "amod" and c.lower_ in SCOPE_ADJECTIVES]
            scope.append(container.lemma_.lower())
    return noun, scope, measure, counted, earlier


def quantity_draft(group: list[Token], q: Quantity, sent: Span, ctx: Discourse, earlier: list[Draft]) -> Draft | None:
    gset = {t.i for t in group}
    root = _group_root(group)
    if _not_a_new_count(group, root, q, sent, ctx):
        return None
    part = _part_of_them(group, sent) if earlier else None
    if part is not None:
        return _part_draft(part, q, sent, earlier[-1])
    denial = denied_figure(root)
    if denial is not None:
        own = counted_noun(group, root, gset) or noun_after(group)
        # "rejected reports of hundreds of hidden cases": a figure with its own counted noun,
        # new here, is read as usual (only a bare "figure of 46" points back).
        fresh = own is not None and own.lemma_.lower() not in COUNT_HEADS
        denied = figure_denial(denial, q, sent, ctx, fresh)
        if denied is not None:
            return denied
        # "rejected a toll of 300 dead given by opposition groups": a figure first stated
        # here; it is read as usual, then denied by the subject of the verb.
    noun, pronoun, part_of = _figure_noun(group, root, gset, earlier)
    if noun is not None:
        area = _area_measure(noun)
        if area is not None:
            # "the fire had burned about 18,400 acres": the area is the claim.
            return area_draft(group, q, sent, ctx, area)
        if noun.lemma_.lower() in NOT_SUBJECTS or noun.ent_type_ in SKIP_ENTS:
            return None
    noun, scope, measure, counted, earlier = _unwrap_counted(noun, gset, ctx, earlier)
    anchor = noun if noun is not None else root
    verb, role = clause_head(anchor)
    if noun is not None:
        real = misplaced_clause(noun)
        if real is not None:
            verb, role = real, "dobj"  # "killed 27 civilians, the chairman said"
    if verb is not None and role == "nsubj" and _gapped_passive(verb):
        role = "nsubjpass"  # "14 people have been detained and two officers injured"
    if noun is not None:
        measure = _noun_measure(noun)
    if measure == "survivors":
        # A survivor is counted by what happens to them: "rescued 61 survivors", "survivors
        # remained in hospital"; only with no such verb are they survivors.
        measure = measure_from_verb(verb, role) or measure
    measure = (
        measure
        or measure_from_modifiers(anchor, group)
        or (measure_from_modifiers(root, group) if root != anchor else None)
        or measure_from_verb(verb, role)
    )
    if measure == "injured" and measure_from_verb(verb, role) == "hospitalized":
        measure = "hospitalized"  # "14 wounded soldiers had been admitted / taken to hospital"
    norp_nat = _people_named(noun, root, ctx.gaz) if noun is not None else None
    counted_as = _subject_class(
        ctx, group, gset, noun, pronoun, norp_nat, measure, counted, part_of, verb, role, earlier
    )
    if counted_as is None:
        return None
    cls, measure, inherited, earlier = counted_as
    if noun is not None and noun.lemma_.lower() in MEASURE_NOUNS and cls not in ("troops",):
        cls = "people"
    if noun is not None and noun.dep_ == "pobj" and noun.head.lower_ == "to" and noun.head.head.lemma_ == "attend":
        measure = measure or "injured"  # "the emergency service attended to 11 people"
    if (
        cls == "people"
        and verb is not None
        and verb.lemma_.lower() in PROTEST_VERBS
        and measure is None
        and role in ("nsubj", "nsubjpass", "dobj")
    ):
        cls = "protesters"
    part_scope: str | None = None
    if part_of is not None:
        if measure in (None, "count"):
            measure = part_of.measure
        if cls != part_of.subject.noun:
            part_scope = cls
            cls = part_of.subject.noun
        else:
            part_scope = None
    measure = measure or "count"
    nat, pending_owner = _figure_nationality(ctx, cls, noun, anchor, norp_nat, part_of, verb, role, inherited, earlier)
    scope = _sub_scopes(scope, noun, root, verb, role, part_of, part_scope)
    event = None if cls in FORCES else ctx.story.event(sent)
    if cls == "protesters" and event in ("protest", "strike"):
        event = None  # protesters already name their event
    subject = SubjectRef(cls, nat, tuple(dict.fromkeys(scope)), event)
    # Source and stance.
    sources, say = attribution.sources_for(verb if verb is not None else anchor, sent, ctx.memory, group[-1])
    if filters.not_a_claim(group, root, noun, verb, say, ctx.article.published_at) is not None:
        return None
    speaker = attribution.subject_of(say) if say is not None else None
    if speaker is not None and root.i in {t.i for t in speaker.subtree}:
        return None  # "only two hospitals had reported deaths": the speakers, not a figure
    if pending_owner and sources and sources[0].kind != "person":
        subject = SubjectRef(cls, sources[0].name, subject.scope, subject.event)
    elif cls in FORCES and subject.nationality is None and sources and sent_by_speaker(verb, role):
        # "Iran's navy said it had deployed 4 warships": the speaker's forces.
        sender = ctx.gaz.nationality(sources[0].name.split("'")[0].split("’")[0])
        if sender:
            subject = SubjectRef(cls, str(ctx.gaz.demonym(sender)), subject.scope, subject.event)
    predicate = verb if verb is not None else anchor
    st = stance.stance_of(anchor, predicate, say, sent)
    loc, rule, conf = _figure_place(sent, ctx, verb, anchor, say, sources, earlier, subject)
    if not sources:
        conf -= 0.25
    if q.hedge == "vague":
        conf -= 0.1
    if inherited:
        conf -= 0.1
    as_of = _figure_date(sent, ctx, verb, say, sources)
    frm = filters.earlier_figure(group)
    if frm is not None:
        # "up from 23 on Tuesday": the source's own figure, as of the day it gave it
        as_of = date_in(frm, ctx.article.published_at) or as_of
    if denial is not None:
        subj = denier(denial[0])
        deniers = attribution.names_of(subj, ctx.memory, sent.doc) if subj is not None else []
        if subj is None and denial[0].lemma_.lower() == "be":
            deniers = sources  # "said the figure of 40 was false": the speaker denies it
        if not deniers:
            return None
        conf = max(0.05, conf - 0.1)
        return Draft(subject, measure, loc, q, "denies", deniers, sent, as_of, conf, rule, anchor.i)
    return Draft(subject, measure, loc, q, st, sources, sent, as_of, max(0.05, conf), rule, anchor.i)


def area_draft(group: list[Token], q: Quantity, sent: Span, ctx: Discourse, measure: str) -> Draft | None:
    """An area burned or flooded: the subject is the event's area, placed and attributed
    like any figure."""
    verb, _ = clause_head(group[-1])
    anchor = verb if verb is not None else group[-1]
    sources, say = attribution.sources_for(anchor, sent, ctx.memory)
    if filters.not_a_claim(group, group[-1], None, verb, say, ctx.article.published_at) is not None:
        return None
    st = stance.stance_of(anchor, anchor, say, sent)
    exclude = source_tokens(sent, say) | ctx.dateline
    loc = location_in(anchor, exclude, ctx.gaz, anchor) or ctx.story.place()
    as_of = as_of_for(sent, verb, say, ctx.article.published_at)
    conf = 0.75 if sources else 0.5
    return Draft(SubjectRef("area", event=ctx.story.event(sent)), measure, loc, q, st, sources, sent, as_of, conf)


def owner_name(gaz: Any, owner: Token) -> str | None:
    """A name for whose forces they are: a country's demonym, an organisation's name, or
    "rebel"; None when the owner is too vague to name ("the group")."""
    text = ent_text(owner) if owner.ent_type_ else owner.text
    iso = gaz.nationality(text)
    if iso:
        return str(gaz.demonym(iso))
    if owner.pos_ == "PROPN" or owner.ent_type_ in ("ORG", "NORP"):
        return text
    if owner.lemma_.lower() in ("rebel", "insurgent", "militant", "separatist", "jihadist"):
        return owner.lemma_.lower()
    return None


def zero_drafts(sent: Span, ctx: Discourse) -> list[Draft]:
    """ "No deaths were reported", "no protesters had been hurt": an assertion of zero.
    Forces are left to presence ("there are no troops" denies their presence)."""
    out: list[Draft] = []
    for t in sent:
        if t.lower_ == "no" and t.dep_ == "det":
            noun = t.head
            verb, role = clause_head(noun)
        elif t.lower_ == "none" and t.dep_ in ("nsubj", "nsubjpass"):
            # "none of its staff at the site had been hurt": zero of that group.
            of = next((c for c in t.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
            if obj is None or obj.pos_ == "PRON":
                continue
            noun = obj
            verb, role = clause_head(t)
        else:
            continue
        lem = noun.lemma_.lower()
        measure = MEASURE_NOUNS.get(lem) if lem in MEASURE_NOUNS else None
        cls = "people" if measure else subject_class(lem)
        if cls is None or naval_asset(noun):
            continue
        if measure is None:
            measure = measure_from_verb(verb, role) or (_HOSPITAL if _needs_hospital(verb) else None)
        if cls in FORCES and measure not in _HARM:
            continue  # "no troops were in X" denies presence; "no peacekeepers were hurt" is a zero
        if measure is None or verb is None:
            continue
        sources, say = attribution.sources_for(verb, sent, ctx.memory)
        if not sources or stance.is_noncommittal(sent):
            continue
        loc = location_in(verb, source_tokens(sent, say) | ctx.dateline, ctx.gaz, noun)
        if loc is None:
            loc = continued_place(sources[0].name, ctx) or ctx.story.place()
        event = ctx.story.event(sent)
        subject = SubjectRef(cls, None, (), None if cls == "protesters" and event == "protest" else event)
        as_of = as_of_for(sent, verb, say, ctx.article.published_at)
        if as_of == ctx.article.published_at and _carried(say):
            as_of = ctx.statement_dates.get(sources[0].name, as_of)
        q = Quantity(0.0, 0.0, 0.0, "exact")
        out.append(Draft(subject, measure, loc, q, "asserts", sources, sent, as_of, 0.6))
    return out
