"""Why an article yields no extraction at all (the dead-letter reasons).

An article that cannot be read (empty, not English, absurdly long) is not the
same outcome as an article that was read and contained no claim: the first goes
to ``articles.deadletter`` with a short reason code (a Prometheus label), the
second simply produces no events.
"""

from __future__ import annotations


class RejectedArticle(Exception):
    """Raised by ``Extractor.extract`` (yielded by ``extract_many``) for unreadable input.

    ``reason`` is a short snake_case code, bounded in number so that it can be
    a metric label: ``empty_text``, ``not_english``, ``too_long``.
    ``message`` is a sentence a person can read.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message

    def __reduce__(self) -> tuple[type[RejectedArticle], tuple[str, str]]:
        return (RejectedArticle, (self.reason, self.message))


EMPTY_TEXT = "empty_text"
NOT_ENGLISH = "not_english"
TOO_LONG = "too_long"
REASONS = (EMPTY_TEXT, NOT_ENGLISH, TOO_LONG)
