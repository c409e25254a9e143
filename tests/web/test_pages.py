"""Home, channel, creator and directory pages; care mode; health; admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import make_article, make_creator
from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.channels.models import Channel
from tidings.creators.models import Creator, Follow
from tidings.lib.sitecache import invalidate_site
from tidings.web.pagecache import CARE_COOKIE

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(writer: Creator) -> list[Article]:
    """45 articles, newest first: enough for three pages of 20."""
    now = timezone.now()
    return [
        make_article(writer, f"第{i}篇", channel_slug="tech", published_at=now - dt.timedelta(hours=i))
        for i in range(45)
    ]


def test_home_lists_headlines_latest_hot_boxes_and_originals(client: Client, many: list[Article]) -> None:
    html = client.get("/").content.decode()
    for marker in ("头条", "最新", "热点推荐", "科技要闻", "态度原创", "第0篇", "进入关怀版"):
        assert marker in html
    assert '<html lang="zh-Hans">' in html and '<link rel="canonical" href="http://testserver/">' in html


def test_home_paginates_and_rejects_pages_past_the_end(client: Client, many: list[Article]) -> None:
    page2 = client.get("/?page=2").content.decode()
    latest = page2[page2.index('id="latest-h"') : page2.index('class="pager"')]
    assert "第20篇" in latest and "第19篇</a>" not in latest and "第40篇" not in latest
    assert 'rel="prev" href="/?page=1"' in page2 and 'rel="next" href="/?page=3"' in page2
    assert '<link rel="canonical" href="http://testserver/?page=2">' in page2
    assert client.get("/?page=99").status_code == 404
    assert client.get("/?page=abc").status_code == 200  # a broken page number shows page 1


def test_channel_page_shows_its_box_and_stream(client: Client, many: list[Article], writer: Creator) -> None:
    other = make_article(writer, "体育频道的稿子", channel_slug="sports")
    html = client.get("/c/tech/").content.decode()
    assert "<title>科技_" in html and "科技要闻" in html and "第0篇" in html
    assert other.title not in html.split('id="latest-h"')[1]
    assert 'aria-current="page">科技' in html
    assert client.get("/c/no-such-channel/").status_code == 404


def test_creator_page_lists_all_articles_with_pagination(client: Client, many: list[Article], writer: Creator) -> None:
    html = client.get("/u/liwei/").content.decode()
    assert '<h1 id="profile-h">李伟</h1>' in html and "往期回顾" in html and "全部" in html
    assert "<dt>文章数</dt><dd>45</dd>" in html
    assert "第44篇" in client.get("/u/liwei/?page=3").content.decode()
    assert client.get("/u/nobody/").status_code == 404


def test_creator_directory_lists_creators(client: Client, writer: Creator, other_writer: Creator) -> None:
    html = client.get("/u/").content.decode()
    assert "李伟" in html and "张敏" in html


@pytest.mark.parametrize(
    ("url", "queries"),
    [("/", 8), ("/c/tech/", 12), ("/u/liwei/", 9)],
)
def test_list_pages_have_pinned_query_counts(
    client: Client, settings, many: list[Article], url: str, queries: int, django_assert_num_queries
) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    settings.BLOCK_CACHE_SECONDS = 0
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_care_mode_is_remembered_across_pages_and_can_be_left(client: Client, many: list[Article]) -> None:
    response = client.get("/care/?next=/c/tech/")
    assert response.status_code == 302 and response["Location"] == "/c/tech/"
    assert client.cookies[CARE_COOKIE].value == "1"
    for url in ("/", "/c/tech/", many[0].get_absolute_url(), "/u/liwei/"):
        html = client.get(url).content.decode()
        assert '<body class="care' in html and "/static/css/care.css" in html and "退出关怀版" in html
    client.get("/care/?next=/")
    html = client.get("/").content.decode()
    assert "care.css" not in html and "进入关怀版" in html


def test_care_mode_refuses_to_redirect_off_site(client: Client) -> None:
    assert client.get("/care/?next=https://evil.example/")["Location"] == "/"


def test_care_mode_is_saved_on_a_signed_in_profile(client: Client, reader: User) -> None:
    client.force_login(reader)
    client.post("/care/")
    reader.refresh_from_db()
    assert reader.care_mode is True
    client.cookies.pop(CARE_COOKIE)
    assert '<body class="care' in client.get("/").content.decode()


def test_following_needs_sign_in_and_updates_the_count(client: Client, reader: User, writer: Creator) -> None:
    assert "登录后才能关注" in client.get("/u/liwei/follow/").content.decode()
    assert client.post("/u/liwei/follow/")["Location"].startswith("/accounts/login/")
    client.force_login(reader)
    client.post("/u/liwei/follow/", {"action": "follow"})
    client.post("/u/liwei/follow/", {"action": "follow"})  # twice counts once
    writer.refresh_from_db()
    assert writer.followers_count == 1 and Follow.objects.filter(user=reader, creator=writer).exists()
    client.post("/u/liwei/follow/", {"action": "unfollow"})
    writer.refresh_from_db()
    assert writer.followers_count == 0


def test_sign_in_page_works(client: Client, reader: User) -> None:
    assert "用户名" in client.get("/accounts/login/").content.decode()
    response = client.post("/accounts/login/", {"username": "reader", "password": "pw-reader-123", "next": "/u/"})
    assert response.status_code == 302 and response["Location"] == "/u/"


def test_join_and_accessibility_pages_render(client: Client) -> None:
    assert "入驻流程" in client.get("/join/").content.decode()
    assert "键盘操作" in client.get("/accessibility/").content.decode()


def test_healthz_reports_database_and_cache(client: Client) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["cache"] == "ok"


def test_pages_send_security_headers(client: Client, many: list[Article]) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/channels/channel/",
        "/admin/channels/channel/1/change/",
        "/admin/channels/pick/",
        "/admin/channels/pick/add/",
        "/admin/creators/creator/",
        "/admin/articles/article/",
        "/admin/articles/article/add/",
        "/admin/web/platformnotice/",
        "/admin/accounts/user/",
    ],
)
def test_editors_admin_pages_load(client: Client, many: list[Article], url: str) -> None:
    admin = User.objects.create_superuser("boss", "boss@example.com", "pw-boss-123")
    client.force_login(admin)
    assert client.get(url).status_code == 200


def test_editing_in_the_admin_renders_and_invalidates(
    client: Client, many: list[Article], django_capture_on_commit_callbacks
) -> None:
    admin = User.objects.create_superuser("boss", "boss@example.com", "pw-boss-123")
    a = many[0]
    assert client.get(a.get_absolute_url())["X-Cache"] == "MISS"
    assert client.get(a.get_absolute_url())["X-Cache"] == "HIT"
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/articles/article/{a.pk}/change/",
            {
                "creator": a.creator_id, "channel": a.channel_id, "title": "改过的标题", "slug": "", "summary": "",
                "body_md": "## 新小标题\n\n<script>alert(1)</script>新正文", "cover": "", "tags": "[]",
                "lang": "zh-Hans", "status": "published", "published_at_0": "2026-01-02", "published_at_1": "03:04:05",
                "created_at_0": "2026-01-01", "created_at_1": "00:00:00", "updated_at_0": "2026-01-01",
                "updated_at_1": "00:00:00", "references-TOTAL_FORMS": "0", "references-INITIAL_FORMS": "0",
            },
        )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    fresh = client.get(a.get_absolute_url())
    html = fresh.content.decode()
    assert fresh["X-Cache"] == "MISS" and "改过的标题" in html and "<h2>新小标题</h2>" in html
    assert "<script>alert(1)</script>" not in html


def test_publishing_in_the_admin_with_a_future_date_schedules_the_article(
    client: Client, many: list[Article], django_capture_on_commit_callbacks
) -> None:
    admin = User.objects.create_superuser("boss", "boss@example.com", "pw-boss-123")
    a = many[0]
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/articles/article/{a.pk}/change/",
            {
                "creator": a.creator_id, "channel": a.channel_id, "title": a.title, "slug": "", "summary": "",
                "body_md": "明年的文章。", "cover": "", "tags": "[]",
                "lang": "zh-Hans", "status": "published", "published_at_0": "2999-01-02", "published_at_1": "08:00:00",
                "created_at_0": "2026-01-01", "created_at_1": "00:00:00", "updated_at_0": "2026-01-01",
                "updated_at_1": "00:00:00", "references-TOTAL_FORMS": "0", "references-INITIAL_FORMS": "0",
            },
        )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    a.refresh_from_db()
    assert a.status == Article.Status.SCHEDULED
    client.logout()
    assert client.get(a.get_absolute_url()).status_code == 404


def test_unknown_urls_are_404(client: Client) -> None:
    assert client.get("/nope/").status_code == 404
    assert Channel.objects.count() == 11
    assert make_creator().handle.startswith("creator")


def test_the_home_lead_story_on_a_chinese_site_is_a_chinese_article(client: Client, writer: Creator) -> None:
    english = make_article(writer, "Flood relief reaches the old town", lang="en")
    chinese = make_article(writer, "老旧小区加装电梯提速")
    Article.objects.filter(pk=english.pk).update(hot_score=100.0)
    Article.objects.filter(pk=chinese.pk).update(hot_score=1.0)
    invalidate_site()
    html = client.get("/").content.decode()
    headlines = html[html.index('id="headlines-h"') : html.index('id="latest-h"')]
    # The English story is hotter, yet the lead slot (the first, with the summary) is Chinese.
    assert headlines.index(chinese.title) < headlines.index(english.title)
    assert f"<p>{chinese.summary}</p>" in headlines and f"<p>{english.summary}</p>" not in headlines


def test_a_creator_without_an_avatar_shows_the_first_character_of_its_name_on_a_colour(
    client: Client, writer: Creator, other_writer: Creator
) -> None:
    tone = f"avatar-c{writer.avatar_tone}"
    profile = client.get("/u/liwei/").content.decode()
    assert f'<span class="avatar avatar-text avatar-96 {tone}" aria-hidden="true">李</span>' in profile
    article = client.get(make_article(writer, "一篇文章").get_absolute_url()).content.decode()
    assert f'<span class="avatar avatar-text avatar-64 {tone}" aria-hidden="true">李</span>' in article
    directory = client.get("/u/").content.decode()
    assert f'avatar-48 avatar-c{other_writer.avatar_tone}" aria-hidden="true">张</span>' in directory
    assert "img/avatar.svg" not in profile + article + directory


def test_avatar_colours_are_stable_per_handle_and_spread_over_the_palette(db) -> None:  # type: ignore[no-untyped-def]
    tones = [Creator(handle=f"creator-{i}", name="王伟").avatar_tone for i in range(200)]
    assert tones == [Creator(handle=f"creator-{i}", name="李娜").avatar_tone for i in range(200)]
    assert set(tones) == set(range(Creator.AVATAR_TONES))
    assert Creator(handle="emma-clarke", name="Emma Clarke").avatar_text == "EC"
    assert Creator(handle="chongqing-gadgets-watch", name="重庆数码观察").avatar_text == "重"


def test_a_creator_with_an_uploaded_avatar_shows_the_picture(client: Client, writer: Creator) -> None:
    Creator.objects.filter(pk=writer.pk).update(avatar="images/ab/avatar.jpg")
    invalidate_site()
    html = client.get("/u/liwei/").content.decode()
    assert '<img class="avatar" src="/media/images/ab/avatar.jpg" alt="" width="96" height="96">' in html
    assert "avatar-text" not in html
