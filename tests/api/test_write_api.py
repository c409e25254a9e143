"""The write API (/api/v1/, Authorization: Bearer <token>): same rules, states, sanitiser and
errors as the studio; declared in the OpenAPI schema."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image as PILImage

from tests.conftest import make_user, make_writer
from tidings.api.models import ApiToken
from tidings.api.tokens import create_token, revoke_token
from tidings.articles.models import Article
from tidings.creators.models import Creator

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def token_for(creator: Creator) -> str:
    return create_token(creator.user, "测试脚本")[0]


def post(client: Client, path: str, body: dict[str, Any], token: str) -> Any:
    return client.post(path, body, content_type="application/json", **bearer(token))


def put(client: Client, path: str, body: dict[str, Any], token: str) -> Any:
    return client.put(path, body, content_type="application/json", **bearer(token))


@pytest.fixture
def author() -> Creator:
    return make_writer("apiauthor")


@pytest.fixture
def token(author: Creator) -> str:
    return token_for(author)


ARTICLE = {
    "title": "接口写的文章",
    "body_md": "## 小标题\n\n正文[外链](https://example.com/)。",
    "summary": "摘要",
    "channel": "tech",
    "tags": ["接口", "测试"],
    "original": True,
    "references": [{"title": "报告", "source": "研究院", "url": "https://example.org/r", "date": "2024-01-10"}],
}


def test_it_answers_401_without_a_valid_token(client: Client, author: Creator) -> None:
    assert client.post("/api/v1/articles", ARTICLE, content_type="application/json").status_code == 401
    r = post(client, "/api/v1/articles", ARTICLE, "tdg_not-a-real-token")
    assert r.status_code == 401 and r.json() == {"detail": "Unauthorized"}
    secret, made = create_token(author.user, "旧令牌")
    revoke_token(author.user, made.pk)
    assert post(client, "/api/v1/articles", ARTICLE, secret).status_code == 401
    assert not Article.objects.exists()


def test_a_token_stores_only_a_digest_and_records_its_use(client: Client, author: Creator, token: str) -> None:
    row = ApiToken.objects.get()
    assert token not in (row.sha256, row.prefix) and token.startswith(row.prefix)
    assert row.last_used_at is None
    client.get("/api/v1/me/articles", **bearer(token))
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_a_readers_token_is_refused_403(client: Client) -> None:
    reader = make_user("apireader")
    secret, _ = token_row_for(reader)
    r = post(client, "/api/v1/articles", ARTICLE, secret)
    assert r.status_code == 403 and "approved creators" in r.json()["detail"]


def token_row_for(user: Any) -> tuple[str, ApiToken]:
    """A token row for any user (the studio only makes them for creators)."""
    from tidings.api.models import digest, new_secret

    secret = new_secret()
    return secret, ApiToken.objects.create(user=user, name="x", prefix=secret[:10], sha256=digest(secret))


def test_it_creates_a_draft_that_is_not_public(client: Client, author: Creator, token: str) -> None:
    r = post(client, "/api/v1/articles", ARTICLE, token)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "draft" and body["version"] == 1 and body["channel"] == "tech"
    assert body["tags"] == ["接口", "测试"] and body["original"] is True
    assert body["references"][0]["title"] == "报告"
    assert 'rel="nofollow ugc noopener"' in body["body_html"]
    assert client.get(f"/api/v1/articles/{body['id']}").status_code == 404
    assert client.get(f"/a/{body['id']}/").status_code == 404


def test_it_publishes_schedules_or_submits_for_review_like_the_studio(client: Client) -> None:
    direct, probation = make_writer("direct"), make_writer("newbie", probation_left=2)
    r = post(client, "/api/v1/articles", {**ARTICLE, "publish": True}, token_for(direct))
    assert r.json()["status"] == "published"
    assert client.get(f"/api/v1/articles/{r.json()['id']}").status_code == 200

    later = (timezone.now() + dt.timedelta(days=1)).isoformat()
    r = post(client, "/api/v1/articles", {**ARTICLE, "publish": True, "publish_at": later}, token_for(direct))
    assert r.json()["status"] == "scheduled"
    assert client.get(f"/api/v1/articles/{r.json()['id']}").status_code == 404

    r = post(client, "/api/v1/articles", {**ARTICLE, "publish": True}, token_for(probation))
    assert r.json()["status"] == "pending"


def test_publishing_needs_a_title_and_a_body(client: Client, token: str) -> None:
    r = post(client, "/api/v1/articles", {"title": "", "body_md": "", "publish": True}, token)
    assert r.status_code == 400
    assert set(r.json()["errors"]) == {"title", "body_md"}


def test_it_updates_with_versions_and_refuses_a_stale_one(client: Client, token: str) -> None:
    made = post(client, "/api/v1/articles", ARTICLE, token).json()
    r = put(client, f"/api/v1/articles/{made['id']}", {**ARTICLE, "title": "第二版", "version": 1}, token)
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["title"] == "第二版"
    stale = put(client, f"/api/v1/articles/{made['id']}", {**ARTICLE, "title": "旧的", "version": 1}, token)
    assert stale.status_code == 409 and "第 2 版" in stale.json()["detail"]
    assert Article.objects.get().title == "第二版"
    assert Article.objects.get().revisions.count() == 2


def test_editing_a_published_article_keeps_it_public_with_a_revision(client: Client, token: str) -> None:
    made = post(client, "/api/v1/articles", {**ARTICLE, "publish": True}, token).json()
    r = put(client, f"/api/v1/articles/{made['id']}", {**ARTICLE, "body_md": "改过的正文"}, token)
    assert r.json()["status"] == "published"
    assert "改过的正文" in client.get(f"/api/v1/articles/{made['id']}").json()["body_html"]
    assert Article.objects.get().revisions.count() == 2


def test_publish_withdraw_and_delete_endpoints(client: Client, token: str) -> None:
    made = post(client, "/api/v1/articles", ARTICLE, token).json()
    path = f"/api/v1/articles/{made['id']}"
    assert client.post(f"{path}/publish", {}, content_type="application/json", **bearer(token)).json()["status"] == (
        "published"
    )
    again = client.post(f"{path}/publish", {}, content_type="application/json", **bearer(token))
    assert again.status_code == 409
    assert client.post(f"{path}/withdraw", **bearer(token)).json()["status"] == "withdrawn"
    assert client.get(path).status_code == 404
    assert client.post(f"{path}/withdraw", **bearer(token)).status_code == 409
    assert client.delete(path, **bearer(token)).status_code == 204
    assert client.get(f"/api/v1/me/articles/{made['id']}", **bearer(token)).status_code == 404
    assert client.delete(path, **bearer(token)).status_code == 404


def test_another_creators_article_is_404_for_every_write(client: Client, token: str) -> None:
    other = make_writer("otherapi")
    theirs = post(client, "/api/v1/articles", ARTICLE, token_for(other)).json()["id"]
    path = f"/api/v1/articles/{theirs}"
    assert client.get(f"/api/v1/me/articles/{theirs}", **bearer(token)).status_code == 404
    assert put(client, path, ARTICLE, token).status_code == 404
    assert client.post(f"{path}/publish", {}, content_type="application/json", **bearer(token)).status_code == 404
    assert client.post(f"{path}/withdraw", **bearer(token)).status_code == 404
    assert client.delete(path, **bearer(token)).status_code == 404
    assert Article.objects.get(pk=theirs).status == "draft" and Article.objects.get(pk=theirs).deleted_at is None


def test_bad_input_gets_clear_errors_and_writes_nothing(client: Client, token: str) -> None:
    bad = {**ARTICLE, "channel": "no-such", "references": [{"title": "<b></b>", "url": "https://example.org/"}]}
    r = post(client, "/api/v1/articles", bad, token)
    assert r.status_code == 400
    assert set(r.json()["errors"]) == {"channel", "references.1"}
    # A link that is not http(s) breaks the schema's pattern: 422 naming the field.
    r = post(
        client, "/api/v1/articles", {**ARTICLE, "references": [{"title": "x", "url": "javascript:alert(1)"}]}, token
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-3:] == ["references", 0, "url"]
    r = post(client, "/api/v1/articles", {"title": ["not", "text"]}, token)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "title"
    r = client.post("/api/v1/articles", "{not json", content_type="application/json", **bearer(token))
    assert r.status_code in (400, 422)
    assert not Article.objects.exists()


def test_my_articles_lists_every_state_but_deleted(client: Client, token: str) -> None:
    a = post(client, "/api/v1/articles", ARTICLE, token).json()["id"]
    post(client, "/api/v1/articles", {**ARTICLE, "publish": True}, token)
    client.delete(f"/api/v1/articles/{a}", **bearer(token))
    items = client.get("/api/v1/me/articles", **bearer(token)).json()["items"]
    assert [i["status"] for i in items] == ["published"]


def png(size: tuple[int, int] = (640, 400)) -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", size, (20, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def test_image_upload_returns_markdown_for_the_body(client: Client, token: str) -> None:
    f = io.BytesIO(png())
    f.name = "chart.png"
    r = client.post("/api/v1/images", {"file": f, "alt": "图表"}, **bearer(token))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["markdown"] == f"![图表]({body['url']})" and body["width"] == 640
    made = post(client, "/api/v1/articles", {**ARTICLE, "body_md": body["markdown"], "cover": body["url"]}, token)
    assert "<picture>" in made.json()["body_html"] and made.json()["cover"] == body["url"]


def test_a_renamed_text_file_is_refused_with_a_reason(client: Client, token: str) -> None:
    f = io.BytesIO(b"just some text, not a picture")
    f.name = "photo.jpg"
    r = client.post("/api/v1/images", {"file": f}, **bearer(token))
    assert r.status_code == 400 and "not a readable image" in r.json()["errors"]["file"]


def test_the_schema_declares_bearer_auth_and_every_status(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    for path, method in [
        ("/api/v1/articles", "post"),
        ("/api/v1/articles/{article_id}", "put"),
        ("/api/v1/articles/{article_id}", "delete"),
        ("/api/v1/articles/{article_id}/publish", "post"),
        ("/api/v1/articles/{article_id}/withdraw", "post"),
        ("/api/v1/images", "post"),
        ("/api/v1/me/articles", "get"),
    ]:
        op = schema["paths"][path][method]
        assert op["security"] == [{"BearerToken": []}], path
        assert {"400", "401", "403", "404", "409", "422"} <= set(op["responses"]), (path, method)
    assert "security" not in schema["paths"]["/api/v1/articles"]["get"]


def test_a_body_that_is_not_a_json_object_is_refused(client: Client, token: str) -> None:
    for body in ("[null, null]", '"x"', "5"):
        r = client.post("/api/v1/articles", body, content_type="application/json", **bearer(token))
        assert r.status_code == 422 and "JSON object" in r.json()["detail"][0]["msg"], body
    r = post(client, "/api/v1/articles", {**ARTICLE, "publish": True, "publish_at": 0}, token)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "publish_at"
    r = post(client, "/api/v1/articles", {**ARTICLE, "references": [{"title": "x", "date": 20240110}]}, token)
    assert r.status_code == 422
    assert not Article.objects.exists()


def test_a_page_far_past_the_end_is_a_json_404_as_on_the_pages_not_a_500(client: Client, author: Creator) -> None:
    r = client.get("/api/v1/articles?page=32589158477190044730&page_size=51")
    assert r.status_code == 404 and r.json() == {"detail": "No page 32589158477190044730."}
    assert client.get("/?page=32589158477190044730").status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "loc"),
    [
        ("title", "标" * 201, ["title"]),
        ("summary", "摘" * 501, ["summary"]),
        ("tags", ["长" * 21], ["tags", 0]),
        ("tags", [f"标签{i}" for i in range(11)], ["tags"]),
        ("references", [{"title": "题" * 301}], ["references", 0, "title"]),
        ("references", [{"title": "报告", "source": "源" * 201}], ["references", 0, "source"]),
    ],
)
def test_over_long_fields_are_refused_naming_the_field_never_cut_short(
    client: Client, token: str, field: str, value: object, loc: list[object]
) -> None:
    r = post(client, "/api/v1/articles", {**ARTICLE, field: value}, token)
    assert r.status_code == 422
    assert [e["loc"][2:] for e in r.json()["detail"]] == [loc]
    assert not Article.objects.exists()


def test_the_limits_are_stated_in_the_schema(client: Client) -> None:
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    article, reference = schemas["ArticleIn"]["properties"], schemas["ReferenceIn"]["properties"]
    assert (article["title"]["maxLength"], article["summary"]["maxLength"], article["body_md"]["maxLength"]) == (
        200,
        500,
        200_000,
    )
    assert article["tags"]["maxItems"] == 10 and article["tags"]["items"]["maxLength"] == 20
    assert (reference["title"]["maxLength"], reference["source"]["maxLength"]) == (300, 200)


def test_a_drafts_url_is_null_and_its_edit_url_is_the_studios(client: Client, token: str) -> None:
    draft = post(client, "/api/v1/articles", ARTICLE, token).json()
    assert draft["status"] == "draft" and draft["url"] is None
    assert draft["edit_url"] == f"/studio/a/{draft['id']}/"
    published = client.post(f"/api/v1/articles/{draft['id']}/publish", {}, "application/json", **bearer(token)).json()
    assert published["status"] == "published" and published["url"] == f"/a/{draft['id']}/"
    assert client.get(published["url"]).status_code == 200


def test_version_is_a_whole_json_number(client: Client, token: str) -> None:
    a = post(client, "/api/v1/articles", ARTICLE, token).json()
    path = f"/api/v1/articles/{a['id']}"
    assert put(client, path, {**ARTICLE, "title": "新", "version": 1.0}, token).json()["version"] == 2
    assert put(client, path, {**ARTICLE, "version": 2.5}, token).status_code == 422
    assert put(client, path, {**ARTICLE, "version": "2"}, token).status_code == 422


def test_my_articles_status_filter_takes_only_known_states(client: Client, token: str) -> None:
    post(client, "/api/v1/articles", ARTICLE, token)
    assert len(client.get("/api/v1/me/articles?status=draft", **bearer(token)).json()["items"]) == 1
    assert client.get("/api/v1/me/articles?status=bogus", **bearer(token)).status_code == 422


def test_an_upload_takes_exactly_one_non_empty_file_and_one_alt(client: Client, token: str) -> None:
    def upload(**data: object) -> Any:
        return client.post("/api/v1/images", data, **bearer(token))

    two = [io.BytesIO(png()), io.BytesIO(png((20, 20)))]
    for f, name in zip(two, ("a.png", "b.png"), strict=True):
        f.name = name
    r = upload(file=two)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["form", "file"]
    one = io.BytesIO(png())
    one.name = "c.png"
    r = upload(file=one, alt=["一", "二"])
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["form", "alt"]
    r = upload(alt="没有文件")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["file", "file"]
    empty = io.BytesIO(b"")
    empty.name = "empty.png"
    r = upload(file=empty)  # 400 naming the file (or 422 "missing" when the parser drops an empty part)
    assert r.status_code == 400 and "file" in r.json()["errors"]
    assert not client.get("/api/v1/me/articles", **bearer(token)).json()["items"]
