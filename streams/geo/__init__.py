"""Places: the gazetteer (GeoNames cities, ISO countries and subdivisions) and
containment between places.

A required part of the core: the contradiction rules ask whether a statement's
place lies inside the claim's, and the consensus derives presence in every
place that contains a counted force's. It imports nothing else of claimwatch
(no spaCy, no extraction), so whatever is installed, the same places contain
each other. The extraction package re-exports it from
:mod:`streams.extraction.places`.
"""

from streams.geo.containment import containing_places
from streams.geo.places import Gazetteer, Place, gazetteer, location_contains, resolve_place, slugify

__all__ = [
    "Gazetteer",
    "Place",
    "containing_places",
    "gazetteer",
    "location_contains",
    "resolve_place",
    "slugify",
]
