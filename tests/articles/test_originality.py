"""The 原创 check (tidings.articles.originality): MinHash fingerprints of published articles,
looked up by LSH bands, judged on save, publish and import; and an editor's decision on a match."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import TestCase
from django.utils import timezone

from tests.conftest import make_article, make_writer
from tests.originality_texts import COPY, ORIGINAL, SAME_TOPIC
from tidings.articles import actions, originality, transitions
from tidings.articles.input import clean_article_input
from tidings.articles.models import Article, Fingerprint, FingerprintBand, OriginalityMatch
from tidings.audit.models import Entry
from tidings.creators.models import Creator
from tidings.notifications.models import Notification

pytestmark = pytest.mark.django_db
Check = Article.OriginalCheck


@pytest.fixture
def earlier() -> Article:
    # Years ago: earlier than anything the tests publish after it (make_article dates each new
    # article a minute further back, and a whole suite makes thousands).
    return make_article(
        make_writer("first"),
        "江城内涝治理见成效",
        body=ORIGINAL,
        original=True,
        published_at=timezone.now() - dt.timedelta(days=3650),
    )


@pytest.fixture
def copier() -> Creator:
    return make_writer("copier")


def declare(creator: Creator, body: str, **fields: object) -> Article:
    data = clean_article_input({"title": "一篇文章", "body_md": body, "original": True, **fields})
    with TestCase.captureOnCommitCallbacks(execute=True):
        return actions.create_article(creator, creator.user, data)


def test_a_published_article_is_indexed_and_leaves_the_index_when_withdrawn(earlier: Article) -> None:
    assert Fingerprint.objects.filter(article=earlier).exists()
    assert FingerprintBand.objects.filter(article=earlier).count() == originality.BANDS

    transitions.withdraw(earlier, None, "test")

    assert not Fingerprint.objects.filter(article=earlier).exists()
    assert not FingerprintBand.objects.filter(article=earlier).exists()


def test_a_copy_with_reordered_paragraphs_is_matched(earlier: Article, copier: Creator) -> None:
    with pytest.raises(originality.OriginalityRefused) as refused:
        declare(copier, COPY)

    assert refused.value.match.article_id == earlier.pk
    assert refused.value.match.similarity >= 0.6
    assert "江城内涝治理见成效" in str(refused.value) and f"/a/{earlier.pk}/" in str(refused.value)
    assert not Article.objects.filter(creator=copier).exists()  # nothing written


def test_traditional_characters_do_not_hide_a_copy(earlier: Article, copier: Creator) -> None:
    traditional = (
        COPY.replace("内涝", "內澇").replace("调蓄池", "調蓄池").replace("排水", "排水").replace("应急", "應急")
    )
    with pytest.raises(originality.OriginalityRefused):
        declare(copier, traditional)


def test_an_independent_article_on_the_same_topic_is_not_matched(earlier: Article, copier: Creator) -> None:
    article = declare(copier, SAME_TOPIC)

    assert article.original and article.original_check == Check.PASSED


def test_the_same_creator_may_reprint_their_own_text(earlier: Article) -> None:
    own = earlier.creator
    article = declare(own, COPY)

    assert article.original_check == Check.PASSED


def test_a_copy_not_declared_original_is_saved_and_not_checked(earlier: Article, copier: Creator) -> None:
    data = clean_article_input(
        {"title": "转载", "body_md": COPY, "repost_source": "江城日报", "repost_url": "https://example.com/a"}
    )
    article = actions.create_article(copier, copier.user, data)

    assert not article.original and article.original_check == Check.NONE
    assert (article.repost_source, article.repost_url) == ("江城日报", "https://example.com/a")


def test_publishing_checks_again_against_what_was_published_meanwhile(copier: Creator) -> None:
    draft = declare(copier, COPY)  # nothing earlier yet: passed
    assert draft.original_check == Check.PASSED
    make_article(make_writer("first"), "江城内涝治理见成效", body=ORIGINAL)

    with pytest.raises(originality.OriginalityRefused):
        transitions.submit(draft, copier.user)

    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_editing_a_published_original_into_a_copy_is_refused(earlier: Article, copier: Creator) -> None:
    mine = declare(copier, SAME_TOPIC)
    transitions.submit(mine, copier.user)
    data = clean_article_input({"title": "改写", "body_md": COPY, "original": True})

    with pytest.raises(originality.OriginalityRefused):
        actions.edit_article(mine, copier.user, data)

    mine.refresh_from_db()
    assert mine.body_md == SAME_TOPIC


def matched(earlier: Article, copier: Creator) -> Article:
    """An import's way in: declared original over a match, MATCHED, in the queue."""
    article = make_article(copier, "搬运的文章", body=COPY, original=True)
    article.body_html = article.body_html  # rendered by make_article
    found = originality.judge(article, None, on_match="review")
    Article.objects.filter(pk=article.pk).update(original_check=article.original_check)
    originality.record_matches(article, found)
    return article


@pytest.mark.parametrize("uphold", [True, False])
def test_an_editor_decides_a_match_and_both_creators_are_told(
    earlier: Article, copier: Creator, editor: object, uphold: bool
) -> None:
    article = matched(earlier, copier)
    assert article.original_check == Check.MATCHED
    assert not Article.objects.get(pk=article.pk).shows_original

    transitions.decide_original(article, editor, uphold, "" if uphold else "与更早文章雷同")  # type: ignore[arg-type]

    article.refresh_from_db()
    assert article.original_check == (Check.UPHELD if uphold else Check.REFUSED)
    assert article.original is uphold
    assert article.shows_original is uphold
    decided = OriginalityMatch.objects.get(article=article)
    assert decided.decision == article.original_check and decided.decided_at is not None
    action = "article.original_upheld" if uphold else "article.original_refused"
    assert Entry.objects.filter(action=action, target_id=article.pk, data__earlier=[earlier.pk]).exists()
    assert Notification.objects.filter(user=copier.user, action=action).exists()
    told = Notification.objects.get(user=earlier.creator.user, action="article.original_match")
    assert "搬运的文章" in told.text and told.url == article.get_absolute_url()


def test_a_decision_is_made_once(earlier: Article, copier: Creator, editor: object) -> None:
    article = matched(earlier, copier)
    transitions.decide_original(article, editor, True)  # type: ignore[arg-type]

    with pytest.raises(transitions.WrongState):
        transitions.decide_original(article, editor, False, "改主意")  # type: ignore[arg-type]


def test_an_upheld_article_may_be_edited_without_being_refused_again(
    earlier: Article, copier: Creator, editor: object
) -> None:
    article = matched(earlier, copier)
    transitions.decide_original(article, editor, True)  # type: ignore[arg-type]
    data = clean_article_input({"title": "搬运的文章", "body_md": COPY + "\n\n补充一段。", "original": True})

    actions.edit_article(article, copier.user, data)

    assert Article.objects.get(pk=article.pk).original_check == Check.UPHELD


def test_the_backfill_fingerprints_older_articles_and_judges_their_declarations(copier: Creator) -> None:
    now = timezone.now()
    first = make_article(
        make_writer("first"),
        "江城内涝治理见成效",
        body=ORIGINAL,
        original=True,
        published_at=now - dt.timedelta(days=2),
    )
    later = make_article(copier, "搬运的文章", body=COPY, original=True, published_at=now - dt.timedelta(days=1))
    FingerprintBand.objects.all().delete()
    Fingerprint.objects.all().delete()
    Article.objects.update(original_check=Check.NONE)

    assert originality.backfill(limit=1) == 1
    assert originality.backfill() == 1
    assert originality.backfill() == 0

    assert Article.objects.get(pk=first.pk).original_check == Check.PASSED
    assert Article.objects.get(pk=later.pk).original_check == Check.MATCHED
    assert OriginalityMatch.objects.filter(article=later, earlier=first).exists()
    assert Fingerprint.objects.count() == 2


def test_a_held_edit_keeps_its_repost_and_statements_until_an_editor_approves_it(editor: object) -> None:
    creator = make_writer("probation", probation_left=2)
    article = make_article(creator, "试用期的文章", body=SAME_TOPIC)
    data = clean_article_input(
        {
            "title": "试用期的文章",
            "body_md": SAME_TOPIC,
            "repost_source": "滨海日报",
            "repost_url": "https://example.com/b",
            "statements": ["ai"],
        }
    )

    actions.edit_article(article, creator.user, data)

    article.refresh_from_db()
    assert (article.repost_source, article.statements) == ("", [])  # readers still see the live text
    assert (article.pending_edit.repost_source, article.pending_edit.statements) == ("滨海日报", ["ai"])
    transitions.approve_edit(article, editor)  # type: ignore[arg-type]
    article.refresh_from_db()
    assert (article.repost_source, article.repost_url, article.statements) == (
        "滨海日报",
        "https://example.com/b",
        ["ai"],
    )


def test_the_worker_runs_the_backfill_and_logs_what_is_left(caplog: pytest.LogCaptureFixture) -> None:
    from tidings.web import worker

    assert originality.backfill_chore in worker.CHORES
    make_article(make_writer("first"), "江城内涝治理见成效", body=ORIGINAL, original=True)
    Fingerprint.objects.all().delete()

    with caplog.at_level("INFO", logger="tidings.articles.originality"):
        assert originality.backfill_chore() == 1

    assert "fingerprinted 1 older articles, 0 to go" in caplog.text
    assert Article.objects.get().original_check == Check.PASSED


def test_ticking_original_in_the_admin_is_judged_as_an_import_is(earlier: Article, copier: Creator) -> None:
    """The admin's change form cannot declare 原创 on trust: a copy goes to the 原创核查 queue
    (MATCHED, with the match), and unticking it clears the check."""
    from django.test import Client

    from tidings.accounts.models import User

    copy = make_article(copier, "管理后台里的文章", body=COPY)
    assert copy.original_check == Check.NONE
    now = timezone.localtime()  # published after `earlier` (a day ago), as its copy
    chief = User.objects.create_superuser("chief", "chief@example.com", "pw-chief-123", role=User.Role.ADMIN)
    client = Client()
    client.force_login(chief)
    form = {
        "creator": copy.creator_id, "channel": copy.channel_id, "title": copy.title, "slug": "",
        "summary": "", "body_md": copy.body_md, "cover": "", "tags": "[]", "lang": "zh-Hans",
        "status": "published", "published_at_0": now.strftime("%Y-%m-%d"), "published_at_1": now.strftime("%H:%M:%S"),
        "created_at_0": "2024-01-01", "created_at_1": "00:00:00", "updated_at_0": "2024-01-01",
        "updated_at_1": "00:00:00", "references-TOTAL_FORMS": "0", "references-INITIAL_FORMS": "0",
        "statements": "[]",
    }  # fmt: skip
    url = f"/admin/articles/article/{copy.pk}/change/"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, {**form, "original": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    copy.refresh_from_db()
    assert copy.original and copy.original_check == Check.MATCHED and not copy.shows_original
    assert OriginalityMatch.objects.filter(article=copy, earlier=earlier, decided_at__isnull=True).exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(url, form).status_code == 302
    copy.refresh_from_db()
    assert not copy.original and copy.original_check == Check.NONE


def test_editing_an_article_waiting_in_the_queue_keeps_it_there(earlier: Article, copier: Creator) -> None:
    """An import's MATCHED article may still be edited by its creator: it stays in the 原创核查
    queue with the new text's match (not refused), and leaves it once the text no longer matches."""
    article = matched(earlier, copier)
    edited = COPY + "\n\n补充一段作者自己的采访记录：排水管理处的值班员说，今年的调度比往年从容。"
    data = clean_article_input({"title": "搬运的文章", "body_md": edited, "original": True})
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.edit_article(Article.objects.get(pk=article.pk), copier.user, data)
    article.refresh_from_db()
    assert article.body_md == edited and article.original_check == Check.MATCHED
    assert OriginalityMatch.objects.filter(article=article, earlier=earlier, decided_at__isnull=True).exists()
    rewritten = clean_article_input({"title": "搬运的文章", "body_md": SAME_TOPIC, "original": True})
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.edit_article(Article.objects.get(pk=article.pk), copier.user, rewritten)
    article.refresh_from_db()
    assert article.original_check == Check.PASSED and article.shows_original


def test_the_real_author_may_edit_after_someone_copied_them(earlier: Article, copier: Creator) -> None:
    """ "Earlier" is earlier than the article: a copy published after it (here as 转载) does not
    make its own author's edit a match."""
    make_article(copier, "转载的文章", body=COPY, repost_source="江城日报", repost_url="https://example.com/a")
    edited = ORIGINAL + "\n\n作者补记：今年汛期结束后，排水管理处还将公布三座调蓄池的运行数据。"
    data = clean_article_input({"title": "江城内涝治理见成效", "body_md": edited, "original": True})
    with TestCase.captureOnCommitCallbacks(execute=True):
        actions.edit_article(Article.objects.get(pk=earlier.pk), earlier.creator.user, data)
    earlier.refresh_from_db()
    assert earlier.body_md == edited and earlier.original_check == Check.PASSED


def test_a_decision_names_a_private_article_to_the_other_creator_without_its_title(
    earlier: Article, copier: Creator, editor: object
) -> None:
    article = matched(earlier, copier)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    transitions.decide_original(Article.objects.get(pk=article.pk), editor, True)  # type: ignore[arg-type]
    told = Notification.objects.get(user=earlier.creator.user, action="article.original_match")
    assert "搬运的文章" not in told.text and "一篇声明原创的文章" in told.text and told.url == ""


def test_approval_judges_original_again_against_what_was_published_meanwhile(copier: Creator, editor: object) -> None:
    """Submitted while nothing matched (PASSED), approved after another creator published the
    same text: the approval goes on, and the match goes to the queue."""
    pending = make_article(copier, "待审的原创", body=COPY, original=True, original_check="passed")
    Article.objects.filter(pk=pending.pk).update(status=Article.Status.PENDING, published_at=None)
    make_article(make_writer("faster"), "抢先发表", body=ORIGINAL)
    with TestCase.captureOnCommitCallbacks(execute=True):
        transitions.approve(Article.objects.get(pk=pending.pk), editor)  # type: ignore[arg-type]
    pending.refresh_from_db()
    assert pending.status == Article.Status.PUBLISHED and pending.original_check == Check.MATCHED
    assert OriginalityMatch.objects.filter(article=pending, decided_at__isnull=True).exists()


def test_a_reimport_does_not_undo_an_editors_refusal(earlier: Article, copier: Creator, editor: object) -> None:
    article = matched(earlier, copier)
    transitions.decide_original(article, editor, False, "雷同")  # type: ignore[arg-type]
    again = Article.objects.get(pk=article.pk)
    again.original = True
    found = originality.judge(again, None, on_match="review")
    originality.record_matches(again, found)
    decided = OriginalityMatch.objects.get(article=article, earlier=earlier)
    assert decided.decision == Check.REFUSED and decided.decided_at is not None
