"""What 数据中心 and 粉丝 show, read from the rolled-up rows (never from raw events): a creator's
page reads at most 91 CreatorDaily rows plus one grouped query for its article table, whatever the
number of articles.

Every panel is a chart, a one-line summary and a table; the table is also the CSV download, so
what is drawn, what is read aloud and what is downloaded are the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from tidings.articles.models import Article
from tidings.creators.models import Creator, Follow, FollowSetting
from tidings.lib.csvfile import Cell
from tidings.lib.svgchart import Chart, Series, line_chart
from tidings.lib.timefmt import site_zone
from tidings.stats import events
from tidings.stats.models import METRICS, CreatorDaily, Daily, Hourly, SourceDaily
from tidings.stats.rollup import EARLY_HOURS, HOUR, slot_of

RANGES = (7, 30, 90)
DEFAULT_RANGE = 30
ARTICLES_PER_PAGE = 20


def today() -> dt.date:
    return timezone.now().astimezone(site_zone()).date()


def days_back(n: int, end: dt.date | None = None) -> list[dt.date]:
    """The n days ending with `end` (default yesterday: today is not over)."""
    last = end or today() - dt.timedelta(days=1)
    return [last - dt.timedelta(days=n - 1 - i) for i in range(n)]


# --------------------------------------------------------------------------------------------
# Figures of a day (or any span): the stored sums and what is derived from them


@dataclass
class Figures:
    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRICS, 0))

    def __getitem__(self, name: str) -> int:
        return self.values[name]

    @property
    def finish_rate(self) -> float | None:
        """完读率, percent of reads whose reader reached the end of the body."""
        reads = self.values["reads"]
        return 100.0 * self.values["finished"] / reads if reads else None

    @property
    def avg_seconds(self) -> float | None:
        """Average active reading time of the reads that reported one."""
        timed = self.values["timed"]
        return self.values["seconds"] / timed if timed else None

    def get(self, name: str) -> float | None:
        if name == "finish_rate":
            return self.finish_rate
        if name == "avg_seconds":
            return self.avg_seconds
        return self.values[name]

    def add(self, other: Figures) -> None:
        for k in METRICS:
            self.values[k] += other.values[k]


def _figures(row: Any) -> Figures:
    return Figures({k: int(getattr(row, k)) for k in METRICS})


def _series(qs: QuerySet[Any], days: Sequence[dt.date]) -> list[Figures]:
    by_day = {row.day: _figures(row) for row in qs.filter(day__gte=days[0], day__lte=days[-1])}
    return [by_day.get(d, Figures()) for d in days]


def creator_days(creator: Creator, days: Sequence[dt.date]) -> list[Figures]:
    return _series(CreatorDaily.objects.filter(creator_id=creator.pk), days)


def article_days(article: Article, days: Sequence[dt.date]) -> list[Figures]:
    return _series(Daily.objects.filter(article_id=article.pk), days)


def article_hours(article: Article) -> tuple[list[dt.datetime], list[Figures]]:
    """The first 48 hours after publishing, hour by hour (site-zone hours), up to now."""
    if article.published_at is None:
        return [], []
    first = slot_of(article.published_at)
    now = timezone.now()
    hours = [first + HOUR * i for i in range(EARLY_HOURS) if first + HOUR * i <= now]
    rows = Hourly.objects.filter(article_id=article.pk, hour__gte=first, hour__lt=first + HOUR * EARLY_HOURS)
    by_hour = {row.hour: _figures(row) for row in rows}
    return hours, [by_hour.get(h, Figures()) for h in hours]


def total(figures: Iterable[Figures]) -> Figures:
    out = Figures()
    for f in figures:
        out.add(f)
    return out


# --------------------------------------------------------------------------------------------
# Formatting


def fmt_int(v: float | None) -> str:
    return "—" if v is None else f"{v:,.0f}"


def fmt_rate(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}%"


def fmt_duration(v: float | None) -> str:
    if v is None:
        return "—"
    s = round(v)
    return f"{s // 60}分{s % 60:02d}秒" if s >= 60 else f"{s}秒"


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    fmt: Callable[[float | None], str]
    unit: str = "次"


METRIC_LIST = (
    Metric("impressions", "曝光", fmt_int),
    Metric("reads", "阅读", fmt_int),
    Metric("finish_rate", "完读率", fmt_rate, ""),
    Metric("avg_seconds", "平均阅读时长", fmt_duration, ""),
    Metric("likes", "点赞", fmt_int),
    Metric("shares", "分享", fmt_int),
    Metric("comments", "跟帖", fmt_int, "条"),
    Metric("follows", "新增粉丝", fmt_int, "人"),
    Metric("unfollows", "取关", fmt_int, "人"),
)
ARTICLE_METRICS = tuple(m for m in METRIC_LIST if m.key not in ("follows", "unfollows"))


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    before: str
    change: str  # "较前日 +12.5%", "较前日持平", "前日为 0"
    trend: str  # "up", "down", "flat"


def cards(yesterday: Figures, before: Figures, metrics: Sequence[Metric] = METRIC_LIST) -> list[Card]:
    """昨日 against 前日, each figure with its change."""
    out = []
    for m in metrics:
        y, b = yesterday.get(m.key), before.get(m.key)
        if y is None or b is None:
            change, trend = "无法比较", "flat"
        elif y == b:
            change, trend = "较前日持平", "flat"
        elif m.key in ("finish_rate",):
            change, trend = f"较前日 {y - b:+.1f} 个百分点", "up" if y > b else "down"
        elif b == 0:
            change, trend = "前日为 0", "up"
        else:
            change, trend = f"较前日 {100 * (y - b) / b:+.1f}%", "up" if y > b else "down"
        out.append(Card(m.label, m.fmt(y), m.fmt(b), change, trend))
    return out


# --------------------------------------------------------------------------------------------
# Panels: chart + summary + table (the CSV)


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    header: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    chart: Chart | None
    summary: str
    table: Table


def _label_day(d: dt.date) -> str:
    return d.strftime("%m-%d")


def _round(v: float | None, digits: int) -> float | str:
    return "" if v is None else round(v, digits)


def _summary_counts(what: str, span: str, values: Sequence[int], labels: Sequence[str], unit: str) -> str:
    if not values or not any(values):
        return f"{span}{what}为 0。"
    hi = max(range(len(values)), key=lambda i: values[i])
    return f"{span}{what}共 {sum(values):,} {unit}，最高 {values[hi]:,} {unit}（{labels[hi]}）。"


def daily_panels(days: Sequence[dt.date], series: Sequence[Figures], *, with_fans: bool, span: str) -> list[Panel]:
    """The five daily charts of 数据中心 (four on an article's page: follows are the creator's)."""
    labels = [_label_day(d) for d in days]
    iso = [d.isoformat() for d in days]
    col = {k: [f[k] for f in series] for k in METRICS}
    rates = [f.finish_rate for f in series]
    avgs = [f.avg_seconds for f in series]
    whole = total(series)
    panels = [
        Panel(
            "traffic",
            "曝光与阅读",
            line_chart(labels, [Series("曝光", col["impressions"]), Series("阅读", col["reads"])]),
            _summary_counts("曝光", span, col["impressions"], labels, "次").rstrip("。")
            + "；"
            + _summary_counts("阅读", "", col["reads"], labels, "次"),
            Table(
                "traffic",
                "每日曝光与阅读",
                ["日期", "曝光", "阅读"],
                [[d, i, r] for d, i, r in zip(iso, col["impressions"], col["reads"], strict=True)],
            ),
        ),
        Panel(
            "finish",
            "完读率",
            line_chart(labels, [Series("完读率", rates)], y_format=lambda v: f"{v:g}%", integer=False),
            f"{span}完读率 {fmt_rate(whole.finish_rate)}（{whole['finished']:,} 次读完 / {whole['reads']:,} 次阅读）。",
            Table(
                "finish",
                "每日完读率",
                ["日期", "阅读", "读完", "完读率(%)"],
                [[d, f["reads"], f["finished"], _round(r, 1)] for d, f, r in zip(iso, series, rates, strict=True)],
            ),
        ),
        Panel(
            "time",
            "平均阅读时长",
            line_chart(labels, [Series("平均阅读时长（秒）", avgs)], y_format=lambda v: f"{v:g}秒"),
            f"{span}平均阅读时长 {fmt_duration(whole.avg_seconds)}（{whole['timed']:,} 次阅读报告了时长）。",
            Table(
                "time",
                "每日平均阅读时长",
                ["日期", "报告时长的阅读", "平均阅读时长(秒)"],
                [[d, f["timed"], _round(a, 1)] for d, f, a in zip(iso, series, avgs, strict=True)],
            ),
        ),
        Panel(
            "interactions",
            "点赞、分享与跟帖",
            line_chart(
                labels, [Series("点赞", col["likes"]), Series("分享", col["shares"]), Series("跟帖", col["comments"])]
            ),
            f"{span}点赞 {whole['likes']:,} 次、分享 {whole['shares']:,} 次、跟帖 {whole['comments']:,} 条（均为净增）。",
            Table(
                "interactions",
                "每日点赞、分享与跟帖",
                ["日期", "点赞", "分享", "跟帖"],
                [[d, f["likes"], f["shares"], f["comments"]] for d, f in zip(iso, series, strict=True)],
            ),
        ),
    ]
    if with_fans:
        panels.append(fans_panel(days, series, span))
    return panels


def fans_panel(days: Sequence[dt.date], series: Sequence[Figures], span: str) -> Panel:
    labels = [_label_day(d) for d in days]
    whole = total(series)
    net = whole["follows"] - whole["unfollows"]
    return Panel(
        "fans",
        "新增粉丝与取关",
        line_chart(
            labels,
            [Series("新增粉丝", [f["follows"] for f in series]), Series("取关", [f["unfollows"] for f in series])],
        ),
        f"{span}新增粉丝 {whole['follows']:,} 人，取关 {whole['unfollows']:,} 人，净增 {net:+,} 人。",
        Table(
            "fans",
            "每日新增粉丝与取关",
            ["日期", "新增粉丝", "取关", "净增"],
            [
                [d.isoformat(), f["follows"], f["unfollows"], f["follows"] - f["unfollows"]]
                for d, f in zip(days, series, strict=True)
            ],
        ),
    )


def hours_panel(article: Article) -> Panel:
    hours, series = article_hours(article)
    zone = site_zone()
    labels = [h.astimezone(zone).strftime("%m-%d %H时") for h in hours]
    reads = [f["reads"] for f in series]
    impressions = [f["impressions"] for f in series]
    chart = (
        line_chart([f"{i}小时" for i in range(len(hours))], [Series("曝光", impressions), Series("阅读", reads)])
        if hours
        else None
    )
    return Panel(
        "hours",
        "发布后 48 小时（逐小时）",
        chart,
        _summary_counts("阅读", f"发布后 {len(hours)} 小时内", reads, labels, "次"),
        Table(
            "hours",
            "发布后 48 小时逐小时数据",
            ["小时", "发布后第几小时", "曝光", "阅读", "读完", "点赞", "分享", "跟帖"],
            [
                [label, i, f["impressions"], f["reads"], f["finished"], f["likes"], f["shares"], f["comments"]]
                for i, (label, f) in enumerate(zip(labels, series, strict=True))
            ],
        ),
    )


@dataclass(frozen=True)
class SourceRow:
    label: str
    host: str
    reads: int
    percent: float  # of all reads
    bar: float = 0.0  # 0–100: against the largest source, so the top bar fills its track


def article_sources(article: Article, days: Sequence[dt.date]) -> list[SourceRow]:
    """阅读来源 over the days: one row per source, 站外 one per referring host; most reads first."""
    rows = (
        SourceDaily.objects.filter(article_id=article.pk, day__gte=days[0], day__lte=days[-1])
        .order_by()
        .values_list("source", "host")
        .annotate(total=Sum("reads"))
    )
    counted = [(events.BY_CODE.get(s), h, int(n)) for s, h, n in rows if n]
    whole = sum(n for _, _, n in counted) or 1
    top = max((n for _, _, n in counted), default=1)
    return [
        SourceRow(src.label if src else "未知", h, n, 100.0 * n / whole, 100.0 * n / top)
        for src, h, n in sorted(counted, key=lambda r: (-r[2], r[0].code if r[0] else 99, r[1]))
    ]


def sources_table(rows: Sequence[SourceRow]) -> Table:
    return Table(
        "sources",
        "阅读来源",
        ["来源", "站外网站", "阅读", "占比(%)"],
        [[r.label, r.host, r.reads, round(r.percent, 1)] for r in rows],
    )


# --------------------------------------------------------------------------------------------
# 数据中心's article table


@dataclass(frozen=True)
class ArticleRow:
    article: Article
    figures: Figures


def creator_articles(creator: Creator) -> QuerySet[Article]:
    """The articles a creator has data for: published or withdrawn since, newest first."""
    return (
        Article.objects.live()
        .by(creator)
        .filter(status__in=[Article.Status.PUBLISHED, Article.Status.WITHDRAWN], published_at__isnull=False)
        .only("id", "title", "published_at", "status")
        .order_by("-published_at", "-id")
    )


def article_rows(articles: Sequence[Article], days: Sequence[dt.date]) -> list[ArticleRow]:
    """These articles' figures over the days: one grouped query over their daily rows (an index
    range per article), so a page of 20 costs the same for a creator with 20 or 20,000 articles."""
    sums = {k: Sum(k) for k in METRICS}
    grouped = {
        g["article_id"]: Figures({k: int(g[k] or 0) for k in METRICS})
        for g in Daily.objects.filter(article_id__in=[a.pk for a in articles], day__gte=days[0], day__lte=days[-1])
        .order_by()
        .values("article_id")
        .annotate(**sums)
    }
    return [ArticleRow(a, grouped.get(a.pk, Figures())) for a in articles]


def all_article_rows(creator: Creator, days: Sequence[dt.date]) -> list[ArticleRow]:
    """Every article of the creator with its figures (the CSV download): one grouped query."""
    sums = {k: Sum(k) for k in METRICS}
    grouped = {
        g["article_id"]: Figures({k: int(g[k] or 0) for k in METRICS})
        for g in Daily.objects.filter(creator_id=creator.pk, day__gte=days[0], day__lte=days[-1])
        .exclude(article_id=0)
        .order_by()
        .values("article_id")
        .annotate(**sums)
    }
    return [ArticleRow(a, grouped.get(a.pk, Figures())) for a in creator_articles(creator)]


def articles_table(rows: Sequence[ArticleRow]) -> Table:
    return Table(
        "articles",
        "文章数据（新发布的在前）",
        ["文章", "发布时间", "曝光", "阅读", "完读率(%)", "平均阅读时长(秒)", "点赞", "分享", "跟帖"],
        [
            [
                r.article.title,
                r.article.published_at.astimezone(site_zone()).strftime("%Y-%m-%d %H:%M:%S")
                if r.article.published_at
                else "",
                r.figures["impressions"],
                r.figures["reads"],
                _round(r.figures.finish_rate, 1),
                _round(r.figures.avg_seconds, 1),
                r.figures["likes"],
                r.figures["shares"],
                r.figures["comments"],
            ]
            for r in rows
        ],
    )


# --------------------------------------------------------------------------------------------
# 粉丝


PRIVATE_FAN = "未公开的读者"


@dataclass(frozen=True)
class Fan:
    name: str  # "" when the reader keeps follows private
    followed_at: dt.datetime


def fans(creator: Creator) -> QuerySet[Follow]:
    """The creator's followers, newest first (paginated by the page)."""
    return Follow.objects.filter(creator=creator).select_related("user").order_by("-created_at", "-pk")


def fans_page(follows: Iterable[Follow]) -> list[Fan]:
    """The names of one page of followers, hiding those who keep their follows private (one query)."""
    follows = list(follows)
    private = set(
        FollowSetting.objects.filter(user_id__in=[f.user_id for f in follows], public=False).values_list(
            "user_id", flat=True
        )
    )
    return [Fan("" if f.user_id in private else f.user.get_username(), f.created_at) for f in follows]
