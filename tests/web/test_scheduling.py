"""Scheduled publishing that cannot silently miss: tidings.web.worker.publish_due(now),
with `now` passed explicitly (frozen time), and `tidings worker --batch` catching up."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from tests.conftest import make_writer
from tidings.articles.actions import create_article
from tidings.articles.input import clean_article_input
from tidings.articles.models import Article
from tidings.articles.transitions import retract as withdraw_by
from tidings.articles.transitions import submit as submit_article
from tidings.audit.models import Entry
from tidings.creators.models import Creator
from tidings.web.worker import publish_due, seconds_to_next_minute

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


def draft(creator: Creator, title: str = "定时文章") -> Article:
    return create_article(creator, creator.user, clean_article_input({"title": title, "body_md": "正文。"}))


def scheduled(creator: Creator, at: dt.datetime, *, now: dt.datetime, title: str = "定时文章") -> Article:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return submit_article(draft(creator, title), creator.user, at, now=now)


@pytest.fixture
def creator() -> Creator:
    return make_writer("dingshi")


def test_a_scheduled_article_is_not_public_before_its_time(creator: Creator) -> None:
    now = timezone.now()
    article = scheduled(creator, now + dt.timedelta(hours=2), now=now)
    assert article.status == Article.Status.SCHEDULED
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert publish_due(now + dt.timedelta(hours=2) - MINUTE) == []
    assert Article.objects.get(pk=article.pk).status == Article.Status.SCHEDULED


def test_it_publishes_at_the_minute_and_records_how_late(creator: Creator) -> None:
    # Frozen time: the article was due 10 minutes ago (real time), so once published it is public.
    real_now = timezone.now()
    due = real_now - dt.timedelta(minutes=10)
    article = scheduled(creator, due, now=due - dt.timedelta(hours=1))
    assert publish_due(due - dt.timedelta(seconds=1)) == []

    with TestCase.captureOnCommitCallbacks(execute=True):
        done = publish_due(due + dt.timedelta(seconds=30))

    assert [(a.pk, late) for a, late in done] == [(article.pk, dt.timedelta(seconds=30))]
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.published_at == due
    assert Article.objects.published().filter(pk=article.pk).exists()
    entry = Entry.objects.get(action="article.publish_scheduled", target_id=article.pk)
    assert entry.actor is None and entry.data["late_seconds"] == 30


def test_after_downtime_it_catches_up_on_everything_overdue_in_order(creator: Creator) -> None:
    real_now = timezone.now()
    times = [real_now - dt.timedelta(hours=h) for h in (3, 1, 2)]
    made = [scheduled(creator, at, now=at - MINUTE, title=f"停机期间{i}") for i, at in enumerate(times)]
    later = scheduled(creator, real_now + dt.timedelta(days=1), now=real_now, title="明天")

    done = publish_due(real_now)

    assert [a.pk for a, _ in done] == [made[0].pk, made[2].pk, made[1].pk]  # oldest first
    lates = {a.pk: late for a, late in done}
    assert lates[made[0].pk] == dt.timedelta(hours=3)
    assert {e.data["late_seconds"] for e in Entry.objects.filter(action="article.publish_scheduled")} == {
        3600,
        7200,
        10800,
    }
    assert Article.objects.get(pk=later.pk).status == Article.Status.SCHEDULED


def test_running_twice_never_publishes_twice(creator: Creator) -> None:
    real_now = timezone.now()
    article = scheduled(creator, real_now - MINUTE, now=real_now - dt.timedelta(hours=1))
    assert len(publish_due(real_now)) == 1
    assert publish_due(real_now) == []
    assert Entry.objects.filter(action="article.publish_scheduled", target_id=article.pk).count() == 1


def test_a_row_claimed_by_another_worker_is_skipped(creator: Creator) -> None:
    real_now = timezone.now()
    article = scheduled(creator, real_now - MINUTE, now=real_now - dt.timedelta(hours=1))
    # Another worker's claim lands between our read and our UPDATE: the conditional UPDATE loses.
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
    assert publish_due(real_now) == []
    assert not Entry.objects.filter(action="article.publish_scheduled").exists()


def test_an_article_withdrawn_before_its_time_is_not_published(creator: Creator) -> None:
    real_now = timezone.now()
    article = scheduled(creator, real_now + dt.timedelta(hours=1), now=real_now)
    withdraw_by(article, creator.user)
    assert article.status == Article.Status.DRAFT and article.published_at is None
    assert publish_due(real_now + dt.timedelta(hours=2)) == []


def test_a_deleted_scheduled_article_is_never_published(creator: Creator) -> None:
    from tidings.articles.transitions import delete as delete_article

    real_now = timezone.now()
    article = scheduled(creator, real_now + dt.timedelta(minutes=5), now=real_now)
    delete_article(article, creator.user)
    assert publish_due(real_now + dt.timedelta(hours=1)) == []


def test_the_worker_publishes_overdue_articles_when_it_starts(creator: Creator) -> None:
    real_now = timezone.now()
    article = scheduled(creator, real_now - dt.timedelta(minutes=90), now=real_now - dt.timedelta(hours=2))
    out = io.StringIO()
    call_command("worker", batch=True, stdout=out)
    assert f"published /a/{article.pk}/ (54" in out.getvalue()  # 5400 s late, give or take the test's own run time
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED
    late = Entry.objects.get(action="article.publish_scheduled").data["late_seconds"]
    assert 5400 <= late < 5460


def test_the_loop_wakes_just_after_each_minute_boundary() -> None:
    at = dt.datetime(2026, 5, 1, 9, 0, 45, 500_000, tzinfo=dt.UTC)
    assert seconds_to_next_minute(at) == pytest.approx(14.7)
    assert seconds_to_next_minute(at.replace(second=0, microsecond=0)) == pytest.approx(60.2)


def test_each_worker_round_also_deletes_expired_read_claims(creator: Creator, settings: object) -> None:
    """Sites without Redis dedupe reads with claim rows; the worker keeps that table small, no cron."""
    from tests.conftest import make_article
    from tidings.engagement.models import ViewWindow

    article = make_article(creator)
    now = timezone.now()
    ViewWindow.objects.create(visitor="v:old", article=article, counted_at=now - dt.timedelta(hours=2))
    ViewWindow.objects.create(visitor="v:new", article=article, counted_at=now - dt.timedelta(minutes=5))
    call_command("worker", batch=True, stdout=io.StringIO())
    assert list(ViewWindow.objects.values_list("visitor", flat=True)) == ["v:new"]
