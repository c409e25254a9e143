"""跟帖 closes the loop (issue 11.9): replies, comments on one's article, 顶 (grouped) and
moderation outcomes reach the people they concern, in the 消息中心."""

from __future__ import annotations

import pytest
from django.test import TestCase

from tests.comments.conftest import commenter, signed_in
from tests.conftest import make_user
from tidings.articles.models import Article
from tidings.comments import actions
from tidings.notifications.models import Notification

pytestmark = pytest.mark.django_db


def posted(user, story, body, parent=None):  # type: ignore[no-untyped-def]
    with TestCase.captureOnCommitCallbacks(execute=True):
        return actions.post_comment(user, story, body, parent=parent).comment


def test_a_reply_tells_the_replied_to_reader_and_the_articles_creator(story: Article, author) -> None:  # type: ignore[no-untyped-def]
    first = posted(commenter("yuanlou"), story, "楼主的话")
    posted(commenter("huifu"), story, "回复楼主", parent=first)
    reply = Notification.objects.get(user=first.author, kind="reply")
    assert "回复楼主" in reply.excerpt and reply.url.endswith(f"/comments/{first.pk + 1}/")
    assert Notification.objects.filter(user=author.user, kind="comment").count() == 2
    page = signed_in(first.author).get("/notifications/").content.decode()
    assert "回复楼主" in page


def test_twelve_up_votes_are_one_grouped_notice(story: Article) -> None:
    c = posted(commenter("remen"), story, "会被顶很多次")
    for i in range(12):
        with TestCase.captureOnCommitCallbacks(execute=True):
            actions.vote(commenter(f"fan{i}"), c, 1)
    rows = Notification.objects.filter(user=c.author, kind="vote")
    assert rows.count() == 1 and rows.get().count == 12
    assert "你的跟帖收到了 12 个顶" in signed_in(c.author).get("/notifications/").content.decode()


def test_removal_and_approval_reach_the_author_with_the_reason(story: Article, editor) -> None:  # type: ignore[no-untyped-def]
    newbie = make_user("xinshou")
    held = posted(newbie, story, "新人的第一条")
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.approve(editor, held)
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.remove(editor, held, "含有广告")
    notes = list(Notification.objects.filter(user=newbie, kind="moderation").order_by("pk"))
    assert [n.tone for n in notes] == ["good", "bad"]
    assert notes[1].reason == "含有广告" and "已被删除" in notes[1].text


def test_a_deleted_comment_takes_its_notices_with_it(story: Article) -> None:
    first = posted(commenter("yuanlou"), story, "原话")
    reply = posted(commenter("huifu"), story, "这句话会删掉", parent=first)
    assert Notification.objects.filter(user=first.author, kind="reply").exists()
    actions.delete_own(reply.author, reply)
    assert not Notification.objects.filter(user=first.author, kind="reply").exists()
