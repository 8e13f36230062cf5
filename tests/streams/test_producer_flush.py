"""The producer buffer's flush (run before every offset commit) waits until the buffer is empty."""

from __future__ import annotations

import asyncio
from typing import Any

from faust.transport.producer import ProducerBuffer

from streams.app import flush_producer_buffer_fully


class _SlowBuffer:
    """Three queued records; the first flush round times out before any goes out."""

    def __init__(self) -> None:
        self.size = 3
        self.rounds = 0

    async def flush_atmost(self, max_messages: int | None) -> int:
        self.rounds += 1
        if self.rounds == 1:
            return 0  # Faust's 0.1 s wait for one record ran out
        sent, self.size = self.size, 0
        return sent


def test_a_flush_waits_for_every_queued_record() -> None:
    flush_producer_buffer_fully()
    buffer: Any = _SlowBuffer()
    asyncio.run(ProducerBuffer.flush(buffer))
    assert buffer.size == 0
    assert buffer.rounds == 2
