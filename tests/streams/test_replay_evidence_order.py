"""Replay applies the presence an article's counts imply after the article's own
statements, as the live stream does (README, "Live and offline")."""

from __future__ import annotations

from typing import Any

from schemas.codec import dumps
from streams.consensus import ConsensusEngine, EngineSettings, ReliabilityBook
from streams.replay import Replayer, read_observed, with_evidence

FORCE = "Freedonian troops"


def _article(make: Any, article: str) -> list[Any]:
    """One article: a ministry counts the troops in Lviv, a spokesman denies they are in Ukraine."""
    counted = make(f"{article}-c", "the ministry", 2000, key="freedonian-troops:count@lviv", measure="count",
                   subject=FORCE, location="Lviv", text=f"The ministry said 2,000 {FORCE} were in Lviv ({article}).")
    denied = make(f"{article}-d", "a spokesman", None, key="freedonian-troops:presence@ukraine",
                  measure="presence", subject=FORCE, location="Ukraine", stance="denies",
                  text=f"A spokesman denied {FORCE} were in Ukraine ({article}).")
    return [e.model_copy(update={"article_id": article}) for e in (counted, denied)]


def test_derived_presence_follows_the_rest_of_its_article(make: Any) -> None:
    events = _article(make, "a1") + _article(make, "a2")
    ids = [e.event_id for e in with_evidence(events)]
    # each article's own statements, then the presence its count implies, then the next article
    assert ids[:2] == ["a1-c", "a1-d"]
    derived_a1 = ids[2 : ids.index("a2-c")]
    assert derived_a1, "a count of a force implies its presence"
    assert ids[ids.index("a2-c") :][:2] == ["a2-c", "a2-d"]
    assert len(ids[ids.index("a2-d") + 1 :]) == len(derived_a1), "the last article's are not lost"

def test_light_records_order_as_models(make: Any) -> None:
    events = _article(make, "a1") + _article(make, "a2")
    light = list(read_observed(enumerate((dumps(e) for e in events), 1)))
    assert [e.event_id for e in with_evidence(light)] == [e.event_id for e in with_evidence(events)]


def test_a_denial_in_the_counting_article_is_weighed_before_the_derived_presence(make: Any) -> None:
    """Live, the spokesman's denial reaches the presence claim first, then the
    presence the ministry's count implies: an alert that presence is asserted
    against a denial, not that it is denied against an assertion."""
    replayer = Replayer(ConsensusEngine(EngineSettings(), ReliabilityBook()))
    kinds = [getattr(o, "kind", None) for o in replayer.feed(_article(make, "a1"))]
    assert "presence_denied" not in kinds
