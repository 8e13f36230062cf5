"""The read model's own on-disk store, so a restarted worker does not refold every topic.

What is kept is what the query API needs to answer for every claim right after a
start, and the read positions that say where to go on:

- per claim, a summary (subject, measure, location, counts, first and last seen)
  and the raw bytes of its latest ``ConsensusUpdated``;
- the newest alerts (as many as the model keeps), raw;
- per topic partition, the offset of the next record to read.

A claim's earlier consensus versions and its observations are not kept: after a
restart ``history`` says ``truncated`` and ``as_of`` says ``complete: false`` for
what was before it (the log of record still has them, for ``claimwatch replay``).
Memory after a restart is therefore one consensus per claim plus the newest
alerts, whatever the length of the history; the store itself grows with the
number of claims.

Everything folded from one batch of records is written in one atomic RocksDB
write batch together with the positions after that batch, so a crash leaves the
summaries and the positions consistent (records after the positions are read
again; folding them is idempotent).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

log = logging.getLogger(__name__)

_CLAIM = b"c\0"
_CONSENSUS = b"v\0"
_ALERT = b"a\0"
_POSITION = b"p\0"


def _prefixed(db: Any, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
    for key, value in db.items(from_key=prefix):
        if not key.startswith(prefix):
            return
        yield key, value


class ReadModelStore:
    """A RocksDB database (through rocksdict) under the worker's data directory."""

    def __init__(self, path: str | Path, *, max_alerts: int = 1000) -> None:
        self.path = Path(path)
        self.max_alerts = max_alerts
        self._handle: Any = None
        self._alert_seq = 0

    @property
    def _db(self) -> Any:
        """The database, opened on first use (building an app must not take its lock)."""
        if self._handle is None:
            from rocksdict import Options, Rdict

            self.path.parent.mkdir(parents=True, exist_ok=True)
            options = Options(raw_mode=True)
            options.create_if_missing(True)
            options.set_write_buffer_size(4 * 1024 * 1024)
            options.set_max_write_buffer_number(2)
            self._handle = Rdict(str(self.path), options=options)
            self._alert_seq = self._last_alert_seq()
        return self._handle

    # ------------------------------------------------------------- reading

    def positions(self) -> dict[tuple[str, int], int]:
        """(topic, partition) → offset of the next record to read."""
        out = {}
        for key, value in _prefixed(self._db, _POSITION):
            topic, partition = key[len(_POSITION):].decode().rsplit("\0", 1)
            out[(topic, int(partition))] = int(value)
        return out

    def claims(self) -> Iterator[tuple[dict[str, Any], bytes | None]]:
        """Each claim's summary and the raw bytes of its latest consensus (None: none yet)."""
        for key, value in _prefixed(self._db, _CLAIM):
            claim_key = key[len(_CLAIM):]
            yield orjson.loads(value), self._db.get(_CONSENSUS + claim_key)

    def alerts(self) -> list[bytes]:
        """The newest alerts kept, oldest first."""
        return [value for _, value in _prefixed(self._db, _ALERT)]

    def __len__(self) -> int:
        return sum(1 for _ in _prefixed(self._db, _CLAIM))

    # ------------------------------------------------------------- writing

    def write(
        self,
        claims: dict[str, tuple[dict[str, Any], bytes | None]],
        alerts: list[bytes],
        positions: dict[tuple[str, int], int],
    ) -> None:
        """Write claim summaries (and latest consensus bytes, when given), new alerts and
        positions in one atomic batch."""
        from rocksdict import WriteBatch

        db = self._db  # opened first: it sets the alert sequence
        batch = WriteBatch(raw_mode=True)
        for claim_key, (summary, consensus) in claims.items():
            k = claim_key.encode()
            batch.put(_CLAIM + k, orjson.dumps(summary))
            if consensus is not None:
                batch.put(_CONSENSUS + k, consensus)
        for raw in alerts:
            self._alert_seq += 1
            batch.put(_ALERT + self._alert_seq.to_bytes(8, "big"), raw)
            old = self._alert_seq - self.max_alerts
            if old > 0:
                batch.delete(_ALERT + old.to_bytes(8, "big"))
        for (topic, partition), offset in positions.items():
            batch.put(_POSITION + f"{topic}\0{partition}".encode(), str(offset).encode())
        db.write(batch)

    def clear(self) -> None:
        """Forget everything (the broker no longer has the log these positions refer to)."""
        self.close()
        shutil.rmtree(self.path, ignore_errors=True)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def _last_alert_seq(self) -> int:
        last = 0
        for key, _ in _prefixed(self._handle, _ALERT):
            last = int.from_bytes(key[len(_ALERT):], "big")
        return last
