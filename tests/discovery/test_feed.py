"""推荐, the personalised feed (issue 4, point 5): follows and an interest profile from reading,
a "why you see this" line per item, 不感兴趣 that takes effect at once, and a switch that turns
personalisation off; new readers and readers who switched it off get the hot list."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.conftest import make_article, make_creator
from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.creators.actions import follow_creator
from tidings.discovery import blocks, feed
from tidings.discovery.models import NotInterested, ReaderSettings
from tidings.engagement.actions import record_read

pytestmark = pytest.mark.django_db

TOPICS = {
    "climate": ("气候", "联合国气候大会开幕，各国代表讨论碳排放和减排目标。冰川消融，海平面上升，极端天气频发。"),
    "football": ("中超", "中超联赛第十轮，主队在主场战胜客队。前锋梅开二度，门将扑出点球，球迷高唱队歌。"),
    "chips": ("芯片", "国产芯片实验室里，光刻机和刻蚀设备排成一列。半导体产业链的设备和材料仍在攻关。"),
    "food": ("美食", "老街的早餐铺子凌晨开火，豆浆油条和小笼包香气四溢，食客排起长队，厨师手艺传了三代。"),
}


@pytest.fixture
def site(db) -> dict[str, list[Article]]:  # type: ignore[no-untyped-def]
    """Four topics by four creators, six articles each."""
    made: dict[str, list[Article]] = {}
    for topic, (name, body) in TOPICS.items():
        creator = make_creator(f"{topic}-writer", f"{name}作者")
        made[topic] = [
            make_article(creator, f"{name}报道{i}", body=body, tags=[name], channel_slug="news") for i in range(6)
        ]
    return made


def feed_items(html: str) -> list[tuple[str, str]]:
    """(title, why) of each item of the 推荐 block."""
    block = html[html.index('id="feed-h"') : html.index("</section>", html.index('id="feed-h"'))]
    return re.findall(
        r'<h3 class="stream-title"><a href="/a/\d+/">([^<]+)</a></h3>.*?<p class="feed-why" lang="zh-Hans">([^<]+)</p>',
        block,
        flags=re.S,
    )


def signed_in(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_anonymous_readers_see_no_feed(client: Client, site: dict[str, list[Article]]) -> None:
    assert 'id="feed-h"' not in client.get("/").content.decode()
    assert client.get("/feed/settings/").status_code == 302
    assert client.post("/feed/not-interested/", {"kind": "article", "value": "1"}).status_code == 302
    assert not NotInterested.objects.exists()


def test_a_new_reader_gets_the_hot_list(reader: User, site: dict[str, list[Article]]) -> None:
    html = signed_in(reader).get("/").content.decode()
    items = feed_items(html)
    assert len(items) == feed.FEED_SIZE and {why for _, why in items} == {"热点"}
    assert "现在先看看热点" in html


def test_followed_creators_come_with_their_reason(reader: User, site: dict[str, list[Article]]) -> None:
    follow_creator(reader, site["food"][0].creator)
    items = feed_items(signed_in(reader).get("/").content.decode())
    food = [(t, why) for t, why in items if t.startswith("美食")]
    assert len(food) == 6 and {why for _, why in food} == {"因为你关注了 美食作者"}
    assert items[0][0].startswith("美食")


def test_reading_builds_an_interest_profile_and_read_articles_leave_the_feed(
    reader: User, site: dict[str, list[Article]]
) -> None:
    for a in site["chips"][:2]:
        record_read(a.pk, f"u:{reader.pk}", reader)
    items = feed_items(signed_in(reader).get("/").content.decode())
    titles = [t for t, _ in items]
    assert "芯片报道0" not in titles and "芯片报道1" not in titles
    top = items[:4]
    assert all(t.startswith("芯片") for t, _ in top), items
    assert all(why.startswith("因为你读过「") and why.endswith("」相关文章") for _, why in top)
    assert items[feed.EXPLORE_EVERY - 1][1] == "热点"  # exploration slot


def test_not_interested_in_an_article_takes_effect_at_once(reader: User, site: dict[str, list[Article]]) -> None:
    follow_creator(reader, site["food"][0].creator)
    c = signed_in(reader)
    first = feed_items(c.get("/").content.decode())[0][0]
    target = Article.objects.get(title=first)
    response = c.post("/feed/not-interested/", {"kind": "article", "value": str(target.pk), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert first not in [t for t, _ in feed_items(c.get("/").content.decode())]


def test_not_interested_in_a_creator_or_a_keyword(reader: User, site: dict[str, list[Article]]) -> None:
    follow_creator(reader, site["food"][0].creator)
    for a in site["football"][:1]:
        record_read(a.pk, f"u:{reader.pk}", reader)
    c = signed_in(reader)
    response = c.post(
        "/feed/not-interested/",
        {"kind": "creator", "value": str(site["food"][0].creator_id)},
        headers={"Accept": "application/json"},
    )
    assert response.json()["ok"] is True
    c.post("/feed/not-interested/", {"kind": "keyword", "value": "中超"})
    titles = [t for t, _ in feed_items(c.get("/").content.decode())]
    assert not any(t.startswith(("美食", "中超")) for t in titles), titles


def test_bad_feedback_is_refused_with_a_message_and_nothing_written(
    reader: User, site: dict[str, list[Article]]
) -> None:
    c = signed_in(reader)
    for data in ({"kind": "article", "value": "999999"}, {"kind": "colour", "value": "x"}, {"kind": "keyword"}):
        response = c.post("/feed/not-interested/", data)
        assert response.status_code == 400
        assert 'role="alert"' in response.content.decode()
    assert c.post(
        "/feed/not-interested/", {"kind": "creator", "value": "abc"}, headers={"Accept": "application/json"}
    ).json() == {
        "ok": False,
        "error": "没有这位作者。",
    }
    assert not NotInterested.objects.exists()


def test_the_switch_turns_personalisation_off_and_on(reader: User, site: dict[str, list[Article]]) -> None:
    follow_creator(reader, site["food"][0].creator)
    record_read(site["chips"][0].pk, f"u:{reader.pk}", reader)
    c = signed_in(reader)
    assert c.post("/feed/settings/", {"personalised": "0", "next": "/"})["Location"] == "/"
    html = c.get("/").content.decode()
    assert "个性化推荐已关闭" in html and "开启个性化推荐" in html
    items = feed_items(html)
    assert {why for _, why in items} == {"热点"}
    # Exactly the hot list: no follows, no reading history (the article read is not even left out).
    assert [t for t, _ in items] == [i.title for i in blocks.hot(feed.FEED_SIZE)]
    settings_page = c.get("/feed/settings/").content.decode()
    assert "已关闭" in settings_page
    c.post("/feed/settings/", {"personalised": "1"})
    assert ReaderSettings.objects.get(user=reader).personalised is True
    assert any(why.startswith("因为") for _, why in feed_items(c.get("/").content.decode()))


def test_the_settings_page_lists_feedback_and_undoes_it(reader: User, site: dict[str, list[Article]]) -> None:
    c = signed_in(reader)
    a = site["food"][0]
    c.post("/feed/not-interested/", {"kind": "article", "value": str(a.pk)})
    c.post("/feed/not-interested/", {"kind": "creator", "value": str(a.creator_id)})
    page = c.get("/feed/settings/").content.decode()
    assert f"文章：{a.title}" in page and "作者：美食作者" in page
    row = NotInterested.objects.get(kind="article")
    c.post("/feed/settings/", {"undo": str(row.pk)})
    assert list(NotInterested.objects.values_list("kind", flat=True)) == ["creator"]


def test_one_readers_feedback_does_not_touch_anothers(reader: User, site: dict[str, list[Article]]) -> None:
    other = User.objects.create_user("other-reader", password="pw-other-123")
    row = NotInterested.objects.create(user=other, kind="keyword", value="美食")
    c = signed_in(reader)
    c.post("/feed/settings/", {"undo": str(row.pk)})
    assert NotInterested.objects.filter(pk=row.pk).exists()


def test_the_home_feed_has_a_pinned_query_count(
    reader: User, site: dict[str, list[Article]], settings, django_assert_num_queries
) -> None:
    settings.BLOCK_CACHE_SECONDS = 0
    follow_creator(reader, site["food"][0].creator)
    for a in site["chips"][:3]:
        record_read(a.pk, f"u:{reader.pk}", reader)
    c = signed_in(reader)
    c.get("/")
    # session, user, stream count and page, 6 site blocks; the feed: switch, 不感兴趣, reads,
    # their keywords, follows, interest matches, followed articles, items, hot for exploration;
    # the header's unread 消息 count.
    with django_assert_num_queries(20):
        c.get("/")
