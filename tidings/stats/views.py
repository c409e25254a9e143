"""数据中心 (/studio/data/, /studio/a/<id>/data/) and 粉丝 (/studio/fans/), with their CSV files.

A creator sees only their own numbers: the pages take the creator from the signed-in user
(tidings.web.decorators.writer_required) and an article through
tidings.articles.access.get_article_for_editing, so another creator's article is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tidings.articles import access
from tidings.articles.models import Article
from tidings.creators.models import Creator
from tidings.lib.csvfile import csv_response
from tidings.lib.timefmt import local_datetime
from tidings.stats import reports
from tidings.stats.models import RollupState
from tidings.web.context import requested_page
from tidings.web.decorators import creator_of_request, writer_required

FANS_PER_PAGE = 20
FOLLOWERS_CSV_MAX = 10_000  # the newest; a bigger list is not a spreadsheet any more


def _range(request: HttpRequest) -> int:
    """?days=7|30|90; anything else is the default (a filter, like the studio's state tabs)."""
    value = request.GET.get("days", "")
    return int(value) if value in {str(n) for n in reports.RANGES} else reports.DEFAULT_RANGE


def _updated() -> dt.datetime | None:
    return RollupState.objects.filter(pk=1).values_list("last_run", flat=True).first()


def _span(n: int) -> str:
    return f"近 {n} 天"


# --------------------------------------------------------------------------------------------
# 数据中心


def _overview(creator: Creator, n: int) -> dict[str, Any]:
    days = reports.days_back(n)
    series = reports.creator_days(creator, days)
    panels = reports.daily_panels(days, series, with_fans=True, span=_span(n))
    return {"days": days, "cards": reports.cards(series[-1], series[-2]), "panels": panels}


@require_GET
@writer_required
def data(request: HttpRequest) -> HttpResponse:
    creator = creator_of_request(request)
    n = _range(request)
    overview = _overview(creator, n)
    page = requested_page(request, reports.creator_articles(creator), reports.ARTICLES_PER_PAGE)
    rows = reports.article_rows(list(page.object_list), overview["days"])
    ctx = {
        "creator": creator,
        "n": n,
        "ranges": reports.RANGES,
        "updated": _updated(),
        "page": page,
        "article_rows": rows,
        "articles_table": reports.articles_table(rows),
        **overview,
    }
    return render(request, "stats/data.html", ctx)


@require_GET
@writer_required
def data_csv(request: HttpRequest, table: str) -> HttpResponse:
    creator = creator_of_request(request)
    n = _range(request)
    if table == "articles":
        rows = reports.all_article_rows(creator, reports.days_back(n))
        return _csv({"articles": reports.articles_table(rows)}, table, f"tidings-data-{table}-{n}d.csv")
    tables = {p.table.key: p.table for p in _overview(creator, n)["panels"]}
    return _csv(tables, table, f"tidings-data-{table}-{n}d.csv")


def _csv(tables: dict[str, reports.Table], key: str, filename: str) -> HttpResponse:
    t = tables.get(key)
    if t is None:
        raise Http404("没有这张表。")
    return csv_response(filename, t.header, t.rows)


# --------------------------------------------------------------------------------------------
# One article


def _article_overview(article: Article, n: int) -> dict[str, Any]:
    """An article's page runs to today (so far): a new article has numbers from its first hour."""
    days = reports.days_back(n, reports.today())
    series = reports.article_days(article, days)
    sources = reports.article_sources(article, days)
    return {
        "days": days,
        "yesterday": days[-2],
        "cards": reports.cards(series[-2], series[-3], reports.ARTICLE_METRICS),
        "panels": reports.daily_panels(days, series, with_fans=False, span=_span(n)),
        "hours": reports.hours_panel(article),
        "sources": sources,
        "sources_table": reports.sources_table(sources),
    }


@require_GET
@writer_required
def article_data(request: HttpRequest, pk: int) -> HttpResponse:
    article = access.get_article_for_editing(request.user, pk)
    n = _range(request)
    ctx = {"article": article, "n": n, "ranges": reports.RANGES, "updated": _updated(), **_article_overview(article, n)}
    return render(request, "stats/article.html", ctx)


@require_GET
@writer_required
def article_data_csv(request: HttpRequest, pk: int, table: str) -> HttpResponse:
    article = access.get_article_for_editing(request.user, pk)
    n = _range(request)
    overview = _article_overview(article, n)
    tables = {p.table.key: p.table for p in overview["panels"]}
    tables |= {"hours": overview["hours"].table, "sources": overview["sources_table"]}
    return _csv(tables, table, f"tidings-article-{article.pk}-{table}-{n}d.csv")


# --------------------------------------------------------------------------------------------
# 粉丝


def _fans_growth(creator: Creator, n: int) -> reports.Panel:
    days = reports.days_back(n, reports.today())  # growth includes today so far
    return reports.fans_panel(days, reports.creator_days(creator, days), _span(n))


@require_GET
@writer_required
def fans(request: HttpRequest) -> HttpResponse:
    creator = creator_of_request(request)
    n = _range(request)
    page = requested_page(request, reports.fans(creator), FANS_PER_PAGE)
    ctx = {
        "creator": Creator.objects.get(pk=creator.pk),  # the 粉丝 count as it is now
        "n": n,
        "ranges": reports.RANGES,
        "updated": _updated(),
        "growth": _fans_growth(creator, n),
        "page": page,
        "fans": reports.fans_page(page.object_list),
    }
    return render(request, "stats/fans.html", ctx)


@require_GET
@writer_required
def fans_csv(request: HttpRequest, table: str) -> HttpResponse:
    creator = creator_of_request(request)
    n = _range(request)
    if table == "followers":
        rows = reports.fans_page(reports.fans(creator)[:FOLLOWERS_CSV_MAX])
        return csv_response(
            "tidings-followers.csv",
            ["粉丝", "关注时间"],
            [[f.name or reports.PRIVATE_FAN, local_datetime(f.followed_at)] for f in rows],
        )
    growth = _fans_growth(creator, n)
    return _csv({growth.table.key: growth.table}, table, f"tidings-fans-{table}-{n}d.csv")
