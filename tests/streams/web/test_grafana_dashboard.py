"""The Grafana dashboard in deploy/ covers every metric the worker exposes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from streams.metrics import REGISTRY

REPO = Path(__file__).resolve().parents[3]
DASHBOARD = REPO / "deploy" / "grafana" / "claimwatch-dashboard.json"


def dashboard_exprs() -> list[str]:
    """Every PromQL expression of every panel."""
    board: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return [t["expr"] for p in board["panels"] for t in p.get("targets", [])]


def test_every_metric_family_is_on_the_dashboard() -> None:
    text = "\n".join(dashboard_exprs())
    families = {m.name for m in REGISTRY.collect()}
    assert families, "the registry is empty"
    missing = {f for f in families if not re.search(rf"\b{re.escape(f)}(_total|_bucket)?\b", text)}
    assert not missing, f"metrics without a panel: {sorted(missing)}"


def test_panels_are_well_formed() -> None:
    board = json.loads(DASHBOARD.read_text())
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids))
    for panel in board["panels"]:
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
        assert panel["targets"] and panel.get("description"), panel["title"]
    names = {v["name"] for v in board["templating"]["list"]}
    assert {"datasource", "job"} <= names
