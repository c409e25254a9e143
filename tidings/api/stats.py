"""数据中心 and 粉丝 over the API, for a creator with a personal token (`Authorization: Bearer <token>`):
GET /api/v1/me/stats, /api/v1/me/articles/{id}/stats and /api/v1/me/fans.

Thin over tidings.stats.reports, the functions the studio's pages use, so a figure reads the same
on the page, in its CSV and here. A creator sees only their own numbers: the creator comes from the
token, and another creator's article is a 404, as in the studio.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from tidings.api import paging
from tidings.api.errors import Error, SchemaError
from tidings.api.write import BearerToken
from tidings.articles import access
from tidings.creators.models import Creator
from tidings.stats import reports
from tidings.stats.models import RollupState

router = Router(tags=["stats"], auth=BearerToken())

ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: SchemaError}
MAX_DAYS = 366  # a year (a leap year too) per request; a longer span is several requests
DEFAULT_DAYS = 30


# --------------------------------------------------------------------------------------------
# Schemas


class DayFigures(Schema):
    day: dt.date
    impressions: int = Field(description="曝光: seen in a list for a second or more")
    reads: int = Field(description="阅读: deduplicated reads")
    finished: int = Field(description="Reads whose reader reached the end of the body")
    finish_rate: float | None = Field(description="完读率 in percent (finished / reads); null without reads")
    avg_seconds: float | None = Field(description="Average active reading time; null when no read reported one")
    likes: int = Field(description="点赞, net of 取消点赞")
    shares: int = Field(description="分享")
    comments: int = Field(description="跟帖, net")


class CreatorDayFigures(DayFigures):
    follows: int = Field(description="新增粉丝")
    unfollows: int = Field(description="取关")


class Totals(Schema):
    impressions: int
    reads: int
    finished: int
    finish_rate: float | None
    avg_seconds: float | None
    likes: int
    shares: int
    comments: int


class CreatorTotals(Totals):
    follows: int
    unfollows: int


class MyStats(Schema):
    date_from: dt.date = Field(alias="from", description="First day (site's time zone)")
    date_to: dt.date = Field(alias="to", description="Last day (site's time zone), included")
    followers: int = Field(description="粉丝 now")
    totals: CreatorTotals = Field(description="The sums over the days (rates derived from the sums)")
    days: list[CreatorDayFigures] = Field(description="One entry per day, oldest first; a day without data is 0")
    updated_at: dt.datetime | None = Field(description="When the worker last rolled up raw events")


class HourFigures(Schema):
    hour: dt.datetime = Field(description="Start of the hour")
    impressions: int
    reads: int
    finished: int
    likes: int
    shares: int
    comments: int


class SourceOut(Schema):
    source: str = Field(description="推荐, 热点, 频道, 搜索, 相关推荐, 话题, 站外, 直接访问 …")
    host: str = Field(description="The referring host, for 站外; empty otherwise")
    reads: int
    percent: float = Field(description="Share of the article's reads over the days, in percent")


class ArticleStats(Schema):
    id: int
    title: str
    url: str | None = Field(description="The public page; null when it is not published")
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")
    totals: Totals
    days: list[DayFigures]
    hours: list[HourFigures] = Field(description="The first 48 hours after publishing, hour by hour, up to now")
    sources: list[SourceOut] = Field(description="Where the reads over the days came from, most first")
    updated_at: dt.datetime | None


class Fan(Schema):
    name: str | None = Field(description="The reader's name; null when they keep their follows private")
    followed_at: dt.datetime


class FanPage(Schema):
    count: int = Field(description="粉丝 in all")
    page: int
    page_size: int
    next: str | None
    previous: str | None
    items: list[Fan] = Field(description="Newest follower first")


class Span(Schema):
    date_from: dt.date | None = Field(
        None, alias="from", description=f"First day; default: {DEFAULT_DAYS} days before `to`"
    )
    date_to: dt.date | None = Field(None, alias="to", description="Last day, included; default: yesterday")


class FanParams(Schema):
    page: int = Field(1, json_schema_extra={"minimum": 1}, description="Past the last page: 404")
    page_size: int = Field(20, json_schema_extra={"minimum": 1, "maximum": 100})


# --------------------------------------------------------------------------------------------
# Helpers


def _creator(request: HttpRequest) -> Creator:
    creator = access.writer_profile(request.user)
    if creator is None:
        raise HttpError(403, "Only approved creators have 数据中心 (只有通过入驻审核的创作者有数据中心).")
    return creator


def _days(span: Span, default_to: dt.date) -> list[dt.date]:
    """The days asked for: at most MAX_DAYS, `from` not after `to`, years 2000–9998."""
    to = span.date_to or default_to
    for d in (span.date_from, to):
        if d is not None and not 2000 <= d.year <= 9998:
            raise HttpError(400, "Dates must be between 2000-01-01 and 9998-12-31 (日期须在 2000 到 9998 年之间).")
    start = span.date_from or to - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > to:
        raise HttpError(400, "`from` is after `to` (起始日期晚于结束日期).")
    n = (to - start).days + 1
    if n > MAX_DAYS:
        raise HttpError(400, f"At most {MAX_DAYS} days per request (每次最多 {MAX_DAYS} 天); ask in several spans.")
    return [start + dt.timedelta(days=i) for i in range(n)]


def _rates(f: reports.Figures) -> dict[str, Any]:
    out: dict[str, Any] = dict(f.values)
    out["finish_rate"] = None if f.finish_rate is None else round(f.finish_rate, 2)
    out["avg_seconds"] = None if f.avg_seconds is None else round(f.avg_seconds, 2)
    return out


def _series(days: Sequence[dt.date], series: Sequence[reports.Figures]) -> list[dict[str, Any]]:
    return [{"day": d, **_rates(f)} for d, f in zip(days, series, strict=True)]


def _updated() -> dt.datetime | None:
    return RollupState.objects.filter(pk=1).values_list("last_run", flat=True).first()


# --------------------------------------------------------------------------------------------
# Operations


@router.get(
    "/me/stats",
    response={200: MyStats, **ERRORS},
    summary="数据中心: my daily figures over a span of days",
    by_alias=True,
)
def my_stats(request: HttpRequest, span: Query[Span]) -> dict[str, Any]:
    """Days in the site's time zone; `to` defaults to yesterday (today is not over), `from` to
    29 days before `to`. At most 366 days per request."""
    creator = _creator(request)
    days = _days(span, reports.today() - dt.timedelta(days=1))
    series = reports.creator_days(creator, days)
    return {
        "from": days[0],
        "to": days[-1],
        "followers": Creator.objects.filter(pk=creator.pk).values_list("followers_count", flat=True).get(),
        "totals": _rates(reports.total(series)),
        "days": _series(days, series),
        "updated_at": _updated(),
    }


@router.get(
    "/me/articles/{article_id}/stats",
    response={200: ArticleStats, **ERRORS},
    summary="One of my articles' figures: daily, its first 48 hours, and where its reads came from",
    by_alias=True,
)
def my_article_stats(request: HttpRequest, article_id: int, span: Query[Span]) -> dict[str, Any]:
    """`to` defaults to today (so far), as on the studio's article page. Another creator's
    article, or a deleted one, is 404."""
    _creator(request)
    if not 1 <= article_id <= 2**63 - 1:
        raise HttpError(404, "No such article (没有这篇文章).")
    try:
        article = access.get_article_for_editing(request.user, article_id)
    except Http404:
        raise HttpError(404, "No such article (没有这篇文章).") from None
    days = _days(span, reports.today())
    series = reports.article_days(article, days)
    hours, hourly = reports.article_hours(article)
    sources = reports.article_sources(article, days)
    return {
        "id": article.pk,
        "title": article.title,
        "url": article.get_absolute_url() if article.is_public else None,
        "from": days[0],
        "to": days[-1],
        "totals": _rates(reports.total(series)),
        "days": _series(days, series),
        "hours": [{"hour": h, **f.values} for h, f in zip(hours, hourly, strict=True)],
        "sources": [
            {"source": s.label, "host": s.host, "reads": s.reads, "percent": round(s.percent, 2)} for s in sources
        ],
        "updated_at": _updated(),
    }


@router.get("/me/fans", response={200: FanPage, **ERRORS}, summary="粉丝: my followers, newest first")
def my_fans(request: HttpRequest, params: Query[FanParams]) -> dict[str, Any]:
    """A reader who keeps their follows private is listed without a name. Growth by day is in
    /me/stats (follows, unfollows)."""
    paging.check(params.page, params.page_size)
    creator = _creator(request)
    page = paging.page_of(reports.fans(creator), params.page, params.page_size)
    return {
        "count": page.paginator.count,
        **paging.links(request, page, {"page_size": params.page_size}),
        "items": [{"name": f.name or None, "followed_at": f.followed_at} for f in reports.fans_page(page.object_list)],
    }
