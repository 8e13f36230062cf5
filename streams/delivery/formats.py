"""Webhook bodies for one ContradictionDetected: native, Alertmanager and Slack.

Each endpoint chooses the shape its receiver already understands:

``native``
    The event exactly as it is on ``alerts.contradictions`` (the contract in
    DESIGN.md and ``schemas/json/ContradictionDetected.schema.json``).
``alertmanager``
    The Prometheus Alertmanager webhook payload (``version: "4"``), so anything
    that already takes Alertmanager notifications (an incident tool, a paging
    bridge) can take claimwatch alerts unchanged. One alert per request. The
    labels say which contradiction it is: the claim key, the kind, the source,
    the measure, the place and the severity; the ``fingerprint`` is
    Alertmanager's own hash of that label set (:func:`fingerprint`), so a later
    statement of the same source contradicting the same claim the same way
    updates the same alert, and a ``resolved`` notification pairs with its
    ``firing`` one as Alertmanager pairs them.

    A ``firing`` notification carries ``endsAt`` = ``startsAt`` + the
    endpoint's ``resolve_after_seconds`` (default a day): the documented
    expiry. Alertmanager, and receivers that follow its model, consider the
    alert resolved at ``endsAt`` unless it fires again (before, ``endsAt`` was
    the zero time and the alert never ended). :func:`alertmanager` with
    ``resolved_at`` renders the matching ``resolved`` notification (same
    labels and fingerprint, ``endsAt`` the time it was seen settled), and
    ``streams.contradiction.resolution.settled`` decides from a later
    ``ConsensusUpdated`` when a contradiction is settled (the consensus came
    within tolerance of the source's figure, the source came round or
    withdrew, or a denial or an assertion no longer goes against the presence
    probability). The worker sends it: with an ``alertmanager`` endpoint
    configured, ``streams.agents.alerts`` keeps the open alerts per claim
    (:mod:`streams.delivery.open_alerts`), reads ``consensus.updated``, and
    hands each settled alert's resolution to the dispatcher
    (``Dispatcher.submit_resolution``, idempotency key ``<alert_id>:resolved``),
    to every alertmanager endpoint the alert went to. An alert nothing settles
    ends at its expiry.

    ``externalURL`` is claimwatch's own address (the endpoint's
    ``external_url``, else ``CLAIMWATCH_EXTERNAL_URL``: the API and dashboard
    base URL), as Alertmanager puts its own there; ``generatorURL`` is the
    claim on that API when it is known (else the article), and the article
    stays in the ``article_url`` annotation.
``slack``
    A Slack incoming-webhook message: ``text`` (the notification fallback) and
    Block Kit ``blocks``. Also accepted by Mattermost and Rocket.Chat.

Only ``alertmanager`` has a resolution: ``native`` is the alert event itself, and
``slack`` sends no follow-up per settled contradiction; :func:`render` refuses to
render a resolution for them (a body that read as the alert firing again).

Rendering is deterministic: the same alert gives the same bytes, so a retry or
a redelivery carries the same body and the same signature.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal, get_args

import orjson

from schemas import ContradictionDetected
from schemas.codec import dumps
from schemas.events import Value

Format = Literal["native", "alertmanager", "slack"]
FORMATS: tuple[str, ...] = get_args(Format)

ALERT_NAME = "ClaimContradiction"
#: How long a firing Alertmanager alert lasts when nothing resolves it earlier (``endsAt``).
DEFAULT_RESOLVE_AFTER_SECONDS = 86400.0
#: Alertmanager's label-set hash: 64-bit FNV-1a, names and values separated by 0xff
_FNV_OFFSET = 14695981039346656037
_FNV_PRIME = 1099511628211
_SEPARATOR = 0xFF


def _iso(dt: Any) -> str:
    text = dt.isoformat()
    return text.replace("+00:00", "Z")


def _number(x: float) -> str:
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.4g}"


def describe_value(value: Value | None, stance: str) -> str:
    """A short human form of an observed value: ``11,000-12,000``, ``about 3,000``, ``denies``."""
    if value is None:
        return {"denies": "denies it", "asserts": "asserts it"}.get(stance, stance)
    low, best, high = value.low, value.best, value.high
    is_interval = low is not None and high is not None and low != high
    text = f"{_number(low or 0)}-{_number(high or 0)}" if is_interval else _number(best)
    if value.hedge not in ("exact", "range"):
        text = f"{text} ({value.hedge.replace('_', ' ')})"
    return text if stance != "denies" else f"denies {text}"


def _go_quote(value: str) -> str:
    """A double-quoted string with ``"``, ``\\`` and control characters escaped (JSON's quoting,
    which Go's ``strconv.Quote`` in Alertmanager matches for printable text)."""
    return orjson.dumps(value).decode()


def native(alert: ContradictionDetected) -> dict[str, Any]:
    """The event as on the topic."""
    return alert.model_dump(mode="json")


def fingerprint(label_set: dict[str, str]) -> str:
    """Alertmanager's fingerprint of a label set (``model.LabelSet.Fingerprint`` in
    prometheus/common): FNV-1a 64 over the names in order, each name and value followed
    by the byte 0xff, as 16 hex digits. The same labels always give the same
    fingerprint, which is how Alertmanager pairs a resolved alert with its firing one."""
    h = _FNV_OFFSET
    for name in sorted(label_set):
        for part in (name, label_set[name]):
            for byte in part.encode():
                h = ((h ^ byte) * _FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
            h = ((h ^ _SEPARATOR) * _FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def claim_url(external_url: str, claim_key: str) -> str:
    """The claim on claimwatch's API (``<base>/api/claims/<key>``), or "" without a base."""
    if not external_url:
        return ""
    from urllib.parse import quote

    return f"{external_url.rstrip('/')}/api/claims/{quote(claim_key, safe='')}"


def labels(alert: ContradictionDetected) -> dict[str, str]:
    """Alertmanager labels: what identifies and routes the alert (strings only)."""
    obs = alert.observation
    out = {
        "alertname": ALERT_NAME,
        "severity": alert.severity,
        "kind": alert.kind,
        "claim_key": alert.claim_key,
        "measure": obs.measure,
        "source": obs.source.name,
    }
    if obs.location:
        out["location"] = obs.location
    return out


def alertmanager(
    alert: ContradictionDetected,
    *,
    receiver: str = "claimwatch",
    external_url: str = "",
    starts_at: datetime | None = None,
    resolve_after: float = DEFAULT_RESOLVE_AFTER_SECONDS,
    resolved_at: datetime | None = None,
) -> dict[str, Any]:
    """An Alertmanager v4 webhook payload carrying this one alert, ``firing``, or
    ``resolved`` when ``resolved_at`` is given (then ``endsAt`` is that time).

    ``startsAt`` is when the alert started firing: ``starts_at`` (the dispatcher passes
    the time the alert was written to Kafka, the same on every attempt), else now. Never
    ``detected_at``, which is event time (the statement's date, years ago for an archive).
    A firing alert ends ``resolve_after`` seconds later unless it is resolved first.
    """
    obs = alert.observation
    before = alert.consensus_before
    lbls = labels(alert)
    annotations = {
        "summary": f"{obs.subject}: {obs.source.name} contradicts the consensus",
        "description": alert.reason,
        "alert_id": alert.alert_id,
        "observed_value": describe_value(obs.value, obs.stance),
        "consensus_version": str(before.version),
        "consensus_sources": str(before.n_sources),
        "evidence": obs.evidence.text,
    }
    if before.estimate is not None:
        est = before.estimate
        annotations["consensus_estimate"] = (
            f"{_number(est.best)} ({_number(est.low)}-{_number(est.high)})"
        )
    if before.presence is not None:
        annotations["consensus_presence_probability"] = f"{before.presence.probability:.2f}"
    if obs.url:
        annotations["article_url"] = obs.url
    starts = starts_at or datetime.now(UTC)
    status = "firing" if resolved_at is None else "resolved"
    ends = resolved_at if resolved_at is not None else starts + timedelta(seconds=resolve_after)
    group_labels = {"alertname": ALERT_NAME, "claim_key": alert.claim_key}
    # quoted as Alertmanager quotes label values (Go's %q), so a claim key holding `"` or `,`
    # cannot add a label to the group key
    group_key = "{}:{" + ",".join(f"{k}={_go_quote(v)}" for k, v in group_labels.items()) + "}"
    return {
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": 0,
        "status": status,
        "receiver": receiver,
        "groupLabels": group_labels,
        "commonLabels": lbls,
        "commonAnnotations": annotations,
        "externalURL": external_url,
        "alerts": [
            {
                "status": status,
                "labels": lbls,
                "annotations": annotations,
                "startsAt": _iso(starts),
                "endsAt": _iso(ends),
                "generatorURL": claim_url(external_url, alert.claim_key) or obs.url or "",
                "fingerprint": fingerprint(lbls),
            }
        ],
    }


_SEVERITY_EMOJI = {"low": ":large_blue_circle:", "medium": ":warning:", "high": ":rotating_light:"}

#: Slack's limits: a field's text 2000 characters, a section's 3000; over them the whole
#: message is refused.
_FIELD_LIMIT = 1900
#: Characters that start mrkdwn formatting or a mention in Slack, Mattermost and Rocket.Chat
#: (``*bold*``, ``_italic_``, ``~strike~``, `` `code` ``, ``@here``, ``:emoji:``): a zero-width
#: space after each keeps the text as it reads while no parser sees the markup.
_MRKDWN_STARTERS = "*_~`@:"
_ZWSP = "\u200b"


def _cut(text: str, limit: int = _FIELD_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _escape(text: str, limit: int = _FIELD_LIMIT) -> str:
    """Untrusted text for a Slack ``mrkdwn`` string: ``&``, ``<`` and ``>`` escaped (they delimit
    links and mentions such as ``<!channel>``), formatting and @-mentions broken by a zero-width
    space, cut to Slack's limits."""
    text = _cut(text, limit).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(ch + _ZWSP if ch in _MRKDWN_STARTERS else ch for ch in text)


def _plain(text: str, limit: int = _FIELD_LIMIT) -> dict[str, Any]:
    """A ``plain_text`` object: Slack shows it as it is (no formatting, links or mentions)."""
    return {"type": "plain_text", "text": _cut(text, limit) or " ", "emoji": False}


def _link(url: str | None) -> str | None:
    """``<url|article>`` for an http(s) URL, with the characters that end a Slack link (``|``,
    ``>``) and its escapes percent-encoded; anything else (``javascript:``) gets no link."""
    if not url or not url.lower().startswith(("https://", "http://")) or len(url) > 3000:
        return None
    safe = "".join(
        f"%{ord(ch):02X}" if ch in "<>|& " or ord(ch) < 0x20 or ord(ch) == 0x7F else ch for ch in url
    )
    return f"<{safe}|article>"


def slack(alert: ContradictionDetected) -> dict[str, Any]:
    """A Slack incoming-webhook message: fallback ``text`` plus Block Kit ``blocks``.

    Every string that came from an article or a producer (source, subject, place, reason,
    evidence, claim key) is a ``plain_text`` object in the blocks, so Slack shows it as it is;
    the fallback ``text`` (the notification, and the whole message for Mattermost and
    Rocket.Chat, which read no blocks) is mrkdwn with every markup character neutralised.
    """
    obs = alert.observation
    before = alert.consensus_before
    title = f"{alert.severity.upper()} contradiction: {obs.subject}"
    fields = [
        f"Source: {obs.source.name}",
        f"Says: {describe_value(obs.value, obs.stance)}",
        f"Kind: {alert.kind}",
        f"Consensus sources: {before.n_sources}",
    ]
    if before.estimate is not None:
        est = before.estimate
        fields.append(f"Consensus: {_number(est.best)} ({_number(est.low)}-{_number(est.high)})")
    if before.presence is not None:
        fields.append(f"Consensus: present with p={before.presence.probability:.2f}")
    if obs.location:
        fields.append(f"Location: {obs.location}")
    context: list[dict[str, Any]] = [_plain(f"claim {alert.claim_key} · alert {alert.alert_id}")]
    link = _link(obs.url)
    if link:
        context.append({"type": "mrkdwn", "text": link})
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _plain(title, 150)},
        {
            "type": "section",
            # trusted words only: the severity and the kind are enums
            "text": {
                "type": "mrkdwn",
                "text": f"{_SEVERITY_EMOJI.get(alert.severity, '')} *{alert.severity}* {alert.kind.replace('_', ' ')}",
            },
        },
        {"type": "section", "text": _plain(alert.reason, 2900)},
        {"type": "section", "fields": [_plain(f) for f in fields[:10]]},
        {"type": "section", "text": _plain(f"“{obs.evidence.text}”", 2900)},
        {"type": "context", "elements": context},
    ]
    # the fallback text is mrkdwn: unescaped, a source named "<!channel>" pages everyone
    return {"text": f"[{alert.severity}] {_escape(alert.reason)}", "blocks": blocks}


def render(
    alert: ContradictionDetected,
    fmt: str,
    *,
    receiver: str = "claimwatch",
    external_url: str = "",
    starts_at: datetime | None = None,
    resolve_after: float = DEFAULT_RESOLVE_AFTER_SECONDS,
    resolved_at: datetime | None = None,
) -> bytes:
    """The request body (UTF-8 JSON bytes) of ``alert`` in format ``fmt``; with
    ``resolved_at``, its resolution (Alertmanager only: the other formats have none, and
    rendering one for them is a ``ValueError`` rather than a body that reads as the alert
    firing again)."""
    if resolved_at is not None and fmt != "alertmanager":
        raise ValueError(f"the {fmt!r} format has no resolution message (only alertmanager has)")
    if fmt == "native":
        return dumps(native(alert))
    if fmt == "alertmanager":
        return dumps(alertmanager(alert, receiver=receiver, external_url=external_url, starts_at=starts_at,
                                  resolve_after=resolve_after, resolved_at=resolved_at))
    if fmt == "slack":
        return dumps(slack(alert))
    raise ValueError(f"unknown webhook format {fmt!r} (expected one of {', '.join(FORMATS)})")
