"""消息中心 over the API: GET /api/v1/notifications and marking read with a personal token; one's
own only (anyone else's is 404), the list endpoints' paging."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import make_user, make_writer
from tidings.api.tokens import create_token
from tidings.creators.models import Creator
from tidings.notifications import actions
from tidings.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def me() -> Creator:
    return make_writer("wode")


@pytest.fixture
def token(me: Creator) -> str:
    return create_token(me.user, "消息脚本")[0]


def fill(me: Creator) -> None:
    for i in range(3):
        actions.notify(me.user, Kind.COMMENT, actor=make_user(f"duzhe{i}"), comment_id=i, excerpt=f"第{i}条")
    for i in range(4):
        actions.notify_vote(me.user, comment_id=100, actor=make_user(f"ding{i}"))
    actions.notify_decision(me.user, "article.reject", title="稿子", reason="再改改")


def test_it_lists_my_notifications_latest_first_with_paging(client: Client, me: Creator, token: str) -> None:
    fill(me)
    body = client.get("/api/v1/notifications?page_size=2", **bearer(token)).json()
    assert (body["count"], body["unread"], body["page"], body["page_size"]) == (5, 5, 1, 2)
    assert body["next"] == "/api/v1/notifications?page_size=2&page=2" and body["previous"] is None
    first = body["items"][0]
    assert (first["kind"], first["action"], first["message"], first["reason"], first["tone"]) == (
        "moderation", "article.reject", "《稿子》未通过审核，请按审核意见修改。", "再改改", "bad",
    )  # fmt: skip
    vote = body["items"][1]
    assert (vote["kind"], vote["count"], vote["message"], vote["read"]) == ("vote", 4, "你的跟帖收到了 4 个顶", False)
    assert client.get(body["next"], **bearer(token)).json()["previous"] == "/api/v1/notifications?page_size=2&page=1"
    assert client.get("/api/v1/notifications?page=9", **bearer(token)).status_code == 404
    assert client.get("/api/v1/notifications?page=0", **bearer(token)).status_code == 400


def test_it_filters_by_kind_and_by_unread(client: Client, me: Creator, token: str) -> None:
    fill(me)
    comments = client.get("/api/v1/notifications?kind=comment", **bearer(token)).json()
    assert [i["excerpt"] for i in comments["items"]] == ["第2条", "第1条", "第0条"] and comments["unread"] == 5
    actions.mark_all_read(me.user, [Kind.COMMENT])
    fresh = client.get("/api/v1/notifications?unread=true&page_size=1", **bearer(token)).json()
    assert fresh["count"] == 2 and fresh["next"] == "/api/v1/notifications?page_size=1&unread=true&page=2"
    assert client.get("/api/v1/notifications?kind=nonsense", **bearer(token)).status_code == 422


def test_marking_one_or_all_read_and_nobody_elses(client: Client, me: Creator, token: str) -> None:
    fill(me)
    other = make_writer("bieren")
    theirs = actions.notify(other.user, Kind.FOLLOW, actor=me.user)
    assert theirs is not None
    mine = Notification.objects.filter(user=me.user, kind=Kind.VOTE).get()
    one = client.post(f"/api/v1/notifications/{mine.pk}/read", **bearer(token))
    assert one.status_code == 200 and one.json()["read"] is True
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read", **bearer(token)).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    kind = client.post("/api/v1/notifications/read?kind=comment", **bearer(token))
    assert kind.json() == {"marked": 3, "unread": 1}
    everything = client.post("/api/v1/notifications/read", **bearer(token))
    assert everything.json() == {"marked": 1, "unread": 0}
    assert Notification.objects.get(pk=theirs.pk).read_at is None  # still theirs, still unread


def test_it_needs_a_token(client: Client, me: Creator) -> None:
    answers: list[Any] = [
        client.get("/api/v1/notifications"),
        client.post("/api/v1/notifications/read"),
        client.get("/api/v1/notifications", **bearer("tdg_not-a-real-token")),
    ]
    assert [r.status_code for r in answers] == [401, 401, 401]
    assert all(r.json()["detail"] for r in answers)
