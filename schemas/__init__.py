"""Event contracts of claimwatch (schema_version 1).

Every event on a claimwatch topic is one of the pydantic models in
:mod:`schemas.events`; :mod:`schemas.codec` puts them on the wire with orjson.
The JSON Schema files under ``schemas/json`` are generated from these models
(``python -m schemas.generate``) for consumers written in other languages.
"""

from schemas.events import (
    SCHEMA_VERSION,
    Article,
    ClaimObserved,
    ConsensusUpdated,
    ContradictionDetected,
    Estimate,
    Evidence,
    Presence,
    Source,
    Supporter,
    Value,
)

__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "ClaimObserved",
    "ConsensusUpdated",
    "ContradictionDetected",
    "Estimate",
    "Evidence",
    "Presence",
    "Source",
    "Supporter",
    "Value",
]
