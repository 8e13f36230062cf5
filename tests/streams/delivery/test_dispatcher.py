"""The dispatcher against real HTTP receivers on loopback ports."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from streams import metrics
from streams.delivery import Dispatcher, PendingDelivery
from streams.delivery.formats import render
from streams.delivery.signing import headers as sign_headers

Hook = Any  # the conftest's receiver helper (fixtures keep test modules import-free)


def counter(name: str, **labels: str) -> float:
    value = metrics.REGISTRY.get_sample_value(name, labels or None)
    return value or 0.0


async def test_delivers_native_body_signed_with_idempotency_key(hooks, sink, alert, endpoint, example_receiver) -> None:
    hook = await hooks()
    ep = endpoint("primary", hook.url, secret="correct horse battery")
    e2e_before = counter("claimwatch_end_to_end_seconds_count", span="alert_to_delivery")
    async with Dispatcher([ep], on_deadletter=sink.deadletter) as d:
        report = await d.deliver(alert)
    assert report.outcomes == {"primary": "delivered"}
    assert len(hook.requests) == 1
    headers, body = hook.requests[0]
    assert body == render(alert, "native")
    assert headers["Idempotency-Key"] == alert.alert_id
    assert headers["X-Claimwatch-Alert-Id"] == alert.alert_id
    assert headers["X-Claimwatch-Attempt"] == "1"
    assert int(headers["X-Claimwatch-Timestamp"]) > 1_700_000_000
    assert (
        metrics.REGISTRY.get_sample_value("claimwatch_end_to_end_seconds_count", {"span": "alert_to_delivery"})
        == e2e_before + 1
    )
    receiver = example_receiver
    assert receiver.verify(body, "correct horse battery", headers["X-Claimwatch-Signature"])
    assert not receiver.verify(body, "wrong secret", headers["X-Claimwatch-Signature"])
    assert sink.dead == []


async def test_receiver_failing_first_requests_gets_same_alert_id_until_it_succeeds(
    hooks, sink, alert, endpoint
) -> None:
    async def fail_three(hook: Hook, request: web.Request) -> web.StreamResponse:
        if len(hook.requests) <= 3:
            return web.Response(status=500, text="database locked")
        return web.Response(text="ok")

    hook = await hooks(fail_three)
    retries_before = counter("claimwatch_webhook_retries_total")
    failed_before = counter("claimwatch_webhook_deliveries_total", outcome="failed")
    async with Dispatcher([endpoint("flaky", hook.url, secret="k")], on_deadletter=sink.deadletter) as d:
        report = await d.deliver(alert)
    assert report.outcomes == {"flaky": "delivered"}
    assert len(hook.requests) == 4
    assert set(hook.alert_ids) == {alert.alert_id}
    assert [h["X-Claimwatch-Attempt"] for h, _ in hook.requests] == ["1", "2", "3", "4"]
    # the body, hence the signature, is identical on every attempt
    assert len({body for _, body in hook.requests}) == 1
    assert len({h["X-Claimwatch-Signature"] for h, _ in hook.requests}) == 1
    assert counter("claimwatch_webhook_retries_total") - retries_before == 3
    assert counter("claimwatch_webhook_deliveries_total", outcome="failed") - failed_before == 3
    assert sink.dead == []


async def test_timeout_counts_as_failure_and_is_retried(hooks, sink, alert, endpoint) -> None:
    async def hang_first(hook: Hook, request: web.Request) -> web.StreamResponse:
        if len(hook.requests) == 1:
            await asyncio.sleep(5)  # far beyond the endpoint's timeout
        return web.Response(text="ok")

    hook = await hooks(hang_first)
    ep = endpoint("sluggish", hook.url, timeout_seconds=0.2)
    async with Dispatcher([ep], on_deadletter=sink.deadletter) as d:
        report = await d.deliver(alert)
    assert report.outcomes == {"sluggish": "delivered"}
    assert len(hook.requests) == 2


async def test_timeouts_until_max_attempts_dead_letter_with_last_error(hooks, sink, alert, endpoint) -> None:
    async def hang(hook: Hook, request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(5)
        return web.Response(text="too late")

    hook = await hooks(hang)
    ep = endpoint("black-hole", hook.url, timeout_seconds=0.1, max_attempts=3)
    dead_before = counter("claimwatch_webhook_deliveries_total", outcome="deadlettered")
    async with Dispatcher([ep], on_deadletter=sink.deadletter) as d:
        report = await d.deliver(alert)
    assert report.outcomes == {"black-hole": "deadlettered"}
    assert len(hook.requests) == 3
    [failed] = sink.dead
    assert failed.endpoint == "black-hole"
    assert failed.attempts == 3
    assert failed.reason == "attempts_exhausted"
    assert "timeout" in failed.last_error
    assert failed.alert.alert_id == alert.alert_id
    record = failed.as_deadletter()
    assert record["type"] == "DeadLetter"
    assert record["alert_id"] == alert.alert_id
    assert record["last_error"] == failed.last_error
    assert record["attempts"] == 3
    assert counter("claimwatch_webhook_deliveries_total", outcome="deadlettered") - dead_before == 1


async def test_server_errors_until_max_attempts_dead_letter_with_status(hooks, sink, alert, endpoint) -> None:
    async def broken(hook: Hook, request: web.Request) -> web.StreamResponse:
        return web.Response(status=503, text="maintenance window")

    hook = await hooks(broken)
    async with Dispatcher([endpoint("down-for-good", hook.url, max_attempts=4)], on_deadletter=sink.deadletter) as d:
        await d.deliver(alert)
    [failed] = sink.dead
    assert failed.attempts == 4 and len(hook.requests) == 4
    assert failed.last_status == 503
    assert "maintenance window" in failed.last_error


async def test_permanent_rejection_is_dead_lettered_without_retries(hooks, sink, alert, endpoint) -> None:
    async def reject(hook: Hook, request: web.Request) -> web.StreamResponse:
        return web.Response(status=401, text="who are you")

    hook = await hooks(reject)
    async with Dispatcher([endpoint("strict", hook.url)], on_deadletter=sink.deadletter) as d:
        await d.deliver(alert)
    assert len(hook.requests) == 1
    [failed] = sink.dead
    assert failed.reason == "rejected" and failed.last_status == 401


async def test_receiver_down_then_back_loses_nothing(hooks, sink, endpoint, make_alert, free_port) -> None:
    port = free_port()
    ep = endpoint("comes-back", f"http://127.0.0.1:{port}/hook", max_attempts=1000)
    alerts = [make_alert(i) for i in range(5)]
    async with Dispatcher([ep], on_deadletter=sink.deadletter) as d:
        futures = [await d.submit(a) for a in alerts]
        # let every alert fail at least once against the closed port
        while counter("claimwatch_webhook_retries_total") == 0 or d.lane_backlog()["comes-back"] < 5:
            await asyncio.sleep(0.01)
        assert not any(f.done() for f in futures)
        hook = await hooks(port=port)
        reports = await asyncio.gather(*futures)
    assert all(r.outcomes == {"comes-back": "delivered"} for r in reports)
    assert sorted(set(hook.alert_ids)) == sorted(a.alert_id for a in alerts)
    assert sink.dead == []


async def test_connection_refused_until_exhausted_names_the_error(sink, alert, endpoint, free_port) -> None:
    ep = endpoint("nobody-home", f"http://127.0.0.1:{free_port()}/hook", max_attempts=2)
    async with Dispatcher([ep], on_deadletter=sink.deadletter) as d:
        await d.deliver(alert)
    [failed] = sink.dead
    assert failed.attempts == 2
    assert "Connect" in failed.last_error  # aiohttp's ClientConnectorError
    assert failed.last_status is None


async def test_slow_receiver_does_not_hold_up_a_fast_one(hooks, sink, endpoint, make_alert) -> None:
    release = asyncio.Event()

    async def stall(hook: Hook, request: web.Request) -> web.StreamResponse:
        await release.wait()
        return web.Response(text="finally")

    slow = await hooks(stall)
    fast = await hooks()
    eps = [
        endpoint("slow", slow.url, timeout_seconds=60, concurrency=2),
        endpoint("fast", fast.url),
    ]
    alerts = [make_alert(i) for i in range(30)]
    delivered_fast: list[str] = []
    acked: list[str] = []
    async with Dispatcher(eps, on_deadletter=sink.deadletter) as d:
        futures = [await d.submit(a, on_done=lambda a=a: acked.append(a.alert_id)) for a in alerts]
        await fast.wait_for(len(alerts))
        delivered_fast = list(fast.alert_ids)
        # every alert reached the fast receiver while the slow one had answered none
        assert not any(f.done() for f in futures)
        assert acked == []  # and none may be acknowledged while the slow lane still owes it
        assert len(slow.requests) == 2  # its two connections are stuck
        release.set()
        reports = await asyncio.gather(*futures)
    assert sorted(delivered_fast) == sorted(a.alert_id for a in alerts)
    assert all(r.outcomes == {"slow": "delivered", "fast": "delivered"} for r in reports)
    assert sorted(set(slow.alert_ids)) == sorted(a.alert_id for a in alerts)


async def test_each_endpoint_gets_its_own_format(hooks, sink, alert, endpoint) -> None:
    a, b, c = await hooks(), await hooks(), await hooks()
    eps = [
        endpoint("native", a.url),
        endpoint("am", b.url, format="alertmanager"),
        endpoint("chat", c.url, format="slack"),
    ]
    async with Dispatcher(eps, on_deadletter=sink.deadletter) as d:
        await d.deliver(alert)
    import orjson

    assert orjson.loads(a.requests[0][1])["alert_id"] == alert.alert_id
    assert orjson.loads(b.requests[0][1])["version"] == "4"
    assert "blocks" in orjson.loads(c.requests[0][1])
    assert all("X-Claimwatch-Signature" not in h.requests[0][0] for h in (a, b, c))  # no secret


async def test_on_done_runs_once_all_endpoints_are_final(hooks, sink, alert, endpoint) -> None:
    async def reject(hook: Hook, request: web.Request) -> web.StreamResponse:
        return web.Response(status=410)

    good, gone = await hooks(), await hooks(reject)
    done: list[str] = []
    eps = [endpoint("good", good.url), endpoint("gone", gone.url)]
    async with Dispatcher(eps, on_deadletter=sink.deadletter) as d:
        fut = await d.submit(alert, on_done=lambda: done.append(alert.alert_id))
        report = await fut
    assert done == [alert.alert_id]
    assert report.outcomes == {"good": "delivered", "gone": "deadlettered"}
    assert d.pending == 0


async def test_long_wait_is_deferred_with_its_schedule_and_resumed_later(hooks, sink, alert, endpoint) -> None:
    # Retry-After puts the next attempt >= 1 s away, beyond the 0.05 s hold: defer at once
    async def retry_later(hook: Hook, request: web.Request) -> web.StreamResponse:
        return web.Response(status=503, headers={"Retry-After": "1"})

    hook = await hooks(retry_later)
    ep = endpoint("later", hook.url)
    done: list[bool] = []
    async with Dispatcher([ep], on_deadletter=sink.deadletter, on_defer=sink.defer, hold_seconds=0.05) as d:
        report = await (await d.submit(alert, on_done=lambda: done.append(True)))
    assert report.outcomes == {"later": "deferred"}
    assert done == [True]  # the source record may be acknowledged: the retry record holds it
    [pending] = sink.deferred
    assert pending.attempts == 1 and pending.last_status == 503
    assert (pending.next_attempt_at - pending.first_attempt_at).total_seconds() >= 1.0
    assert pending.alert == alert

    # a new worker (after a restart) resumes it; the receiver is healthy by now
    hook.behaviour = None
    pending = pending.model_copy(update={"next_attempt_at": pending.first_attempt_at})
    async with Dispatcher([ep], on_deadletter=sink.deadletter, on_defer=sink.defer, hold_seconds=5) as d2:
        report = await (await d2.resume(pending))
    assert report.outcomes == {"later": "delivered"}
    assert hook.requests[-1][0]["X-Claimwatch-Attempt"] == "2"  # the count carried over
    assert set(hook.alert_ids) == {alert.alert_id}


async def test_resumed_delivery_keeps_its_attempt_budget(hooks, sink, alert, endpoint) -> None:
    async def broken(hook: Hook, request: web.Request) -> web.StreamResponse:
        return web.Response(status=500)

    hook = await hooks(broken)
    ep = endpoint("budget", hook.url, max_attempts=5)
    now = datetime.now(UTC)
    pending = PendingDelivery(alert=alert, endpoint="budget", attempts=4, first_attempt_at=now, next_attempt_at=now)
    async with Dispatcher([ep], on_deadletter=sink.deadletter) as d:
        await (await d.resume(pending))
    assert len(hook.requests) == 1  # only the fifth and last attempt
    [failed] = sink.dead
    assert failed.attempts == 5


async def test_resume_for_a_removed_endpoint_dead_letters(sink, alert) -> None:
    pending = PendingDelivery(
        alert=alert,
        endpoint="retired",
        attempts=2,
        first_attempt_at=alert.detected_at,
        next_attempt_at=alert.detected_at,
    )
    async with Dispatcher([], on_deadletter=sink.deadletter) as d:
        report = await (await d.resume(pending))
    assert report.outcomes == {"retired": "deadlettered"}
    assert sink.dead[0].reason == "unknown_endpoint"


async def test_restart_mid_delivery_redelivers_same_ids_and_invents_none(
    hooks, sink, endpoint, make_alert, example_receiver
) -> None:
    """A dispatcher closed mid-delivery acks nothing; the next one delivers every alert."""
    receiver = example_receiver.Receiver("shared-secret")
    gate = asyncio.Event()

    async def gated(hook: Hook, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if not gate.is_set():
            await asyncio.sleep(10)  # the worker dies before this answers
        status, text = receiver.handle(body, request.headers)
        return web.Response(status=status, text=text)

    hook = await hooks(gated)
    ep = endpoint("ledger", hook.url, secret="shared-secret", concurrency=8, timeout_seconds=30)
    alerts = [make_alert(i) for i in range(12)]
    acked: set[str] = set()

    # worker 1: the receiver already has the first 4 (delivered earlier, acks lost with the crash)
    for a in alerts[:4]:
        body = render(a, "native")
        receiver.handle(
            body,
            sign_headers(body, alert_id=a.alert_id, secret="shared-secret", timestamp=int(time.time()), attempt=1),
        )
    d1 = Dispatcher([ep], on_deadletter=sink.deadletter)
    await d1.start()
    for a in alerts:
        await d1.submit(a, on_done=lambda a=a: acked.add(a.alert_id))
    await hook.wait_for(8)  # requests in flight, none answered
    await d1.close()  # the crash
    assert acked == set()  # so nothing was committed: every record is read again

    # worker 2: the uncommitted records are redelivered
    gate.set()
    async with Dispatcher([ep], on_deadletter=sink.deadletter) as d2:
        futures = [await d2.submit(a, on_done=lambda a=a: acked.add(a.alert_id)) for a in alerts]
        await asyncio.gather(*futures)
    assert acked == {a.alert_id for a in alerts}
    assert sorted(p["alert_id"] for p in receiver.alerts) == sorted(a.alert_id for a in alerts)
    assert receiver.duplicates == 4  # the four it already had, recognised by id
    assert receiver.rejected == 0


async def test_backpressure_submit_waits_when_too_much_is_pending(hooks, sink, endpoint, make_alert) -> None:
    release = asyncio.Event()

    async def stall(hook: Hook, request: web.Request) -> web.StreamResponse:
        await release.wait()
        return web.Response()

    hook = await hooks(stall)
    async with Dispatcher(
        [endpoint("tiny", hook.url, timeout_seconds=60)],
        on_deadletter=sink.deadletter,
        max_pending=3,
    ) as d:
        for i in range(3):
            await d.submit(make_alert(i))
        fourth = asyncio.ensure_future(d.submit(make_alert(3)))
        await hook.wait_for(3)
        assert not fourth.done()
        release.set()
        report = await (await fourth)
    assert report.outcomes == {"tiny": "delivered"}


async def test_jobs_queued_past_the_hold_window_are_deferred_unattempted(hooks, sink, endpoint, make_alert) -> None:
    release = asyncio.Event()

    async def stall(hook: Hook, request: web.Request) -> web.StreamResponse:
        await release.wait()
        return web.Response()

    hook = await hooks(stall)
    now = [1_000.0]
    ep = endpoint("one-at-a-time", hook.url, concurrency=1, timeout_seconds=60)
    async with Dispatcher(
        [ep],
        on_deadletter=sink.deadletter,
        on_defer=sink.defer,
        hold_seconds=30,
        clock=lambda: now[0],
    ) as d:
        futures = [await d.submit(make_alert(i)) for i in range(3)]
        await hook.wait_for(1)
        now[0] += 31  # the two queued behind the stuck request outstay the hold window
        release.set()
        reports = await asyncio.gather(*futures)
    assert [r.outcomes["one-at-a-time"] for r in reports] == ["delivered", "deferred", "deferred"]
    assert len(hook.requests) == 1
    assert [p.attempts for p in sink.deferred] == [0, 0]
    assert all(p.first_attempt_at.timestamp() == 1_000.0 for p in sink.deferred)


async def test_expired_pending_delivery_is_dead_lettered_without_a_request(hooks, sink, endpoint, alert) -> None:
    hook = await hooks()
    ep = endpoint("patient", hook.url, max_age_seconds=600)
    long_ago = alert.detected_at
    pending = PendingDelivery(
        alert=alert,
        endpoint="patient",
        attempts=0,
        first_attempt_at=long_ago,
        next_attempt_at=long_ago,
        last_error="HTTP 503: busy",
    )
    async with Dispatcher([ep], on_deadletter=sink.deadletter, on_defer=sink.defer) as d:
        report = await (await d.resume(pending))
    assert report.outcomes == {"patient": "deadlettered"}
    assert hook.requests == []
    [failed] = sink.dead
    assert failed.reason == "too_old" and failed.last_error == "HTTP 503: busy"


async def test_dead_letter_topic_away_does_not_block_the_lane_or_drop_the_alert(hooks, endpoint, make_alert) -> None:
    refused, accepted = make_alert(1), make_alert(2)

    async def picky(hook: Hook, request: web.Request) -> web.StreamResponse:
        return web.Response(status=403 if request.headers["Idempotency-Key"] == refused.alert_id else 200)

    hook = await hooks(picky)
    broker_back = asyncio.Event()
    written: list[str] = []

    async def flaky_deadletter(failed) -> None:
        if not broker_back.is_set():
            raise ConnectionError("broker unreachable")
        written.append(failed.alert.alert_id)

    acked: list[str] = []
    async with Dispatcher([endpoint("picky", hook.url, concurrency=1)], on_deadletter=flaky_deadletter) as d:
        first = await d.submit(refused, on_done=lambda: acked.append(refused.alert_id))
        second = await d.submit(accepted, on_done=lambda: acked.append(accepted.alert_id))
        assert (await second).outcomes == {"picky": "delivered"}  # the lane went on
        assert not first.done() and acked == [accepted.alert_id]  # not acked before it is recorded
        broker_back.set()
        assert (await first).outcomes == {"picky": "deadlettered"}
    assert written == [refused.alert_id]
    assert acked == [accepted.alert_id, refused.alert_id]
