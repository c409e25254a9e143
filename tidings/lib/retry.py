"""Retrying database work through transient failures: a lock timeout or a lost connection.

SQLite answers "database is locked" when another connection holds the write lock longer than
the busy timeout; PostgreSQL reports lock timeouts, deadlocks, serialization failures and
dropped connections. None of these says the work is wrong: the same transaction, run again a
little later, succeeds. `is_transient` tells them apart from real errors, `call_with_retry` runs
a function again after a growing pause (closing the broken connection first), and `Backoff` is
the pause schedule the worker and `tidings run` share.

Run the whole transaction inside the function: a retry must never resume half of one.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import DatabaseError, InterfaceError, OperationalError, connections

log = logging.getLogger(__name__)

T = TypeVar("T")

# Lower-cased fragments of the messages SQLite and PostgreSQL (psycopg 3) give for failures that
# go away by themselves. Anything else (a missing table, a constraint) is a real error.
TRANSIENT_MESSAGES = (
    "database is locked",
    "database table is locked",
    "database schema is locked",
    "lock timeout",
    "could not obtain lock",
    "deadlock detected",
    "could not serialize access",
    "canceling statement due to lock timeout",
    "server closed the connection",
    "connection already closed",
    "connection is closed",
    "the connection is closed",
    "connection to server",
    "terminating connection",
    "consuming input failed",
    "ssl syscall error",
    "connection reset",
    "broken pipe",
)


def is_transient(exc: BaseException) -> bool:
    """True for a database error that running the same work again later can fix."""
    if isinstance(exc, InterfaceError):
        return True  # Django raises it for a connection that is already closed
    if not isinstance(exc, OperationalError | DatabaseError):
        return False
    text = " ".join(str(e) for e in (exc, exc.__cause__) if e is not None).lower()
    return any(fragment in text for fragment in TRANSIENT_MESSAGES)


class Backoff:
    """Exponential pauses with jitter: first, 2×first, 4×first … up to `cap` seconds."""

    def __init__(self, first: float = 0.5, cap: float = 30.0) -> None:
        self.first = first
        self.cap = cap
        self.failures = 0

    def next_delay(self) -> float:
        delay = min(self.cap, self.first * (2**self.failures))
        self.failures += 1
        return delay * random.uniform(0.8, 1.2)  # jitter, not cryptography

    def reset(self) -> None:
        self.failures = 0


def close_connections() -> None:
    """Drop every database connection of this thread, so the next query opens a fresh one (a
    lost connection stays broken otherwise). Never call it inside a transaction."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


def call_with_retry(
    fn: Callable[[], T],
    *,
    what: str,
    attempts: int | None = 8,
    backoff: Backoff | None = None,
    sleep: Callable[[float], object] = time.sleep,
) -> T:
    """Run `fn` (one whole transaction) until it succeeds; after a transient database error, log
    it, close the connections, wait and run it again. Other errors, and the last transient one
    once `attempts` runs have failed (None: never give up), are raised."""
    backoff = backoff or Backoff()
    tries = 0
    while True:
        tries += 1
        try:
            return fn()
        except Exception as exc:
            if not is_transient(exc) or (attempts is not None and tries >= attempts):
                raise
            delay = backoff.next_delay()
            log.warning("%s: %s (transient; try %d again in %.1f s)", what, exc, tries + 1, delay)
            close_connections()
            sleep(delay)
