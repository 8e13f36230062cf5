"""Write the JSON Schema of every event model to ``schemas/json``.

Run ``python -m schemas.generate`` after changing a model; a test fails while
the checked-in files differ from what the models produce.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from schemas.events import EVENT_MODELS, JSON_SCHEMA_DIALECT

SCHEMA_DIR = Path(__file__).parent / "json"


def render() -> dict[str, str]:
    """File name → JSON Schema text for every event model."""
    out: dict[str, str] = {}
    for name, model in EVENT_MODELS.items():
        schema = model.model_json_schema(mode="serialization")
        schema["$schema"] = JSON_SCHEMA_DIALECT
        schema["$id"] = f"https://claimwatch.dev/schemas/v1/{name}.schema.json"
        out[f"{name}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return out


def main() -> int:
    SCHEMA_DIR.mkdir(exist_ok=True)
    for fname, text in render().items():
        (SCHEMA_DIR / fname).write_text(text, encoding="utf-8")
        print(f"wrote {SCHEMA_DIR / fname}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
