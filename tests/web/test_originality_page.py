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


def test_lists_hide_the_original_badge_while_a_match_waits_for_an_editor(client: Client) -> None:
    """An import declared 原创 over a near-duplicate is MATCHED: no list, tab or page shows 原创
    until an editor upholds it; a passed 原创 shows everywhere."""
    w = make_writer("w4")
    held = make_article(w, "等待核查的原创", channel_slug="news", original=True, original_check="matched")
    passed = make_article(w, "通过核查的原创", channel_slug="news", original=True, original_check="passed")
    from tidings.channels.models import Channel
    from tidings.discovery import blocks

    items = {i.id: i for i in blocks.hot(10)}
    assert items[passed.pk].original and not items[held.pk].original
    tab = {i.id for box in blocks.originals_tabs(list(Channel.objects.filter(slug="news"))) for i in box.items}
    assert passed.pk in tab and held.pk not in tab
    channel = client.get("/c/news/").content.decode()
    assert '通过核查的原创</a> <span class="badge-original">' in channel
    assert "等待核查的原创</a>" in channel and '等待核查的原创</a> <span class="badge-original">' not in channel
    held_page = client.get(f"/a/{held.pk}/").content.decode()
    assert "badge-original" not in held_page.split('class="article-header"')[1].split("</header>")[0]
