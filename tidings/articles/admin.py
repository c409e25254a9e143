from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from tidings.articles.actions import save_article, withdraw_article
from tidings.articles.models import Article, Reference


class ReferenceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Reference
    extra = 0
    # A bare "example.com" means https (Django 6's default, set explicitly for 5.2).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "creator", "channel", "status", "published_at", "original", "hot_score")
    list_filter = ("status", "channel", "original", "lang")
    search_fields = ("title", "creator__name", "creator__handle")
    date_hierarchy = "published_at"
    raw_id_fields = ("creator",)
    readonly_fields = (
        "views_count",
        "shares_count",
        "comments_count",
        "likes_count",
        "hot_score",
        "import_key",
        "deleted_at",
    )
    inlines = [ReferenceInline]
    list_select_related = ("creator", "channel")
    actions = ["publish", "withdraw"]

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        # Through the action, so the body is rendered and sanitised and caches are invalidated.
        # "Published" with a future date means scheduled: the worker publishes it at that minute.
        if obj.status == Article.Status.PUBLISHED and obj.published_at and obj.published_at > timezone.now():
            obj.status = Article.Status.SCHEDULED
        save_article(obj, publish=obj.status == Article.Status.PUBLISHED)

    @admin.action(description="发布 Publish selected articles")
    def publish(self, request: HttpRequest, queryset: Any) -> None:
        for article in queryset:
            save_article(article, publish=True)

    @admin.action(description="撤回 Withdraw selected articles")
    def withdraw(self, request: HttpRequest, queryset: Any) -> None:
        for article in queryset:
            withdraw_article(article)
