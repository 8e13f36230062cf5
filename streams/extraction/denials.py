"""Denials of figures: drafts that dispute a figure given before (by someone else).

"rejected the state's figure of 46 dead" (``figure_denial``, the figure named with its
value); "Unions said 15 people died, a claim the ministry denied" (``appended_denials``);
"The company denied that" / "denied detaining anyone" (``pronoun_denials``); "dismissed
that claim as propaganda" (``demonstrative_denial``); "disputed the figure, saying only 12
had been detained" (``counter_figure_denials``). Each reads the figures of earlier
sentences from the discourse record (``Discourse.quantities``) and returns new drafts.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from streams.extraction import attribution, stance
from streams.extraction.attribution import SourceRef
from streams.extraction.dates import as_of_for
from streams.extraction.discourse import Discourse, Draft
from streams.extraction.numbers import Quantity
from streams.extraction.parse import of_object
from streams.extraction.quantities import measure_from_verb
from streams.extraction.subjects import MEASURE_NOUNS

# Clauses of a lede that give background ("a day after X reported ...", "before ...").
DENY_LEMMAS = frozenset({"deny", "dismiss", "reject", "dispute", "refute"})


_CALL_VERBS = frozenset({"call", "describe", "brand", "label", "term"})


_FALSE_WORDS = stance.DENY_WORDS | {"exaggerated", "inflated", "overstated", "exaggeration"}


_DENIED_NOUNS = frozenset({*stance.FIGURE_NOUNS, "claim", "report", "assertion", "allegation"})


_FIGURE_DENY_VERBS = frozenset({*stance.DENY_VERBS, "dispute", "contest", "question"})


def denied_figure(root: Token) -> tuple[Token, Token] | None:
    """ "rejected the figure of 46 dead", "disputed the 55,000 estimate": the deny verb and the
    figure noun when the number is that figure, the object of a denial; else None."""
    if root.dep_ == "nummod" and root.head.dep_ == "pobj":
        root = root.head  # "the figure of 31 dead"
    head = root.head
    fig: Token | None = None
    if root.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in _DENIED_NOUNS:
        fig = head.head  # "the figure of 46", "the rebels' claim of 46 dead"
    elif root.dep_ in ("nummod", "compound", "amod") and head.lemma_.lower() in stance.FIGURE_NOUNS:
        fig = head
    if fig is None:
        return None
    verb = fig.head
    lem = verb.lemma_.lower()
    if fig.dep_ == "nsubj" and lem == "be":
        # "said the union's figure of 40 injured was an exaggeration": judged false by its
        # complement; the denier is whoever says so.
        judged = any(
            x.lemma_.lower() in _FALSE_WORDS or x.lower_ in _FALSE_WORDS
            for c in verb.children
            if c.dep_ in ("attr", "acomp")
            for x in c.subtree
        )
        return (verb, fig) if judged else None
    if fig.dep_ not in ("dobj", "nsubjpass"):
        return None
    if lem in _CALL_VERBS and fig.dep_ == "dobj" and fig.lemma_.lower() in stance.FIGURE_NOUNS:
        # "called the figure of 46 dead 'exaggerated'": a denial by its complement.
        judged = any(x.lemma_.lower() in _FALSE_WORDS or x.lower_ in _FALSE_WORDS for x in verb.subtree if x.i > fig.i)
        return (verb, fig) if judged else None
    if lem not in _FIGURE_DENY_VERBS:
        return None
    return verb, fig


def denier(verb: Token) -> Token | None:
    """Who denies: the verb's subject, or the first verb's in "put the figure at X and dismissed Y"
    (none for "the figure ... was false": the speaker of that clause denies)."""
    if verb.lemma_.lower() == "be":
        return None
    subj = attribution.subject_of(verb)
    if subj is None and verb.dep_ == "conj":
        subj = attribution.subject_of(verb.head)
    return subj


def verdict_object(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ in ("dobj", "nsubjpass", "nsubj") and c.lemma_.lower() in stance.REPORT_NOUNS:
            return c
    return None


def _any_one(t: Token) -> bool:
    """ "anyone", "anybody", "any civilians": a denial that there were any at all."""
    return t.lower_ in ("anyone", "anybody", "any") or any(c.dep_ == "det" and c.lower_ == "any" for c in t.children)


def pick_denied(ctx: Discourse, obj: Token | None, deniers: list[SourceRef]) -> Draft | None:
    """Which earlier figure "the police figure" / "the estimate" refers to. A figure noun that
    names what was counted ("rejected the agency's death toll") picks that measure's figure,
    not the headline of another measure the same source gave; a bare "the figure" is the
    headline of the latest source's run in its sentence, not its last part."""
    names = {r.name.lower() for r in deniers}
    candidates = [d for d in reversed(ctx.quantities) if not ({s.name.lower() for s in d.sources} & names)]
    want = _figure_measure(obj)
    if want is not None and any(d.measure == want for d in candidates):
        candidates = [d for d in candidates if d.measure == want]
    if obj is not None:
        mods = {c.lower_ for c in obj.lefts if c.dep_ in ("compound", "amod", "poss")}
        mods.discard("official")
        for k, d in enumerate(candidates):
            if any(_names_source(m, s) for m in mods for s in d.sources):
                # "the UN figure": that source's headline figure.
                return _headline(d, candidates[k + 1 :], same_sentence=False)
    if candidates:
        return _headline(candidates[0], candidates[1:], same_sentence=True)
    return ctx.last_quantity


def _names_source(mod: str, src: SourceRef) -> bool:
    """ "the police estimate" is the National Police's (PNP), "the UN figure" the UN refugee
    agency UNHCR's: a word of the source's name or of the words it was found under, its head
    noun, or the start of its acronym."""
    text = f"{src.name} {src.descr}".replace("'s", " ").replace("’s", " ").replace("(", " ").replace(")", " ")
    words = text.lower().split()
    if mod in words or mod == src.head_lemma.lower():
        return True
    return len(mod) >= 2 and any(w.isupper() and w.lower().startswith(mod) for w in text.split())


def _headline(d: Draft, older: list[Draft], same_sentence: bool) -> Draft:
    """The first of a source's run of figures (the next ones are its parts: "1,500 people
    were treated and 40 of them were admitted")."""
    names_d = {s.name for s in d.sources}
    for e in older:
        if {s.name for s in e.sources} != names_d or (same_sentence and e.sent.start != d.sent.start):
            break
        d = e
    return d


def _figure_measure(obj: Token | None) -> str | None:
    """What a denied figure counted, when its noun says so: "the death toll" and "the toll"
    are deaths, "the number of injured" the injured; "the figure" says nothing."""
    if obj is None:
        return None
    for t in (obj, *(c for c in obj.children if c.dep_ in ("compound", "amod")), of_object(obj)):
        if t is None:
            continue
        m = MEASURE_NOUNS.get(t.lemma_.lower()) or MEASURE_NOUNS.get(t.lower_)
        if m is not None:
            return m
    return None


def figure_denial(
    denial: tuple[Token, Token], q: Quantity, sent: Span, ctx: Discourse, fresh: bool = False
) -> Draft | None:
    """ "The ministry rejected the state's figure of 46 dead": a denial of that figure, about
    what the figure counted (the earlier statement of the same value, else the one the
    figure noun names, else the latest figure), with the denied value itself."""
    verb, fig = denial
    subj = denier(verb)
    if subj is None and verb.lemma_.lower() != "be":
        return None
    deniers = attribution.names_of(subj, ctx.memory, sent.doc) if subj is not None and subj.pos_ != "PRON" else []
    if not deniers:
        deniers, _ = attribution.sources_for(verb, sent, ctx.memory)
    if not deniers:
        return None
    names = {r.name.lower() for r in deniers}
    same = [
        d
        for d in reversed(ctx.quantities)
        if d.quantity is not None and d.quantity.best == q.best and not ({s.name.lower() for s in d.sources} & names)
    ]
    if not same and fresh:
        return None
    target = same[0] if same else pick_denied(ctx, fig, deniers)
    if target is None:
        return None
    as_of = as_of_for(sent, verb, verb, ctx.article.published_at)
    return Draft(target.subject, target.measure, target.loc, q, "denies", deniers, sent, as_of, 0.65)


def appended_denials(sent: Span, drafts: list[Draft], ctx: Discourse) -> list[Draft]:
    """ "Unions said 15 people died, a claim the ministry denied": the denier disputes
    every figure stated before it, with the same value."""
    out: list[Draft] = []
    for t in sent:
        if t.lemma_.lower() not in stance.REPORT_NOUNS or t.pos_ != "NOUN":
            continue
        rel = next(
            (c for c in t.children if c.dep_ in ("relcl", "acl") and c.lemma_.lower() in stance.DENY_VERBS), None
        )
        if rel is None:
            continue
        subj = attribution.subject_of(rel)
        if subj is None or subj.pos_ == "PRON":
            continue
        deniers = attribution.names_of(subj, ctx.memory, sent.doc)
        if not deniers:
            continue
        as_of = as_of_for(sent, rel, rel, ctx.article.published_at)
        for d in drafts:
            if d.quantity is not None and d.stance == "asserts" and d.sent == sent:
                out.append(Draft(d.subject, d.measure, d.loc, d.quantity, "denies", deniers, sent, as_of, 0.65))
    return out


def pronoun_denials(sent: Span, ctx: Discourse) -> list[Draft]:
    """ "The association said 70 miners were working there. The company denied that":
    the figure just given. "The army denied that any of its soldiers had been captured":
    the latest figure of that measure (another source's)."""
    out: list[Draft] = []
    for v in sent:
        if v.pos_ != "VERB" or v.lemma_.lower() not in DENY_LEMMAS or stance._negated(v):
            continue
        obj = next((c for c in v.children if c.dep_ == "dobj"), None)
        clause = next((c for c in v.children if c.dep_ == "ccomp"), None)
        gerund = next((c for c in v.children if c.dep_ in ("xcomp", "pcomp") and c.tag_ == "VBG"), None)
        measure: str | None = None
        prev_only = False
        if obj is not None and obj.lower_ in ("that", "this") and not list(obj.children):
            prev_only = True
        elif gerund is not None:
            # "The army denied detaining anyone", "denied killing any civilians": a denial
            # of the latest figure of what the gerund does.
            whom = next((c for c in gerund.children if c.dep_ == "dobj"), None)
            if whom is None or not _any_one(whom):
                continue
            measure = measure_from_verb(gerund, "dobj")
            if measure is None:
                continue
        elif clause is not None:
            anyone = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if anyone is None or anyone.lower_ not in ("any", "anyone", "anybody"):
                continue
            measure = measure_from_verb(clause, anyone.dep_)
            if measure is None:
                continue
        else:
            continue
        sources, _ = attribution.sources_for(v, sent, ctx.memory)
        if not sources:
            continue
        names = {r.name.lower() for r in sources}
        prev_start = sent.doc[sent.start - 1].sent.start if sent.start > 0 else -1
        target = next(
            (
                d
                for d in reversed(ctx.quantities)
                if not ({x.name.lower() for x in d.sources} & names)
                and (d.sent.start == prev_start if prev_only else d.measure == measure)
            ),
            None,
        )
        if target is None or target.quantity is None:
            continue
        as_of = as_of_for(sent, v, v, ctx.article.published_at)
        t = target
        out.append(Draft(t.subject, t.measure, t.loc, t.quantity, "denies", sources, sent, as_of, 0.6))
    return out


def demonstrative_denial(sent: Span, ctx: Discourse) -> list[Draft]:
    """ "Islamic State said it had killed dozens of soldiers. The ministry dismissed that
    claim as propaganda": "that claim" is the figure just given, not the story's topic."""
    verdict = stance.judgement_on_reports(sent)
    if verdict is None or verdict[0] != "denies" or sent.start == 0:
        return []
    verb = verdict[1]
    obj = verdict_object(verb)
    if obj is None or not any(c.dep_ == "det" and c.lower_ in ("that", "this") for c in obj.children):
        return []
    prev = sent.doc[sent.start - 1].sent
    sources, say = attribution.sources_for(verb, sent, ctx.memory)
    if not sources:
        return []
    names = {r.name.lower() for r in sources}
    target = next(
        (
            d
            for d in reversed(ctx.quantities)
            if d.sent.start == prev.start and not ({x.name.lower() for x in d.sources} & names)
        ),
        None,
    )
    if target is None or target.quantity is None:
        return []
    as_of = as_of_for(sent, verb, say or verb, ctx.article.published_at)
    t = target
    return [Draft(t.subject, t.measure, t.loc, t.quantity, "denies", sources, sent, as_of, 0.6)]


def counter_figure_denials(sent: Span, ctx: Discourse, drafts: list[Draft]) -> list[Draft]:
    """ "The ministry disputed the figure, saying only 12 people had been detained": the
    speaker gives a figure of its own and denies the earlier one."""
    verdict = stance.judgement_on_reports(sent)
    if verdict is None or verdict[0] != "denies" or verdict[2] not in stance.FIGURE_NOUNS:
        return []
    _, verb, _ = verdict
    obj = verdict_object(verb)
    if any(d.stance != "asserts" for d in drafts) or (obj is not None and any(t.like_num for t in obj.subtree)):
        return []  # "rejected the state's figure of 46 dead": that figure's own denial
    sources, say = attribution.sources_for(verb, sent, ctx.memory)
    target = pick_denied(ctx, obj, sources) if sources else None
    if target is None or target.quantity is None or target.sent == sent:
        return []
    if any(d.quantity is not None and d.quantity.best == target.quantity.best for d in drafts):
        return []  # the figure itself is restated here ("rejected the figure of 60")
    as_of = as_of_for(sent, verb, say or verb, ctx.article.published_at)
    t = target
    return [Draft(t.subject, t.measure, t.loc, t.quantity, "denies", sources, sent, as_of, 0.6)]
