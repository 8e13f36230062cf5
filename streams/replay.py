"""Offline replay: ClaimObserved events in, consensus updates and alerts out.

The same engine as the stream, with the whole keyspace in one process: states
live in a dict, and reliability records go straight into the engine's own
book instead of through ``sources.reliability``. ``final()`` settles every
claim against the reliability learned from all events, which is also what the
stream converges to once every worker has read every record.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson

from schemas.events import ClaimObserved, ConsensusUpdated, ContradictionDetected
from streams.consensus import ClaimState, ConsensusEngine
from streams.consensus.evidence import COUNT_MEASURES, presence_evidence
from streams.consensus.observed import Observed, _plain, from_json

#: what the replay methods take: validated models or their light records
Events = Iterable[ClaimObserved] | Iterable[Observed] | Iterable[ClaimObserved | Observed]


def with_evidence(events: Events) -> Iterator[ClaimObserved | Observed]:
    """Each event, and after the last event of an article (a run of events with
    the same ``article_id``) the presence assertions the article's events imply
    (:mod:`.consensus.evidence`), in the order of the events they come from.

    This is the order the live stream applies them in. The consensus agent
    derives a presence assertion while it processes a claim and sends it back
    to ``claims.observed`` keyed by the presence claim, so it lands behind the
    claims of the same article already on that partition (the extract agent
    sent them all before). Deriving them right after their claim instead made
    a direct denial of presence in the same article come after the derived
    assertions offline and before them live: ``presence_denied`` offline,
    ``presence_asserted`` live, for the same statements (README, "Live and
    offline").
    """
    pending: list[ClaimObserved | Observed] = []
    article: str | None = None
    for obs in events:
        # the article id of a plain line's record, read here (the common case);
        # the rest through _article_of
        origin = obs[15] if type(obs) is Observed else None
        aid = origin.get("article_id") if type(origin) is dict else _article_of(obs)
        if pending and aid != article:
            yield from pending
            pending = []
        article = aid
        yield obs
        # presence_evidence's own first test, inlined: most statements imply none
        if obs.measure in COUNT_MEASURES and obs.stance == "asserts":
            derived = presence_evidence(obs)
            if derived:
                pending.extend(derived)
    yield from pending


def _article_of(obs: ClaimObserved | Observed) -> str | None:
    """The ``article_id`` of a model or of a light record (kept in its origin)."""
    if type(obs) is Observed:
        origin = obs.origin
        return origin.get("article_id") if type(origin) is dict else origin.article_id
    return obs.article_id  # type: ignore[union-attr]


def read_observed(
    lines: Iterable[tuple[int, str | bytes]],
    on_error: Callable[[int, ValueError], None] | None = None,
) -> Iterator[Observed]:
    """``(line number, JSON text)`` pairs → validated light records, in order.

    Each line is checked as ``decode(line, ClaimObserved)`` would check it
    (pydantic's ``ValidationError`` is a ``ValueError``); a bad line goes to
    ``on_error(line number, error)`` and is skipped, or raises without one.
    About twice as fast as building the models (see :mod:`.consensus.observed`).
    """
    loads, plain = orjson.loads, _plain
    for lineno, line in lines:
        # from_json's fast path, inlined (a plain line is one call into orjson and
        # one check); any other line goes through from_json itself, which
        # parses it again and raises, or reads it through the model, as before
        try:
            obj = loads(line)
            rec = plain(obj) if type(obj) is dict else None
        except ValueError:  # orjson.JSONDecodeError among them
            rec = None
        if rec is not None:
            yield rec
            continue
        try:
            yield from_json(line)
        except ValueError as exc:
            if on_error is None:
                raise
            on_error(lineno, exc)


@contextmanager
def gc_paused(enabled: bool = True) -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a replay.

    A replay allocates millions of small tuples and dicts that live on in the
    claim states; every collection rescans them, which costs a replay a large
    share of its time. Nothing the engine builds forms a reference cycle, so
    reference counting alone frees everything. On the way out the survivors
    are moved to the permanent generation (``gc.freeze``), so the first
    collection after the replay does not walk all of them at once either.
    """
    was_enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if enabled and was_enabled:
            gc.freeze()
            gc.enable()


class Replayer:
    """Drives a :class:`ConsensusEngine` over a sequence of events, in order."""

    def __init__(
        self, engine: ConsensusEngine, states: dict[str, ClaimState] | None = None,
        *, rebuild_book: bool = True, pause_gc: bool = True,
    ) -> None:
        """``states`` continues from earlier claim states; their reliability
        records are re-ingested unless ``rebuild_book`` is False (the book was
        restored separately, as :meth:`resume` does)."""
        self.engine = engine
        self.pause_gc = pause_gc
        self.states: dict[str, ClaimState] = states if states is not None else {}
        self._last: dict[str, ConsensusUpdated] = {}
        for key, st in self.states.items():
            if rebuild_book:
                for rkey, rvalue in engine.records(st):
                    engine.reliability.ingest(rkey, rvalue)
            published = engine.published(st)
            if published is not None:
                self._last[key] = published

    def feed(self, events: Events) -> Iterator[ConsensusUpdated | ContradictionDetected]:
        """Apply each event; yield its alert (if any) and then its update (if any)."""
        engine, states = self.engine, self.states
        with gc_paused(self.pause_gc):
            for obs in with_evidence(events):
                step = engine.advance(states.get(obs.claim_key), obs)
                states[obs.claim_key] = step.state
                if step.alert is not None:
                    yield step.alert
                if step.update is not None:
                    self._last[obs.claim_key] = step.update
                    yield step.update

    def feed_wire(self, events: Events) -> Iterator[bytes]:
        """:meth:`feed`, as the JSON bytes ``schemas.codec.dumps`` would give
        for each output, without building the ConsensusUpdated models (the
        ``claimwatch replay`` path: it writes every update and reads none)."""
        engine, states = self.engine, self.states
        with gc_paused(self.pause_gc):
            for obs in with_evidence(events):
                step = engine.advance(states.get(obs.claim_key), obs)
                states[obs.claim_key] = step.state
                alert = step.alert_wire()
                if alert is not None:
                    yield alert
                wire = step.update_wire()
                if wire is not None:
                    self._last.pop(obs.claim_key, None)  # rebuilt from the state by final()
                    yield wire

    def consume(self, events: Events) -> int:
        """Apply events without building their output events (for ``replay --final``).

        The states and the book end exactly as after :meth:`feed`; returns the
        number of events applied.
        """
        engine, states = self.engine, self.states
        n = 0
        with gc_paused(self.pause_gc):
            for obs in with_evidence(events):
                step = engine.advance(states.get(obs.claim_key), obs)
                states[obs.claim_key] = step.state
                if step.changed:
                    self._last.pop(obs.claim_key, None)  # rebuilt from the state by final()
                n += 1
        return n

    def feed_lines(
        self, lines: Iterable[tuple[int, str | bytes]],
        on_error: Callable[[int, ValueError], None] | None = None,
    ) -> Iterator[bytes]:
        """:meth:`feed_wire` over numbered JSON lines (``claimwatch replay``):
        the same bytes as decoding each line into a ClaimObserved first."""
        return self.feed_wire(read_observed(lines, on_error))

    def consume_lines(
        self, lines: Iterable[tuple[int, str | bytes]],
        on_error: Callable[[int, ValueError], None] | None = None,
    ) -> int:
        """:meth:`consume` over numbered JSON lines (``claimwatch replay --final``)."""
        return self.consume(read_observed(lines, on_error))

    def final(self) -> list[ConsensusUpdated]:
        """The settled consensus of every claim, in order of first appearance."""
        self.engine.reliability.refresh()
        with gc_paused(self.pause_gc):
            return self._settle()

    def final_wire(self) -> list[bytes]:
        """:meth:`final` as the JSON bytes ``dumps`` would give for each update,
        without building the models (``claimwatch replay --final``)."""
        update_wire = self.engine.update_wire
        return [update_wire(st, st.last) for st, _ in self._settled() if st.last is not None]

    def settle_wire(self) -> Iterator[bytes]:
        """The JSON bytes of an update for every claim whose consensus moves
        once it is settled against everything learned (``claimwatch replay``
        ends with these, as the stream's settle agent publishes them): so the
        last update of each claim in a replay is its ``final()`` one."""
        for st, moved in self._settled():
            if moved:
                assert st.last is not None
                yield self.engine.update_wire(st, st.last)

    def _settled(self) -> Iterator[tuple[ClaimState, bool]]:
        """Every claim settled against the book as it now stands, and whether it moved."""
        engine = self.engine
        engine.reliability.refresh()
        with gc_paused(self.pause_gc):
            for key, st in self.states.items():
                moved = engine.settle(st)
                if moved:
                    self._last.pop(key, None)  # rebuilt from the state by final()
                yield st, moved

    def _settle(self) -> list[ConsensusUpdated]:
        out = []
        for key, st in self.states.items():
            update = self.engine.recompute(st)
            if update is None and key not in self._last:
                update = self.engine.published(st)
            if update is not None:
                self._last[key] = update
            if key in self._last:
                out.append(self._last[key])
        return out

    def dump(self) -> dict[str, dict[str, object]]:
        """Every claim's state as JSON-able dicts (what the changelog would hold)."""
        return {key: st.to_dict() for key, st in self.states.items()}

    def checkpoint(self) -> dict[str, Any]:
        """Claim states and the reliability book, JSON-able: resume with :meth:`resume`."""
        return {"states": self.dump(), "book": self.engine.reliability.to_dict()}

    @classmethod
    def resume(cls, engine: ConsensusEngine, checkpoint: dict[str, Any]) -> Replayer:
        """A replayer that continues exactly where the checkpointed one stopped."""
        engine.reliability.load(checkpoint["book"])
        states = {k: ClaimState.from_dict(v) for k, v in checkpoint["states"].items()}
        return cls(engine, states, rebuild_book=False)
