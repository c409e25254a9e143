"""The write API: creators' articles and images with `Authorization: Bearer <token>`.

Thin over the studio's own functions: tidings.articles.access decides who may touch what (another
creator's article is 404, a reader's token 403), tidings.articles.actions checks, writes and
publishes (the same sanitiser, states and probation rules as the studio).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import File, Form, NinjaAPI, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.files import UploadedFile
from ninja.security import HttpBearer
from pydantic import Field, StrictBool, StrictInt, field_validator, model_validator

from tidings.accounts.access import acting_user
from tidings.api.errors import Error, Invalid, InvalidInput, SchemaError, TooMany
from tidings.api.tokens import user_for_token
from tidings.articles import access, actions, images, transitions
from tidings.articles import input as article_input
from tidings.articles.models import Article, PendingEdit
from tidings.articles.originality import OriginalityRefused
from tidings.creators.models import Creator
from tidings.lib import ratelimit
from tidings.lib.client import client_address
from tidings.lib.images import ImageRejected
from tidings.lib.iploc import region_of


class BearerToken(HttpBearer):
    """A personal API token made in the studio (/studio/tokens/)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


_operations: list[tuple[str, str, dict[str, Any], Callable[..., Any]]] = []


def _operation(method: str, path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def remember(view: Callable[..., Any]) -> Callable[..., Any]:
        _operations.append((method, path, options, view))
        return view

    return remember


def register(api: NinjaAPI) -> None:
    """Add the write operations to the API's own router, beside the read ones on the same paths
    (GET and POST /articles share one path: ninja serves one router's operations per path)."""
    bearer = BearerToken()
    for method, path, options, view in _operations:
        getattr(api, method)(path, auth=bearer, tags=["write"], **options)(view)


def _text_time(value: Any) -> Any:
    """Times are ISO 8601 text in JSON; a bare number is refused rather than read as a Unix time."""
    if value is not None and not isinstance(value, str | dt.date):
        raise ValueError("Use an ISO 8601 date or date-time, e.g. 2024-01-10 or 2024-01-10T09:30:00+08:00.")
    return value


def whole_number(value: Any) -> Any:
    """JSON has one kind of number: 5.0 is the integer 5 (JSON Schema agrees). Text is not a number."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# The schema's statement of _a_sane_year: the time starts with a year in 1900–9998.
SANE_YEAR: dict[str, Any] = {"pattern": r"^(19[0-9][0-9]|[2-8][0-9]{3}|9[0-8][0-9][0-9]|99[0-8][0-9]|999[0-8])-"}


def _a_sane_year(value: dt.datetime | None) -> dt.datetime | None:
    """Years outside 1900–9998 overflow once the time is moved to UTC (a 500 otherwise)."""
    if value is not None and not 1900 <= value.year <= 9998:
        raise ValueError("年份须在 1900 到 9998 之间。The year must be between 1900 and 9998.")
    return value


class JsonObject(Schema):
    """A request body that must be a JSON object (ninja's Schema would read attributes off anything)."""

    @model_validator(mode="wrap")
    @classmethod
    def _an_object(cls, data: Any, handler: Any) -> Any:
        if not isinstance(data, dict | JsonObject):
            raise ValueError("Expected a JSON object.")
        return handler(data)


# The schema states every limit and the server keeps to it: text over a limit is refused with 422
# naming the field (never cut short). The studio's own checks (article_input.clean_article_input) run
# after, on the text without markup, which can only be shorter.
MAX_REFERENCE_TITLE, MAX_REFERENCE_SOURCE, MAX_URL = (
    article_input.REFERENCE_LIMITS[k] for k in ("title", "source", "url")
)


class ReferenceIn(JsonObject):
    title: str = Field(min_length=1, max_length=MAX_REFERENCE_TITLE)
    source: str = Field("", max_length=MAX_REFERENCE_SOURCE)
    url: str = Field("", max_length=MAX_URL, description="http(s) only", pattern=r"^(https?://[^\x00-\x20\x7f]+)?$")
    date: dt.datetime | dt.date | None = Field(None, description="ISO 8601 date or date-time; no zone = site's zone")

    _date_is_text = field_validator("date", mode="before")(_text_time)


class ArticleIn(JsonObject):
    title: str = Field("", max_length=article_input.MAX_TITLE)
    body_md: str = Field(
        "", max_length=article_input.MAX_BODY, description="Markdown; rendered and sanitised as in the studio"
    )
    summary: str = Field("", max_length=article_input.MAX_SUMMARY)
    channel: str | None = Field(None, max_length=40, description="Channel slug; default: the first channel")
    tags: list[Annotated[str, Field(max_length=article_input.MAX_TAG)]] = Field(
        default_factory=list, max_length=article_input.MAX_TAGS
    )
    cover: str = Field("", max_length=MAX_URL, description="URL or path of an image uploaded with POST /images")
    original: StrictBool = Field(
        False,
        description="原创: refused with 422 when the text overlaps an earlier article of another creator "
        "(estimated Jaccard similarity at or above the site's threshold, 0.6 by default)",
    )
    repost_source: str = Field("", max_length=200, description="转载: the source's name (with repost_url)")
    repost_url: str = Field(
        "", max_length=MAX_URL, description="转载: the original's http(s) address (with repost_source)"
    )
    statements: list[Literal["ai", "opinion", "fiction", "external"]] = Field(
        default_factory=list,
        max_length=4,
        description="创作声明: ai 含AI生成内容, opinion 个人观点仅供参考, fiction 虚构演绎, external 引用站外信息",
    )
    references: list[ReferenceIn] = Field(default_factory=list, max_length=article_input.MAX_REFERENCES)
    version: StrictInt | None = Field(None, description="PUT: the version this text is based on; older → 409")
    publish: StrictBool = Field(False, description="Publish (or schedule, or submit for review) after saving")
    publish_at: dt.datetime | None = Field(
        None, description="With publish: a future time schedules the article", json_schema_extra=SANE_YEAR
    )

    _publish_at_is_text = field_validator("publish_at", mode="before")(_text_time)
    _publish_at_in_range = field_validator("publish_at")(_a_sane_year)
    _version_is_whole = field_validator("version", mode="before")(whole_number)


class PublishIn(JsonObject):
    publish_at: dt.datetime | None = Field(
        None, description="A future time schedules the article; null publishes now", json_schema_extra=SANE_YEAR
    )

    _publish_at_is_text = field_validator("publish_at", mode="before")(_text_time)
    _publish_at_in_range = field_validator("publish_at")(_a_sane_year)


class ReferenceOut(Schema):
    title: str
    source: str
    url: str
    published_at: dt.datetime | None


class MyArticle(Schema):
    id: int
    status: str
    version: int
    title: str
    url: str | None = Field(description="The public page once published; null before (a draft has none)")
    edit_url: str = Field(description="Where its creator edits it in the studio")
    summary: str
    body_md: str
    body_html: str
    channel: str
    tags: list[str]
    cover: str
    original: bool
    original_check: str = Field(
        description="What became of 原创: '' (not declared), passed, matched (in review), upheld or refused by an editor"
    )
    repost_source: str
    repost_url: str
    statements: list[str]
    references: list[ReferenceOut]
    published_at: dt.datetime | None
    updated_at: dt.datetime
    pending_edit: bool = Field(
        description="An edit of this published article waits for an editor (its creator is on probation): "
        "readers, and the fields above, show the published text until it is approved"
    )


class MyArticleList(Schema):
    items: list[MyArticle]


class ImageOut(Schema):
    url: str
    width: int
    height: int
    markdown: str


ERRORS = {400: InvalidInput, 401: Error, 403: Error, 404: Error, 409: Error, 422: SchemaError}


def _writer(request: HttpRequest) -> Creator:
    creator = access.writer_profile(request.user)
    if creator is None:
        raise HttpError(403, "Only approved creators may write (只有通过入驻审核的创作者可以写文章).")
    return creator


def _own(request: HttpRequest, article_id: int) -> Article:
    _writer(request)
    return access.get_article_for_editing(request.user, article_id)


def mine(a: Article) -> dict[str, Any]:
    return {
        "id": a.pk,
        "status": a.status,
        "version": a.version,
        "title": a.title,
        "url": a.get_absolute_url() if a.is_published else None,
        "edit_url": reverse("studio-edit", args=[a.pk]),
        "summary": a.summary,
        "body_md": a.body_md,
        "body_html": a.body_html,
        "channel": a.channel.slug,
        "tags": [str(t) for t in a.tags],
        "cover": a.cover_url,
        "original": a.original,
        "original_check": a.original_check,
        "repost_source": a.repost_source,
        "repost_url": a.repost_url,
        "statements": list(a.statements),
        "references": [
            {"title": r.title, "source": r.source, "url": r.url, "published_at": r.published_at}
            for r in a.references.all()
        ],
        "published_at": a.published_at,
        "updated_at": a.updated_at,
        "pending_edit": _has_held_edit(a),
    }


def _has_held_edit(a: Article) -> bool:
    try:
        a.pending_edit  # noqa: B018 — the reverse one-to-one, select_related by the list
    except PendingEdit.DoesNotExist:
        return False
    return a.status == Article.Status.PUBLISHED


def _clean(payload: ArticleIn, by: Any) -> article_input.ArticleInput:
    raw = payload.dict()
    raw["references"] = [dict(r) for r in raw["references"]]
    try:
        return article_input.clean_article_input(raw, by=by)
    except article_input.ArticleInvalid as exc:
        raise Invalid(exc.errors) from exc


def refused(exc: OriginalityRefused) -> ValidationError:
    """原创 refused by the originality check: 422, the studio's message, and the earlier article."""
    m = exc.match
    return ValidationError(
        [
            {
                "type": "original_refused",
                "loc": ["body", "payload", "original"],
                "msg": str(exc),
                "ctx": {"earlier": {"id": m.article_id, "title": m.title, "url": m.url, "similarity": m.similarity}},
            }
        ]
    )


def _publish(article: Article, request: HttpRequest, publish_at: dt.datetime | None) -> None:
    if publish_at is not None and timezone.is_naive(publish_at):
        publish_at = timezone.make_aware(publish_at)  # a time without an offset is the site's local time
    try:
        transitions.submit(article, acting_user(request), publish_at, ip_region=region_of(client_address(request)))
    except OriginalityRefused as exc:
        raise refused(exc) from exc
    except article_input.ArticleInvalid as exc:
        raise Invalid(exc.errors) from exc
    except transitions.WrongState as exc:
        raise HttpError(409, str(exc)) from exc


@_operation("get", "/me/articles", response={200: MyArticleList, **ERRORS}, summary="My articles, any state")
def my_articles(
    request: HttpRequest,
    # Article.Status's values; "" is every state.
    status: Literal["", "draft", "pending", "scheduled", "published", "withdrawn"] = "",
) -> dict[str, Any]:
    creator = _writer(request)
    qs = Article.objects.live().by(creator).select_related("channel", "pending_edit").order_by("-updated_at", "-pk")
    if status:
        qs = qs.filter(status=status)
    return {"items": [mine(a) for a in qs.prefetch_related("references")[:200]]}


@_operation("get", "/me/articles/{article_id}", response={200: MyArticle, **ERRORS}, summary="One of my articles")
def my_article(request: HttpRequest, article_id: int) -> dict[str, Any]:
    return mine(_own(request, article_id))


# OpenAPI links: what a client (or schemathesis' stateful phase) does next with a new article's id.
_ID = {"article_id": "$response.body#/id"}
CREATED_LINKS = {
    name: {"operationId": f"tidings_api_write_{view}", "parameters": _ID}
    for name, view in (
        ("ReadMine", "my_article"),
        ("Replace", "update"),
        ("Publish", "publish"),
        ("Withdraw", "withdraw"),
        ("Delete", "delete"),
    )
}


@_operation(
    "post",
    "/articles",
    response={201: MyArticle, **ERRORS},
    summary="Create an article (a draft unless publish)",
    openapi_extra={"responses": {201: {"links": CREATED_LINKS}}},  # ninja keys responses by int
)
def create(request: HttpRequest, payload: ArticleIn) -> Status[dict[str, Any]]:
    creator = _writer(request)
    data = _clean(payload, request.user)
    try:
        with transaction.atomic():
            article = actions.create_article(creator, acting_user(request), data)
            if payload.publish:
                _publish(article, request, payload.publish_at)
    except OriginalityRefused as exc:
        raise refused(exc) from exc
    return Status(201, mine(article))


@_operation("put", "/articles/{article_id}", response={200: MyArticle, **ERRORS}, summary="Replace an article's text")
def update(request: HttpRequest, article_id: int, payload: ArticleIn) -> dict[str, Any]:
    article = _own(request, article_id)
    data = _clean(payload, request.user)
    with transaction.atomic():
        try:
            actions.edit_article(article, acting_user(request), data, version=payload.version)
        except article_input.StaleVersion as exc:
            raise HttpError(409, str(exc)) from exc
        except transitions.WrongState as exc:
            raise HttpError(409, str(exc)) from exc
        except OriginalityRefused as exc:
            raise refused(exc) from exc
        if payload.publish:
            _publish(article, request, payload.publish_at)
    return mine(article)


@_operation(
    "post", "/articles/{article_id}/publish", response={200: MyArticle, **ERRORS}, summary="Publish or schedule"
)
def publish(request: HttpRequest, article_id: int, payload: PublishIn) -> dict[str, Any]:
    article = _own(request, article_id)
    _publish(article, request, payload.publish_at)
    return mine(article)


@_operation("post", "/articles/{article_id}/withdraw", response={200: MyArticle, **ERRORS}, summary="Withdraw (撤回)")
def withdraw(request: HttpRequest, article_id: int) -> dict[str, Any]:
    article = _own(request, article_id)
    try:
        transitions.retract(article, acting_user(request))
    except transitions.WrongState as exc:
        raise HttpError(409, str(exc)) from exc
    return mine(article)


@_operation("delete", "/articles/{article_id}", response={204: None, **ERRORS}, summary="Delete (soft)")
def delete(request: HttpRequest, article_id: int) -> Status[None]:
    article = _own(request, article_id)
    transitions.delete(article, acting_user(request))
    return Status(204, None)


@_operation(
    "post",
    "/images",
    response={201: ImageOut, 429: TooMany, 503: Error, **ERRORS},
    summary="Upload an image (multipart field `file`)",
)
def upload_image(request: HttpRequest, file: File[UploadedFile], alt: Form[str] = "") -> Status[dict[str, Any]]:
    """400 names what is wrong with the file; 503 when this server is busy with other images."""
    _writer(request)
    ratelimit.hit("upload", request.user.pk)  # past the limit: 429 with Retry-After (tidings.api.api)
    for field in ("file", "alt"):
        if len(request.FILES.getlist(field) or request.POST.getlist(field)) > 1:
            raise ValidationError([{"type": "too_many", "loc": ["form", field], "msg": f"One {field}, not several."}])
    try:
        image = images.add_upload(file, by=acting_user(request))
    except ImageRejected as exc:
        if exc.status == 503:
            raise HttpError(503, images.image_error_message(exc)) from exc
        raise Invalid({"file": images.image_error_message(exc)}) from exc
    return Status(201, images.upload_reply(image, alt or (file.name or "").rsplit(".", 1)[0]))
