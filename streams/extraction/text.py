"""Text preparation: HTML removal that keeps offsets, a language check, paragraph breaks.

Evidence offsets must index into ``Article.text`` exactly as it was given, so
cleaning never changes the length of the text: tags, comments, scripts and
entities are overwritten in place (block tags by a newline so that paragraphs
stay apart, the rest by spaces). The parse then runs on a string of the same
length and every character offset it yields is valid in the original.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc

_HTML_HINT = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")
_TAG = re.compile(
    r"<(script|style|noscript)\b.*?</\1\s*>|<!--.*?-->|<![^>]*>|</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>",
    re.S | re.I,
)
_BLOCK_TAG = re.compile(
    r"^</?(p|br|div|li|ul|ol|h[1-6]|tr|td|th|table|section|article|header|footer|blockquote|"
    r"figure|figcaption|aside|nav|main|hr|pre|title|script|style|noscript)\b",
    re.I,
)
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")
_WORD = re.compile(r"[^\W\d_]+")
_ENGLISH_STOPWORDS = frozenset(w for w in STOP_WORDS if len(w) > 1) | {"a", "i"}


def looks_like_html(text: str) -> bool:
    """Cheap test: does the text contain anything tag- or entity-like?"""
    return ("<" in text or "&" in text) and _HTML_HINT.search(text) is not None


def strip_html(text: str) -> str:
    """The text with markup blanked out, same length, same offsets.

    Block-level tags become a newline (paragraph break), inline tags spaces;
    entities are decoded into their first character and padded with spaces.
    """
    if not looks_like_html(text):
        return text

    def _tag(m: re.Match[str]) -> str:
        s = m.group(0)
        fill = "\n" if _BLOCK_TAG.match(s) else " "
        return fill + " " * (len(s) - 1)

    def _entity(m: re.Match[str]) -> str:
        s = m.group(0)
        decoded = html.unescape(s)
        if decoded == s or not decoded:
            return s
        ch = decoded[0]
        if ch in "\u00a0\u2002\u2003\u2009":
            ch = " "
        return ch + " " * (len(s) - 1)

    out = _TAG.sub(_tag, text)
    return _ENTITY.sub(_entity, out)


_OTHER_LANGS = ("de", "fr", "es", "it", "pt", "nl", "sv", "da", "nb", "pl", "tr", "id", "ro", "cs", "hu", "fi")


@lru_cache(maxsize=1)
def _other_stopwords() -> dict[str, frozenset[str]]:
    """Stop-word lists of other Latin-script languages, from spaCy's language data."""
    import importlib

    out: dict[str, frozenset[str]] = {}
    for code in _OTHER_LANGS:
        try:
            mod = importlib.import_module(f"spacy.lang.{code}.stop_words")
        except ImportError:  # pragma: no cover - every listed language ships with spaCy
            continue
        words = frozenset(w for w in mod.STOP_WORDS if len(w) > 1) - _ENGLISH_STOPWORDS
        out[code] = words
    return out


def english_score(text: str, sample_chars: int = 4000) -> tuple[float, int]:
    """Share of English function words among the words of a sample, and the word count."""
    sample = text[:sample_chars].lower()
    words = _WORD.findall(sample)
    if not words:
        return 0.0, 0
    hits = sum(1 for w in words if w in _ENGLISH_STOPWORDS)
    return hits / len(words), len(words)


def is_english(text: str, min_words: int = 8) -> bool:
    """False only when the text clearly reads as another language.

    Cheap (no model): other scripts are caught by their letters; Latin-script
    languages by comparing the share of English function words with the share
    of each other language's own function words (words shared with English
    do not count for them). Running English prose is 35-50% function words;
    terse English news still beats every other list. Too short to tell: True.
    """
    sample = text[:4000]
    letters = [c for c in sample if c.isalpha()]
    if not letters:
        return True
    latin = sum(1 for c in letters if c.isascii() or "\u00c0" <= c <= "\u024f")
    if latin / len(letters) < 0.5:
        return False
    words = _WORD.findall(sample.lower())
    if len(words) < min_words:
        return True
    en = sum(1 for w in words if w in _ENGLISH_STOPWORDS) / len(words)
    if en >= 0.3:
        return True
    best_other = max(
        (sum(1 for w in words if w in sw) / len(words) for sw in _other_stopwords().values()),
        default=0.0,
    )
    return en >= best_other and en >= 0.08


PARAGRAPH_COMPONENT = "claimwatch_paragraphs"


@Language.component(PARAGRAPH_COMPONENT)
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break.

    News text carries captions, credits and headings on their own lines
    without final punctuation; without this the parser glues a photo credit to
    the next sentence and the evidence span is wrong. Runs before the parser,
    which respects boundaries set here. A paragraph's first word never makes a
    sentence alone: after a dateline's line break the parser otherwise cuts
    "Residents | of X said ..." and the lede loses its subject and its places.
    """
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if not tok.is_space and prev.is_space and "\n" in prev.text:
            tok.is_sent_start = True
            nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            if nxt is not None and not nxt.is_space and not tok.is_punct and not nxt.is_punct:
                nxt.is_sent_start = False
    return doc


def add_paragraph_component(nlp: Language) -> None:
    """Insert the paragraph splitter before the parser (idempotent)."""
    if PARAGRAPH_COMPONENT in nlp.pipe_names:
        return
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    else:
        nlp.add_pipe(PARAGRAPH_COMPONENT, first=True)
