"""转载 and 创作声明 where readers see them: under the title of the article page and in the feeds."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import make_article, make_writer

pytestmark = pytest.mark.django_db


def test_a_repost_shows_its_source_instead_of_original_and_the_statements(client: Client) -> None:
    a = make_article(
        make_writer("w1"),
        "转载的文章",
        repost_source="江城日报",
        repost_url="https://example.com/a",
        statements=["ai", "fiction"],
    )

    page = client.get(f"/a/{a.pk}/").content.decode()

    assert '转载自 <a href="https://example.com/a" rel="nofollow noopener" target="_blank">江城日报</a>' in page
    assert "badge-original" not in page.split('class="article-header"')[1].split("</header>")[0]
    assert '<span class="statement">含AI生成内容</span>' in page and '<span class="statement">虚构演绎</span>' in page


def test_an_original_shows_its_badge(client: Client) -> None:
    a = make_article(make_writer("w2"), "原创的文章", original=True, original_check="passed")
    header = client.get(f"/a/{a.pk}/").content.decode().split('class="article-header"')[1].split("</header>")[0]
    assert 'class="badge-original"' in header


def test_the_feed_carries_the_statements_as_categories_and_the_source_in_the_summary(client: Client) -> None:
    make_article(
        make_writer("w3"),
        "转载的文章",
        repost_source="江城日报",
        repost_url="https://example.com/a",
        statements=["opinion"],
    )

    feed = client.get("/feed.xml").content.decode()

    assert '<category term="个人观点仅供参考"' in feed
    assert "转载自 江城日报 https://example.com/a" in feed
    assert "创作声明：个人观点仅供参考" in feed
