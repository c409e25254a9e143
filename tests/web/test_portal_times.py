"""Lists show times as Chinese portals do; the article's meta line and its 热点推荐 keep the full
YYYY-MM-DD HH:MM:SS (SPEC elements 3 and 9); references show bare dates and cite Chinese titles
in 《》."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import make_article
from tidings.articles.models import Article, Reference
from tidings.creators.models import Creator

pytestmark = pytest.mark.django_db

FULL = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"


@pytest.fixture
def recent(writer: Creator) -> Article:
    return make_article(writer, "十分钟前的新闻", published_at=timezone.now() - dt.timedelta(minutes=10, seconds=5))


@pytest.fixture
def older(writer: Creator) -> Article:
    return make_article(writer, "去年的旧闻", published_at=timezone.now() - dt.timedelta(days=400))


def time_of(html: str, article: Article) -> str:
    """The text of the first <time data-ago> after the article's link in the page."""
    at = html.index(f'href="{article.get_absolute_url()}"')
    match = re.compile(r"<time [^>]*data-ago>([^<]*)</time>").search(html, at)
    assert match, f"no portal time after {article.title}"
    return match.group(1)


@pytest.mark.parametrize("path", ["/", "/c/news/", "/u/liwei/", "/hot/"])
def test_lists_show_relative_and_short_times(client: Client, recent: Article, older: Article, path: str) -> None:
    html = client.get(path).content.decode()
    assert time_of(html, recent) == "10分钟前"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", time_of(html, older))
    # The absolute time stays in the element, for the refresher and for a hover.
    assert f'datetime="{recent.published_at.isoformat()}"' in html


def test_a_list_time_carries_its_absolute_time(client: Client, recent: Article) -> None:
    html = client.get("/").content.decode()
    element = re.search(r'<time datetime="([^"]+)" title="([^"]+)" data-ago>10分钟前</time>', html)
    assert element
    assert dt.datetime.fromisoformat(element.group(1)) == recent.published_at
    assert re.fullmatch(FULL, element.group(2))


def test_search_results_show_portal_times(client: Client, recent: Article) -> None:
    html = client.get("/search", {"q": "新闻"}).content.decode()
    assert time_of(html, recent) == "10分钟前"


def test_the_article_page_keeps_the_full_time_on_its_meta_line_and_hot_list(
    client: Client, writer: Creator, recent: Article, older: Article
) -> None:
    story = make_article(writer, "正文页", published_at=timezone.now() - dt.timedelta(minutes=3))
    html = client.get(story.get_absolute_url()).content.decode()
    meta = re.search(r'<time class="meta-time" [^>]*>([^<]*)</time>', html)
    assert meta and re.fullmatch(FULL, meta.group(1))
    hot = html[html.index('class="block hot"') : html.index("</section>", html.index('class="block hot"'))]
    assert "data-ago" not in hot
    assert re.search(rf"<time [^>]*>{FULL}</time>", hot)
    # 往期回顾 and 相关推荐 are lists: portal times.
    assert time_of(html[html.index('class="recent-list"') :], recent) == "10分钟前"


def test_references_show_bare_dates_and_cite_chinese_titles_in_book_marks(client: Client, writer: Creator) -> None:
    story = make_article(writer, "有参考信息的文章")
    midnight = dt.datetime(2026, 3, 1, 16, 0, tzinfo=dt.UTC)  # 2026-03-02 00:00 in Shanghai
    Reference.objects.create(article=story, title="城市更新白皮书", source="出版社", published_at=midnight)
    Reference.objects.create(article=story, title="World Cities Report", published_at=midnight + dt.timedelta(hours=9))
    Reference.objects.create(article=story, title="上海统计年鉴", url="https://example.org/yearbook")
    html = client.get(story.get_absolute_url()).content.decode()
    refs = html[html.index('class="references"') : html.index("</section>", html.index('class="references"'))]
    assert "《城市更新白皮书》" in refs
    assert "<cite>城市更新白皮书</cite>" not in refs
    assert '《<a href="https://example.org/yearbook" rel="nofollow ugc noopener">上海统计年鉴</a>》' in refs
    assert "<cite>World Cities Report</cite>" in refs
    assert ">2026-03-02</time>" in refs
    assert "00:00:00" not in refs
    assert ">2026-03-02 09:00:00</time>" in refs
