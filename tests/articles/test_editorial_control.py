"""What an editor decided stays decided, and what readers see is what an editor could read.

From a review of the studio and moderation together: an editor's takedown or rejection cannot be
undone by the creator publishing again; probation covers edits, not only first submissions; an
editor approves only the version they read; a request working from a stale copy of an article
cannot undo a withdrawal or lose readers' counts; drafts never leak through 不感兴趣; admin
deletes and admin publishing keep derived data and deletions right.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from tests.conftest import make_user, make_writer
from tidings.accounts.models import User
from tidings.api.tokens import create_token
from tidings.articles import actions, transitions
from tidings.articles import input as article_input
from tidings.articles.models import Article, PendingEdit
from tidings.creators.models import Creator
from tidings.moderation import actions as moderation
from tidings.moderation.actions import ModerationError
from tidings.search.models import Entry as SearchEntry

pytestmark = pytest.mark.django_db


def text(title: str = "原来的标题", body: str = "原来的正文。") -> article_input.ArticleInput:
    return article_input.clean_article_input({"title": title, "body_md": body, "channel": "news"})


def published_by(creator: Creator, title: str = "原来的标题") -> Article:
    with TestCase.captureOnCommitCallbacks(execute=True):
        article = actions.create_article(creator, creator.user, text(title))
        return transitions.submit(article, creator.user)


def test_an_article_an_editor_withdrew_goes_back_to_review_when_its_creator_publishes(editor: User) -> None:
    creator = make_writer("retry")
    article = published_by(creator)
    moderation.report_article(article, make_user("reporter"), "不实信息")
    moderation.withdraw_reported_article(article, editor, "核实为不实信息")
    again = Article.objects.get(pk=article.pk)
    transitions.submit(again, creator.user)
    assert Article.objects.get(pk=article.pk).status == Article.Status.PENDING
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_a_creator_who_withdrew_their_own_article_may_publish_it_again_directly() -> None:
    creator = make_writer("ownwithdraw")
    article = published_by(creator)
    transitions.retract(article, creator.user)
    transitions.submit(Article.objects.get(pk=article.pk), creator.user)
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_a_rejected_article_goes_back_to_review_even_after_probation(editor: User) -> None:
    creator = make_writer("rejected", probation_left=1)
    first, second = (actions.create_article(creator, creator.user, text(f"稿件{i}")) for i in (1, 2))
    transitions.submit(first, creator.user)
    transitions.submit(second, creator.user)
    moderation.approve_article(Article.objects.get(pk=first.pk), editor)
    moderation.reject_article(Article.objects.get(pk=second.pk), editor, "事实有误")
    assert Creator.objects.get(pk=creator.pk).probation_left == 0
    transitions.submit(Article.objects.get(pk=second.pk), creator.user)
    assert Article.objects.get(pk=second.pk).status == Article.Status.PENDING


def _approved_on_probation(editor: User, name: str = "probation", probation_left: int = 3) -> Article:
    creator = make_writer(name, probation_left=probation_left)
    with TestCase.captureOnCommitCallbacks(execute=True):
        article = actions.create_article(creator, creator.user, text("原来的标题", "原来的正文内容。"))
        transitions.submit(article, creator.user)
        moderation.approve_article(Article.objects.get(pk=article.pk), editor)
    return Article.objects.get(pk=article.pk)


def _api(user: User) -> Client:
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {create_token(user, '脚本')[0]}"
    return client


def test_on_probation_an_edit_of_a_published_article_waits_for_review_while_the_published_text_stays(
    editor: User,
) -> None:
    article = _approved_on_probation(editor)
    user = article.creator.user
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.edit_article(Article.objects.get(pk=article.pk), user, text("改过的标题", "袋鼠跳跃。"))
    live = Article.objects.get(pk=article.pk)
    assert (live.status, live.title, live.published_at) == (
        Article.Status.PUBLISHED,
        "原来的标题",
        article.published_at,
    )
    page = Client().get(f"/a/{article.pk}/").content.decode()
    assert "原来的正文内容" in page and "袋鼠" not in page and "更新于" not in page
    assert "找到 1 篇文章" in Client().get("/search?q=原来的正文内容").content.decode()
    assert "没有找到包含“袋鼠”的文章" in Client().get("/search?q=袋鼠").content.decode()
    public = Client().get(f"/api/v1/articles/{article.pk}").json()
    assert public["title"] == "原来的标题"
    mine = _api(user).get(f"/api/v1/me/articles/{article.pk}").json()
    assert (mine["title"], mine["pending_edit"], mine["version"]) == ("原来的标题", True, article.version + 1)
    reviewer = Client()
    reviewer.force_login(editor)
    assert f"/review/edits/{article.pk}/" in reviewer.get("/review/").content.decode()
    assert "袋鼠跳跃" in reviewer.get(f"/review/edits/{article.pk}/").content.decode()


def test_approving_an_edit_replaces_the_text_keeps_the_publish_time_and_the_probation_count(editor: User) -> None:
    article = _approved_on_probation(editor)
    left = Creator.objects.get(pk=article.creator_id).probation_left
    actions.edit_article(Article.objects.get(pk=article.pk), article.creator.user, text("改过的标题", "新正文。"))
    reviewer = Client()
    reviewer.force_login(editor)
    seen = Article.objects.get(pk=article.pk).version
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = reviewer.post(f"/review/edits/{article.pk}/", {"decision": "approve", "reason": "", "version": seen})
    assert response.status_code == 302
    live = Article.objects.get(pk=article.pk)
    assert (live.status, live.title, live.body_md) == (Article.Status.PUBLISHED, "改过的标题", "新正文。")
    assert live.published_at == article.published_at and live.edited_at is not None
    assert Creator.objects.get(pk=article.creator_id).probation_left == left
    assert not PendingEdit.objects.filter(article=live).exists()
    page = Client().get(f"/a/{article.pk}/").content.decode()
    assert "新正文" in page and "更新于" in page
    assert "找到 1 篇文章" in Client().get("/search?q=新正文").content.decode()
    studio = Client()
    studio.force_login(article.creator.user)
    assert "的修改已通过审核" in studio.get("/studio/").content.decode()


def test_an_editor_cannot_approve_an_edit_changed_after_they_read_it(editor: User) -> None:
    article = _approved_on_probation(editor)
    user = article.creator.user
    actions.edit_article(Article.objects.get(pk=article.pk), user, text("第一次修改"))
    seen = Article.objects.get(pk=article.pk).version
    actions.edit_article(Article.objects.get(pk=article.pk), user, text("第二次修改"), version=seen)
    with pytest.raises(ModerationError):
        moderation.approve_edit(Article.objects.get(pk=article.pk), editor, version=seen)
    assert Article.objects.get(pk=article.pk).title == "原来的标题"
    moderation.approve_edit(Article.objects.get(pk=article.pk), editor, version=seen + 1)
    assert Article.objects.get(pk=article.pk).title == "第二次修改"


def test_rejecting_an_edit_keeps_the_published_text_and_tells_the_creator(editor: User) -> None:
    article = _approved_on_probation(editor)
    actions.edit_article(Article.objects.get(pk=article.pk), article.creator.user, text("改过的标题"))
    reviewer = Client()
    reviewer.force_login(editor)
    refused = reviewer.post(f"/review/edits/{article.pk}/", {"decision": "reject", "reason": ""})
    assert refused.status_code == 400
    response = reviewer.post(f"/review/edits/{article.pk}/", {"decision": "reject", "reason": "标题与事实不符"})
    assert response.status_code == 302
    live = Article.objects.get(pk=article.pk)
    assert (live.status, live.title, live.edited_at) == (Article.Status.PUBLISHED, "原来的标题", None)
    assert reviewer.get(f"/review/edits/{article.pk}/").status_code == 404
    studio = Client()
    studio.force_login(article.creator.user)
    notices = studio.get("/studio/").content.decode()
    assert "的修改未通过审核" in notices and "标题与事实不符" in notices
    assert 'value="原来的标题"' in studio.get(f"/studio/a/{article.pk}/").content.decode()


def test_the_studio_says_before_saving_that_an_edit_waits_and_then_shows_the_held_text(editor: User) -> None:
    article = _approved_on_probation(editor)
    studio = Client()
    studio.force_login(article.creator.user)
    before = studio.get(f"/studio/a/{article.pk}/").content.decode()
    assert "你还在新手期：修改会先经编辑审核，审核通过前读者看到的是当前版本。" in before
    form = {
        "action": "save", "title": "工作台改的标题", "body_md": "工作台改的正文。", "channel": "news",
        "version": str(article.version), "ref_count": "0",
    }  # fmt: skip
    response = studio.post(f"/studio/a/{article.pk}/", form)
    assert response.status_code == 302 and "done=edit_pending" in response["Location"]
    after = studio.get(response["Location"]).content.decode()
    assert "等待编辑审核" in after and 'value="工作台改的标题"' in after
    assert Article.objects.get(pk=article.pk).title == "原来的标题"
    again = {**form, "title": "再改一次", "version": str(article.version + 1)}
    assert studio.post(f"/studio/a/{article.pk}/", again).status_code == 302
    assert 'value="再改一次"' in studio.get(f"/studio/a/{article.pk}/").content.decode()
    assert Article.objects.get(pk=article.pk).title == "原来的标题"


def test_an_edit_through_the_api_on_probation_says_it_waits_for_review(editor: User) -> None:
    article = _approved_on_probation(editor)
    body = {"title": "接口改的标题", "body_md": "接口改的正文。", "channel": "news", "version": article.version}
    response = _api(article.creator.user).put(f"/api/v1/articles/{article.pk}", body, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["pending_edit"], response.json()["title"]) == (True, "原来的标题")
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_on_probation_an_edit_of_a_scheduled_article_goes_back_to_review(editor: User) -> None:
    creator = make_writer("later", probation_left=2)
    article = actions.create_article(creator, creator.user, text())
    transitions.submit(article, creator.user, timezone.now() + dt.timedelta(days=1))
    moderation.approve_article(Article.objects.get(pk=article.pk), editor)
    assert Article.objects.get(pk=article.pk).status == Article.Status.SCHEDULED
    actions.edit_article(Article.objects.get(pk=article.pk), creator.user, text("改过的标题"))
    row = Article.objects.get(pk=article.pk)
    assert (row.status, row.title) == (Article.Status.PENDING, "改过的标题")


def test_after_probation_an_edit_stays_public() -> None:
    creator = make_writer("trusted")
    article = published_by(creator)
    actions.edit_article(Article.objects.get(pk=article.pk), creator.user, text("改过的标题"))
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_an_editor_cannot_approve_a_version_they_did_not_read(client: Client, editor: User) -> None:
    creator = make_writer("sneaky", probation_left=1)
    article = actions.create_article(creator, creator.user, text())
    transitions.submit(article, creator.user)
    page = Client()
    page.force_login(editor)
    seen = Article.objects.get(pk=article.pk).version
    assert f'name="version" value="{seen}"' in page.get(f"/review/articles/{article.pk}/").content.decode()
    actions.edit_article(Article.objects.get(pk=article.pk), creator.user, text("审核期间改的", "不一样的正文。"))
    response = page.post(f"/review/articles/{article.pk}/", {"decision": "approve", "reason": "", "version": seen})
    assert response.status_code == 400 and "请重新阅读" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == Article.Status.PENDING
    with pytest.raises(ModerationError):
        moderation.approve_article(Article.objects.get(pk=article.pk), editor, version=seen)
    moderation.approve_article(Article.objects.get(pk=article.pk), editor, version=seen + 1)
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_a_save_from_a_stale_copy_keeps_the_withdrawal_and_the_readers_counts(editor: User) -> None:
    creator = make_writer("stale")
    article = published_by(creator)
    stale = Article.objects.get(pk=article.pk)  # the studio loaded it; then, meanwhile:
    Article.objects.filter(pk=article.pk).update(views_count=41, likes_count=3)
    moderation.report_article(article, make_user("reporter2"), "侵权")
    moderation.withdraw_reported_article(Article.objects.get(pk=article.pk), editor, "侵权属实")
    actions.edit_article(stale, creator.user, text("作者改了标题"))
    row = Article.objects.get(pk=article.pk)
    assert row.status == Article.Status.WITHDRAWN
    assert (row.views_count, row.likes_count, row.title) == (41, 3, "作者改了标题")


def test_not_interested_never_confirms_or_shows_a_draft(client: Client) -> None:
    creator = make_writer("drafts")
    draft = actions.create_article(creator, creator.user, text("不该被看到的草稿标题"))
    reader = make_user("curious")
    client.force_login(reader)
    response = client.post("/feed/not-interested/", {"kind": "article", "value": str(draft.pk)})
    assert response.status_code == 400
    assert "不该被看到的草稿标题" not in client.get("/feed/settings/").content.decode()
    public = published_by(creator, "公开的文章")
    assert client.post("/feed/not-interested/", {"kind": "article", "value": str(public.pk)}).status_code in (
        200,
        302,
        303,
    )
    transitions.retract(Article.objects.get(pk=public.pk), creator.user)
    assert "公开的文章" not in client.get("/feed/settings/").content.decode()  # withdrawn since: no title


def test_the_write_api_reads_a_time_without_an_offset_as_site_time(client: Client) -> None:
    creator = make_writer("apitime")
    token = create_token(creator.user, "脚本")[0]
    when = (timezone.localtime() + dt.timedelta(days=3)).replace(microsecond=0, tzinfo=None)
    body = {"title": "定时", "body_md": "正文。", "channel": "news", "publish": True, "publish_at": when.isoformat()}
    response = client.post(
        "/api/v1/articles", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 201, response.content
    article = Article.objects.get(title="定时")
    assert article.status == Article.Status.SCHEDULED
    assert timezone.localtime(article.published_at).replace(tzinfo=None) == when


def test_an_admin_delete_leaves_nothing_in_search_and_the_admin_cannot_publish_a_deleted_article(
    client: Client,
) -> None:
    creator = make_writer("admindelete")
    gone = published_by(creator, "管理员删除的文章")
    kept = published_by(creator, "被软删除的文章")
    transitions.delete(Article.objects.get(pk=kept.pk), creator.user)
    assert SearchEntry.objects.filter(pk=gone.pk).exists()
    boss = User.objects.create_superuser("boss", "boss@example.com", "pw-boss-123")
    client.force_login(boss)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/admin/articles/article/{gone.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=gone.pk).exists()
    assert not SearchEntry.objects.filter(pk=gone.pk).exists()
    assert "管理员删除的文章" not in Client().get("/search?q=管理员删除").content.decode()
    client.post("/admin/articles/article/", {"action": "publish", "_selected_action": [str(kept.pk)], "index": "0"})
    assert Article.objects.get(pk=kept.pk).status == Article.Status.WITHDRAWN
