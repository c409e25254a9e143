"""创作者指数 (issue 12.3): the index on a constructed history against values computed by hand,
the nightly run's idempotence and bounded query count, and levels and badges that follow the
thresholds set in the admin."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_article, make_user, make_writer
from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.creator_index import compute
from tidings.creator_index.models import IndexRun, IndexSettings, Snapshot
from tidings.creators.models import Creator
from tidings.lib.timefmt import site_zone
from tidings.moderation import actions as moderation
from tidings.stats.models import CreatorDaily

pytestmark = pytest.mark.django_db
C = Article.OriginalCheck
TODAY = compute.today()
# The nightly run of tomorrow morning: its window (the 180 days before it) ends with today, so
# today's take-downs and reports count.
NIGHT = TODAY + dt.timedelta(days=1)


def local(days_ago: int, hour: int = 10) -> dt.datetime:
    day = TODAY - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=site_zone()).astimezone(dt.UTC)


def daily(creator: Creator, days_ago: int, **figures: int) -> None:
    CreatorDaily.objects.create(creator_id=creator.pk, day=TODAY - dt.timedelta(days=days_ago), **figures)


@pytest.fixture
def editor() -> User:
    return make_user("shenhe", User.Role.EDITOR, is_staff=True)


@pytest.fixture
def author(editor: User) -> Creator:
    """A constructed half-year:

    - 12 articles in the window on 10 distinct days (1, 1, 2, 3, 3, 5, 8, 13, 21, 34, 55, 89 days
      ago): 8 in 科技, 3 in 财经, 1 in 汽车; one more 200 days ago (outside), one draft;
    - 原创 declared on 5: PASSED, PASSED, UPHELD, MATCHED, and one not checked yet;
    - 1,000 reads, 400 to the end; 30 likes, 10 shares, 15 comments, 5 follows (60 in all);
      a day 200 days ago with 10,000 reads (outside);
    - one article withdrawn on readers' reports (an upheld report and an editor's withdrawal), one
      rejected in review.
    """
    a = make_writer("wangfang")
    days = [1, 1, 2, 3, 3, 5, 8, 13, 21, 34, 55, 89]
    channels = ["tech"] * 8 + ["money"] * 3 + ["auto"]
    made = [make_article(a, published_at=local(d), channel_slug=ch) for d, ch in zip(days, channels, strict=True)]
    make_article(a, published_at=local(200), channel_slug="auto")
    make_article(a, publish=False)
    for article, check in zip(made[:5], [C.PASSED, C.PASSED, C.UPHELD, C.MATCHED, C.NONE], strict=True):
        Article.objects.filter(pk=article.pk).update(original=True, original_check=check)
    daily(a, 1, reads=600, finished=240, likes=20, shares=6, comments=10, follows=3)
    daily(a, 40, reads=400, finished=160, likes=10, shares=4, comments=5, follows=2)
    daily(a, 200, reads=10_000, finished=10_000, likes=5_000)
    moderation.report_article(made[0], make_user("jubao"), "标题与内容不符。")
    moderation.withdraw_reported_article(made[0], editor, "举报属实。")
    pending = make_article(a, publish=False)
    Article.objects.filter(pk=pending.pk).update(status=Article.Status.PENDING)
    moderation.reject_article(Article.objects.get(pk=pending.pk), editor, "来源不明。")
    return a


@pytest.fixture
def others() -> list[Creator]:
    """Two more creators for the site's median: 10 interactions in 500 reads (0.02), 8 in 200 (0.04)."""
    rival, quiet = make_writer("zhaolei"), make_writer("sunli")
    make_article(rival, published_at=local(4), channel_slug="sports")
    make_article(quiet, published_at=local(6), channel_slug="edu")
    daily(rival, 2, reads=500, finished=100, likes=10)
    daily(quiet, 2, reads=200, finished=150, shares=8)
    return [rival, quiet]


def expected_author() -> dict[str, int]:
    """By hand, with the formula of docs/ranking.md."""
    originality = 200 * 3 / 4  # PASSED, PASSED, UPHELD of 4 checked
    activity = 200 * (1 - math.exp(-10 / 30))  # 56.69
    focus = 200 * (8 + 3 / 2) / 12 * min(1, 12 / 10)  # 158.33
    median = 0.04  # of 0.06 (60 / 1000), 0.02, 0.04
    interaction = 200 * 0.06 / (0.06 + median)  # 120
    health = 200 * min(1, 0.4 / 0.5) - 25 * 1 - 30 * 1 - 50 * 1  # 160 − 105
    out = {
        "originality": round(originality),
        "activity": round(activity),
        "focus": round(focus),
        "interaction": round(interaction),
        "health": round(health),
    }
    assert out == {"originality": 150, "activity": 57, "focus": 158, "interaction": 120, "health": 55}
    return out


def test_the_index_of_a_constructed_history_matches_the_hand_computed_dimensions(
    author: Creator, others: list[Creator]
) -> None:
    compute.run(NIGHT)
    snap = Snapshot.objects.get(creator=author, day=NIGHT)
    want = expected_author()
    assert {k: getattr(snap, k) for k in want} == want
    assert snap.index == sum(want.values()) == 540
    assert snap.level == 3
    facts = compute.facts_of(snap)
    assert (facts.articles, facts.active_days, facts.top_channels) == (12, 10, [8, 3])
    assert (facts.originals_checked, facts.originals_passed) == (4, 3)
    assert (facts.reads, facts.finished, facts.interactions) == (1000, 400, 60)
    assert (facts.reports_upheld, facts.rejections, facts.withdrawals) == (1, 1, 1)
    author.refresh_from_db()
    assert (author.level, author.badge) == (3, Creator.Badge.RISING)


def test_too_little_data_gives_the_stated_neutral_values(others: list[Creator]) -> None:
    """One article, no 原创 declared, 50 reads: 原创度, 互动度 and 健康度's base are 100."""
    newcomer = make_writer("xinren")
    make_article(newcomer, published_at=local(2), channel_slug="tech")
    daily(newcomer, 2, reads=50, finished=50, likes=40)
    compute.run(NIGHT)
    snap = Snapshot.objects.get(creator=newcomer)
    activity = round(200 * (1 - math.exp(-1 / 30)))  # 7
    focus = round(200 * 1 / 1 * (1 / 10))  # 20
    assert (snap.originality, snap.activity, snap.focus, snap.interaction, snap.health) == (
        100,
        activity,
        focus,
        100,
        100,
    )
    assert snap.index == 327 and snap.level == 2


def test_a_creator_without_articles_in_the_window_has_index_zero(others: list[Creator]) -> None:
    idle = make_writer("xianren", probation_left=0)
    make_article(idle, published_at=local(190))
    compute.run(NIGHT)
    snap = Snapshot.objects.get(creator=idle)
    assert (snap.index, snap.level) == (0, 1)
    assert compute.advice(snap)["focus"] == "近 180 天没有发布文章。"


def test_a_comment_deleted_on_reports_counts_as_an_upheld_report(author: Creator, others: list[Creator]) -> None:
    from tidings.comments.actions import post_comment

    rival = others[0]
    assert rival.user is not None
    story = Article.objects.published().filter(creator=author).first()
    assert story is not None
    # An account older than a new commenter's hold (a new account's first comments wait for review).
    User.objects.filter(pk=rival.user.pk).update(date_joined=local(60))
    rival.user.refresh_from_db()
    comment = post_comment(rival.user, story, "一条被举报的跟帖，内容不实。").comment
    moderation.report_comment(comment, make_user("jubao2"), "false")
    moderation.remove_comment(comment, make_user("shenhe2", User.Role.EDITOR, is_staff=True), "内容不实。")
    compute.run(NIGHT)
    snap = Snapshot.objects.get(creator=rival)
    assert compute.facts_of(snap).reports_upheld == 1
    assert snap.health == 200 * 0.2 / 0.5 - 25  # read-through 100/500 = 20 %: base 80, minus 25


def test_running_twice_the_same_day_changes_nothing(author: Creator, others: list[Creator]) -> None:
    compute.run(NIGHT)
    first = list(Snapshot.objects.order_by("creator_id").values("creator_id", "day", "index", "level", "facts"))
    creators = list(Creator.objects.order_by("pk").values_list("pk", "level", "badge"))
    again = compute.run(NIGHT)
    assert again.changed == 0
    assert list(Snapshot.objects.order_by("creator_id").values("creator_id", "day", "index", "level", "facts")) == first
    assert list(Creator.objects.order_by("pk").values_list("pk", "level", "badge")) == creators
    assert Snapshot.objects.filter(day=NIGHT).count() == Creator.objects.count()


def test_statistics_of_a_deleted_creator_make_no_snapshot(author: Creator, others: list[Creator]) -> None:
    """Statistics rows name creators by number: a creator deleted since leaves rows behind, and
    the nightly run must neither fail on them (a snapshot's foreign key) nor score them."""
    gone = make_writer("gone")
    daily(gone, 3, reads=500, likes=40)
    gone_id = gone.pk
    Creator.objects.filter(pk=gone_id).delete()
    assert CreatorDaily.objects.filter(creator_id=gone_id).exists()
    result = compute.run(NIGHT)
    assert result.creators == Creator.objects.count()
    assert not Snapshot.objects.filter(creator_id=gone_id).exists()


def test_filling_in_an_earlier_day_leaves_the_cards_as_the_latest_day_set_them(
    author: Creator, others: list[Creator]
) -> None:
    compute.run(NIGHT)
    author.refresh_from_db()
    assert (author.level, author.badge) == (3, Creator.Badge.RISING)
    earlier = NIGHT - dt.timedelta(days=100)  # before most of the history: a lower index
    compute.run(earlier)
    assert Snapshot.objects.get(creator=author, day=earlier).level < 3
    author.refresh_from_db()
    assert (author.level, author.badge) == (3, Creator.Badge.RISING)
    assert IndexRun.objects.get().last_day == NIGHT
    assert [s.day for s in compute.trend(author)] == [earlier, NIGHT]


def test_the_worker_runs_it_once_a_day_after_the_configured_hour(author: Creator, settings: object) -> None:
    settings.CREATOR_INDEX_HOUR = 0  # type: ignore[attr-defined]
    now = dt.datetime.combine(TODAY, dt.time(5), tzinfo=site_zone())
    assert compute.due(now) == TODAY
    compute.chore()
    assert IndexRun.objects.get().last_day == compute.today()
    ids = list(Snapshot.objects.values_list("pk", flat=True))
    compute.chore()  # the next minute: already done today
    assert list(Snapshot.objects.values_list("pk", flat=True)) == ids
    settings.CREATOR_INDEX_HOUR = 6  # type: ignore[attr-defined]
    assert compute.due(dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(5), tzinfo=site_zone())) is None
    assert compute.due(dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(6), tzinfo=site_zone())) == (
        TODAY + dt.timedelta(days=1)
    )


def test_the_run_costs_the_same_queries_for_few_or_many_creators(author: Creator, others: list[Creator]) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            compute.run(NIGHT)
        return len(ctx.captured_queries)

    few = count()
    for i in range(25):
        c = make_writer(f"more{i}")
        make_article(c, published_at=local(i + 1), channel_slug="tech")
        daily(c, 3, reads=100 + i, finished=50, likes=i)
    Creator.objects.update(level=0)  # every creator's level moves: the UPDATEs are per level, not per creator
    many = count()
    assert many <= few + 5, (few, many)
    assert many < 25


def test_thresholds_from_the_admin_move_the_level_and_the_badge(author: Creator, others: list[Creator]) -> None:
    compute.run(NIGHT)
    author.refresh_from_db()
    assert (author.level, author.badge) == (3, Creator.Badge.RISING)

    settings_row = IndexSettings.current()
    settings_row.lv3 = 600  # 540 is no longer enough for Lv3: the badge is lost
    settings_row.save()
    compute.run(NIGHT)
    author.refresh_from_db()
    assert (author.level, author.badge) == (2, Creator.Badge.NONE)

    admin = User.objects.create_superuser("admin", password="pw-admin-123")
    client = Client()
    client.force_login(admin)
    response = client.post(
        f"/admin/creator_index/indexsettings/{settings_row.pk}/change/",
        {"lv2": 100, "lv3": 200, "lv4": 300, "lv5": 500},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    compute.run(NIGHT)
    author.refresh_from_db()
    assert (author.level, author.badge) == (5, Creator.Badge.STAR)

    settings_row.refresh_from_db()
    settings_row.lv4, settings_row.lv5 = 530, 560
    settings_row.save()
    compute.run(NIGHT)
    author.refresh_from_db()
    assert (author.level, author.badge) == (4, Creator.Badge.QUALITY)


def test_thresholds_must_rise_from_lv2_to_lv5(admin_client: Client) -> None:
    with pytest.raises(ValidationError):
        IndexSettings(lv2=500, lv3=400, lv4=700, lv5=850).full_clean()
    with pytest.raises(ValidationError):
        IndexSettings(lv2=300, lv3=500, lv4=700, lv5=1200).full_clean()
    IndexSettings(lv2=300, lv3=500, lv4=700, lv5=850).full_clean()
    row = IndexSettings.current()
    response = admin_client.post(
        f"/admin/creator_index/indexsettings/{row.pk}/change/", {"lv2": 300, "lv3": 200, "lv4": 700, "lv5": 850}
    )
    assert response.status_code == 200 and "依次增大" in response.content.decode()
    assert IndexSettings.current().lv3 == 500


def test_the_badge_is_not_set_by_hand_in_the_admin(admin_client: Client, author: Creator) -> None:
    html = admin_client.get(f"/admin/creators/creator/{author.pk}/change/").content.decode()
    assert 'name="badge"' not in html and 'name="level"' not in html
    assert "新锐创作者" not in html or "readonly" in html


def test_creator_cards_show_the_level_and_the_earned_badge(author: Creator, others: list[Creator]) -> None:
    compute.run(NIGHT)
    html = Client().get(f"/u/{author.handle}/").content.decode()
    assert "Lv3</span>" in html and "新锐创作者" in html
    directory = Client().get("/u/").content.decode()
    assert "Lv3</span>" in directory


def test_an_editors_refusal_counts_against_originality(author: Creator, others: list[Creator]) -> None:
    """取消原创 unticks 原创 but is still a declaration that did not pass: refusing the MATCHED
    one keeps it at 3 passed of 4 checked: it never raises it."""
    compute.run(NIGHT)
    before = Snapshot.objects.get(creator=author, day=NIGHT).originality
    matched = Article.objects.get(creator=author, original_check=C.MATCHED)
    Article.objects.filter(pk=matched.pk).update(original=False, original_check=C.REFUSED)
    compute.run(NIGHT)
    snap = Snapshot.objects.get(creator=author, day=NIGHT)
    facts = compute.facts_of(snap)
    assert (facts.originals_checked, facts.originals_passed) == (4, 3)
    assert snap.originality == before
