"""热点推荐 (issue 4, point 1) and the channel 要闻 boxes (point 2): deduplicated reads and likes move
the stored hot score once per visitor; refresh loops and serial likers cannot; /hot/ and the API
serve the same index-ordered list; pins with expiry fill from the channel's hot list."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.conftest import make_article
from tidings.accounts.models import User
from tidings.articles import ranking
from tidings.articles.models import Article
from tidings.articles.transitions import withdraw
from tidings.channels.models import Channel, Pick
from tidings.creators.models import Creator
from tidings.discovery import blocks
from tidings.engagement import actions
from tidings.engagement.visitors import VISITOR_COOKIE

pytestmark = pytest.mark.django_db


def fresh(a: Article) -> Article:
    return Article.objects.get(pk=a.pk)


def expected_score(a: Article) -> float:
    a = fresh(a)
    return ranking.hot_score(
        a.published_at, ranking.engagement(a.views_count, a.shares_count, a.comments_count, a.likes_count)
    )


@pytest.fixture
def story(writer: Creator) -> Article:
    return make_article(writer, "城市更新观察：老旧小区加装电梯", channel_slug="news")


# --- reads -----------------------------------------------------------------------------------


def test_a_refresh_loop_from_one_visitor_counts_one_read(client: Client, story: Article) -> None:
    Client().post(f"/a/{story.pk}/read/", follow=True)  # someone else's read: E = 1
    before = fresh(story).hot_score
    answers = [client.post(f"/a/{story.pk}/read/", follow=True).json()["counted"] for _ in range(25)]
    assert answers == [True] + [False] * 24
    after = fresh(story)
    assert after.views_count == 2
    assert after.hot_score == pytest.approx(expected_score(story))
    assert after.hot_score == pytest.approx(before + ranking.math.log10(2))
    # The 25th reload left the score exactly where the first read put it.
    client.post(f"/a/{story.pk}/read/", follow=True)
    assert fresh(story).hot_score == after.hot_score


def test_a_client_that_keeps_no_cookies_never_counts(client: Client, story: Article) -> None:
    for _ in range(10):
        client.cookies.clear()
        first = client.post(f"/a/{story.pk}/read/")
        assert first.status_code == 307 and first["Location"] == f"/a/{story.pk}/read/?v=1"
        client.cookies.clear()  # the cookie it was given is thrown away
        assert client.post(first["Location"]).json() == {"counted": False, "reason": "no visitor cookie"}
    assert fresh(story).views_count == 0


def test_a_script_that_takes_a_new_cookie_for_every_read_is_capped_per_address(
    story: Article, settings: object
) -> None:
    """Keeping the cookie for just one redirect makes a new visitor each time: new ids are limited
    per client address and hour, so such a loop counts at most NEW_VISITORS_PER_HOUR reads."""
    settings.NEW_VISITORS_PER_HOUR = 4  # type: ignore[attr-defined]
    statuses = []
    for _ in range(10):
        bot = Client(REMOTE_ADDR="198.51.100.9")
        response = bot.post(f"/a/{story.pk}/read/", follow=True)
        statuses.append(response.status_code)
    assert fresh(story).views_count == 4
    assert statuses == [200] * 4 + [429] * 6
    neighbour = Client(REMOTE_ADDR="198.51.100.10")  # another address is not affected
    assert neighbour.post(f"/a/{story.pk}/read/", follow=True).json()["counted"] is True


def test_a_forged_visitor_cookie_does_not_count(client: Client, story: Article) -> None:
    for i in range(5):
        client.cookies[VISITOR_COOKIE] = f"made-up-{i}"
        response = client.post(f"/a/{story.pk}/read/?v=1")
        assert response.json()["counted"] is False
    assert fresh(story).views_count == 0


def test_different_visitors_each_count_once(story: Article) -> None:
    for _ in range(3):
        c = Client()
        for _ in range(4):
            c.post(f"/a/{story.pk}/read/", follow=True)
    assert fresh(story).views_count == 3


def test_a_signed_in_reader_counts_once_across_browsers_and_is_remembered(story: Article, reader: User) -> None:
    for _ in range(3):
        c = Client()
        c.force_login(reader)
        assert c.post(f"/a/{story.pk}/read/").status_code == 200  # no cookie dance when signed in
    assert fresh(story).views_count == 1
    assert list(reader.reads.values_list("article_id", flat=True)) == [story.pk]


def test_a_read_counts_again_after_the_window(settings, story: Article) -> None:
    settings.READ_WINDOW_SECONDS = 1
    assert actions.record_read(story.pk, "v:window-test") is True
    assert actions.record_read(story.pk, "v:window-test") is False
    time.sleep(1.2)
    assert actions.record_read(story.pk, "v:window-test") is True
    assert fresh(story).views_count == 2


def test_reads_of_unpublished_or_missing_articles_count_nothing(client: Client, writer: Creator) -> None:
    draft = make_article(writer, "草稿", publish=False)
    gone = make_article(writer, "撤回")
    withdraw(gone, None)
    for pk in (draft.pk, gone.pk, 999999):
        assert client.post(f"/a/{pk}/read/", follow=True).json() == {"counted": False}
    assert Article.objects.filter(views_count__gt=0).count() == 0
    assert client.get(f"/a/{draft.pk}/read/").status_code == 405


# --- shares ----------------------------------------------------------------------------------


def test_a_share_loop_counts_once_per_target(client: Client, story: Article) -> None:
    client.post(f"/a/{story.pk}/read/", follow=True)
    for _ in range(20):
        client.post(f"/a/{story.pk}/share/link/", follow=True)
        client.post(f"/a/{story.pk}/share/weibo/")
    assert fresh(story).shares_count == 2
    assert fresh(story).hot_score == pytest.approx(expected_score(story))


def test_a_share_link_without_a_visitor_goes_on_but_does_not_count(client: Client, story: Article) -> None:
    for _ in range(5):
        client.cookies.clear()
        response = client.get(f"/a/{story.pk}/share/qq/")
        assert response.status_code == 302 and response["Location"].startswith("https://connect.qq.com/")
    assert fresh(story).shares_count == 0


# --- likes -----------------------------------------------------------------------------------


def test_a_serial_liker_moves_the_score_once(client: Client, story: Article) -> None:
    client.post(f"/a/{story.pk}/like/", follow=True)
    once = fresh(story)
    assert once.likes_count == 1
    for _ in range(30):
        client.post(f"/a/{story.pk}/like/", follow=True)
    assert fresh(story).likes_count == 1
    assert fresh(story).hot_score == once.hot_score


def test_toggling_a_like_adds_nothing(story: Article) -> None:
    actions.like(story.pk, "v:toggler")
    liked = fresh(story)
    for _ in range(20):
        assert actions.unlike(story.pk, "v:toggler") is True
        assert actions.like(story.pk, "v:toggler") is True
    after = fresh(story)
    assert after.likes_count == 1
    assert after.hot_score == pytest.approx(liked.hot_score, abs=1e-9)
    actions.unlike(story.pk, "v:toggler")
    assert fresh(story).likes_count == 0
    assert fresh(story).hot_score == pytest.approx(expected_score(story), abs=1e-9)
    assert actions.unlike(story.pk, "v:toggler") is False  # nothing to take back twice


def test_the_like_button_answers_scripts_and_forms(client: Client, story: Article) -> None:
    response = client.post(f"/a/{story.pk}/like/", follow=True, headers={"Accept": "application/json"})
    assert response.json() == {"liked": True, "likes": 1}
    response = client.post(f"/a/{story.pk}/like/", {"action": "unlike"})
    assert response.status_code == 302 and response["Location"] == f"/a/{story.pk}/#like"
    assert fresh(story).likes_count == 0
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'action="/a/{story.pk}/like/"' in html and "点赞" in html
    assert f'data-read-beacon="/a/{story.pk}/read/"' in html


# --- the hot list ----------------------------------------------------------------------------


def test_engagement_outranks_age_by_the_documented_formula(writer: Creator) -> None:
    now = timezone.now()
    old = make_article(writer, "十二个半小时前", published_at=now - dt.timedelta(hours=12.5))
    new = make_article(writer, "刚刚发布", published_at=now)
    # Equal engagement: the newer ranks first.
    assert [i.id for i in blocks.hot(2)] == [new.pk, old.pk]
    # Ten times the engagement is worth τ = 12.5 h: 100 reads vs 10 put them level, 101 ahead.
    Article.objects.filter(pk=old.pk).update(views_count=101)
    Article.objects.filter(pk=new.pk).update(views_count=10)
    for a in (old, new):
        Article.objects.filter(pk=a.pk).update(hot_score=expected_score(a))
    assert [i.id for i in blocks.hot(2)] == [old.pk, new.pk]


def test_shares_weigh_five_reads(story: Article, other_writer: Creator) -> None:
    rival = make_article(other_writer, "对手", published_at=fresh(story).published_at)
    actions.record_share(story.pk, "link", "v:sharer")
    for i in range(4):
        actions.record_read(rival.pk, f"v:r{i}")
    assert fresh(story).hot_score > fresh(rival).hot_score  # 5 > 4
    actions.record_read(rival.pk, "v:r4")
    actions.record_read(rival.pk, "v:r5")
    assert fresh(rival).hot_score > fresh(story).hot_score  # 6 > 5


@pytest.mark.parametrize("counter", sorted(ranking.WEIGHTS))
def test_the_compiled_bump_moves_counts_and_score_as_the_orm_form_does(writer: Creator, counter: str) -> None:
    """bump_article runs `bump` compiled once: the same counts and score as the ORM's UPDATE, and
    the same guards (public now; never below zero), whatever the id and the time."""
    a = make_article(writer, "编译一次的更新", channel_slug="news")
    b = make_article(writer, "对照", channel_slug="news")
    for pk in (a.pk, b.pk):
        Article.objects.filter(pk=pk).update(views_count=7, shares_count=2, comments_count=1, likes_count=3)
    for by in (1, 1, 5, -1, -2):
        assert ranking.bump_article(a.pk, counter, by) == 1
        assert Article.objects.filter(pk=b.pk).update(**ranking.bump(counter, by)) == 1
        fa, fb = fresh(a), fresh(b)
        assert getattr(fa, counter) == getattr(fb, counter)
        # The engagement term (the score less its age term) is the same; the two differ in age only.
        assert fa.hot_score - ranking.hot_score(fa.published_at, 0) == pytest.approx(
            fb.hot_score - ranking.hot_score(fb.published_at, 0)
        )
    # The guards: a floor at zero, public articles only, and another id changes nothing.
    Article.objects.filter(pk=a.pk).update(**{counter: 0})
    assert ranking.bump_article(a.pk, counter, -1, floor=True) == 0
    assert getattr(fresh(a), counter) == 0
    assert ranking.bump_article(a.pk, counter, published=True) == 1
    Article.objects.filter(pk=a.pk).update(published_at=timezone.now() + dt.timedelta(hours=1))
    assert ranking.bump_article(a.pk, counter, published=True) == 0  # scheduled: not public yet
    withdraw(fresh(b), None)
    assert ranking.bump_article(b.pk, counter, published=True) == 0
    assert ranking.bump_article(10**9, counter) == 0


def test_the_hot_list_is_an_index_scan(writer: Creator) -> None:
    make_article(writer)
    sql_seen: list[str] = []

    def capture(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        sql_seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        blocks.hot(20)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A tiny test table is cheaper to scan; with scans priced out the index must serve.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + sql_seen[0], [now])
            plan = " ".join(str(row[0]) for row in cursor.fetchall())
            assert "article_hot" in plan and "Seq Scan on articles_article" not in plan, plan
            return
        cursor.execute("EXPLAIN QUERY PLAN " + sql_seen[0], [now])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    # The index drives the order; only ties of equal score are sorted by id ("RIGHT PART").
    assert "USING INDEX article_hot" in plan and "SCAN a" not in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_the_hot_page_shows_the_formula_and_the_same_list_as_the_api(client: Client, writer: Creator) -> None:
    arts = [make_article(writer, f"热点{i}", channel_slug="tech" if i % 2 else "sports") for i in range(6)]
    for n, a in enumerate(arts):
        for i in range(n * 3):
            actions.record_read(a.pk, f"v:{a.pk}-{i}")
    html = client.get("/hot/").content.decode()
    assert "log10(max(1, 阅读 + 5×分享 + 3×跟帖 + 2×点赞))" in html
    api = client.get("/api/v1/hot?limit=50").json()["items"]
    assert [i["title"] for i in api][:3] == ["热点5", "热点4", "热点3"]
    positions = [html.index(f">{i['title']}</a>") for i in api]
    assert positions == sorted(positions)
    tech = client.get("/hot/?channel=tech").content.decode()
    assert "热点5" in tech and "热点4" not in tech
    assert [i["title"] for i in client.get("/api/v1/hot?channel=tech").json()["items"]] == ["热点5", "热点3", "热点1"]
    assert client.get("/hot/?channel=nope").status_code == 404


def test_the_home_and_article_pages_link_the_hot_list(client: Client, story: Article) -> None:
    for url in ("/", story.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "热点推荐" in html


# --- 要闻 boxes (point 2) ----------------------------------------------------------------------


@pytest.fixture
def sports(writer: Creator) -> list[Article]:
    now = timezone.now()
    arts = [
        make_article(writer, f"体育{i}", channel_slug="sports", published_at=now - dt.timedelta(hours=i))
        for i in range(8)
    ]
    return arts


def test_pins_come_first_expired_pins_fall_back_and_hot_fills_the_rest(client: Client, sports: list[Article]) -> None:
    c = Channel.objects.get(slug="sports")
    Pick.objects.create(channel=c, article=sports[7], position=0)
    Pick.objects.create(channel=c, article=sports[6], position=1, expires_at=timezone.now() + dt.timedelta(hours=1))
    Pick.objects.create(channel=c, article=sports[5], position=2, expires_at=timezone.now() - dt.timedelta(seconds=1))
    api = [i["title"] for i in client.get("/api/v1/channels/sports/headlines").json()["items"]]
    assert api == ["体育7", "体育6", "体育0", "体育1", "体育2", "体育3"]
    page = client.get("/c/sports/").content.decode()
    box = page[page.index('id="channel-box-h"') : page.index('id="latest-h"')]
    assert [t for t in api if t in box] == api
    assert [box.index(f">{t}</a>") for t in api] == sorted(box.index(f">{t}</a>") for t in api)
    assert "体育5" not in box
    home = client.get("/").content.decode()
    home_box = home[home.index('id="box-sports"') : home.index('id="box-ent"')]
    assert [home_box.index(f">{t}</a>") for t in api] == sorted(home_box.index(f">{t}</a>") for t in api)


def test_a_withdrawn_pin_leaves_the_box(client: Client, sports: list[Article]) -> None:
    c = Channel.objects.get(slug="sports")
    Pick.objects.create(channel=c, article=sports[7])
    withdraw(sports[7], None)
    api = [i["title"] for i in client.get("/api/v1/channels/sports/headlines").json()["items"]]
    assert "体育7" not in api and len(api) == blocks.BOX_SIZE
    assert client.get("/api/v1/channels/nope/headlines").status_code == 404


def test_editors_pin_with_an_expiry_in_the_admin(client: Client, editor: User, sports: list[Article]) -> None:
    editor.is_superuser = True
    editor.save()
    client.force_login(editor)
    c = Channel.objects.get(slug="sports")
    response = client.post(
        "/admin/channels/pick/add/",
        {
            "channel": c.pk,
            "article": sports[7].pk,
            "position": 0,
            "expires_at_0": (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%d"),
            "expires_at_1": "12:00:00",
            "created_at_0": timezone.localtime().strftime("%Y-%m-%d"),
            "created_at_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    pick = Pick.objects.get(article=sports[7])
    assert pick.expires_at is not None and pick.expires_at > timezone.now()
    client.logout()
    api = [i["title"] for i in client.get("/api/v1/channels/sports/headlines").json()["items"]]
    assert api[0] == "体育7"


# --- in a real browser: the beacon behind the page cache -------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_browser_reloading_a_cached_page_counts_one_read_and_likes_once(
    browser, live_server, spec_channels: None, settings
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_creator

    settings.PAGE_CACHE_SECONDS = 60
    story = make_article(make_creator("beacon-writer", "信标作者"), "刷新也只算一次")
    context = browser.new_context()
    try:
        page = context.new_page()
        for _ in range(4):
            with page.expect_response(lambda r: f"/a/{story.pk}/read/" in r.url and r.status == 200):
                page.goto(f"{live_server.url}/a/{story.pk}/")
        assert fresh(story).views_count == 1
        for _ in range(3):
            with page.expect_response(lambda r: f"/a/{story.pk}/like/" in r.url and r.status == 200):
                page.click(".like-button")
            page.wait_for_function("document.querySelector('.like-button').getAttribute('aria-pressed') !== null")
        # like, unlike, like: the button toggles, the count ends at one.
        assert page.get_attribute(".like-button", "aria-pressed") == "true"
        assert page.inner_text("[data-like-count]") == "1"
        assert fresh(story).likes_count == 1
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_reads_count_once_without_redis(spec_channels: None, settings) -> None:
    """The database claim (no Redis): eight threads send the same visitor's read at once."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL")
    import threading

    from django.db import connections

    from tests.conftest import make_creator

    settings.REDIS_URL = ""
    story = make_article(make_creator("race-writer", "并发作者"), "并发阅读")
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def read() -> None:
        try:
            barrier.wait()
            results.append(actions.record_read(story.pk, "v:racer"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 7 + [True]
    assert fresh(story).views_count == 1
