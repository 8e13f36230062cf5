"""orjson wire codec, usable on its own and registered with Faust as ``"orjson"``.

Faust's built-in json codec uses the standard library; orjson is several times
faster and serialises datetimes as ISO 8601 natively, which is what the
contracts require.
"""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from pydantic import BaseModel

T = TypeVar("T", bound=BaseModel)

CODEC_NAME = "orjson"

#: Kafka record headers on everything claimwatch writes, so consumers can route without parsing.
CONTENT_TYPE_HEADER = "content-type"
TYPE_HEADER = "claimwatch-type"
SCHEMA_VERSION_HEADER = "claimwatch-schema-version"
CONTENT_TYPE = "application/json"


def kafka_headers(event_type: str, schema_version: int = 1) -> list[tuple[str, bytes]]:
    """The headers of a record holding one ``event_type`` event (values are UTF-8 bytes)."""
    return [
        (CONTENT_TYPE_HEADER, CONTENT_TYPE.encode()),
        (TYPE_HEADER, event_type.encode()),
        (SCHEMA_VERSION_HEADER, str(schema_version).encode()),
    ]


def dumps(obj: Any) -> bytes:
    """Encode an event (a pydantic model) or plain JSON data as UTF-8 bytes."""
    if isinstance(obj, BaseModel):
        obj = obj.model_dump(mode="json")
    return orjson.dumps(obj)


def loads(data: bytes | str) -> Any:
    return orjson.loads(data)


def decode(data: bytes | str | dict[str, Any], model: type[T]) -> T:
    """Parse and validate one event; raises ``ValueError`` with a readable reason."""
    if isinstance(data, dict):
        return model.model_validate(data)
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    return model.model_validate(obj)


def register_faust_codec() -> None:
    """Register the codec with Faust so topics can say ``value_serializer="orjson"``."""
    from faust.serializers import codecs

    class OrjsonCodec(codecs.Codec):
        def _dumps(self, obj: Any) -> bytes:
            return dumps(obj)

        def _loads(self, s: bytes) -> Any:
            return orjson.loads(s)

    codecs.register(CODEC_NAME, OrjsonCodec())
