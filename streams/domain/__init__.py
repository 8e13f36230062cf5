"""The shared domain layer of the core: what a statement, a claim's state and a
published consensus are, hedge intervals, and the engine's settings.

Both :mod:`streams.consensus` (which keeps the consensus) and
:mod:`streams.contradiction` (which judges a statement against it) speak this
vocabulary; it imports neither of them. The layers are one-way, and the
import-linter contract in ``pyproject.toml`` (``lint-imports``, run by
``make lint`` and ``make test``) keeps them so::

    streams.consensus  →  streams.contradiction  →  streams.domain
                      ↘                          ↘
                                streams.geo  (the gazetteer)
"""
