"""Claim extraction: article text in, attributed ``ClaimObserved`` events out.

A pure core (no Kafka): the Faust shell and ``claimwatch extract`` both call
``Extractor.extract`` / ``Extractor.extract_many``.
"""

from streams.extraction.extractor import Extractor
from streams.extraction.places import location_contains
from streams.extraction.rejections import RejectedArticle

__all__ = ["Extractor", "RejectedArticle", "location_contains"]
