"""原创, 转载 and 创作声明 through the API: a refused 原创 is a 422 with the studio's message and the
earlier article; 转载 and 创作声明 are written and read back."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import make_article, make_writer
from tests.originality_texts import COPY, ORIGINAL, SAME_TOPIC
from tidings.api.tokens import create_token
from tidings.articles.models import Article

pytestmark = pytest.mark.django_db


def post(client: Client, body: dict[str, Any], token: str) -> Any:
    return client.post("/api/v1/articles", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def token() -> str:
    return create_token(make_writer("apiwriter").user, "测试")[0]


def test_declaring_a_copy_original_answers_422_with_the_message(client: Client, token: str) -> None:
    earlier = make_article(make_writer("first"), "江城内涝治理见成效", body=ORIGINAL)

    r = post(client, {"title": "搬运", "body_md": COPY, "original": True, "publish": True}, token)

    assert r.status_code == 422
    [problem] = r.json()["detail"]
    assert problem["loc"][-1] == "original"
    assert "不能声明原创" in problem["msg"] and "江城内涝治理见成效" in problem["msg"]
    assert problem["ctx"]["earlier"]["url"] == f"/a/{earlier.pk}/"
    assert not Article.objects.filter(title="搬运").exists()


def test_repost_and_statements_are_written_and_read_back(client: Client, token: str) -> None:
    body = {
        "title": "转载一篇",
        "body_md": SAME_TOPIC,
        "repost_source": "滨海日报",
        "repost_url": "https://example.com/flood",
        "statements": ["external", "ai"],
        "publish": True,
    }
    r = post(client, body, token)

    assert r.status_code == 201, r.content
    mine = r.json()
    assert (mine["repost_source"], mine["repost_url"], mine["statements"]) == (
        "滨海日报",
        "https://example.com/flood",
        ["ai", "external"],
    )
    public = client.get(f"/api/v1/articles/{mine['id']}").json()
    assert public["repost"] == {"source": "滨海日报", "url": "https://example.com/flood"}
    assert public["original"] is False
    assert [s["label"] for s in public["statements"]] == ["含AI生成内容", "引用站外信息"]


@pytest.mark.parametrize(
    "fields",
    [
        {"repost_source": "某报", "repost_url": "javascript:alert(1)"},
        {"repost_source": "某报", "repost_url": "https://example.com/a", "original": True},
    ],
)
def test_a_malformed_repost_is_refused(client: Client, token: str, fields: dict[str, Any]) -> None:
    r = post(client, {"title": "转载", "body_md": SAME_TOPIC, **fields}, token)

    assert r.status_code == 400
    assert set(r.json()["errors"]) & {"repost_url", "original"}


def test_an_unknown_statement_is_a_schema_error(client: Client, token: str) -> None:
    r = post(client, {"title": "声明", "body_md": SAME_TOPIC, "statements": ["广告"]}, token)

    assert r.status_code == 422
