"""Who may do what with 跟帖 (issue 11, "How it is shown"): every persona × every comment action over
HTTP answers the status it should, and a refused action leaves every comment, vote, thread, ban,
report, notice and audit row exactly as it was; an allowed one changes only what it is about.
The same matrix one level down checks the action functions themselves (the API and the admin
call them too). The queue's own matrix is in tests/moderation/test_moderation.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from tests.comments.conftest import commenter
from tests.conftest import make_article, make_writer
from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.audit.models import Entry
from tidings.comments import actions as comments
from tidings.comments.models import Ban, Comment, Participant, SiteSettings, Thread, Vote, Word
from tidings.moderation import actions as moderation
from tidings.moderation.actions import ModerationError
from tidings.moderation.models import CommentReport
from tidings.notifications.models import Notification

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "reader", "comment author", "article creator", "other creator", "editor", "admin"]


@dataclass
class World:
    users: dict[str, User]
    story: Article
    comment: Comment  # visible, by "comment author", reported once by a witness
    pinned: Comment  # visible, by the witness, pinned by the article's creator
    held: Comment  # pending (a held word), by "comment author"


def old_writer(username: str) -> User:
    creator = make_writer(username)
    User.objects.filter(pk=creator.user_id).update(date_joined=timezone.now() - dt.timedelta(days=90))
    return User.objects.get(pk=creator.user_id)


@pytest.fixture
def world(db: None) -> World:
    creator = old_writer("zuozhe")
    story = make_article(creator.creator, "城市更新里的老街坊")
    louzhu, witness = commenter("louzhu"), commenter("pangguan")
    Word.objects.create(word="待审词", action=Word.Action.HOLD)
    with TestCase.captureOnCommitCallbacks(execute=True):
        comment = comments.post_comment(louzhu, story, "楼主的跟帖").comment
        pinned = comments.post_comment(witness, story, "被置顶的跟帖").comment
        held = comments.post_comment(louzhu, story, "含待审词的跟帖").comment
        comments.pin(creator, pinned)
        moderation.report_comment(comment, witness, "abuse", "骂人")
    users = {
        "reader": commenter("duzhe"),
        "comment author": louzhu,
        "article creator": creator,
        "other creator": old_writer("bieren"),
        "editor": commenter("bianji", role=User.Role.EDITOR, is_staff=True),
        "admin": commenter("zhuguan", role=User.Role.ADMIN, is_staff=True),
    }
    return World(users, story, comment, pinned, held)


def snapshot() -> dict[str, frozenset[Any]]:
    """Every row an action on comments could touch, by table."""
    return {
        "comments": frozenset(
            Comment.objects.values_list(
                "pk", "status", "status_reason", "up_count", "down_count", "pinned", "body", "parent_id"
            )
        ),
        "votes": frozenset(Vote.objects.values_list("comment_id", "user_id", "value")),
        "threads": frozenset(Thread.objects.values_list("article_id", "mode", "participants_count")),
        "participants": frozenset(Participant.objects.values_list("article_id", "user_id", "visible")),
        "articles": frozenset(Article.objects.values_list("pk", "status", "comments_count")),
        "site": frozenset(SiteSettings.objects.values_list("pk", "mode")),
        "bans": frozenset(Ban.objects.values_list("pk", "user_id", "reason")),
        "reports": frozenset(CommentReport.objects.values_list("pk", "status", "category", "reporter_id")),
        "notices": frozenset(Notification.objects.values_list("pk", "user_id", "read_at", "count")),
        "audit": frozenset(Entry.objects.values_list("pk", flat=True)),
    }


def changed_tables(before: dict[str, frozenset[Any]], after: dict[str, frozenset[Any]]) -> set[str]:
    return {table for table in before if before[table] != after[table]}


SIGN_IN = {"anonymous": 302}
NOT_EDITORS = {**SIGN_IN, "reader": 403, "comment author": 403, "article creator": 403, "other creator": 403}
QUEUE = {**NOT_EDITORS, "editor": 302, "admin": 302}
EVERYONE_SIGNED_IN = dict.fromkeys(PERSONAS, 302)
# What a side effect of any allowed action may also write: the notices it sends and its audit entry.
TOLD = {"notices", "audit"}
COUNTED = {"comments", "participants", "threads", "articles"}  # a comment appears or goes

Url = Callable[[World], str]
# action → (method, url, form data, status per persona, who changes something, the tables it may change)
ACTIONS: dict[str, tuple[str, Url, dict[str, str], dict[str, int], set[str], set[str]]] = {
    "post a comment": (
        "post", lambda w: f"/a/{w.story.pk}/comments/post/", {"body": "我也说两句"},
        EVERYONE_SIGNED_IN, set(PERSONAS) - {"anonymous"}, COUNTED,
    ),
    "reply": (
        "post", lambda w: f"/a/{w.story.pk}/comments/post/", {"body": "回复楼主", "parent": "{comment}"},
        EVERYONE_SIGNED_IN, set(PERSONAS) - {"anonymous"}, COUNTED,
    ),
    "vote 顶": (
        "post", lambda w: f"/a/{w.story.pk}/comments/{w.comment.pk}/vote/", {"value": "up"},
        {**EVERYONE_SIGNED_IN, "comment author": 403}, set(PERSONAS) - {"anonymous", "comment author"},
        {"comments", "votes"},
    ),
    "vote 踩": (
        "post", lambda w: f"/a/{w.story.pk}/comments/{w.comment.pk}/vote/", {"value": "down"},
        {**EVERYONE_SIGNED_IN, "comment author": 403}, set(PERSONAS) - {"anonymous", "comment author"},
        {"comments", "votes"},
    ),
    "delete own": (  # the page's 删除 on the author's comment: for the others it is a removal
        "post", lambda w: f"/a/{w.story.pk}/comments/{w.comment.pk}/delete/", {},
        {**EVERYONE_SIGNED_IN, "reader": 403, "other creator": 403},
        {"comment author", "article creator", "editor", "admin"}, COUNTED,
    ),
    "remove with a reason": (  # the page's 删除 on someone else's comment
        "post", lambda w: f"/a/{w.story.pk}/comments/{w.pinned.pk}/delete/", {"reason": "广告"},
        {**EVERYONE_SIGNED_IN, "reader": 403, "comment author": 403, "other creator": 403},
        {"article creator", "editor", "admin"}, COUNTED,
    ),
    "pin": (
        "post", lambda w: f"/a/{w.story.pk}/comments/{w.comment.pk}/pin/", {"action": "pin"},
        {**NOT_EDITORS, "article creator": 302, "editor": 403, "admin": 403}, {"article creator"}, {"comments"},
    ),
    "unpin": (
        "post", lambda w: f"/a/{w.story.pk}/comments/{w.pinned.pk}/pin/", {"action": "unpin"},
        {**NOT_EDITORS, "article creator": 302, "editor": 403, "admin": 403}, {"article creator"}, {"comments"},
    ),
    "close the article's comments": (
        "post", lambda w: f"/a/{w.story.pk}/comments/mode/", {"mode": "closed"},
        {**NOT_EDITORS, "article creator": 302, "editor": 302, "admin": 302},
        {"article creator", "editor", "admin"}, {"threads"},
    ),
    "set the article to 先审后发": (
        "post", lambda w: f"/a/{w.story.pk}/comments/mode/", {"mode": "review"},
        {**NOT_EDITORS, "editor": 302, "admin": 302}, {"editor", "admin"}, {"threads"},
    ),
    "see a comment in the queue": ("get", lambda w: f"/review/comments/{w.comment.pk}/", {}, {**QUEUE, "editor": 200, "admin": 200}, set(), set()),
    "approve a held comment": (
        "post", lambda w: f"/review/comments/{w.held.pk}/", {"decision": "approve"}, QUEUE, {"editor", "admin"}, COUNTED,
    ),
    "remove in the queue": (
        "post", lambda w: f"/review/comments/{w.comment.pk}/", {"decision": "remove", "reason": "人身攻击"},
        QUEUE, {"editor", "admin"}, COUNTED | {"reports"},
    ),
    "ban the author": (
        "post", lambda w: f"/review/comments/{w.comment.pk}/", {"decision": "ban", "ban-days": "7", "ban-reason": "辱骂"},
        QUEUE, {"editor", "admin"}, {"bans"},
    ),
    "report": (
        "post", lambda w: f"/a/{w.story.pk}/comments/{w.comment.pk}/report/", {"category": "spam", "reason": "广告"},
        {**dict.fromkeys(PERSONAS, 200), "anonymous": 302, "comment author": 403},
        set(PERSONAS) - {"anonymous", "comment author"}, {"reports"},
    ),
    "dismiss reports": (
        "post", lambda w: f"/review/comments/{w.comment.pk}/", {"decision": "dismiss"}, QUEUE, {"editor", "admin"},
        {"reports"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_persona_and_comment_action_over_http(world: World, persona: str, action: str) -> None:
    method, url, data, expected, changers, tables = ACTIONS[action]
    client = Client()
    if persona != "anonymous":
        client.force_login(world.users[persona])
    form = {k: (str(world.comment.pk) if v == "{comment}" else v) for k, v in data.items()}
    before = snapshot()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = getattr(client, method)(url(world), form)
    assert response.status_code == expected[persona], f"{persona} / {action}: {response.status_code}"
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=/"), response["Location"]
    changed = changed_tables(before, snapshot())
    if persona in changers:
        assert changed - TOLD, f"{persona} / {action}: nothing changed"
        assert changed <= tables | TOLD, f"{persona} / {action} also changed {changed - tables - TOLD}"
    else:
        assert changed == set(), f"{persona} / {action} was refused but changed {changed}"


ACTION_CALLS: dict[str, tuple[Callable[[World, User], object], set[str]]] = {
    "remove": (lambda w, u: comments.remove(u, w.pinned, "广告"), {"article creator", "editor", "admin"}),
    "delete own": (lambda w, u: comments.delete_own(u, w.comment), {"comment author"}),
    "pin": (lambda w, u: comments.pin(u, w.comment), {"article creator"}),
    "unpin": (lambda w, u: comments.pin(u, w.pinned, on=False), {"article creator"}),
    "close": (lambda w, u: comments.set_mode(u, w.story, "closed"), {"article creator", "editor", "admin"}),
    "先审后发": (lambda w, u: comments.set_mode(u, w.story, "review"), {"editor", "admin"}),
    "approve": (lambda w, u: moderation.approve_comment(w.held, u), {"editor", "admin"}),
    "remove in the queue": (lambda w, u: moderation.remove_comment(w.comment, u, "违规"), {"editor", "admin"}),
    "ban": (lambda w, u: moderation.ban_commenter(w.comment, u, 7, "辱骂"), {"editor", "admin"}),
    "dismiss": (lambda w, u: moderation.dismiss_comment_reports(w.comment, u), {"editor", "admin"}),
    "report": (
        lambda w, u: moderation.report_comment(w.comment, u, "spam"),
        {"reader", "article creator", "other creator", "editor", "admin"},
    ),
    "vote": (lambda w, u: comments.vote(u, w.comment, 1), set(PERSONAS) - {"anonymous", "comment author"}),
}


@pytest.mark.parametrize("persona", PERSONAS[1:])
@pytest.mark.parametrize("action", list(ACTION_CALLS))
def test_the_actions_refuse_whoever_the_pages_refuse(world: World, persona: str, action: str) -> None:
    call, allowed = ACTION_CALLS[action]
    before = snapshot()
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            call(world, world.users[persona])
    except (ModerationError, comments.CommentError):
        assert persona not in allowed, f"{persona} was refused {action}"
        assert changed_tables(before, snapshot()) == set(), f"{persona} / {action}: refused but changed"
    else:
        assert persona in allowed, f"{persona} was allowed to {action}"
