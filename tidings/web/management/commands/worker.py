"""`tidings worker`: the background worker (django-tasks database backend) and the scheduler.

At start it publishes every scheduled article that is overdue (catch-up after downtime, each
with its lateness in the audit log), then keeps doing so at every minute boundary in a thread
beside django-tasks' db_worker. `--batch` publishes what is due, runs what is queued, and exits.

A lock timeout ("database is locked" while another process holds SQLite's write lock) or a lost
connection is transient: the worker logs it, closes the connection, waits (growing pauses up to
30 s) and carries on. It does not exit for it (tidings.lib.retry).
"""

from __future__ import annotations

import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from tidings.articles.scheduler import publish_due, run_forever
from tidings.engagement.actions import prune_view_windows
from tidings.lib.retry import Backoff, call_with_retry
from tidings.web.media_gc import collect_if_due

# The worker's other minutely jobs, so that no site needs cron: expired read claims (the
# database's read dedupe, used without Redis) are deleted, and once an hour the uploads nothing
# uses, after TIDINGS_MEDIA_GRACE_HOURS.
CHORES = (prune_view_windows, collect_if_due)


class Command(BaseCommand):
    help = "Run the background worker: scheduled publishing, and tasks enqueued by publishing and editing."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Publish what is due, run what is queued, then exit.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["batch"]:
            self.batch()
            return
        stop = threading.Event()
        scheduler = threading.Thread(target=run_forever, args=(stop, True, CHORES), name="scheduler", daemon=True)
        scheduler.start()
        try:
            # db_worker returns only when it is told to stop; a transient error restarts it.
            call_with_retry(_run_queue, what="task queue", attempts=None, backoff=Backoff(cap=30.0))
        finally:
            stop.set()
            scheduler.join(timeout=5)

    def batch(self) -> None:
        def publish() -> None:
            for article, late in publish_due(timezone.now()):
                self.stdout.write(f"published /a/{article.pk}/ ({int(late.total_seconds())} s late)")

        # Each step may be run again: publishing claims each article with a conditional UPDATE.
        call_with_retry(publish, what="scheduled publishing", attempts=None)
        for chore in CHORES:
            call_with_retry(chore, what=chore.__name__, attempts=None)
        if _queued_in_database():
            call_with_retry(lambda: _run_queue(batch=True), what="task queue", attempts=None)


def _run_queue(batch: bool = False) -> None:
    call_command("db_worker", queue_name="*", batch=batch, no_startup_delay=True, reload=False)


def _queued_in_database() -> bool:
    """Tasks wait in the database (production); the tests' immediate backend has no queue to run."""
    return str(settings.TASKS["default"]["BACKEND"]).endswith("DatabaseBackend")
