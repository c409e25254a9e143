"""The rollup (issue 12.1, storage): hourly and daily rows equal what the raw events say, rolling
an hour twice gives the same rows, days are the site's calendar days, open hours are rolled again
until they are final, and raw events older than TIDINGS_EVENTS_KEEP_DAYS are deleted."""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from tests.conftest import make_article, make_user
from tidings.articles.models import Article
from tidings.creators.actions import follow_creator, unfollow_creator
from tidings.creators.models import Creator, FollowEvent
from tidings.stats import events, rollup
from tidings.stats.models import (
    METRICS,
    CommentMark,
    CreatorDaily,
    Daily,
    Event,
    Hourly,
    RollupState,
    SourceDaily,
    SourceHourly,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
K = Event.Kind
H = dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


def ev(kind: int, article: Article, at: dt.datetime, **kw: object) -> Event:
    return Event.objects.create(kind=kind, article_id=article.pk, creator_id=article.creator_id, at=at, **kw)


def rows(model: type) -> list[tuple[object, ...]]:
    fields = [f.name for f in model._meta.fields if f.name != "id"]  # type: ignore[attr-defined]
    return sorted(model.objects.values_list(*fields))  # type: ignore[attr-defined]


@pytest.fixture
def two(writer: Creator) -> tuple[Article, Article]:
    return make_article(writer, published_at=H - dt.timedelta(hours=5)), make_article(writer)


def test_an_hour_rolls_up_to_what_its_raw_events_say(writer: Creator, two: tuple[Article, Article]) -> None:
    a, b = two
    m = dt.timedelta(minutes=1)
    for i, src in enumerate(("hot", "feed", "hot")):
        ev(K.IMPRESSION, a, H + i * m, source=events.LISTS[src])
    ev(K.IMPRESSION, b, H + 59 * m)
    ev(K.IMPRESSION, b, H + 60 * m)  # the next hour
    ev(K.IMPRESSION, b, H - m)  # the hour before
    r1 = ev(K.READ, a, H + 5 * m, source=events.BY_KEY["external"].code, host="weibo.com")
    r2 = ev(K.READ, a, H + 6 * m, source=events.BY_KEY["feed"].code)
    ev(K.READ, b, H + 7 * m, source=events.DIRECT)
    # r1 read to the end over two reports (one replayed); r2 reported once, half-way, capped time.
    for depth, seconds in ((40, 30), (100, 95), (100, 95)):
        ev(K.READ_END, a, r1.at, ref=r1.pk, depth=depth, seconds=seconds)
    ev(K.READ_END, a, r2.at, ref=r2.pk, depth=55, seconds=events.MAX_ACTIVE_SECONDS + 500)
    for n in (1, 1, -1):
        ev(K.LIKE, a, H + 10 * m, n=n)
    ev(K.SHARE, b, H + 11 * m)
    ev(K.COMMENT, a, H + 12 * m, n=3)
    FollowEvent.objects.create(creator_id=writer.pk, kind=FollowEvent.Kind.FOLLOW, at=H + 20 * m)
    FollowEvent.objects.create(creator_id=writer.pk, kind=FollowEvent.Kind.FOLLOW, at=H + 21 * m)
    FollowEvent.objects.create(creator_id=writer.pk, kind=FollowEvent.Kind.UNFOLLOW, at=H + 22 * m)

    rollup.roll_hour(H)

    got = {r.article_id: {k: getattr(r, k) for k in METRICS} | {"early": r.early} for r in Hourly.objects.all()}
    zero = dict.fromkeys(METRICS, 0)
    assert got == {
        a.pk: zero
        | {
            "impressions": 3,
            "reads": 2,
            "timed": 2,
            "finished": 1,
            "seconds": 95 + events.MAX_ACTIVE_SECONDS,
            "likes": 1,
            "comments": 3,
            "early": True,  # published five hours before
        },
        b.pk: zero | {"impressions": 1, "reads": 1, "shares": 1, "early": False},  # published later (now)
        0: zero | {"follows": 2, "unfollows": 1, "early": False},
    }
    sources = {(r.article_id, events.BY_CODE[r.source].key, r.host): r.reads for r in SourceHourly.objects.all()}
    assert sources == {(a.pk, "external", "weibo.com"): 1, (a.pk, "feed", ""): 1, (b.pk, "direct", ""): 1}


def test_rolling_the_same_hour_twice_gives_the_same_rows(writer: Creator, two: tuple[Article, Article]) -> None:
    a, _b = two
    for i in range(5):
        r = ev(K.READ, a, H + dt.timedelta(minutes=i), source=events.DIRECT)
        ev(K.READ_END, a, r.at, ref=r.pk, depth=100, seconds=10 * i)
    FollowEvent.objects.create(creator_id=writer.pk, kind=FollowEvent.Kind.FOLLOW, at=H)
    rollup.roll_range(H, H + rollup.HOUR)
    first = (rows(Hourly), rows(SourceHourly), rows(Daily), rows(CreatorDaily), rows(SourceDaily))
    rollup.roll_range(H, H + rollup.HOUR)
    rollup.roll_hour(H)
    rollup.roll_day(rollup.day_of(H))
    assert (rows(Hourly), rows(SourceHourly), rows(Daily), rows(CreatorDaily), rows(SourceDaily)) == first
    assert Hourly.objects.get(article_id=a.pk).reads == 5


def test_an_hour_whose_events_are_gone_rolls_up_to_nothing(two: tuple[Article, Article]) -> None:
    a, _b = two
    ev(K.READ, a, H)
    rollup.roll_range(H, H + rollup.HOUR)
    Event.objects.all().delete()
    rollup.roll_range(H, H + rollup.HOUR)
    assert not Hourly.objects.exists() and not Daily.objects.exists() and not CreatorDaily.objects.exists()


def test_days_are_calendar_days_in_the_site_zone(two: tuple[Article, Article]) -> None:
    a, _b = two
    late = dt.datetime(2025, 3, 10, 15, 30, tzinfo=dt.UTC)  # 23:30 on the 10th in Shanghai
    later = dt.datetime(2025, 3, 10, 16, 30, tzinfo=dt.UTC)  # 00:30 on the 11th
    ev(K.READ, a, late)
    ev(K.READ, a, later)
    ev(K.READ, a, later + dt.timedelta(minutes=1))
    rollup.roll_range(late, later + rollup.HOUR)
    assert dict(Daily.objects.values_list("day", "reads")) == {dt.date(2025, 3, 10): 1, dt.date(2025, 3, 11): 2}
    assert Hourly.objects.order_by("hour").first().hour == late.replace(minute=0)  # type: ignore[union-attr]


def test_the_rollup_equals_the_raw_events_over_ten_days(writer: Creator, other_writer: Creator) -> None:
    """Random traffic for two creators, counted here straight from the raw events by local day,
    against what the rollup stored."""
    rnd = random.Random(12)
    articles = [make_article(writer), make_article(writer), make_article(other_writer)]
    start = dt.datetime(2025, 3, 1, 0, 0, tzinfo=dt.UTC)
    expected: dict[tuple[int, dt.date], dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    made = []
    for _ in range(1500):
        a = rnd.choice(articles)
        at = start + dt.timedelta(seconds=rnd.randrange(10 * 86400))
        kind = rnd.choice([K.IMPRESSION, K.IMPRESSION, K.READ, K.LIKE, K.SHARE, K.COMMENT])
        n = rnd.choice([1, -1]) if kind == K.LIKE else rnd.randint(1, 3) if kind == K.COMMENT else 1
        made.append(Event(kind=kind, article_id=a.pk, creator_id=a.creator_id, at=at, n=n))
        day = at.astimezone(SHANGHAI).date()
        name = {K.IMPRESSION: "impressions", K.READ: "reads", K.LIKE: "likes", K.SHARE: "shares", K.COMMENT: "comments"}
        expected[(a.creator_id, day)][name[kind]] += n
    Event.objects.bulk_create(made)
    for r in Event.objects.filter(kind=K.READ):
        reports = [(rnd.randint(0, 100), rnd.randint(0, 2000)) for _ in range(rnd.randint(0, 3))]
        for depth, seconds in reports:
            ev(
                K.READ_END,
                Article(pk=r.article_id, creator_id=r.creator_id),
                r.at,
                ref=r.pk,
                depth=depth,
                seconds=seconds,
            )
        if reports:
            day = r.at.astimezone(SHANGHAI).date()
            e = expected[(r.creator_id, day)]
            e["timed"] += 1
            e["finished"] += max(d for d, _ in reports) >= 100
            e["seconds"] += min(max(s for _, s in reports), events.MAX_ACTIVE_SECONDS)
    for _ in range(40):
        at = start + dt.timedelta(seconds=rnd.randrange(10 * 86400))
        kind = rnd.choice([FollowEvent.Kind.FOLLOW, FollowEvent.Kind.UNFOLLOW])
        FollowEvent.objects.create(creator_id=other_writer.pk, kind=kind, at=at)
        expected[(other_writer.pk, at.astimezone(SHANGHAI).date())]["follows" if kind == 1 else "unfollows"] += 1

    rollup.roll_range(start, start + dt.timedelta(days=10))

    stored = {(r.creator_id, r.day): {k: getattr(r, k) for k in METRICS} for r in CreatorDaily.objects.all()}
    assert stored == {k: v for k, v in expected.items() if any(v.values())}
    # The article rows add up to the creator rows, and the hours to the days.
    per_article = defaultdict(int)
    for r in Daily.objects.all():
        per_article[(r.creator_id, r.day)] += r.reads
    assert dict(per_article) == {k: v["reads"] for k, v in stored.items() if v["reads"] or k in per_article}
    assert sum(Hourly.objects.values_list("reads", flat=True)) == Event.objects.filter(kind=K.READ).count()
    assert sum(SourceDaily.objects.values_list("reads", flat=True)) == Event.objects.filter(kind=K.READ).count()


# --- the run: open hours, catching up, comments, follows -----------------------------------------


def test_open_hours_are_rolled_again_until_they_are_final(two: tuple[Article, Article]) -> None:
    a, _b = two
    now = H + dt.timedelta(minutes=30)
    read = ev(K.READ, a, H + dt.timedelta(minutes=1))
    rollup.rollup(now)
    assert Hourly.objects.get(hour=H).timed == 0
    # Its read-end report comes an hour later, dated to the read: the hour is still open.
    ev(K.READ_END, a, read.at, ref=read.pk, depth=100, seconds=40)
    rollup.rollup(now + dt.timedelta(hours=1))
    row = Hourly.objects.get(hour=H)
    assert (row.reads, row.timed, row.finished, row.seconds) == (1, 1, 1, 40)
    # Once the TTL and the grace have passed, the hour is final and the state says so.
    rollup.rollup(now + dt.timedelta(hours=4))
    state = RollupState.objects.get()
    assert state.final_before is not None and state.final_before > H
    assert state.final_before == rollup.final_before(now + dt.timedelta(hours=4))


def test_catching_up_after_a_long_stop_goes_on_in_the_next_runs(two: tuple[Article, Article]) -> None:
    a, _b = two
    for d in range(5):
        ev(K.READ, a, H + dt.timedelta(days=d))
    now = H + dt.timedelta(days=4, hours=1)
    first = rollup.rollup(now, max_hours=48)
    assert len(first) == 48 and first[0] == H
    while rollup.rollup(now, max_hours=48)[-1] < rollup.slot_of(now):
        pass
    assert sum(CreatorDaily.objects.values_list("reads", flat=True)) == 5


def test_the_worker_chore_runs_every_five_minutes(two: tuple[Article, Article]) -> None:
    a, _b = two
    ev(K.READ, a, timezone.now())
    rollup.chore()
    assert Hourly.objects.get().reads == 1
    ev(K.READ, a, timezone.now())
    rollup.chore()  # within five minutes of the last run: nothing
    assert Hourly.objects.get().reads == 1
    RollupState.objects.update(last_run=timezone.now() - dt.timedelta(minutes=6))
    rollup.chore()
    assert Hourly.objects.get().reads == 2


def test_comment_counts_become_comment_events_from_the_first_run_on(two: tuple[Article, Article]) -> None:
    a, b = two
    Article.objects.filter(pk=a.pk).update(comments_count=7)  # before statistics existed
    rollup.rollup()
    assert not Event.objects.filter(kind=K.COMMENT).exists()
    assert CommentMark.objects.get(article_id=a.pk).comments == 7
    Article.objects.filter(pk=a.pk).update(comments_count=10)
    Article.objects.filter(pk=b.pk).update(comments_count=1)
    rollup.rollup()
    Article.objects.filter(pk=a.pk).update(comments_count=9)  # one hidden by an editor
    rollup.rollup()
    rollup.rollup()  # nothing moved: nothing new
    moves = sorted(Event.objects.filter(kind=K.COMMENT).values_list("article_id", "n"))
    assert moves == sorted([(a.pk, 3), (b.pk, 1), (a.pk, -1)])
    assert sum(CreatorDaily.objects.values_list("comments", flat=True)) == 3


def test_follows_and_unfollows_roll_up_for_the_creator(writer: Creator) -> None:
    fans = [make_user(f"fan{i}") for i in range(3)]
    for f in fans:
        follow_creator(f, writer)
    assert not follow_creator(fans[0], writer)  # already following: no event
    unfollow_creator(fans[1], writer)
    assert not unfollow_creator(fans[1], writer)
    assert list(FollowEvent.objects.order_by("pk").values_list("kind", flat=True)) == [1, 1, 1, 2]
    rollup.rollup()
    day = CreatorDaily.objects.get(creator_id=writer.pk)
    assert (day.follows, day.unfollows) == (3, 1)
    assert Creator.objects.get(pk=writer.pk).followers_count == 2


# --- pruning ---------------------------------------------------------------------------------


def test_raw_events_past_the_keep_days_are_deleted_after_they_are_rolled(writer: Creator, settings: object) -> None:
    settings.EVENTS_KEEP_DAYS = 30  # type: ignore[attr-defined]
    now = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
    early = make_article(writer, published_at=now - dt.timedelta(days=40))
    old, recent = now - dt.timedelta(days=31), now - dt.timedelta(days=29)
    ev(K.READ, early, now - dt.timedelta(days=40) + dt.timedelta(hours=1))  # in its first 48 hours
    ev(K.READ, early, old)
    ev(K.IMPRESSION, early, old)
    ev(K.READ, early, recent)
    FollowEvent.objects.create(creator_id=writer.pk, kind=FollowEvent.Kind.FOLLOW, at=old)
    FollowEvent.objects.create(creator_id=writer.pk, kind=FollowEvent.Kind.FOLLOW, at=recent)
    # Nothing is deleted before the rollup has made those hours final.
    assert rollup.prune(now) == 0
    while rollup.rollup(now, max_hours=2000)[-1] < rollup.slot_of(now):
        pass
    days_before = rows(CreatorDaily)
    assert rollup.prune(now) == 3
    assert list(Event.objects.values_list("at", flat=True)) == [recent]
    assert list(FollowEvent.objects.values_list("at", flat=True)) == [recent]
    # Hourly rows older than the keep days go, except the article's first 48 hours; days stay.
    assert sorted(Hourly.objects.values_list("hour", flat=True)) == [
        rollup.slot_of(now - dt.timedelta(days=40) + dt.timedelta(hours=1)),
        rollup.slot_of(recent),
        rollup.slot_of(recent),  # the article's row and the creator's (the follow)
    ]
    assert not Hourly.objects.filter(hour=rollup.slot_of(old)).exists()
    assert rows(CreatorDaily) == days_before
    assert sum(CreatorDaily.objects.values_list("reads", flat=True)) == 3


def test_pruning_never_deletes_an_hour_that_is_not_final(writer: Creator, settings: object) -> None:
    settings.EVENTS_KEEP_DAYS = 0  # type: ignore[attr-defined]
    a = make_article(writer)
    now = timezone.now()
    ev(K.READ, a, now - dt.timedelta(minutes=10))
    rollup.rollup(now)
    assert rollup.prune(now) == 0
    assert Event.objects.count() == 1


# --- two workers at once ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_rollups_of_the_same_hour_at_once_leave_one_set_of_rows(spec_channels: None) -> None:
    writer = Creator.objects.create(handle="race", name="赛跑")
    a = make_article(writer)
    for i in range(200):
        ev(K.READ if i % 2 else K.IMPRESSION, a, H + dt.timedelta(seconds=i))
    errors: list[BaseException] = []

    def roll() -> None:
        try:
            for _ in range(5):
                rollup.roll_hour(H)
        except BaseException as exc:  # noqa: BLE001 - report any failure to the test
            errors.append(exc)
        finally:
            connection.close()

    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("threads need a database file or PostgreSQL (the PostgreSQL leg runs this)")
    threads = [threading.Thread(target=roll) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    row = Hourly.objects.get(hour=H)
    assert (row.reads, row.impressions) == (100, 100)
