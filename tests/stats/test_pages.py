"""数据中心, an article's data page and 粉丝 (issue 12.1–12.2): real numbers from rolled-up events,
the authorisation matrix (a creator sees only their own data), CSV downloads (BOM, formula
injection), 公开我的关注, and the card's count labelled 粉丝."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import make_article, make_user, make_writer
from tidings.articles.models import Article
from tidings.creators.actions import follow_creator, unfollow_creator
from tidings.creators.models import Creator, Follow, FollowSetting
from tidings.lib.csvfile import BOM, csv_text, neutralise
from tidings.lib.timefmt import site_zone
from tidings.stats import events, reports, rollup
from tidings.stats.models import Event

pytestmark = pytest.mark.django_db
K = Event.Kind


def local(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
    """A time `days_ago` days before today, at hour:minute in the site's zone."""
    day = reports.today() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=site_zone()).astimezone(dt.UTC)


def ev(kind: int, article: Article, at: dt.datetime, **kw: object) -> Event:
    return Event.objects.create(kind=kind, article_id=article.pk, creator_id=article.creator_id, at=at, **kw)


def signed_in(creator: Creator) -> Client:
    c = Client()
    c.force_login(creator.user)  # type: ignore[arg-type]
    return c


@pytest.fixture
def author() -> Creator:
    return make_writer("wangfang")


@pytest.fixture
def rival() -> Creator:
    return make_writer("zhaolei")


@pytest.fixture
def story(author: Creator) -> Article:
    """Published three days ago; yesterday 5 reads (2 to the end, 40 s and 80 s), 12 impressions,
    2 likes, 1 share; the day before 2 reads; one follow yesterday, one the day before, one unfollow."""
    a = make_article(author, "老街的新生：一条巷子的二十年", published_at=local(3, 9))
    for i in range(12):
        ev(K.IMPRESSION, a, local(1, 10, i), source=events.LISTS["hot"])
    reads = [ev(K.READ, a, local(1, 11, i), source=events.LISTS["feed"]) for i in range(3)]
    reads += [ev(K.READ, a, local(1, 12, i), source=events.EXTERNAL, host="weibo.com") for i in range(2)]
    ev(K.READ_END, a, reads[0].at, ref=reads[0].pk, depth=100, seconds=40)
    ev(K.READ_END, a, reads[1].at, ref=reads[1].pk, depth=100, seconds=80)
    ev(K.READ_END, a, reads[2].at, ref=reads[2].pk, depth=30, seconds=0)
    ev(K.LIKE, a, local(1, 13))
    ev(K.LIKE, a, local(1, 13, 5))
    ev(K.SHARE, a, local(1, 14))
    for i in range(2):
        ev(K.READ, a, local(2, 11, i), source=events.DIRECT)
    from tidings.creators.models import FollowEvent

    FollowEvent.objects.create(creator_id=author.pk, kind=FollowEvent.Kind.FOLLOW, at=local(1, 15))
    FollowEvent.objects.create(creator_id=author.pk, kind=FollowEvent.Kind.FOLLOW, at=local(2, 15))
    FollowEvent.objects.create(creator_id=author.pk, kind=FollowEvent.Kind.UNFOLLOW, at=local(2, 16))
    rollup.roll_range(local(3, 0), timezone.now() + rollup.HOUR)
    return a


# --- 数据中心 ----------------------------------------------------------------------------------


def cards(html: str) -> dict[str, tuple[str, str]]:
    found = re.findall(
        r'<span class="stat-label">([^<]+)</span>\s*<span class="stat-value">([^<]+)</span>\s*'
        r'<span class="stat-change[^"]*">(?:<span aria-hidden="true">[↑↓] </span>)?([^<]*)<span class="stat-before">（前日 ([^<]+)）',
        html,
    )
    return {label: (value, before) for label, value, _change, before in found}


def test_the_data_centre_shows_yesterday_against_the_day_before(author: Creator, story: Article) -> None:
    html = signed_in(author).get("/studio/data/").content.decode()
    assert cards(html) == {
        "曝光": ("12", "0"),
        "阅读": ("5", "2"),
        "完读率": ("40.0%", "0.0%"),
        "平均阅读时长": ("40秒", "—"),  # (40 + 80 + 0) / 3 reads that reported
        "点赞": ("2", "0"),
        "分享": ("1", "0"),
        "跟帖": ("0", "0"),
        "新增粉丝": ("1", "1"),
        "取关": ("0", "1"),
    }
    assert "较前日 +150.0%" in html  # reads 2 → 5
    assert "关闭了 JavaScript 的读者不计入" in html


def test_the_data_centre_draws_each_series_with_a_summary_and_a_table(author: Creator, story: Article) -> None:
    html = signed_in(author).get("/studio/data/?days=7").content.decode()
    assert html.count('<figure class="chart"') == 5
    assert html.count("<figcaption") == 5
    assert "近 7 天曝光共 12 次，最高 12 次（" in html and "；阅读共 7 次，最高 5 次（" in html
    assert "近 7 天新增粉丝 2 人，取关 1 人，净增 +1 人。" in html
    assert "<script" not in html.split("<main", 1)[1]  # the charts are drawn on the server
    assert re.search(r'<polyline class="line s0" points="[\d., ]+"', html)
    # Each table has one row per day of the range, and a CSV link.
    traffic = html.split('id="panel-traffic-caption"')[1].split("</table>")[0]
    assert traffic.count("<tr>") == 1 + 7
    assert 'href="/studio/data/traffic.csv?days=7"' in html
    # The article table links to the article's own page.
    assert f'href="/studio/a/{story.pk}/data/">老街的新生' in html


def test_the_range_is_7_30_or_90_days_and_anything_else_is_the_default(author: Creator, story: Article) -> None:
    c = signed_in(author)
    for asked, rows in (("7", 7), ("90", 90), ("", 30), ("365", 30), ("abc", 30)):
        html = c.get(f"/studio/data/?days={asked}").content.decode()
        assert html.split('id="panel-finish-caption"')[1].split("</table>")[0].count("<tr>") == 1 + rows


def test_the_data_centre_costs_the_same_queries_for_few_or_many_articles(author: Creator, story: Article) -> None:
    c = signed_in(author)
    c.get("/studio/data/")

    def count() -> int:
        with CaptureQueriesContext(connection) as q:
            assert c.get("/studio/data/").status_code == 200
        return len(q.captured_queries)

    few = count()
    for i in range(25):
        a = make_article(author)
        ev(K.READ, a, local(1, 9, i))
    rollup.roll_range(local(1, 0), local(0, 0))
    c.get("/studio/data/")  # the site blocks, read again after those publishes
    assert count() == few


def test_an_article_page_has_its_first_48_hours_and_its_sources(author: Creator, story: Article) -> None:
    html = signed_in(author).get(f"/studio/a/{story.pk}/data/?days=7").content.decode()
    assert cards(html)["阅读"] == ("5", "2")
    assert "新增粉丝" not in cards(html)  # follows are the creator's, not an article's
    hours = html.split('id="panel-hours-caption"')[1].split("</table>")[0]
    assert hours.count("<tr>") == 1 + 48  # published three days ago: all 48 hours
    sources = html.split('id="sources-caption"')[1].split("</table>")[0]
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", sources)
    assert cells[4:] == ["推荐", "", "3", "42.9", "站外", "weibo.com", "2", "28.6", "直接访问", "", "2", "28.6"]
    assert "近 7 天（含今天）阅读最多来自「推荐」（42.9%）" in html


# --- who sees what -------------------------------------------------------------------------


STUDIO_PAGES = ["/studio/data/", "/studio/data/traffic.csv", "/studio/fans/", "/studio/fans/fans.csv"]


def test_anonymous_readers_are_sent_to_sign_in(story: Article) -> None:
    for path in [*STUDIO_PAGES, f"/studio/a/{story.pk}/data/", f"/studio/a/{story.pk}/data/sources.csv"]:
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), path


def test_readers_who_are_not_creators_are_refused(story: Article) -> None:
    c = Client()
    c.force_login(make_user("justreading"))
    for path in [*STUDIO_PAGES, f"/studio/a/{story.pk}/data/"]:
        assert c.get(path).status_code == 403, path


def test_another_creators_article_data_is_a_404(rival: Creator, story: Article) -> None:
    c = signed_in(rival)
    for path in (f"/studio/a/{story.pk}/data/", f"/studio/a/{story.pk}/data/sources.csv", "/studio/a/999999/data/"):
        assert c.get(path).status_code == 404, path


def test_a_creator_sees_only_their_own_numbers(rival: Creator, story: Article) -> None:
    html = signed_in(rival).get("/studio/data/").content.decode()
    assert cards(html)["阅读"] == ("0", "0")
    assert "老街的新生" not in html
    assert "weibo.com" not in signed_in(rival).get("/studio/data/articles.csv").content.decode()


def test_an_editor_without_a_creator_profile_has_no_data_centre(story: Article) -> None:
    from tidings.accounts.models import User

    c = Client()
    c.force_login(make_user("editor2", User.Role.EDITOR))
    assert c.get(f"/studio/a/{story.pk}/data/").status_code == 403


def test_an_unknown_table_is_a_404(author: Creator, story: Article) -> None:
    c = signed_in(author)
    for path in ("/studio/data/nothing.csv", f"/studio/a/{story.pk}/data/fans.csv", "/studio/fans/traffic.csv"):
        assert c.get(path).status_code == 404, path


# --- CSV -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "out"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("老街 =1", "老街 =1"),
        ("", ""),
        (None, ""),
        (-3, -3),
        (42.5, 42.5),
    ],
)
def test_text_cells_that_would_be_formulas_are_neutralised(cell: object, out: object) -> None:
    assert neutralise(cell) == out  # type: ignore[arg-type]


def test_a_csv_starts_with_a_bom_and_reads_back_as_written() -> None:
    text = csv_text(["标题", "阅读"], [["=cmd|' /C calc'!A0", 3], ["老街", -1]])
    assert text.startswith(BOM)
    assert list(csv.reader(io.StringIO(text[1:]))) == [["标题", "阅读"], ["'=cmd|' /C calc'!A0", "3"], ["老街", "-1"]]


def test_the_downloads_are_utf8_with_bom_and_neutralise_titles(author: Creator, story: Article) -> None:
    Article.objects.filter(pk=story.pk).update(title='=HYPERLINK("http://evil.example","点我")')
    c = signed_in(author)
    response = c.get("/studio/data/articles.csv?days=7")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="tidings-data-articles-7d.csv"' in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["文章", "发布时间", "曝光", "阅读"]
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","点我")'
    assert rows[1][2:4] == ["12", "7"]
    daily = list(csv.reader(io.StringIO(c.get("/studio/data/traffic.csv?days=7").content.decode("utf-8-sig"))))
    assert daily[0] == ["日期", "曝光", "阅读"] and len(daily) == 1 + 7
    assert daily[-1] == [(reports.today() - dt.timedelta(days=1)).isoformat(), "12", "5"]
    sources = c.get(f"/studio/a/{story.pk}/data/sources.csv?days=7").content.decode("utf-8-sig")
    assert "站外,weibo.com,2,28.6" in sources


# --- 粉丝 --------------------------------------------------------------------------------------


def test_the_fans_page_lists_followers_newest_first_and_hides_private_ones(author: Creator) -> None:
    readers = [make_user(f"fan{i:02d}") for i in range(23)]
    for i, r in enumerate(readers):
        follow_creator(r, author)
        Follow.objects.filter(user=r).update(created_at=timezone.now() - dt.timedelta(minutes=100 - i))
    FollowSetting.objects.create(user=readers[22], public=False)
    unfollow_creator(readers[0], author)
    rollup.rollup()
    c = signed_in(author)
    html = c.get("/studio/fans/").content.decode()
    assert '<span class="stat-value">22</span>' in html
    names = re.findall(r'<th scope="row">(?:<span class="private-fan">)?([^<]+)<', html.split('id="fans-caption"')[1])
    assert names[:3] == ["未公开的读者", "fan21", "fan20"]
    assert len(names) == 20 and "fan22" not in html
    page2 = c.get("/studio/fans/?page=2").content.decode()
    assert re.findall(r'<th scope="row">([^<]+)<', page2.split('id="fans-caption"')[1]) == ["fan02", "fan01"]
    assert c.get("/studio/fans/?page=9").status_code == 404
    assert "新增粉丝 23 人，取关 1 人，净增 +22 人。" in html
    followers = c.get("/studio/fans/followers.csv").content.decode("utf-8-sig").splitlines()
    assert followers[0] == "粉丝,关注时间" and followers[1].startswith("未公开的读者,") and len(followers) == 1 + 22


def test_a_reader_chooses_whether_their_follows_are_public(author: Creator) -> None:
    reader = make_user("quiet")
    follow_creator(reader, author)
    c = Client()
    c.force_login(reader)
    page = c.get("/accounts/").content.decode()
    assert "公开我的关注：<strong>已公开</strong>" in page
    assert c.post("/accounts/follows/", {"public": "0"}).status_code == 302
    assert FollowSetting.objects.get(user=reader).public is False
    assert "公开我的关注：<strong>不公开</strong>" in c.get("/accounts/").content.decode()
    assert "未公开的读者" in signed_in(author).get("/studio/fans/").content.decode()
    assert c.post("/accounts/follows/", {"public": "maybe"}).status_code == 400
    assert c.get("/accounts/follows/").status_code == 405
    assert FollowSetting.objects.get(user=reader).public is False
    c.post("/accounts/follows/", {"public": "1"})
    assert "quiet" in signed_in(author).get("/studio/fans/").content.decode()
    assert Client().post("/accounts/follows/", {"public": "0"}).status_code == 302  # to sign in


def test_the_creator_card_and_the_directory_label_followers_fans(author: Creator, story: Article) -> None:
    follow_creator(make_user("onefan"), author)
    html = Client().get(f"/a/{story.pk}/").content.decode()
    assert re.search(r"<dt>粉丝</dt><dd[^>]*>1</dd>", html)
    assert "关注度" not in html
    assert "关注度" not in Client().get("/u/").content.decode()
