"""Presence claims: forces said to be (or not to be) somewhere.

``presence_drafts`` reads a sentence's force mentions ("Iranian troops were in X", "the
RSF denied that its fighters were in Y", "no Russian military presence in Z"): whose they
are, where, and whether the sentence asserts, denies or only reports it; a verdict on "the
reports" with no force of its own is about the discourse's topic (or the figure it names).
Asserted-vs-presupposed presence and the place of a presence are ``presence``'s.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Span, Token

from streams.extraction import attribution, stance
from streams.extraction.claim_places import antecedent, named_before
from streams.extraction.dates import as_of_for
from streams.extraction.denials import pick_denied, verdict_object
from streams.extraction.discourse import Discourse, Draft, set_topic
from streams.extraction.forces import (
    FORMATION,
    SENDERS_AND_HOLDERS,
    TROOPS,
    carries_number,
    force_class,
    generic_owner,
    has_own_subject,
    on_the_ground,
    sent_by_speaker,
    takes_part,
)
from streams.extraction.locations import location_in_sentence, source_tokens
from streams.extraction.parse import ent_text
from streams.extraction.presence import WRAPPER_NOUNS, bare_place_of, is_asserted, presence_places, sighted, stand_in
from streams.extraction.quantities import nationality, sender_nationality
from streams.extraction.subjects import SubjectRef


def _reports_called_false(wrapper: Token) -> bool:
    """ "claims that advisers were in X were false", "reports of troops in X are baseless": the
    reports' own predicate rejects them."""
    if wrapper.dep_ != "nsubj" or wrapper.lemma_.lower() not in WRAPPER_NOUNS:
        return False
    v = wrapper.head
    return v.lemma_ == "be" and any(
        c.dep_ in ("acomp", "attr") and c.lower_ in stance.DENY_WORDS and not stance._negated(v) for c in v.children
    )


def _projected(pred: Token) -> bool:
    """ "will arrive", "could be deployed", "are expected to arrive": a force's presence to come."""
    if pred.pos_ not in ("VERB", "AUX"):
        return False
    if any(c.dep_ == "aux" and c.tag_ == "MD" and c.lower_ not in ("can", "must") for c in pred.children):
        return True
    head = pred.head
    return pred.dep_ == "xcomp" and head.lemma_.lower() in ("expect", "plan", "due", "set", "schedule", "intend")


def _denied_in_phrase(m: Token, wrapper: Token) -> bool:
    if any(c.dep_ == "det" and c.lower_ == "no" for h in (m, wrapper) for c in h.children):
        return True
    return stand_in(m).lower_ == "none"


def _bare_no(m: Token) -> bool:
    """ "no soldiers": a force denied with nothing to say whose it is."""
    lefts = list(m.lefts)
    negated = any(c.dep_ == "det" and c.lower_ == "no" for c in lefts) or stance.not_one(m)
    return negated and not any(
        c.dep_ in ("amod", "compound", "poss", "nmod", "nummod") and c.lower_ not in ("one", "single") for c in lefts
    )


# -- presence -----------------------------------------------------------------
def presence_drafts(
    sent: Span, ctx: Discourse, has_counts: bool, counts_forces: bool = True, emit_neutral: bool = False
) -> list[Draft]:
    """Presence claims of a sentence. A sentence that counts forces already places them
    ("3,000 troops in X" is a count, not also a presence claim); one that counts something
    else ("saw no troops, but counted three houses damaged") can still place forces."""
    out: list[Draft] = []
    mentioned = False
    for m in sent:
        force = force_class(m)
        if force is None or m.pos_ not in ("NOUN", "PROPN"):
            continue
        nat = nationality(m, ctx.gaz, affiliation=True)
        if nat is None and m.head.lemma_.lower() in SENDERS_AND_HOLDERS:
            nat = sender_nationality(m.head, m.dep_, ctx.gaz)  # "Kenya has no forces in X"
            holder = m.head
            if m.head.dep_ in ("xcomp", "pcomp") and not has_own_subject(m.head):
                # "Eritrea denied having troops in X": the gerund's subject is the denier's.
                holder = m.head.head
                nat = sender_nationality(holder, m.dep_, ctx.gaz)
            nat = nat or country_subject(ctx.gaz, holder, m.dep_)
        speakers_own = False
        if nat is None and force != FORMATION:
            nat, speakers_own = generic_owner(m)
            # "it had sent no personnel to the area": the speaker's own.
            speakers_own = speakers_own or (nat is None and sent_by_speaker(m.head, m.dep_))
        bare_denial = nat is None and not speakers_own and force == TROOPS and _bare_no(m)
        # "militants had been seen near X": a sighting places a force nobody owns.
        unowned_sighting = nat is None and not speakers_own and force == TROOPS and sighted(m)
        if nat is None and not speakers_own and not bare_denial and not unowned_sighting:
            continue
        # "The army said no soldiers were at the site": a force denied without an owner is
        # the speaker's own (a sentence about someone else's names them).
        speakers_own = speakers_own or bare_denial
        force = TROOPS if force == FORMATION else force
        mentioned = mentioned or not bare_denial
        subj = SubjectRef(force, nat)
        found = presence_places(m, ctx.gaz)
        took_part = found is None and takes_part(m) and ctx.story.place() is not None
        if took_part:
            # "Russian fighters had taken part in the clash": present where the event was.
            story = ctx.story.place()
            assert story is not None
            found = (m.head, [story], m)
        if found is None:
            # "RSF units had been in the city", "no warships had entered the strait": the
            # city or strait the article named last.
            bare = bare_place_of(m)
            earlier = None
            if bare is not None:
                # "Residents of X said officers had arrived in the town": the town just named.
                earlier = named_before(bare, sent, ctx) or antecedent(bare.lemma_.lower(), ctx)
            if bare is not None and bare.lemma_.lower() in ("area", "site", "scene"):
                earlier = ctx.story.place()  # "in the area", "at the site": where the story is
            found = (m.head, [earlier], m) if earlier is not None else None
        if found is None and on_the_ground(m):
            # "... killed in clashes in X, and that allied troops were fighting alongside
            # them": forces in action without a place of their own are where the
            # sentence's events are, else where the story is.
            sources, say = attribution.sources_for(m.head, sent, ctx.memory)
            here = location_in_sentence(sent, source_tokens(sent, say) | ctx.dateline, ctx.gaz, m)
            here = here or ctx.story.place()
            found = (m.head, [here], m) if here is not None else None
        if found is None:
            continue
        pred, locs, wrapper = found
        loc = locs[0]
        if nat is not None:
            set_topic(ctx, subj, loc)
            ctx.topic_nat[force] = nat
        # "no troops", "none of its troops", "no sightings of troops": denied in the noun phrase.
        denied_here = _denied_in_phrase(m, wrapper)
        # (Forces in action beside the counted ones, "9 of its soldiers died and allied
        # troops were fighting alongside", are a presence claim of their own.)
        own_clause = denied_here or (sighted(m) and not carries_number(m))  # "and that troops had been seen near X"
        if counts_forces and not took_part and not own_clause and (carries_number(m) or not on_the_ground(m)):
            continue  # (but "sent 1,000 soldiers and no Myanmar troops had entered": a denial too)
        asserted = took_part or is_asserted(wrapper)
        if _projected(pred):
            continue  # "advisers will arrive in X next week": a plan, not a presence
        if not asserted and not (emit_neutral and stance.is_noncommittal(sent)):
            continue
        sources, say = attribution.sources_for(pred, sent, ctx.memory)
        if not sources:
            continue
        if speakers_own:
            # "The RSF denied that its fighters were in X": the speaker's own forces.
            if sources[0].kind == "person":
                continue
            subj = SubjectRef(force, sources[0].name)
        st = "neutral" if not asserted else stance.stance_of(m, pred, say, sent)
        if st == "asserts" and (denied_here or _reports_called_false(wrapper)):
            st = "denies"
        path = stance.path_to(pred, say)
        conf = 0.6 if stance.hedged(path) else 0.75
        if st == "neutral":
            conf = 0.5
        as_of = as_of_for(sent, pred if pred.pos_ in ("VERB", "AUX") else None, say, ctx.article.published_at)
        # "present in three territories, Rutshuru, Masisi and Nyiragongo": one claim each.
        out.extend(Draft(subj, "presence", x, None, st, sources, sent, as_of, conf) for x in locs)
        break
    if not mentioned and not has_counts and (ctx.topic is not None or ctx.last_quantity is not None):
        verdict = stance.judgement_on_reports(sent)
        if verdict is not None and (verdict[0] != "neutral" or emit_neutral):
            st, verb, obj_lemma = verdict
            sources, say = attribution.sources_for(verb, sent, ctx.memory)
            as_of = as_of_for(sent, verb, say or verb, ctx.article.published_at)
            conf = 0.55 if st == "neutral" else 0.65
            figure = obj_lemma in stance.FIGURE_NOUNS
            obj = verdict_object(verb)
            lq = pick_denied(ctx, obj, sources) if figure else None
            if sources and lq is not None:
                targets = [lq]
                if obj is not None and obj.tag_ in ("NNS", "NNPS"):
                    # "rejected those estimates": every figure of that statement.
                    targets = [d for d in ctx.quantities if d.sent == lq.sent and d.sources == lq.sources]
                for d in targets:
                    out.append(Draft(d.subject, d.measure, d.loc, d.quantity, st, sources, sent, as_of, conf))
            elif sources and ctx.topic is not None:
                subj_ref, loc = ctx.topic
                out.append(Draft(subj_ref, "presence", loc, None, st, sources, sent, as_of, conf))
    return out


def country_subject(gaz: Any, verb: Token, role: str) -> str | None:
    """ "Belarus has not sent troops to X": a country's name as the sender, whatever entity
    type the small model gives it."""
    if role != "dobj":
        return None
    subj = next((c for c in verb.children if c.dep_ == "nsubj" and c.pos_ == "PROPN"), None)
    if subj is None:
        return None
    p = gaz.resolve(ent_text(subj), allow_demonym=False)
    if p is None or p.kind != "country":
        return None
    iso = gaz.nationality(p.name)
    return str(gaz.demonym(iso)) if iso else None
