"""Extract agent: ``articles`` → ``claims.observed`` (key = claim_key), bad input → dead letter.

Extraction is CPU-bound (spaCy), so batches run in a worker thread: the event
loop stays free for Kafka heartbeats and the web server, and a 1 MB article does
not get the worker thrown out of its consumer group.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from schemas import Article, ClaimObserved
from schemas.codec import decode, dumps
from streams import deadletter, metrics
from streams.consensus.evidence import presence_evidence

if TYPE_CHECKING:
    from streams.app import Context
    from streams.extraction import Extractor

log = logging.getLogger(__name__)

BATCH_SIZE = 16
#: A header on every claim this agent sends: the presence a claim implies is already on
#: ``claims.observed`` (this agent sends it right behind the article's own claims), so the
#: consensus agent does not derive it again. Claims from other producers have no such
#: header, and the consensus agent derives their presence as it applies them.
EVIDENCE_HEADER = "claimwatch-evidence"
EVIDENCE_SENT = {EVIDENCE_HEADER: b"sent"}
BATCH_WITHIN_SECONDS = 0.05


def parse_article(raw: Any) -> Article:
    """Decode one ``articles`` record; raises ``ValueError`` with a readable reason."""
    if raw is None:
        raise ValueError("invalid JSON: empty record")
    try:
        return decode(raw, Article)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'article'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ValueError(f"invalid Article: {problems}") from exc


def register(ctx: Context) -> None:
    """Add the extract agent to the app."""
    app, topics = ctx.app, ctx.topics
    for reason in deadletter.ARTICLE_REASONS:  # the series exist from start (DESIGN.md)
        metrics.ARTICLES_DEADLETTERED.labels(reason)
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")
    holder: dict[str, Extractor] = {}

    def extractor() -> Extractor:
        if "x" not in holder:
            from streams.extraction import Extractor

            holder["x"] = Extractor()
        return holder["x"]

    def run_batch(articles: list[Article]) -> list[tuple[Article, Any]]:
        started = time.perf_counter()
        out = list(extractor().extract_many(articles))
        # per event, as the metric says: spaCy parses a batch at once, so each article
        # is given its share of the batch's time
        share = (time.perf_counter() - started) / max(1, len(articles))
        for _ in articles:
            metrics.PROCESSING_SECONDS.labels("extract").observe(share)
        return out

    async def dead_letter(reason: str, message: str, *, raw: Any, **where: Any) -> None:
        metrics.ARTICLES_DEADLETTERED.labels(reason).inc()
        log.warning("article dead-lettered (%s): %s", reason, message)
        rec = deadletter.record(
            reason=reason, message=message, raw=raw, topic=topics.articles.get_topic_name(), **where
        )
        await deadletter.send(topics.articles_deadletter, rec)

    async def publish(claim: ClaimObserved, ingested_at: float | None) -> None:
        """Send a claim; ``ingested_at`` is its article record's Kafka timestamp (seconds)."""
        await topics.claims.send(key=claim.claim_key.encode(), value=dumps(claim), headers=EVIDENCE_SENT)
        metrics.CLAIMS_OBSERVED.labels(claim.measure).inc()
        metrics.observe_span("article_to_claim", ingested_at, time.time())

    @app.agent(topics.articles, name="claimwatch.extract")
    async def extract_agent(stream: Any) -> None:
        from streams.extraction import RejectedArticle

        loop = asyncio.get_running_loop()
        await loop.run_in_executor(executor, extractor)  # load spaCy off the loop, once
        async for batch in stream.take_events(BATCH_SIZE, within=BATCH_WITHIN_SECONDS):
            good: list[Article] = []
            origin: dict[int, dict[str, Any]] = {}  # id(article) → where it came from, for dead letters
            ingested: dict[int, float | None] = {}  # id(article) → its record's timestamp (processing time)
            for event in batch:
                metrics.ARTICLES_CONSUMED.inc()
                raw, msg = event.value, event.message
                where = {"raw": raw, "partition": msg.partition, "offset": msg.offset, "key": msg.key}
                ts = metrics.record_seconds(msg.timestamp)
                try:
                    article = parse_article(raw)
                except ValueError as exc:
                    await dead_letter(deadletter.reason_for_validation_error(exc), str(exc), **where)
                    continue
                good.append(article)
                origin[id(article)] = where
                ingested[id(article)] = ts
            if not good:
                continue
            try:
                results = await loop.run_in_executor(executor, run_batch, good)
            except Exception:
                log.exception("extraction failed for a batch; retrying its articles one by one")
                results = []
                for article in good:
                    try:
                        results.extend(await loop.run_in_executor(executor, run_batch, [article]))
                    except Exception as exc:
                        results.append((article, exc))
            for article, result in results:
                if isinstance(result, RejectedArticle):
                    await dead_letter(result.reason, result.message, article_id=article.id, **origin[id(article)])
                elif isinstance(result, Exception):
                    message = f"{type(result).__name__}: {result}"
                    await dead_letter("extraction_error", message, article_id=article.id, **origin[id(article)])
                else:
                    for claim in result:
                        await publish(claim, ingested.get(id(article)))
                    # then the presence the article's counts imply, in the order of their claims:
                    # one producer, after the article's own claims, so every partition holds them
                    # in the order `claimwatch replay` applies them (README, "Live and offline")
                    for claim in result:
                        for derived in presence_evidence(claim):
                            await publish(derived.model(), ingested.get(id(article)))
