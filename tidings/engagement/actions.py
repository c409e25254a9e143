"""Engagement: race-safe counter updates that move the stored hot score with them, and the
deduplication that keeps one visitor from moving them more than once.

- a read counts once per visitor per article per READ_WINDOW_SECONDS (30 min): Redis `SET NX EX`
  where configured, else a claim on engagement.ViewWindow (INSERT, or a conditional UPDATE of a
  row older than the window);
- a share counts once per visitor, article and target per window (the same claim as reads);
- a like counts once per visitor per article: likes_count is the number of active Like rows, an
  unlike takes the like (and its hot-score share) back, so toggling adds nothing;
- signed-in readers' reads are kept (engagement.Read) for their personalised feed and their
  浏览历史, unless they turned 记录浏览历史 off (engagement.HistorySetting);
- 收藏 (engagement.Save): one row per reader and article, so saving twice or unsaving twice
  changes nothing;
- every counted read, like, unlike and share, and every impression (曝光: an article seen in a
  list), is also a raw event for the creator's 数据中心 (tidings.stats). Impressions come in
  batches and are deduplicated like reads (once per visitor and article per window) with one
  statement for the whole batch (`_claim_many`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.articles.ranking import bump_article
from tidings.engagement.models import HistorySetting, Like, Read, Save, ViewWindow
from tidings.stats import events
from tidings.stats.models import Event

SHARE_TARGETS = ("wechat", "weibo", "qq", "link")


def record_share(article_id: int, target: str, visitor: str) -> bool:
    """Count a visitor's share of a published article to one target, once per read window (a
    share loop is a refresh loop at five times the weight). False if it did not count."""
    if target not in SHARE_TARGETS:
        raise ValueError(f"unknown share target {target!r}")
    creator_id = _published_creator(article_id)
    if creator_id is None:
        return False
    if not _claim_read(f"s:{target}:{visitor}", article_id, timezone.now()):
        return False
    with transaction.atomic():
        if bump_article(article_id, "shares_count", published=True) != 1:
            return False
        events.record(Event.Kind.SHARE, article_id, creator_id)
    return True


def _published_creator(article_id: int) -> int | None:
    """The creator of a published article (None: no such published article)."""
    return published_creators([article_id]).get(article_id)


def published_creators(article_ids: list[int]) -> dict[int, int]:
    """{article id: creator id} for those of the ids that are published articles, in plain SQL:
    the beacons ask on every request, and compiling the ORM query cost more than running it.
    Mirrors ArticleQuerySet.published(); a test checks they agree."""
    if not article_ids:
        return {}
    table = connection.ops.quote_name(Article._meta.db_table)
    marks = ", ".join(["%s"] * len(article_ids))
    sql = f"SELECT id, creator_id FROM {table} WHERE id IN ({marks}) AND status = %s AND published_at <= %s"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [*article_ids, Article.Status.PUBLISHED.value, now])
        return {int(pk): int(creator) for pk, creator in cursor.fetchall()}


def read_window() -> int:
    return int(settings.READ_WINDOW_SECONDS)


def _claim_read(visitor: str, article_id: int, now: dt.datetime) -> bool:
    """True for the first read of this visitor and article in the window (race-safe): one
    statement, as for a batch (_claim_many)."""
    return bool(_claim_many(visitor, [article_id], now))


def prune_view_windows() -> int:
    """Delete read claims older than the window (they no longer block anything); returns how many.
    `tidings worker` runs it every minute (`tidings discovery --prune` by hand)."""
    cutoff = timezone.now() - dt.timedelta(seconds=read_window())
    deleted, _ = ViewWindow.objects.filter(counted_at__lte=cutoff).delete()
    return deleted


def record_read(article_id: int, visitor: str, user: User | None = None) -> bool:
    """A visitor read a published article: count it if it is the visitor's first read of it in
    the window, and keep it in a signed-in reader's history. True if it counted."""
    return count_read(article_id, visitor, user) is not None


def count_read(
    article_id: int, visitor: str, user: User | None = None, *, source: int = events.DIRECT, host: str = ""
) -> str | None:
    """record_read, which also keeps the read as a raw event (with where the reader came from)
    and returns its read token, or None if it did not count. The token lets the page report later
    how far down it was read and for how long (tidings.stats.actions.record_read_end)."""
    creator_id = _published_creator(article_id)
    if creator_id is None:
        return None
    now = timezone.now()
    if user is not None and user.is_authenticated and records_history(user):
        Read.objects.update_or_create(user=user, article_id=article_id, defaults={"read_at": now})
    if not _claim_read(visitor, article_id, now):
        return None
    with transaction.atomic():
        if bump_article(article_id, "views_count", published=True) != 1:
            return None
        read = events.NewEvent(Event.Kind.READ, article_id, creator_id, at=now, source=source, host=host)
        event_id = events.append_one(read)
    return events.read_token(event_id, article_id, creator_id, now)


def record_impressions(visitor: str, seen: dict[int, int]) -> int:
    """曝光: a batch of {article id: list it was seen in} from one visitor's page. Each published
    article counts once per visitor per read window (the first list wins); ids that are not
    published articles (withdrawn since the page was cached) are left out. Three statements
    whatever the batch holds: the articles, the claims, the INSERT. Returns how many counted."""
    creators = published_creators(list(seen))
    if not creators:
        return 0
    now = timezone.now()
    with transaction.atomic():
        fresh = _claim_many(f"i:{visitor}", sorted(creators), now)
        events.append(events.NewEvent(Event.Kind.IMPRESSION, pk, creators[pk], at=now, source=seen[pk]) for pk in fresh)
    return len(fresh)


def _claim_many(visitor: str, article_ids: list[int], now: dt.datetime) -> list[int]:
    """_claim_read for many articles at once: the ids whose claim this call won. Redis: one
    pipeline of SET NX EX; the database: one INSERT … ON CONFLICT DO UPDATE … WHERE expired
    RETURNING (SQLite ≥ 3.35 and PostgreSQL), which inserts new claims and takes expired ones."""
    window = read_window()
    if settings.REDIS_URL:
        keys = [cache.make_and_validate_key(f"read:{pk}:{visitor}") for pk in article_ids]
        client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.set(key, 1, nx=True, ex=window)
        return [pk for pk, won in zip(article_ids, pipe.execute(), strict=True) if won]
    table = connection.ops.quote_name(ViewWindow._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(now)
    cutoff = connection.ops.adapt_datetimefield_value(now - dt.timedelta(seconds=window))
    values = ", ".join(["(%s, %s, %s)"] * len(article_ids))
    params: list[Any] = []
    for pk in article_ids:
        params += [visitor, pk, stamp]
    sql = (
        f"INSERT INTO {table} (visitor, article_id, counted_at) VALUES {values} "
        f"ON CONFLICT (visitor, article_id) DO UPDATE SET counted_at = excluded.counted_at "
        f"WHERE {table}.counted_at <= %s RETURNING article_id"
    )
    try:
        # A savepoint: an article purged since the published lookup fails the claim's foreign
        # key, and then nothing counts (the caller's transaction goes on).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [*params, cutoff])
            return sorted(int(row[0]) for row in cursor.fetchall())
    except IntegrityError:
        return []


@transaction.atomic
def like(article_id: int, visitor: str) -> bool:
    """点赞. True if it counted: a visitor's like counts once, however often it is sent."""
    creator_id = _published_creator(article_id)
    if creator_id is None:
        return False
    now = timezone.now()
    _row, created = Like.objects.get_or_create(visitor=visitor, article_id=article_id, defaults={"updated_at": now})
    if not created and not Like.objects.filter(pk=_row.pk, active=False).update(active=True, updated_at=now):
        return False
    if bump_article(article_id, "likes_count") != 1:
        return False
    events.record(Event.Kind.LIKE, article_id, creator_id)
    return True


@transaction.atomic
def unlike(article_id: int, visitor: str) -> bool:
    """Take a like back (its count and its share of the hot score). True if there was one."""
    if not Like.objects.filter(visitor=visitor, article_id=article_id, active=True).update(
        active=False, updated_at=timezone.now()
    ):
        return False
    if bump_article(article_id, "likes_count", -1, floor=True) != 1:
        return False
    creator_id = Article.objects.filter(pk=article_id).values_list("creator_id", flat=True).first()
    if creator_id is not None:
        events.record(Event.Kind.LIKE, article_id, creator_id, n=-1)
    return True


def liked(article_id: int, visitor: str) -> bool:
    return Like.objects.filter(visitor=visitor, article_id=article_id, active=True).exists()


def save_article_for(user: User, article: Article) -> bool:
    """收藏 a published article. True if it is newly saved; saving again changes nothing (the
    unique constraint settles concurrent saves: get_or_create re-reads after losing the race)."""
    if not Article.objects.published().filter(pk=article.pk).exists():
        return False
    _row, created = Save.objects.get_or_create(user=user, article_id=article.pk)
    return created


def unsave(user: User, article: Article) -> bool:
    """取消收藏. True if there was a save to remove (any state of the article)."""
    deleted, _ = Save.objects.filter(user=user, article_id=article.pk).delete()
    return deleted > 0


def is_saved(user: User, article_id: int) -> bool:
    return Save.objects.filter(user=user, article_id=article_id).exists()


def saves_of(user: User) -> QuerySet[Save]:
    """我的收藏: newest first, published articles only (a withdrawn or deleted one drops out, and
    comes back with its save if it is published again)."""
    return (
        Save.objects.filter(user=user, article__in=Article.objects.published())
        .select_related("article", "article__creator", "article__channel")
        .order_by("-created_at", "-pk")
    )


def history_of(user: User) -> QuerySet[Read]:
    """浏览历史: one row per article (engagement.Read is unique per reader and article) at its last
    read, newest first, published articles only."""
    return (
        Read.objects.filter(user=user, article__in=Article.objects.published())
        .select_related("article", "article__creator", "article__channel")
        .order_by("-read_at", "-pk")
    )


def records_history(user: User) -> bool:
    return not HistorySetting.objects.filter(user=user, record=False).exists()


def set_history_recording(user: User, on: bool) -> None:
    """记录浏览历史 on or off; off keeps what is there (清空历史 removes it) and records nothing new."""
    HistorySetting.objects.update_or_create(user=user, defaults={"record": on, "updated_at": timezone.now()})


def clear_history(user: User) -> int:
    """清空历史: every Read row of the reader (the personalised feed forgets them too). Returns how many."""
    deleted, _ = Read.objects.filter(user=user).delete()
    return deleted
