from django.contrib import admin
from django.http import HttpRequest

from tidings.lib.admin import InvalidatingAdmin
from tidings.web.models import PlatformNotice


@admin.register(PlatformNotice)
class PlatformNoticeAdmin(InvalidatingAdmin):
    list_display = ("__str__", "updated_at")
    fieldsets = (
        ("特别声明 Notice", {"fields": ("text_zh", "text_en")}),
        ("页脚 Footer（留空的项不显示）", {"fields": ("contact", "report_contact", "icp", "police_record")}),
        ("用户协议与隐私政策（Markdown，页面 /terms/ 与 /privacy/）", {"fields": ("agreement_md", "privacy_md")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One notice for the whole platform.
        return not PlatformNotice.objects.exists()
