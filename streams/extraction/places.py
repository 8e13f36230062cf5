"""The gazetteer, now :mod:`streams.geo.places` (a required package of the core,
shared by extraction, consensus and the contradiction rules); re-exported here
so extraction code and its callers keep working unchanged."""

from streams.geo.places import Gazetteer, Place, gazetteer, location_contains, resolve_place, slugify

__all__ = ["Gazetteer", "Place", "gazetteer", "location_contains", "resolve_place", "slugify"]
