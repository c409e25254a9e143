"""The sitemap (`/sitemap.xml`), every section in one place: articles, channels, creators and
topic pages (keywords shared by at least two published articles)."""

from __future__ import annotations

import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.db.models import Count
from django.urls import reverse

from tidings.articles.models import Article, ArticleQuerySet
from tidings.channels.models import Channel
from tidings.creators.models import Creator
from tidings.discovery.models import ArticleKeyword


class ArticleSitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "daily"
    limit = 5000

    def items(self) -> ArticleQuerySet:
        return Article.objects.published().order_by("-published_at", "-id").only("id", "updated_at")

    def lastmod(self, item: Article) -> dt.datetime:
        return item.updated_at


class ChannelSitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "hourly"

    def items(self) -> list[Channel]:
        return list(Channel.objects.all())


class CreatorSitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "daily"

    def items(self) -> list[Creator]:
        return list(Creator.objects.order_by("handle").only("id", "handle"))


MIN_ARTICLES = 2


class TopicSitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "daily"
    limit = 5000

    def items(self) -> list[str]:
        rows = (
            ArticleKeyword.objects.filter(article__in=Article.objects.published().values("pk"))
            .values("keyword")
            .annotate(n=Count("article"))
            .filter(n__gte=MIN_ARTICLES)
            .order_by("-n", "keyword")
            .values_list("keyword", flat=True)
        )
        return list(rows[:50000])

    def location(self, item: str) -> str:  # type: ignore[override]
        return reverse("topic", args=[item])


SITEMAPS = {"articles": ArticleSitemap, "channels": ChannelSitemap, "creators": CreatorSitemap, "topics": TopicSitemap}
