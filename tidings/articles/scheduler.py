"""Scheduled publishing that cannot silently miss.

`publish_due(now)` publishes every SCHEDULED article whose time is at or before `now`. Each row is
claimed with a conditional UPDATE (scheduled → published WHERE the row is still scheduled and
due), so two workers running at once never publish one article twice. Each publication is
recorded in the audit log with how late it ran; after downtime the first run catches up on
everything overdue. `tidings worker` runs it at start and then at every minute boundary.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence

from django.db import close_old_connections
from django.utils import timezone

from tidings.articles import transitions
from tidings.articles.models import Article

log = logging.getLogger(__name__)


def publish_due(now: dt.datetime) -> list[tuple[Article, dt.timedelta]]:
    """Publish what is due at `now` (transitions.publish_due); returns each article published here
    and how late it was, and warns when something ran late."""
    done = transitions.publish_due(now)
    overdue = [late for _, late in done if late >= dt.timedelta(minutes=2)]
    if overdue:
        log.warning("published %d scheduled articles late (up to %s): was the worker down?", len(overdue), max(overdue))
    return done


def seconds_to_next_minute(now: dt.datetime) -> float:
    """Sleep until just after the next minute boundary, so HH:MM articles go out at HH:MM:00."""
    return 60.0 - now.second - now.microsecond / 1e6 + 0.2


def run_forever(stop: threading.Event, report: bool = True, chores: Sequence[Callable[[], object]] = ()) -> None:
    """The scheduler loop of `tidings worker`: catch up at once, then every minute until stopped;
    `chores` are the worker's other minutely jobs (so that no site needs cron), run after it."""
    while not stop.is_set():
        try:
            close_old_connections()
            for article, late in publish_due(timezone.now()):
                if report:
                    log.info("published scheduled article %s (%ss late)", article.pk, int(late.total_seconds()))
            for chore in chores:
                chore()
        except Exception:  # a failed round must not stop later rounds
            log.exception("scheduled publishing failed; retrying in a minute")
        finally:
            close_old_connections()
        stop.wait(seconds_to_next_minute(timezone.now()))
