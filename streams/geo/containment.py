"""Which places contain a place, by the gazetteer."""

from __future__ import annotations

from functools import lru_cache

from streams.geo.places import gazetteer, resolve_place, slugify


@lru_cache(maxsize=8192)
def containing_places(place: str) -> tuple[tuple[str, str], ...]:
    """``(name, slug)`` of every place the gazetteer knows ``place`` to lie
    strictly within, widest last: ("Kursk region") → (("Russia", "russia"),).
    Empty when the gazetteer does not know the name, or for a country. The
    slugs are the ones claim keys use for those places."""
    found = resolve_place(place)
    if found is None or found.kind == "country":
        return ()
    country = gazetteer().country(found.country)
    if country is None:
        return ()
    return ((country.name, slugify(country.name)),)
