"""The lists that pages show: hot, related, channel 要闻 boxes, 态度原创 tabs, 往期回顾.

Each is one query (boxes: two, picks then fill), built on the Article read vocabulary. The
site-wide blocks are the same on every page, so `site_blocks()` keeps them in the cache for
BLOCK_CACHE_SECONDS under the site generation (a publish or edit makes them stale at once).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Q, When

from tidings.articles.models import Article
from tidings.channels.models import Channel, Pick
from tidings.web.models import PlatformNotice
from tidings.web.pagecache import GENERATION_KEY

HOT_SIZE = 20
BOX_SIZE = 6
TAB_SIZE = 6
RELATED_SIZE = 8
RECENT_SIZE = 5


@dataclass(frozen=True, slots=True)
class Item:
    """What a list shows of an article; cheap to pickle into the cache."""

    id: int
    title: str
    url: str
    published_at: dt.datetime | None
    creator_name: str
    creator_url: str
    channel_name: str
    channel_url: str
    original: bool
    lang: str
    summary: str = ""
    cover: str = ""
    comments_count: int = 0


def item(a: Article) -> Item:
    return Item(
        id=a.pk,
        title=a.title,
        url=f"/a/{a.pk}/",
        published_at=a.published_at,
        creator_name=a.creator.name,
        creator_url=f"/u/{a.creator.handle}/",
        channel_name=a.channel.name,
        channel_url=f"/c/{a.channel.slug}/",
        original=a.original,
        lang=a.lang,
        summary=a.summary,
        cover=a.cover_url,
        comments_count=a.comments_count,
    )


@dataclass
class Box:
    channel: Channel
    items: list[Item] = field(default_factory=list)


@dataclass
class SiteBlocks:
    channels: list[Channel]
    hot: list[Item]
    boxes: list[Box]
    tabs: list[Box]
    notice: PlatformNotice


def hot(limit: int = HOT_SIZE, channel: Channel | None = None) -> list[Item]:
    qs = Article.objects.published().hot().for_lists()
    if channel is not None:
        qs = qs.in_channel(channel)
    return [item(a) for a in qs[:limit]]


def _top_per_channel(base: Q, channel_ids: list[int], order: tuple[str, ...], per: int) -> dict[int, list[Article]]:
    """Top `per` articles of each channel in one query: OR of per-channel LIMIT subqueries.

    Each subquery is an index range scan (article_channel_hot / article_originals), so the cost
    does not grow with the size of the site the way a window function over all rows would.
    """
    if not channel_ids:
        return {}
    subqueries = [
        Q(pk__in=Article.objects.published().filter(base, channel_id=cid).order_by(*order).values("pk")[:per])
        for cid in channel_ids
    ]
    grouped: dict[int, list[Article]] = defaultdict(list)
    for a in Article.objects.for_lists().filter(reduce(or_, subqueries)).order_by(*order):
        grouped[a.channel_id].append(a)
    return grouped


def channel_boxes(channels: list[Channel], per_box: int = BOX_SIZE) -> list[Box]:
    """要闻 boxes: live editor picks first, then the channel's hot list fills the empty slots."""
    ids = [c.pk for c in channels]
    picked: dict[int, list[Article]] = defaultdict(list)
    for pick in (
        Pick.objects.live()
        .filter(channel_id__in=ids)
        .select_related("article__creator", "article__channel")
        .order_by("channel_id", "position", "-created_at")
    ):
        if len(picked[pick.channel_id]) < per_box:
            picked[pick.channel_id].append(pick.article)
    # Fetch enough hot articles to fill every slot even when some hot ones are also picked.
    fill = _top_per_channel(Q(), ids, ("-hot_score", "-id"), per_box * 2)
    boxes = []
    for c in channels:
        chosen = picked[c.pk][:per_box]
        seen = {a.pk for a in chosen}
        chosen += [a for a in fill.get(c.pk, []) if a.pk not in seen][: per_box - len(chosen)]
        boxes.append(Box(c, [item(a) for a in chosen]))
    return boxes


def originals_tabs(channels: list[Channel], per_tab: int = TAB_SIZE) -> list[Box]:
    grouped = _top_per_channel(Q(original=True), [c.pk for c in channels], ("-published_at", "-id"), per_tab)
    return [Box(c, [item(a) for a in grouped.get(c.pk, [])]) for c in channels]


def notice() -> PlatformNotice:
    return PlatformNotice.objects.order_by("pk").first() or PlatformNotice()


def load_site_blocks() -> SiteBlocks:
    channels = list(Channel.objects.all())
    boxes = [c for c in channels if c.kind == Channel.Kind.NEWS and c.in_boxes]
    tabs = [c for c in channels if c.kind == Channel.Kind.ORIGINALS]
    return SiteBlocks(
        channels=channels,
        hot=hot(HOT_SIZE + 1),
        boxes=channel_boxes(boxes),
        tabs=originals_tabs(tabs),
        notice=notice(),
    )


def site_blocks() -> SiteBlocks:
    seconds = settings.BLOCK_CACHE_SECONDS
    if seconds <= 0:
        return load_site_blocks()
    key = f"blocks:{cache.get(GENERATION_KEY) or 0}"
    blocks = cache.get(key)
    if blocks is None:
        blocks = load_site_blocks()
        cache.set(key, blocks, seconds)
    return blocks


def related(article: Article, limit: int = RELATED_SIZE) -> list[Item]:
    """相关推荐 (a simple rule until discovery ranks by keywords): the same channel's newest,
    topped up with the newest from elsewhere when the channel has too few.

    One query: two bounded index scans (LIMIT subqueries) and a sort of at most 2 × limit rows.
    Never the article itself, never an unpublished one.
    """
    others = Article.objects.published().exclude(pk=article.pk)
    same = others.in_channel(article.channel_id).newest().values("pk")[:limit]
    elsewhere = others.exclude(channel_id=article.channel_id).newest().values("pk")[:limit]
    qs = (
        Article.objects.for_lists()
        .filter(Q(pk__in=same) | Q(pk__in=elsewhere))
        .annotate(same_channel=Case(When(channel_id=article.channel_id, then=0), default=1))
        .order_by("same_channel", "-published_at", "-id")
    )
    return [item(a) for a in qs[:limit]]


def creator_recent(article: Article, limit: int = RECENT_SIZE) -> list[Item]:
    """往期回顾: the creator's other recent articles."""
    qs = Article.objects.published().by(article.creator_id).exclude(pk=article.pk).newest().for_lists()
    return [item(a) for a in qs[:limit]]
