from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.generic.base import RedirectView

from tidings.api.api import api
from tidings.discovery import views as discovery_views
from tidings.engagement import views as engagement_views
from tidings.search.views import search
from tidings.web import views
from tidings.web.feeds import ChannelFeed, CreatorFeed, SiteFeed
from tidings.web.sitemaps import SITEMAPS

admin.site.site_header = "Tidings 编辑后台"
admin.site.site_title = "Tidings"

urlpatterns = [
    path("", views.home, name="home"),
    # /join/, /review/…, /a/<id>/report/ (before the article's optional-slug route, which would take "report")
    path("", include("tidings.moderation.urls")),
    path("c/<slug:slug>/", views.channel, name="channel"),
    path("a/<int:pk>/", views.article, name="article"),
    # Before the optional-slug pattern, which would take "read" and "like" for slugs.
    path("a/<int:pk>/read/", engagement_views.read, name="read"),
    path("a/<int:pk>/read/end/", engagement_views.read_end, name="read-end"),
    path("beacon/seen/", engagement_views.seen, name="seen"),
    path("a/<int:pk>/like/", engagement_views.like, name="like"),
    path("a/<int:pk>/save/", engagement_views.save, name="save"),
    path("a/<int:pk>/unsave/", engagement_views.unsave, name="unsave"),
    path("", include("tidings.comments.urls")),
    re_path(r"^a/(?P<pk>\d+)/(?P<slug>[-\w]+)/$", views.article, name="article-slug"),
    path("a/<int:pk>/share/<str:target>/", views.share, name="share"),
    path("a/<int:pk>/qr.svg", views.qr, name="qr"),
    path("hot/", discovery_views.hot, name="hot"),
    path("t/<str:keyword>/", discovery_views.topic, name="topic"),
    path("feed/settings/", discovery_views.feed_settings, name="feed-settings"),
    path("feed/not-interested/", discovery_views.not_interested, name="not-interested"),
    path("u/", views.creators, name="creators"),
    path("u/<slug:handle>/", views.creator, name="creator"),
    path("u/<slug:handle>/follow/", views.follow, name="follow"),
    path("care/", views.care, name="care"),
    path("studio/", include("tidings.stats.urls")),  # 数据中心 and 粉丝
    path("", include("tidings.creator_index.urls")),  # 创作者指数: /studio/index/, /review/creators/index/
    path("studio/", include("tidings.studio.urls")),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("terms/", views.legal, {"which": "terms"}, name="terms"),
    path("privacy/", views.legal, {"which": "privacy"}, name="privacy"),
    path("accessibility/set/", views.accessibility_set, name="accessibility-set"),
    path("accounts/saved/", engagement_views.saved, name="saved"),
    path("accounts/following/", views.following, name="following"),
    path("state/", views.state, name="state"),
    path("accounts/history/", engagement_views.history, name="history"),
    path("accounts/history/clear/", engagement_views.clear_history, name="clear-history"),
    path("accounts/", include("tidings.accounts.urls")),
    path("notifications/", include("tidings.notifications.urls")),  # 消息中心
    path("feed.xml", SiteFeed(), name="feed"),
    path("c/<slug:slug>/feed.xml", ChannelFeed(), name="channel-feed"),
    path("u/<slug:handle>/feed.xml", CreatorFeed(), name="creator-feed"),
    path(
        "sitemap.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("robots.txt", views.robots, name="robots"),
    path("search", search, name="search"),
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("media/<path:path>", views.media, name="media"),
    path("favicon.ico", RedirectView.as_view(url="/static/img/favicon.svg", permanent=True)),
]

# The site's own error pages (tidings.web.views.error_page); JSON under /api/.
handler400 = "tidings.web.views.bad_request"
handler403 = "tidings.web.views.permission_denied"
handler404 = "tidings.web.views.page_not_found"
handler500 = "tidings.web.views.server_error"
