"""原创核查 in the editors' queue: a match shows both texts side by side with the overlapping
paragraphs marked; 确认原创 / 取消原创 decide it, and both creators are told."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import make_article, make_writer
from tests.originality_texts import COPY, ORIGINAL
from tidings.accounts.models import User
from tidings.articles import originality
from tidings.articles.models import Article
from tidings.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair() -> tuple[Article, Article]:
    earlier = make_article(
        make_writer("first"), "江城内涝治理见成效", body=ORIGINAL, published_at=timezone.now() - dt.timedelta(days=3650)
    )
    copy = make_article(
        make_writer("copier"),
        "搬运的文章",
        body=COPY + "\n\n这一段是搬运者自己加上的结尾，和原文没有关系。",
        original=True,
    )
    found = originality.judge(copy, None, on_match="review")
    Article.objects.filter(pk=copy.pk).update(original_check=copy.original_check)
    originality.record_matches(copy, found)
    return earlier, copy


@pytest.fixture
def desk(editor: User) -> Client:
    client = Client()
    client.force_login(editor)
    return client


def test_the_queue_lists_the_match_and_the_page_shows_both_texts_marked(
    desk: Client, pair: tuple[Article, Article]
) -> None:
    _, copy = pair
    queue = desk.get("/review/").content.decode()
    assert f'href="/review/originals/{copy.pk}/"' in queue and "原创核查" in queue

    page = desk.get(f"/review/originals/{copy.pk}/").content.decode()

    assert "声明原创的文章" in page and "更早发表的文章" in page
    assert page.count("<mark>") >= 8  # every copied paragraph, on both sides
    assert '<p class="own">这一段是搬运者自己加上的结尾' in page
    assert "确认原创" in page and "取消原创" in page


def test_refusing_original_needs_a_reason_and_tells_both_creators(desk: Client, pair: tuple[Article, Article]) -> None:
    earlier, copy = pair
    r = desk.post(f"/review/originals/{copy.pk}/", {"decision": "refuse", "reason": ""})
    assert r.status_code == 400

    r = desk.post(f"/review/originals/{copy.pk}/", {"decision": "refuse", "reason": "与更早的文章雷同"})

    assert r.status_code == 302
    copy.refresh_from_db()
    assert (copy.original, copy.original_check) == (False, Article.OriginalCheck.REFUSED)
    assert Notification.objects.filter(user=copy.creator.user, action="article.original_refused").exists()
    assert Notification.objects.filter(user=earlier.creator.user, action="article.original_match").exists()
    assert desk.get(f"/review/originals/{copy.pk}/").status_code == 404  # decided: out of the queue


def test_upholding_original_keeps_it(desk: Client, pair: tuple[Article, Article]) -> None:
    _, copy = pair
    r = desk.post(f"/review/originals/{copy.pk}/", {"decision": "uphold", "reason": ""})

    assert r.status_code == 302
    copy.refresh_from_db()
    assert (copy.original, copy.original_check) == (True, Article.OriginalCheck.UPHELD)


def test_readers_and_the_creator_cannot_decide(client: Client, pair: tuple[Article, Article]) -> None:
    _, copy = pair
    client.force_login(copy.creator.user)
    assert client.get(f"/review/originals/{copy.pk}/").status_code == 403


def test_the_queue_lists_matches_without_a_query_per_item(
    desk: Client, pair: tuple[Article, Article], settings: Any
) -> None:
    settings.BLOCK_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as one:
        desk.get("/review/")
    for i in range(3):
        copy = make_article(make_writer(f"copier{i}"), f"又一篇搬运{i}", body=COPY, original=True)
        originality.record_matches(copy, originality.judge(copy, None, on_match="review"))
        Article.objects.filter(pk=copy.pk).update(original_check=copy.original_check)
    with CaptureQueriesContext(connection) as four:
        html = desk.get("/review/").content.decode()
    assert html.count("/review/originals/") == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_an_editor_never_decides_a_dispute_with_their_own_earlier_article() -> None:
    """An editor who also writes: a match against their own earlier article is not theirs to
    decide (404, and not in their queue), as their own articles in review are not."""
    writing_editor = make_writer("writingeditor", role=User.Role.EDITOR)
    User.objects.filter(pk=writing_editor.user_id).update(is_staff=True)
    make_article(writing_editor, "编辑自己的报道", body=ORIGINAL, published_at=timezone.now() - dt.timedelta(days=3650))
    copy = make_article(make_writer("rival"), "对手的文章", body=COPY, original=True)
    originality.record_matches(copy, originality.judge(copy, None, on_match="review"))
    Article.objects.filter(pk=copy.pk).update(original_check=copy.original_check)
    assert Article.objects.get(pk=copy.pk).original_check == Article.OriginalCheck.MATCHED
    desk = Client()
    desk.force_login(User.objects.get(pk=writing_editor.user_id))
    assert desk.get(f"/review/originals/{copy.pk}/").status_code == 404
    assert f"/review/originals/{copy.pk}/" not in desk.get("/review/").content.decode()
