"""The hot score (热点推荐), stored on each article so that "hot" is an index range scan.

    hot = log10(max(1, E)) + (t_published − 2020-01-01) / τ,   τ = 12.5 h
    E   = views + 5·shares + 3·comments + 2·likes

A tenfold engagement is worth τ of freshness: an article published 12.5 h later needs a tenth
of the engagement to rank level. Nothing needs recomputing as time passes, because every
article's score ages at the same rate; an update only changes the engagement term, in one
race-safe UPDATE (see `bump`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import F, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Greatest, Log
from django.db.models.sql import UpdateQuery
from django.utils import timezone

TAU_SECONDS = 12.5 * 3600
EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
WEIGHTS = {"views_count": 1, "shares_count": 5, "comments_count": 3, "likes_count": 2}


def engagement(views: int = 0, shares: int = 0, comments: int = 0, likes: int = 0) -> int:
    return views + 5 * shares + 3 * comments + 2 * likes


def hot_score(published_at: dt.datetime | None, weighted_engagement: int) -> float:
    if published_at is None:
        return 0.0
    age_term = (published_at - EPOCH).total_seconds() / TAU_SECONDS
    return math.log10(max(1, weighted_engagement)) + age_term


def _engagement_expr() -> CombinedExpression:
    return (
        F("views_count") * 1 + F("shares_count") * 5 + F("comments_count") * 3 + F("likes_count") * 2  # type: ignore[return-value]
    )


def bump(counter: str, by: int = 1) -> dict[str, object]:
    """UPDATE kwargs adding `by` to one counter and moving hot_score by the log difference.

    Both right-hand sides read the row's old values (SQL semantics), so concurrent bumps
    compose without a read-modify-write race.
    """
    old = _engagement_expr()
    new = old + Value(WEIGHTS[counter] * by)
    return {
        counter: F(counter) + by,
        "hot_score": F("hot_score")
        - Log(10, Greatest(Value(1.0), old * 1.0))
        + Log(10, Greatest(Value(1.0), new * 1.0)),
    }


# --------------------------------------------------------------------------------------------
# bump_article: the same UPDATE, compiled by the ORM once per shape and database

# Stand-ins compiled into the statement in place of this call's id and time, then found again in
# its parameters (numbers no article id or count takes).
_ID = -7_301_946_285
_NOW = dt.datetime(2001, 2, 3, 4, 5, 6, 789_012, tzinfo=dt.UTC)
_compiled: dict[tuple[str, str, int, bool, bool], tuple[str, Callable[[int], list[Any]]]] = {}


def bump_article(article_id: int, counter: str, by: int = 1, *, published: bool = False, floor: bool = False) -> int:
    """`Article.objects.filter(pk=article_id).update(**bump(counter, by))`, and how many rows it
    changed (0 or 1): only if the article is public now with `published`, only if the counter is
    above 0 with `floor` (a take-back never goes below zero).

    The beacons run this on every counted read: resolving the ORM expressions of `bump` cost more
    than the UPDATE itself (docs/performance.md), so each shape of the statement is compiled once
    per database and run again with this call's id and time."""
    key = (connection.alias, counter, by, published, floor)
    if (found := _compiled.get(key)) is None:
        found = _compiled[key] = _compile(counter, by, published=published, floor=floor)
    sql, params = found
    with connection.cursor() as cursor:
        cursor.execute(sql, params(article_id))
        return int(cursor.rowcount)


def _compile(counter: str, by: int, *, published: bool, floor: bool) -> tuple[str, Callable[[int], list[Any]]]:
    from tidings.articles.models import Article  # the models import this module's formula

    qs = Article.objects.filter(pk=_ID)
    if published:
        qs = qs.filter(status=Article.Status.PUBLISHED, published_at__lte=_NOW)
    if floor:
        qs = qs.filter(**{f"{counter}__gt": 0})
    query: UpdateQuery = qs.query.chain(UpdateQuery)  # type: ignore[assignment]
    query.add_update_values(bump(counter, by))
    sql, compiled = query.get_compiler(connection.alias).as_sql()
    template = list(compiled)
    at_id = [i for i, p in enumerate(template) if p == _ID]
    stamp = connection.ops.adapt_datetimefield_value(_NOW)
    at_now = [i for i, p in enumerate(template) if p == stamp] if published else []
    if len(at_id) != 1 or len(at_now) != (1 if published else 0):
        raise RuntimeError(f"bump_article could not find its parameters in {sql!r} {template!r}")

    def params(article_id: int) -> list[Any]:
        values = list(template)
        values[at_id[0]] = article_id
        if at_now:
            values[at_now[0]] = connection.ops.adapt_datetimefield_value(timezone.now())
        return values

    return sql, params


# The one-line form shown on /hot/ and in docs/ranking.md.
FORMULA = (
    "热度 = log10(max(1, 阅读 + 5×分享 + 3×跟帖 + 2×点赞)) + 发布时间 / 12.5 小时"
    "（阅读按访客每篇每 30 分钟计一次，点赞每位访客每篇一次）"
)
