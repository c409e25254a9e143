"""Writes to articles. Views, the API, the importer, the demo generator and tests call these."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from tidings.articles.derived import refresh_derived
from tidings.articles.models import Article, Image
from tidings.creators.models import Creator
from tidings.discovery.ranking import engagement, hot_score
from tidings.lib.markup import ResolvedImage, render_markdown
from tidings.web.pagecache import invalidate_site


def media_url(path: str) -> str:
    return f"{settings.MEDIA_URL}{path}"


def resolved(image: Image) -> ResolvedImage:
    variants = [
        {"w": v["w"], "url": media_url(str(v["jpg"])), "url_webp": media_url(str(v["webp"]))} for v in image.variants
    ]
    return ResolvedImage(media_url(image.path), image.width, image.height, variants)


def render_body(body_md: str) -> str:
    """Markdown → sanitised HTML; images already in our media library render as <picture>."""
    prefix = settings.MEDIA_URL
    paths = {src[len(prefix) :] for src in _image_sources(body_md) if src.startswith(prefix)}
    by_path = {img.path: img for img in Image.objects.filter(path__in=paths)} if paths else {}

    def resolve(src: str) -> ResolvedImage | None:
        img = by_path.get(src[len(prefix) :]) if src.startswith(prefix) else None
        return resolved(img) if img else None

    return render_markdown(body_md, resolve)


def _image_sources(body_md: str) -> list[str]:
    from markdown_it import MarkdownIt

    found: list[str] = []
    for token in MarkdownIt("commonmark").parse(body_md):
        for child in token.children or []:
            if child.type == "image":
                found.append(str(child.attrGet("src") or ""))
    return found


def refresh_hot_score(article: Article) -> None:
    article.hot_score = hot_score(
        article.published_at,
        engagement(article.views_count, article.shares_count, article.comments_count, article.likes_count),
    )


def refresh_creator_counts(creator_ids: set[int]) -> None:
    """Recount 文章数 (published articles) for these creators in one query each way."""
    counts = dict(
        Creator.objects.filter(pk__in=creator_ids)
        .annotate(n=Count("articles", filter=Q(articles__status=Article.Status.PUBLISHED)))
        .values_list("pk", "n")
    )
    for pk, n in counts.items():
        Creator.objects.filter(pk=pk).update(articles_count=n)


@transaction.atomic
def save_article(article: Article, *, publish_at: dt.datetime | None = None, publish: bool = False) -> Article:
    """Render, score and save an article; with publish=True it goes public at publish_at (or now).

    Follow-up work (creator counts, cache invalidation) happens here, explicitly.
    """
    article.body_html = render_body(article.body_md)
    article.updated_at = timezone.now()
    if publish:
        article.status = Article.Status.PUBLISHED
        article.published_at = publish_at or article.published_at or timezone.now()
    refresh_hot_score(article)
    previous_creator = None
    if article.pk:
        previous_creator = Article.objects.filter(pk=article.pk).values_list("creator_id", flat=True).first()
    article.save()
    refresh_creator_counts({article.creator_id, *([previous_creator] if previous_creator else [])})
    refresh_derived([article.pk])
    transaction.on_commit(invalidate_site)
    return article


@transaction.atomic
def withdraw_article(article: Article) -> Article:
    article.status = Article.Status.WITHDRAWN
    article.updated_at = timezone.now()
    article.save(update_fields=["status", "updated_at"])
    refresh_creator_counts({article.creator_id})
    refresh_derived([article.pk])
    transaction.on_commit(invalidate_site)
    return article
