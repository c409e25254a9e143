"""The statistics beacons (issue 12.1): impressions in batches, the read beacon's source, and the
read-end report. Malformed or forged input is refused with 400 and stores nothing; a replayed
batch or report counts once; each request costs a fixed number of statements however big the
batch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import make_article
from tidings.articles.models import Article
from tidings.articles.transitions import withdraw
from tidings.creators.models import Creator
from tidings.engagement import actions
from tidings.stats import events, rollup
from tidings.stats.models import Event, Hourly

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(writer: Creator) -> Article:
    return make_article(writer, "城市更新观察：老旧小区加装电梯")


@pytest.fixture
def visitor(story: Article) -> Client:
    """A browser that already has its visitor cookie (from a first read of the story)."""
    c = Client()
    c.post(f"/a/{story.pk}/read/", follow=True)
    return c


def stored(kind: int | None = None) -> int:
    qs = Event.objects.all()
    return qs.filter(kind=kind).count() if kind else qs.count()


# --- impressions ------------------------------------------------------------------------------


def test_a_batch_of_impressions_is_one_insert_and_counts_each_article_once(writer: Creator, visitor: Client) -> None:
    articles = [make_article(writer) for _ in range(30)]
    batch = [f"hot:{a.pk}" for a in articles] + [f"related:{a.pk}" for a in articles[:5]]
    with CaptureQueriesContext(connection) as queries:
        response = visitor.post("/beacon/seen/", {"seen": batch})
    assert response.status_code == 200 and response.json() == {"counted": 30}
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    # One claim statement for all 30 (the database's dedupe; Redis uses one pipeline) and one INSERT of the events.
    assert len([s for s in inserts if "stats_event" in s]) == 1
    assert len(inserts) <= 2
    assert stored(Event.Kind.IMPRESSION) == 30
    # The first list an article was seen in wins.
    assert set(Event.objects.filter(article_id=articles[0].pk).values_list("source", flat=True)) == {
        events.LISTS["hot"]
    }


def test_the_cost_of_a_batch_does_not_grow_with_its_size(writer: Creator, visitor: Client) -> None:
    articles = [make_article(writer) for _ in range(100)]
    counts = []
    for chunk in (articles[:1], articles[1:100]):
        with CaptureQueriesContext(connection) as queries:
            assert visitor.post("/beacon/seen/", {"seen": [f"home:{a.pk}" for a in chunk]}).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_a_replayed_batch_counts_once(writer: Creator, visitor: Client) -> None:
    a, b = make_article(writer), make_article(writer)
    body = {"seen": [f"channel:{a.pk}", f"channel:{b.pk}"]}
    assert visitor.post("/beacon/seen/", body).json() == {"counted": 2}
    assert visitor.post("/beacon/seen/", body).json() == {"counted": 0}
    assert stored(Event.Kind.IMPRESSION) == 2
    # Another visitor's sighting counts.
    other = Client()
    assert other.post("/beacon/seen/", body, follow=True).json() == {"counted": 2}


def test_an_impression_counts_again_after_the_read_window(writer: Creator, visitor: Client, settings: object) -> None:
    a = make_article(writer)
    visitor.post("/beacon/seen/", {"seen": [f"hot:{a.pk}"]})
    # The window passes: the database's claim ages past it (Redis would have let its key expire).
    from tidings.engagement.models import ViewWindow

    ViewWindow.objects.filter(article=a).update(counted_at=timezone.now() - dt.timedelta(seconds=1801))
    if settings.REDIS_URL:  # type: ignore[attr-defined]
        cache.clear()
    assert visitor.post("/beacon/seen/", {"seen": [f"hot:{a.pk}"]}).json() == {"counted": 1}


@pytest.mark.parametrize(
    "batch",
    [
        [],
        ["hot"],
        ["hot:"],
        ["hot:0"],
        ["hot:12x"],
        ["nowhere:1"],
        ["external:1"],  # a source of reads, not a list
        ["direct:1"],
        ["hot:1;DROP TABLE"],
        ["hot:12345678901"],
        ["hot:1"] * 101,
    ],
)
def test_a_malformed_batch_is_refused_whole_and_stores_nothing(
    batch: list[str], story: Article, visitor: Client
) -> None:
    good = [f"hot:{story.pk}"]
    before = stored()
    response = visitor.post("/beacon/seen/", {"seen": good + batch} if batch else {})
    assert response.status_code == 400
    assert "error" in response.json()
    assert stored() == before


def test_impressions_of_withdrawn_or_unknown_articles_are_left_out(writer: Creator, visitor: Client) -> None:
    live, gone = make_article(writer), make_article(writer)
    withdraw(gone, None)
    response = visitor.post("/beacon/seen/", {"seen": [f"hot:{live.pk}", f"hot:{gone.pk}", "hot:999999"]})
    assert response.json() == {"counted": 1}
    assert list(Event.objects.filter(kind=Event.Kind.IMPRESSION).values_list("article_id", flat=True)) == [live.pk]


def test_impressions_need_a_visitor_cookie_like_reads(story: Article) -> None:
    c = Client()
    first = c.post("/beacon/seen/", {"seen": [f"hot:{story.pk}"]})
    assert first.status_code == 307  # comes back once with the cookie, body and all
    assert c.post(first["Location"], {"seen": [f"hot:{story.pk}"]}).json() == {"counted": 1}
    c.cookies.clear()
    assert c.post("/beacon/seen/?v=1", {"seen": [f"hot:{story.pk}"]}).json()["counted"] is False


def test_a_get_counts_nothing(story: Article, visitor: Client) -> None:
    before = stored()
    assert visitor.get(f"/beacon/seen/?seen=hot:{story.pk}").status_code == 405
    assert visitor.get(f"/a/{story.pk}/read/end/").status_code == 405
    assert stored() == before


# --- the read beacon: where the reader came from ---------------------------------------------


@pytest.mark.parametrize(
    ("body", "source", "host"),
    [
        ({}, "direct", ""),
        ({"src": "feed"}, "feed", ""),
        ({"src": "related"}, "related", ""),
        ({"ref": "https://www.weibo.com/u/123?from=x"}, "external", "weibo.com"),
        ({"ref": "https://Mp.Weixin.QQ.com/s/abc"}, "external", "mp.weixin.qq.com"),
        ({"ref": "http://testserver/"}, "home", ""),
        ({"ref": "http://testserver/search?q=气候"}, "search", ""),
        ({"ref": "http://testserver/hot/"}, "hot", ""),
        ({"ref": "http://testserver/t/芯片/"}, "topic", ""),
        ({"ref": "http://testserver/c/tech/"}, "channel", ""),
        ({"ref": "http://testserver/u/liwei/"}, "creator", ""),
        ({"ref": "http://testserver/accounts/saved/"}, "other", ""),
    ],
)
def test_a_read_keeps_where_the_reader_came_from(
    body: dict[str, str], source: str, host: str, story: Article, client: Client
) -> None:
    response = client.post(f"/a/{story.pk}/read/", body, follow=True)
    assert response.json()["counted"] is True
    read = Event.objects.get(kind=Event.Kind.READ)
    assert (events.BY_CODE[read.source].key, read.host) == (source, host)
    assert read.creator_id == story.creator_id


@pytest.mark.parametrize(
    "body",
    [
        {"src": "external"},
        {"src": "weibo"},
        {"ref": "javascript:alert(1)"},
        {"ref": "https://exa mple.com/"},
        {"ref": "https://" + "a" * 120 + ".com/"},
        {"ref": "https://example.com/" + "x" * 2100},
        {"ref": "not a url"},
    ],
)
def test_a_read_with_a_malformed_source_is_refused_and_counts_nothing(
    body: dict[str, str], story: Article, client: Client
) -> None:
    response = client.post(f"/a/{story.pk}/read/", body, follow=True)
    assert response.status_code == 400
    assert stored() == 0
    assert Article.objects.get(pk=story.pk).views_count == 0


# --- the read-end report ---------------------------------------------------------------------


def read_token(client: Client, article: Article) -> str:
    answer = client.post(f"/a/{article.pk}/read/", follow=True).json()
    assert answer["counted"] is True
    return str(answer["token"])


def test_a_read_end_report_is_stored_against_its_read(story: Article, client: Client) -> None:
    token = read_token(client, story)
    response = client.post(f"/a/{story.pk}/read/end/", {"t": token, "d": "100", "s": "3"})
    assert response.json() == {"counted": True}
    read = Event.objects.get(kind=Event.Kind.READ)
    end = Event.objects.get(kind=Event.Kind.READ_END)
    assert (end.ref, end.depth, end.article_id, end.creator_id) == (read.pk, 100, story.pk, story.creator_id)
    assert end.at.replace(microsecond=0) == read.at.replace(microsecond=0)  # dated to its read
    assert end.seconds <= 3 + 5


def test_a_read_end_report_needs_no_query_before_its_insert(story: Article, client: Client) -> None:
    token = read_token(client, story)
    with CaptureQueriesContext(connection) as queries:
        client.post(f"/a/{story.pk}/read/end/", {"t": token, "d": "40", "s": "2"})
    stats = [q["sql"] for q in queries.captured_queries if "stats_event" in q["sql"]]
    assert len(stats) == 1 and stats[0].lstrip().upper().startswith("INSERT")


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),  # the signature
        lambda t: "9" + t,  # another read id
        lambda t: t.replace(".", ".9", 1),  # another creator
        lambda t: "",
        lambda t: "1.2.3.abc",
        lambda t: t + ".x",
    ],
)
def test_a_forged_read_token_is_refused(change: object, story: Article, client: Client) -> None:
    token = read_token(client, story)
    response = client.post(f"/a/{story.pk}/read/end/", {"t": change(token), "d": "100", "s": "60"})  # type: ignore[operator]
    assert response.status_code == 400
    assert stored(Event.Kind.READ_END) == 0


def test_a_token_is_good_only_for_its_own_article(writer: Creator, story: Article, client: Client) -> None:
    other = make_article(writer)
    token = read_token(client, story)
    assert client.post(f"/a/{other.pk}/read/end/", {"t": token, "d": "100", "s": "5"}).status_code == 400
    assert stored(Event.Kind.READ_END) == 0


@pytest.mark.parametrize(
    "body", [{"d": "101", "s": "5"}, {"d": "-1", "s": "5"}, {"d": "50"}, {"d": "50", "s": "1e3"}, {"d": "x", "s": "1"}]
)
def test_a_malformed_read_end_report_is_refused(body: dict[str, str], story: Article, client: Client) -> None:
    token = read_token(client, story)
    assert client.post(f"/a/{story.pk}/read/end/", {"t": token, **body}).status_code == 400
    assert stored(Event.Kind.READ_END) == 0


def test_reading_time_is_capped_by_the_time_since_the_read(story: Article, client: Client) -> None:
    token = read_token(client, story)
    client.post(f"/a/{story.pk}/read/end/", {"t": token, "d": "30", "s": "86400"})
    assert Event.objects.get(kind=Event.Kind.READ_END).seconds <= 6


def test_a_read_end_report_after_the_ttl_is_not_counted(story: Article, client: Client) -> None:
    # The token of a read made three hours ago, signed by the site.
    token = events.read_token(987, story.pk, story.creator_id, timezone.now() - dt.timedelta(hours=3))
    assert client.post(f"/a/{story.pk}/read/end/", {"t": token, "d": "100", "s": "60"}).json() == {"counted": False}
    assert stored(Event.Kind.READ_END) == 0


def test_one_read_sends_a_bounded_number_of_reports(story: Article, client: Client, settings: object) -> None:
    settings.READ_END_REPORTS_PER_READ = 3  # type: ignore[attr-defined]
    token = read_token(client, story)
    statuses = [
        client.post(f"/a/{story.pk}/read/end/", {"t": token, "d": str(10 * i), "s": "1"}).status_code for i in range(6)
    ]
    assert statuses == [200] * 3 + [429] * 3
    assert stored(Event.Kind.READ_END) == 3


def test_replayed_read_end_reports_roll_up_as_one_read(story: Article, client: Client) -> None:
    token = read_token(client, story)
    for d, s in (("20", "1"), ("100", "2"), ("100", "2"), ("60", "1")):
        client.post(f"/a/{story.pk}/read/end/", {"t": token, "d": d, "s": s})
    rollup.rollup()
    row = Hourly.objects.get(article_id=story.pk)
    assert (row.reads, row.timed, row.finished) == (1, 1, 1)
    assert row.seconds == 2


# --- likes, shares and follows are events too ---------------------------------------------------


def test_likes_unlikes_and_shares_are_kept_as_events(story: Article, visitor: Client) -> None:
    vid = "v:test-visitor"
    assert actions.like(story.pk, vid) and actions.unlike(story.pk, vid) and actions.like(story.pk, vid)
    assert not actions.like(story.pk, vid)  # a like that did not count is no event
    assert actions.record_share(story.pk, "weibo", vid)
    assert not actions.record_share(story.pk, "weibo", vid)
    likes = list(Event.objects.filter(kind=Event.Kind.LIKE).order_by("pk").values_list("n", flat=True))
    assert likes == [1, -1, 1]
    assert stored(Event.Kind.SHARE) == 1


def test_the_beacons_published_lookup_agrees_with_the_queryset(writer: Creator) -> None:
    from tidings.articles import transitions

    published = make_article(writer)
    later = make_article(writer, published_at=timezone.now() + dt.timedelta(hours=2))  # scheduled
    draft = make_article(writer, publish=False)
    gone = make_article(writer)
    transitions.withdraw(gone, None)
    ids = [published.pk, later.pk, draft.pk, gone.pk, 999999]
    expected = dict(Article.objects.published().filter(pk__in=ids).values_list("pk", "creator_id"))
    assert actions.published_creators(ids) == expected == {published.pk: writer.pk}
