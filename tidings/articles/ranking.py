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

from django.db.models import F, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Greatest, Log

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


# The one-line form shown on /hot/ and in docs/ranking.md.
FORMULA = (
    "热度 = log10(max(1, 阅读 + 5×分享 + 3×跟帖 + 2×点赞)) + 发布时间 / 12.5 小时"
    "（阅读按访客每篇每 30 分钟计一次，点赞每位访客每篇一次）"
)
