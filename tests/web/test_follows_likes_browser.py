"""Follows that show and likes that are remembered (issue 13.7, 13.8), in a browser, on pages that
came from the page cache: the reader's own state arrives from /state/, so the cached bytes (the
same for everyone) still show this reader's 已赞 and 已关注; one click follows; without
JavaScript the forms still work."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.browser import wait_until
from tests.conftest import make_article, make_user
from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.creators.actions import follow_creator
from tidings.creators.models import Creator, Follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(spec_channels: None) -> tuple[Creator, Article, User]:
    writer = Creator.objects.create(handle="liwei", name="李伟")
    story = make_article(writer, "城市更新让老街区焕发新活力")
    return writer, story, make_user("duzhe")


def session_cookie(user: User, base: str) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base,
    }


def like_state(page: Any) -> tuple[str | None, str, str]:
    button = page.locator(".like-button")
    return (
        button.get_attribute("aria-pressed"),
        page.inner_text("[data-like-label]"),
        page.inner_text("[data-like-count]"),
    )


def test_a_visitors_like_is_remembered_on_the_cached_page(browser: Any, live_server: Any, site: Any) -> None:
    _writer, story, _reader = site
    url = live_server.url + story.get_absolute_url()
    first = browser.new_context(locale="zh-CN")
    first.new_page().goto(url)  # another visitor's view puts the page in the cache
    first.close()
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    assert page.goto(url).headers.get("x-cache") == "HIT"
    wait_until(page, "document.querySelector('[data-like-label]').textContent === '点赞'")
    page.click(".like-button")
    wait_until(page, "document.querySelector('.like-button').getAttribute('aria-pressed') === 'true'")
    assert like_state(page) == ("true", "已赞", "1")
    page.click(".like-button")  # and back: a like can be taken back
    wait_until(page, "document.querySelector('.like-button').getAttribute('aria-pressed') === 'false'")
    page.click(".like-button")
    wait_until(page, "document.querySelector('.like-button').getAttribute('aria-pressed') === 'true'")
    response = page.reload()
    assert response.headers.get("x-cache") == "HIT"  # the same cached bytes as everyone gets …
    assert 'aria-pressed="false"><span data-like-label>点赞</span>' in response.text()
    wait_until(page, "document.querySelector('.like-button').getAttribute('aria-pressed') === 'true'")
    assert like_state(page) == ("true", "已赞", "1")  # … show this visitor's like, and the count now
    other = browser.new_context(locale="zh-CN").new_page()
    other.goto(url)
    wait_until(other, "document.querySelector('[data-like-count]').textContent === '1'")
    assert like_state(other) == ("false", "点赞", "1")  # another visitor has not liked it
    other.context.close()
    context.close()
    assert Article.objects.get(pk=story.pk).likes_count == 1


def test_one_click_follows_and_the_button_says_so(browser: Any, live_server: Any, site: Any) -> None:
    writer, story, reader = site
    context = browser.new_context(locale="zh-CN")
    context.add_cookies([session_cookie(reader, live_server.url)])
    page = context.new_page()
    page.goto(live_server.url + story.get_absolute_url())
    button = page.locator(".creator-card .button.follow")
    assert button.inner_text().startswith("关注")
    button.click()
    wait_until(page, "document.querySelector('.creator-card .button.follow').getAttribute('aria-pressed') === 'true'")
    assert button.inner_text().split("\n")[0].startswith("已关注") and "取消关注" in button.inner_text()
    assert page.url == live_server.url + story.get_absolute_url()  # no page load
    assert page.inner_text('[data-followers="liwei"]') == "1"
    assert Follow.objects.filter(user=reader, creator=writer).exists()
    page.reload()
    assert page.locator(".creator-card .button.follow").get_attribute("aria-pressed") == "true"
    page.locator(".creator-card .button.follow").click()  # 取消关注
    wait_until(page, "document.querySelector('.creator-card .button.follow').getAttribute('aria-pressed') === 'false'")
    assert not Follow.objects.filter(user=reader, creator=writer).exists()
    context.close()


def test_a_signed_in_reader_sees_their_follow_on_a_page_from_the_cache(
    browser: Any, live_server: Any, site: Any
) -> None:
    """Signed-in readers' pages are rendered for them, but a page can still reach them from a
    cache (the browser's back/forward cache, a cache in front of the site): here the signed-in
    reader's browser is handed the page cache's bytes, and the follow state is still theirs."""
    writer, _story, reader = site
    follow_creator(reader, writer)
    anonymous = Client()
    anonymous.get("/u/liwei/")
    cached = anonymous.get("/u/liwei/")
    assert cached["X-Cache"] == "HIT"
    html = cached.content.decode()
    assert 'data-follow="liwei"' in html and "已关注" not in html  # the cached bytes know nobody
    context = browser.new_context(locale="zh-CN")
    context.add_cookies([session_cookie(reader, live_server.url)])
    page = context.new_page()
    page.route(
        f"{live_server.url}/u/liwei/",
        lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html),
    )
    page.goto(f"{live_server.url}/u/liwei/")
    follow = "document.querySelector('.profile .button.follow')"
    wait_until(page, f"{follow}.getAttribute('aria-pressed') === 'true'")
    assert "已关注" in page.inner_text(".profile .button.follow")
    page.click(".profile .button.follow")  # 取消关注, with the CSRF token /state/ gave the page
    wait_until(page, f"{follow}.getAttribute('aria-pressed') === 'false'")
    assert not Follow.objects.filter(user=reader).exists()
    page.click(".profile .button.follow")
    wait_until(page, f"{follow}.getAttribute('aria-pressed') === 'true'")
    assert Follow.objects.filter(user=reader, creator=writer).exists()
    assert page.url == f"{live_server.url}/u/liwei/"
    context.close()


def test_following_works_without_javascript(browser: Any, live_server: Any, site: Any) -> None:
    writer, story, reader = site
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    context.add_cookies([session_cookie(reader, live_server.url)])
    page = context.new_page()
    page.goto(live_server.url + story.get_absolute_url())
    with page.expect_navigation():
        page.click(".creator-card .button.follow")
    assert page.url == live_server.url + story.get_absolute_url()
    assert page.locator(".creator-card .button.follow").get_attribute("aria-pressed") == "true"
    assert Follow.objects.filter(user=reader, creator=writer).exists()
    page.goto(live_server.url + "/accounts/following/")
    assert "李伟" in page.inner_text("main")
    with page.expect_navigation():
        page.click(".following-list .button.follow")
    assert not Follow.objects.filter(user=reader).exists()
    context.close()
