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
from tidings.articles.models import Article
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


def test_on_probation_an_edit_of_a_published_article_waits_for_review_again(editor: User) -> None:
    creator = make_writer("probation", probation_left=2)
    article = actions.create_article(creator, creator.user, text())
    transitions.submit(article, creator.user)
    moderation.approve_article(Article.objects.get(pk=article.pk), editor)
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED
    live = Article.objects.get(pk=article.pk)
    actions.edit_article(live, creator.user, text("改过的标题", "换成了别的内容。"))
    assert Article.objects.get(pk=article.pk).status == Article.Status.PENDING
    assert Client().get(f"/a/{article.pk}/").status_code == 404


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
