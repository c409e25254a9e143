"""What `tidings worker` runs (tidings/web/management/commands/worker.py is its command line).

- Scheduled publishing that cannot silently miss: `publish_due(now)` publishes every SCHEDULED
  article whose time is at or before `now` (tidings.articles.transitions.publish_due claims each
  row with a conditional UPDATE, so two workers never publish one article twice, and writes how
  late it ran to the audit log). At start it catches up on everything overdue, then runs at every
  minute boundary, in a thread beside django-tasks' db_worker.
- The chores, so that no site needs cron: expired read claims (the database's read dedupe, used
  without Redis) and the address hashes of comments older than 30 days are deleted every minute,
  and once an hour the uploads nothing uses, after TIDINGS_MEDIA_GRACE_HOURS; every minute up to
  50 articles stored before list thumbnails existed get theirs (tidings.articles.thumbs.backfill),
  and up to 500 published before the 原创 check get their fingerprints and their declarations
  judged (tidings.articles.originality.backfill; progress in the log).
- django-tasks' queue (keywords and related lists after each publish), in the database.

A lock timeout ("database is locked" while another process holds SQLite's write lock) or a lost
connection is transient: the worker logs it, closes the connection, waits (growing pauses up to
30 s) and carries on (tidings.lib.retry). It does not exit for it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.db import close_old_connections
from django.utils import timezone

from tidings.articles import originality, thumbs, transitions
from tidings.articles.models import Article
from tidings.comments.actions import prune_address_hashes
from tidings.creator_index import compute as creator_index
from tidings.engagement.actions import prune_view_windows
from tidings.lib.retry import Backoff, call_with_retry
from tidings.stats import rollup as stats_rollup
from tidings.web.media_gc import collect_if_due

log = logging.getLogger(__name__)

CHORES: tuple[Callable[[], object], ...] = (
    prune_view_windows,
    prune_address_hashes,
    collect_if_due,
    thumbs.backfill_chore,
    # Published articles stored before the 原创 check: fingerprinted and judged, 500 a minute.
    originality.backfill_chore,
)

# Every 5 minutes: raw statistics events rolled into hourly and daily rows, old ones deleted.
CHORES += (stats_rollup.chore,)
# Once a day after TIDINGS_CREATOR_INDEX_HOUR: 创作者指数, levels and badges (tidings.creator_index).
CHORES += (creator_index.chore,)


def publish_due(now: dt.datetime) -> list[tuple[Article, dt.timedelta]]:
    """Publish what is due at `now`; returns each article published here and how late it was, and
    warns when something ran late (was the worker down?)."""
    done = transitions.publish_due(now)
    overdue = [late for _, late in done if late >= dt.timedelta(minutes=2)]
    if overdue:
        log.warning("published %d scheduled articles late (up to %s): was the worker down?", len(overdue), max(overdue))
    return done


def seconds_to_next_minute(now: dt.datetime) -> float:
    """Sleep until just after the next minute boundary, so HH:MM articles go out at HH:MM:00."""
    return 60.0 - now.second - now.microsecond / 1e6 + 0.2


def run_minutely(stop: threading.Event, report: bool = True) -> None:
    """The scheduler thread: catch up at once, then every minute until stopped."""
    while not stop.is_set():
        try:
            close_old_connections()
            for article, late in publish_due(timezone.now()):
                if report:
                    log.info("published scheduled article %s (%ss late)", article.pk, int(late.total_seconds()))
            for chore in CHORES:
                chore()
        except Exception:  # a failed round must not stop later rounds
            log.exception("scheduled publishing failed; retrying in a minute")
        finally:
            close_old_connections()
        stop.wait(seconds_to_next_minute(timezone.now()))


def run_forever() -> None:
    """The whole worker: the scheduler thread and the task queue, until stopped."""
    stop = threading.Event()
    scheduler = threading.Thread(target=run_minutely, args=(stop,), name="scheduler", daemon=True)
    scheduler.start()
    try:
        # db_worker returns only when it is told to stop; a transient error restarts it.
        call_with_retry(_run_queue, what="task queue", attempts=None, backoff=Backoff(cap=30.0))
    finally:
        stop.set()
        scheduler.join(timeout=5)


def run_once(say: Callable[[str], object]) -> None:
    """`tidings worker --batch`: publish what is due, do the chores, run what is queued. Each step
    may be run again: publishing claims each article with a conditional UPDATE."""

    def publish() -> None:
        for article, late in publish_due(timezone.now()):
            say(f"published /a/{article.pk}/ ({int(late.total_seconds())} s late)")

    call_with_retry(publish, what="scheduled publishing", attempts=None)
    for chore in CHORES:
        call_with_retry(chore, what=getattr(chore, "__name__", "chore"), attempts=None)
    if _queued_in_database():
        call_with_retry(lambda: _run_queue(batch=True), what="task queue", attempts=None)


def _run_queue(batch: bool = False) -> None:
    call_command("db_worker", queue_name="*", batch=batch, no_startup_delay=True, reload=False)


def _queued_in_database() -> bool:
    """Tasks wait in the database (production); the tests' immediate backend has no queue to run."""
    return str(settings.TASKS["default"]["BACKEND"]).endswith("DatabaseBackend")
