from django.contrib import admin
from django.http import HttpRequest

from tidings.lib.admin import InvalidatingAdmin
from tidings.web.models import PlatformNotice


@admin.register(PlatformNotice)
class PlatformNoticeAdmin(InvalidatingAdmin):
    list_display = ("__str__", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One notice for the whole platform.
        return not PlatformNotice.objects.exists()
