"""The demo's statistics (tidings.demo.stats): 数据中心's rows for the demo's history, related as
the rollup relates them, and the 创作者指数 they earn."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from tests.demo.conftest import NOW, Demo
from tidings.articles.models import Article
from tidings.creator_index.compute import BADGE_OF_LEVEL
from tidings.creator_index.models import IndexRun, Snapshot
from tidings.creators.models import Creator, Follow
from tidings.lib.timefmt import site_zone
from tidings.stats import rollup
from tidings.stats.models import METRICS, CreatorDaily, Daily, Hourly, RollupState, SourceDaily

pytestmark = pytest.mark.django_db


def test_every_read_of_an_article_lands_on_a_day(demo: Demo) -> None:
    reads = dict(Daily.objects.exclude(article_id=0).values_list("article_id").annotate(n=Sum("reads")))
    current = rollup.slot_of(NOW)
    for pk, views in Article.objects.filter(published_at__lt=current).values_list("pk", "views_count"):
        assert reads.get(pk, 0) == views, pk
    assert (
        Daily.objects.aggregate(n=Sum("likes"))["n"]
        == Article.objects.filter(published_at__lt=current).aggregate(n=Sum("likes_count"))["n"]
    )
    # 曝光 exceed reads, 完读 stay below them, as on a real site.
    totals = Daily.objects.aggregate(i=Sum("impressions"), r=Sum("reads"), f=Sum("finished"))
    assert totals["i"] > 4 * totals["r"] > 0 and 0 < totals["f"] < totals["r"]


def test_a_creators_day_is_the_sum_of_its_articles_and_follows(demo: Demo) -> None:
    for row in CreatorDaily.objects.all():
        parts = Daily.objects.filter(creator_id=row.creator_id, day=row.day).aggregate(**{m: Sum(m) for m in METRICS})
        assert {m: getattr(row, m) for m in METRICS} == {m: parts[m] or 0 for m in METRICS}
    # 新增粉丝 less 取关 is each creator's follows in the window.
    for creator in Creator.objects.all():
        net = CreatorDaily.objects.filter(creator_id=creator.pk).aggregate(f=Sum("follows"), u=Sum("unfollows"))
        since = rollup.slot_of(NOW) - rollup.HOUR - dt.timedelta(days=90)
        assert (net["f"] or 0) - (net["u"] or 0) == Follow.objects.filter(
            creator=creator, created_at__gte=since, created_at__lt=rollup.slot_of(NOW)
        ).count()


def test_reads_by_source_add_up_to_the_reads(demo: Demo) -> None:
    by_source = dict(SourceDaily.objects.values_list("article_id").annotate(n=Sum("reads")))
    by_day = dict(Daily.objects.exclude(article_id=0).values_list("article_id").annotate(n=Sum("reads")))
    assert by_source == {pk: n for pk, n in by_day.items() if n}
    assert SourceDaily.objects.exclude(host="").exists()  # 站外, by referring host


def test_the_worker_rolling_today_again_keeps_the_demos_numbers(demo: Demo) -> None:
    """Today's hours are kept as hourly rows and the rollup starts with the demo's hour: the
    worker's first runs change none of the demo's days."""
    today = NOW.astimezone(site_zone()).date()
    before = list(Daily.objects.order_by("day", "creator_id", "article_id").values_list("day", "article_id", "reads"))
    state = RollupState.objects.get(pk=1)
    assert state.final_before == rollup.slot_of(NOW)  # the hour NOW falls in is the worker's
    rollup.roll_day(today)
    rollup.rollup(now=NOW + dt.timedelta(minutes=50))
    after = list(Daily.objects.order_by("day", "creator_id", "article_id").values_list("day", "article_id", "reads"))
    assert after == before
    assert Hourly.objects.filter(early=True).exists()  # each article's first 48 hours, for its chart


def test_the_demo_creators_badges_are_earned_by_the_index(demo: Demo) -> None:
    day = NOW.astimezone(site_zone()).date()
    assert IndexRun.objects.get(pk=1).last_day == day
    for creator in Creator.objects.all():
        snap = Snapshot.objects.get(creator=creator, day=day)
        assert (creator.level, creator.badge) == (snap.level, BADGE_OF_LEVEL[snap.level])
    assert Snapshot.objects.filter(day=day, facts__reads__gt=0).exists()


def test_the_demos_originals_are_judged_as_a_sites_would_be(demo: Demo) -> None:
    """Each 原创 declaration is checked against what was published before it (the demo writes
    independent texts, so they pass), and every published article has its fingerprint."""
    originals = Article.objects.filter(original=True)
    assert originals.exists()
    assert set(originals.values_list("original_check", flat=True)) == {Article.OriginalCheck.PASSED}
    assert not Article.objects.filter(original=False).exclude(original_check="").exists()
    assert not Article.objects.published().filter(fingerprint__isnull=True).exists()
