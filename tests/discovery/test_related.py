"""相关推荐 (issue 4, point 3): keywords from the segmented text (TF-IDF with the site's own IDF),
similarity blended with channel and recency, computed by a background task when an article is
published, edited or withdrawn; never the article itself, never a withdrawn article."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_article
from tidings.articles.actions import save_article
from tidings.articles.models import Article
from tidings.articles.transitions import withdraw
from tidings.creators.models import Creator
from tidings.discovery import blocks, keywords, related
from tidings.discovery.models import ArticleKeyword, DocumentFrequency, Related

pytestmark = pytest.mark.django_db

CLIMATE = (
    "联合国气候大会开幕，各国代表讨论碳排放和减排目标。可再生能源投资继续增长，碳市场扩容。"
    "极端天气频发，冰川消融，海平面上升，气候适应成为新的议题。"
)
FOOTBALL = (
    "中超联赛第十轮，主队在主场以二比一战胜客队。前锋梅开二度，门将扑出点球。"
    "球迷在看台上高唱队歌，主教练赛后称赞球员的防守。"
)
CHIPS = "国产芯片实验室里，晶圆经过光刻、刻蚀和封装。半导体产业链的设备和材料仍在攻关，芯片设计企业增加研发投入。"


def kws(a: Article) -> list[str]:
    return list(ArticleKeyword.objects.filter(article=a).order_by("rank").values_list("keyword", flat=True))


def related_ids(a: Article) -> list[int]:
    return list(Related.objects.filter(article=a).order_by("rank").values_list("other_id", flat=True))


@pytest.fixture
def corpus(writer: Creator, other_writer: Creator) -> dict[str, list[Article]]:
    return {
        "climate": [
            make_article(writer, f"气候观察{i}：碳排放与减排目标", channel_slug="news", body=CLIMATE, tags=["气候变化"])
            for i in range(3)
        ],
        "football": [
            make_article(other_writer, f"中超第{i}轮：主队逆转", channel_slug="sports", body=FOOTBALL, tags=["中超"])
            for i in range(3)
        ],
        "chips": [make_article(writer, f"芯片{i}：晶圆的旅程", channel_slug="tech", body=CHIPS) for i in range(2)],
    }


def test_terms_keep_nouns_and_drop_stopwords_numbers_and_single_characters() -> None:
    # Words no demo tag contains: the segmenter learns tags process-wide (keywords.learn_tags).
    found = keywords.terms("我们在2024年的博物馆里看到了 the carbon market 和 30% 的展品。")
    assert "博物馆" in found and "展品" in found and "carbon" in found and "market" in found
    for dropped in ("我们", "在", "2024", "30%", "the", "了", "的"):
        assert dropped not in found


def test_idf_comes_from_the_sites_own_corpus(corpus: dict[str, list[Article]]) -> None:
    related.rebuild_all()
    n = DocumentFrequency.objects.get(term="").df
    assert n == Article.objects.published().count() == 8
    assert DocumentFrequency.objects.get(term="光刻").df == 2
    assert DocumentFrequency.objects.get(term="冰川").df == 3
    # A term every climate article shares still ranks below the rarer ones of its own article.
    words = kws(corpus["chips"][0])
    assert "光刻" in words and "芯片" in words


def test_keywords_merge_the_creators_tags_weighted_up(corpus: dict[str, list[Article]]) -> None:
    words = kws(corpus["climate"][0])
    assert words[0] == "气候变化"  # the tag, weighted above any extracted term
    assert {"冰川", "气候"} <= set(words)
    assert len(words) <= keywords.KEYWORDS_PER_ARTICLE + 1
    weights = ArticleKeyword.objects.filter(article=corpus["climate"][0]).values_list("weight", flat=True)
    assert sum(w * w for w in weights) == pytest.approx(1.0)  # a unit vector: dot product = cosine


def test_related_lists_are_computed_at_publish_and_keep_to_the_topic(corpus: dict[str, list[Article]]) -> None:
    for topic, arts in corpus.items():
        for a in arts:
            ids = related_ids(a)
            assert a.pk not in ids
            same = {x.pk for x in arts} - {a.pk}
            assert set(ids[: len(same)]) == same, (topic, a.title, ids)


def test_a_new_article_joins_its_neighbours_lists(corpus: dict[str, list[Article]], writer: Creator) -> None:
    newcomer = make_article(writer, "晶圆厂扩产：芯片设备排队交付", channel_slug="tech", body=CHIPS)
    for old in corpus["chips"]:
        assert newcomer.pk in related_ids(old)
    assert newcomer.pk not in related_ids(corpus["football"][0])


def test_the_page_and_the_api_show_the_precomputed_list(client: Client, corpus: dict[str, list[Article]]) -> None:
    a = corpus["football"][0]
    html = client.get(a.get_absolute_url()).content.decode()
    section = html[html.index('id="related-h"') : html.index("</section>", html.index('id="related-h"'))]
    titles = [x.title for x in corpus["football"][1:]]
    assert all(t in section for t in titles)
    api = [i["id"] for i in client.get(f"/api/v1/articles/{a.pk}/related").json()["items"]]
    assert api[:2] == related_ids(a)[:2] == [i.id for i in blocks.related(a)][:2]


def test_a_page_view_computes_nothing(client: Client, corpus: dict[str, list[Article]], settings) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as q:
        client.get(corpus["climate"][0].get_absolute_url())
    writes = [
        x["sql"] for x in q.captured_queries if x["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_a_withdrawn_article_leaves_every_list(client: Client, corpus: dict[str, list[Article]]) -> None:
    gone, *rest = corpus["climate"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        withdraw(gone, None)
    assert not ArticleKeyword.objects.filter(article=gone).exists()
    assert not Related.objects.filter(other=gone).exists()
    for a in rest:
        assert gone.pk not in [i.id for i in blocks.related(a)]
        assert gone.title not in client.get(a.get_absolute_url()).content.decode()


def test_an_article_withdrawn_after_computation_is_filtered_at_read_time(corpus: dict[str, list[Article]]) -> None:
    gone, kept, _ = corpus["climate"]
    # Withdrawn without its follow-up work (as if the task had not run yet).
    Article.objects.filter(pk=gone.pk).update(status=Article.Status.WITHDRAWN)
    assert gone.pk in related_ids(kept)
    assert gone.pk not in [i.id for i in blocks.related(kept)]


def test_an_edit_recomputes_keywords_and_related(corpus: dict[str, list[Article]]) -> None:
    a = corpus["chips"][0]
    a.body_md = FOOTBALL
    a.title = "中超：一场逆转"
    a.tags = ["中超"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        save_article(a)
    assert "中超" in kws(a) and "光刻" not in kws(a)
    assert set(related_ids(a)[:3]) == {x.pk for x in corpus["football"]}


def test_without_a_computed_list_the_channel_fills_in(writer: Creator) -> None:
    a = make_article(writer, "甲", channel_slug="ent", body="独一无二")
    b = make_article(writer, "乙", channel_slug="ent", body="毫不相干")
    Related.objects.all().delete()
    assert [i.id for i in blocks.related(a)] == [b.pk]


def test_the_demo_batch_indexes_everything_in_one_pass(settings, tmp_path, django_capture_on_commit_callbacks) -> None:
    from tidings.demo.generator import generate

    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        generate(articles=60, creators=5, seed=4)
    published = Article.objects.published()
    assert ArticleKeyword.objects.order_by().values("article").distinct().count() == published.count()
    # Every article with a topic-mate (the same tags[0]) has a list; 46 topics, so some stand alone.
    topics = dict(published.values_list("pk", "tags"))
    mates = {pk for pk, t in topics.items() if sum(u[0] == t[0] for u in topics.values()) > 1}
    assert mates <= set(Related.objects.values_list("article_id", flat=True))
    steps: list[tuple[int, int, str]] = []
    related.rebuild_all(lambda done, total, what: steps.append((done, total, what)))
    assert steps[-1] == (published.count(), published.count(), "related")
    assert ("keywords" in {w for *_, w in steps}) and steps[0][0] == 0


def test_the_discovery_command_rebuilds_with_progress_and_prunes_read_claims(
    corpus: dict[str, list[Article]], settings
) -> None:
    import datetime as dt
    import io

    from django.core.management import call_command
    from django.utils import timezone

    from tidings.engagement.models import ViewWindow

    Related.objects.all().delete()
    out = io.StringIO()
    call_command("discovery", "--all", stdout=out)
    assert "related: 8/8" in out.getvalue() and "indexed 8 articles" in out.getvalue()
    assert Related.objects.order_by().values("article").distinct().count() == 8
    a = corpus["chips"][0]
    ViewWindow.objects.create(visitor="v:old", article=a, counted_at=timezone.now() - dt.timedelta(hours=1))
    ViewWindow.objects.create(visitor="v:new", article=a, counted_at=timezone.now())
    out = io.StringIO()
    call_command("discovery", "--prune", stdout=out)
    assert out.getvalue().strip() == "deleted 1 expired read claims"
    assert list(ViewWindow.objects.values_list("visitor", flat=True)) == ["v:new"]
