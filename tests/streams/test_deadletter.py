"""Dead letters fit in one Kafka message whatever the rejected record holds."""

from __future__ import annotations

import orjson
import pytest

from streams import deadletter

#: Kafka's default max.request.size / message.max.bytes
ONE_MESSAGE = 1_048_576


@pytest.mark.parametrize(
    "raw",
    [
        "\U0001f4a3" * 300_000,  # 4 bytes of UTF-8 each
        "\u0000" * 300_000,  # 6 bytes each once JSON-escaped
        '{"text": "' + "\\" * 400_000 + '"}',  # 2 bytes each once escaped
        b"\xff" * 2_000_000,  # not UTF-8: 3 bytes each once replaced
        "x" * 10_000_000,
    ],
    ids=["emoji", "nul", "backslash", "binary", "ascii"],
)
def test_a_dead_letter_of_a_huge_record_fits_in_one_message(raw: str | bytes) -> None:
    rec = deadletter.record(
        reason="too_long", message="m" * 100_000, raw=raw, topic="articles", partition=0, offset=1,
        key=b"k" * 50_000, article_id="i" * 50_000,
    )
    size = len(orjson.dumps(rec))
    assert size < ONE_MESSAGE // 2 + 20_000, size
    assert rec["raw_truncated"] is True
    assert len(rec["key"]) <= deadletter.MAX_FIELD_CHARS and len(rec["article_id"]) <= deadletter.MAX_FIELD_CHARS
    assert len(rec["message"]) <= deadletter.MAX_FIELD_CHARS


def test_a_small_record_is_kept_whole() -> None:
    rec = deadletter.record(reason="invalid_json", message="bad", raw=b"{not json", topic="articles")
    assert rec["raw"] == "{not json" and rec["raw_truncated"] is False


def test_fit_keeps_a_prefix() -> None:
    text = "ab\u0000" * 100_000
    cut, truncated = deadletter.fit(text, max_bytes=10_000)
    assert truncated and text.startswith(cut) and len(orjson.dumps(cut)) <= 10_000


def test_every_rejection_reason_is_a_known_article_reason() -> None:
    from streams.extraction.rejections import REASONS

    assert set(REASONS) <= set(deadletter.ARTICLE_REASONS)


class _Refusing:
    """A topic that refuses records over ``limit`` bytes, as a broker with a small limit does."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.sent: list[bytes] = []

    async def send(self, *, value: bytes) -> None:
        if len(value) > self.limit:
            raise RuntimeError("MessageSizeTooLargeError")
        self.sent.append(value)


async def test_a_refused_dead_letter_is_sent_again_without_the_original() -> None:
    topic = _Refusing(limit=10_000)
    rec = deadletter.record(reason="too_long", message="long", raw="x" * 100_000, topic="articles", offset=3)
    await deadletter.send(topic, rec)
    [sent] = topic.sent
    slim = orjson.loads(sent)
    assert slim["raw"] is None and slim["raw_truncated"] is True and slim["offset"] == 3
