"""Editors' admin for 跟帖: the site's mode, the word list, bans, and comments (read-only rows;
decisions go through tidings.comments.actions so that counts, audit and notices follow)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tidings.accounts.access import acting_user
from tidings.comments import actions
from tidings.comments.models import Ban, Comment, SiteSettings, Thread, Word


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("__str__", "updated_at")
    fields = ("mode",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SiteSettings.objects.exists()

    def save_model(self, request: HttpRequest, obj: SiteSettings, form: Any, change: bool) -> None:
        actions.set_site_mode(acting_user(request), obj.mode)


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Per-article mode (blank: the site's)."""

    list_display = ("article", "mode", "participants_count")
    fields = ("article", "mode")
    raw_id_fields = ("article",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("article",) if obj else ()

    def save_model(self, request: HttpRequest, obj: Thread, form: Any, change: bool) -> None:
        actions.set_mode(acting_user(request), obj.article, obj.mode)


@admin.register(Word)
class WordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("word", "action", "updated_at")
    list_filter = ("action",)
    search_fields = ("word",)
    fields = ("word", "action")

    def save_model(self, request: HttpRequest, obj: Word, form: Any, change: bool) -> None:
        obj.updated_at = timezone.now()  # the compiled list is rebuilt when this moves
        super().save_model(request, obj, form, change)


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "until", "reason", "by", "created_at")
    readonly_fields = ("user", "until", "reason", "by", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # bans are given from the review queue (tidings.comments.actions.ban)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("pk", "article", "author", "status", "up_count", "down_count", "ip_region", "created_at")
    list_filter = ("status",)
    search_fields = ("body",)
    readonly_fields = [f.name for f in Comment._meta.fields]
    actions = ["approve_selected", "remove_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # removal keeps the row (该跟帖已删除 in chains): use the action

    @admin.action(description="通过所选跟帖")
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        done = 0
        for c in queryset.filter(status=Comment.Status.PENDING):
            actions.approve(acting_user(request), c)
            done += 1
        self.message_user(request, f"已通过 {done} 条跟帖。", messages.SUCCESS)

    @admin.action(description="删除所选跟帖（违反跟帖规范）")
    def remove_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        done = 0
        for c in queryset.exclude(status__in=[Comment.Status.DELETED, Comment.Status.REMOVED]):
            actions.remove(acting_user(request), c, "违反跟帖规范")
            done += 1
        self.message_user(request, f"已删除 {done} 条跟帖。", messages.SUCCESS)
