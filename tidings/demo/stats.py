"""Demo statistics: the rolled-up rows of 数据中心 for the demo's history, so that its creators'
data pages, charts, 阅读来源 and 创作者指数 (levels and badges) have something to show.

The demo does not invent raw events one by one (a 500-article demo has reads in the hundreds of
thousands); it writes what the rollup (tidings.stats.rollup) would have made of them, in the same
tables and with the same relations: Daily is the sum of an article's hours, CreatorDaily the sum
of a creator's Daily rows (follows on the creator's own article 0 row), SourceDaily the reads of
a day by where they came from.

- Each article's counters (阅读, 点赞, 分享, 跟帖, as the generator set them) are spread over the
  hours since it was published: most in its first day, a long tail after, fewer at night.
- 曝光 is a multiple of the reads (5–14 per read: a list item is seen more often than clicked),
  完读 a share of them that depends on the creator (15–85 %), reading time 40–280 s a read.
- Hourly rows are kept where the pages read them: an article's first 48 hours (its hour-by-hour
  chart) and today's hours (the day the worker's rollup rolls again), with today's reads by
  source. The history ends with the last whole hour before `now`; on a new site the rollup starts
  with the hour `now` falls in, so the worker rolls real events only, none skipped. (An article
  published in that last hour has its counters but no statistics yet.)
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence

from django.utils import timezone

from tidings.articles.models import Article
from tidings.creators.models import Follow
from tidings.lib.timefmt import site_zone
from tidings.stats import events
from tidings.stats.models import METRICS, CreatorDaily, Daily, Event, Hourly, RollupState, SourceDaily, SourceHourly
from tidings.stats.rollup import EARLY_HOURS, HOUR, slot_of

MAX_DAYS = 90  # the longest range a page shows
# Activity by hour of day (site zone): a night trough, the morning commute, lunch, the evening.
DAY_SHAPE = (
    0.35, 0.2, 0.12, 0.08, 0.08, 0.15, 0.45, 0.9, 1.3, 1.1, 1.0, 1.1,
    1.4, 1.2, 0.9, 0.9, 0.95, 1.05, 1.2, 1.35, 1.5, 1.55, 1.2, 0.7,
)  # fmt: skip
# Where reads come from: (source key, weight); 站外 reads name a referring host.
SOURCES = (("feed", 34), ("home", 8), ("hot", 14), ("channel", 12), ("search", 9), ("related", 9), ("topic", 4),
           ("creator", 3), ("external", 4), ("direct", 3))  # fmt: skip
HOSTS = ("weibo.com", "mp.weixin.qq.com", "www.zhihu.com", "www.baidu.com")
BATCH = 2000


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """`total` in whole parts proportional to `weights` (largest remainders): the parts add up."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    parts = [int(x) for x in exact]
    for i in sorted(range(len(exact)), key=lambda i: parts[i] - exact[i])[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _hour_weights(first: dt.datetime, hours: int) -> list[float]:
    zone = site_zone()
    return [DAY_SHAPE[(first + HOUR * h).astimezone(zone).hour] / (1 + h / 8) ** 1.6 + 0.002 for h in range(hours)]


def write(rng: random.Random, now: dt.datetime, article_ids: Sequence[int]) -> int:
    """Write the demo articles' statistics (and their creators' follows by day) up to `now`;
    returns the number of rows written."""
    zone = site_zone()
    today = now.astimezone(zone).date()
    start_today = slot_of(dt.datetime.combine(today, dt.time(), tzinfo=zone))
    # Up to the last whole hour before `now` (never past the real time): the hour `now` falls in
    # is the rollup's, from real events.
    current = slot_of(min(now, timezone.now()))
    last = current - HOUR
    earliest = last - dt.timedelta(days=MAX_DAYS)
    hourly: list[Hourly] = []
    source_hourly: list[SourceHourly] = []
    daily: dict[tuple[int, int, dt.date], dict[str, int]] = {}
    by_source: dict[tuple[int, int, dt.date, int, str], int] = defaultdict(int)
    keys = [events.BY_KEY[k].code for k, _ in SOURCES]
    holding: dict[int, float] = {}

    articles = (
        Article.objects.filter(pk__in=article_ids, published_at__isnull=False)
        .order_by("pk")
        .values_list("pk", "creator_id", "published_at", "views_count", "likes_count", "shares_count", "comments_count")
    )
    for pk, creator_id, published_at, views, likes, shares, comments in articles:
        assert published_at is not None  # filtered above
        first = max(slot_of(published_at), earliest)
        n = int((last - first) / HOUR) + 1
        if n <= 0:
            continue
        weights = _hour_weights(first, n)
        # How well a creator's pieces hold readers: some are read to the end far more than others.
        hold = holding.setdefault(creator_id, rng.triangular(0.15, 0.85, 0.45))
        finish = min(0.95, max(0.05, hold + rng.uniform(-0.08, 0.08)))
        seen_per_read, secs = rng.uniform(5, 14), rng.uniform(40, 120) + 160 * hold
        mix = [w * rng.uniform(0.5, 1.5) for _, w in SOURCES]
        host = rng.choice(HOSTS)
        split = {k: _split(v, weights) for k, v in (("reads", views), ("likes", likes), ("shares", shares),
                                                  ("comments", comments))}  # fmt: skip
        for h in range(n):
            reads = split["reads"][h]
            row = {
                "impressions": round(reads * seen_per_read),
                "reads": reads,
                "finished": round(reads * finish),
                "timed": round(reads * 0.9),
                "seconds": round(reads * 0.9 * secs),
                "likes": split["likes"][h],
                "shares": split["shares"][h],
                "comments": split["comments"][h],
            }
            if not any(row.values()):
                continue
            slot = first + HOUR * h
            day = slot.astimezone(zone).date()
            sums = daily.setdefault((creator_id, pk, day), dict.fromkeys(METRICS, 0))
            for k, v in row.items():
                sums[k] += v
            parts = _split(reads, mix)
            for code, got in zip(keys, parts, strict=True):
                if got:
                    by_source[(creator_id, pk, day, code, host if code == events.EXTERNAL else "")] += got
            early = slot < published_at + dt.timedelta(hours=EARLY_HOURS)
            if early or slot >= start_today:
                hourly.append(Hourly(hour=slot, creator_id=creator_id, article_id=pk, early=early, **row))
            if slot >= start_today:
                source_hourly += [
                    SourceHourly(hour=slot, creator_id=creator_id, article_id=pk, source=code, reads=got,
                                 host=host if code == events.EXTERNAL else "")
                    for code, got in zip(keys, parts, strict=True) if got
                ]  # fmt: skip

    # 新增粉丝 and 取关 on the creators' own rows (article 0): the follows as they were dated, and a
    # few readers who followed and left again.
    follows: dict[tuple[int, dt.datetime], int] = defaultdict(int)
    # This run's creators only (a demo may be added to a site that has one already).
    creators = {creator_id for _pk, creator_id, *_ in articles}
    for creator_id, when in Follow.objects.filter(
        creator_id__in=creators, created_at__gte=earliest, created_at__lt=current
    ).values_list("creator_id", "created_at"):
        follows[(creator_id, slot_of(when))] += 1
    for (creator_id, slot), n in sorted(follows.items()):
        gone = sum(rng.random() < 0.08 for _ in range(n))
        day = slot.astimezone(zone).date()
        sums = daily.setdefault((creator_id, 0, day), dict.fromkeys(METRICS, 0))
        sums["follows"] += n + gone
        sums["unfollows"] += gone
        if slot >= start_today:
            hourly.append(Hourly(hour=slot, creator_id=creator_id, article_id=0, follows=n + gone, unfollows=gone))

    per_creator: dict[tuple[int, dt.date], dict[str, int]] = {}
    for (creator_id, _pk, day), sums in daily.items():
        total = per_creator.setdefault((creator_id, day), dict.fromkeys(METRICS, 0))
        for k, v in sums.items():
            total[k] += v
    Hourly.objects.bulk_create(hourly, batch_size=BATCH)
    SourceHourly.objects.bulk_create(source_hourly, batch_size=BATCH)
    Daily.objects.bulk_create(
        [Daily(creator_id=c, article_id=a, day=d, **s) for (c, a, d), s in daily.items()], batch_size=BATCH
    )
    CreatorDaily.objects.bulk_create(
        [CreatorDaily(creator_id=c, day=d, **s) for (c, d), s in per_creator.items()], batch_size=BATCH
    )
    SourceDaily.objects.bulk_create(
        [SourceDaily(creator_id=c, article_id=a, day=d, source=s, host=h, reads=n) for (c, a, d, s, h), n in by_source.items()],
        batch_size=BATCH,
    )  # fmt: skip
    # On a new site the worker's rollup starts at the demo's current hour: it rolls real events
    # only, and today again from the hours above plus those. A site whose rollup has run, or
    # that has raw events to roll, keeps its own place (real events are never skipped; days it
    # rolls again are then its events' alone).
    state, _ = RollupState.objects.get_or_create(pk=1)
    if state.final_before is None and not Event.objects.exists():
        RollupState.objects.filter(pk=1).update(final_before=current)
    return len(hourly) + len(source_hourly) + len(daily) + len(per_creator) + len(by_source)
