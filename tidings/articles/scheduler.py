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

from django.db import close_old_connections, transaction
from django.utils import timezone

from tidings import audit
from tidings.articles.actions import save_article
from tidings.articles.models import Article

log = logging.getLogger(__name__)


def publish_due(now: dt.datetime) -> list[tuple[Article, dt.timedelta]]:
    """Publish what is due at `now`; returns each article published here and how late it was."""
    done: list[tuple[Article, dt.timedelta]] = []
    due = list(Article.objects.scheduled_due(now).order_by("published_at", "pk").values_list("pk", "published_at"))
    for pk, at in due:
        assert at is not None  # scheduled_due filters on published_at <= now
        with transaction.atomic():
            claimed = Article.objects.scheduled_due(now).filter(pk=pk).update(status=Article.Status.PUBLISHED)
            if not claimed:
                continue  # another worker got there first, or the creator withdrew it meanwhile
            article = Article.objects.select_related("creator", "channel").get(pk=pk)
            save_article(article)  # renders, scores, recounts, refresh_derived, invalidates caches
            late = max(dt.timedelta(0), now - at)
            audit.record(
                None,
                "article.publish_scheduled",
                article,
                scheduled_for=at.isoformat(),
                published=now.isoformat(),
                late_seconds=int(late.total_seconds()),
            )
        done.append((article, late))
    overdue = [late for _, late in done if late >= dt.timedelta(minutes=2)]
    if overdue:
        log.warning("published %d scheduled articles late (up to %s): was the worker down?", len(overdue), max(overdue))
    return done


def seconds_to_next_minute(now: dt.datetime) -> float:
    """Sleep until just after the next minute boundary, so HH:MM articles go out at HH:MM:00."""
    return 60.0 - now.second - now.microsecond / 1e6 + 0.2


def housekeeping() -> None:
    """The worker's other minutely chores, so that no site needs cron: expired read claims
    (the database's read dedupe, used without Redis) are deleted, and once an hour unused media."""
    from tidings.engagement.actions import prune_view_windows
    from tidings.web.media_gc import collect_if_due

    prune_view_windows()
    collect_if_due()  # hourly: uploads nothing uses, after TIDINGS_MEDIA_GRACE_HOURS


def run_forever(stop: threading.Event, report: bool = True) -> None:
    """The scheduler loop of `tidings worker`: catch up at once, then every minute until stopped."""
    while not stop.is_set():
        try:
            close_old_connections()
            for article, late in publish_due(timezone.now()):
                if report:
                    log.info("published scheduled article %s (%ss late)", article.pk, int(late.total_seconds()))
            housekeeping()
        except Exception:  # a failed round must not stop later rounds
            log.exception("scheduled publishing failed; retrying in a minute")
        finally:
            close_old_connections()
        stop.wait(seconds_to_next_minute(timezone.now()))
