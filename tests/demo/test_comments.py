"""Demo 跟帖 (tidings.demo.comments): threads that read like real ones, with every stored count
agreeing with the rows, as if tidings.comments.actions had written them one by one."""

from __future__ import annotations

import random
import statistics
from collections import Counter

import pytest
from django.conf import settings
from django.db.models import Count, Q
from django.test import Client

from tests.demo.conftest import NOW, Demo
from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.comments import ranking
from tidings.comments.models import Comment, Participant, Thread, Vote
from tidings.demo import comment_words as cw
from tidings.demo.comments import MAX_DEPTH, _Regions, commenters_for, nickname
from tidings.demo.generator import READER_PREFIX
from tidings.demo.text import cjk_count

VISIBLE = Comment.Status.VISIBLE


@pytest.mark.django_db
def test_the_comment_count_is_the_number_of_visible_comments(demo: Demo) -> None:
    articles = Article.objects.annotate(n=Count("comments", filter=Q(comments__status=VISIBLE)))
    assert all(a.comments_count == a.n for a in articles)
    assert Comment.objects.exclude(status=VISIBLE).exists(), "some were deleted by their authors"
    assert demo.summary.comments == Comment.objects.count() > 0


@pytest.mark.django_db
def test_participants_count_the_distinct_commenters_with_a_visible_comment(demo: Demo) -> None:
    for article in Article.objects.all():
        visible = Comment.objects.filter(article=article, status=VISIBLE)
        per_author = Counter(visible.values_list("author_id", flat=True))
        thread = Thread.objects.filter(article=article).first()
        if not Comment.objects.filter(article=article).exists():
            assert thread is None
            continue
        assert thread is not None and thread.participants_count == len(per_author)
        rows = dict(Participant.objects.filter(article=article).values_list("user_id", "visible"))
        assert {u: n for u, n in rows.items() if n} == dict(per_author)
        assert set(rows) == set(Comment.objects.filter(article=article).values_list("author_id", flat=True))


@pytest.mark.django_db
def test_votes_agree_with_the_counters_and_the_rank(demo: Demo) -> None:
    tally = {
        row["comment_id"]: row
        for row in Vote.objects.values("comment_id").annotate(
            up=Count("pk", filter=Q(value=1)), down=Count("pk", filter=Q(value=-1))
        )
    }
    for c in Comment.objects.all():
        row = tally.get(c.pk, {"up": 0, "down": 0})
        assert (c.up_count, c.down_count) == (row["up"], row["down"])
        assert c.rank == pytest.approx(ranking.rank(c.up_count, c.down_count, c.created_at))
    assert Vote.objects.count() == demo.summary.votes > 0
    # Nobody votes on their own comment, and every vote comes after the comment.
    for v in Vote.objects.select_related("comment"):
        assert v.user_id != v.comment.author_id
        assert v.comment.created_at <= v.created_at <= NOW


@pytest.mark.django_db
def test_votes_are_skewed_towards_up_and_heavy_tailed(demo: Demo) -> None:
    ups = Vote.objects.filter(value=1).count()
    downs = Vote.objects.filter(value=-1).count()
    assert ups > 2 * downs > 0
    totals = sorted(c.up_count + c.down_count for c in Comment.objects.all())
    assert statistics.median(totals) <= 2
    assert totals[-1] >= 10 * max(1, statistics.median(totals))


@pytest.mark.django_db
def test_a_reply_stores_its_ancestors_and_comes_after_its_parent(demo: Demo) -> None:
    comments = {c.pk: c for c in Comment.objects.select_related("article")}
    for c in comments.values():
        assert c.article.published_at is not None
        assert c.article.published_at < c.created_at < NOW
        if c.parent_id is None:
            assert (c.path, c.depth) == ("", 0)
            continue
        parent = comments[c.parent_id]
        assert c.path == f"{parent.path or '/'}{parent.pk}/"
        assert c.depth == parent.depth + 1 == len(c.ancestor_ids())
        assert parent.article_id == c.article_id
        assert parent.created_at <= c.created_at
        assert c.author_id != parent.author_id, "nobody answers themselves"


@pytest.mark.django_db
def test_chains_reach_eight_floors_and_no_further(demo: Demo) -> None:
    depths = Counter(Comment.objects.values_list("depth", flat=True))
    assert max(depths) == MAX_DEPTH == 8
    assert depths[0] > depths[1] > depths[3], depths  # most comments answer the article


@pytest.mark.django_db
def test_a_few_articles_draw_most_comments(demo: Demo) -> None:
    counts = sorted(Article.objects.values_list("comments_count", flat=True))
    assert sum(n <= 3 for n in counts) >= len(counts) / 2  # most: a few
    assert counts[-1] >= 5 * max(1, statistics.median(counts))
    assert sum(counts[-4:]) > sum(counts) / 3


@pytest.mark.django_db
def test_chinese_articles_get_chinese_comments_and_english_ones_english(demo: Demo) -> None:
    for c in Comment.objects.select_related("article"):
        if c.article.lang == "en":
            assert cjk_count(c.body) == 0, c.body
        else:
            assert cjk_count(c.body) > 0, c.body
        assert "{" not in c.body and 0 < len(c.body) <= 1000


@pytest.mark.django_db
def test_replies_agree_disagree_ask_and_build_the_tower(demo: Demo) -> None:
    replies = list(Comment.objects.filter(depth__gt=0, article__lang="zh-Hans").values_list("body", flat=True))
    deep = list(Comment.objects.filter(depth__gte=3, article__lang="zh-Hans").values_list("body", flat=True))
    top = list(Comment.objects.filter(depth=0, article__lang="zh-Hans").values_list("body", flat=True))
    assert any("？" in b for b in replies), "someone asks"
    assert any(b.startswith(("同意", "说到点子上", "+1", "正解", "顶你", "同感", "赞同", "说得太对")) for b in replies)
    assert any(
        b.startswith(("不敢苟同", "太悲观", "不是这样", "你说的是个别", "这话有点片面", "我不太同意")) for b in replies
    )
    assert any("楼" in b for b in deep), "盖楼 jokes in the deep chains"
    assert not any("楼上" in b for b in top), "a top-level comment has nobody above it"


@pytest.mark.django_db
def test_comments_come_from_many_places(demo: Demo) -> None:
    regions = Counter(Comment.objects.values_list("ip_region", flat=True))
    assert len(regions) >= 8
    provinces = {name for name, _ in cw.PROVINCES}
    assert sum(n for r, n in regions.items() if r in provinces) > 0.7 * sum(regions.values())


def test_regions_follow_population_with_some_from_outside_the_mainland() -> None:
    rng, regions = random.Random(1), _Regions()
    drawn = Counter(regions.draw(rng) for _ in range(40_000))
    top = [name for name, _ in drawn.most_common(4)]
    assert set(top) <= {"广东", "山东", "河南", "江苏", "四川"}, top
    assert drawn["广东"] > 10 * drawn["西藏"] > 0
    for place in ("香港", "台湾", "美国", "日本"):
        assert drawn[place] > 0, place
    mainland = sum(drawn[name] for name, _ in cw.PROVINCES)
    assert 0.93 < mainland / 40_000 < 0.98


@pytest.mark.django_db
def test_commenters_are_demo_readers_old_enough_to_post_unheld(demo: Demo) -> None:
    authors = User.objects.filter(pk__in=Comment.objects.values("author_id"))
    assert authors.count() > 10
    first = min(Comment.objects.values_list("created_at", flat=True))
    hours = settings.COMMENT_NEW_ACCOUNT_HOURS
    for user in authors:
        assert user.username.startswith(READER_PREFIX)
        assert user.first_name, "a nickname to show"
        assert (first - user.date_joined).total_seconds() > hours * 3600
    assert User.objects.filter(username__startswith=READER_PREFIX).count() == commenters_for(40)


def test_nicknames_vary() -> None:
    rng = random.Random(3)
    names = [nickname(rng) for _ in range(300)]
    assert len(set(names)) > 250
    assert any(n.startswith("网友") for n in names) and any(n.isascii() for n in names)


@pytest.mark.django_db
def test_the_busiest_thread_reads_on_the_comment_pages(demo: Demo) -> None:
    article = Article.objects.order_by("-comments_count").first()
    assert article is not None
    deepest = Comment.objects.filter(article=article, depth=MAX_DEPTH, status=VISIBLE).first()
    assert deepest is not None, "the busiest thread has a tower of 8 floors"
    browser = Client()
    page = browser.get(f"/a/{article.pk}/comments/?sort=new")
    assert page.status_code == 200
    assert f"{article.comments_count}" in page.content.decode()
    one = browser.get(f"/a/{article.pk}/comments/{deepest.pk}/").content.decode()
    assert "8楼" in one and "展开中间 4 层" in one
