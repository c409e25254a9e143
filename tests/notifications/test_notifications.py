"""消息中心 (issue 11, point 9): 顶 grouped per comment, kinds switched off, nobody told of their own
doings, nobody else's notifications, marking one and all read, the header's unread count (one
query, none for anonymous pages, which stay page-cache hits), moderation decisions and new
followers as notices, and the page itself."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import make_article, make_user, make_writer
from tests.hostile import executable_parts, xss_payloads
from tidings.accounts.models import User
from tidings.articles import transitions
from tidings.articles.models import Article
from tidings.creators.actions import follow_creator, unfollow_creator
from tidings.creators.models import Creator
from tidings.moderation import actions as moderation
from tidings.notifications import actions
from tidings.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def unread(user: User) -> list[Notification]:
    return list(actions.for_user(user).unread())


_voters = itertools.count(1)


def vote_from(n: int, author: User, comment_id: int = 7, article: Article | None = None) -> None:
    """`n` different readers 顶 the author's comment."""
    for _ in range(n):
        voter = make_user(f"voter{next(_voters)}")
        assert actions.notify_vote(author, comment_id=comment_id, article=article, actor=voter)


@pytest.fixture
def author() -> User:
    return make_user("gentie")


# --------------------------------------------------------------------------------------------
# 顶, grouped


def test_twelve_votes_on_one_comment_make_one_row_that_says_twelve(author: User) -> None:
    article = make_article(make_writer("zuozhe"), "有跟帖的文章")
    vote_from(12, author, comment_id=7, article=article)
    group = Notification.objects.get(user=author)
    assert (group.kind, group.count, group.comment_id, group.article_id) == (Kind.VOTE, 12, 7, article.pk)
    assert group.message == "你的跟帖收到了 12 个顶"
    page = signed_in(author).get("/notifications/vote/").content.decode()
    assert page.count('<li class="note ') == 1 and "未读</span> 你的跟帖收到了 12 个顶</p>" in page


def test_a_vote_after_the_group_was_read_starts_a_new_group_and_other_comments_have_their_own(author: User) -> None:
    vote_from(3, author, comment_id=1)
    vote_from(2, author, comment_id=2)
    assert sorted(n.count for n in unread(author)) == [2, 3]
    first = Notification.objects.get(user=author, comment_id=1)
    actions.mark_read(author, first.pk)
    vote_from(1, author, comment_id=1)
    rows = list(Notification.objects.filter(user=author, comment_id=1).order_by("pk").values_list("count", "read_at"))
    assert [c for c, _ in rows] == [3, 1] and rows[0][1] is not None and rows[1][1] is None


def test_the_newest_activity_comes_first_so_a_growing_group_rises(author: User) -> None:
    vote_from(1, author, comment_id=1)
    actions.notify(author, Kind.REPLY, actor=make_user("huifu"), comment_id=2, excerpt="说得好")
    assert [n.kind for n in actions.for_user(author)] == [Kind.REPLY, Kind.VOTE]
    vote_from(1, author, comment_id=1)
    assert [n.kind for n in actions.for_user(author)] == [Kind.VOTE, Kind.REPLY]


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_eight_votes_at_once_make_one_group_counting_eight(spec_channels: None) -> None:
    author = make_user("bingfa")
    voters = [make_user(f"bingfa{i}") for i in range(8)]
    barrier = threading.Barrier(len(voters))
    errors: list[BaseException] = []

    def vote(voter: User) -> None:
        try:
            barrier.wait()
            actions.notify_vote(author, comment_id=99, actor=voter)
        except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(v,)) for v in voters]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert list(Notification.objects.filter(user=author).values_list("count", flat=True)) == [8]


# --------------------------------------------------------------------------------------------
# Who is told: not oneself, not when switched off


def test_nobody_is_told_about_what_they_did_themselves() -> None:
    writer = make_writer("ziji")
    me = writer.user
    assert actions.notify(me, Kind.REPLY, actor=me, comment_id=1) is None
    assert actions.notify_vote(me, comment_id=1, actor=me) is False
    follow_creator(me, writer)  # following oneself
    assert not Notification.objects.exists()


def test_a_switched_off_kind_is_not_stored_and_system_notices_cannot_be_switched_off(author: User) -> None:
    other = make_user("other")
    actions.set_enabled(author, Kind.VOTE, False)
    actions.set_enabled(author, Kind.REPLY, False)
    assert actions.notify_vote(author, comment_id=1, actor=other) is False
    assert actions.notify(author, Kind.REPLY, actor=other, comment_id=2) is None
    assert actions.notify(author, Kind.COMMENT, actor=other, comment_id=3) is not None  # still on
    assert list(Notification.objects.values_list("kind", flat=True)) == [Kind.COMMENT]
    with pytest.raises(ValueError, match="系统通知不能关闭"):
        actions.set_enabled(author, Kind.MODERATION, False)
    actions.set_enabled(author, Kind.VOTE, True)
    assert actions.notify_vote(author, comment_id=1, actor=other) is True
    assert actions.settings_for(author) == {"reply": False, "comment": True, "vote": True, "follow": True}


def test_the_settings_form_switches_kinds_without_javascript(author: User) -> None:
    c = signed_in(author)
    response = c.post("/notifications/settings/", {"on": ["reply", "comment"], "next": "/notifications/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/#settings-h"
    assert actions.settings_for(author) == {"reply": True, "comment": True, "vote": False, "follow": False}
    page = c.get("/notifications/").content.decode()
    assert "不再接收：跟帖被顶、新粉丝（创作者）" in page
    assert re.search(r'value="reply" checked', page) and not re.search(r'value="vote" checked', page)
    assert actions.notify_vote(author, comment_id=5, actor=make_user("x")) is False


# --------------------------------------------------------------------------------------------
# One's own only; marking read


def test_others_notifications_are_404_and_stay_unread(author: User) -> None:
    mine = actions.notify(author, Kind.REPLY, actor=make_user("a"), comment_id=1, url="/a/1/")
    assert mine is not None
    intruder = signed_in(make_user("intruder"))
    assert intruder.post(f"/notifications/{mine.pk}/read/").status_code == 404
    assert intruder.post(f"/notifications/{mine.pk}/read/", {"go": "1"}).status_code == 404
    assert intruder.post("/notifications/read/").status_code == 302  # their own (none) only
    assert "回复了你的跟帖" not in intruder.get("/notifications/").content.decode()
    assert Notification.objects.get(pk=mine.pk).read_at is None
    assert signed_in(author).post("/notifications/999999/read/").status_code == 404


def test_the_pages_need_a_sign_in_and_answer_get_only_where_nothing_changes(client: Client, author: User) -> None:
    assert client.get("/notifications/")["Location"].startswith("/accounts/login/?next=/notifications/")
    assert client.post("/notifications/read/").status_code == 302  # to sign in, nothing marked
    c = signed_in(author)
    assert c.get("/notifications/read/").status_code == 405
    assert c.get("/notifications/nosuchtab/").status_code == 404
    assert c.post("/notifications/read/", {"tab": "nosuchtab"}).status_code == 404


def test_looking_changes_nothing_only_a_post_marks_read(author: User) -> None:
    note = actions.notify(author, Kind.REPLY, actor=make_user("kan"), comment_id=1, url="/hot/")
    assert note is not None
    c = signed_in(author)
    for url in ("/notifications/", "/notifications/reply/", "/accounts/", "/"):
        assert c.get(url).status_code == 200
    for url in (f"/notifications/{note.pk}/read/", "/notifications/read/", "/notifications/settings/"):
        assert c.get(url).status_code == 405, url
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_following_a_notice_marks_it_read_and_marking_one_or_all_read(author: User) -> None:
    replier = make_user("huifuzhe")
    reply = actions.notify(author, Kind.REPLY, actor=replier, comment_id=3, url="/a/5/#c3", excerpt="同意")
    evil = actions.notify(author, Kind.REPLY, actor=replier, comment_id=4, url="//evil.example/")
    vote_from(2, author, comment_id=9)
    assert reply is not None and evil is not None and evil.url == ""  # links stay on this site
    c = signed_in(author)
    page = c.get("/notifications/").content.decode()
    assert page.count('class="unread-mark">未读</span>') == 3
    assert f'action="/notifications/{reply.pk}/read/"' in page and 'name="go" value="1"' in page
    going = c.post(f"/notifications/{reply.pk}/read/", {"go": "1", "next": "/notifications/"})
    assert going.status_code == 302 and going["Location"] == "/a/5/#c3"
    assert Notification.objects.get(pk=reply.pk).read_at is not None
    page = c.get("/notifications/").content.decode()
    assert page.count('class="unread-mark">未读</span>') == 2 and 'class="note-link" href="/a/5/#c3"' in page
    # 全部标为已读 on the 顶 tab marks only the 顶.
    assert c.post("/notifications/read/", {"tab": "vote"})["Location"] == "/notifications/vote/"
    assert [n.kind for n in unread(author)] == [Kind.REPLY]
    c.post("/notifications/read/", {"tab": ""})
    assert unread(author) == []
    assert "已将 1 条消息标为已读" in c.get("/notifications/").content.decode()


def test_the_tabs_show_their_kinds_and_unread_counts_and_the_list_is_paginated(author: User) -> None:
    someone = make_user("someone")
    for i in range(23):
        actions.notify(author, Kind.REPLY, actor=someone, comment_id=i)
    actions.notify(author, Kind.COMMENT, actor=someone, comment_id=100, text="someone 评论了你的文章《甲》")
    vote_from(1, author, comment_id=200)
    c = signed_in(author)
    page = c.get("/notifications/reply/").content.decode()
    assert 'href="/notifications/reply/" aria-current="page">回复 <span class="note-count">24' in page
    assert 'href="/notifications/vote/">顶 <span class="note-count">1' in page
    assert 'href="/notifications/">全部 <span class="note-count">25' in page
    assert "你的跟帖收到了" not in page and "第 1 页，共 2 页" in page
    second = c.get("/notifications/reply/?page=2").content.decode()
    assert 'href="/notifications/reply/?page=1"' in second and second.count('class="note ') == 4
    assert c.get("/notifications/reply/?page=3").status_code == 404


def test_notice_text_from_readers_cannot_run_in_the_page(author: User) -> None:
    payloads = xss_payloads()[:60]
    for i, payload in enumerate(payloads):
        actions.notify(author, Kind.REPLY, actor=make_user(f"h{i}"), comment_id=i, excerpt=payload, text=payload)
    c = signed_in(author)
    for p in range(1, 4):
        html = c.get(f"/notifications/?page={p}").content.decode()
        main = html.split("<main", 1)[1].split("</main>", 1)[0]
        # The page's own forms (mark read, mark all, settings) are the only non-text parts.
        assert [part for part in executable_parts("<main" + main) if part != "<form>"] == []


# --------------------------------------------------------------------------------------------
# The header: one query for signed-in people, none for anonymous ones, cached pages stay cached


def test_the_header_shows_the_unread_count_with_a_label_and_caps_it(author: User) -> None:
    c = signed_in(author)
    assert 'href="/notifications/">消息</a>' in c.get("/accounts/saved/").content.decode()
    vote_from(1, author, comment_id=1)
    actions.notify(author, Kind.REPLY, actor=make_user("r"), comment_id=2)
    actions.notify(author, Kind.FOLLOW, actor=make_user("f"))
    html = c.get("/accounts/saved/").content.decode()
    assert '消息 <span class="unread-badge">3</span><span class="visually-hidden"> 条未读消息</span></a>' in html
    Notification.objects.bulk_create(
        [Notification(user=author, kind=Kind.REPLY, comment_id=10 + i, text="回复") for i in range(150)]
    )
    assert '<span class="unread-badge">99+</span>' in c.get("/accounts/saved/").content.decode()


def test_the_header_count_costs_one_query_however_many_there_are(
    author: User, settings: Any, django_assert_num_queries: Any
) -> None:
    c = signed_in(author)
    c.get("/accounts/history/")  # the site blocks, kept per process
    # session, user, the history switch, its count, the unread count
    with django_assert_num_queries(5):
        c.get("/accounts/history/")
    Notification.objects.bulk_create(
        [Notification(user=author, kind=Kind.REPLY, comment_id=i, text="回复") for i in range(300)]
    )
    with django_assert_num_queries(5):
        assert "99+" in c.get("/accounts/history/").content.decode()


def test_the_notifications_page_counts_once_for_its_tabs_and_the_header(
    author: User, django_assert_num_queries: Any
) -> None:
    vote_from(3, author)
    c = signed_in(author)
    c.get("/notifications/")
    # session, user, unread per kind (tabs and header), settings, page count, page rows
    with django_assert_num_queries(6):
        html = c.get("/notifications/").content.decode()
    assert '<span class="unread-badge">1</span>' in html


def test_anonymous_pages_ask_nothing_about_notifications_and_stay_page_cache_hits(
    client: Client, django_assert_num_queries: Any
) -> None:
    article = make_article(make_writer("huancun"), "缓存的文章")
    with CaptureQueriesContext(connection) as first:
        miss = client.get(article.get_absolute_url())
    assert miss["X-Cache"] == "MISS" and 'href="/notifications/"' not in miss.content.decode()
    assert not [q for q in first.captured_queries if "notification" in q["sql"]]
    with django_assert_num_queries(0):
        assert client.get(article.get_absolute_url())["X-Cache"] == "HIT"
    for path in ("/", "/hot/", f"/u/{article.creator.handle}/"):
        client.get(path)
        assert client.get(path)["X-Cache"] == "HIT"


def test_a_signed_in_readers_count_is_never_served_from_the_page_cache(author: User) -> None:
    article = make_article(make_writer("xinxian"), "不缓存的文章")
    c = signed_in(author)
    assert "X-Cache" not in c.get(article.get_absolute_url())
    actions.notify(author, Kind.REPLY, actor=make_user("r2"), comment_id=1)
    fresh = c.get(article.get_absolute_url())
    assert "X-Cache" not in fresh and '<span class="unread-badge">1</span>' in fresh.content.decode()


def test_a_500_after_the_user_was_loaded_renders_without_asking_for_the_count(author: User) -> None:
    """The database goes away mid-request, after the session and user were read: the error page
    still renders (signed in), and does not ask for the unread count."""
    c = Client(raise_request_exception=False)
    c.force_login(author)
    c.get("/accounts/saved/")  # the site blocks, kept per process
    refused: list[str] = []

    def down_after_sign_in(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "django_session" in sql or "accounts_user" in sql:
            return execute(sql, params, many, context)
        refused.append(sql)
        raise OperationalError("could not connect to server: Connection refused")

    with connection.execute_wrapper(down_after_sign_in):
        response = c.get("/accounts/saved/")
    assert response.status_code == 500 and "服务器出错了" in response.content.decode()
    assert 'action="/accounts/logout/"' in response.content.decode()  # the signed-in header
    assert refused and not [sql for sql in refused if "notification" in sql]


# --------------------------------------------------------------------------------------------
# Moderation decisions become 系统通知 where they are made


def applicant_and_editor() -> tuple[User, User]:
    from tidings.channels.models import Channel

    editor = make_user("bianji", User.Role.EDITOR, is_staff=True)
    user = make_user("shenqing")
    fields = {"kind": "individual", "channel": Channel.objects.get(slug="tech"), "bio": "简介", "sample_text": "样稿"}
    app = moderation.submit_application(user, name="新号", handle="xinhao", **fields)
    moderation.reject_application(app, editor, "样稿太短")
    app2 = moderation.submit_application(user, name="新号", handle="xinhao", **fields)
    moderation.approve_application(app2, editor, "欢迎")
    return user, editor


def test_application_decisions_reach_the_applicant(client: Client) -> None:
    user, editor = applicant_and_editor()
    notes = list(actions.for_user(user))
    assert [(n.action, n.tone, n.reason, n.url, n.actor_id) for n in notes] == [
        ("application.approve", "good", "欢迎", "/studio/", editor.pk),
        ("application.reject", "bad", "样稿太短", "/join/", editor.pk),
    ]
    assert all(n.kind == Kind.MODERATION for n in notes)
    page = signed_in(user).get("/notifications/moderation/").content.decode()
    assert "你的入驻申请已通过" in page and "审核意见：样稿太短" in page


def test_article_decisions_in_review_reach_the_creator_with_links() -> None:
    editor = make_user("shenhe", User.Role.EDITOR, is_staff=True)
    creator = make_writer("xinshou", probation_left=3)
    drafts = [make_article(creator, title, publish=False) for title in ("马上发", "定时发", "退回的")]
    for a in drafts:
        transitions.submit(a, creator.user)
    Article.objects.filter(pk=drafts[1].pk).update(published_at=timezone.now() + dt.timedelta(days=1))
    moderation.approve_article(Article.objects.get(pk=drafts[0].pk), editor)
    moderation.approve_article(Article.objects.get(pk=drafts[1].pk), editor)
    moderation.reject_article(Article.objects.get(pk=drafts[2].pk), editor, "事实有误")
    got = {n.article_id: n for n in actions.for_user(creator.user)}
    assert got[drafts[0].pk].text == "《马上发》已通过审核，已经发布。"
    assert got[drafts[0].pk].url == f"/a/{drafts[0].pk}/"
    assert got[drafts[1].pk].text == "《定时发》已通过审核，将按你设定的时间发布。"
    assert got[drafts[1].pk].url == f"/studio/a/{drafts[1].pk}/"
    assert (got[drafts[2].pk].tone, got[drafts[2].pk].reason) == ("bad", "事实有误")
    assert got[drafts[2].pk].url == f"/studio/a/{drafts[2].pk}/"


def test_take_downs_reach_the_creator_from_the_queue_and_the_admin_but_their_own_withdrawal_does_not() -> None:
    creator = make_writer("beiju")
    editor = make_user("hecha", User.Role.EDITOR, is_staff=True)
    reported = make_article(creator, "被举报的")
    moderation.report_article(reported, make_user("jubao"), "不实")
    moderation.withdraw_reported_article(Article.objects.get(pk=reported.pk), editor, "核实不实")
    by_admin = make_article(creator, "后台撤回的")
    chief = User.objects.create_superuser("chief", "c@example.com", "pw-chief-123", role=User.Role.ADMIN)
    admin = signed_in(chief)
    admin.post("/admin/articles/article/", {"action": "withdraw", "_selected_action": [str(by_admin.pk)], "index": "0"})
    own = make_article(creator, "自己撤回的")
    transitions.retract(Article.objects.get(pk=own.pk), creator.user)
    texts = [n.text for n in actions.for_user(creator.user)]
    assert texts == ["《后台撤回的》已被编辑撤回，读者暂时看不到它。", "《被举报的》因读者举报经编辑核实后已撤回。"]
    assert Notification.objects.get(article=by_admin).reason == "管理后台撤回"


def test_edit_decisions_reach_the_creator_and_the_studio_shows_them() -> None:
    from tidings.articles import actions as article_actions
    from tidings.articles.input import clean_article_input

    editor = make_user("bianji2", User.Role.EDITOR, is_staff=True)
    creator = make_writer("gaigao", probation_left=2)
    article = make_article(creator, "原标题")

    def edit(title: str) -> None:
        data = clean_article_input({"title": title, "body_md": "改过。", "channel": "news"})
        article_actions.edit_article(Article.objects.get(pk=article.pk), creator.user, data)

    edit("第一次修改")
    moderation.reject_edit(Article.objects.get(pk=article.pk), editor, "标题夸大")
    edit("第二次修改")
    moderation.approve_edit(Article.objects.get(pk=article.pk), editor)
    assert [n.text for n in actions.for_user(creator.user)] == [
        "《第二次修改》的修改已通过审核，读者现在看到新版本。",
        "《原标题》的修改未通过审核，读者仍看到原版本。",
    ]
    studio = signed_in(creator.user).get("/studio/").content.decode()
    assert "的修改已通过审核" in studio and "标题夸大" in studio and 'href="/notifications/moderation/"' in studio


def test_a_purged_article_leaves_its_notices_readable(client: Client) -> None:
    editor = make_user("bianji3", User.Role.EDITOR, is_staff=True)
    creator = make_writer("qingchu", probation_left=1)
    article = make_article(creator, "将被清除", publish=False)
    transitions.submit(article, creator.user)
    moderation.reject_article(Article.objects.get(pk=article.pk), editor, "违规")
    transitions.purge(Article.objects.filter(pk=article.pk), editor)
    note = Notification.objects.get(user=creator.user)
    assert note.article_id is None and note.text == "《将被清除》未通过审核，请按审核意见修改。"


# --------------------------------------------------------------------------------------------
# 新粉丝


def test_a_new_follower_is_announced_once_however_often_they_refollow() -> None:
    creator = make_writer("beiguanzhu")
    fan = make_user("fensi")
    assert follow_creator(fan, creator)
    note = Notification.objects.get(user=creator.user)
    assert (note.kind, note.text, note.actor_id, note.url) == (Kind.FOLLOW, "fensi 关注了你", fan.pk, "")
    for _ in range(3):
        unfollow_creator(fan, creator)
        follow_creator(fan, creator)
    assert [n.kind for n in unread(creator.user)] == [Kind.FOLLOW]
    # Read, then unfollowed and followed again the same day: nothing new.
    actions.mark_all_read(creator.user)
    unfollow_creator(fan, creator)
    assert Notification.objects.filter(user=creator.user).count() == 1  # the read one stays
    follow_creator(fan, creator)
    assert unread(creator.user) == []
    # A day later it is news again.
    Notification.objects.update(created_at=timezone.now() - actions.FOLLOW_QUIET - dt.timedelta(minutes=1))
    unfollow_creator(fan, creator)
    follow_creator(fan, creator)
    assert [n.kind for n in unread(creator.user)] == [Kind.FOLLOW]


def test_an_unfollow_takes_back_the_unread_notice_and_a_creator_follower_is_linked() -> None:
    creator = make_writer("lianjie")
    other = make_writer("tonghang")
    follow_creator(other.user, creator)
    note = Notification.objects.get(user=creator.user)
    assert note.text == "tonghang的号 关注了你" and note.url == "/u/tonghang/"
    unfollow_creator(other.user, creator)
    assert not Notification.objects.exists()
    follow_creator(make_user("nobody"), Creator.objects.create(handle="wuzhu", name="无主"))  # no account
    assert not Notification.objects.exists()


def test_following_by_the_page_tells_the_creator(author: User) -> None:
    creator = make_writer("anniu")
    signed_in(author).post(f"/u/{creator.handle}/follow/")
    page = signed_in(creator.user).get("/notifications/follow/").content.decode()
    assert "gentie 关注了你" in page and '<span class="unread-badge">1</span>' in page


# --------------------------------------------------------------------------------------------
# For the comments app


def test_a_deleted_comment_takes_its_notices_with_it(author: User) -> None:
    actions.notify(author, Kind.REPLY, actor=make_user("r3"), comment_id=5, excerpt="难听的话")
    vote_from(2, author, comment_id=5)
    vote_from(1, author, comment_id=6)
    assert actions.forget_comment([5]) == 2
    assert list(Notification.objects.values_list("comment_id", flat=True)) == [6]


def test_default_sentences_name_the_actor_and_the_article(author: User) -> None:
    creator = make_writer("mingzi")
    article = make_article(creator, "标题甲")
    reply = actions.notify(author, Kind.REPLY, actor=creator.user, comment_id=1, excerpt="  多行\n\n文字  ")
    comment = actions.notify(creator.user, Kind.COMMENT, actor=author, article=article, comment_id=2)
    assert reply is not None and comment is not None
    assert (reply.text, reply.excerpt) == ("mingzi的号 回复了你的跟帖", "多行 文字")
    assert comment.text == "gentie 评论了你的文章《标题甲》"
    with pytest.raises(ValueError):
        actions.notify(author, "nonsense")
