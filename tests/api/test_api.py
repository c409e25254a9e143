"""The read API (/api/v1/) and its OpenAPI schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import make_article, make_reference
from tidings.articles.models import Article
from tidings.articles.transitions import withdraw
from tidings.creators.models import Creator

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(writer: Creator, other_writer: Creator) -> list[Article]:
    now = timezone.now()
    made = [
        make_article(writer if i % 2 else other_writer, f"接口文章{i}", channel_slug="tech" if i % 3 else "sports",
                     published_at=now - dt.timedelta(hours=i))
        for i in range(25)
    ]  # fmt: skip
    make_reference(made[0], "技术报告", "研究院")
    return made


def test_articles_are_listed_newest_first_with_counts(client: Client, articles: list[Article]) -> None:
    body = client.get("/api/v1/articles").json()
    assert body["count"] == 25 and body["page"] == 1 and len(body["items"]) == 20
    first = body["items"][0]
    assert first["title"] == "接口文章0" and first["url"] == f"/a/{articles[0].pk}/"
    assert first["creator"] == {"handle": "zhangmin", "name": "张敏", "url": "/u/zhangmin/"}
    assert first["channel"]["slug"] == "sports"
    assert set(first["counts"]) == {"views", "shares", "comments", "likes"}
    times = [i["published_at"] for i in body["items"]]
    assert times == sorted(times, reverse=True)
    assert body["next"] == "/api/v1/articles?page_size=20&page=2" and body["previous"] is None
    page2 = client.get(body["next"]).json()
    assert [i["title"] for i in page2["items"]] == [f"接口文章{i}" for i in range(20, 25)]


def test_articles_filter_by_channel_and_creator(client: Client, articles: list[Article]) -> None:
    assert client.get("/api/v1/articles?channel=sports").json()["count"] == 9
    assert client.get("/api/v1/articles?creator=liwei").json()["count"] == 12


def test_bad_paging_is_a_clear_400(client: Client, articles: list[Article]) -> None:
    response = client.get("/api/v1/articles?page=0")
    assert response.status_code == 400 and "page" in response.json()["detail"]
    assert client.get("/api/v1/articles?page_size=1000").status_code == 400
    assert client.get("/api/v1/articles?page=abc").status_code == 422


def test_one_article_has_body_and_references(client: Client, articles: list[Article]) -> None:
    body = client.get(f"/api/v1/articles/{articles[0].pk}").json()
    assert "<h2>小标题</h2>" in body["body_html"]
    assert body["references"][0]["title"] == "技术报告" and body["references"][0]["source"] == "研究院"


def test_unpublished_articles_are_404(client: Client, articles: list[Article]) -> None:
    withdraw(articles[1], None)
    assert client.get(f"/api/v1/articles/{articles[1].pk}").status_code == 404
    assert client.get("/api/v1/articles/999999").status_code == 404
    assert client.get("/api/v1/articles").json()["count"] == 24


def test_hot_and_related(client: Client, articles: list[Article]) -> None:
    hot = client.get("/api/v1/hot").json()["items"]
    assert len(hot) == 20 and hot[0]["title"] == "接口文章0"
    assert len(client.get("/api/v1/hot?limit=5&channel=sports").json()["items"]) == 5
    assert client.get("/api/v1/hot?channel=nope").status_code == 404
    related = client.get(f"/api/v1/articles/{articles[0].pk}/related").json()["items"]
    ids = [r["id"] for r in related]
    assert articles[0].pk not in ids and len(ids) == 8


def test_the_api_and_the_page_agree_on_related(client: Client, articles: list[Article]) -> None:
    a = articles[3]
    api_titles = [r["title"] for r in client.get(f"/api/v1/articles/{a.pk}/related").json()["items"]]
    html = client.get(a.get_absolute_url()).content.decode()
    related = html[html.index('id="related-h"') : html.index('id="hot-h"')]
    positions = [related.index(f">{t}</a>") for t in api_titles]
    assert positions == sorted(positions)


def test_the_openapi_schema_describes_every_endpoint(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/articles",
        "/api/v1/articles/{article_id}",
        "/api/v1/hot",
        "/api/v1/articles/{article_id}/related",
    ):
        assert path in schema["paths"], path
    assert "404" in schema["paths"]["/api/v1/articles/{article_id}"]["get"]["responses"]


def test_the_lists_next_link_url_encodes_its_filters(client: Client) -> None:
    from tests.conftest import make_creator

    author = make_creator("记者&编辑", "记者")  # a handle that needs encoding (a slug may hold Chinese)
    for i in range(3):
        make_article(author, f"编码{i}", channel_slug="tech")
    body = client.get("/api/v1/articles", {"creator": "记者&编辑", "channel": "tech", "page_size": 2}).json()
    assert body["count"] == 3
    assert (
        body["next"]
        == "/api/v1/articles?page_size=2&channel=tech&creator=%E8%AE%B0%E8%80%85%26%E7%BC%96%E8%BE%91&page=2"
    )
    page2 = client.get(body["next"]).json()
    assert [i["title"] for i in page2["items"]] == ["编码2"] and page2["next"] is None
    assert client.get(page2["previous"]).json()["items"] == body["items"]


def test_errors_under_the_api_are_json_whoever_answers(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404 and r["Content-Type"] == "application/json" and r.json() == {"detail": "Not Found"}
    r = client.patch("/api/v1/hot")
    assert r.status_code == 405 and r.json() == {"detail": "Method Not Allowed"} and "GET" in r["Allow"]
    # The pages keep their HTML error pages.
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("tidings.discovery.blocks.hot", broken)
    client.raise_request_exception = False
    r = client.get("/api/v1/hot")
    assert r.status_code == 500 and r.json() == {"detail": "Internal Server Error"}


def test_an_over_long_url_is_414_json_under_the_api_and_text_elsewhere(client: Client) -> None:
    r = client.get("/api/v1/search", {"q": "长" * 300})  # 300 characters are 2,700 once percent-encoded
    assert r.status_code == 414 and "2048" in r.json()["detail"]
    r = client.get("/search", {"q": "长" * 300})
    assert r.status_code == 414 and r["Content-Type"].startswith("text/plain")
    assert client.get("/api/v1/search", {"q": "长" * 100}).status_code == 200


def test_head_is_answered_wherever_get_is(client: Client, articles: list[Article]) -> None:
    for path in ("/api/v1/articles", "/api/v1/hot", f"/api/v1/articles/{articles[0].pk}", "/api/v1/openapi.json",
                 "/", "/hot/", articles[0].get_absolute_url(), "/search?q=接口", "/u/liwei/", "/healthz"):  # fmt: skip
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code == 200, path
        assert head["Content-Type"] == get["Content-Type"] and head.content == b"", path
    assert client.head("/api/v1/articles/999999").status_code == 404
