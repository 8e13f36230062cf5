"""The claim stages as a spaCy component, so ``nlp.pipe`` runs them after the parse.

``claimwatch_claims`` (registered with ``Language.factory``) reads the article a doc was
made for from ``Doc._.cw_article`` (with the options in ``Doc._.cw_options`` and the
article text, before ``text_to_parse``, in ``doc.user_data["cw_text"]``) and writes the
article's claims to ``Doc._.cw_claims``. A doc without an article (a headline parsed for
the story's place, a bare text) passes through untouched.

An exception of the stages is stored in ``Doc._.cw_claims`` rather than raised: a batch
goes through ``nlp.pipe`` together, so raising would lose the articles before it that the
caller has not yet been given; the ``Extractor`` raises it (or yields a rejection) when it
reaches that article, as it did when the stages ran after the parse.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from streams.extraction.places import gazetteer
from streams.extraction.stages import Options, article_claims
from streams.extraction.story import StoryReader

CLAIMS_COMPONENT = "claimwatch_claims"

# Input: the ``Article`` the doc was made for; the ``stages.Options`` to read it with.
Doc.set_extension("cw_article", default=None, force=True)
Doc.set_extension("cw_options", default=None, force=True)
# Output: ``list[ClaimObserved]``, or the exception the stages raised; None when not run.
Doc.set_extension("cw_claims", default=None, force=True)


class ClaimsComponent:
    """Runs ``stages.article_claims`` on every doc that carries an article."""

    def __init__(self, nlp: Language, name: str = CLAIMS_COMPONENT) -> None:
        self.name = name
        self._gaz = gazetteer()
        # The title is parsed by this same pipeline (this component passes it through).
        self._reader = StoryReader(self._gaz, lambda text: nlp(text))

    def __call__(self, doc: Doc) -> Doc:
        article = doc._.cw_article
        if article is None:
            return doc
        options = doc._.cw_options or Options()
        try:
            doc._.cw_claims = article_claims(article, doc, doc.user_data["cw_text"], self._gaz, self._reader, options)
        except Exception as e:  # raised by the Extractor in the caller's order (see the module docstring)
            doc._.cw_claims = e
        return doc


@Language.factory(CLAIMS_COMPONENT)
def make_claims_component(nlp: Language, name: str) -> ClaimsComponent:
    return ClaimsComponent(nlp, name)


def add_claims_component(nlp: Language) -> None:
    """Append the claims component to ``nlp`` (idempotent)."""
    if CLAIMS_COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(CLAIMS_COMPONENT, last=True)


def claims_of(doc: Doc) -> Any:
    """What the component wrote for ``doc``: its claims, or the exception to raise."""
    return doc._.cw_claims
