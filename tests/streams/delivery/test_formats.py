"""The three body formats, checked against the shapes their consumers expect."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from schemas import ContradictionDetected
from schemas.codec import decode
from schemas.events import Value
from streams.delivery import formats
from streams.delivery.formats import describe_value


def test_native_is_the_event_as_on_the_topic(alert: ContradictionDetected) -> None:
    body = formats.render(alert, "native")
    assert decode(body, ContradictionDetected) == alert
    parsed = orjson.loads(body)
    assert parsed["type"] == "ContradictionDetected" and parsed["schema_version"] == 1
    assert parsed["detected_at"].startswith("2026-03-01T08:01:00")


def test_rendering_is_deterministic(make_alert) -> None:
    at = datetime(2027, 1, 15, 8, 0, tzinfo=UTC)  # Alertmanager's startsAt: when the alert entered Kafka
    for fmt in formats.FORMATS:
        a, b = make_alert(5), make_alert(5)
        assert formats.render(a, fmt, starts_at=at) == formats.render(b, fmt, starts_at=at)


def test_alertmanager_v4_webhook_shape(alert: ContradictionDetected) -> None:
    body = orjson.loads(formats.render(alert, "alertmanager", receiver="bridge"))
    assert set(body) >= {
        "version",
        "groupKey",
        "truncatedAlerts",
        "status",
        "receiver",
        "groupLabels",
        "commonLabels",
        "commonAnnotations",
        "externalURL",
        "alerts",
    }
    assert body["version"] == "4" and body["status"] == "firing" and body["receiver"] == "bridge"
    [am] = body["alerts"]
    assert set(am) == {
        "status",
        "labels",
        "annotations",
        "startsAt",
        "endsAt",
        "generatorURL",
        "fingerprint",
    }
    assert am["labels"]["alertname"] == "ClaimContradiction"
    assert am["labels"]["severity"] == alert.severity
    assert am["labels"]["claim_key"] == alert.claim_key
    assert all(isinstance(v, str) for v in am["labels"].values())
    assert all(isinstance(v, str) for v in am["annotations"].values())
    assert am["annotations"]["description"] == alert.reason
    assert am["annotations"]["alert_id"] == alert.alert_id
    assert am["startsAt"] != "2026-03-01T08:01:00Z"  # not detected_at (event time): now, or the ingestion time
    assert am["endsAt"] != "0001-01-01T00:00:00Z"  # the documented expiry: startsAt + a day
    assert len(am["fingerprint"]) == 16
    assert alert.claim_key in body["groupKey"]
    assert body["groupLabels"]["claim_key"] == alert.claim_key


def test_alertmanager_fingerprint_is_alertmanagers_hash_of_the_labels(make_alert) -> None:
    """Alertmanager pairs a resolved alert with its firing one by the label set's
    fingerprint: FNV-1a 64 as prometheus/common computes it (an empty set hashes to
    the FNV offset basis), the same for the same labels and another for other ones."""
    assert formats.fingerprint({}) == "cbf29ce484222325"
    assert formats.fingerprint({"a": "b"}) == formats.fingerprint({"a": "b"})
    assert formats.fingerprint({"a": "b"}) != formats.fingerprint({"a": "c"})
    assert formats.fingerprint({"ab": ""}) != formats.fingerprint({"a": "b"})  # the separator counts
    prints = {}
    for i in range(20):
        alert = make_alert(i)
        am = orjson.loads(formats.render(alert, "alertmanager"))["alerts"][0]
        assert am["fingerprint"] == formats.fingerprint(am["labels"])
        prints.setdefault(am["fingerprint"], set()).add(tuple(sorted(am["labels"].items())))
    assert all(len(label_sets) == 1 for label_sets in prints.values())
    assert len(prints) > 1


def test_slack_message_has_fallback_text_and_blocks(alert: ContradictionDetected) -> None:
    body = orjson.loads(formats.render(alert, "slack"))
    assert set(body) == {"text", "blocks"}
    assert alert.reason in body["text"]
    assert all("type" in block for block in body["blocks"])
    assert body["blocks"][0]["type"] == "header"
    assert len(body["blocks"][0]["text"]["text"]) <= 150  # Slack's header limit
    flat = orjson.dumps(body["blocks"]).decode()
    assert alert.alert_id in flat and alert.observation.source.name in flat


def test_slack_escapes_markup_in_untrusted_text(make_alert) -> None:
    a = make_alert(2)
    a = a.model_copy(update={"reason": "values <10 & >5 disagree <!channel>"})
    body = orjson.loads(formats.render(a, "slack"))
    fallback = body["text"]
    assert "<!channel>" not in fallback and "&lt;!\u200bchannel&gt;" not in fallback
    assert "&lt;!channel&gt;" in fallback and "&amp;" in fallback
    [reason] = [b["text"] for b in body["blocks"] if b.get("text", {}).get("text") == a.reason]
    assert reason["type"] == "plain_text", "shown as it is, never parsed"


HOSTILE = "<!channel> <@U123> @here *bold* _it_ ~s~ `code` <https://evil.example|click> <script>x</script>"


def _texts(node: object) -> list[tuple[str, str]]:
    if isinstance(node, dict):
        found = [(node["type"], node["text"])] if isinstance(node.get("text"), str) and "type" in node else []
        return found + [t for v in node.values() for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return []


def test_slack_untrusted_strings_never_become_markup_mentions_or_links(make_alert) -> None:
    a = make_alert(3)
    obs = a.observation.model_copy(update={
        "source": a.observation.source.model_copy(update={"name": HOSTILE}),
        "subject": HOSTILE, "location": HOSTILE, "url": "https://news.example/a?b=1&c=<!channel>|pwn>",
        "evidence": a.observation.evidence.model_copy(update={"text": HOSTILE}),
    })
    a = a.model_copy(update={"observation": obs, "reason": HOSTILE, "claim_key": HOSTILE})
    body = orjson.loads(formats.render(a, "slack"))
    texts = [("mrkdwn", body["text"]), *_texts(body["blocks"])]
    for kind, text in texts:
        if kind == "mrkdwn":
            for token in ("<!", "<@", "<script", "<https://evil", "@here", "*bold*", "_it_", "~s~", "`code`"):
                assert token not in text, (token, text)
            assert text.count("<") <= 1 and text.count("|") <= text.count("<") + HOSTILE.count("|")
    plain = [t for k, t in texts if k == "plain_text"]
    assert sum(HOSTILE in t for t in plain) >= 4, "source, subject, place, reason and evidence shown as they are"
    links = [t for k, t in texts if k == "mrkdwn" and t.startswith("<http")]
    assert links == ["<https://news.example/a?b=1%26c=%3C!channel%3E%7Cpwn%3E|article>"]


def test_slack_links_only_http_urls(make_alert) -> None:
    a = make_alert(1)
    for url in ("javascript:alert(1)", "data:text/html,<script>x</script>", "slack://open"):
        obs = a.observation.model_copy(update={"url": url})
        body = formats.render(a.model_copy(update={"observation": obs}), "slack")
        assert b"|article>" not in body


def test_alertmanager_group_key_quotes_label_values(make_alert) -> None:
    a = make_alert(1)
    a = a.model_copy(update={"claim_key": 'x",alertname="Other'})
    body = orjson.loads(formats.render(a, "alertmanager"))
    assert body["groupKey"] == '{}:{alertname="ClaimContradiction",claim_key="x\\",alertname=\\"Other"}'
    assert body["groupLabels"]["claim_key"] == 'x",alertname="Other'


def test_unknown_format_is_refused(alert: ContradictionDetected) -> None:
    with pytest.raises(ValueError, match="unknown webhook format"):
        formats.render(alert, "xml")


@pytest.mark.parametrize(
    ("value", "stance", "text"),
    [
        (Value(low=11000, best=11500, high=12000, hedge="range"), "asserts", "11,000-12,000"),
        (Value(best=3000, hedge="approximately"), "asserts", "3,000 (approximately)"),
        (Value(best=40, hedge="exact"), "denies", "denies 40"),
        (None, "denies", "denies it"),
        (Value(best=2.5, hedge="at_least"), "asserts", "2.5 (at least)"),
    ],
)
def test_describe_value(value: Value | None, stance: str, text: str) -> None:
    assert describe_value(value, stance) == text


def test_slack_cuts_long_evidence_to_slack_limits(make_alert) -> None:
    a = make_alert(4)
    long_text = "A very long quotation from the ministry. " * 300
    obs = a.observation.model_copy(
        update={"evidence": a.observation.evidence.model_copy(update={"text": long_text})}
    )
    body = orjson.loads(formats.render(a.model_copy(update={"observation": obs}), "slack"))
    for block in body["blocks"]:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000
        for field in block.get("fields", []):
            assert len(field["text"]) <= 2000


def test_slack_shows_a_presence_consensus(make_alert) -> None:
    from schemas.events import Presence

    a = make_alert(6)
    before = a.consensus_before.model_copy(
        update={"estimate": None, "presence": Presence(probability=0.875)}
    )
    obs = a.observation.model_copy(update={"value": None, "stance": "denies"})
    a = a.model_copy(update={"consensus_before": before, "observation": obs})
    flat = orjson.dumps(orjson.loads(formats.render(a, "slack"))["blocks"]).decode()
    assert "p=0.88" in flat and "denies it" in flat
