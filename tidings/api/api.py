"""The read API (/api/v1/), thin over the same QuerySets and blocks the pages use."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Path, Query, Schema
from ninja.errors import HttpError
from pydantic import Field

from tidings.api import paging
from tidings.api.comments import router as comments_router
from tidings.api.creator_index import router as creator_index_router
from tidings.api.errors import Error, Invalid, SchemaError
from tidings.api.notifications import router as notifications_router
from tidings.api.search import router as search_router
from tidings.api.stats import router as stats_router
from tidings.api.write import register
from tidings.articles.models import STATEMENTS, Article
from tidings.discovery import blocks
from tidings.lib import ratelimit
from tidings.lib.markup import plain_text
from tidings.web.badinput import MAX_URL

# What tidings.web.badinput answers for every path before an operation sees the request.
NO_CONTROL_CHARACTERS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
SITE_WIDE = {
    400: "A control character (such as NUL) in the path or query string",
    414: f"The path and query string are longer than {MAX_URL} characters",
}


class TidingsAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """ninja's schema plus what the site answers before any operation runs (SITE_WIDE): each
        operation declares 400 and 414, each string parameter states that it holds no control
        character, and an uploaded file is not empty."""
        schema = super().get_openapi_schema(**kwargs)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation["responses"]  # ninja's keys are ints
                for status, description in SITE_WIDE.items():
                    if status not in responses:
                        responses[status] = {"description": description, "content": error}
                for parameter in operation.get("parameters", []):
                    for option in parameter["schema"].get("anyOf", [parameter["schema"]]):
                        if option.get("type") == "string" and "pattern" not in option:
                            option["pattern"] = NO_CONTROL_CHARACTERS
                # An empty file is refused: 400 "not an image", or 422 "missing" when Django's
                # parser drops the empty part.
                form = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data", {})
                for field in form.get("schema", {}).get("properties", {}).values():
                    if field.get("format") == "binary":
                        field["minLength"] = 1
        return schema


api = TidingsAPI(
    title="Tidings API",
    version="1",
    description=(
        "Read API of a Tidings site, and a write API for creators (Authorization: Bearer <token>, "
        "tokens made in the studio at /studio/tokens/). Times are ISO 8601 in UTC."
    ),
    urls_namespace="api",
)
api.add_router("/search", search_router)  # GET /api/v1/search (tidings/api/search.py)
api.add_router("/notifications", notifications_router)  # 消息中心 (tidings/api/notifications.py)

SLUG = "A channel's slug (as in /c/<slug>/)"


class CreatorRef(Schema):
    handle: str
    name: str
    url: str


class ChannelRef(Schema):
    slug: str
    name: str
    url: str


class Counts(Schema):
    views: int
    shares: int
    comments: int
    likes: int


class Repost(Schema):
    """转载: where the article was first published."""

    source: str = Field(description="The source's name")
    url: str = Field(description="The original's address (http or https)")


class Statement(Schema):
    """创作声明: one of ai (含AI生成内容), opinion (个人观点仅供参考), fiction (虚构演绎), external (引用站外信息)."""

    code: str
    label: str


class ArticleItem(Schema):
    id: int
    title: str
    url: str
    summary: str
    creator: CreatorRef
    channel: ChannelRef
    published_at: dt.datetime | None
    original: bool = Field(description="原创 as shown: declared, and not held or refused after the originality check")
    repost: Repost | None = Field(description="转载 and its source; null for an article that is not a repost")
    statements: list[Statement] = Field(description="创作声明, as shown under the title")
    lang: str
    counts: Counts


class ReferenceOut(Schema):
    title: str
    source: str
    url: str
    published_at: dt.datetime | None


class DetailCounts(Counts):
    participants: int = Field(description="人参与: readers with at least one visible comment")


class ArticleDetail(ArticleItem):
    counts: DetailCounts
    ip_region: str | None = Field(description="IP属地: where its creator published from; null when not recorded")
    body_html: str
    tags: list[str]
    references: list[ReferenceOut]


class ArticlePage(Schema):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None
    items: list[ArticleItem]


class ListItem(Schema):
    id: int
    title: str
    url: str
    creator_name: str
    creator_url: str
    channel_name: str
    published_at: dt.datetime | None


class ItemList(Schema):
    items: list[ListItem]


def article_item(a: Article) -> dict[str, object]:
    return {
        "id": a.pk,
        "title": a.title,
        "url": a.get_absolute_url(),
        "summary": a.summary,
        # Names come from 申请入驻 and the admin; the API promises text without markup whatever was typed.
        "creator": {
            "handle": a.creator.handle,
            "name": plain_text(a.creator.name),
            "url": a.creator.get_absolute_url(),
        },
        "channel": {"slug": a.channel.slug, "name": a.channel.name, "url": a.channel.get_absolute_url()},
        "published_at": a.published_at,
        "original": a.shows_original,
        "repost": {"source": a.repost_source, "url": a.repost_url} if a.is_repost else None,
        "statements": [{"code": c, "label": STATEMENTS[c]} for c in a.statements if c in STATEMENTS],
        "lang": a.lang,
        "counts": counts(a),
    }


def counts(a: Article) -> dict[str, int]:
    return {"views": a.views_count, "shares": a.shares_count, "comments": a.comments_count, "likes": a.likes_count}


class ListParams(Schema):
    # The ranges are stated in the schema; a request outside them gets a clear 400 (list_articles).
    page: int = Field(1, json_schema_extra={"minimum": 1}, description="Past the last page: 404, as on the pages")
    page_size: int = Field(20, json_schema_extra={"minimum": 1, "maximum": 100})
    channel: str = Field("", max_length=40, description=SLUG)
    creator: str = Field("", max_length=40, description="A creator's handle (as in /u/<handle>/)")


def _comment_links(article_id: str) -> dict[str, Any]:
    """OpenAPI links from an article to its 跟帖 (read them, post one): what a client, or
    schemathesis' stateful phase, does next with an article's id."""
    return {
        name: {"operationId": f"tidings_api_comments_{view}", "parameters": {"article_id": article_id}}
        for name, view in (("Comments", "list_comments"), ("Comment", "post_comment"))
    }


@api.get(
    "/articles",
    response={200: ArticlePage, 400: Error, 404: Error, 422: SchemaError},
    summary="Published articles, newest first",
    openapi_extra={"responses": {200: {"links": _comment_links("$response.body#/items/0/id")}}},
)
def list_articles(request: HttpRequest, params: Query[ListParams]) -> dict[str, object]:
    qs = Article.objects.published().newest().select_related("creator", "channel")
    if params.channel:
        qs = qs.filter(channel__slug=params.channel)
    if params.creator:
        qs = qs.filter(creator__handle=params.creator)
    page = paging.page_of(qs, params.page, params.page_size)
    return {
        "count": page.paginator.count,
        **paging.links(
            request,
            page,
            {"page_size": params.page_size, "channel": params.channel, "creator": params.creator},
        ),
        "items": [article_item(a) for a in page.object_list],
    }


@api.get(
    "/articles/{article_id}",
    response={200: ArticleDetail, 404: Error, 422: SchemaError},
    summary="One article",
    openapi_extra={"responses": {200: {"links": _comment_links("$response.body#/id")}}},
)
def get_article(request: HttpRequest, article_id: int) -> dict[str, object]:
    # The thread (跟帖 settings and 人参与) is a one-to-one row: joined, not another query.
    a = get_object_or_404(Article.objects.published().select_related("creator", "channel", "thread"), pk=article_id)
    thread = getattr(a, "thread", None)
    return {
        **article_item(a),
        "counts": {**counts(a), "participants": thread.participants_count if thread else 0},
        "ip_region": a.ip_region or None,
        "body_html": a.body_html,
        "tags": [str(t) for t in a.tags],
        "references": [
            {"title": r.title, "source": r.source, "url": r.url, "published_at": r.published_at}
            for r in a.references.all()
        ],
    }


@api.get("/articles/{article_id}/related", response={200: ItemList, 404: Error, 422: SchemaError}, summary="相关推荐")
def related_articles(request: HttpRequest, article_id: int) -> dict[str, object]:
    a = get_object_or_404(Article.objects.published(), pk=article_id)
    return {"items": [_item(i) for i in blocks.related(a)]}


class HotParams(Schema):
    channel: str = Field("", max_length=40, description=SLUG)
    limit: int = Field(20, ge=1, le=100)


@api.get(
    "/hot",
    response={200: ItemList, 404: Error, 422: SchemaError},
    summary="热点推荐: the trending articles",
    openapi_extra={"responses": {200: {"links": _comment_links("$response.body#/items/0/id")}}},
)
def hot_articles(request: HttpRequest, params: Query[HotParams]) -> dict[str, object]:
    from tidings.channels.models import Channel

    c = Channel.objects.filter(slug=params.channel).first() if params.channel else None
    if params.channel and c is None:
        raise HttpError(404, f"No channel {params.channel!r}.")
    return {"items": [_item(i) for i in blocks.hot(params.limit, channel=c)]}


@api.get(
    "/channels/{slug}/headlines",
    response={200: ItemList, 404: Error, 422: SchemaError},
    summary="<channel>要闻: editors' live pins first, then the channel's hot list (as on the pages)",
)
def channel_headlines(
    request: HttpRequest, slug: str = Path(..., max_length=40, description=SLUG)
) -> dict[str, object]:
    from tidings.channels.models import Channel

    c = Channel.objects.filter(slug=slug).first()
    if c is None:
        raise HttpError(404, f"No channel {slug!r}.")
    return {"items": [_item(i) for i in blocks.channel_boxes([c])[0].items]}


@api.get(
    "/topics/{keyword}",
    response={200: ItemList, 404: Error, 422: SchemaError},
    summary="Articles on a topic keyword (as /t/<keyword>/), newest first",
)
def topic_articles(
    request: HttpRequest, keyword: str = Path(..., max_length=40), limit: int = Query(20, ge=1, le=100)
) -> dict[str, object]:
    qs = Article.objects.published().filter(keywords__keyword=keyword).newest().for_lists()[:limit]
    items = [blocks.item(a) for a in qs]
    if not items:
        raise HttpError(404, f"No articles on {keyword!r}.")
    return {"items": [_item(i) for i in items]}


def _item(i: blocks.Item) -> dict[str, object]:
    return {
        "id": i.id,
        "title": i.title,
        "url": i.url,
        "creator_name": plain_text(i.creator_name),
        "creator_url": i.creator_url,
        "channel_name": i.channel_name,
        "published_at": i.published_at,
    }


# The write API (creators, bearer tokens): tidings/api/write.py.
register(api)
# 跟帖: read, post, vote, delete (tidings/api/comments.py).
api.add_router("", comments_router)
# 数据中心 and 粉丝: /me/stats, /me/articles/{id}/stats, /me/fans (tidings/api/stats.py).
api.add_router("", stats_router)
# 创作者指数: GET /me/index (tidings/api/creator_index.py).
api.add_router("", creator_index_router)


@api.exception_handler(Invalid)
def _invalid(request: HttpRequest, exc: Invalid) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "errors": exc.errors}, status=400)


@api.exception_handler(ratelimit.RateLimited)
def _too_many(request: HttpRequest, exc: ratelimit.RateLimited) -> HttpResponse:
    """A rate limit (README "Limits"): 429 with Retry-After, in the API's error shape."""
    response = api.create_response(request, {"detail": exc.message, "retry_after": exc.retry_after}, status=429)
    return ratelimit.too_many(response, exc)
