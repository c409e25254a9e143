"""Rolling raw events into hourly and daily rows, and deleting old raw events (`tidings worker`).

- An hour is rolled by reading its raw events (a range scan on `at`), aggregating them per
  article, and *replacing* that hour's rows in one short transaction. Rolling it again gives the
  same rows: the result depends only on the events, never on earlier rollups.
- A day (in the site's zone) is rolled the same way from its hourly rows, after any of its hours.
- Hours stay open while events may still arrive for them: a read-end report is dated to its read
  and accepted for READ_END_TTL after it, so an hour is final once it is over by that much (plus
  a few minutes of grace for requests in flight). Each run rolls every open hour again, and the
  hours since the last run; `RollupState.final_before` remembers where the open ones begin.
- Raw events older than TIDINGS_EVENTS_KEEP_DAYS (and already final) are deleted, in chunks so
  that SQLite's write lock is never held long; hourly rows go with them except an article's first
  48 hours, which its page draws hour by hour.

Each hour and each day is a DELETE and an INSERT … SELECT per table in one transaction, the
aggregation done by the database: on SQLite the beacons wait (busy_timeout) while one hour is
aggregated, tens of milliseconds at a million events a day (docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Min
from django.utils import timezone

from tidings.articles.models import Article
from tidings.creators.models import FollowEvent
from tidings.lib.timefmt import site_zone
from tidings.stats import events
from tidings.stats.models import (
    METRICS,
    CommentMark,
    CreatorDaily,
    Daily,
    Event,
    Hourly,
    RollupState,
    SourceDaily,
    SourceHourly,
)

log = logging.getLogger(__name__)

HOUR = dt.timedelta(hours=1)
GRACE = dt.timedelta(minutes=5)
EARLY_HOURS = 48
# How often the worker's chore rolls up (it is called every minute).
EVERY = dt.timedelta(minutes=5)
# Hours rolled in one run at most, so that catching up after a long stop never holds up the
# worker's other chores (scheduled publishing) for long; the next run goes on.
MAX_HOURS_PER_RUN = 48
PRUNE_CHUNK = 5000


def slot_of(t: dt.datetime) -> dt.datetime:
    """The start (UTC) of the site-zone hour that holds t."""
    local = t.astimezone(site_zone()).replace(minute=0, second=0, microsecond=0)
    return local.astimezone(dt.UTC)


def day_of(slot: dt.datetime) -> dt.date:
    return slot.astimezone(site_zone()).date()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC start and end of a site-zone calendar day."""
    zone = site_zone()
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def final_before(now: dt.datetime) -> dt.datetime:
    """The first hour that may still change: events can arrive for it until it is over by
    READ_END_TTL + GRACE."""
    return slot_of(now - HOUR - events.READ_END_TTL - GRACE) + HOUR


# --------------------------------------------------------------------------------------------
# One hour, one day: each a DELETE and an INSERT … SELECT per table, in one transaction. The
# aggregation runs in the database; no row passes through Python (Django's bulk_create cost
# 70 % of a rollup when it did).


def _q(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _t(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _d(value: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


_COLUMNS = ", ".join(METRICS)
_ZERO = dict.fromkeys(METRICS, "0")


def _select(**exprs: str) -> str:
    """A SELECT list of every metric, zero where not given."""
    return ", ".join(f"{({**_ZERO, **exprs})[m]} AS {m}" for m in METRICS)


def _hour_sql() -> str:
    """The hour's rows per (creator, article): counted events, read-throughs (each read once, with
    the largest depth and time of all its reports, the time capped), and the creator's follows.
    Params: published after, published until, early's true and false, then (start, end) × 3."""
    event, follow, article = _q(Event), _q(FollowEvent), _q(Article)
    k = Event.Kind

    def kind(n: int) -> str:
        return f"SUM(CASE WHEN kind = {int(n)} THEN n ELSE 0 END)"

    cap = int(events.MAX_ACTIVE_SECONDS)
    parts = [
        f"SELECT creator_id, article_id, {_select(impressions=kind(k.IMPRESSION), reads=kind(k.READ), likes=kind(k.LIKE), shares=kind(k.SHARE), comments=kind(k.COMMENT))} "
        f"FROM {event} WHERE at >= %s AND at < %s AND kind IN ({k.IMPRESSION}, {k.READ}, {k.LIKE}, {k.SHARE}, {k.COMMENT}) "
        "GROUP BY creator_id, article_id",
        f"SELECT creator_id, article_id, {_select(finished=f'SUM(CASE WHEN depth >= {int(events.FINISHED_DEPTH)} THEN 1 ELSE 0 END)', timed='COUNT(*)', seconds=f'SUM(CASE WHEN seconds > {cap} THEN {cap} ELSE seconds END)')} "
        f"FROM (SELECT creator_id, article_id, ref, MAX(depth) AS depth, MAX(seconds) AS seconds FROM {event} "
        f"WHERE kind = {int(k.READ_END)} AND at >= %s AND at < %s GROUP BY creator_id, article_id, ref) AS ends "
        "GROUP BY creator_id, article_id",
        f"SELECT creator_id, 0 AS article_id, {_select(follows=f'SUM(CASE WHEN kind = {int(FollowEvent.Kind.FOLLOW)} THEN 1 ELSE 0 END)', unfollows=f'SUM(CASE WHEN kind = {int(FollowEvent.Kind.UNFOLLOW)} THEN 1 ELSE 0 END)')} "
        f"FROM {follow} WHERE at >= %s AND at < %s GROUP BY creator_id",
    ]
    return (
        f"SELECT g.creator_id, g.article_id, CASE WHEN a.published_at > %s AND a.published_at <= %s THEN %s ELSE %s END, "
        f"{', '.join('g.' + m for m in METRICS)} "
        f"FROM (SELECT u.creator_id, u.article_id, {', '.join(f'SUM(u.{m}) AS {m}' for m in METRICS)} "
        f"FROM ({' UNION ALL '.join(parts)}) AS u GROUP BY u.creator_id, u.article_id) AS g "
        f"LEFT JOIN {article} a ON a.id = g.article_id"
    )


def roll_hour(start: dt.datetime) -> int:
    """Replace one hour's rows with what its raw events say; returns how many rows it holds."""
    end = start + HOUR
    hourly, sources, event = _q(Hourly), _q(SourceHourly), _q(Event)
    window = [_t(start), _t(end)]
    # `early`: published at most EARLY_HOURS before this hour (kept for the 48-hour chart).
    early = [_t(start - dt.timedelta(hours=EARLY_HOURS)), _t(end), True, False]
    _state()  # the lock row exists before the transaction locks it
    with transaction.atomic(), connection.cursor() as cursor:
        _lock()
        cursor.execute(f"DELETE FROM {hourly} WHERE hour = %s", [_t(start)])
        cursor.execute(f"DELETE FROM {sources} WHERE hour = %s", [_t(start)])
        cursor.execute(
            f"INSERT INTO {hourly} (hour, creator_id, article_id, early, {_COLUMNS}) "
            f"SELECT %s, h.* FROM ({_hour_sql()}) AS h",
            [_t(start), *early, *window, *window, *window],
        )
        rows = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {sources} (hour, creator_id, article_id, source, host, reads) "
            f"SELECT %s, creator_id, article_id, source, host, SUM(n) FROM {event} "
            f"WHERE kind = {int(Event.Kind.READ)} AND at >= %s AND at < %s "
            "GROUP BY creator_id, article_id, source, host",
            [_t(start), *window],
        )
    return rows


def roll_day(day: dt.date) -> int:
    """Replace one day's rows (per article, per creator, by source) with the sums of its hours."""
    start, end = day_bounds(day)
    daily, creator_daily, source_daily = _q(Daily), _q(CreatorDaily), _q(SourceDaily)
    sums = ", ".join(f"SUM({m})" for m in METRICS)
    _state()
    with transaction.atomic(), connection.cursor() as cursor:
        _lock()
        for table in (daily, creator_daily, source_daily):
            cursor.execute(f"DELETE FROM {table} WHERE day = %s", [_d(day)])
        cursor.execute(
            f"INSERT INTO {daily} (day, creator_id, article_id, {_COLUMNS}) "
            f"SELECT %s, creator_id, article_id, {sums} FROM {_q(Hourly)} "
            "WHERE hour >= %s AND hour < %s GROUP BY creator_id, article_id",
            [_d(day), _t(start), _t(end)],
        )
        rows = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {creator_daily} (day, creator_id, {_COLUMNS}) "
            f"SELECT %s, creator_id, {sums} FROM {daily} WHERE day = %s GROUP BY creator_id",
            [_d(day), _d(day)],
        )
        cursor.execute(
            f"INSERT INTO {source_daily} (day, creator_id, article_id, source, host, reads) "
            f"SELECT %s, creator_id, article_id, source, host, SUM(reads) FROM {_q(SourceHourly)} "
            "WHERE hour >= %s AND hour < %s GROUP BY creator_id, article_id, source, host",
            [_d(day), _t(start), _t(end)],
        )
    return rows


def _lock() -> None:
    """Serialise writers of aggregate rows (two workers rolling the same hour would otherwise
    both insert on PostgreSQL); SQLite's IMMEDIATE transactions already do. The row is made by
    `_state()` before the transaction (get_or_create settles a race to make it)."""
    list(RollupState.objects.select_for_update().filter(pk=1).values_list("pk"))


# --------------------------------------------------------------------------------------------
# Comments: from the counter the comments app keeps


def capture_comment_deltas(state: RollupState) -> int:
    """Turn changes of Article.comments_count since the last run into COMMENT events (dated now):
    跟帖 without the comments app calling us. The first run only remembers the counts (comments
    made before statistics existed are not dated, so they are not counted). A comments app may
    call tidings.stats.events.record(Event.Kind.COMMENT, …) itself instead; then this goes.
    Returns the number of articles whose count moved."""
    article = connection.ops.quote_name(Article._meta.db_table)
    mark = connection.ops.quote_name(CommentMark._meta.db_table)
    if not state.comments_marked:
        with transaction.atomic():
            CommentMark.objects.all().delete()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {mark} (article_id, comments) SELECT id, comments_count FROM {article} "
                    "WHERE comments_count <> 0"
                )
            RollupState.objects.filter(pk=state.pk).update(comments_marked=True)
        state.comments_marked = True
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id, a.creator_id, a.comments_count, COALESCE(m.comments, 0) FROM {article} a "
            f"LEFT JOIN {mark} m ON m.article_id = a.id WHERE a.comments_count <> COALESCE(m.comments, 0)"
        )
        moved = cursor.fetchall()
    if not moved:
        return 0
    now = timezone.now()
    with transaction.atomic():
        events.append(
            events.NewEvent(Event.Kind.COMMENT, int(pk), int(creator_id), at=now, n=int(count) - int(seen))
            for pk, creator_id, count, seen in moved
        )
        CommentMark.objects.filter(article_id__in=[row[0] for row in moved]).delete()
        CommentMark.objects.bulk_create([CommentMark(article_id=row[0], comments=row[2]) for row in moved])
    return len(moved)


# --------------------------------------------------------------------------------------------
# The run


def _state() -> RollupState:
    state, _ = RollupState.objects.get_or_create(pk=1)
    return state


def first_event_slot() -> dt.datetime | None:
    firsts = [
        t
        for t in (
            Event.objects.aggregate(t=Min("at"))["t"],
            FollowEvent.objects.aggregate(t=Min("at"))["t"],
        )
        if t is not None
    ]
    return slot_of(min(firsts)) if firsts else None


def rollup(now: dt.datetime | None = None, max_hours: int = MAX_HOURS_PER_RUN) -> list[dt.datetime]:
    """Roll every hour that is still open and every hour since the last run (at most max_hours),
    then the days they fall in; returns the hours rolled."""
    now = now or timezone.now()
    state = _state()
    capture_comment_deltas(state)
    start = state.final_before or first_event_slot() or slot_of(now)
    end = slot_of(now) + HOUR
    hours: list[dt.datetime] = []
    t = start
    while t < end and len(hours) < max_hours:
        hours.append(t)
        t = slot_of(t + HOUR)
    for h in hours:
        roll_hour(h)
    for day in sorted({day_of(h) for h in hours}):
        roll_day(day)
    done_until = hours[-1] + HOUR if hours else start
    RollupState.objects.filter(pk=state.pk).update(
        final_before=max(start, min(final_before(now), done_until)), last_run=now
    )
    return hours


def roll_range(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Roll every hour in [start, end) and their days again, whatever the state says (the
    benchmark, and an operator repairing numbers). Safe at any time: rolling is idempotent."""
    _state()
    hours = []
    t = slot_of(start)
    while t < end:
        hours.append(t)
        roll_hour(t)
        t = slot_of(t + HOUR)
    for day in sorted({day_of(h) for h in hours}):
        roll_day(day)
    return hours


def prune(now: dt.datetime | None = None) -> int:
    """Delete raw events (and follow events, and hourly rows outside articles' first 48 hours)
    older than TIDINGS_EVENTS_KEEP_DAYS, never from an hour that is not final yet. Returns how
    many raw events went."""
    now = now or timezone.now()
    state = _state()
    cutoff = now - dt.timedelta(days=settings.EVENTS_KEEP_DAYS)
    if state.final_before is None:
        return 0
    cutoff = min(cutoff, state.final_before)
    deleted = _delete_in_chunks(Event.objects.filter(at__lt=cutoff))
    _delete_in_chunks(FollowEvent.objects.filter(at__lt=cutoff))
    _delete_in_chunks(Hourly.objects.filter(hour__lt=cutoff, early=False))
    _delete_in_chunks(SourceHourly.objects.filter(hour__lt=cutoff))
    return deleted


def _delete_in_chunks(qs: object) -> int:
    total = 0
    model = qs.model  # type: ignore[attr-defined]
    while True:
        ids = list(qs.order_by().values_list("pk", flat=True)[:PRUNE_CHUNK])  # type: ignore[attr-defined]
        if not ids:
            return total
        with transaction.atomic():
            total += model.objects.filter(pk__in=ids).delete()[0]


def chore() -> None:
    """`tidings worker`, every minute: every EVERY, roll up and prune."""
    state = _state()
    now = timezone.now()
    if state.last_run is not None and now - state.last_run < EVERY:
        return
    hours = rollup(now)
    pruned = prune(now)
    if pruned:
        log.info("stats: rolled %d hours, deleted %d raw events", len(hours), pruned)
