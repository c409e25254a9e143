"""The lists that pages show: hot, related, channel 要闻 boxes, 态度原创 tabs, 往期回顾.

Every list is read by one statement of `_top_items`: a UNION ALL of "top n of this slice"
subqueries, each an index range scan (article_hot, article_channel_hot, article_originals,
article_creator_newest, article_channel_newest), selecting only the columns a list shows, joined
with creator and channel. So every box of the page costs one query whatever the number of
channels, nothing scans the whole table, and no model instances are built for list items
(profiling showed ORM SQL compilation and instance building, not the database, dominated the
page: docs/performance.md).

The site-wide blocks (channels, hot, boxes, tabs, notice) are the same on every page:
`site_blocks()` keeps them per process for BLOCK_CACHE_SECONDS under the site generation, with
the boxes and tabs already rendered to HTML, so a page-cache miss only queries what is its own.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from tidings.articles.models import Article
from tidings.channels.models import Channel, Pick
from tidings.creators.models import Creator
from tidings.discovery.models import ArticleKeyword, Related
from tidings.lib.urls import url_for

HOT_SIZE = 20
BOX_SIZE = 6
TAB_SIZE = 6
RELATED_SIZE = 8
RECENT_SIZE = 5
KEYWORD_LINKS = 6


@dataclass(frozen=True, slots=True)
class Item:
    """What a list shows of an article."""

    id: int
    title: str
    url: str
    published_at: dt.datetime | None
    creator_name: str
    creator_url: str
    channel_id: int
    channel_name: str
    channel_url: str
    original: bool
    lang: str
    summary: str = ""
    cover: str = ""
    comments_count: int = 0
    creator_id: int = 0
    # List thumbnails (tidings.articles.thumbs): one shown on the right, or three in a row.
    thumbs: tuple[Thumb, ...] = ()


@dataclass(frozen=True, slots=True)
class Thumb:
    src: str  # the small WebP (its width and height below)
    srcset: str  # small and large, for the browser to pick by the width shown
    width: int
    height: int


def thumbs_of(raw: Any) -> tuple[Thumb, ...]:
    """Article.thumbs as stored (a list, or JSON text from a raw cursor) → Thumbs."""
    if not raw:
        return ()
    if isinstance(raw, str | bytes):
        raw = json.loads(raw)
        if not raw:
            return ()
    media = settings.MEDIA_URL
    out = []
    for small, large, w, h, large_w in raw:
        src = f"{media}{small}"
        srcset = f"{src} {w}w" if small == large else f"{src} {w}w, {media}{large} {large_w}w"
        out.append(Thumb(src, srcset, int(w), int(h)))
    return tuple(out)


def item(a: Article) -> Item:
    """An Item from an Article fetched with for_lists() (paginated streams)."""
    return Item(
        id=a.pk,
        title=a.title,
        url=url_for("article", a.pk),
        published_at=a.published_at,
        creator_name=a.creator.name,
        creator_url=url_for("creator", a.creator.handle),
        channel_id=a.channel_id,
        channel_name=a.channel.name,
        channel_url=url_for("channel", a.channel.slug),
        original=a.shows_original,
        lang=a.lang,
        summary=a.summary,
        cover=a.cover_url,
        comments_count=a.comments_count,
        creator_id=a.creator_id,
        thumbs=thumbs_of(a.thumbs),
    )


# --- one SQL shape for every list ------------------------------------------------------------

_A = Article._meta.db_table
_CR = Creator._meta.db_table
_CH = Channel._meta.db_table
_COLUMNS = (
    # 原创 shows only while no near-duplicate match waits for an editor (Article.shows_original).
    "a.id, a.title, a.published_at, (a.original AND a.original_check <> 'matched'), a.lang, a.summary, a.cover, "
    "a.comments_count, "
    "a.channel_id, cr.name, cr.handle, ch.name, ch.slug, a.creator_id, a.thumbs"
)
# Mirrors ArticleQuerySet.published(); tests check both give the same articles on both databases.
# COALESCE(x, x) is x, but no index can serve it: without it SQLite's planner takes the
# published_at range as the access path and sorts every published article for a hot list
# (2.5 ms at 500 articles, linear in the site); with it the ORDER BY index drives (0.02 ms).
_PUBLISHED = "a.status = 'published' AND COALESCE(a.published_at, a.published_at) <= %s"
ORDERS = {
    "hot": "a.hot_score DESC, a.id DESC",
    "newest": "a.published_at DESC, a.id DESC",
    "id": "a.id",
    "rank": "r.rank",  # with RELATED_JOIN
}
# A slice over an article's precomputed related list (tidings.discovery.related).
RELATED_JOIN = f"JOIN {Related._meta.db_table} r ON r.other_id = a.id"


@dataclass(frozen=True)
class Slice:
    """One "top n" part of a list: extra WHERE conditions (on alias a), their params, n."""

    where: str
    params: tuple[Any, ...]
    limit: int
    order: str | None = None  # a key of ORDERS; default: the list's order
    join: str = ""  # an extra JOIN (e.g. RELATED_JOIN)


def _as_datetime(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=dt.UTC)
    parsed = dt.datetime.fromisoformat(str(value))  # SQLite returns text, stored in UTC
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _row_item(row: Sequence[Any]) -> Item:
    (
        pk,
        title,
        published,
        original,
        lang,
        summary,
        cover,
        comments,
        channel_id,
        cname,
        handle,
        chname,
        slug,
        cid,
        thumbs,
    ) = row
    return Item(
        id=pk,
        title=title,
        url=url_for("article", pk),
        published_at=_as_datetime(published),
        creator_name=cname,
        creator_url=url_for("creator", handle),
        channel_id=channel_id,
        channel_name=chname,
        channel_url=url_for("channel", slug),
        original=bool(original),
        lang=lang,
        summary=summary,
        cover=f"{settings.MEDIA_URL}{cover}" if cover else "",
        comments_count=comments,
        creator_id=cid,
        thumbs=thumbs_of(thumbs),
    )


def _top_items(slices: Sequence[Slice], order: str) -> list[Item]:
    """Each slice's top `limit` published articles in `order`, concatenated slice by slice."""
    if not slices:
        return []
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    parts, params = [], []
    for i, s in enumerate(slices):
        where = f"{_PUBLISHED} AND {s.where}" if s.where else _PUBLISHED
        parts.append(
            f"SELECT * FROM (SELECT {_COLUMNS} FROM {_A} a JOIN {_CR} cr ON cr.id = a.creator_id "
            f"JOIN {_CH} ch ON ch.id = a.channel_id {s.join} WHERE {where} ORDER BY {ORDERS[s.order or order]} "
            f"LIMIT {int(s.limit)}) t{i}"
        )
        params += [now, *s.params]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return [_row_item(r) for r in cursor.fetchall()]


def _grouped(items: list[Item]) -> dict[int, list[Item]]:
    grouped: dict[int, list[Item]] = defaultdict(list)
    for i in items:
        grouped[i.channel_id].append(i)
    return grouped


# --- the lists -------------------------------------------------------------------------------


def hot(limit: int = HOT_SIZE, channel: Channel | None = None) -> list[Item]:
    """热点推荐, site-wide or for one channel: an index scan on the stored hot score."""
    where = Slice("a.channel_id = %s", (channel.pk,), limit) if channel else Slice("", (), limit)
    return _top_items([where], "hot")


def channel_boxes(channels: Sequence[Channel], per_box: int = BOX_SIZE) -> list[Box]:
    """要闻 boxes: live editor picks first, then the channel's hot list fills the empty slots."""
    ids = [c.pk for c in channels]
    picked: dict[int, list[int]] = defaultdict(list)
    for channel_id, article_id in (
        Pick.objects.live()
        .filter(channel_id__in=ids)
        .order_by("position", "-created_at")
        .values_list("channel_id", "article_id")
    ):
        picked[channel_id].append(article_id)
    # The fill needs per_box plus as many as may repeat a pick; picked articles come in the same
    # statement, as one more slice.
    slices = [Slice("a.channel_id = %s", (c.pk,), per_box + len(picked[c.pk])) for c in channels]
    pick_ids = sorted({pk for pks in picked.values() for pk in pks})
    if pick_ids:
        # Ordered by id so that the planner looks the few ids up instead of walking the hot index.
        in_list = ", ".join(["%s"] * len(pick_ids))
        slices.append(Slice(f"a.id IN ({in_list})", tuple(pick_ids), len(pick_ids), order="id"))
    items = _top_items(slices, "hot")
    by_id = {i.id: i for i in items}
    fill = _grouped(items)
    boxes = []
    for c in channels:
        chosen = [by_id[pk] for pk in picked[c.pk] if pk in by_id][:per_box]
        seen = {i.id for i in chosen}
        chosen += [i for i in fill.get(c.pk, []) if i.id not in seen][: per_box - len(chosen)]
        boxes.append(Box(c, chosen))
    return boxes


def originals_tabs(channels: Sequence[Channel], per_tab: int = TAB_SIZE) -> list[Box]:
    slices = [
        Slice("a.channel_id = %s AND a.original = %s AND a.original_check <> %s", (c.pk, True, "matched"), per_tab)
        for c in channels
    ]
    grouped = _grouped(_top_items(slices, "newest"))
    return [Box(c, grouped.get(c.pk, [])) for c in channels]


def related(article: Article, limit: int = RELATED_SIZE) -> list[Item]:
    """相关推荐: the article's precomputed list (keyword similarity, tidings.discovery.related),
    still public now; when it is short or not computed yet, the same channel's newest (then other
    channels') fill it. Never the article itself, never an unpublished one. One statement."""
    items = _top_items(
        [
            Slice("r.article_id = %s", (article.pk,), limit, order="rank", join=RELATED_JOIN),
            Slice("a.channel_id = %s AND a.id <> %s", (article.channel_id, article.pk), limit, order="newest"),
            Slice("a.channel_id <> %s", (article.channel_id,), limit, order="newest"),
        ],
        "newest",
    )
    seen: set[int] = set()
    chosen = []
    for i in items:
        if i.id not in seen:
            seen.add(i.id)
            chosen.append(i)
    return chosen[:limit]


def keywords(article: Article, limit: int = KEYWORD_LINKS) -> list[str]:
    """The article's strongest keywords (its tags first: they weigh most), for topic links."""
    return list(
        ArticleKeyword.objects.filter(article=article).order_by("rank").values_list("keyword", flat=True)[:limit]
    )


def creator_recent(article: Article, limit: int = RECENT_SIZE) -> list[Item]:
    """往期回顾: the creator's other recent articles."""
    return _top_items([Slice("a.creator_id = %s AND a.id <> %s", (article.creator_id, article.pk), limit)], "newest")


# --- the site-wide blocks --------------------------------------------------------------------


@dataclass
class Box:
    channel: Channel
    items: list[Item] = field(default_factory=list)
