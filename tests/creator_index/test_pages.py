"""创作者指数's pages and API (issue 12.3, 12.5): what a creator and an editor see, and the
authorisation matrix — anonymous, a reader without a creator profile, another creator, an editor."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import make_article, make_user, make_writer
from tidings.accounts.models import User
from tidings.api.tokens import create_token
from tidings.creator_index import compute
from tidings.creator_index.models import Snapshot
from tidings.creators.models import Creator
from tidings.stats.models import CreatorDaily

pytestmark = pytest.mark.django_db
TODAY = compute.today()


def signed_in(user: User | None) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


@pytest.fixture
def author() -> Creator:
    """Two weeks of daily snapshots, the last one today."""
    a = make_writer("wangfang")
    now = timezone.now()
    for days in (1, 2, 2, 3):
        make_article(a, channel_slug="tech", published_at=now - dt.timedelta(days=days))
    CreatorDaily.objects.create(creator_id=a.pk, day=TODAY - dt.timedelta(days=1), reads=300, finished=120, likes=30)
    for back in range(13, -1, -1):
        compute.run(TODAY - dt.timedelta(days=back))
    return a


@pytest.fixture
def rival() -> Creator:
    r = make_writer("zhaolei", probation_left=0)
    return r


@pytest.fixture
def editor() -> User:
    return make_user("shenhe", User.Role.EDITOR, is_staff=True)


def test_the_creator_sees_today_the_five_dimensions_the_trend_and_how_to_raise_them(author: Creator) -> None:
    snap = Snapshot.objects.get(creator=author, day=TODAY)
    html = signed_in(author.user).get("/studio/index/").content.decode()
    assert f'<span class="stat-value">{snap.index}</span>' in html
    assert f"Lv{snap.level}" in html
    for label in ("原创度", "活跃度", "垂直度", "互动度", "健康度"):
        assert label in html
    # The bars have a one-line summary (the figure's caption) and a data table for screen readers.
    assert re.search(r'<figcaption id="dims-sum" class="chart-summary">创作者指数 \d+（Lv\d）：原创度', html)
    assert '<caption id="dims-caption">五项得分</caption>' in html
    assert '<caption id="trend-caption">每日创作者指数</caption>' in html
    assert html.count('<tr><th scope="row">20') == 14  # fourteen days in the trend table
    assert "近 14 天" in html
    assert "近 180 天有 3 天发布了文章" in html  # the 活跃度 advice, from the creator's own numbers
    assert '<a href="/studio/index/" aria-current="page">创作者指数</a>' in html


def test_the_data_centre_and_the_studio_link_to_the_index(author: Creator) -> None:
    html = signed_in(author.user).get("/studio/data/").content.decode()
    assert 'href="/studio/index/"' in html


def test_a_creator_before_the_first_run_is_told_when_it_comes(rival: Creator) -> None:
    html = signed_in(rival.user).get("/studio/index/").content.decode()
    assert "还没有计算过你的创作者指数" in html


def test_another_creator_sees_only_their_own_index(author: Creator, rival: Creator) -> None:
    compute.run(TODAY)
    mine = Snapshot.objects.get(creator=author, day=TODAY)
    theirs = Snapshot.objects.get(creator=rival, day=TODAY)
    assert mine.index != theirs.index
    html = signed_in(rival.user).get("/studio/index/").content.decode()
    assert f'<span class="stat-value">{theirs.index}</span>' in html
    assert f'<span class="stat-value">{mine.index}</span>' not in html
    assert "wangfang" not in html
    body = signed_in(rival.user).get("/api/v1/me/index").json()
    assert body["index"] == theirs.index and len(body["trend"]) == 1


def test_anonymous_visitors_are_sent_to_sign_in_and_the_api_answers_401() -> None:
    for path in ("/studio/index/", "/review/creators/index/"):
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), path
    response = Client().get("/api/v1/me/index")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_reader_without_a_creator_profile_is_refused(author: Creator) -> None:
    reader = signed_in(make_user("justreading"))
    assert reader.get("/studio/index/").status_code == 403
    assert reader.get("/review/creators/index/").status_code == 403
    response = reader.get("/api/v1/me/index")
    assert response.status_code == 403 and "创作者" in response.json()["detail"]


def test_a_creator_is_not_an_editor(author: Creator) -> None:
    assert signed_in(author.user).get("/review/creators/index/").status_code == 403


def test_an_editor_sees_the_distribution_and_has_no_creator_index_of_their_own(
    author: Creator, rival: Creator, editor: User
) -> None:
    compute.run(TODAY)
    c = signed_in(editor)
    html = c.get("/review/creators/index/").content.decode()
    assert "共 2 位创作者" in html
    assert '<caption id="by-level-caption">各等级创作者人数</caption>' in html
    assert '<caption id="by-band-caption">各指数区间创作者人数</caption>' in html
    assert "wangfang的号" in html and "zhaolei的号" in html
    by_health = c.get("/review/creators/index/?sort=health").content.decode()
    assert 'href="?sort=health" aria-current="page"' in by_health
    assert c.get("/review/creators/index/?sort=nonsense").status_code == 200
    assert c.get("/review/creators/index/?page=9").status_code == 404
    assert c.get("/studio/index/").status_code == 403
    assert c.get("/api/v1/me/index").status_code == 403
    assert 'href="/review/creators/index/"' in c.get("/review/").content.decode()


def test_the_api_gives_a_token_creator_their_index_dimensions_level_and_trend(author: Creator) -> None:
    secret, _ = create_token(author.user, "脚本")
    response = Client().get("/api/v1/me/index", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    body = response.json()
    snap = Snapshot.objects.get(creator=author, day=TODAY)
    assert body["computed"] is True and body["day"] == TODAY.isoformat()
    assert (body["index"], body["level"]) == (snap.index, snap.level)
    assert [d["key"] for d in body["dimensions"]] == ["originality", "activity", "focus", "interaction", "health"]
    assert sum(d["score"] for d in body["dimensions"]) == snap.index
    assert all(d["advice"] for d in body["dimensions"])
    assert len(body["trend"]) == 14 and body["trend"][-1]["day"] == TODAY.isoformat()
    assert body["thresholds"] == [0, 300, 500, 700, 850]
    bad = Client().get("/api/v1/me/index", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert bad.status_code == 401


def test_the_api_says_when_no_index_is_computed_yet(rival: Creator) -> None:
    body = signed_in(rival.user).get("/api/v1/me/index").json()
    assert body["computed"] is False and body["index"] is None and body["trend"] == []
