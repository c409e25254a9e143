"""Topic pages in the sitemap: keywords shared by at least two published articles."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.sitemaps import Sitemap
from django.db.models import Count

from tidings.articles.models import Article
from tidings.discovery.models import ArticleKeyword

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
        return f"/t/{quote(item)}/"
