"""Atom feeds for the site, each channel and each creator."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from tidings.articles.models import Article, ArticleQuerySet
from tidings.channels.models import Channel
from tidings.creators.models import Creator

FEED_SIZE = 30


class SiteFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed

    def link(self, obj: object = None) -> str:
        return "/"

    def title(self, obj: object = None) -> str:
        from django.conf import settings

        return str(settings.SITE_NAME)

    def subtitle(self, obj: object = None) -> str:
        return "最新文章 Latest articles"

    def articles(self, obj: object) -> ArticleQuerySet:
        return Article.objects.published()

    def items(self, obj: object = None) -> list[Article]:
        return list(self.articles(obj).newest().select_related("creator", "channel")[:FEED_SIZE])

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        """The summary, then a line each for 转载 (its source) and 创作声明."""
        lines = [item.summary or item.title]
        if item.is_repost:
            lines.append(f"转载自 {item.repost_source} {item.repost_url}".rstrip())
        elif item.shows_original:
            lines.append("原创")
        if item.statements:
            lines.append("创作声明：" + "、".join(item.statement_labels))
        return "\n".join(lines)

    def item_author_name(self, item: Article) -> str:
        return item.creator.name

    def item_pubdate(self, item: Article) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> dt.datetime:
        return item.updated_at

    def item_categories(self, item: Article) -> list[str]:
        """The channel, then each 创作声明 (a category a reader's feed app can filter on)."""
        return [item.channel.name, *item.statement_labels]


class _ObjectFeed(SiteFeed):
    """The feed of one channel or creator: `model` found by `lookup`, articles by `articles()`."""

    model: type[Channel] | type[Creator]
    lookup: str

    def get_object(self, request: HttpRequest, **kwargs: str) -> Channel | Creator:  # type: ignore[override]
        return get_object_or_404(self.model._default_manager.all(), **{self.lookup: kwargs[self.lookup]})

    def title(self, obj: object = None) -> str:
        return f"{obj} - {super().title()}"

    def link(self, obj: object = None) -> str:
        return obj.get_absolute_url() if isinstance(obj, Channel | Creator) else "/"


class ChannelFeed(_ObjectFeed):
    model, lookup = Channel, "slug"

    def articles(self, obj: object) -> ArticleQuerySet:
        return Article.objects.published().in_channel(obj)  # type: ignore[arg-type]


class CreatorFeed(_ObjectFeed):
    model, lookup = Creator, "handle"

    def articles(self, obj: object) -> ArticleQuerySet:
        return Article.objects.published().by(obj)  # type: ignore[arg-type]
