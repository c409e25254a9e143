"""数据中心 and 粉丝 over the API (issue 12.5): GET /api/v1/me/stats, /me/articles/{id}/stats and
/me/fans give the numbers the studio's pages show, to the token's creator only.

The history is the studio pages' own (tests/stats/test_pages.py's `author` and `story` fixtures),
so the API and the pages are checked against the same numbers."""
# ruff: noqa: F811  (the imported fixtures are parameters of the tests below)

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.api.test_write_api import bearer, token_for, token_row_for
from tests.conftest import make_user, make_writer
from tests.stats.test_pages import author, cards, signed_in, story  # noqa: F401
from tidings.articles.models import Article
from tidings.creators.actions import follow_creator, unfollow_creator
from tidings.creators.models import Creator, FollowSetting
from tidings.stats import reports
from tidings.stats.models import Event

pytestmark = pytest.mark.django_db
K = Event.Kind


def get(path: str, token: str | None) -> Any:
    return Client().get(path, **(bearer(token) if token else {}))


def test_my_stats_are_the_daily_figures_of_the_data_centre(author: Creator, story: Article) -> None:
    r = get("/api/v1/me/stats", token_for(author))
    assert r.status_code == 200, r.content
    body = r.json()
    yesterday = reports.today() - dt.timedelta(days=1)
    assert body["to"] == yesterday.isoformat()
    assert body["from"] == (yesterday - dt.timedelta(days=29)).isoformat()
    assert len(body["days"]) == 30 and body["days"][-1]["day"] == yesterday.isoformat()
    last, before = body["days"][-1], body["days"][-2]
    assert (last["impressions"], last["reads"], last["finished"], last["likes"], last["shares"]) == (12, 5, 2, 2, 1)
    assert last["finish_rate"] == 40.0 and last["avg_seconds"] == 40.0  # (40 + 80 + 0) / 3 reads that reported
    assert (last["follows"], last["unfollows"], before["follows"], before["unfollows"]) == (1, 0, 1, 1)
    assert before["reads"] == 2 and before["finish_rate"] == 0.0 and before["avg_seconds"] is None
    assert body["days"][0]["reads"] == 0 and body["days"][0]["finish_rate"] is None
    assert body["totals"]["reads"] == 7 and body["totals"]["follows"] == 2 and body["totals"]["unfollows"] == 1
    assert body["totals"]["finish_rate"] == round(100 * 2 / 7, 2)
    assert "updated_at" in body  # set by the worker's rollup chore (roll_range alone leaves it null)

    # The same numbers as the studio's cards.
    page = cards(signed_in(author).get("/studio/data/").content.decode())
    assert page["阅读"] == (str(last["reads"]), str(before["reads"]))
    assert page["曝光"][0] == str(last["impressions"])


def test_my_stats_over_a_chosen_span(author: Creator, story: Article) -> None:
    token = token_for(author)
    two_days_ago = reports.today() - dt.timedelta(days=2)
    r = get(f"/api/v1/me/stats?from={two_days_ago}&to={two_days_ago}", token)
    assert r.status_code == 200
    assert [d["reads"] for d in r.json()["days"]] == [2]
    year = get(f"/api/v1/me/stats?from={reports.today() - dt.timedelta(days=365)}&to={reports.today()}", token)
    assert year.status_code == 200 and len(year.json()["days"]) == 366


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-05-02&to=2026-05-01",  # backwards
        "from=2024-01-01&to=2026-01-01",  # more than a year
        "from=0001-01-01",  # overflows once 30 days are added or taken
        "to=0001-01-05",
        "to=9999-12-31",
    ],
)
def test_a_span_that_cannot_be_answered_is_a_clear_400(author: Creator, query: str) -> None:
    r = get(f"/api/v1/me/stats?{query}", token_for(author))
    assert r.status_code == 400, r.content
    assert r.json()["detail"]


@pytest.mark.parametrize("query", ["from=yesterday", "to=2026-13-01", "from=2026-02-30"])
def test_a_malformed_date_is_a_422_naming_the_parameter(author: Creator, query: str) -> None:
    r = get(f"/api/v1/me/stats?{query}", token_for(author))
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][-1] in {"from", "to"}


def test_an_articles_stats_have_its_days_hours_and_sources(author: Creator, story: Article) -> None:
    r = get(f"/api/v1/me/articles/{story.pk}/stats", token_for(author))
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["id"] == story.pk and body["url"] == story.get_absolute_url()
    assert body["to"] == reports.today().isoformat()  # the article's own page runs to today
    assert body["totals"]["reads"] == 7 and body["totals"]["likes"] == 2
    assert "follows" not in body["days"][0]
    # Published three days ago at 09:00: its first 48 hours hold the day before yesterday's 2 reads.
    assert len(body["hours"]) == 48 and sum(h["reads"] for h in body["hours"]) == 2
    sources = {(s["source"], s["host"]): (s["reads"], s["percent"]) for s in body["sources"]}
    assert sources == {
        ("推荐", ""): (3, round(300 / 7, 2)),
        ("站外", "weibo.com"): (2, round(200 / 7, 2)),
        ("直接访问", ""): (2, round(200 / 7, 2)),
    }


def test_my_fans_newest_first_with_private_readers_unnamed(author: Creator) -> None:
    readers = [make_user(f"fan{i}") for i in range(25)]
    for r in readers:
        follow_creator(r, author)
    FollowSetting.objects.create(user=readers[24], public=False)
    unfollow_creator(readers[0], author)
    token = token_for(author)
    first = get("/api/v1/me/fans?page_size=10", token).json()
    assert first["count"] == 24 and first["page"] == 1
    assert [f["name"] for f in first["items"][:2]] == [None, "fan23"]  # fan24 keeps follows private
    assert first["next"] == "/api/v1/me/fans?page_size=10&page=2" and first["previous"] is None
    last = get("/api/v1/me/fans?page_size=10&page=3", token).json()
    assert [f["name"] for f in last["items"]] == [f"fan{i}" for i in range(4, 0, -1)]
    assert get("/api/v1/me/fans?page=4&page_size=10", token).status_code == 404
    assert get("/api/v1/me/fans?page_size=101", token).status_code in (400, 422)


# --- who may read what -------------------------------------------------------------------------


def test_a_creator_never_reads_another_creators_numbers(author: Creator, story: Article) -> None:
    rival = make_writer("statsrival")
    token = token_for(rival)
    assert get(f"/api/v1/me/articles/{story.pk}/stats", token).status_code == 404
    mine = get("/api/v1/me/stats", token).json()
    assert mine["totals"]["reads"] == 0 and mine["followers"] == 0
    assert get("/api/v1/me/fans", token).json()["count"] == 0


@pytest.mark.parametrize("path", ["/api/v1/me/stats", "/api/v1/me/fans", "/api/v1/me/articles/{pk}/stats"])
def test_without_a_token_or_without_a_creator_profile_there_are_no_numbers(
    author: Creator, story: Article, path: str
) -> None:
    path = path.format(pk=story.pk)
    assert get(path, None).status_code == 401
    assert get(path, "tdg_not-a-real-token").status_code == 401
    # A token whose user is no creator (a creator whose profile was withdrawn, say) reads nothing.
    assert get(path, token_row_for(make_user("statsreader"))[0]).status_code == 403
    # Signed in on the site is not enough: the API reads a token.
    c = Client()
    c.force_login(author.user)  # type: ignore[arg-type]
    assert c.get(path).status_code == 401


def test_a_deleted_or_unknown_article_is_404(author: Creator, story: Article) -> None:
    token = token_for(author)
    Article.objects.filter(pk=story.pk).update(deleted_at=timezone.now())
    assert get(f"/api/v1/me/articles/{story.pk}/stats", token).status_code == 404
    assert get("/api/v1/me/articles/99999999/stats", token).status_code == 404
    assert get("/api/v1/me/articles/0/stats", token).status_code == 404
