"""消息中心 over the API: GET /api/v1/notifications and marking read, with a personal token
(`Authorization: Bearer <token>`). Thin over tidings.notifications.actions: one's own
notifications only; anyone else's is 404, as on the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from tidings.accounts.access import acting_user
from tidings.api import paging
from tidings.api.errors import Error, SchemaError
from tidings.api.write import BearerToken
from tidings.notifications import actions
from tidings.notifications.models import Notification

router = Router(tags=["notifications"], auth=BearerToken())

KindName = Literal["reply", "comment", "vote", "follow", "moderation"]
ERRORS = {400: Error, 401: Error, 404: Error, 422: SchemaError}


class NotificationOut(Schema):
    id: int
    kind: KindName = Field(
        description="reply 回复我的 · comment 评论我的文章 · vote 顶 (grouped per comment) · follow 新粉丝 · "
        "moderation 系统通知"
    )
    action: str = Field(description='What happened, in the audit log\'s words, e.g. "article.reject"')
    message: str = Field(description="The sentence to show (a 顶 group: 你的跟帖收到了 N 个顶)")
    excerpt: str = Field(description="The words it quotes, such as a comment's first words")
    reason: str = Field(description="An editor's words (系统通知)")
    tone: Literal["", "good", "bad"]
    url: str = Field(description="Where to look next: a path on this site, or empty")
    count: int = Field(description="顶 in this group (1 for other kinds)")
    article_id: int | None
    comment_id: int | None
    read: bool
    created_at: dt.datetime
    updated_at: dt.datetime = Field(description="Latest activity (a 顶 group's last 顶); the list's order")


class NotificationPage(Schema):
    count: int
    unread: int = Field(description="Unread notifications in all, whatever the filter")
    page: int
    page_size: int
    next: str | None
    previous: str | None
    items: list[NotificationOut]


class ListParams(Schema):
    page: int = Field(1, json_schema_extra={"minimum": 1}, description="Past the last page: 404")
    page_size: int = Field(20, json_schema_extra={"minimum": 1, "maximum": 100})
    kind: Literal["", "reply", "comment", "vote", "follow", "moderation"] = Field("", description="Only this kind")
    unread: bool = Field(False, description="Only the unread ones")


class MarkAllParams(Schema):
    kind: Literal["", "reply", "comment", "vote", "follow", "moderation"] = Field(
        "", description="Only this kind; empty: every kind"
    )


class Marked(Schema):
    marked: int = Field(description="How many were unread and are read now")
    unread: int = Field(description="Unread notifications left")


def item(n: Notification) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "action": n.action,
        "message": n.message,
        "excerpt": n.excerpt,
        "reason": n.reason,
        "tone": n.tone,
        "url": n.url,
        "count": n.count,
        "article_id": n.article_id,
        "comment_id": n.comment_id,
        "read": n.read_at is not None,
        "created_at": n.created_at,
        "updated_at": n.updated_at,
    }


@router.get("", response={200: NotificationPage, **ERRORS}, summary="消息中心: my notifications, latest first")
def list_notifications(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    paging.check(params.page, params.page_size)
    user = acting_user(request)
    qs = actions.for_user(user, [params.kind] if params.kind else None)
    if params.unread:
        qs = qs.unread()
    page = paging.page_of(qs, params.page, params.page_size)
    return {
        "count": page.paginator.count,
        "unread": actions.unread_count(user),
        **paging.links(
            request,
            page,
            {"page_size": params.page_size, "kind": params.kind, "unread": "true" if params.unread else ""},
        ),
        "items": [item(n) for n in page.object_list],
    }


@router.post("/read", response={200: Marked, **ERRORS}, summary="Mark all my notifications read (or one kind's)")
def mark_all_read(request: HttpRequest, params: Query[MarkAllParams]) -> dict[str, int]:
    """No body: a query parameter chooses the kind (POST /api/v1/notifications/read?kind=vote)."""
    user = acting_user(request)
    marked = actions.mark_all_read(user, [params.kind] if params.kind else None)
    return {"marked": marked, "unread": actions.unread_count(user)}


@router.post(
    "/{notification_id}/read",
    response={200: NotificationOut, **ERRORS},
    summary="Mark one of my notifications read (anyone else's: 404)",
)
def mark_read(request: HttpRequest, notification_id: int) -> dict[str, Any]:
    return item(actions.mark_read(acting_user(request), notification_id))
