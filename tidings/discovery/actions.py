"""Writes of a reader's recommendation settings: the personalisation switch and 不感兴趣."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.creators.models import Creator
from tidings.discovery.models import NotInterested, ReaderSettings
from tidings.lib.numbers import ascii_int

MAX_KEYWORD = 40


def set_personalised(user: User, on: bool) -> ReaderSettings:
    """个性化推荐 开/关 for this reader; takes effect on the next page."""
    row, _ = ReaderSettings.objects.update_or_create(
        user=user, defaults={"personalised": on, "updated_at": timezone.now()}
    )
    return row


def not_interested(user: User, kind: str, value: str) -> NotInterested:
    """不感兴趣: stop recommending this article, creator or keyword. ValueError on a bad target."""
    value = str(value).strip()
    if kind == NotInterested.Kind.ARTICLE:
        # Only published articles: feedback must not confirm, or later show the title of, a draft.
        pk = ascii_int(value)
        if pk is None or not Article.objects.published().filter(pk=pk).exists():
            raise ValueError("没有这篇文章。")
    elif kind == NotInterested.Kind.CREATOR:
        pk = ascii_int(value)
        if pk is None or not Creator.objects.filter(pk=pk).exists():
            raise ValueError("没有这位作者。")
    elif kind == NotInterested.Kind.KEYWORD:
        if not value or len(value) > MAX_KEYWORD:
            raise ValueError("话题不能为空，也不能超过 40 个字。")
    else:
        raise ValueError("不认识的反馈类型。")
    with transaction.atomic():
        row, _ = NotInterested.objects.get_or_create(user=user, kind=kind, value=value)
    return row


def undo_not_interested(user: User, pk: int) -> bool:
    deleted, _ = NotInterested.objects.filter(user=user, pk=pk).delete()
    return bool(deleted)
