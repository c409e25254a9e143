"""The list queries of tidings.discovery.blocks agree with the Article read vocabulary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import make_article
from tidings.articles.models import Article
from tidings.articles.transitions import withdraw
from tidings.channels.models import Channel, Pick
from tidings.creators.models import Creator
from tidings.discovery import blocks

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(writer: Creator) -> list[Article]:
    now = timezone.now()
    live = [
        make_article(writer, f"已发布{i}", channel_slug="tech", published_at=now - dt.timedelta(hours=i))
        for i in range(5)
    ]
    make_article(writer, "草稿", channel_slug="tech", publish=False)
    make_article(writer, "明天见", channel_slug="tech", published_at=now + dt.timedelta(days=1))
    withdraw(make_article(writer, "撤回了", channel_slug="tech"), None)
    return live


def test_the_sql_lists_mean_published_exactly_as_the_queryset_does(mixed: list[Article]) -> None:
    expected = set(Article.objects.published().values_list("pk", flat=True))
    assert {i.id for i in blocks.hot(100)} == expected
    tech = Channel.objects.get(slug="tech")
    assert {i.id for i in blocks.hot(100, channel=tech)} == expected
    assert [i.title for i in blocks.creator_recent(mixed[0])] == ["已发布1", "已发布2", "已发布3", "已发布4"]


def test_items_carry_times_in_utc_and_media_urls(writer: Creator) -> None:
    when = dt.datetime(2026, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    a = make_article(writer, "带封面", published_at=when, cover="img/ab/cover-960.jpg")
    [i] = blocks.hot(1)
    assert i.id == a.pk and i.published_at == when and i.cover == "/media/img/ab/cover-960.jpg"
    assert i.creator_url == "/u/liwei/" and i.channel_url == "/c/news/"


def test_all_boxes_are_one_statement_whatever_the_number_of_channels(writer: Creator) -> None:
    channels = list(Channel.objects.boxes())
    for c in channels:
        for j in range(8):
            make_article(writer, f"{c.name}{j}", channel_slug=c.slug)
    oldest = Article.objects.filter(channel=channels[1]).order_by("published_at").first()
    assert oldest is not None
    Pick.objects.create(channel=channels[1], article=oldest)
    with CaptureQueriesContext(connection) as q:
        boxes = blocks.channel_boxes(channels)
    assert len(q) == 2  # the picks, then every box's articles
    assert [len(b.items) for b in boxes] == [blocks.BOX_SIZE] * len(channels)
    assert boxes[1].items[0].id == oldest.pk  # the oldest, pinned first
    assert len({i.id for i in boxes[1].items}) == blocks.BOX_SIZE  # the pin is not repeated


def test_related_prefers_the_same_channel_and_never_the_article(writer: Creator) -> None:
    a = make_article(writer, "主角", channel_slug="sports")
    same = make_article(writer, "同频道", channel_slug="sports")
    other = make_article(writer, "别的频道", channel_slug="tech")
    assert [i.id for i in blocks.related(a)] == [same.pk, other.pk]
