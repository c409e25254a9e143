from django.contrib import admin

from tidings.moderation.models import Application, CommentReport, Report


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only here: decisions are made in the queue (/review/), which writes the audit log."""

    list_display = ["name", "handle", "kind", "user", "status", "created_at", "decided_by"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "handle", "user__username"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["article", "reporter", "status", "created_at", "decided_by"]
    list_filter = ["status"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    """Read-only here: reports are decided in the queue (/review/comments/<id>/), which writes the audit log."""

    list_display = ["comment", "category", "reporter", "status", "created_at", "decided_by"]
    list_filter = ["status", "category"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
