"""The ``claimwatch`` command: demo, worker, produce, extract, replay.

``extract`` and ``replay`` run the same pure core as the agents, without Kafka,
so a file of articles or claims can be processed, diffed and benchmarked
offline exactly as the stream would process it.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any

from pydantic import ValidationError

from schemas import Article
from schemas.codec import decode, dumps

log = logging.getLogger("claimwatch")


def read_lines(path: str) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` for every non-blank line of a file or ``-`` (stdin)."""
    stream: IO[str] = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    try:
        for lineno, line in enumerate(stream, 1):
            if line.strip():
                yield lineno, line
    finally:
        if stream is not sys.stdin:
            stream.close()


class BadLines:
    """Reports bad input lines on stderr and remembers whether there were any."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.count = 0

    def report(self, lineno: int, problem: str) -> None:
        self.count += 1
        print(f"line {lineno}: bad {self.what}: {problem}", file=sys.stderr)

    def parse(self, lines: Iterable[tuple[int, str]], model: type[Any]) -> Iterator[tuple[int, Any]]:
        for lineno, line in lines:
            try:
                yield lineno, decode(line, model)
            except (ValueError, ValidationError) as exc:
                self.report(lineno, _one_line(exc))

    @property
    def status(self) -> int:
        return 1 if self.count else 0


def _one_line(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'object'}: {e['msg']}" for e in exc.errors()
        )
    return str(exc).splitlines()[0]


def _write(out: IO[bytes], obj: Any) -> None:
    out.write(dumps(obj))
    out.write(b"\n")


def cmd_extract(args: argparse.Namespace) -> int:
    from streams.extraction import Extractor, RejectedArticle

    bad = BadLines("article")
    parsed = list(bad.parse(read_lines(args.file), Article))
    line_of = {id(a): n for n, a in parsed}
    extractor = Extractor()
    out = sys.stdout.buffer
    for article, result in extractor.extract_many([a for _, a in parsed]):
        if isinstance(result, RejectedArticle):
            print(
                f"line {line_of[id(article)]}: article {article.id!r} rejected ({result.reason}): "
                f"{result.message}",
                file=sys.stderr,
            )
            continue
        for claim in result:
            _write(out, claim)
    out.flush()
    return bad.status


def cmd_replay(args: argparse.Namespace) -> int:
    from streams.configured import build_engine
    from streams.replay import Replayer

    bad = BadLines("ClaimObserved")
    replayer = Replayer(build_engine())
    out = sys.stdout.buffer
    lines = read_lines(args.file)

    def report(lineno: int, exc: ValueError) -> None:
        bad.report(lineno, _one_line(exc))

    # lines are validated as ClaimObserved but read into light records, and the
    # outputs are the bytes dumps() would give, without building the models
    if args.final:
        replayer.consume_lines(lines, report)  # states only: nothing is published until the end
        outputs: Iterable[bytes] = replayer.final_wire()
    else:
        # every change as it happens, then what settling on all that was learned moves
        outputs = itertools.chain(replayer.feed_lines(lines, report), replayer.settle_wire())
    write_lines(out, outputs)
    return bad.status


def write_lines(out: IO[bytes], lines: Iterable[bytes], per_write: int = 256) -> None:
    """Each line and a newline, ``per_write`` lines to a write.

    With ``PYTHONUNBUFFERED`` (the Docker image sets it) ``sys.stdout.buffer`` is
    the raw file: a write per line and one per newline were two system calls per
    output. A raw file may also take part of a write, so what is left is written again.
    """
    chunk: list[bytes] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= per_write:
            chunk.append(b"")
            _write_all(out, b"\n".join(chunk))
            chunk = []
    if chunk:
        chunk.append(b"")
        _write_all(out, b"\n".join(chunk))
    out.flush()


def _write_all(out: IO[bytes], data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = out.write(view)
        view = view[len(view) if n is None else n:]


def cmd_produce(args: argparse.Namespace) -> int:
    from schemas.codec import kafka_headers
    from streams.kafka_io import send_all
    from streams.topics import ARTICLES

    bad = BadLines("article")
    records: list[tuple[bytes | None, bytes]] = []
    if args.raw:
        records = [(None, line.rstrip("\n").encode()) for _, line in read_lines(args.file)]
    else:
        for _, article in bad.parse(read_lines(args.file), Article):
            records.append((article.id.encode(), dumps(article)))
    from streams.config import Settings

    servers = Settings().kafka_bootstrap_servers.strip()
    if not servers:
        print(
            "KAFKA_BOOTSTRAP_SERVERS is unset: set it to the cluster a worker runs against "
            "(the embedded broker keeps no data after it stops, so produce cannot start one)",
            file=sys.stderr,
        )
        return 2
    headers = None if args.raw else kafka_headers("Article")  # raw lines are whatever they are
    n = asyncio.run(send_all(servers, args.topic or ARTICLES, records, headers=headers))
    print(f"produced {n} article(s) to {args.topic or ARTICLES}", file=sys.stderr)
    return bad.status


def cmd_worker(args: argparse.Namespace) -> int:
    from streams.worker import run_worker

    return run_worker(loglevel=args.loglevel)


def cmd_demo(args: argparse.Namespace) -> int:
    from streams.demo import run_demo

    return run_demo(once=args.once, articles=args.articles, timeout=args.timeout)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="claimwatch", description=__doc__.splitlines()[0] if __doc__ else None)
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("demo", help="run the sample articles through a live pipeline on the embedded broker")
    d.add_argument("--once", action="store_true", help="exit once the samples have flowed")
    d.add_argument("--articles", default=None, help="Article JSON lines to feed (default: bundled samples)")
    d.add_argument("--timeout", type=float, default=180.0, help="--once: give up after this many seconds")
    d.set_defaults(func=cmd_demo)

    w = sub.add_parser("worker", help="run a worker (embedded broker when KAFKA_BOOTSTRAP_SERVERS is unset)")
    w.add_argument("--loglevel", default=None, help="log level (default: CLAIMWATCH_LOG_LEVEL, info)")
    w.set_defaults(func=cmd_worker)

    pr = sub.add_parser("produce", help="publish Article JSON lines to the articles topic")
    pr.add_argument("file", help="Article JSON lines, or - for stdin")
    pr.add_argument("--topic", default=None, help="topic to publish to (default: articles)")
    pr.add_argument("--raw", action="store_true", help="send lines as they are, unvalidated")
    pr.set_defaults(func=cmd_produce)

    e = sub.add_parser("extract", help="Article JSON lines in, ClaimObserved JSON lines out (no Kafka)")
    e.add_argument("file", nargs="?", default="-")
    e.set_defaults(func=cmd_extract)

    r = sub.add_parser("replay", help="ClaimObserved JSON lines in, consensus and alerts out (no Kafka)")
    r.add_argument("file", nargs="?", default="-")
    r.add_argument("--final", action="store_true", help="only the last ConsensusUpdated of each claim")
    r.set_defaults(func=cmd_replay)
    return p


def main(argv: list[str] | None = None) -> int:
    from streams.config import Settings

    args = build_parser().parse_args(argv)
    level = getattr(args, "loglevel", None) or Settings().log_level
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
