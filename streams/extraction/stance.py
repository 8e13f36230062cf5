"""Stance: does the source assert, deny, or stay non-committal?

Denials come as denial verbs ("denied the reports as fake news"), as a
judgement on the reports ("called the reports groundless"), or as negated
existence ("there are no troops", "troops are not in Russia"). Non-committal
statements ("stopped short of confirming", "did not explicitly deny", "the
reports were contradictory") are neutral. Everything else asserts; hedges such
as "highly likely" or "appears to" keep the assertion and lower confidence.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

DENY_VERBS = frozenset({"deny", "dismiss", "reject", "refute", "rebut", "debunk", "disprove"})
JUDGE_VERBS = frozenset(
    {"call", "describe", "label", "brand", "term", "characterize", "characterise", "dismiss", "deny", "reject",
     "refute", "rebut"}
)
DENY_WORDS = frozenset({
    "groundless", "baseless", "false", "fake", "untrue", "fabricated", "unfounded", "absurd",
    "nonsense", "lie", "lies", "propaganda", "fiction", "ridiculous", "fabrication",
    "disinformation", "misinformation", "hoax", "invented", "inaccurate", "wrong",
    "exaggerated", "inflated", "overstated", "overblown", "incorrect", "misleading", "fabrications",
})  # fmt: skip
NEUTRAL_WORDS = frozenset({"contradictory", "unconfirmed", "unverified", "unclear", "speculative"})
REPORT_NOUNS = frozenset({
    "report", "claim", "allegation", "rumor", "rumour", "story", "account", "speculation",
    "assertion", "information", "figure", "estimate", "accusation", "suggestion", "toll",
    "number", "count", "tally", "total",
})  # fmt: skip
_NEUTRAL_RE = re.compile(
    r"stopped short of (confirming|denying)|declined to (confirm|comment|deny)|"
    r"(?:(?:could|would|did|does|do|can)\s*(?:not|n['’]t)|cannot)\s+"
    r"(?:immediately |independently )?(?:confirm|verify)\b|"
    r"unable to (confirm|verify)|neither confirm\w* nor den\w*|not explicitly den\w*|"
    r"refused to (confirm|comment)|no immediate comment",
    re.I,
)
# Saying verbs that, coordinated with a denial, assert a claim of their own.
_SAYING = frozenset({"say", "add", "state", "insist", "tell", "note", "claim", "confirm", "report", "put", "give"})
FIGURE_NOUNS = frozenset({"figure", "estimate", "toll", "number", "count", "tally", "total"})
HEDGE_WORDS = frozenset({
    "likely", "probably", "possibly", "appear", "seem", "reportedly", "may", "might",
    "could", "believe", "suspect", "allegedly", "apparently", "presumably", "perhaps",
})  # fmt: skip


def is_noncommittal(sent: Span, within: Token | None = None) -> bool:
    """The sentence explicitly withholds confirmation or denial.

    With ``within``, only a non-committal phrase inside that token's subtree
    counts: "Police said 300 were held; the ministry did not confirm it" keeps
    the police claim asserted.
    """
    text = sent.text
    for m in _NEUTRAL_RE.finditer(text):
        if within is None:
            return True
        char = sent.start_char + m.start()
        tok = sent.doc[sent.start]
        for t in sent:
            if t.idx <= char:
                tok = t
            else:
                break
        path: list[Token] = []
        for a in (tok, *tok.ancestors):
            if a.i == within.i:
                # A coordinated clause with a subject of its own is someone else speaking.
                if not any(_own_speaker(p) for p in path):
                    return True
                break
            path.append(a)
    return False


def _own_speaker(clause: Token) -> bool:
    """A coordinated or relative clause with a subject of its own is someone else speaking
    ("..., which the army did not confirm")."""
    if clause.dep_ == "conj":
        return any(c.dep_ == "nsubj" for c in clause.children)
    if clause.dep_ == "relcl":
        return any(c.dep_ == "nsubj" and c.lower_ not in ("which", "who", "that") for c in clause.children)
    return False


def _negated(tok: Token) -> bool:
    return any(c.dep_ == "neg" for c in tok.children)


def path_to(tok: Token, stop: Token | None) -> list[Token]:
    """``tok`` and its ancestors up to and including ``stop`` (or the root)."""
    out = [tok]
    cur = tok
    while cur.head != cur and cur != stop and len(out) < 15:
        cur = cur.head
        out.append(cur)
    return out


def stance_of(anchor: Token, predicate: Token, verb: Token | None, sent: Span) -> str:
    """The stance towards the claim anchored at ``anchor`` whose predicate is ``predicate``.

    ``verb`` is the reporting verb (or None). Checks, in order: an explicit
    non-committal phrase, a denial verb or a "called ... groundless" judgement
    on the path to the reporting verb, a negated predicate or a "no" subject.
    """
    path = path_to(predicate, verb)
    for k, t in enumerate(path):
        lem = t.lemma_.lower()
        if lem in DENY_VERBS:
            if any(p.dep_ in ("conj", "advcl") and p.lemma_.lower() in _SAYING for p in path[:k]):
                break  # "denied that the exits were locked and said only 210 were inside", "disputed
                # the figure, saying only 12 were held": the speaker's own figure
            if _negated(t):
                return "neutral"
            return "denies"
        if lem in JUDGE_VERBS and _judged_false(t):
            return "denies"
    if is_noncommittal(sent, verb if verb is not None else path[-1]):
        return "neutral"
    if predicate.pos_ in ("VERB", "AUX") and _negated(predicate):
        return "denies"
    if any(c.dep_ == "det" and c.lower_ == "no" for c in anchor.children) or not_one(anchor):
        return "denies"
    for t in path:
        if t.lemma_.lower() == "be" and _negated(t) and t != verb:
            return "denies"
    return "asserts"


def not_one(noun: Token) -> bool:
    """'not one soldier', 'not a single soldier': a "no" in two words."""
    for c in noun.children:
        if c.dep_ == "neg" and c.i < noun.i and any(x.lower_ in ("single", "one") for x in noun.children):
            return True  # "not a single soldier" (the parser hangs "not" on the noun)
        if c.lower_ in ("one", "single") and any(x.dep_ == "neg" for x in c.children):
            return True  # "not one soldier"
    return False


def _judged_false(verb: Token) -> bool:
    """ "called the reports groundless", "dismissed them as fake news"."""
    return any(c.lower_ in DENY_WORDS and c.i != verb.i for c in verb.subtree)


def judgement_on_reports(sent: Span) -> tuple[str, Token, str] | None:
    """A verdict on "the reports" with no subject of its own: (stance, verb).

    "called the reports groundless" -> denies; "said the reports were
    contradictory" -> neutral. The caller ties it to the article's topic.
    """
    for t in sent:
        lem = t.lemma_.lower()
        if t.pos_ == "VERB" and lem in JUDGE_VERBS:
            objs = [c for c in t.children if c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() in REPORT_NOUNS]
            # "called the figure inflated", parsed as a clause whose subject is the figure.
            objs += [
                x
                for c in t.children
                if c.dep_ in ("ccomp", "xcomp", "oprd")
                for x in c.children
                if x.dep_ == "nsubj" and x.lemma_.lower() in REPORT_NOUNS
            ]
            if objs and ((lem in DENY_VERBS and not _negated(t)) or _judged_false(t)):
                return "denies", t, objs[0].lemma_.lower()
        if (
            t.lemma_.lower() in REPORT_NOUNS
            and t.dep_ in ("nsubj", "nsubjpass")
            and t.head.lower_ in DENY_WORDS
            and not _negated(t.head)
        ):
            return "denies", t.head, t.lemma_.lower()  # "the figure was inflated/exaggerated"
        if t.lemma_.lower() in REPORT_NOUNS and t.dep_ == "nsubj" and t.head.lemma_ == "be":
            for c in t.head.children:
                if c.dep_ in ("acomp", "attr") and c.lower_ in NEUTRAL_WORDS:
                    return "neutral", t.head, t.lemma_.lower()
                if c.dep_ in ("acomp", "attr") and c.lower_ in DENY_WORDS and not _negated(t.head):
                    return "denies", t.head, t.lemma_.lower()  # (not "the figure was not exaggerated")
    return None


def hedged(path: list[Token]) -> bool:
    """A hedge on the way from the claim to its reporting verb ("highly likely", "appears to")."""
    for t in path:
        if t.lemma_.lower() in HEDGE_WORDS:
            return True
        for c in t.children:
            if c.dep_ in ("acomp", "advmod", "aux") and c.lemma_.lower() in HEDGE_WORDS:
                return True
    return False
