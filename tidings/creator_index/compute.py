"""The nightly 创作者指数: five dimensions of 0–200 each over the 180 days before the day, summed
to 0–1000, and the level and incentive badge that follow (docs/ranking.md "创作者指数" has the
formula and a worked example).

Cost: a fixed number of aggregate queries per run, whatever the number of creators (articles per
creator, articles per creator and channel, take-downs, the rolled-up statistics, upheld reports of
articles and of comments, the creators, the thresholds), then one bulk write of the day's
snapshots and one UPDATE per (level, badge) that changed. No query per creator.

Idempotent: a run computes from stored facts only and replaces the day's snapshots, so running it
twice the same day writes the same rows; the nightly chore runs once a day after
TIDINGS_CREATOR_INDEX_HOUR (site time).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import statistics
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from tidings.articles.models import Article
from tidings.creator_index.models import BADGE_OF_LEVEL, IndexRun, IndexSettings, Snapshot
from tidings.creators.models import Creator
from tidings.lib import sitecache
from tidings.lib.timefmt import site_zone
from tidings.moderation.models import CommentReport, Report
from tidings.stats.models import CreatorDaily

log = logging.getLogger(__name__)

WINDOW_DAYS = 180
TREND_DAYS = 90
TOP = 200  # each dimension's maximum
NEUTRAL = 100  # a dimension without enough data to judge
ACTIVITY_K = 30  # 活跃度 = 200·(1 − e^(−days/30)): 30 days ≈ 126, 60 ≈ 173, 90 ≈ 190
FOCUS_FULL = 10  # 垂直度 counts fully from 10 articles in the window
MIN_READS = 100  # reads in the window before 互动度 and 完读率 are judged
FULL_READ_THROUGH = 0.5  # a 完读率 of 50 % earns the whole 健康度 base
NEUTRAL_HEALTH = NEUTRAL  # 健康度's base with fewer than MIN_READS reads
PENALTY_REPORT = 25  # per upheld report (an article withdrawn on reports, a comment deleted on reports)
PENALTY_REJECTION = 30  # per article an editor rejected
PENALTY_WITHDRAWAL = 50  # per article an editor took down after publishing
UPDATE_CHUNK = 900  # creators per UPDATE … WHERE pk IN (…): within every database's parameter limit

DIMENSIONS = (
    ("originality", "原创度"),
    ("activity", "活跃度"),
    ("focus", "垂直度"),
    ("interaction", "互动度"),
    ("health", "健康度"),
)


@dataclass
class Facts:
    """What the dimensions are computed from: one creator's numbers in the window."""

    articles: int = 0  # published in the window (still public or withdrawn since)
    active_days: int = 0  # days (site zone) with at least one of them
    top_channels: list[int] = field(default_factory=list)  # articles in the creator's first and second channel
    originals_checked: int = 0  # declared 原创 with a check result
    originals_passed: int = 0  # … whose check PASSED, or an editor UPHELD the claim
    reads: int = 0
    finished: int = 0  # reads that reached the end (完读)
    interactions: int = 0  # likes + shares + comments + follows
    reports_upheld: int = 0
    rejections: int = 0
    withdrawals: int = 0
    site_median: float | None = None  # the site's median interactions per read (creators with MIN_READS reads)


@dataclass(frozen=True)
class Scores:
    originality: int
    activity: int
    focus: int
    interaction: int
    health: int

    @property
    def index(self) -> int:
        return self.originality + self.activity + self.focus + self.interaction + self.health


def score(f: Facts) -> Scores:
    """The five dimensions from a creator's facts (pure: the tests compute by hand against it)."""
    if f.articles == 0:  # nothing published in the window: nothing to judge
        return Scores(0, 0, 0, 0, 0)
    originality = TOP * f.originals_passed / f.originals_checked if f.originals_checked else NEUTRAL
    activity = TOP * (1 - math.exp(-f.active_days / ACTIVITY_K))
    first, second = ([*f.top_channels, 0, 0])[:2]
    focus = TOP * (first + second / 2) / f.articles * min(1.0, f.articles / FOCUS_FULL)
    if f.reads >= MIN_READS and f.site_median is not None:
        ratio = f.interactions / f.reads
        median = max(f.site_median, 1e-6)
        interaction = TOP * ratio / (ratio + median)
        base = TOP * min(1.0, f.finished / f.reads / FULL_READ_THROUGH)
    else:  # too few reads to judge against the site
        interaction = NEUTRAL
        base = NEUTRAL_HEALTH
    penalty = PENALTY_REPORT * f.reports_upheld + PENALTY_REJECTION * f.rejections + PENALTY_WITHDRAWAL * f.withdrawals
    health = max(0.0, base - penalty)
    return Scores(*(round(v) for v in (originality, activity, focus, interaction, health)))


# --------------------------------------------------------------------------------------------
# Reading the facts: one aggregate query each, for every creator at once


def window(day: dt.date) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    """The window's first and last day, and its UTC bounds [start, end): the WINDOW_DAYS before `day`."""
    zone = site_zone()
    first, last = day - dt.timedelta(days=WINDOW_DAYS), day - dt.timedelta(days=1)
    start = dt.datetime.combine(first, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    return first, last, start, end


def gather(day: dt.date) -> dict[int, Facts]:
    """Every creator's facts for the index of `day`."""
    first, last, start, end = window(day)
    creators = set(Creator.objects.values_list("pk", flat=True))
    facts: dict[int, Facts] = {pk: Facts() for pk in creators}

    def of(creator_id: int | None) -> Facts:
        return facts.setdefault(int(creator_id or 0), Facts())

    published = Article.objects.live().filter(
        status__in=[Article.Status.PUBLISHED, Article.Status.WITHDRAWN], published_at__gte=start, published_at__lt=end
    )
    passed = [Article.OriginalCheck.PASSED, Article.OriginalCheck.UPHELD]
    for row in (
        published.order_by()
        .values("creator_id")
        .annotate(
            n=Count("id"),
            days=Count(TruncDate("published_at", tzinfo=site_zone()), distinct=True),
            # An editor's 取消原创 (REFUSED) also unticks 原创: it still counts as a declaration.
            checked=Count(
                "id",
                filter=(Q(original=True) & ~Q(original_check=Article.OriginalCheck.NONE))
                | Q(original_check=Article.OriginalCheck.REFUSED),
            ),
            passed=Count("id", filter=Q(original=True, original_check__in=passed)),
        )
    ):
        f = of(row["creator_id"])
        f.articles, f.active_days = row["n"], row["days"]
        f.originals_checked, f.originals_passed = row["checked"], row["passed"]

    per_channel: dict[int, list[int]] = defaultdict(list)
    for row in published.order_by().values("creator_id", "channel_id").annotate(n=Count("id")):
        per_channel[row["creator_id"]].append(row["n"])
    for creator_id, counts in per_channel.items():
        of(creator_id).top_channels = sorted(counts, reverse=True)[:2]

    # Take-downs are read from the article's row (taken_down_at: set by an editor's withdraw or
    # reject, cleared when an editor approves it again), deleted articles included.
    for row in (
        Article.objects.filter(taken_down_at__gte=start, taken_down_at__lt=end)
        .order_by()
        .values("creator_id")
        .annotate(
            rejected=Count("id", filter=Q(status=Article.Status.REJECTED)),
            withdrawn=Count("id", filter=~Q(status=Article.Status.REJECTED)),
        )
    ):
        f = of(row["creator_id"])
        f.rejections, f.withdrawals = row["rejected"], row["withdrawn"]

    # Upheld reports: each article withdrawn on reports, and each of the creator's own 跟帖 deleted
    # on reports, counts once however many readers reported it.
    for creator_id, n in (
        Report.objects.filter(status=Report.Status.WITHDRAWN, decided_at__gte=start, decided_at__lt=end)
        .order_by()
        .values_list("article__creator_id")
        .annotate(n=Count("article_id", distinct=True))
    ):
        of(creator_id).reports_upheld += n
    for creator_id, n in (
        CommentReport.objects.filter(
            status=CommentReport.Status.UPHELD,
            decided_at__gte=start,
            decided_at__lt=end,
            comment__author__creator__isnull=False,
        )
        .order_by()
        .values_list("comment__author__creator__id")
        .annotate(n=Count("comment_id", distinct=True))
    ):
        of(creator_id).reports_upheld += n

    for row in (
        CreatorDaily.objects.filter(day__gte=first, day__lte=last)
        .order_by()
        .values("creator_id")
        .annotate(
            reads=Sum("reads"),
            finished=Sum("finished"),
            likes=Sum("likes"),
            shares=Sum("shares"),
            comments=Sum("comments"),
            follows=Sum("follows"),
        )
    ):
        f = of(row["creator_id"])
        f.reads, f.finished = int(row["reads"] or 0), int(row["finished"] or 0)
        # Net likes and comments may be negative on a day; never below zero in all.
        f.interactions = max(0, sum(int(row[k] or 0) for k in ("likes", "shares", "comments", "follows")))

    # Statistics rows name creators by number, not by a foreign key: a creator deleted since
    # leaves rows that must not become snapshots (their creator_id would point nowhere).
    for gone in set(facts) - creators:
        del facts[gone]
    ratios = [f.interactions / f.reads for f in facts.values() if f.reads >= MIN_READS]
    median = statistics.median(ratios) if ratios else None
    for f in facts.values():
        f.site_median = median
    return facts


# --------------------------------------------------------------------------------------------
# The run


@dataclass(frozen=True)
class Result:
    day: dt.date
    creators: int
    changed: int  # creators whose level or badge moved
    seconds: float


def today() -> dt.date:
    return timezone.now().astimezone(site_zone()).date()


def run(day: dt.date | None = None) -> Result:
    """Compute every creator's index for `day` (default today), store the day's snapshots, and set
    each creator's level and badge. Safe to run again: the same facts give the same rows."""
    began = time.perf_counter()
    day = day or today()
    facts = gather(day)
    thresholds = IndexSettings.current()
    snapshots = []
    for creator_id, f in facts.items():
        s = score(f)
        level = thresholds.level_of(s.index)
        snapshots.append(
            Snapshot(creator_id=creator_id, day=day, index=s.index, level=level, facts=asdict(f), **asdict(s))
        )
    wanted: dict[tuple[int, str], list[int]] = defaultdict(list)
    for snap in snapshots:
        wanted[(snap.level, BADGE_OF_LEVEL[snap.level])].append(snap.creator_id)
    now_held = {pk: (level, badge) for pk, level, badge in Creator.objects.values_list("pk", "level", "badge")}
    changed = 0
    with transaction.atomic():
        state = IndexRun.objects.select_for_update().get_or_create(pk=1)[0]
        Snapshot.objects.filter(day=day).delete()
        Snapshot.objects.bulk_create(snapshots, batch_size=500)
        # The creators' level and badge follow the latest day only: filling in an earlier day
        # (`tidings creatorindex --day`) stores its snapshots and leaves the cards alone.
        latest = state.last_day is None or day >= state.last_day
        for (level, badge), ids in wanted.items() if latest else ():
            moved = [pk for pk in ids if now_held.get(pk) != (level, badge)]
            for i in range(0, len(moved), UPDATE_CHUNK):
                chunk = moved[i : i + UPDATE_CHUNK]
                changed += Creator.objects.filter(pk__in=chunk).update(level=level, badge=badge)
        seconds = time.perf_counter() - began
        if latest:
            state.last_day = day
        state.finished_at, state.seconds, state.creators = timezone.now(), seconds, len(snapshots)
        state.save()
        if changed:
            transaction.on_commit(sitecache.invalidate_site)  # creator cards show the badge and level
    log.info("creator index for %s: %d creators, %d changed level, %.2f s", day, len(snapshots), changed, seconds)
    return Result(day, len(snapshots), changed, seconds)


def due(now: dt.datetime) -> dt.date | None:
    """The day to compute now, if the nightly run is due: once a day, after the configured hour."""
    local = now.astimezone(site_zone())
    if local.hour < settings.CREATOR_INDEX_HOUR:
        return None
    last = IndexRun.objects.filter(pk=1).values_list("last_day", flat=True).first()
    return None if last is not None and last >= local.date() else local.date()


def chore() -> None:
    """`tidings worker`, every minute: the nightly run, when due."""
    day = due(timezone.now())
    if day is not None:
        run(day)


# --------------------------------------------------------------------------------------------
# Reading snapshots back (the pages and the API)


def latest(creator: Creator) -> Snapshot | None:
    return Snapshot.objects.filter(creator=creator).order_by("-day").first()


def trend(creator: Creator, n: int = TREND_DAYS) -> list[Snapshot]:
    """The creator's last n snapshots, oldest first."""
    rows = list(Snapshot.objects.filter(creator=creator).order_by("-day")[:n])
    rows.reverse()
    return rows


def facts_of(snapshot: Snapshot) -> Facts:
    known = {k: v for k, v in snapshot.facts.items() if k in Facts.__dataclass_fields__}
    return Facts(**known)


def advice(snapshot: Snapshot) -> dict[str, str]:
    """For each dimension, one concrete line on how to raise it, from the creator's own numbers."""
    f = facts_of(snapshot)
    out: dict[str, str] = {}
    if f.originals_checked == 0:
        out["originality"] = (
            "近 180 天没有经过原创检查的原创声明（按中间值 100 计）。发布自己写的文章并声明原创，通过检查即可提高。"
        )
    elif f.originals_passed < f.originals_checked:
        out["originality"] = (
            f"{f.originals_checked} 篇原创声明中 {f.originals_passed} 篇通过检查。"
            "只为自己写的文章声明原创；转载请注明来源，不要声明原创。"
        )
    else:
        out["originality"] = f"{f.originals_checked} 篇原创声明全部通过检查，已是满分，请保持。"
    if f.active_days >= 90:
        out["activity"] = f"近 180 天有 {f.active_days} 天发布了文章，接近满分；保持稳定更新即可。"
    else:
        gain = round(TOP * (math.exp(-f.active_days / ACTIVITY_K) - math.exp(-(f.active_days + 10) / ACTIVITY_K)))
        out["activity"] = (
            f"近 180 天有 {f.active_days} 天发布了文章。再有 10 天发布，活跃度约可提高 {gain} 分；"
            "分散到不同的日子比一天发很多篇更有用。"
        )
    first, second = ([*f.top_channels, 0, 0])[:2]
    if f.articles == 0:
        out["focus"] = "近 180 天没有发布文章。"
    elif f.articles < FOCUS_FULL:
        out["focus"] = (
            f"近 180 天发布了 {f.articles} 篇，满 {FOCUS_FULL} 篇后垂直度才完全计入；继续在你的主要领域发布。"
        )
    else:
        share = round(100 * (first + second) / f.articles)
        out["focus"] = f"{share}% 的文章在你最常用的两个频道。多写你擅长的领域，少跨领域发布，垂直度会提高。"
    if f.reads < MIN_READS or f.site_median is None:
        out["interaction"] = f"近 180 天阅读 {f.reads} 次，满 {MIN_READS} 次后才与全站比较（暂按中间值 100 计）。"
    else:
        mine = 1000 * f.interactions / f.reads
        site = 1000 * f.site_median
        out["interaction"] = (
            f"每千次阅读有 {mine:.0f} 次点赞、分享、跟帖或关注，全站创作者中位数为 {site:.0f} 次。"
            "在文末提出问题、回复跟帖，可以带来更多互动。"
        )
    penalties = f.reports_upheld + f.rejections + f.withdrawals
    if f.reads >= MIN_READS:
        rate = 100 * f.finished / f.reads
        line = f"完读率 {rate:.0f}%（{FULL_READ_THROUGH:.0%} 即满分）。"
        if rate < 100 * FULL_READ_THROUGH:
            line += "开头直入主题、段落短一些、标题与内容相符，读者更愿意读完。"
    else:
        line = f"阅读不足 {MIN_READS} 次，完读率暂按 {NEUTRAL_HEALTH} 分计。"
    if penalties:
        line += (
            f"被核实的举报 {f.reports_upheld} 次、被驳回 {f.rejections} 篇、被编辑下线 {f.withdrawals} 篇，"
            "各扣分，发布前请对照平台规则自查。"
        )
    else:
        line += "没有被核实的举报、驳回或下线。"
    out["health"] = line
    return out


def as_dict(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "day": snapshot.day,
        "index": snapshot.index,
        "level": snapshot.level,
        **{key: getattr(snapshot, key) for key, _ in DIMENSIONS},
    }
