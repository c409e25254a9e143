from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from tidings.articles.actions import refresh_creator_counts, save_article, withdraw_article
from tidings.articles.derived import refresh_derived
from tidings.articles.models import Article, Reference
from tidings.lib.sitecache import invalidate_site


class ReferenceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Reference
    extra = 0
    # A bare "example.com" means https (Django 6's default, set explicitly for 5.2).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


PUBLIC_SOON = {Article.Status.PUBLISHED, Article.Status.SCHEDULED, Article.Status.PENDING}


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
        if obj.deleted_at is not None and obj.status in PUBLIC_SOON:
            obj.status = Article.Status.WITHDRAWN  # a deleted article stays out of sight; clear 删除时间 first
        save_article(obj, publish=obj.status == Article.Status.PUBLISHED)

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        self.delete_queryset(request, Article.objects.filter(pk=obj.pk))

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        # A hard delete leaves search rows and cached pages behind unless told (derived data has
        # no foreign key to the article): refresh both, as every other write does.
        rows = list(queryset.values_list("pk", "creator_id"))
        queryset.delete()
        refresh_creator_counts({creator for _, creator in rows})
        refresh_derived(pk for pk, _ in rows)
        transaction.on_commit(invalidate_site)

    @admin.action(description="发布 Publish selected articles")
    def publish(self, request: HttpRequest, queryset: Any) -> None:
        for article in queryset.filter(deleted_at__isnull=True):
            save_article(article, publish=True)

    @admin.action(description="撤回 Withdraw selected articles")
    def withdraw(self, request: HttpRequest, queryset: Any) -> None:
        for article in queryset:
            withdraw_article(article)
