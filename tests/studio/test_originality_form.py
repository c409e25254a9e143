"""The studio's 原创, 转载 and 创作声明 fields: a refused 原创 says why and links the earlier article,
with the typed text kept; 转载 needs a source and an http(s) link."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import make_article, make_writer
from tests.originality_texts import COPY, ORIGINAL, SAME_TOPIC
from tidings.articles.models import Article
from tidings.creators.models import Creator

pytestmark = pytest.mark.django_db


@pytest.fixture
def author() -> Creator:
    return make_writer("xiaoli")


@pytest.fixture
def studio(author: Creator) -> Client:
    client = Client()
    client.force_login(author.user)
    return client


def form(**fields: Any) -> dict[str, Any]:
    return {"title": "一篇文章", "body_md": SAME_TOPIC, "channel": "news", "action": "save", **fields}


def test_declaring_a_copy_original_is_refused_with_a_link_and_the_text_is_kept(studio: Client, author: Creator) -> None:
    earlier = make_article(make_writer("first"), "江城内涝治理见成效", body=ORIGINAL)

    r = studio.post("/studio/new/", form(body_md=COPY, original="1", action="publish"))

    assert r.status_code == 400
    page = r.content.decode()
    assert "不能声明原创" in page and "江城内涝治理见成效" in page
    assert f'href="/a/{earlier.pk}/"' in page
    assert 'id="e-original"' in page and 'aria-invalid="true"' in page
    assert "调蓄池第一次投入使用" in page  # the typed body is still in the form
    assert not Article.objects.filter(creator=author).exists()


def test_the_same_text_as_a_repost_is_saved(studio: Client, author: Creator) -> None:
    make_article(make_writer("first"), "江城内涝治理见成效", body=ORIGINAL)

    r = studio.post("/studio/new/", form(body_md=COPY, repost_source="江城日报", repost_url="https://example.com/x"))

    assert r.status_code == 302
    article = Article.objects.get(creator=author)
    assert (article.original, article.repost_source) == (False, "江城日报")


def test_statements_are_checkboxes_in_a_fieldset_and_are_saved(studio: Client, author: Creator) -> None:
    page = studio.get("/studio/new/").content.decode()
    assert "<legend>创作声明（可多选）</legend>" in page
    assert '<input id="f-statement-ai" name="statements" type="checkbox" value="ai">' in page
    assert '<label for="f-statement-ai">含AI生成内容</label>' in page

    r = studio.post("/studio/new/", form(statements=["opinion", "ai"], original="1"))

    assert r.status_code == 302
    article = Article.objects.get(creator=author)
    assert article.statements == ["ai", "opinion"] and article.original_check == Article.OriginalCheck.PASSED
    edit = studio.get(f"/studio/a/{article.pk}/").content.decode()
    assert 'value="ai" checked' in edit and 'value="opinion" checked' in edit


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"repost_source": "某报", "repost_url": "javascript:alert(1)"}, "repost_url", "http:// 或 https://"),
        ({"repost_source": "某报", "repost_url": "ftp://example.com/a"}, "repost_url", "http:// 或 https://"),
        ({"repost_source": "某报"}, "repost_url", "原文链接"),
        ({"repost_url": "https://example.com/a"}, "repost_source", "来源名称"),
        ({"repost_source": "某报", "repost_url": "https://example.com/a", "original": "1"}, "original", "只能选一个"),
    ],
)
def test_a_malformed_repost_is_refused_with_a_clear_message(
    studio: Client, author: Creator, fields: dict[str, str], field: str, words: str
) -> None:
    r = studio.post("/studio/new/", form(**fields))

    assert r.status_code == 400
    page = r.content.decode()
    assert f'id="e-{field}"' in page and words in page
    assert not Article.objects.filter(creator=author).exists()
