"""Bad input that once gave a 500: digits that int() refuses, dates that overflow, NUL bytes that
PostgreSQL refuses, markup escaped many times over. Each is a clear 4xx (or is ignored), never a 500,
and nothing is half-written. Written against the HTTP endpoints so both database legs run them."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client

from tests.conftest import make_article, make_user, make_writer
from tidings.api.tokens import create_token
from tidings.articles.models import Article
from tidings.creators.models import Creator
from tidings.discovery.models import NotInterested
from tidings.lib.markup import plain_text, safe_url

pytestmark = pytest.mark.django_db

FORM = {
    "title": "城市的清晨",
    "body_md": "## 早市\n\n卖菜的阿姨六点就到了。",
    "channel": "news",
    "tags": "城市",
    "summary": "一座城市醒来的样子。",
    "ref_count": "1",
    "ref_title_0": "城市统计年鉴",
    "ref_source_0": "统计局",
    "ref_date_0": "2024-01-10",
    "ref_url_0": "https://example.org/stats",
}
ARTICLE = {"title": "接口写的文章", "body_md": "正文。", "channel": "tech", "references": []}


@pytest.fixture
def writer() -> Creator:
    return make_writer("badinput")


@pytest.fixture
def studio(writer: Creator) -> Client:
    client = Client()
    client.force_login(writer.user)
    return client


@pytest.fixture
def token(writer: Creator) -> str:
    return create_token(writer.user, "测试脚本")[0]


def api_post(client: Client, body: dict[str, Any], token: str) -> Any:
    return client.post("/api/v1/articles", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


# --- 7: "²".isdigit() is True but int("²") raises ----------------------------------------------


def test_a_superscript_page_number_on_search_means_the_first_page(client: Client, writer: Creator) -> None:
    make_article(writer, "熊猫")
    assert client.get("/search", {"q": "熊猫", "page": "²"}).status_code == 200


def test_a_superscript_undo_on_feed_settings_is_ignored(client: Client) -> None:
    client.force_login(make_user("reader7"))
    assert client.post("/feed/settings/", {"undo": "²"}).status_code == 302


def test_a_superscript_reference_count_in_an_autosave_counts_as_no_references(studio: Client) -> None:
    response = studio.post("/studio/autosave/", {**FORM, "article": "", "ref_count": "²"})
    assert response.status_code == 200
    assert Article.objects.get(pk=response.json()["article"]).references.count() == 0


def test_a_superscript_text_size_in_the_accessibility_cookie_gives_the_default_size(client: Client) -> None:
    client.cookies["tidings_a11y"] = "t²"
    response = client.get("/accessibility/")
    assert response.status_code == 200


# --- 8: dates that overflow once made time zone-aware -------------------------------------------


@pytest.mark.parametrize(
    "params", [{"to": "9999-12-31"}, {"q": "a", "to": "9999-12-31"}, {"q": "a", "from": "0001-01-01"}]
)
def test_search_refuses_a_date_outside_1900_to_9998_with_a_message(client: Client, params: dict[str, str]) -> None:
    response = client.get("/search", params)
    assert response.status_code == 400
    assert "1900 到 9998" in response.content.decode()


@pytest.mark.parametrize("params", [{"to": "9999-12-31"}, {"q": "a", "from": "0001-01-01"}])
def test_the_search_api_refuses_a_date_outside_1900_to_9998(client: Client, params: dict[str, str]) -> None:
    response = client.get("/api/v1/search", params)
    assert response.status_code == 400
    assert "1900 到 9998" in response.json()["detail"]


def test_a_studio_reference_dated_year_one_is_refused_and_nothing_is_written(studio: Client) -> None:
    response = studio.post("/studio/new/", {**FORM, "ref_date_0": "0001-01-01", "action": "save"})
    assert response.status_code == 400
    assert "1900–9998" in response.content.decode()
    assert not Article.objects.exists()


def test_an_api_reference_dated_year_one_or_9999_is_a_field_error(client: Client, token: str) -> None:
    refs = [{"title": "旧", "date": "0001-01-01"}, {"title": "远", "date": "9999-12-31T23:00:00-05:00"}]
    response = api_post(client, {**ARTICLE, "references": refs}, token)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"references.1", "references.2"}
    assert not Article.objects.exists()


# --- 9: NUL bytes, which PostgreSQL refuses --------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/hot/?channel=%00",
        "/api/v1/articles?channel=%00",
        "/api/v1/articles?creator=%00",
        "/api/v1/hot?channel=%00",
        "/api/v1/topics/%00",
        "/t/%00/",
        "/search?q=a%00b",
        "/c/news/?page=1%01",
    ],
)
def test_a_control_character_in_the_path_or_query_is_a_400_with_a_message(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    text = response.json()["detail"] if url.startswith("/api/") else response.content.decode()
    assert "控制字符" in text and "control character" in text


def test_a_nul_in_my_articles_status_is_a_400(client: Client, token: str) -> None:
    response = client.get("/api/v1/me/articles?status=%00", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_nul_keyword_for_not_interested_is_refused_and_not_stored(client: Client) -> None:
    client.force_login(make_user("reader9"))
    response = client.post("/feed/not-interested/", {"kind": "keyword", "value": "\x00"})
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
    assert not NotInterested.objects.exists()


def test_a_nul_in_a_multipart_studio_form_is_refused_before_it_is_saved(studio: Client) -> None:
    response = studio.post("/studio/autosave/", {**FORM, "article": "", "channel": "\x00"})
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
    assert not Article.objects.exists()


def test_a_nul_in_the_json_api_channel_cover_or_reference_url_is_a_field_error(client: Client, token: str) -> None:
    body = {
        **ARTICLE,
        "channel": "\x00",
        "cover": "a\x00.png",
    }
    response = api_post(client, body, token)
    assert response.status_code == 400
    assert {"channel", "cover"} <= set(response.json()["errors"])
    # A link with a control character breaks the schema's URL pattern: 422 naming the field.
    response = api_post(client, {**ARTICLE, "references": [{"title": "报告", "url": "https://e.org/\x00"}]}, token)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-3:] == ["references", 0, "url"]
    assert not Article.objects.exists()


def test_safe_url_refuses_a_nul_or_any_control_character_anywhere() -> None:
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("https://example.org/\x00") == ""
    assert safe_url("https://example.org/\ta") == ""


# --- 11: plain_text and markup escaped many times ----------------------------------------------


@pytest.mark.parametrize("times", [6, 11, 40])  # 11: the tenth and last round unescapes a tag
def test_plain_text_leaves_no_tag_from_markup_escaped_many_times(times: int) -> None:
    text = "<script>alert(1)</script>标题"
    for _ in range(times):
        text = html.escape(text, quote=False)
    assert "<" not in plain_text(text)


def test_an_api_title_escaped_six_times_is_stored_without_a_tag(client: Client, token: str) -> None:
    title = "<script>alert(1)</script>标题"
    for _ in range(6):
        title = html.escape(title, quote=False)
    response = api_post(client, {**ARTICLE, "title": title}, token)
    assert response.status_code == 201
    assert "<" not in Article.objects.get().title


@pytest.mark.parametrize("when", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+08:00"])
def test_an_api_publish_time_outside_1900_to_9998_is_a_schema_error(client: Client, token: str, when: str) -> None:
    response = api_post(client, {**ARTICLE, "publish": True, "publish_at": when}, token)
    assert response.status_code == 422
    assert "1900 到 9998" in str(response.json()["detail"])
    assert not Article.objects.exists()
