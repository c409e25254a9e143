"""Follows that show and likes that are remembered (issue 13.7, 13.8), over HTTP: the button's
state on a signed-in reader's page, the no-JavaScript forms, /state/ for pages from a cache,
我的关注, the home page's 关注 tab; liking twice never counts twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import make_article, make_creator, make_user
from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.creators.actions import follow_creator
from tidings.creators.models import Creator, Follow

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(writer: Creator) -> Article:
    return make_article(writer, "城市更新让老街区焕发新活力")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_following_by_the_form_without_javascript_goes_back_to_the_page(
    reader: User, writer: Creator, story: Article
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    html = client.get(story.get_absolute_url()).content.decode()
    assert 'class="follow-form"' in html and 'aria-pressed="false">关注<span class="visually-hidden"> 李伟' in html
    token = client.cookies["csrftoken"].value
    back = client.post(
        "/u/liwei/follow/", {"action": "follow", "next": story.get_absolute_url(), "csrfmiddlewaretoken": token}
    )
    assert back.status_code == 302 and back["Location"] == story.get_absolute_url()
    html = client.get(story.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"><span class="follow-on">已关注</span><span class="follow-undo">取消关注</span>' in html
    assert 'name="action" value="unfollow"' in html
    client.post("/u/liwei/follow/", {"action": "unfollow", "csrfmiddlewaretoken": token})
    assert not Follow.objects.filter(user=reader).exists()
    assert Creator.objects.get(pk=writer.pk).followers_count == 0


def test_following_twice_counts_once_and_scripts_get_json(reader: User, writer: Creator) -> None:
    client = signed_in(reader)
    for _ in range(2):
        answer = client.post("/u/liwei/follow/", {"action": "follow"}, headers={"accept": "application/json"})
        assert answer.json() == {"ok": True, "following": True, "followers": 1}
    answer = client.post("/u/liwei/follow/", {"action": "unfollow"}, headers={"accept": "application/json"})
    assert answer.json() == {"ok": True, "following": False, "followers": 0}


def test_a_signed_out_visitor_is_asked_to_sign_in(writer: Creator, story: Article) -> None:
    client = Client()
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'href="/u/liwei/follow/?next=/a/{story.pk}/" data-follow="liwei"' in html
    assert client.post("/u/liwei/follow/", {"action": "follow"})["Location"].startswith("/accounts/login/")
    answer = client.post("/u/liwei/follow/", {"action": "follow"}, headers={"accept": "application/json"})
    assert answer.status_code == 401 and not Follow.objects.exists()


def test_state_tells_a_cached_page_who_follows_and_likes(reader: User, writer: Creator, story: Article) -> None:
    other = make_creator("zhangmin", "张敏")
    follow_creator(reader, writer)
    client = signed_in(reader)
    client.post(f"/a/{story.pk}/like/")
    state = client.get(f"/state/?a={story.pk}&u=liwei&u=zhangmin&u=nobody")
    assert state["Cache-Control"] == "private, no-store"
    body = state.json()
    assert body["signed_in"] is True and body["liked"] is True and body["likes"] == 1
    assert body["following"] == {"liwei": True, "zhangmin": False, "nobody": False}
    assert body["csrf"] and state.cookies["csrftoken"].value
    assert other.pk


def test_state_remembers_a_visitors_like_by_the_visitor_cookie(story: Article) -> None:
    visitor = Client()
    assert visitor.get(f"/state/?a={story.pk}").json() == {"signed_in": False, "likes": 0, "liked": False}
    visitor.post(f"/a/{story.pk}/like/", follow=True)  # the first POST gets the visitor cookie (307)
    visitor.post(f"/a/{story.pk}/like/")  # liking twice
    assert Article.objects.get(pk=story.pk).likes_count == 1
    assert visitor.get(f"/state/?a={story.pk}").json() == {"signed_in": False, "likes": 1, "liked": True}
    assert Client().get(f"/state/?a={story.pk}").json()["liked"] is False  # another visitor has not liked it
    visitor.post(f"/a/{story.pk}/like/", {"action": "unlike"})
    assert visitor.get(f"/state/?a={story.pk}").json() == {"signed_in": False, "likes": 0, "liked": False}


def test_state_costs_nothing_for_a_new_visitor_and_refuses_nothing_odd(
    story: Article, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    with django_assert_num_queries(0):
        assert client.get("/state/?u=liwei").json() == {"signed_in": False}
    for query in ("a=abc", "a=99999", "a=" + "9" * 40, "u=" + "x" * 500):
        assert client.get(f"/state/?{query}").status_code == 200


def test_a_signed_in_readers_page_carries_the_like(reader: User, story: Article) -> None:
    client = signed_in(reader)
    client.post(f"/a/{story.pk}/like/")
    html = client.get(story.get_absolute_url()).content.decode()
    assert 'name="action" value="unlike"' in html
    assert 'aria-pressed="true"><span data-like-label>已赞</span> <span class="count" data-like-count>1</span>' in html


def test_my_follows_lists_the_creators_followed_newest_first(reader: User, writer: Creator) -> None:
    other = make_creator("zhangmin", "张敏", motto="科技让生活更简单")
    follow_creator(reader, writer)
    Follow.objects.filter(user=reader).update(created_at=timezone.now() - dt.timedelta(days=1))
    follow_creator(reader, other)
    html = signed_in(reader).get("/accounts/following/").content.decode()
    assert html.index("张敏") < html.index("李伟") and "科技让生活更简单" in html
    assert html.count('name="action" value="unfollow"') == 2
    assert "我的关注</a>" in html  # in the header's account links
    assert Client().get("/accounts/following/")["Location"].startswith("/accounts/login/")
    empty = signed_in(make_user("newbie")).get("/accounts/following/").content.decode()
    assert "还没有关注任何作者" in empty


def test_the_home_pages_following_tab_shows_their_newest_articles(reader: User, writer: Creator) -> None:
    other = make_creator("zhangmin", "张敏")
    now = timezone.now()
    make_article(writer, "李伟的旧文", published_at=now - dt.timedelta(days=2))
    make_article(writer, "李伟的新文", published_at=now - dt.timedelta(minutes=5))
    make_article(other, "张敏的文章", published_at=now - dt.timedelta(minutes=1))
    follow_creator(reader, writer)
    client = signed_in(reader)
    home = client.get("/").content.decode()
    assert '<a href="/?tab=following">关注</a>' in home and '<a href="/" aria-current="page">推荐</a>' in home
    tab = client.get("/?tab=following").content.decode()
    section = tab[tab.index('id="following-h"') : tab.index("</section>", tab.index('id="following-h"'))]
    assert section.index("李伟的新文") < section.index("李伟的旧文") and "张敏的文章" not in section
    assert '<a href="/?tab=following" aria-current="page">关注</a>' in tab
    anonymous = Client().get("/?tab=following").content.decode()
    assert "登录后，这里是你关注的作者的新文章。" in anonymous
