"""Creator statistics (数据中心): raw events, append-only, and the hourly and daily rows the worker
rolls them into (tidings.stats.rollup).

Raw events carry plain ids, not foreign keys: they are written by the hundred per request and
deleted by range after TIDINGS_EVENTS_KEEP_DAYS, and an article purged later must not cascade
through millions of them. The aggregate rows keep a purged article's numbers in its creator's
totals, as the portals' data pages do.

Times are UTC; a "day" is a calendar day in the site's zone (TIDINGS_TIME_ZONE), as the creator
reads it.
"""

from __future__ import annotations

from django.db import models

# The figures every aggregate row holds, in the order pages and CSV files show them.
METRICS = (
    "impressions",  # 曝光: the article was seen in a list for a second or more
    "reads",  # 阅读: deduplicated reads (the read beacon)
    "finished",  # reads whose reader reached the end of the body (完读)
    "timed",  # reads that reported an active reading time
    "seconds",  # their active reading time, capped per read (tidings.stats.events.MAX_ACTIVE_SECONDS)
    "likes",  # 点赞, net of 取消点赞
    "shares",  # 分享
    "comments",  # 跟帖, net (from Article.comments_count; tidings.stats.rollup.capture_comment_deltas)
    "follows",  # 新增粉丝 (creator rows only: article_id 0)
    "unfollows",  # 取关 (creator rows only)
)


class Event(models.Model):
    """One raw event. `at` is when the counted thing happened: for READ_END, the time of the read
    it completes (so an hour's read-throughs roll up with that hour's reads)."""

    class Kind(models.IntegerChoices):
        IMPRESSION = 1, "曝光"
        READ = 2, "阅读"
        READ_END = 3, "阅读结束"
        LIKE = 4, "点赞"
        SHARE = 5, "分享"
        COMMENT = 6, "跟帖"

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField()
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    article_id = models.IntegerField()
    creator_id = models.IntegerField()
    # IMPRESSION: the list it was seen in; READ: where the reader came from (tidings.stats.events.SOURCES).
    source = models.PositiveSmallIntegerField(default=0)
    host = models.CharField(max_length=100, blank=True, default="")  # READ from 站外: the referring host
    ref = models.BigIntegerField(default=0)  # READ_END: the READ event's id
    depth = models.PositiveSmallIntegerField(default=0)  # READ_END: how far down the body, 0–100 %
    seconds = models.PositiveIntegerField(default=0)  # READ_END: active reading time so far
    n = models.IntegerField(default=1)  # LIKE −1 for 取消点赞; COMMENT: a change of the count

    class Meta:
        # The rollup reads one hour by range; pruning deletes by range.
        indexes = [models.Index(fields=["at"], name="stats_event_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.article_id} @ {self.at}"


class Figures(models.Model):
    impressions = models.IntegerField(default=0)
    reads = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    timed = models.IntegerField(default=0)
    seconds = models.BigIntegerField(default=0)
    likes = models.IntegerField(default=0)
    shares = models.IntegerField(default=0)
    comments = models.IntegerField(default=0)
    follows = models.IntegerField(default=0)
    unfollows = models.IntegerField(default=0)

    class Meta:
        abstract = True


class Hourly(Figures):
    """One article's figures in one hour (an hour of the site's zone, stored as its UTC start);
    article_id 0 is the creator's own row (follows)."""

    hour = models.DateTimeField()
    creator_id = models.IntegerField()
    article_id = models.IntegerField()
    # In the article's first 48 hours after publishing: kept for its hour-by-hour chart when
    # older hourly rows are deleted with the raw events.
    early = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hour", "creator_id", "article_id"], name="stats_hourly_once")]
        # The per-article page's first 48 hours (tidings.stats.reports.article_hours).
        indexes = [models.Index(fields=["article_id", "hour"], name="stats_hourly_article")]

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.hour}: {self.reads} reads"


class Daily(Figures):
    """One article's figures on one day (site zone), summed from its hourly rows."""

    day = models.DateField()
    creator_id = models.IntegerField()
    article_id = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "creator_id", "article_id"], name="stats_daily_once")]
        indexes = [
            # The per-article page's daily series.
            models.Index(fields=["article_id", "day"], name="stats_daily_article"),
            # 数据中心's article table: a creator's articles over a range of days.
            models.Index(fields=["creator_id", "day"], name="stats_daily_creator"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} on {self.day}: {self.reads} reads"


class CreatorDaily(Figures):
    """A creator's totals on one day (all articles plus follows): 数据中心 reads at most 91 rows."""

    day = models.DateField()
    creator_id = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["creator_id", "day"], name="stats_creator_daily_once")]
        # Replacing a day's rows deletes by day.
        indexes = [models.Index(fields=["day"], name="stats_creator_daily_day")]

    def __str__(self) -> str:
        return f"creator {self.creator_id} on {self.day}: {self.reads} reads"


class SourceHourly(models.Model):
    """Reads of one article in one UTC hour by where the reader came from."""

    hour = models.DateTimeField()
    creator_id = models.IntegerField()
    article_id = models.IntegerField()
    source = models.PositiveSmallIntegerField()
    host = models.CharField(max_length=100, blank=True, default="")
    reads = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hour", "article_id", "source", "host"], name="stats_source_hourly_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.hour} from {self.source}{self.host}: {self.reads}"


class SourceDaily(models.Model):
    """Reads of one article on one day (site zone) by where the reader came from."""

    day = models.DateField()
    creator_id = models.IntegerField()
    article_id = models.IntegerField()
    source = models.PositiveSmallIntegerField()
    host = models.CharField(max_length=100, blank=True, default="")
    reads = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "article_id", "source", "host"], name="stats_source_daily_once")
        ]
        # The per-article page's 阅读来源 over its range.
        indexes = [models.Index(fields=["article_id", "day"], name="stats_source_daily_article")]

    def __str__(self) -> str:
        return f"{self.article_id} on {self.day} from {self.source}{self.host}: {self.reads}"


class CommentMark(models.Model):
    """The Article.comments_count the rollup last saw, so that a change becomes a COMMENT event."""

    article_id = models.IntegerField(primary_key=True)
    comments = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.article_id}: {self.comments} comments seen"


class RollupState(models.Model):
    """One row (pk 1): the rollup's progress. Hours before `final_before` are rolled for good;
    later ones are rolled again on each run (events may still arrive for them). The row is also
    the lock that keeps two workers from writing the same hour at once."""

    final_before = models.DateTimeField(null=True)
    last_run = models.DateTimeField(null=True)
    comments_marked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"rolled up to {self.final_before} (last run {self.last_run})"
