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

Reading is done before the writing transaction opens, so on SQLite the beacons wait at most for
the DELETE and INSERT of one hour's rows.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Min, Q, Sum, When
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

Key = tuple[int, int]  # (creator_id, article_id)


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
# One hour


def _sum_kind(kind: int) -> Sum:
    return Sum(Case(When(kind=kind, then="n"), default=0, output_field=IntegerField()))


def hour_figures(start: dt.datetime) -> tuple[dict[Key, dict[str, int]], list[SourceHourly]]:
    """An hour's figures per (creator, article) and its reads by source, from the raw events."""
    end = start + HOUR
    figures: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    kind = Event.Kind
    in_hour = Event.objects.filter(at__gte=start, at__lt=end)
    counts = (
        in_hour.filter(kind__in=[kind.IMPRESSION, kind.READ, kind.LIKE, kind.SHARE, kind.COMMENT])
        .order_by()
        .values_list("creator_id", "article_id")
        .annotate(
            i=_sum_kind(kind.IMPRESSION),
            r=_sum_kind(kind.READ),
            l=_sum_kind(kind.LIKE),
            s=_sum_kind(kind.SHARE),
            c=_sum_kind(kind.COMMENT),
        )
    )
    for creator_id, article_id, impressions, reads, likes, shares, comments in counts:
        f = figures[(creator_id, article_id)]
        f.update(impressions=impressions, reads=reads, likes=likes, shares=shares, comments=comments)
    for (creator_id, article_id), (timed, finished, seconds) in _read_ends(start, end).items():
        f = figures[(creator_id, article_id)]
        f.update(timed=timed, finished=finished, seconds=seconds)
    follows = (
        FollowEvent.objects.filter(at__gte=start, at__lt=end)
        .order_by()
        .values_list("creator_id")
        .annotate(
            f=Count("id", filter=Q(kind=FollowEvent.Kind.FOLLOW)),
            u=Count("id", filter=Q(kind=FollowEvent.Kind.UNFOLLOW)),
        )
    )
    for creator_id, followed, unfollowed in follows:
        figures[(creator_id, 0)].update(follows=followed, unfollows=unfollowed)
    sources = [
        SourceHourly(hour=start, creator_id=c, article_id=a, source=s, host=h, reads=n)
        for c, a, s, h, n in in_hour.filter(kind=kind.READ)
        .order_by()
        .values_list("creator_id", "article_id", "source", "host")
        .annotate(total=Sum("n"))
    ]
    return dict(figures), sources


def _read_ends(start: dt.datetime, end: dt.datetime) -> dict[Key, tuple[int, int, int]]:
    """Per article: reads that reported (timed), reached the end (finished), and their active
    seconds. Each read counts once, with its largest depth and time over all its reports."""
    table = connection.ops.quote_name(Event._meta.db_table)
    sql = f"""
        SELECT creator_id, article_id, COUNT(*),
               SUM(CASE WHEN depth >= %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN seconds > %s THEN %s ELSE seconds END)
        FROM (SELECT creator_id, article_id, ref, MAX(depth) AS depth, MAX(seconds) AS seconds
              FROM {table} WHERE kind = %s AND at >= %s AND at < %s
              GROUP BY creator_id, article_id, ref) AS ends
        GROUP BY creator_id, article_id
    """
    cap = events.MAX_ACTIVE_SECONDS
    params = [
        events.FINISHED_DEPTH,
        cap,
        cap,
        int(Event.Kind.READ_END),
        connection.ops.adapt_datetimefield_value(start),
        connection.ops.adapt_datetimefield_value(end),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(int(c), int(a)): (int(t), int(f or 0), int(s or 0)) for c, a, t, f, s in cursor.fetchall()}


def _early_articles(article_ids: Iterable[int], start: dt.datetime) -> set[int]:
    """Which of these articles were published at most EARLY_HOURS before this hour."""
    ids = [a for a in article_ids if a]
    early: set[int] = set()
    for i in range(0, len(ids), 5000):
        early.update(
            Article.objects.filter(
                pk__in=ids[i : i + 5000],
                published_at__gt=start - dt.timedelta(hours=EARLY_HOURS),
                published_at__lte=start + HOUR,
            ).values_list("pk", flat=True)
        )
    return early


def roll_hour(start: dt.datetime) -> int:
    """Replace one hour's rows with what its raw events say; returns how many rows it holds."""
    figures, sources = hour_figures(start)
    early = _early_articles((a for _, a in figures), start)
    rows = [
        Hourly(hour=start, creator_id=c, article_id=a, early=a in early, **f)
        for (c, a), f in figures.items()
        if any(f.values())
    ]
    _state()  # the lock row exists before the transaction locks it
    with transaction.atomic():
        _lock()
        Hourly.objects.filter(hour=start).delete()
        SourceHourly.objects.filter(hour=start).delete()
        Hourly.objects.bulk_create(rows, batch_size=2000)
        SourceHourly.objects.bulk_create(sources, batch_size=2000)
    return len(rows)


# --------------------------------------------------------------------------------------------
# One day


def roll_day(day: dt.date) -> int:
    """Replace one day's rows (per article, per creator, by source) with the sums of its hours."""
    start, end = day_bounds(day)
    sums = {f"sum_{m}": Sum(m) for m in METRICS}
    per_article = list(
        Hourly.objects.filter(hour__gte=start, hour__lt=end)
        .order_by()
        .values_list("creator_id", "article_id")
        .annotate(**sums)
    )
    rows: list[Daily] = []
    per_creator: dict[int, list[int]] = {}
    for creator_id, article_id, *values in per_article:
        rows.append(
            Daily(day=day, creator_id=creator_id, article_id=article_id, **dict(zip(METRICS, values, strict=True)))
        )
        total = per_creator.setdefault(creator_id, [0] * len(METRICS))
        for i, v in enumerate(values):
            total[i] += v
    creators = [
        CreatorDaily(day=day, creator_id=c, **dict(zip(METRICS, values, strict=True)))
        for c, values in per_creator.items()
    ]
    sources = [
        SourceDaily(day=day, creator_id=c, article_id=a, source=s, host=h, reads=n)
        for c, a, s, h, n in SourceHourly.objects.filter(hour__gte=start, hour__lt=end)
        .order_by()
        .values_list("creator_id", "article_id", "source", "host")
        .annotate(total=Sum("reads"))
    ]
    _state()
    with transaction.atomic():
        _lock()
        Daily.objects.filter(day=day).delete()
        CreatorDaily.objects.filter(day=day).delete()
        SourceDaily.objects.filter(day=day).delete()
        Daily.objects.bulk_create(rows, batch_size=2000)
        CreatorDaily.objects.bulk_create(creators, batch_size=2000)
        SourceDaily.objects.bulk_create(sources, batch_size=2000)
    return len(rows)


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
