from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tidings.creator_index.models import IndexSettings, Snapshot


@admin.register(IndexSettings)
class IndexSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The level thresholds: one row, edited in place (model.clean checks they rise)."""

    list_display = ("__str__", "lv2", "lv3", "lv4", "lv5", "updated_at")
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not IndexSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read only: snapshots are written by the nightly run."""

    list_display = ("creator", "day", "index", "level", "originality", "activity", "focus", "interaction", "health")
    list_filter = ("level", "day")
    search_fields = ("creator__name", "creator__handle")
    raw_id_fields = ("creator",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
