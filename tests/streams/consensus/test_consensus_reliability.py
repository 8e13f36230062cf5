"""Source reliability: learned from agreement, cautious with few claims,
order-independent, idempotent, and the same on every worker."""

from __future__ import annotations

import random
from typing import Any

from schemas.events import ClaimObserved
from streams.consensus import BookSettings, ConsensusEngine, ReliabilityBook
from streams.replay import Replayer


def record(source: str, claim: str, best: float | None, stance: str = "asserts") -> dict[str, Any]:
    q = None if best is None else [best, best, best]
    return {"s": source, "c": claim, "st": stance, "q": q, "t": 0, "cf": 1.0}


def agreeing_world(n_claims: int = 12) -> list[tuple[str, dict[str, Any]]]:
    """Two careful sources agree on every claim; a sloppy one is always far off."""
    out = []
    for i in range(n_claims):
        claim = f"claim-{i}"
        truth = 1000.0 + 37 * i
        out += [
            (f"careful-a\x1f{claim}", record("careful-a", claim, truth)),
            (f"careful-b\x1f{claim}", record("careful-b", claim, truth)),
            (f"sloppy\x1f{claim}", record("sloppy", claim, truth * 3)),
        ]
    return out


def book_of(records: list[tuple[str, dict[str, Any]]], **settings: Any) -> ReliabilityBook:
    book = ReliabilityBook(settings=BookSettings(**settings))
    for key, value in records:
        book.ingest(key, value)
    book.refresh()
    return book


def test_agreement_earns_weight() -> None:
    book = book_of(agreeing_world())
    assert book.weight("careful-a") > 5 * book.weight("sloppy")
    assert book.trust("careful-a") > 0.8 > 0.3 > book.trust("sloppy")


def test_few_claims_get_a_cautious_weight() -> None:
    recs = agreeing_world(12)
    recs += [("newcomer\x1fclaim-0", record("newcomer", "claim-0", 1000.0))]
    book = book_of(recs)
    # the newcomer agreed once; the careful sources agreed twelve times
    assert book.default_weight() < book.weight("newcomer") < book.weight("careful-a")


def test_catd_weighting_ranks_sources_the_same_way() -> None:
    book = book_of(agreeing_world(), method="catd")
    assert book.weight("careful-a") > 5 * book.weight("sloppy")


def test_a_prior_counts_before_any_evidence() -> None:
    book = ReliabilityBook(priors={"Reuters": 0.95, "Rumour mill": 0.2})
    assert book.weight("Reuters") > book.default_weight() > book.weight("Rumour mill")
    assert book.trust("Reuters") > 0.8


def test_solitary_claims_say_nothing_about_a_source() -> None:
    recs = [(f"loner\x1fc{i}", record("loner", f"c{i}", float(i))) for i in range(30)]
    book = book_of(recs)
    assert book.weight("loner") == book.default_weight()


def test_ingest_is_idempotent_and_order_independent() -> None:
    recs = agreeing_world()
    first = book_of(recs).snapshot()
    shuffled = recs[:]
    random.Random(3).shuffle(shuffled)
    twice = book_of(shuffled + shuffled).snapshot()
    assert first == twice  # bit for bit, not approximately


def test_a_replaced_record_counts_once() -> None:
    recs = agreeing_world()
    book = book_of(recs)
    before = book.trust("sloppy")
    # sloppy corrects itself on one claim, then the correction is redelivered
    fix = ("sloppy\x1fclaim-3", record("sloppy", "claim-3", 1111.0))
    book.ingest(*fix)
    book.ingest(*fix)
    book.refresh()
    assert book.trust("sloppy") > before
    assert len(book) == len(recs)


def test_tombstone_removes_a_record() -> None:
    book = book_of(agreeing_world())
    n = len(book)
    book.ingest("sloppy\x1fclaim-0", None)
    assert len(book) == n - 1


def test_book_checkpoint_round_trips() -> None:
    import orjson

    book = book_of(agreeing_world())
    copy = ReliabilityBook()
    copy.load(orjson.loads(orjson.dumps(book.to_dict())))
    assert copy.snapshot() == book.snapshot()
    assert copy.records() == book.records()
    # the agreement term is restored too: an unknown source weighs the same
    assert book.to_dict()["shift"] > 0.0
    assert copy.default_weight() == book.default_weight()


def test_learned_reliability_settles_a_two_source_dispute(make: Any) -> None:
    """A vandal alone against a source that agreed with others many times loses,
    although the two are one against one on the disputed claim."""
    events: list[ClaimObserved] = []
    for i in range(10):
        key = f"town-{i}:population"
        events.append(make(f"a{i}", "census bot", 5000 + i, key=key))
        events.append(make(f"b{i}", f"editor {i}", 5000 + i, key=key, day=0.1))
    events.append(make("v1", "census bot", 8200, key="village:population"))
    events.append(make("v2", "vandal", 8_200_000, key="village:population", day=0.1))
    replayer = Replayer(ConsensusEngine())
    list(replayer.feed(events))
    final = {u.claim_key: u for u in replayer.final()}
    assert final["village:population"].estimate.best == 8200.0


# -- the loss scale follows the data's own noise level: when every source is
# -- more than 5% off, the careful ones must still stand out


def rough_world(
    careful_off: float, rough_off: float, n_claims: int = 40
) -> list[tuple[str, dict[str, Any]]]:
    """Two careful sources off by about ``careful_off`` of the truth, five rough
    ones by about ``rough_off``, in random directions (seeded)."""
    rng = random.Random(7)
    out = []
    for i in range(n_claims):
        claim = f"river-crossings-{i}"
        truth = 500.0 + 91.0 * i
        for name, off in [("careful-a", careful_off), ("careful-b", careful_off)] + [
            (f"rough-{j}", rough_off) for j in range(5)
        ]:
            value = round(truth * (1.0 + rng.choice((-1, 1)) * off * rng.uniform(0.5, 1.5)))
            out.append((f"{name}\x1f{claim}", record(name, claim, float(value))))
    return out


def test_careful_sources_stand_out_when_everyone_is_more_than_five_percent_off() -> None:
    recs = rough_world(careful_off=0.08, rough_off=0.6)
    book = book_of(recs)
    rough = [book.weight(f"rough-{j}") for j in range(5)]
    careful = [book.weight("careful-a"), book.weight("careful-b")]
    # the careful pair outweighs the five rough sources together: medians follow it
    assert sum(careful) > sum(rough)
    assert min(careful) > 3 * max(rough)
    assert book.trust("careful-a") > book.trust("rough-0") + 0.2


def test_a_fixed_five_percent_scale_loses_a_careful_source() -> None:
    # what the adaptive scale fixes: each careful source is past half a miss on
    # most claims, so one of two equally careful sources ends on the floor with
    # the rough ones (the other is the median of most claims and survives)
    book = book_of(rough_world(careful_off=0.08, rough_off=0.6), loss_scale_quantile=0.0)
    floor = BookSettings().min_weight
    assert min(book.weight("careful-a"), book.weight("careful-b")) == floor
    assert all(book.weight(f"rough-{j}") == floor for j in range(5))


def test_precise_data_keep_the_fixed_scale() -> None:
    # sources within a few percent: the data's median distance is below 5%, so
    # the floor applies and the weights are exactly those of the fixed scale
    recs = rough_world(careful_off=0.001, rough_off=0.03)
    assert book_of(recs).snapshot() == book_of(recs, loss_scale_quantile=0.0).snapshot()


def test_sources_of_similar_quality_all_keep_a_say() -> None:
    # ten sources, all about 20% off: the typical source is not a coin flip (its
    # statements sit at the data's typical distance), so none is floored and no
    # single one outweighs the rest together
    recs = rough_world(careful_off=0.2, rough_off=0.2)
    weights = [book_of(recs).weight(n) for n in ["careful-a", "careful-b", *(f"rough-{j}" for j in range(5))]]
    assert min(weights) > 10 * BookSettings().min_weight
    assert max(weights) < sum(weights) - max(weights)


def test_adaptive_scale_is_independent_of_arrival_order() -> None:
    recs = rough_world(careful_off=0.08, rough_off=0.6)
    shuffled = list(recs)
    random.Random(3).shuffle(shuffled)
    assert book_of(recs).snapshot() == book_of(shuffled).snapshot()


# -- agreement to the digit (ACCU's domain-size term) -------------------------


def test_figures_agreeing_to_the_digit_add_to_every_weight() -> None:
    """In agreeing_world two sources of three give every figure exactly: the
    share of statements with an exact twin is 2/3, and every log-odds weight
    (and the unknown source's) moves up by the bonus times that share."""
    flat = book_of(agreeing_world(), agreement_bonus=0.0)
    book = book_of(agreeing_world(), agreement_bonus=3.0)
    shift = book.to_dict()["shift"]
    assert abs(shift - 3.0 * 2 / 3) < 1e-12
    assert abs(book.weight("careful-a") - (flat.weight("careful-a") + shift)) < 1e-9
    assert abs(book.default_weight() - (flat.default_weight() + shift)) < 1e-9


def test_continuous_noise_keeps_the_precision_weights() -> None:
    """Nobody agrees to the digit when figures carry noise: no shift at all."""
    rng = random.Random(7)
    recs = []
    for i in range(30):
        claim = f"claim-{i}"
        for name, sigma in (("careful", 0.002), ("fair", 0.02), ("rough", 0.2)):
            value = round(1000.0 * (1 + sigma * rng.gauss(0, 1)), 3)
            recs.append((f"{name}\x1f{claim}", record(name, claim, value)))
    assert book_of(recs).to_dict()["shift"] == 0.0
    assert book_of(recs).snapshot() == book_of(recs, agreement_bonus=0.0).snapshot()


def _exact_world() -> list[tuple[str, dict[str, Any]]]:
    """Figures are exact or a slip: "good" slips on 2 claims of 40, "m1" and "m2"
    on 16 each (other claims, other wrong figures)."""
    out = []
    for i in range(40):
        claim, truth = f"claim-{i}", 1000.0 + 10 * i
        said = {
            "good": truth * 3 if i in (5, 17) else truth,
            "m1": truth * 2 + i if i % 5 in (0, 1) else truth,
            "m2": truth / 2 + i if i % 5 in (2, 3) else truth,
        }
        out += [(f"{s}\x1f{claim}", record(s, claim, v)) for s, v in said.items()]
    return out


def test_two_mediocre_sources_agreeing_to_the_digit_outweigh_one_good_one() -> None:
    from streams.consensus import EngineSettings
    from streams.consensus.aggregate import consensus
    from streams.domain.state import Obs

    def statement(source: str, value: float) -> Obs:
        return Obs(f"ev-{source}", source, "asserts", value, value, value,
                   (None, value, None, "exact"), 0, 1.0, f"{source}: {value}", False)

    dispute = [statement("good", 500.0), statement("m1", 480.0), statement("m2", 480.0)]

    def best(book: ReliabilityBook) -> float:
        est, _, _, _ = consensus(dispute, book.weigher(), EngineSettings(), 0.0)
        assert est is not None
        return est[1]

    # as a yes/no voter the good source (95% right) outweighs two at 60%...
    assert best(book_of(_exact_world(), agreement_bonus=0.0)) == 500.0
    # ...but a wrong figure is one of many: two sources rarely slip to the same one
    assert best(book_of(_exact_world())) == 480.0
