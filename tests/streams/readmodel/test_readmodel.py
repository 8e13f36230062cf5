"""The read model answers what the API promises, from events alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest

from schemas.events import ClaimObserved, ConsensusUpdated
from streams.readmodel import ReadModel
from streams.readmodel.recompute import recompute_consensus
from tests.streams.readmodel.readmodel_events import T0, Events

FERRY = "ferry-sinking:missing@aegean"


def _story(events: Events) -> ReadModel:
    """Two claims: an injured count with three sources and an alert, and a missing count."""
    m = ReadModel()
    a = events.observation("e1", source="Civil protection", best=12, minute=0)
    m.observe_claim(a)
    v1 = events.consensus(1, best=12, low=11, high=13, minute=0.1, trigger="e1")
    m.observe_consensus(v1)
    b = events.observation("e2", source="Hospital director", best=15, low=14, high=16, minute=5,
                           evidence="The hospital director counted fifteen patients.")
    m.observe_claim(b)
    v2 = events.consensus(2, best=13, low=11, high=16, minute=5.1, trigger="e2",
                          supporters=[("Civil protection", 0.4), ("Hospital director", 0.6)])
    m.observe_consensus(v2)
    c = events.observation("e3", source="A union spokesman", best=80, minute=9)
    m.observe_claim(c)
    m.observe_alert(events.alert("al-1", c, v2, minute=9.05))
    m.observe_consensus(events.consensus(3, best=14, low=11, high=80, minute=9.1, trigger="e3"))
    m.observe_claim(events.observation(
        "f1", key=FERRY, subject="ferry passengers", measure="missing", location="Aegean Sea",
        source="Coast guard", best=30, minute=7, evidence="The coast guard said 30 were missing."))
    return m


def test_lists_claims_most_recently_updated_first_with_their_latest_estimate(
    events: Events,
) -> None:
    m = _story(events)
    page = m.list_claims()
    assert page.total == 2
    assert [c["claim_key"] for c in page.items] == [FERRY, "bridge-collapse:injured@lisbon"]
    m.observe_consensus(events.consensus(4, best=14, low=11, high=80, minute=10, trigger="e3"))
    page = m.list_claims()
    assert [c["claim_key"] for c in page.items] == ["bridge-collapse:injured@lisbon", FERRY]
    assert m.list_claims(q="bridge").items[0]["version"] == 4
    bridge = page.items[0]
    assert bridge["estimate"] == {"low": 11, "best": 14, "high": 80}
    assert bridge["version"] == 4
    assert bridge["n_observations"] == 3
    assert bridge["n_alerts"] == 1
    assert page.items[1]["version"] is None  # observed, no consensus yet
    assert page.items[1]["last_seen"] == "2025-03-14T08:07:00Z"
    assert page.items[1]["n_sources"] == 1


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"subject": "FERRY"}, [FERRY]),
        ({"location": "lisbon"}, ["bridge-collapse:injured@lisbon"]),
        ({"location": "aegean", "subject": "bridge"}, []),
        ({"q": "hospital director"}, ["bridge-collapse:injured@lisbon"]),  # a source name
        ({"q": "coast missing"}, [FERRY]),  # evidence and measure, every word must match
        ({"q": "coast hospital"}, []),
        ({"q": "ferry-sinking"}, [FERRY]),  # the key itself
    ],
)
def test_filters(events: Events, filters: dict[str, str], expected: list[str]) -> None:
    page = _story(events).list_claims(**filters)  # type: ignore[arg-type]
    assert [c["claim_key"] for c in page.items] == expected
    assert page.total == len(expected)


def test_paging_keeps_the_total_and_rejects_negative_values(events: Events) -> None:
    m = ReadModel()
    for i in range(7):
        m.observe_claim(events.observation(f"e{i}", key=f"k{i}:count", minute=i))
    page = m.list_claims(limit=3, offset=3)
    assert page.total == 7
    assert [c["claim_key"] for c in page.items] == ["k3:count", "k2:count", "k1:count"]
    assert m.list_claims(limit=3, offset=6).items[0]["claim_key"] == "k0:count"
    filtered = m.list_claims(subject="bridge", limit=3, offset=3)  # every claim matches
    assert (filtered.total, filtered.items) == (page.total, page.items)
    assert m.list_claims(q="k4:count").items[0]["claim_key"] == "k4:count"
    assert m.list_claims(offset=50).items == []
    with pytest.raises(ValueError):
        m.list_claims(limit=-1)


def test_one_claim_has_its_consensus_and_supporters_by_weight(events: Events) -> None:
    m = _story(events)
    m.observe_consensus(events.consensus(
        4, best=15, low=12, high=18, minute=12, trigger="e9",
        supporters=[
            ("Civil protection", 0.2), ("Hospital director", 0.7), ("A union spokesman", 0.1)]))
    claim = m.claim("bridge-collapse:injured@lisbon")
    assert claim is not None
    assert claim["consensus"]["version"] == 4
    assert claim["consensus"]["estimate"] == {"low": 12, "best": 15, "high": 18}
    assert [s["source"] for s in claim["supporting"]] == [
        "Hospital director", "Civil protection", "A union spokesman"]
    assert claim["recent_alerts"][0]["alert_id"] == "al-1"
    assert m.claim("no-such:claim") is None


def test_redelivered_events_change_nothing(events: Events) -> None:
    m = _story(events)
    before = m.history("bridge-collapse:injured@lisbon")
    assert not m.observe_claim(events.observation("e2", source="Hospital director", best=15))
    assert not m.observe_consensus(events.consensus(2, best=99, minute=30))
    c = events.observation("e3", source="A union spokesman", best=80, minute=9)
    assert not m.observe_alert(events.alert("al-1", c, events.consensus(2), minute=9.05))
    assert m.history("bridge-collapse:injured@lisbon") == before
    assert len(m.recent_alerts()) == 1


def test_versions_arriving_out_of_order_are_kept_in_version_order(events: Events) -> None:
    m = ReadModel(per_source=10)  # one source: more versions than the default keeps
    for v in (2, 3, 1):
        m.observe_consensus(events.consensus(v, best=10 * v, minute=v))
    hist = m.history("bridge-collapse:injured@lisbon")
    assert hist is not None
    assert [v["version"] for v in hist["consensus"]] == [1, 2, 3]
    claim = m.claim("bridge-collapse:injured@lisbon")
    assert claim is not None
    assert claim["consensus"]["estimate"]["best"] == 30


def test_history_lists_observations_versions_and_alerts_oldest_first(events: Events) -> None:
    hist = _story(events).history("bridge-collapse:injured@lisbon")
    assert hist is not None
    assert [o["event_id"] for o in hist["observations"]] == ["e1", "e2", "e3"]
    assert hist["observations"][1]["value"] == {"low": 14, "best": 15, "high": 16,
                                                "hedge": "approximately"}
    assert hist["observations"][1]["source"] == "Hospital director"
    assert [v["version"] for v in hist["consensus"]] == [1, 2, 3]
    assert [a["alert_id"] for a in hist["alerts"]] == ["al-1"]
    assert hist["alerts"][0]["consensus_version"] == 2
    assert hist["truncated"] is False


@pytest.mark.parametrize(
    ("minute", "version", "observed"),
    [
        (-1, None, []),
        (0, None, ["e1"]),  # observed at 0, the first consensus came 6 s later
        (0.1, 1, ["e1"]),  # exactly at updated_at counts
        (7, 2, ["e1", "e2"]),
        (9.07, 2, ["e1", "e2", "e3"]),  # the contradicting claim is in, its consensus not yet
        (60, 3, ["e1", "e2", "e3"]),
    ],
)
def test_as_of_rebuilds_the_state_at_that_time(
    events: Events, minute: float, version: int | None, observed: list[str]
) -> None:
    state = _story(events).as_of("bridge-collapse:injured@lisbon", T0 + timedelta(minutes=minute))
    assert state is not None
    got = state["consensus"]["version"] if state["consensus"] else None
    assert got == version
    assert [o["event_id"] for o in state["observations"]] == observed
    assert state["complete"] is True


def test_as_of_accepts_a_naive_time_as_utc(events: Events) -> None:
    naive = datetime(2025, 3, 14, 8, 7)
    state = _story(events).as_of("bridge-collapse:injured@lisbon", naive)
    assert state is not None
    assert state["consensus"]["version"] == 2
    assert state["as_of"] == "2025-03-14T08:07:00Z"


def test_as_of_alerts_only_those_about_statements_up_to_then(events: Events) -> None:
    """In event time: an alert stands at its statement's time (minute 9), not at
    the moment it was detected (9.05)."""
    m = _story(events)
    key = "bridge-collapse:injured@lisbon"
    assert m.as_of(key, T0 + timedelta(minutes=8.99))["alerts"] == []  # type: ignore[index]
    assert len(m.as_of(key, T0 + timedelta(minutes=9))["alerts"]) == 1  # type: ignore[index]
    assert m.as_of("unknown:claim", T0) is None


def test_history_is_capped_and_says_so(events: Events) -> None:
    m = ReadModel(max_history=3, per_source=10)  # the overall cap, below the per-source one
    for i in range(10):
        m.observe_claim(events.observation(f"e{i}", best=i, minute=i))
        m.observe_consensus(events.consensus(i + 1, best=i, minute=i + 0.5))
    hist = m.history("bridge-collapse:injured@lisbon")
    assert hist is not None
    assert [o["event_id"] for o in hist["observations"]] == ["e7", "e8", "e9"]
    assert [v["version"] for v in hist["consensus"]] == [8, 9, 10]
    assert hist["truncated"] is True
    assert hist["n_observations"] == 10
    early = m.as_of("bridge-collapse:injured@lisbon", T0 + timedelta(minutes=2))
    assert early is not None and early["complete"] is False
    assert early["consensus"] is None and early["basis"] is None
    late = m.as_of("bridge-collapse:injured@lisbon", T0 + timedelta(minutes=9))
    assert late is not None and late["consensus"]["version"] == 9 and late["basis"] == "log"
    assert late["complete"] is False  # e0..e6 are gone


def test_as_of_recomputes_when_the_versions_before_t_were_compacted_away(
    events: Events,
) -> None:
    key = "bridge-collapse:injured@lisbon"
    calls: list[list[str]] = []

    def recompute(observations: Sequence[ClaimObserved]) -> ConsensusUpdated:
        calls.append([o.event_id for o in observations])
        return events.consensus(1, best=99, minute=0)

    m = ReadModel(recompute=recompute, per_source=10)  # one source, four statements
    for i in range(4):
        m.observe_claim(events.observation(f"e{i}", best=10 + i, minute=i))
    m.observe_consensus(events.consensus(4, best=12, minute=3.5, trigger="e3"))  # only the latest survived
    state = m.as_of(key, T0 + timedelta(minutes=2))
    assert state is not None
    assert calls == [["e0", "e1", "e2"]]
    assert state["basis"] == "recomputed" and state["consensus"]["estimate"]["best"] == 99
    assert state["complete"] is False
    state = m.as_of(key, T0 + timedelta(minutes=5))
    assert state is not None and state["basis"] == "log" and state["complete"] is True
    assert len(calls) == 1
    assert ReadModel().as_of(key, T0) is None


def test_the_real_engine_recomputes_a_consensus_from_observations(events: Events) -> None:
    observations = [
        events.observation("r1", source="Civil protection", best=12, low=11, high=13, minute=0),
        events.observation("r2", source="Hospital director", best=14, low=13, high=15, minute=1),
    ]
    consensus = recompute_consensus(observations)
    assert consensus is not None
    assert consensus.claim_key == "bridge-collapse:injured@lisbon"
    assert consensus.estimate is not None and 11 <= consensus.estimate.best <= 15
    assert {s.source for s in consensus.supporting} == {"Civil protection", "Hospital director"}
    assert recompute_consensus([]) is None


def test_alerts_are_capped_newest_first(events: Events) -> None:
    m = ReadModel(max_alerts=3, max_claim_alerts=2)
    before = events.consensus(1)
    for i in range(5):
        obs = events.observation(f"e{i}", best=100 + i, minute=i)
        m.observe_alert(events.alert(f"al-{i}", obs, before, minute=i))
    assert [a["alert_id"] for a in m.recent_alerts()] == ["al-4", "al-3", "al-2"]
    assert [a["alert_id"] for a in m.recent_alerts(limit=1)] == ["al-4"]
    claim = m.claim("bridge-collapse:injured@lisbon")
    assert claim is not None
    assert [a["alert_id"] for a in claim["recent_alerts"]] == ["al-4", "al-3"]
    assert claim["n_alerts"] == 5


def test_least_recently_touched_claim_is_evicted_beyond_the_cap(events: Events) -> None:
    m = ReadModel(max_claims=2)
    m.observe_claim(events.observation("a", key="a:count"))
    m.observe_claim(events.observation("b", key="b:count"))
    m.observe_claim(events.observation("a2", key="a:count", minute=1))  # touches a
    m.observe_claim(events.observation("c", key="c:count", minute=2))
    assert "b:count" not in m
    assert "a:count" in m and "c:count" in m
    assert len(m) == 2


def test_presence_claims_have_no_value(events: Events) -> None:
    m = ReadModel()
    m.observe_claim(events.observation(
        "p1", key="troops:presence@kursk", measure="presence", best=None, stance="denies",
        source="Kremlin spokesman"))
    hist = m.history("troops:presence@kursk")
    assert hist is not None
    assert hist["observations"][0]["value"] is None
    assert hist["observations"][0]["stance"] == "denies"


def test_rejects_caps_below_one() -> None:
    with pytest.raises(ValueError):
        ReadModel(max_history=0)


def test_history_and_as_of_are_in_event_time_with_a_late_report(events: Events) -> None:
    """A report dated minute 3 that arrives after the minute-5 consensus takes its
    place in the history, and "as of minute 4" is not the minute-0 version (which
    does not hold it): it is recomputed from the reports up to minute 4."""
    key = "bridge-collapse:injured@lisbon"
    calls: list[list[str]] = []

    def recompute(observations: Sequence[ClaimObserved]) -> ConsensusUpdated:
        calls.append([o.event_id for o in observations])
        return events.consensus(1, best=13, minute=3)

    def dated(eid: str, minute: float, seen: float, best: float) -> ClaimObserved:
        o = events.observation(eid, best=best, minute=seen, source=f"source {eid}")
        return o.model_copy(update={"as_of": T0 + timedelta(minutes=minute),
                                    "published_at": T0 + timedelta(minutes=minute)})

    m = ReadModel(recompute=recompute)
    m.observe_claim(dated("e1", 0, 0, 12))
    m.observe_consensus(events.consensus(1, best=12, minute=0.1, trigger="e1", as_of=T0))
    m.observe_claim(dated("e2", 5, 5, 15))
    m.observe_consensus(events.consensus(2, best=13, minute=5.1, trigger="e2",
                                         as_of=T0 + timedelta(minutes=5)))
    m.observe_claim(dated("e3", 3, 9, 14))  # dated minute 3, read at minute 9
    m.observe_consensus(events.consensus(3, best=14, minute=9.1, trigger="e3",
                                         as_of=T0 + timedelta(minutes=5)))
    hist = m.history(key)
    assert hist is not None
    assert [o["event_id"] for o in hist["observations"]] == ["e1", "e3", "e2"]
    assert hist["observations"][1]["event_time"] == "2025-03-14T08:03:00Z"
    assert [v["as_of"] for v in hist["consensus"]][-1] == "2025-03-14T08:05:00Z"
    early = m.as_of(key, T0 + timedelta(minutes=1))
    assert early is not None and early["basis"] == "log" and early["consensus"]["version"] == 1
    mid = m.as_of(key, T0 + timedelta(minutes=4))
    assert mid is not None and mid["basis"] == "recomputed"
    assert calls == [["e1", "e3"]]
    assert [o["event_id"] for o in mid["observations"]] == ["e1", "e3"]
    end = m.as_of(key, T0 + timedelta(minutes=6))
    assert end is not None and end["basis"] == "log" and end["consensus"]["version"] == 3


def test_a_claims_history_is_bounded_by_its_sources_not_its_statements(events: Events) -> None:
    """Repeated statements by the sources already on a claim leave it the same size:
    the newest ``per_source`` observations per source, as many versions per source."""
    key = "bridge-collapse:injured@lisbon"
    m = ReadModel()
    sizes = []
    for i in range(60):
        m.observe_claim(events.observation(f"e{i}", best=10 + i % 3, minute=i))
        m.observe_consensus(events.consensus(i + 1, best=10 + i % 3, minute=i + 0.5))
        claim = m._claims[key]
        sizes.append((len(claim.observations), len(claim.observation_ids), len(claim.versions),
                      len(claim.search_text)))
    assert sizes[10] == sizes[-1]
    assert sizes[-1][:3] == (2, 2, 2 * len(m._claims[key].sources))
    hist = m.history(key)
    assert hist is not None and hist["truncated"] is True and hist["n_observations"] == 60
    assert [o["event_id"] for o in hist["observations"]] == ["e58", "e59"]
    # the searched text is rebuilt from what is kept: it does not grow either
    assert sizes[-1][3] <= sizes[10][3] + 10


def test_kept_events_decode_to_the_models_folded_in(events: Events) -> None:
    """The model keeps observations, versions and alerts as their JSON bytes and
    decodes them for the queries: every kept event must come back equal to the
    one folded in, naive timestamps (read as UTC) included."""
    from streams.readmodel.model import _StoredAlert, _StoredObservation, _StoredVersion

    obs = events.observation("e1", source="Civil protection", best=12, low=11, high=13, minute=0)
    naive = obs.model_copy(update={"observed_at": obs.observed_at.replace(tzinfo=None),
                                   "as_of": None, "published_at": None})
    version = events.consensus(1, best=12, low=11, high=13, minute=0.1, trigger="e1")
    alert = events.alert("al-1", obs, version, minute=0.2)
    for event in (obs, naive):
        assert _StoredObservation.of(event).model() == event
    assert _StoredVersion.of(version).model() == version
    assert _StoredAlert.of(alert).model() == alert
