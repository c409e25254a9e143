"""推荐: a signed-in reader's personalised feed.

Candidates, each with the reason shown beside it ("why you see this"):
- recent articles of the creators the reader follows — 因为你关注了 X;
- articles whose keywords match the reader's interest profile — 因为你读过「关键词」相关文章. The
  profile is the sum of the keyword vectors of the reader's last PROFILE_READS reads, each
  weighted by exp(−age / PROFILE_HALF_LIFE·ln 2), so recent reading counts most;
- a share of the hot list for exploration — 热点.
Scores: interest = profile·article (cosine), follow = FOLLOW_SCORE, both × freshness; every
EXPLORE_EVERY-th slot is the best unused hot article. Left out: articles already read, and
whatever the reader marked 不感兴趣 (an article, a creator, a keyword). Readers with neither
follows nor reads, and readers who turned personalisation off, get the hot list.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.creators.models import Follow
from tidings.discovery import blocks
from tidings.discovery.models import ArticleKeyword, NotInterested, ReaderSettings
from tidings.engagement.models import Read
from tidings.lib.numbers import ascii_int

FEED_SIZE = 20
PROFILE_READS = 50
PROFILE_HALF_LIFE_DAYS = 7.0
PROFILE_KEYWORDS = 20
CANDIDATE_DAYS = 30
FRESH_DAYS = 5.0
FOLLOW_SCORE = 0.35
EXPLORE_EVERY = 5  # slots 5, 10, 15, 20 are hot articles (exploration)
HOT_POOL = 60


@dataclass(frozen=True)
class FeedItem:
    item: blocks.Item
    reason: str  # "follow" | "interest" | "hot"
    why: str
    keyword: str = ""  # the keyword behind an interest item (不感兴趣 this topic)


@dataclass
class Feed:
    personalised: bool  # False: the hot list (switched off, or nothing to go on yet)
    switched_off: bool
    items: list[FeedItem]


def is_personalised(user: User) -> bool:
    return ReaderSettings.objects.filter(user=user).values_list("personalised", flat=True).first() is not False


def hot_feed(limit: int, exclude: set[int] | None = None) -> list[FeedItem]:
    exclude = exclude or set()
    return [FeedItem(i, "hot", "热点") for i in blocks.hot(limit + len(exclude)) if i.id not in exclude][:limit]


def profile(user: User) -> tuple[Counter[str], set[int]]:
    """The reader's interest profile (keyword → weight) and the articles they have read."""
    now_ = timezone.now()
    reads = list(Read.objects.filter(user=user).order_by("-read_at").values_list("article_id", "read_at")[:500])
    read_ids = {pk for pk, _ in reads}
    decay = {
        pk: 0.5 ** ((now_ - at).total_seconds() / 86400 / PROFILE_HALF_LIFE_DAYS) for pk, at in reads[:PROFILE_READS]
    }
    interests: Counter[str] = Counter()
    if decay:
        for pk, kw, w in ArticleKeyword.objects.filter(article_id__in=list(decay)).values_list(
            "article_id", "keyword", "weight"
        ):
            interests[kw] += w * decay[pk]
    return interests, read_ids


def build(user: User, limit: int = FEED_SIZE) -> Feed:
    if not is_personalised(user):
        return Feed(False, True, hot_feed(limit))
    blocked: dict[str, set[str]] = {k: set() for k in NotInterested.Kind.values}
    for kind, value in NotInterested.objects.filter(user=user).values_list("kind", "value"):
        blocked[kind].add(value)
    blocked_articles = {n for v in blocked["article"] if (n := ascii_int(v)) is not None}
    blocked_creators = {n for v in blocked["creator"] if (n := ascii_int(v)) is not None}
    interests, read_ids = profile(user)
    followed = dict(
        Follow.objects.filter(user=user)
        .exclude(creator_id__in=blocked_creators)
        .values_list("creator_id", "creator__name")
    )
    exclude = read_ids | blocked_articles
    if not interests and not followed:
        return Feed(False, False, _filter_hot(limit, exclude, blocked_creators, blocked["keyword"]))

    now = timezone.now()
    since = now - timedelta(days=CANDIDATE_DAYS)
    recent = Article.objects.published().filter(published_at__gte=since)
    top = dict(sorted(interests.items(), key=lambda kv: -kv[1])[:PROFILE_KEYWORDS])
    norm = math.sqrt(sum(w * w for w in top.values())) or 1.0
    scores: dict[int, float] = {}
    reasons: dict[int, tuple[str, str, str]] = {}
    if top:
        best: dict[int, tuple[float, str]] = {}
        match: dict[int, float] = defaultdict(float)
        rows = ArticleKeyword.objects.filter(keyword__in=list(top), article__in=recent.values("pk")).values_list(
            "article_id", "keyword", "weight"
        )
        for pk, kw, w in rows:
            contribution = top[kw] / norm * w
            match[pk] += contribution
            if contribution > best.get(pk, (0.0, ""))[0]:
                best[pk] = (contribution, kw)
        for pk, s in match.items():
            scores[pk] = s
            reasons[pk] = ("interest", f"因为你读过「{best[pk][1]}」相关文章", best[pk][1])
    if followed:
        for pk, creator_id in (
            recent.filter(creator_id__in=list(followed)).newest().values_list("pk", "creator_id")[:100]
        ):
            scores[pk] = scores.get(pk, 0.0) + FOLLOW_SCORE
            reasons[pk] = ("follow", f"因为你关注了 {followed[creator_id]}", "")
    for pk in exclude:
        scores.pop(pk, None)
    if blocked["keyword"] and scores:
        hidden = ArticleKeyword.objects.filter(article_id__in=list(scores), keyword__in=blocked["keyword"])
        for pk in hidden.values_list("article_id", flat=True):
            scores.pop(pk, None)
    ranked_ids = sorted(scores, key=lambda pk: -scores[pk])[: limit * 3]
    ordered = []
    for i in _items(ranked_ids):
        if i.creator_id in blocked_creators:  # their articles may still match interests
            continue
        age = (now - i.published_at).total_seconds() / 86400 if i.published_at else CANDIDATE_DAYS
        ordered.append((scores[i.id] * (0.5 + 0.5 * math.exp(-age / FRESH_DAYS)), i))
    ordered.sort(key=lambda si: (-si[0], -si[1].id))
    personal = []
    for _, i in ordered:
        reason, why, kw = reasons[i.id]
        personal.append(FeedItem(i, reason, why, kw))
    used = {f.item.id for f in personal} | exclude
    explore = _filter_hot(limit, used, blocked_creators, blocked["keyword"])
    chosen: list[FeedItem] = []
    while len(chosen) < limit and (personal or explore):
        if (len(chosen) + 1) % EXPLORE_EVERY == 0 and explore:
            chosen.append(explore.pop(0))
        elif personal:
            chosen.append(personal.pop(0))
        else:
            chosen.append(explore.pop(0))
    return Feed(True, False, chosen)


def _items(ids: list[int]) -> list[blocks.Item]:
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    return blocks._top_items([blocks.Slice(f"a.id IN ({marks})", tuple(ids), len(ids), order="id")], "id")


def _filter_hot(limit: int, exclude: set[int], creators: set[int], kws: set[str]) -> list[FeedItem]:
    pool = [i for i in blocks.hot(HOT_POOL + len(exclude)) if i.id not in exclude and i.creator_id not in creators]
    if kws and pool:
        hidden = set(
            ArticleKeyword.objects.filter(article_id__in=[i.id for i in pool], keyword__in=kws).values_list(
                "article_id", flat=True
            )
        )
        pool = [i for i in pool if i.id not in hidden]
    return [FeedItem(i, "hot", "热点") for i in pool[:limit]]
