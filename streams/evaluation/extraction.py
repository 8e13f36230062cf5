"""Extraction scored against hand-annotated gold claims.

The rule (DESIGN.md): a gold claim is found when an extracted claim of the
same article has the same stance, the same kind (presence vs quantity), a
value within 10% of the gold value, and a location and source that name the
same thing. Recall counts gold claims found; precision counts extracted claims
that match some gold claim.

"Name the same thing" is decided without the extractor's own wording: places
through the gazetteer (Primorsky region = Primorskiy kray, Russian soil =
Russia); sources by their country (Seoul = South Korea) and the remaining
words (one set inside the other, spelling variants folded, acronyms expanded),
so "John Healey" matches "British Defence Secretary John Healey" and "NIS"
matches "National Intelligence Service", but "South Korean officials" does
not match "South Korea's National Intelligence Service".

Run: ``python -m streams.evaluation.extraction`` (data dir: env
``CLAIMWATCH_EVAL_DATA``, default ``../shared/data`` next to the repo), or
with ``--articles PATH --gold PATH`` to score another annotated set, such as
the held-out dev set in ``tests/data/extraction/``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from schemas.events import Article, ClaimObserved
from streams.extraction.places import gazetteer, location_contains, resolve_place, slugify

_STOP = {"the", "of", "to", "a", "an", "and", "for", "s", "in", "on", "at", "by"}
_FOLD = {"defence": "defense", "organisers": "organizers", "organiser": "organizer",
         "spokesman": "spokesperson", "spokeswoman": "spokesperson", "footage": ""}  # fmt: skip


def data_dir() -> Path:
    env = os.environ.get("CLAIMWATCH_EVAL_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _source_parts(name: str) -> tuple[set[str], set[str]]:
    """(countries named, remaining words) of a source name."""
    gaz = gazetteer()
    text = name.replace("’", "'").replace("(", " ").replace(")", " ")
    text = re.sub(r"'s\b", "", text)
    # "K-Electric" = "K Electric" = "K‐Electric": a hyphen joins words, it is not one.
    text = re.sub(r"(?<=\w)[-‐‑–](?=\w)", " ", text)
    text = re.sub(r"\bUnited Nations\b", "UN", text, flags=re.I)  # = "U.N.", "UN"
    words = [w for w in re.split(r"[\s,]+", text) if w]
    countries: set[str] = set()
    rest: list[str] = []
    i = 0
    while i < len(words):
        hit = False
        for n in (3, 2, 1):
            if i + n <= len(words):
                chunk = " ".join(words[i : i + n])
                if chunk[:1].isupper() or chunk.lower() in ("u.s.", "us", "uk"):
                    iso = gaz.nationality(chunk)
                    if iso:
                        countries.add(iso)
                        i += n
                        hit = True
                        break
        if not hit:
            w = re.sub(r"[^a-z0-9]", "", words[i].lower())
            w = _FOLD.get(w, w)
            if w and w not in _STOP:
                rest.append(w)
            i += 1
    return countries, set(rest)


def same_source(a: str, b: str) -> bool:
    ca, wa = _source_parts(a)
    cb, wb = _source_parts(b)
    if ca and cb and not (ca & cb):
        return False
    if wa <= wb or wb <= wa:
        return bool(wa or wb) or bool(ca & cb)
    # Acronyms: "NIS" = "National Intelligence Service".
    for x, y in ((wa, wb), (wb, wa)):
        initials = "".join(w[0] for w in sorted(y, key=lambda w: (b + " " + a).lower().find(w)))
        if any(len(w) >= 2 and w == initials for w in x):
            return True
    return False


_SUFFIXES = {"region", "province", "oblast", "state", "district", "county", "division", "prefecture",
             "governorate", "department", "city"}  # fmt: skip


def _bare(name: str) -> str:
    """A place name without "the" and a trailing region word ("Osh region" -> "osh")."""
    words = slugify(name).split("-")
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    if words and words[0] == "the":
        words.pop(0)
    return "-".join(words)


def same_location(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return not a and not b
    pa, pb = resolve_place(a), resolve_place(b)
    if pa is not None and pb is not None:
        if pa.code == pb.code:
            return True
        # "Osh" and "Osh region": a bare name is also the name of the region called after its
        # city, so a city and a region of one country with the same bare name are one reading.
        if {pa.kind, pb.kind} == {"city", "region"} and pa.country == pb.country:
            return _bare(a) == _bare(b)
        return False
    if location_contains(a, b) and location_contains(b, a):
        return True
    sa, sb = slugify(a), slugify(b)
    return sa == sb or (len(sa) > 3 and len(sb) > 3 and (sa in sb or sb in sa))


def same_figure(claim: ClaimObserved, gold: dict[str, Any]) -> bool:
    """The figure part of the rule: same article and stance, same kind (presence vs
    quantity), a value within 10% of the gold value."""
    if claim.article_id != gold["article_id"] or claim.stance != gold["stance"]:
        return False
    gv = gold.get("value")
    if (claim.value is None) != (gv is None):
        return False
    if gv is not None and claim.value is not None:
        target = float(gv.get("best", gv.get("low")))
        return abs(claim.value.best - target) <= 0.1 * abs(target)
    return True


def same_place(claim: ClaimObserved, gold: dict[str, Any]) -> bool:
    return same_location(claim.location, gold.get("location"))


def same_speaker(claim: ClaimObserved, gold: dict[str, Any]) -> bool:
    gs = gold["source"]
    return same_source(claim.source.name, gs if isinstance(gs, str) else gs.get("name", ""))


def matches(claim: ClaimObserved, gold: dict[str, Any]) -> bool:
    """The DESIGN.md rule for one extracted claim against one gold claim."""
    return same_figure(claim, gold) and same_place(claim, gold) and same_speaker(claim, gold)


Match = Callable[[ClaimObserved, dict[str, Any]], bool]


def score(claims: Sequence[ClaimObserved], gold: Sequence[dict[str, Any]], match: Match = matches) -> dict[str, Any]:
    found = [g for g in gold if any(match(c, g) for c in claims)]
    missed = [g for g in gold if g not in found]
    true_pos = [c for c in claims if any(match(c, g) for g in gold)]
    false_pos = [c for c in claims if c not in true_pos]
    recall = len(found) / len(gold) if gold else 1.0
    precision = len(true_pos) / len(claims) if claims else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "n_gold": len(gold),
        "n_extracted": len(claims),
        "missed": missed,
        "false_positives": false_pos,
    }


def _read_jsonl(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def evaluate(
    directory: Path | None = None,
    *,
    articles_path: Path | None = None,
    gold_path: Path | None = None,
) -> dict[str, Any]:
    """Score the extractor; explicit paths override the data directory's files."""
    from streams.extraction import Extractor

    d = (directory or data_dir()) / "extraction"
    articles_file = articles_path or d / "articles.jsonl"
    articles = [Article.model_validate(x) for x in _read_jsonl(articles_file)]
    gold = list(_read_jsonl(gold_path or d / "gold.jsonl"))
    ex = Extractor()
    t0 = time.perf_counter()
    claims: list[ClaimObserved] = []
    rejected = 0
    for _, result in ex.extract_many(articles):
        if isinstance(result, list):
            claims.extend(result)
        else:
            rejected += 1
    out = score(claims, gold)
    out["seconds"] = time.perf_counter() - t0
    out["n_articles"] = len(articles)
    out["rejected"] = rejected
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m streams.evaluation.extraction")
    parser.add_argument("--articles", type=Path, help="Article JSON lines (default: data dir)")
    parser.add_argument("--gold", type=Path, help="gold claim JSON lines (default: data dir)")
    args = parser.parse_args(argv)
    res = evaluate(articles_path=args.articles, gold_path=args.gold)
    print(
        f"extraction: {res['n_articles']} articles, {res['n_gold']} gold claims, "
        f"{res['n_extracted']} extracted ({res['rejected']} articles rejected) "
        f"in {res['seconds']:.2f}s"
    )
    print(f"  precision {res['precision']:.3f}  recall {res['recall']:.3f}  f1 {res['f1']:.3f}")
    for g in res["missed"]:
        print(
            f"  MISSED  {g['subject']} / {g['measure']} = {g.get('value')} {g['stance']} "
            f"@ {g.get('location')} by {g['source']}: {g['evidence'][:90]}"
        )
    for c in res["false_positives"]:
        v = c.value.best if c.value else None
        print(f"  EXTRA   {c.claim_key} = {v} {c.stance} by {c.source.name}: {c.evidence.text[:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
