from django.contrib import admin

from tidings.channels.models import Channel, Pick
from tidings.lib.admin import InvalidatingAdmin


@admin.register(Channel)
class ChannelAdmin(InvalidatingAdmin):
    list_display = ("name", "slug", "name_en", "kind", "order", "in_boxes")
    list_editable = ("order", "in_boxes")
    list_filter = ("kind", "in_boxes")
    prepopulated_fields = {"slug": ("name_en",)}
    search_fields = ("name", "slug", "name_en")


@admin.register(Pick)
class PickAdmin(InvalidatingAdmin):
    list_display = ("article", "channel", "position", "expires_at", "created_at")
    list_filter = ("channel",)
    list_editable = ("position", "expires_at")
    autocomplete_fields = ("article",)
    list_select_related = ("article", "channel")
