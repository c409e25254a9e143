"""跟帖 in the editors' queue (issue 11.7): readers report (举报) comments by category, editors work
held and reported comments in /review/ — 通过, 删除 with a reason, 驳回举报, 禁言 for N days — and
every decision is in the audit log and reaches the comment's author."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.comments.conftest import commenter, signed_in
from tests.conftest import make_article, make_user, make_writer
from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.audit.models import Entry
from tidings.comments import actions as comments
from tidings.comments.models import Ban, Comment, Mode, Word
from tidings.creators.models import Creator
from tidings.moderation import actions
from tidings.moderation.actions import ModerationError
from tidings.moderation.models import CommentReport
from tidings.notifications.models import Notification
from tidings.web.pagecache import CARE_COOKIE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cooldown(settings: Any) -> None:
    settings.COMMENT_INTERVAL_SECONDS = 0


@pytest.fixture
def author(db: None) -> Creator:
    w = make_writer("zuozhe")
    User.objects.filter(pk=w.user_id).update(date_joined=timezone.now() - dt.timedelta(days=90))
    return w


@pytest.fixture
def story(author: Creator) -> Article:
    return make_article(author, "城市更新里的老街坊")


@pytest.fixture
def editor(db: None) -> User:
    return commenter("bianji", role=User.Role.EDITOR, is_staff=True)


def said(user: User, story: Article, body: str, parent: Comment | None = None) -> Comment:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return comments.post_comment(user, story, body, parent=parent).comment


def report_url(c: Comment) -> str:
    return f"/a/{c.article_id}/comments/{c.pk}/report/"


def checked(html: str) -> str:
    """The category the re-shown form has chosen."""
    found = re.findall(r'<input type="radio" name="category" value="(\w+)"[^>]* checked>', html)
    assert len(found) == 1, found
    return str(found[0])


def main_of(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


# --------------------------------------------------------------------------------------------
# 举报: the reader's page


def test_a_reader_reports_a_comment_by_category_with_optional_words(story: Article) -> None:
    target = said(commenter("louzhu"), story, "你们都是傻瓜")
    reader = commenter("duzhe")
    c = signed_in(reader)
    page = c.get(report_url(target)).content.decode()
    assert "你们都是傻瓜" in page and story.title in page
    fieldset = re.search(r"<fieldset[^>]*>.*?</fieldset>", page, re.S)
    assert fieldset and "<legend>举报类型</legend>" in fieldset.group(0)
    labels = re.findall(r'<input type="radio" name="category" value="(\w+)"', fieldset.group(0))
    assert labels == ["illegal", "vulgar", "abuse", "spam", "false", "other"]
    for word in ("违法违规", "色情低俗", "谩骂攻击", "垃圾广告", "虚假信息", "其他"):
        assert word in fieldset.group(0)
    assert f'action="{report_url(target)}"' in page and 'name="csrfmiddlewaretoken"' in page

    r = c.post(report_url(target), {"category": "abuse", "reason": "<b>人身攻击</b>"})
    assert r.status_code == 200 and "举报已收到" in r.content.decode()
    report = CommentReport.objects.get()
    assert (report.comment, report.reporter, report.category, report.reason) == (target, reader, "abuse", "人身攻击")
    assert Entry.objects.filter(action="comment.report", actor=reader, target_id=target.pk).count() == 1
    # Without words is fine too, for any category but 其他; the comment stays as it was.
    assert signed_in(commenter("pangguan")).post(report_url(target), {"category": "spam"}).status_code == 200
    assert Comment.objects.get(pk=target.pk).status == Comment.Status.VISIBLE

    again = c.post(report_url(target), {"category": "spam"})
    assert again.status_code == 400 and "你已举报过这条跟帖" in again.content.decode()
    assert "你已举报过这条跟帖" in c.get(report_url(target)).content.decode()
    assert CommentReport.objects.count() == 2


def test_a_report_without_a_category_or_with_other_and_no_words_is_explained_and_stores_nothing(
    story: Article,
) -> None:
    target = said(commenter("louzhu"), story, "一条跟帖")
    c = signed_in(commenter("duzhe"))
    r = c.post(report_url(target), {"reason": "说不清"})
    html = r.content.decode()
    assert r.status_code == 400 and 'role="alert"' in html and "请选择举报类型" in html
    assert 'href="#id_category_0"' in html  # the summary links to the first choice
    assert 'aria-describedby="id_category-help id_category-error"' not in html  # no help on the radios
    assert re.search(r'<fieldset class="field radios has-error" aria-describedby="id_category-error">', html)
    assert "说不清" in html  # what was typed is kept

    r = c.post(report_url(target), {"category": "other", "reason": "  "})
    assert r.status_code == 400 and "选择“其他”时请写明举报理由" in r.content.decode()
    assert checked(r.content.decode()) == "other"

    r = c.post(report_url(target), {"category": "false", "reason": "长" * 501})
    assert r.status_code == 400 and "501" in r.content.decode()
    assert c.post(report_url(target), {"category": "made-up"}).status_code == 400
    assert not CommentReport.objects.exists()
    with pytest.raises(ModerationError, match="请选择举报类型"):
        actions.report_comment(target, commenter("jiaoben"), "made-up")
    with pytest.raises(ModerationError, match="最多 500 字"):
        actions.report_comment(target, commenter("jiaoben2"), "spam", "长" * 501)


def test_reporting_ones_own_comment_is_refused(story: Article) -> None:
    me = commenter("louzhu")
    mine = said(me, story, "我自己的跟帖")
    c = signed_in(me)
    page = c.get(report_url(mine))
    assert page.status_code == 200 and "不能举报自己的跟帖" in page.content.decode()
    assert 'name="category"' not in page.content.decode()
    assert c.post(report_url(mine), {"category": "spam"}).status_code == 403
    with pytest.raises(ModerationError, match="不能举报自己的跟帖"):
        actions.report_comment(mine, me, "spam")
    assert not CommentReport.objects.exists()


def test_anonymous_readers_sign_in_and_come_back_to_the_report_page(story: Article) -> None:
    target = said(commenter("louzhu"), story, "一条跟帖")
    for method in ("get", "post"):
        r = getattr(Client(), method)(report_url(target), {"category": "spam"} if method == "post" else {})
        assert r.status_code == 302
        assert r["Location"] == f"/accounts/login/?next=/a/{story.pk}/comments/{target.pk}/report/"
    assert not CommentReport.objects.exists()
    # The comment pages link there for everyone.
    assert f'href="{report_url(target)}"' in Client().get(f"/a/{story.pk}/comments/").content.decode()


def test_only_visible_comments_under_public_articles_can_be_reported(story: Article, author: Creator) -> None:
    gone = said(commenter("louzhu"), story, "删掉了")
    comments.delete_own(gone.author, gone)
    Word.objects.create(word="待审词", action=Word.Action.HOLD)
    held = said(commenter("louzhu2"), story, "含待审词")
    elsewhere = make_article(author, "另一篇")
    shown = said(commenter("louzhu3"), story, "正常的")
    c = signed_in(commenter("duzhe"))
    for url in (report_url(gone), report_url(held), f"/a/{elsewhere.pk}/comments/{shown.pk}/report/"):
        assert c.get(url).status_code == 404, url
        assert c.post(url, {"category": "spam"}).status_code == 404, url
    assert not CommentReport.objects.exists()


def test_comment_reports_count_against_the_report_limit(story: Article, settings: Any) -> None:
    settings.REPORTS_PER_HOUR = 2
    reader = commenter("duzhe")
    targets = [said(commenter(f"louzhu{i}"), story, f"第{i}条") for i in range(3)]
    c = signed_in(reader)
    assert c.post(f"/a/{story.pk}/report/", {"reason": "文章有问题"}).status_code == 200  # articles count too
    assert c.post(report_url(targets[0]), {"category": "spam"}).status_code == 200
    r = c.post(report_url(targets[1]), {"category": "abuse", "reason": "骂人了"})
    html = r.content.decode()
    assert r.status_code == 429 and int(r["Retry-After"]) > 0 and "举报太频繁" in html
    assert "骂人了" in html and checked(html) == "abuse"
    assert CommentReport.objects.count() == 1
    # The refused one counted (hammering does not open the window early: 3 so far); a report
    # refused for what it is (a duplicate) counts nothing.
    settings.REPORTS_PER_HOUR = 4
    with pytest.raises(ModerationError):
        actions.report_comment(targets[0], reader, "spam")
    assert c.post(report_url(targets[2]), {"category": "spam"}).status_code == 200


def test_the_report_page_is_a_plain_form_in_care_mode_too(story: Article) -> None:
    target = said(commenter("louzhu"), story, "一条跟帖")
    c = signed_in(commenter("duzhe"))
    c.cookies[CARE_COOKIE] = "1"
    html = c.get(report_url(target)).content.decode()
    assert re.search(r'<body class="care ', html)
    main = main_of(html)
    assert "<script" not in main and 'method="post"' in main
    assert '<label class="radio" for="id_category_0"><input type="radio" name="category" value="illegal"' in main


# --------------------------------------------------------------------------------------------
# The queue


def test_the_queue_lists_held_comments_oldest_first_with_why_and_the_chain(
    story: Article, editor: User, author: Creator
) -> None:
    Word.objects.create(word="敏感话题", action=Word.Action.HOLD)
    first = said(commenter("yilou"), story, "一楼的话")
    with_word = said(commenter("erlou"), story, "聊聊敏感话题", parent=first)
    newbie = said(make_user("xinren"), story, "新人报到")
    comments.set_mode(editor, story, Mode.REVIEW)
    in_review = said(commenter("sanlou"), story, "先审后发的一条")
    Comment.objects.filter(pk=with_word.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    html = signed_in(editor).get("/review/").content.decode()
    section = html.split('id="q-held-h"', 1)[1].split("</section>", 1)[0]
    assert '<span class="count">3</span>' in section
    order = [section.index(f'href="/review/comments/{c.pk}/"') for c in (with_word, newbie, in_review)]
    assert order == sorted(order)
    assert "原因：命中敏感词：敏感话题" in section
    assert "原因：新注册账号的跟帖先审后发" in section and "原因：本文跟帖先审后发" in section
    assert f'href="{story.get_absolute_url()}">{story.title}</a>' in section
    assert "1楼" in section and "一楼的话" in section  # the chain it answers
    assert section.count('value="approve"') == 3
    # Nobody else sees the held words, nor the comments.
    assert "敏感话题" not in Client().get(f"/a/{story.pk}/comments/").content.decode()
    assert signed_in(author.user).get("/review/").status_code == 403


def test_the_queue_groups_reported_comments_with_their_categories_reasons_and_counts(
    story: Article, editor: User
) -> None:
    rude = said(commenter("louzhu"), story, "骂人的跟帖")
    ad = said(commenter("guanggao"), story, "加微信买便宜货")
    actions.report_comment(ad, commenter("r0"), "spam", "")
    for i, (category, reason) in enumerate([("abuse", "人身攻击"), ("abuse", ""), ("spam", "顺便打广告")]):
        actions.report_comment(rude, commenter(f"r{i + 1}"), category, reason)
    html = signed_in(editor).get("/review/").content.decode()
    section = html.split('id="q-comment-reports-h"', 1)[1].split("</section>", 1)[0]
    assert '<span class="count">2</span>' in section
    assert section.count('<li class="queue-comment">') == 2
    assert section.index(f"/review/comments/{ad.pk}/") < section.index(f"/review/comments/{rude.pk}/")
    assert "3 条举报：谩骂攻击 × 2、垃圾广告 × 1" in section and "1 条举报：垃圾广告 × 1" in section
    assert '谩骂攻击：<span class="pre-wrap">人身攻击</span>' in section and "顺便打广告" in section
    assert section.count('value="dismiss"') == 2
    detail = signed_in(editor).get(f"/review/comments/{rude.pk}/").content.decode()
    assert "举报（3 条）" in detail and "骂人的跟帖" in detail and "r1" in detail


def test_approving_a_held_comment_from_the_queue_shows_counts_logs_and_tells_the_author(
    story: Article, editor: User
) -> None:
    newbie = make_user("xinren")
    held = said(newbie, story, "新人的第一条")
    e = signed_in(editor)
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = e.post(f"/review/comments/{held.pk}/", {"decision": "approve"})
    assert r.status_code == 302 and r["Location"] == "/review/"
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.VISIBLE
    assert Article.objects.get(pk=story.pk).comments_count == 1
    assert Entry.objects.filter(action="comment.approve", actor=editor, target_id=held.pk).exists()
    notice = Notification.objects.get(user=newbie, kind="moderation")
    assert notice.tone == "good" and "已通过审核" in notice.text
    assert "已通过 xinren 的跟帖" in e.get("/review/").content.decode()
    # Decided: it leaves the queue, and a second decision is refused plainly.
    assert e.get(f"/review/comments/{held.pk}/").status_code == 404
    with pytest.raises(ModerationError, match="已经处理过了"):
        actions.approve_comment(held, editor)


def test_deleting_needs_a_reason_and_closes_the_reports_as_upheld_with_both_logged(
    story: Article, editor: User
) -> None:
    rude = said(commenter("louzhu"), story, "骂人的跟帖")
    reports = [actions.report_comment(rude, commenter(f"r{i}"), "abuse") for i in range(2)]
    e = signed_in(editor)
    url = f"/review/comments/{rude.pk}/"
    r = e.post(url, {"decision": "remove", "reason": " "})
    html = r.content.decode()
    assert r.status_code == 400 and "删除跟帖需要填写理由" in html and 'role="alert"' in html
    assert Comment.objects.get(pk=rude.pk).status == Comment.Status.VISIBLE
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert e.post(url, {"decision": "remove", "reason": "人身攻击"}).status_code == 302
    c = Comment.objects.get(pk=rude.pk)
    assert (c.status, c.status_reason) == (Comment.Status.REMOVED, "人身攻击")
    assert Article.objects.get(pk=story.pk).comments_count == 0
    closed = list(CommentReport.objects.order_by("pk").values_list("status", "decided_by", "decision_reason"))
    assert closed == [("upheld", editor.pk, "人身攻击")] * 2
    assert Entry.objects.get(action="comment.remove", target_id=rude.pk).reason == "人身攻击"
    uphold = Entry.objects.get(action="comment.reports_uphold", target_id=rude.pk)
    assert uphold.actor == editor and uphold.data["report_ids"] == [r.pk for r in reports]
    notice = Notification.objects.get(user=rude.author, kind="moderation")
    assert notice.reason == "人身攻击" and "已被删除" in notice.text
    assert e.get(url).status_code == 404
    assert f"/review/comments/{rude.pk}/" not in e.get("/review/").content.decode()


def test_dismissing_reports_keeps_the_comment_and_is_logged(story: Article, editor: User) -> None:
    fine = said(commenter("louzhu"), story, "说得在理")
    actions.report_comment(fine, commenter("r1"), "false", "看不惯")
    e = signed_in(editor)
    assert e.post(f"/review/comments/{fine.pk}/", {"decision": "dismiss", "reason": "不违反规范"}).status_code == 302
    assert Comment.objects.get(pk=fine.pk).status == Comment.Status.VISIBLE
    assert list(CommentReport.objects.values_list("status", "decision_reason")) == [("dismissed", "不违反规范")]
    entry = Entry.objects.get(action="comment.reports_dismiss")
    assert (entry.actor, entry.target_id, entry.reason) == (editor, fine.pk, "不违反规范")
    assert e.get(f"/review/comments/{fine.pk}/").status_code == 404
    with pytest.raises(ModerationError, match="没有待处理的举报"):
        actions.dismiss_comment_reports(fine, editor)
    # The reader may report it again later, as a new report.
    actions.report_comment(fine, User.objects.get(username="r1"), "false", "又看了一遍")
    assert CommentReport.objects.open().count() == 1


def test_banning_from_the_queue_stops_the_author_commenting_for_n_days(story: Article, editor: User) -> None:
    troll = commenter("louzhu")
    rude = said(troll, story, "骂人的跟帖")
    actions.report_comment(rude, commenter("r1"), "abuse")
    e = signed_in(editor)
    url = f"/review/comments/{rude.pk}/"
    for days, reason, problem in [
        ("0", "刷屏", "1"),
        ("5000", "刷屏", "3650"),
        ("三天", "刷屏", "整数"),
        ("3", "", "请填写禁言理由"),
    ]:
        r = e.post(url, {"decision": "ban", "ban-days": days, "ban-reason": reason})
        assert r.status_code == 400 and problem in r.content.decode(), (days, reason)
        assert 'id="id_ban-days"' in r.content.decode()
    assert not Ban.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = e.post(url, {"decision": "ban", "ban-days": "3", "ban-reason": "多次辱骂"})
    assert r.status_code == 302 and r["Location"] == url  # the comment itself still waits for a decision
    ban = Ban.objects.get()
    assert ban.user == troll and ban.by == editor and ban.reason == "多次辱骂"
    assert abs((ban.until - timezone.now()) - dt.timedelta(days=3)) < dt.timedelta(minutes=1)
    assert Entry.objects.get(action="comment.ban", target_id=troll.pk).data == {"days": 3}
    assert "你已被禁止跟帖 3 天" in Notification.objects.get(user=troll, kind="moderation").text
    page = e.get(url).content.decode()
    assert "已禁止 louzhu 跟帖 3 天" in page and "禁言至" in page
    refused = signed_in(troll).post(f"/a/{story.pk}/comments/post/", {"body": "我又来了"})
    assert refused.status_code == 403 and "你已被禁止跟帖" in refused.content.decode()
    assert Comment.objects.get(pk=rude.pk).status == Comment.Status.VISIBLE


def test_an_unknown_decision_is_a_bad_request_and_a_wrong_one_is_explained(story: Article, editor: User) -> None:
    shown = said(commenter("louzhu"), story, "正常的跟帖")
    actions.report_comment(shown, commenter("r1"), "spam")
    e = signed_in(editor)
    url = f"/review/comments/{shown.pk}/"
    assert e.post(url, {"decision": "withdraw"}).status_code == 400
    r = e.post(url, {"decision": "approve"})  # it is not held
    assert r.status_code == 400 and "已经处理过了" in r.content.decode()
    r = e.post(url, {"decision": "remove", "reason": "长" * 501})
    assert r.status_code == 400 and Comment.objects.get(pk=shown.pk).status == Comment.Status.VISIBLE
    assert not Entry.objects.filter(action__in=["comment.remove", "comment.approve"]).exists()


def test_editors_never_decide_on_their_own_comments(story: Article, editor: User) -> None:
    Word.objects.create(word="敏感话题", action=Word.Action.HOLD)
    mine = said(editor, story, "编辑自己聊敏感话题")
    reported = said(editor, story, "编辑自己的另一条")
    actions.report_comment(reported, commenter("r1"), "spam")
    e = signed_in(editor)
    html = e.get("/review/").content.decode()
    assert "编辑自己" not in html
    for c in (mine, reported):
        assert e.get(f"/review/comments/{c.pk}/").status_code == 404
    with pytest.raises(ModerationError, match="没有权限"):
        actions.approve_comment(mine, editor)
    with pytest.raises(ModerationError, match="没有权限"):
        actions.dismiss_comment_reports(reported, editor)
    other = commenter("zhubian", role=User.Role.ADMIN, is_staff=True)
    assert signed_in(other).get(f"/review/comments/{mine.pk}/").status_code == 200


def test_the_queue_costs_the_same_queries_for_one_comment_or_many(story: Article, editor: User, settings: Any) -> None:
    settings.BLOCK_CACHE_SECONDS = 0
    Word.objects.create(word="敏感话题", action=Word.Action.HOLD)

    def fill(n: int, tag: str) -> None:
        top = said(commenter(f"top{tag}"), story, f"顶层{tag}")
        for i in range(n):
            parent = said(commenter(f"p{tag}{i}"), story, f"楼{tag}{i}", parent=top)
            said(commenter(f"h{tag}{i}"), story, f"敏感话题{tag}{i}", parent=parent)
            actions.report_comment(parent, commenter(f"r{tag}{i}"), "spam", "广告")
            actions.report_comment(parent, commenter(f"s{tag}{i}"), "abuse")

    e = signed_in(editor)
    fill(1, "a")
    with CaptureQueriesContext(connection) as one:
        e.get("/review/")
    fill(6, "b")
    with CaptureQueriesContext(connection) as seven:
        html = e.get("/review/").content.decode()
    assert len(seven) == len(one), [q["sql"][:80] for q in seven.captured_queries]
    assert html.count('<li class="queue-comment">') == 14 and "敏感话题b5" in html


def test_a_reason_longer_than_its_column_is_refused_plainly_never_a_server_error(
    story: Article, author: Creator, editor: User
) -> None:
    """Comment.status_reason and Ban.reason hold 500 characters; PostgreSQL refuses a longer write."""
    target = said(commenter("louzhu"), story, "一条跟帖")
    r = signed_in(author.user).post(f"/a/{story.pk}/comments/{target.pk}/delete/", {"reason": "长" * 501})
    assert r.status_code == 400 and "理由最多 500 字" in r.content.decode()
    with pytest.raises(comments.CommentError, match="理由最多 500 字"):
        comments.ban(editor, target.author, 3, "长" * 501)
    assert Comment.objects.get(pk=target.pk).status == Comment.Status.VISIBLE and not Ban.objects.exists()


# --------------------------------------------------------------------------------------------
# By keyboard, in a browser


def tab_to(page: Any, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_comment_is_reported_by_keyboard_alone_with_the_error_announced(
    browser: Any, live_server: Any, spec_channels: None
) -> None:
    writer = make_writer("jianpan")
    story = make_article(writer, "键盘也能举报")
    target = comments.post_comment(commenter("louzhu"), story, "加微信买便宜货").comment
    reader = commenter("jubaozhe")
    login = Client()
    login.force_login(reader)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": "sessionid", "value": login.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{live_server.url}/a/{story.pk}/comments/")
        tab_to(page, f"#c{target.pk} a.report-comment")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith(f"/a/{story.pk}/comments/{target.pk}/report/")

        # Submitted without a category: the summary is announced and takes the focus.
        tab_to(page, "main form button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.matches('[data-error-summary][role=alert]')")
        assert "请选择举报类型" in page.inner_text("[data-error-summary]")

        # Choose with the arrow keys inside the group, write, send.
        tab_to(page, "#id_category_0")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.querySelector('#id_category_2').checked")  # 谩骂攻击
        tab_to(page, "#id_reason")
        page.keyboard.type("骂人还打广告")
        tab_to(page, "main form button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "举报已收到" in page.inner_text("main [role=status]")
    finally:
        context.close()
    report = CommentReport.objects.get()
    assert (report.comment_id, report.reporter_id, report.category, report.reason) == (
        target.pk,
        reader.pk,
        "abuse",
        "骂人还打广告",
    )
    assert errors == []
