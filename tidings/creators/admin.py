from django.contrib import admin

from tidings.creators.models import Creator, Follow
from tidings.lib.admin import InvalidatingAdmin


@admin.register(Creator)
class CreatorAdmin(InvalidatingAdmin):
    list_display = ("name", "handle", "kind", "level", "badge", "articles_count", "followers_count", "created_at")
    list_filter = ("kind", "level", "badge")
    search_fields = ("name", "handle", "motto")
    # The badge and level follow the nightly 创作者指数 (tidings.creator_index), not a hand.
    readonly_fields = ("level", "badge", "articles_count", "followers_count")
    raw_id_fields = ("user",)


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "creator", "created_at")
    raw_id_fields = ("user", "creator")
