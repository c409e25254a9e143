"""热门跟帖: the Wilson lower bound of 顶 against 踩, with a time decay, stored as `Comment.rank`.

    rank = QUALIFIED + log10(max(W, 0.001)) + (t_posted − 2020-01-01) / τ     (n ≥ MIN_VOTES, 顶 ≥ 1)
    rank =                                    (t_posted − 2020-01-01) / τ     (otherwise: 最新 order)

    W = (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n),  p = 顶/n,  n = 顶 + 踩,  z = 1.96

W is the lower end of the 95 % interval for the share of readers who would 顶 the comment: 3 顶
of 3 rank below 90 of 100. As for articles (tidings.articles.ranking), the time term makes
decay free: every comment's rank ages at the same rate, so nothing is recomputed as time passes;
a comment one τ (24 h) newer needs a tenth of the Wilson score to rank level. Comments with
fewer than MIN_VOTES votes (or no 顶) are not ranked yet: they follow all ranked ones, newest
first. The rank changes only when a vote does (tidings.comments.actions.vote, under a row lock).
"""

from __future__ import annotations

import datetime as dt
import math

TAU_SECONDS = 24 * 3600
EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
MIN_VOTES = 3
Z = 1.96
QUALIFIED = 100_000.0  # above any time term for millennia: ranked comments come first

FORMULA = "热门 = 威尔逊下界(顶, 踩) 的对数 + 发表时间 / 24 小时；少于 3 票或没有顶的跟帖按最新排在后面"


def wilson_lower_bound(up: int, down: int, z: float = Z) -> float:
    n = up + down
    if n == 0:
        return 0.0
    p = up / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)
    return (centre - spread) / (1 + z2 / n)


def qualifies(up: int, down: int) -> bool:
    return up >= 1 and up + down >= MIN_VOTES


def rank(up: int, down: int, posted_at: dt.datetime) -> float:
    age_term = (posted_at - EPOCH).total_seconds() / TAU_SECONDS
    if not qualifies(up, down):
        return age_term
    return QUALIFIED + math.log10(max(wilson_lower_bound(up, down), 0.001)) + age_term
