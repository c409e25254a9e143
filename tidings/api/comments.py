"""跟帖 over the API: read an article's comments (热门 / 最新) and one comment with the chain it
answers; post, vote and delete with a personal token (`Authorization: Bearer <token>`).

Thin over tidings.comments: `actions` decides and writes (the same rules, limits, word filter and
messages as the pages), `threads` reads (the same orders, pages and chains of floors). This module
only finds the objects named in the path, says who may see them, and shapes the answers.

Who sees what: a visible comment, everyone; a comment waiting for review or removed by an editor
or the article's creator, its author only; a comment its author deleted, nobody (DELETE, then GET:
404). Anyone else gets 404, never 403, for a comment they cannot see.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.paginator import EmptyPage
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StrictInt, field_validator

from tidings.accounts.access import acting_user
from tidings.accounts.models import User
from tidings.api import paging
from tidings.api.errors import Error, Invalid, InvalidInput, SchemaError, TooMany
from tidings.api.write import BearerToken, JsonObject, whole_number
from tidings.articles.models import Article
from tidings.comments import actions, threads
from tidings.comments.models import MAX_LENGTH, Comment
from tidings.lib import plaintext
from tidings.lib.client import client_address
from tidings.lib.markup import plain_text

router = Router(tags=["comments"])
bearer = BearerToken()

# The same statement as tidings.api.api.NO_CONTROL_CHARACTERS (tab and line breaks are text):
# PostgreSQL cannot store a NUL, and no comment has a use for the others.
NO_CONTROL_CHARACTERS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"


def _anonymous(request: HttpRequest) -> str | None:
    """Reading needs no token; a request that sends one must send a valid one (else 401)."""
    return None if "Authorization" in request.headers else "anonymous"


# Reads: anonymous, or with a token (then `mine` says how the token's owner voted, and their own
# held or removed comment can be read). The schema says so with an empty security requirement
# beside ninja's BearerToken (ninja appends the lists).
OPTIONAL_AUTH = [bearer, _anonymous]
OPTIONAL_SECURITY: dict[str, Any] = {"security": [{}]}


def _viewer(request: HttpRequest) -> User | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, User) else None


# --- what is sent back -----------------------------------------------------------------------------

State = Literal["visible", "pending", "deleted"]
STATES: dict[str, State] = {
    Comment.Status.VISIBLE: "visible",
    Comment.Status.PENDING: "pending",
    Comment.Status.DELETED: "deleted",
    Comment.Status.REMOVED: "deleted",
}
VoteName = Literal["up", "down", "none"]
VOTES: dict[str, int] = {"up": 1, "down": -1, "none": 0}
VOTE_NAMES: dict[int, VoteName] = {1: "up", -1: "down", 0: "none"}


class AuthorOut(Schema):
    name: str = Field(description="Plain text, no markup")
    avatar_url: str | None = Field(description="An uploaded avatar; null: show the name's first character")
    creator: str | None = Field(description="A creator's handle (their page is /u/<handle>/); null for a reader")


class FloorOut(Schema):
    """One floor of the chain a reply answers (盖楼): 1 is the oldest, the last is the comment replied to."""

    number: int
    id: int
    state: State
    body: str | None = Field(description="Only while visible")
    body_html: str | None = Field(description="Only while visible: as the pages show it")
    author_name: str | None = Field(description="Only while visible")


class CommentOut(Schema):
    id: int
    article_id: int
    url: str = Field(description="The comment's page on this site")
    state: State = Field(description="Anything but visible is shown to its author only")
    body: str = Field(description="Plain text as written (line breaks kept)")
    body_html: str = Field(
        description="The text as the pages show it: escaped, http(s) addresses as links with "
        'rel="nofollow ugc noopener", nothing else is markup (keep line breaks with white-space: pre-line)'
    )
    author: AuthorOut
    ip_region: str = Field(description="IP属地 at posting time (a province, region or country; 未知)")
    created_at: dt.datetime
    up: int = Field(description="顶")
    down: int = Field(description="踩")
    mine: VoteName | None = Field(description="The token owner's vote; null without a token")
    pinned: bool = Field(description="作者置顶")
    parent_id: int | None = Field(description="The comment it replies to")
    depth: int = Field(description="0 for a comment, n for a reply with n floors above it")
    floors: list[FloorOut] = Field(description="The chain it answers, oldest first (empty for a comment)")


class PostedOut(CommentOut):
    held: bool = Field(description="Waiting for an editor (先审后发, a held word, a new account): shown once approved")


class CommentPage(Schema):
    count: int = Field(description="The article's 跟帖 count: its visible comments")
    participants: int = Field(description="人参与: readers with at least one visible comment")
    mode: Literal["open", "review", "closed"] = Field(description="先发后审, 先审后发 or 关闭跟帖 (no new comments)")
    sort: Literal["hot", "new"]
    page: int
    page_size: int
    next: str | None
    previous: str | None
    items: list[CommentOut]


class Tally(Schema):
    up: int
    down: int
    mine: VoteName


def _author(a: threads.Author) -> dict[str, Any]:
    return {"name": plain_text(a.name), "avatar_url": a.avatar_url or None, "creator": a.handle or None}


def _floor(f: threads.Floor) -> dict[str, Any]:
    shown = f.comment.status == Comment.Status.VISIBLE
    return {
        "number": f.number,
        "id": f.comment.pk,
        "state": STATES[f.comment.status],
        "body": f.comment.body if shown else None,
        "body_html": str(plaintext.render(f.comment.body)) if shown else None,
        "author_name": plain_text(f.author.name) if shown else None,
    }


def comment_out(e: threads.Entry, viewer: User | None) -> dict[str, Any]:
    c = e.comment
    return {
        "id": c.pk,
        "article_id": c.article_id,
        "url": actions.comment_url(c),
        "state": STATES[c.status],
        "body": c.body,
        "body_html": str(plaintext.render(c.body)),
        "author": _author(e.author),
        "ip_region": c.ip_region,
        "created_at": c.created_at,
        "up": c.up_count,
        "down": c.down_count,
        "mine": VOTE_NAMES.get(e.mine, "none") if viewer is not None else None,
        "pinned": c.pinned,
        "parent_id": c.parent_id,
        "depth": c.depth,
        "floors": [_floor(f) for f in e.floors],
    }


# --- finding what the path names -------------------------------------------------------------------

NO_ARTICLE = "文章不存在或已下线。"
NO_COMMENT = "这条跟帖不存在或已删除。"


def _article(article_id: int) -> Article:
    article = Article.objects.published().select_related("creator").filter(pk=article_id).first()
    if article is None:
        raise HttpError(404, NO_ARTICLE)
    return article


def _may_see(c: Comment, user: User | None) -> bool:
    if c.status == Comment.Status.VISIBLE:
        return True
    if c.status == Comment.Status.DELETED:  # its author deleted it: gone for everyone
        return False
    return user is not None and c.author_id == user.pk


def _comment(comment_id: int, user: User | None, *, moderating: bool = False) -> Comment:
    """A comment on a published article that `user` may see (or, `moderating`, may remove), else 404."""
    c = (
        Comment.objects.for_display()
        .select_related("article", "article__creator")
        .filter(pk=comment_id, article__in=Article.objects.published())
        .first()
    )
    if c is None or not (
        _may_see(c, user) or (moderating and c.status != Comment.Status.DELETED and actions.can_remove(user, c))
    ):
        raise HttpError(404, NO_COMMENT)
    return c


def _refused(exc: actions.CommentError, field: str) -> Exception:
    """The action's refusal in the API's error bodies: 400 names the field; 403/404 as they are."""
    if exc.http_status == 400:
        return Invalid({field: exc.message})
    return HttpError(exc.http_status, exc.message)


# --- operations ------------------------------------------------------------------------------------


class ListParams(Schema):
    sort: Literal["hot", "new"] = Field("hot", description="热门 (作者置顶 first, then ranked) or 最新")
    page: int = Field(1, json_schema_extra={"minimum": 1}, description="Past the last page: 404")
    page_size: int = Field(threads.PER_PAGE, json_schema_extra={"minimum": 1, "maximum": 100})


@router.get(
    "/articles/{article_id}/comments",
    response={200: CommentPage, 400: Error, 401: Error, 404: Error, 422: SchemaError},
    auth=OPTIONAL_AUTH,
    openapi_extra=OPTIONAL_SECURITY,
    summary="跟帖 under an article: 热门 or 最新, each with the chain it answers",
)
def list_comments(request: HttpRequest, article_id: int, params: Query[ListParams]) -> dict[str, Any]:
    paging.check(params.page, params.page_size)
    article = _article(article_id)
    viewer = _viewer(request)
    thread = actions.thread_of(article)
    try:
        page, entries = threads.page(
            article.pk, params.sort, params.page, article.comments_count, viewer,
            per_page=params.page_size, strict=True,
        )  # fmt: skip
    except EmptyPage:
        raise HttpError(404, f"No page {params.page}.") from None
    return {
        "count": article.comments_count,
        "participants": thread.participants_count if thread else 0,
        "mode": actions.mode_for(article),
        "sort": params.sort,
        **paging.links(request, page, {"sort": params.sort, "page_size": params.page_size}),
        "items": [comment_out(e, viewer) for e in entries],
    }


@router.get(
    "/comments/{comment_id}",
    response={200: CommentOut, 401: Error, 404: Error, 422: SchemaError},
    auth=OPTIONAL_AUTH,
    openapi_extra=OPTIONAL_SECURITY,
    summary="One comment with the chain it answers (held or removed: its author only)",
)
def get_comment(request: HttpRequest, comment_id: int) -> dict[str, Any]:
    viewer = _viewer(request)
    return comment_out(threads.chain_of(_comment(comment_id, viewer), viewer), viewer)


class CommentIn(JsonObject):
    body: str = Field(
        pattern=NO_CONTROL_CHARACTERS,
        description=f"Plain text, at most {MAX_LENGTH} characters once line breaks are normalised and the "
        "ends trimmed (longer, empty, a refused word, the same text twice in a day, a link from a new "
        "account: 400 with the reason)",
    )
    parent_id: StrictInt | None = Field(None, description="Reply to this comment (on the same article)")

    _parent_is_whole = field_validator("parent_id", mode="before")(whole_number)  # 5.0 is 5, "5" is not


# OpenAPI links: what a client (or schemathesis' stateful phase) does next with a new comment's id.
_CID = {"comment_id": "$response.body#/id"}
POSTED_LINKS = {
    name: {"operationId": f"tidings_api_comments_{view}", "parameters": _CID}
    for name, view in (("Read", "get_comment"), ("Vote", "vote"), ("Delete", "delete_comment"))
}


@router.post(
    "/articles/{article_id}/comments",
    response={201: PostedOut, 400: InvalidInput, 401: Error, 403: Error, 404: Error, 422: SchemaError, 429: TooMany},
    auth=bearer,
    summary="Post a comment or a reply (the pages' rules, limits and word filter)",
    openapi_extra={"responses": {201: {"links": POSTED_LINKS}}},
)
def post_comment(
    request: HttpRequest, response: HttpResponse, article_id: int, payload: CommentIn
) -> Status[dict[str, Any]]:
    """403: comments are closed on the article, or the account may not comment now (禁言); 404: no
    such published article, or the comment replied to is not there; 429: too many (Retry-After)."""
    user = acting_user(request)
    article = _article(article_id)
    parent = None
    if payload.parent_id is not None:
        parent = Comment.objects.filter(pk=payload.parent_id, article=article).first()
        if parent is None:
            raise HttpError(404, "你回复的跟帖不存在或已删除。")
    try:
        posted = actions.post_comment(user, article, payload.body, parent=parent, address=client_address(request))
    except actions.CommentError as exc:
        raise _refused(exc, "body") from exc
    c = Comment.objects.for_display().get(pk=posted.comment.pk)
    response["Location"] = f"{request.path.split('/articles/')[0]}/comments/{c.pk}"
    return Status(201, {**comment_out(threads.chain_of(c, user), user), "held": posted.held})


class VoteIn(JsonObject):
    value: VoteName = Field(description="顶, 踩, or take the vote back")


@router.post(
    "/comments/{comment_id}/vote",
    response={200: Tally, 401: Error, 403: Error, 404: Error, 422: SchemaError, 429: TooMany},
    auth=bearer,
    summary="顶 or 踩 a comment, or take the vote back (one vote per reader; not one's own)",
)
def vote(request: HttpRequest, comment_id: int, payload: VoteIn) -> dict[str, Any]:
    user = acting_user(request)
    c = _comment(comment_id, user)
    try:
        tally = actions.vote(user, c, VOTES[payload.value])
    except actions.CommentError as exc:
        raise _refused(exc, "value") from exc
    return {"up": tally.up, "down": tally.down, "mine": VOTE_NAMES[tally.mine]}


class RemoveIn(JsonObject):
    reason: str = Field(
        "",
        max_length=500,
        pattern=NO_CONTROL_CHARACTERS,
        description="Removing someone else's comment (an editor, or the article's creator): the reason "
        "its author reads (default 违反跟帖规范)",
    )


@router.delete(
    "/comments/{comment_id}",
    response={204: None, 401: Error, 403: Error, 404: Error, 422: SchemaError},
    auth=bearer,
    summary="Delete my comment, or remove one from my article (creator) or anywhere (editor)",
)
def delete_comment(request: HttpRequest, comment_id: int, payload: RemoveIn | None = None) -> Status[None]:
    """Its author deletes it (the floor then reads 该跟帖已删除); the article's creator or an
    editor removes it with a reason; anyone else: 403 (404 for a comment they cannot see)."""
    user = acting_user(request)
    c = _comment(comment_id, user, moderating=True)
    try:
        if c.author_id == user.pk:
            actions.delete_own(user, c)
        else:
            actions.remove(user, c, (payload.reason if payload else "") or "违反跟帖规范")
    except actions.CommentError as exc:
        raise _refused(exc, "reason") from exc
    return Status(204, None)
