"""Request rules every front end and the service share: message length, thread ids, feedback scores.

The API, the UI, the CLI and the conversation service check input with these, so a message, a thread
id or a score is accepted or refused the same way (and with the same status code) everywhere."""

from __future__ import annotations

import re

THREAD_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,128}$"
THREAD_ID = re.compile(THREAD_ID_PATTERN)
THREAD_ID_MAX = 128
THREAD_ID_RULE = "thread_id must be 1-128 characters of letters, digits, '_', '-', '.', ':'"
FEEDBACK_MIN, FEEDBACK_MAX = -1, 1  # thumbs down, neutral, thumbs up


class InputRejected(ValueError):
    """Input a rule refuses; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def check_message(message: object, limit: int) -> str:
    """The message stripped; InputRejected 422 when blank (or not text), 413 when longer than ``limit``."""
    if not isinstance(message, str) or not message.strip():
        raise InputRejected("the message is empty")
    if len(message) > limit:
        raise InputRejected(f"the message has {len(message)} characters; the limit is {limit}", 413)
    return message.strip()


def valid_thread_id(thread_id: object) -> bool:
    return isinstance(thread_id, str) and bool(THREAD_ID.match(thread_id))


def check_thread_id(thread_id: str | None) -> None:
    """InputRejected 422 unless ``thread_id`` is None or follows the thread id rule."""
    if thread_id is not None and not valid_thread_id(thread_id):
        raise InputRejected(THREAD_ID_RULE)


def check_feedback_score(score: object) -> None:
    """InputRejected 422 unless ``score`` is an integer from FEEDBACK_MIN to FEEDBACK_MAX."""
    if isinstance(score, bool) or not isinstance(score, int) or not FEEDBACK_MIN <= score <= FEEDBACK_MAX:
        raise InputRejected(f"score must be an integer from {FEEDBACK_MIN} to {FEEDBACK_MAX} "
                            "(-1 thumbs down, 0 neutral, 1 thumbs up)")
