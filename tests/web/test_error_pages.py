"""Error pages that belong to the site (issue 13, point 5): 400, 403, 404, 410, 429 and 500 in
Chinese, in the site's layout (header, search box, hot links), in care mode too, with the right
status; a withdrawn article answers 410 文章已下线; a 500 renders with the database down; /api/
errors stay JSON."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError, connection
from django.test import Client, RequestFactory

from tests.conftest import make_article
from tidings.articles.models import Article
from tidings.articles.transitions import delete, withdraw
from tidings.creators.models import Creator
from tidings.lib import ratelimit
from tidings.web.pagecache import CARE_COOKIE

pytestmark = pytest.mark.django_db

MODES = ["normal", "care"]
SEARCH_FORM = '<form class="site-search" action="/search" method="get" role="search"'


@pytest.fixture
def story(writer: Creator) -> Article:
    return make_article(writer, "城市更新让老街区焕发新活力")


def visitor(mode: str, **kw: Any) -> Client:
    client = Client(**kw)
    if mode == "care":
        client.cookies[CARE_COOKIE] = "1"
    return client


def assert_error_page(response: Any, status: int, heading: str, mode: str) -> str:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f"<title>{heading}_" in html
    assert re.search(rf'<h1 class="page-title">{heading} <small>错误代码 {status}</small></h1>', html)
    assert SEARCH_FORM in html
    assert '<a class="button" href="/">返回首页</a>' in html and 'href="/hot/">看看热点</a>' in html
    assert ('<body class="care ' in html) == (mode == "care")
    assert "Not Found" not in html and "Server Error" not in html and "Forbidden" not in html
    return html


@contextmanager
def database_down() -> Iterator[list[str]]:
    """Every query on this thread's connection fails as an unreachable database does: the
    OperationalError comes from inside Django's database layer. Yields the refused queries."""
    refused: list[str] = []

    def refuse(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        refused.append(sql)
        raise OperationalError("could not connect to server: Connection refused")

    with connection.execute_wrapper(refuse):
        yield refused


@pytest.mark.parametrize("mode", MODES)
def test_an_unknown_address_is_a_chinese_404_with_hot_links(client: Client, story: Article, mode: str) -> None:
    html = assert_error_page(visitor(mode).get("/no-such-page/"), 404, "页面不存在", mode)
    assert 'id="error-hot-h"' in html
    assert f'href="/a/{story.pk}/">{story.title}</a>' in html


@pytest.mark.parametrize("mode", MODES)
def test_a_missing_article_or_channel_is_the_same_404_page(story: Article, mode: str) -> None:
    assert_error_page(visitor(mode).get("/a/999999/"), 404, "页面不存在", mode)
    assert_error_page(visitor(mode).get("/c/no-such-channel/"), 404, "页面不存在", mode)


@pytest.mark.parametrize("mode", MODES)
def test_a_withdrawn_article_answers_410_article_offline(writer: Creator, story: Article, mode: str) -> None:
    withdraw(story, None)
    html = assert_error_page(visitor(mode).get(story.get_absolute_url()), 410, "文章已下线", mode)
    assert "这篇文章已被撤回或删除" in html
    assert visitor(mode).get(f"/a/{story.pk}/some-slug/").status_code == 410


def test_a_deleted_article_that_was_public_answers_410(editor: Any, story: Article) -> None:
    delete(story, editor)
    assert_error_page(Client().get(story.get_absolute_url()), 410, "文章已下线", "normal")


def test_a_draft_or_a_deleted_draft_stays_404_so_nobody_learns_it_exists(writer: Creator, editor: Any) -> None:
    draft = make_article(writer, "还没发布的草稿", publish=False)
    assert_error_page(Client().get(draft.get_absolute_url()), 404, "页面不存在", "normal")
    delete(draft, editor)
    assert_error_page(Client().get(draft.get_absolute_url()), 404, "页面不存在", "normal")


@pytest.mark.parametrize("mode", MODES)
def test_a_control_character_is_the_chinese_400_page_with_the_message(mode: str) -> None:
    html = assert_error_page(visitor(mode).get("/search?q=a%00b"), 400, "请求有误", mode)
    assert "请求中含有不允许的控制字符" in html


@pytest.mark.parametrize("mode", MODES)
def test_a_form_without_its_csrf_token_is_the_chinese_403_page(reader: Any, mode: str) -> None:
    client = visitor(mode, enforce_csrf_checks=True)
    client.force_login(reader)
    html = assert_error_page(client.post("/feed/settings/", {}), 403, "没有权限", mode)
    assert 'action="/accounts/logout/"' in html  # the signed-in header, as on every page


@pytest.mark.parametrize("mode", MODES)
def test_a_forbidden_page_is_the_chinese_403_page(reader: Any, mode: str) -> None:
    client = visitor(mode)
    client.force_login(reader)
    assert_error_page(client.get("/review/"), 403, "没有权限", mode)


@pytest.mark.parametrize("mode", MODES)
def test_a_rate_limit_is_the_error_page_with_the_wait_time(story: Article, mode: str) -> None:
    request = RequestFactory().get("/join/", HTTP_COOKIE=f"{CARE_COOKIE}=1" if mode == "care" else "")
    request.user = AnonymousUser()
    limited = ratelimit.RateLimited(ratelimit.LIMITS["report"], 600)
    response = ratelimit.RateLimitMiddleware(lambda r: None).process_exception(request, limited)  # type: ignore[arg-type,return-value]
    html = assert_error_page(response, 429, "请求太频繁", mode)
    assert "举报太频繁，请 10 分钟后再试。" in html and response["Retry-After"] == "600"
    assert f'href="/a/{story.pk}/">' in html


@pytest.mark.parametrize("mode", MODES)
def test_a_500_renders_in_chinese_while_the_database_is_down(story: Article, mode: str) -> None:
    client = visitor(mode, raise_request_exception=False)
    with database_down() as refused:
        response = client.get("/")  # the home page's first query fails
    assert refused, "no query was attempted: the database was never found down"
    html = assert_error_page(response, 500, "服务器出错了", mode)
    assert response["Cache-Control"] == "no-store"
    assert 'id="error-hot-h"' not in html and story.title not in html  # no hot links without the database


def test_a_404_while_the_database_is_down_renders_without_hot_links(story: Article) -> None:
    with database_down() as refused:
        response = Client().get("/no-such-page/")  # no view: the 404 page itself asks the database
    assert refused, "the 404 page did not try the database"
    html = assert_error_page(response, 404, "页面不存在", "normal")
    assert 'id="error-hot-h"' not in html


def test_a_500_for_a_signed_in_reader_does_not_load_the_session(reader: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(reader)
    with database_down() as refused:
        response = client.get("/")
    assert_error_page(response, 500, "服务器出错了", "normal")
    assert not any("django_session" in sql for sql in refused)  # the handler asked nothing of it


def test_error_pages_are_never_stored_in_the_page_cache(writer: Creator, story: Article) -> None:
    withdraw(story, None)
    for _ in range(2):
        gone = Client().get(story.get_absolute_url())
        missing = Client().get("/no-such-page/")
        assert gone.status_code == 410 and missing.status_code == 404
        assert "X-Cache" not in gone and "X-Cache" not in missing


def test_api_errors_stay_json() -> None:
    missing = Client().get("/api/v1/no-such-operation")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not Found"}
    with database_down():
        broken = Client(raise_request_exception=False).get("/api/v1/articles")
    assert broken.status_code == 500 and broken.json() == {"detail": "Internal Server Error"}
