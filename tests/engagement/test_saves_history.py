"""收藏 and 浏览历史 (issue 13, point 9): a reader saves an article and finds it in 我的收藏; a
reading history with 清空历史 and a 记录浏览历史 switch. Both lists show published articles only."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.conftest import make_article, make_user, make_writer
from tidings.accounts.models import User
from tidings.articles import transitions
from tidings.articles.models import Article
from tidings.engagement import actions
from tidings.engagement.models import HistorySetting, Read, Save

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def read(client: Client, article: Article) -> None:
    """What the article page's read beacon sends."""
    assert client.post(f"/a/{article.pk}/read/", follow=True).status_code == 200


def titles(html: str) -> list[str]:
    return re.findall(r'class="stream-title"><a href="/a/\d+/">([^<]+)</a>', html)


@pytest.fixture
def story() -> Article:
    return make_article(make_writer("shoucang"), "收藏测试文章")


# 收藏


def test_saving_twice_keeps_one_save_and_unsaving_twice_is_harmless(story: Article) -> None:
    reader = make_user("reader1")
    assert actions.save_article_for(reader, story) is True
    assert actions.save_article_for(reader, story) is False
    c = signed_in(reader)
    for _ in range(3):
        assert c.post(f"/a/{story.pk}/save/")["Location"] == f"/a/{story.pk}/#save"
    assert Save.objects.filter(user=reader, article=story).count() == 1
    assert actions.unsave(reader, story) is True
    assert actions.unsave(reader, story) is False
    assert c.post(f"/a/{story.pk}/unsave/").status_code == 302
    assert not Save.objects.exists()


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_make_one_row(spec_channels: None) -> None:
    story = make_article(make_writer("bingfa"), "并发收藏")
    reader = make_user("racer")
    barrier = threading.Barrier(4)
    results: list[bool] = []

    def go() -> None:
        barrier.wait()
        results.append(actions.save_article_for(reader, story))
        connection.close()

    threads = [threading.Thread(target=go) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    assert Save.objects.filter(user=reader).count() == 1


def test_the_save_endpoint_answers_json_to_scripts(story: Article) -> None:
    c = signed_in(make_user("reader2"))
    assert c.post(f"/a/{story.pk}/save/", HTTP_ACCEPT="application/json").json() == {"ok": True, "saved": True}
    assert c.post(f"/a/{story.pk}/unsave/", HTTP_ACCEPT="application/json").json() == {"ok": True, "saved": False}


def test_a_signed_in_reader_sees_the_button_state_on_the_article_page(story: Article) -> None:
    reader = make_user("reader3")
    c = signed_in(reader)
    page = c.get(f"/a/{story.pk}/").content.decode()
    assert f'action="/a/{story.pk}/save/"' in page and 'aria-pressed="false">收藏</button>' in page
    c.post(f"/a/{story.pk}/save/")
    page = c.get(f"/a/{story.pk}/").content.decode()
    assert f'action="/a/{story.pk}/unsave/"' in page and 'aria-pressed="true">已收藏</button>' in page
    assert 'name="csrfmiddlewaretoken"' in page[page.index('id="save"') :]
    # Another reader's page is their own: not saved.
    other = signed_in(make_user("reader3b")).get(f"/a/{story.pk}/").content.decode()
    assert 'aria-pressed="false">收藏</button>' in other


def test_an_anonymous_reader_gets_a_sign_in_link_back_to_the_article(story: Article, client: Client) -> None:
    page = client.get(f"/a/{story.pk}/").content.decode()
    assert f'href="/accounts/login/?next=/a/{story.pk}/"' in page
    assert "已收藏" not in page
    # A cached copy is the same for everyone who is not signed in.
    assert client.get(f"/a/{story.pk}/")["X-Cache"] == "HIT"
    response = client.post(f"/a/{story.pk}/save/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert client.post(f"/a/{story.pk}/save/", HTTP_ACCEPT="application/json").status_code == 401
    assert not Save.objects.exists()


def test_the_save_endpoint_keeps_the_csrf_check(story: Article) -> None:
    c = Client(enforce_csrf_checks=True)
    c.force_login(make_user("reader4"))
    assert c.post(f"/a/{story.pk}/save/").status_code == 403
    assert not Save.objects.exists()


def test_unpublished_or_unknown_articles_cannot_be_saved(story: Article) -> None:
    draft = make_article(make_writer("caogao"), "草稿", publish=False)
    c = signed_in(make_user("reader5"))
    assert c.post(f"/a/{draft.pk}/save/").status_code == 404
    assert c.post("/a/999999/save/").status_code == 404
    assert not Save.objects.exists()


def test_my_saves_list_newest_first_and_hide_withdrawn_articles() -> None:
    writer = make_writer("liebiao")
    first, second, third = (make_article(writer, f"收藏{i}") for i in (1, 2, 3))
    reader = make_user("reader6")
    now = timezone.now()
    for i, a in enumerate((first, third, second)):
        Save.objects.create(user=reader, article=a, created_at=now - dt.timedelta(minutes=10 - i))
    c = signed_in(reader)
    assert titles(c.get("/accounts/saved/").content.decode()) == ["收藏2", "收藏3", "收藏1"]
    transitions.withdraw(third, writer.user)
    page = c.get("/accounts/saved/").content.decode()
    assert titles(page) == ["收藏2", "收藏1"]
    # 取消收藏 from the list comes back to it with a message.
    response = c.post(f"/a/{first.pk}/unsave/", {"next": "/accounts/saved/"}, follow=True)
    assert titles(response.content.decode()) == ["收藏2"]
    assert "已取消收藏《收藏1》" in response.content.decode()


def test_my_saves_are_paginated() -> None:
    writer = make_writer("fenye")
    reader = make_user("reader7")
    for i in range(25):
        actions.save_article_for(reader, make_article(writer, f"分页{i}"))
    c = signed_in(reader)
    assert len(titles(c.get("/accounts/saved/").content.decode())) == 20
    assert len(titles(c.get("/accounts/saved/?page=2").content.decode())) == 5
    assert c.get("/accounts/saved/?page=3").status_code == 404


# 浏览历史


def test_history_records_reads_once_per_article_at_the_last_read() -> None:
    writer = make_writer("lishi")
    one, two = make_article(writer, "读过一"), make_article(writer, "读过二")
    reader = make_user("reader8")
    c = signed_in(reader)
    read(c, one)
    read(c, two)
    Read.objects.filter(user=reader).update(read_at=timezone.now() - dt.timedelta(hours=1))
    read(c, one)  # again: one row, moved to the top
    assert Read.objects.filter(user=reader).count() == 2
    page = c.get("/accounts/history/").content.decode()
    assert titles(page) == ["读过一", "读过二"]
    transitions.withdraw(two, writer.user)
    assert titles(c.get("/accounts/history/").content.decode()) == ["读过一"]


def test_clear_all_asks_first_then_empties_the_history(story: Article) -> None:
    reader = make_user("reader9")
    c = signed_in(reader)
    read(c, story)
    confirm = c.get("/accounts/history/clear/")
    assert confirm.status_code == 200 and "确定清空" in confirm.content.decode()
    assert Read.objects.filter(user=reader).count() == 1  # the GET changed nothing
    response = c.post("/accounts/history/clear/", follow=True)
    assert "已清空浏览历史（1 条）" in response.content.decode()
    assert "暂无浏览历史" in response.content.decode()
    assert not Read.objects.filter(user=reader).exists()


def test_the_off_switch_stops_recording_but_reads_still_count(story: Article) -> None:
    reader = make_user("reader10")
    c = signed_in(reader)
    page = c.post("/accounts/history/", {"record": "0"}, follow=True).content.decode()
    assert "已关闭" in page and "之后阅读的文章不会记入浏览历史" in page
    read(c, story)
    assert not Read.objects.filter(user=reader).exists()
    assert Article.objects.get(pk=story.pk).views_count == 1
    c.post("/accounts/history/", {"record": "1"})
    assert HistorySetting.objects.get(user=reader).record is True
    read(c, story)
    assert Read.objects.filter(user=reader, article=story).exists()


# Who sees what


def test_each_reader_sees_only_their_own_lists(story: Article) -> None:
    owner, other = make_user("owner"), make_user("other")
    actions.save_article_for(owner, story)
    read(signed_in(owner), story)
    c = signed_in(other)
    assert titles(c.get("/accounts/saved/").content.decode()) == []
    assert titles(c.get("/accounts/history/").content.decode()) == []
    c.post("/accounts/history/clear/")
    assert Read.objects.filter(user=owner).count() == 1
    c.post(f"/a/{story.pk}/unsave/")
    assert Save.objects.filter(user=owner).count() == 1


@pytest.mark.parametrize("path", ["/accounts/saved/", "/accounts/history/", "/accounts/history/clear/"])
def test_anonymous_readers_are_sent_to_sign_in(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith(f"/accounts/login/?next={path}")
    assert client.post(path).status_code == 302
    assert not HistorySetting.objects.exists()


def test_get_never_changes_state(story: Article) -> None:
    reader = make_user("reader11")
    actions.save_article_for(reader, story)
    Read.objects.create(user=reader, article=story)
    c = signed_in(reader)
    assert c.get(f"/a/{story.pk}/save/").status_code == 405
    assert c.get(f"/a/{story.pk}/unsave/").status_code == 405
    c.get("/accounts/history/?record=0")
    c.get("/accounts/history/clear/")
    c.get("/accounts/saved/")
    assert Save.objects.filter(user=reader).count() == 1
    assert Read.objects.filter(user=reader).count() == 1
    assert not HistorySetting.objects.exists()


def test_the_account_page_links_both_lists() -> None:
    page = signed_in(make_user("reader12")).get("/accounts/").content.decode()
    assert 'href="/accounts/saved/"' in page and 'href="/accounts/history/"' in page
