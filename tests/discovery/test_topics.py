"""Topics (issue 4, point 4): each article's keywords (extraction plus the creator's tags) link to
/t/<keyword>/, which lists the published articles on that subject, newest first, paginated."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote, unquote

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from tests.conftest import make_article
from tidings.articles.models import Article
from tidings.articles.transitions import withdraw
from tidings.creators.models import Creator

pytestmark = pytest.mark.django_db

BODY = "国产芯片实验室里，光刻机和刻蚀设备排成一列。半导体产业链的设备和材料仍在攻关，芯片设计企业增加研发投入。"


@pytest.fixture
def chips(writer: Creator) -> list[Article]:
    now = timezone.now()
    return [
        make_article(
            writer,
            f"芯片观察{i}",
            channel_slug="tech",
            body=BODY,
            tags=["集成电路"],
            published_at=now - dt.timedelta(hours=i),
        )
        for i in range(3)
    ]


def topic_titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="stream-title"><a href="/a/\d+/">([^<]+)</a>', html)


def test_the_article_page_links_its_keywords_to_topic_pages(client: Client, chips: list[Article]) -> None:
    html = client.get(chips[0].get_absolute_url()).content.decode()
    block = html[html.index('class="keywords"') : html.index("</nav>", html.index('class="keywords"'))]
    links = [unquote(h) for h in re.findall(r'href="/t/([^"]+)/"', block)]
    assert links[0] == "集成电路"  # the creator's tag, weighted first
    assert "芯片" in links  # extracted from the text
    for k in links:
        assert client.get(f"/t/{quote(k)}/").status_code == 200, k


def test_a_topic_page_lists_the_articles_newest_first(client: Client, chips: list[Article], other_writer) -> None:
    make_article(other_writer, "足球新闻", channel_slug="sports", body="主队在主场战胜客队，前锋梅开二度。")
    html = client.get(f"/t/{quote('集成电路')}/").content.decode()
    assert "<h1" in html and "集成电路" in html
    assert topic_titles(html) == ["芯片观察0", "芯片观察1", "芯片观察2"]
    by_text = topic_titles(client.get(f"/t/{quote('光刻机')}/").content.decode())
    assert set(by_text) == {"芯片观察0", "芯片观察1", "芯片观察2"}


def test_withdrawn_articles_leave_their_topics(client: Client, chips: list[Article]) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        withdraw(chips[0], None)
    assert topic_titles(client.get(f"/t/{quote('集成电路')}/").content.decode()) == ["芯片观察1", "芯片观察2"]


def test_topic_pages_are_paginated(client: Client, writer: Creator) -> None:
    for i in range(23):
        make_article(writer, f"第{i}篇", body=BODY, tags=["分页话题"])
    first = client.get(f"/t/{quote('分页话题')}/").content.decode()
    assert len(topic_titles(first)) == 20 and 'rel="next"' in first
    second = client.get(f"/t/{quote('分页话题')}/?page=2").content.decode()
    assert len(topic_titles(second)) == 3
    assert client.get(f"/t/{quote('分页话题')}/?page=9").status_code == 404


def test_unknown_or_overlong_topics_are_not_found(client: Client, chips: list[Article]) -> None:
    assert client.get(f"/t/{quote('没有这个话题')}/").status_code == 404
    assert client.get(f"/t/{'长' * 41}/").status_code == 404


def test_the_api_lists_a_topic(client: Client, chips: list[Article]) -> None:
    items = client.get(f"/api/v1/topics/{quote('集成电路')}").json()["items"]
    assert [i["title"] for i in items] == ["芯片观察0", "芯片观察1", "芯片观察2"]
    assert client.get(f"/api/v1/topics/{quote('没有')}").status_code == 404


def test_tags_that_cannot_be_a_path_segment_are_left_out(client: Client, writer: Creator) -> None:
    a = make_article(writer, "斜杠标签", body=BODY, tags=["a/b", "好标签"])
    html = client.get(a.get_absolute_url()).content.decode()
    assert f'href="/t/{quote("好标签")}/"' in html and "/t/a/b/" not in html


def test_topics_shared_by_two_articles_are_in_the_sitemap(client: Client, chips: list[Article], writer) -> None:
    make_article(writer, "孤例", body="一篇只谈豆腐脑与油泼面的文章。", tags=["独家小吃"])
    xml = client.get("/sitemap.xml").content.decode()
    assert f"/t/{quote('集成电路')}/</loc>" in xml
    assert quote("独家小吃") not in xml
