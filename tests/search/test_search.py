"""Search (issue 4, point 6): tokens, recall against a substring check on real Chinese news text,
index updates on publish/edit/withdraw, ranking, the /search page and GET /api/v1/search.

The same tests run on SQLite (FTS5) and on PostgreSQL (tsvector + GIN): the suite's two legs."""

from __future__ import annotations

import datetime as dt
import html
import random
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, TestCase
from django.utils import timezone

from tests.conftest import channel, make_article
from tests.pd_corpus import documents, paragraphs
from tidings.articles.actions import save_article
from tidings.articles.derived import refresh_derived
from tidings.articles.models import Article
from tidings.articles.transitions import publish_due, withdraw
from tidings.creators.models import Creator
from tidings.search import service
from tidings.search.index import rebuild
from tidings.search.models import Entry
from tidings.search.query import Filters, search
from tidings.search.snippets import highlight, snippet
from tidings.search.text import doc_tokens, fts5_match, html_text, normalize, parse, tsquery

pytestmark = pytest.mark.django_db


def found(q: str, **filters: object) -> list[int]:
    """Every id the search returns for q, in order, over all pages."""
    return search(parse(q), Filters(**filters), 0, 100_000).ids  # type: ignore[arg-type]


def publish(creator: Creator, title: str, body: str, **kw: object) -> Article:
    return make_article(creator, title, body=body, summary=kw.pop("summary", ""), **kw)


# --------------------------------------------------------------------------------------------
# Tokens and query strings


def test_it_indexes_cjk_runs_as_bigrams_plus_the_last_character() -> None:
    assert doc_tokens("联合国气候变化，大会") == ["联合", "合国", "国气", "气候", "候变", "变化", "化", "大会", "会"]


def test_it_splits_latin_words_from_digits_and_folds_width_and_case() -> None:
    assert doc_tokens("iPhone15 发布 ＡＢＣ１２３ 5G网络") == [
        *["iphone", "15", "5", "发布", "布", "abc", "12", "23", "3", "5", "g", "网络", "络"]
    ]


@pytest.mark.parametrize(
    ("q", "fts5", "pg"),
    [
        ("党", '"党"*', "('党':*)"),
        ("联合", '"联合"', "('联合')"),
        ("联合国", '"联合 合国"', "('联合' <-> '合国')"),
        ("经济 改革", '"经济" AND "改革"', "('经济') & ('改革')"),
        ("5G网络", '"5 g 网络"', "('5' <-> 'g' <-> '网络')"),
        ("中网b", '"中网 网 b"*', "('中网' <-> '网' <-> 'b':*)"),
        ("1998年", '"19 99 98 8 年"*', "('19' <-> '99' <-> '98' <-> '8' <-> '年':*)"),
        ("iPhone15", '"iphone 15"', "('iphone' <-> '15')"),
    ],
)
def test_it_turns_terms_into_prefix_token_or_phrase_queries(q: str, fts5: str, pg: str) -> None:
    assert fts5_match(parse(q)) == fts5
    assert tsquery(parse(q)) == pg


@pytest.mark.parametrize(
    "q", ['"', "*", "()", ":", "^", "-", "AND", "OR", "NEAR", 'NEAR("a" b', "a OR b -c", "'; DROP", "\\", "a\x00b"]
)
def test_query_syntax_in_user_input_is_only_text(q: str, writer: Creator) -> None:
    publish(writer, "and or near 测试", "正文")
    parse(q)  # no error
    found(q)  # no error from either engine
    assert not re.search(r"[\"*():^\\']", " ".join(t for term in parse(q).terms for t in term.tokens))


def test_it_refuses_a_query_that_is_too_long() -> None:
    with pytest.raises(ValueError, match="太长"):
        parse("长" * 101)


# --------------------------------------------------------------------------------------------
# Recall against a plain substring check, on real news text (People's Daily, January 1998)

PD_DOCS = 250
# The notes' query set (../shared/notes/cjk-search.md) by length, multi-word, mixed and Latin.
PD_QUERIES = [
    *["党", "水", "雪", "猫", "国"],
    *["联合", "气候", "经济", "改革", "北京", "足球", "银行", "医院", "大学", "水平"],
    *["人民币", "领导人", "计算机", "联合国", "奥运会"],
    *["社会主义", "国有企业", "改革开放", "环境保护", "中央电视台"],
    *["经济 改革", "北京 交通", "国有企业 改革", "联合国 气候", "江泽民 讲话"],
    *["1998年", "1997", "xinhua", "香港 1997年"],
]


@pytest.fixture
def pd_site(writer: Creator) -> dict[int, str]:
    """PD_DOCS real news articles, bulk-inserted and indexed through refresh_derived as the demo
    generator does; returns id → the normalised text a substring check sees."""
    now = timezone.now()
    rows = [
        Article(
            creator=writer,
            channel=channel("news"),
            title=title,
            body_md=body,
            body_html="".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n")),
            status=Article.Status.PUBLISHED,
            published_at=now - dt.timedelta(hours=i),
        )
        for i, (title, body) in enumerate(documents(PD_DOCS))
    ]
    made = Article.objects.bulk_create(rows)
    refresh_derived(a.pk for a in made)
    return {a.pk: normalize(f"{a.title}\n{html_text(a.body_html)}") for a in made}


def truth(texts: dict[int, str], q: str) -> set[int]:
    terms = normalize(q).split()
    return {pk for pk, text in texts.items() if all(t in text for t in terms)}


def test_recall_is_complete_for_every_query_length_on_real_news(pd_site: dict[int, str]) -> None:
    misses = {}
    for q in PD_QUERIES:
        got = found(q)
        assert len(got) == len(set(got)), f"{q}: duplicates"
        want = truth(pd_site, q)
        if set(got) != want and not want <= set(got):
            misses[q] = (len(want - set(got)), len(want))
    assert misses == {}, f"queries missing documents (missed, relevant): {misses}"
    assert sum(len(truth(pd_site, q)) for q in PD_QUERIES) > 1000, "the queries should find plenty"


def test_recall_is_complete_for_random_substrings_across_word_boundaries(pd_site: dict[int, str]) -> None:
    """Substrings of 1–6 characters that start or end inside a gold-standard word, so that a
    segmenter splits them differently in the document (联合 inside 联合国, 改革/开放 …)."""
    rng = random.Random(4)
    words = [w for p in paragraphs()[:3000] for w in p]
    queries: set[str] = set()
    while len(queries) < 150:
        i = rng.randrange(len(words) - 3)
        joined = "".join(words[i : i + 3])
        start = rng.randrange(1, max(2, len(words[i])))  # inside the first word
        q = joined[start : start + rng.randint(1, 6)]
        if q and not re.search(r"[\s，。、；：？！“”《》（）—…]", q):
            queries.add(q)
    wrong = {}
    for q in sorted(queries):
        got, want = set(found(q)), truth(pd_site, q)
        if not want <= got:
            wrong[q] = (len(want - got), len(want))
    assert wrong == {}, f"missed documents for {len(wrong)} of {len(queries)} substrings: {wrong}"


def test_cjk_results_are_exactly_the_documents_containing_the_query(pd_site: dict[int, str]) -> None:
    """Precision too: bigram phrases stop at punctuation, so a CJK query never matches across it."""
    for q in ["联合国", "改革开放", "中央电视台", "经济 改革", "联合"]:
        assert set(found(q)) == truth(pd_site, q), q


def test_a_small_ranking_window_keeps_the_same_result_set_across_pages(pd_site: dict[int, str], settings) -> None:  # type: ignore[no-untyped-def]
    settings.SEARCH_RANK_WINDOW = 7
    for q in ["经济", "国", "人民 中国"]:
        want = truth(pd_site, q)
        pages = []
        for page in range(0, len(want) + 20, 20):
            result = search(parse(q), Filters(), page, 20)
            assert result.total == len(want)
            pages += result.ids
        assert len(pages) == len(set(pages)) == len(want), q
        assert set(pages) == want


# --------------------------------------------------------------------------------------------
# Index updates: publish, edit, withdraw, schedule, delete, rebuild


def test_a_published_article_is_searchable_at_once(writer: Creator) -> None:
    a = publish(writer, "城市更新的新故事", "老旧小区加装电梯。")
    assert found("加装电梯") == [a.pk]
    assert found("城") == [a.pk]


def test_drafts_are_not_found(writer: Creator) -> None:
    publish(writer, "草稿里的秘密计划", "不该被搜到。", publish=False)
    assert found("秘密计划") == []
    assert not Entry.objects.exists()


def test_an_edit_replaces_the_old_words(writer: Creator) -> None:
    a = publish(writer, "旧标题里的熊猫", "竹林深处。")
    a.title = "新标题里的老虎"
    a.body_md = "山林之间。"
    with TestCase.captureOnCommitCallbacks(execute=True):
        save_article(a)
    assert found("熊猫") == []
    assert found("竹林") == []
    assert found("老虎") == [a.pk]
    assert found("山林") == [a.pk]


def test_a_withdrawn_article_leaves_the_index(writer: Creator) -> None:
    a = publish(writer, "即将撤回的报道", "内容。")
    with TestCase.captureOnCommitCallbacks(execute=True):
        withdraw(a, None)
    assert found("撤回") == []
    assert not Entry.objects.filter(article_id=a.pk).exists()


def test_a_scheduled_article_is_found_only_from_its_time(writer: Creator) -> None:
    a = publish(writer, "明天发布的航天新闻", "火箭。", published_at=timezone.now() + dt.timedelta(hours=2))
    assert found("航天") == []
    Article.objects.filter(pk=a.pk).update(published_at=timezone.now() - dt.timedelta(minutes=1))
    publish_due(timezone.now())  # the worker's minute comes
    assert found("航天") == [a.pk]


def test_a_deleted_article_leaves_the_index_when_refreshed(writer: Creator) -> None:
    a = publish(writer, "删除测试", "内容。")
    pk = a.pk
    a.delete()
    refresh_derived([pk])
    assert found("删除") == []


def test_index_rows_deleted_directly_take_their_tokens_with_them(writer: Creator) -> None:
    """As Django's flush (transactional tests) does: no ghost matches for a later article."""
    publish(writer, "幽灵文章", "内容。")
    Entry.objects.all().delete()
    assert search(parse("幽灵"), Filters(), 0, 20).total == 0
    with connection.cursor() as cur:
        cur.execute("DELETE FROM search_entry")  # and through plain SQL
    later = publish(writer, "新的文章", "内容。")
    assert found("幽灵") == [] and found("新的") == [later.pk]


def test_reindex_rebuilds_with_a_progress_bar(writer: Creator) -> None:
    a = publish(writer, "重建索引之后还在", "内容。")
    publish(writer, "另一篇", "内容。")
    with connection.cursor() as cur:
        cur.execute("DELETE FROM search_entry")
    out, err = StringIO(), StringIO()
    call_command("reindex", stdout=out, stderr=err)
    assert "Indexed 2 articles" in out.getvalue()
    assert "search index [" in err.getvalue() and "2/2 (100%)" in err.getvalue()
    assert found("重建索引") == [a.pk]
    assert rebuild() == 2  # again, from a full index: no duplicates
    assert found("重建索引") == [a.pk]


# --------------------------------------------------------------------------------------------
# Ranking and filters


def test_title_hits_come_first_then_relevance_and_recency(writer: Creator) -> None:
    now = timezone.now()
    body_old = publish(writer, "一篇旧闻", "提到一次熊猫。", published_at=now - dt.timedelta(days=20))
    body_new = publish(writer, "一篇新闻", "提到一次熊猫。", published_at=now - dt.timedelta(hours=1))
    title = publish(writer, "熊猫基地开放", "正文不提。", published_at=now - dt.timedelta(days=25))
    assert found("熊猫") == [title.pk, body_new.pk, body_old.pk]


def test_more_occurrences_rank_higher_at_the_same_age(writer: Creator) -> None:
    at = timezone.now() - dt.timedelta(days=1)
    once = publish(writer, "甲", "茶叶。" + "其他内容。" * 20, published_at=at)
    often = publish(writer, "乙", "茶叶茶叶茶叶，还是茶叶。" + "其他内容。" * 20, published_at=at)
    assert found("茶叶") == [often.pk, once.pk]


def test_channel_and_date_filters(writer: Creator) -> None:
    now = timezone.now()
    news = publish(writer, "滑雪新闻", "冬天。", published_at=now - dt.timedelta(days=10))
    sports = publish(writer, "滑雪比赛", "冬天。", channel_slug="sports", published_at=now - dt.timedelta(days=1))
    assert set(found("滑雪")) == {news.pk, sports.pk}
    assert found("滑雪", channel_id=channel("sports").pk) == [sports.pk]
    assert found("滑雪", start=now - dt.timedelta(days=2)) == [sports.pk]
    assert found("滑雪", end=now - dt.timedelta(days=2)) == [news.pk]


# --------------------------------------------------------------------------------------------
# Snippets


def test_snippets_escape_everything_and_mark_the_words() -> None:
    text = "前言。" * 30 + "<script>alert(1)</script>关于熊猫的消息" + "后记。" * 30
    s = str(snippet(text, ["熊猫"]))
    assert "<script>" not in s and "&lt;script&gt;" in s
    assert "<mark>熊猫</mark>" in s
    assert s.startswith("…") and s.endswith("…")
    assert str(highlight("iPhone 与 ＩＰＨＯＮＥ", ["iphone"])) == "<mark>iPhone</mark> 与 <mark>ＩＰＨＯＮＥ</mark>"
    assert str(highlight("other then", ["the"])) == "other <mark>the</mark>n"  # word starts only
    assert str(highlight("1920年 5G", ["20", "g"])) == "19<mark>20</mark>年 5<mark>G</mark>"


# --------------------------------------------------------------------------------------------
# The page


def test_the_page_shows_highlighted_results(client: Client, writer: Creator) -> None:
    a = publish(writer, "熊猫<b>宝宝</b>亮相", "今天熊猫宝宝第一次和游客见面。")
    response = client.get("/search", {"q": "熊猫"})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="/a/{a.pk}/"' in body
    assert "<mark>熊猫</mark>&lt;b&gt;宝宝&lt;/b&gt;亮相" in body
    assert "今天<mark>熊猫</mark>宝宝" in body
    assert "找到 1 篇文章" in body
    assert 'name="robots" content="noindex' in body
    # The count is announced by a status region inside the heading: a heading with role=status
    # stops being a heading (Lighthouse: aria-allowed-role, heading-order h1 → h3).
    assert '<h2 id="results-h"><span role="status">找到 1 篇文章' in body


def test_an_empty_query_shows_how_to_search(client: Client) -> None:
    response = client.get("/search")
    assert response.status_code == 200
    assert "怎样搜索" in response.content.decode()


def test_no_results_suggest_hot_articles(client: Client, writer: Creator) -> None:
    publish(writer, "热门文章", "内容。")
    body = client.get("/search", {"q": "不存在的词语"}).content.decode()
    assert "没有找到包含“不存在的词语”的文章" in body
    assert "热门文章" in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "熊猫", "from": "2025-13-01"}, "日期“2025-13-01”无法识别"),
        ({"q": "熊猫", "to": "yesterday"}, "日期“yesterday”无法识别"),
        ({"q": "熊猫", "from": "2025-02-01", "to": "2025-01-01"}, "结束日期早于开始日期"),
        ({"q": "熊猫", "channel": "nope"}, "没有“nope”这个频道"),
        ({"q": "熊" * 150}, "搜索词太长"),
    ],
)
def test_bad_input_gets_a_clear_message_not_an_error_page(client: Client, params: dict[str, str], message: str) -> None:
    response = client.get("/search", params)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'role="alert"' in body and 'aria-invalid="true"' in body


def test_pages_keep_the_query_and_filters(client: Client, writer: Creator) -> None:
    for i in range(23):
        publish(writer, f"分页测试{i}", "分页内容。")
    first = client.get("/search", {"q": "分页", "channel": "news"}).content.decode()
    assert "找到 23 篇文章" in first and "第 1 页，共 2 页" in first
    assert 'href="/search?q=%E5%88%86%E9%A1%B5&amp;channel=news&amp;page=2"' in first
    second = client.get("/search", {"q": "分页", "channel": "news", "page": "2"}).content.decode()
    assert second.count('class="stream-item"') == 3


def test_a_malformed_page_number_means_the_first_page(client: Client, writer: Creator) -> None:
    publish(writer, "熊猫", "内容。")
    for page in ("x", "0", "-1", "99999"):
        response = client.get("/search", {"q": "熊猫", "page": page})
        assert response.status_code == 200 and "找到 1 篇文章" in response.content.decode()


def test_every_page_has_a_search_box(client: Client) -> None:
    body = client.get("/").content.decode()
    assert 'role="search"' in body and 'action="/search"' in body and 'for="site-q"' in body


# --------------------------------------------------------------------------------------------
# The API


def test_the_api_returns_items_total_and_page(client: Client, writer: Creator) -> None:
    a = publish(writer, "熊猫基地", "大熊猫。")
    data = client.get("/api/v1/search", {"q": "熊猫"}).json()
    assert data["total"] == 1 and data["page"] == 1
    item = data["items"][0]
    assert item["id"] == a.pk and item["url"] == f"/a/{a.pk}/" and item["title"] == "熊猫基地"
    assert "<mark>熊猫</mark>" in item["snippet"]
    assert item["creator"]["name"] == writer.name and item["channel"]["slug"] == "news"


@pytest.mark.parametrize(
    "params",
    [
        {"q": "a", "from": "bad"},
        {"q": "a", "channel": "nope"},
        {"q": "a", "channel": "a\x00b"},
        {"q": "a", "from": "2025-01-01\x00"},
        {"q": "a", "page": "0"},
        {"q": "长" * 101},
    ],
)
def test_the_api_declares_its_errors(client: Client, params: dict[str, str]) -> None:
    response = client.get("/api/v1/search", params)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_the_api_schema_lists_search(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    responses = schema["paths"]["/api/v1/search"]["get"]["responses"]
    assert {"200", "400", "422"} <= set(responses)


def test_service_reads_dates_in_the_site_zone() -> None:
    req = service.read("熊猫", 1, None, "2025-01-31", "2025-01-31")
    assert req.filters.start is not None and req.filters.end is not None
    assert req.filters.end - req.filters.start == dt.timedelta(days=1)
    assert timezone.localtime(req.filters.start).hour == 0
