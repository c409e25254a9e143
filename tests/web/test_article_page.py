"""The article page (/a/<id>/): the 13 elements of SPEC.md, in order, from real data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import make_article, make_creator, make_reference
from tidings.articles.models import Article
from tidings.articles.transitions import withdraw
from tidings.channels.models import Channel, Pick
from tidings.creators.models import Creator
from tidings.lib.qr import qr_svg
from tidings.web.models import PlatformNotice

pytestmark = pytest.mark.django_db

BOX_TITLES = ["头条要闻", "体育要闻", "娱乐要闻", "财经要闻", "科技要闻", "汽车要闻"]
ORIGINAL_TABS = ["教育", "亲子", "艺术", "手机", "公开课"]


@pytest.fixture
def site(writer: Creator, other_writer: Creator) -> dict[str, Article]:
    """A small site: articles in every channel, originals in every originals channel."""
    articles = {}
    for i, c in enumerate(Channel.objects.all()):
        for j in range(2):
            articles[f"{c.slug}{j}"] = make_article(
                other_writer if j else writer,
                f"{c.name}新闻{j}",
                channel_slug=c.slug,
                original=c.kind == Channel.Kind.ORIGINALS or j == 0,
                published_at=timezone.now() - dt.timedelta(hours=i * 2 + j + 1),
            )
    return articles


@pytest.fixture
def story(writer: Creator, site: dict[str, Article]) -> Article:
    a = make_article(
        writer,
        "城市更新让老街区焕发新活力",
        channel_slug="news",
        body="导语段落。\n\n## 老街的新生\n\n第一部分正文。\n\n## 居民的声音\n\n第二部分正文。",
        original=True,
        published_at=dt.datetime(2026, 3, 1, 4, 5, 6, tzinfo=dt.UTC),
    )
    make_reference(a, "城市更新白皮书", "城市规划出版社")
    return a


def assert_in_order(html: str, markers: list[str]) -> None:
    """Each marker must appear after the previous one (inside <main>, past the site header)."""
    at = html.index("<main")
    for m in markers:
        i = html.find(m, at)
        assert i >= 0, f"{m!r} is missing from the page, or comes before the element listed above it"
        at = i + len(m)


def test_it_shows_the_thirteen_elements_in_spec_order(client: Client, story: Article) -> None:
    html = client.get(story.get_absolute_url()).content.decode()
    markers = [
        'class="breadcrumb"',  # 1
        'href="/join/">申请入驻',  # 2
        '<h1 id="article-title">城市更新让老街区焕发新活力</h1>',  # 3
        'class="meta-creator" href="/u/liwei/">李伟',
        "2026-03-01 12:05:06",
        'class="meta-channel" href="/c/news/">头条',
        'class="badge-original"',
        'class="comment-count"',  # 4
        "分享至",
        f'src="/a/{story.pk}/qr.svg"',
        f'href="/a/{story.pk}/share/weibo/"',
        f'href="/a/{story.pk}/share/qq/"',
        "复制链接",
        "<h2>老街的新生</h2>",  # 5
        "参考信息",  # 6
        "城市更新白皮书",
        "特别声明",  # 7
        "information storage services",
        "相关推荐",  # 8
        "热点推荐",  # 9
        'class="block creator-card"',  # 10
        "文章数",
        "粉丝",
        "往期回顾",
        "全部",
        *BOX_TITLES,  # 11
        "态度原创",  # 12
        *ORIGINAL_TABS,
        'class="block a11y-block"',  # 13
    ]
    assert_in_order(html, markers)
    assert re.search(r">无障碍浏览</a> <a class=\"care-toggle\"[^>]*>进入关怀版", html)


def test_it_formats_times_in_the_site_zone(client: Client, story: Article) -> None:
    response = client.get(story.get_absolute_url())
    assert '<time class="meta-time" datetime="2026-03-01T04:05:06+00:00">2026-03-01 12:05:06</time>' in (
        response.content.decode()
    )


def test_it_has_title_language_and_canonical(client: Client, story: Article) -> None:
    html = client.get(f"/a/{story.pk}/some-slug/").content.decode()
    assert "<title>城市更新让老街区焕发新活力_" in html
    assert '<html lang="zh-Hans">' in html
    assert f'<link rel="canonical" href="http://testserver/a/{story.pk}/">' in html


def test_related_never_shows_the_article_itself_or_unpublished_ones(
    client: Client, writer: Creator, story: Article, site: dict[str, Article]
) -> None:
    draft = make_article(writer, "还没发布的草稿", channel_slug="news", publish=False)
    gone = site["news1"]
    withdraw(gone, None)
    html = client.get(story.get_absolute_url()).content.decode()
    related = html[html.index('id="related-h"') : html.index('id="hot-h"')]
    assert f'href="/a/{story.pk}/"' not in related
    assert draft.title not in related
    assert gone.title not in related
    assert "头条新闻0" in related  # same channel first
    assert related.count("<li") == 8  # topped up from other channels


def test_hot_list_is_never_empty_on_an_old_site_and_never_lists_the_article(client: Client, writer: Creator) -> None:
    long_ago = timezone.now() - dt.timedelta(days=200)
    old = [make_article(writer, f"旧闻{i}", published_at=long_ago - dt.timedelta(hours=i)) for i in range(3)]
    html = client.get(old[0].get_absolute_url()).content.decode()
    hot = html[html.index('id="hot-h"') : html.index('class="block creator-card"')]
    assert "旧闻1" in hot and "旧闻2" in hot
    assert "旧闻0" not in hot
    assert re.search(
        r'<span class="source[^"]*">李伟</span> <time datetime="[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d</time>', hot
    )


def test_hot_list_ranks_by_engagement_and_recency(client: Client, writer: Creator) -> None:
    now = timezone.now()
    quiet = make_article(writer, "冷门文章", published_at=now - dt.timedelta(hours=1))
    popular = make_article(writer, "热门文章", published_at=now - dt.timedelta(hours=2))
    Article.objects.filter(pk=popular.pk).update(views_count=5000)
    from tidings.articles.transitions import refresh_hot_score

    popular.refresh_from_db()
    refresh_hot_score(popular)
    popular.save()
    reader_page = make_article(writer, "读者正在看", published_at=now - dt.timedelta(hours=3))
    html = client.get(reader_page.get_absolute_url()).content.decode()
    hot = html[html.index('id="hot-h"') : html.index('class="block creator-card"')]
    assert hot.index(popular.title) < hot.index(quiet.title)


def test_drafts_are_not_found_and_withdrawn_articles_are_gone(client: Client, writer: Creator) -> None:
    draft = make_article(writer, "草稿", publish=False)
    gone = make_article(writer, "撤回")
    withdraw(gone, None)
    future = make_article(writer, "未来", published_at=timezone.now() + dt.timedelta(days=1))
    for a in (draft, future):
        assert client.get(a.get_absolute_url()).status_code == 404
    assert client.get("/a/999999/").status_code == 404
    assert client.get(gone.get_absolute_url()).status_code == 410  # 文章已下线 (tests/web/test_error_pages.py)


def test_creator_card_shows_counts_badge_motto_and_recent_articles(
    client: Client, writer: Creator, story: Article
) -> None:
    writer.refresh_from_db()
    html = client.get(story.get_absolute_url()).content.decode()
    card = html[html.index('class="block creator-card"') : html.index('id="boxes-h"')]
    assert "优质创作者" in card
    assert "记录城市的每一次呼吸" in card
    assert f"<dt>文章数</dt><dd>{writer.articles_count}</dd>" in card
    assert writer.articles_count == Article.objects.published().by(writer).count()
    assert 'href="/u/liwei/">全部' in card
    assert story.title not in card  # 往期回顾 lists the creator's other articles


def test_channel_boxes_put_live_picks_first_and_drop_expired_ones(
    client: Client, writer: Creator, story: Article, site: dict[str, Article]
) -> None:
    sports = Channel.objects.get(slug="sports")
    pinned = make_article(
        writer, "编辑推荐的体育稿", channel_slug="sports", published_at=timezone.now() - dt.timedelta(days=9)
    )
    expired = make_article(
        writer, "过期推荐", channel_slug="sports", published_at=timezone.now() - dt.timedelta(days=9)
    )
    Pick.objects.create(channel=sports, article=pinned)
    Pick.objects.create(channel=sports, article=expired, expires_at=timezone.now() - dt.timedelta(minutes=1))
    html = client.get(story.get_absolute_url()).content.decode()
    box = html[html.index('id="box-sports"') : html.index('id="box-ent"')]
    assert box.index("编辑推荐的体育稿") < box.index("体育新闻0")
    # The expired pick is no longer pinned: it only fills a slot by its (low) hot rank.
    assert box.index("体育新闻1") < box.index("过期推荐")


def test_the_platform_notice_is_editable(client: Client, story: Article) -> None:
    PlatformNotice.objects.update(text_zh="本站声明：测试文本", text_en="Site notice: test text")
    html = client.get(story.get_absolute_url()).content.decode()
    assert "本站声明：测试文本" in html and "Site notice: test text" in html


def test_body_images_are_responsive_with_alt_text(client: Client, writer: Creator, tmp_path) -> None:
    import io

    from PIL import Image as PILImage

    from tidings.articles.models import Image
    from tidings.lib.images import process_image

    buf = io.BytesIO()
    PILImage.new("RGB", (1200, 800), (30, 90, 160)).save(buf, "JPEG")
    p = process_image(buf.getvalue(), name="harbour.jpg")
    p.save()
    img = Image.objects.create(sha256=p.sha256, path=p.path, width=p.width, height=p.height, variants=p.variants)
    a = make_article(writer, "港口清晨", body=f'开头。\n\n![清晨的港口](/media/{img.path} "港口一景")\n\n结尾。')
    html = client.get(a.get_absolute_url()).content.decode()
    assert '<source type="image/webp" srcset="/media/img/' in html
    assert 'alt="清晨的港口"' in html and 'width="1200" height="800"' in html
    assert "<figcaption>港口一景</figcaption>" in html
    assert client.get(f"/media/{img.path}").status_code == 200


def test_english_articles_are_marked_with_their_language(client: Client, writer: Creator) -> None:
    a = make_article(writer, "A quiet morning at the harbour", lang="en", body="Boats came in early.")
    html = client.get(a.get_absolute_url()).content.decode()
    assert '<header class="article-header" lang="en">' in html
    assert '<div class="article-body" lang="en">' in html


def test_it_pins_the_query_count_of_an_uncached_page(
    client: Client, settings, story: Article, django_assert_num_queries
) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    settings.BLOCK_CACHE_SECONDS = 0
    # article, references, related, topic keywords, 往期回顾, channels, hot, picks, boxes, originals, notice
    with django_assert_num_queries(11):
        assert client.get(story.get_absolute_url()).status_code == 200


def test_it_needs_five_queries_when_site_blocks_are_cached(
    client: Client, settings, story: Article, django_assert_num_queries
) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    client.get(story.get_absolute_url())
    # article, references, related, topic keywords, 往期回顾
    with django_assert_num_queries(5):
        client.get(story.get_absolute_url())


def test_the_qr_code_encodes_the_article_url(client: Client, story: Article) -> None:
    response = client.get(f"/a/{story.pk}/qr.svg")
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content == qr_svg(f"http://testserver/a/{story.pk}/")
    assert b"<svg" in response.content and b"<path" in response.content


def test_sharing_counts_and_sends_the_reader_on(client: Client, story: Article) -> None:
    client.post(f"/a/{story.pk}/read/", follow=True)  # the page's read beacon gives the visitor cookie
    response = client.get(f"/a/{story.pk}/share/weibo/")  # the link sends the reader on, counting nothing
    assert response.status_code == 302
    assert response["Location"].startswith("https://service.weibo.com/share/share.php?url=http%3A%2F%2Ftestserver")
    assert client.get(f"/a/{story.pk}/share/qq/")["Location"].startswith("https://connect.qq.com/")
    story.refresh_from_db()
    assert story.shares_count == 0
    for target in ("weibo", "wechat", "qq"):  # the page's share beacon, a POST
        assert client.post(f"/a/{story.pk}/share/{target}/").json() == {"ok": True, "target": target, "counted": True}
    story.refresh_from_db()
    assert story.shares_count == 3
    assert client.get(f"/a/{story.pk}/share/myspace/").status_code == 404


def test_sharing_moves_the_hot_score_consistently(client: Client, story: Article) -> None:
    from tidings.articles.ranking import engagement, hot_score

    for target in ("link", "wechat", "link", "qq"):
        client.post(f"/a/{story.pk}/share/{target}/", follow=True)
    story.refresh_from_db()
    assert story.shares_count == 3  # the second copy-link from the same visitor does not count
    expected = hot_score(story.published_at, engagement(story.views_count, story.shares_count))
    assert story.hot_score == pytest.approx(expected, abs=1e-9)


def test_anonymous_pages_come_from_the_page_cache_until_something_is_published(
    client: Client, writer: Creator, story: Article
) -> None:
    url = story.get_absolute_url()
    assert client.get(url)["X-Cache"] == "MISS"
    hit = client.get(url)
    assert hit["X-Cache"] == "HIT"
    assert "Content-Security-Policy" in hit and hit["Content-Type"].startswith("text/html")
    make_article(writer, "新发布的文章")
    fresh = client.get(url)
    assert fresh["X-Cache"] == "MISS"
    assert "新发布的文章" in fresh.content.decode()


def test_signed_in_readers_are_never_served_from_the_page_cache(client: Client, reader, story: Article) -> None:
    client.force_login(reader)
    client.get(story.get_absolute_url())
    assert "X-Cache" not in client.get(story.get_absolute_url())


def test_the_join_link_is_hidden_from_creators(client: Client, reader, writer: Creator, story: Article) -> None:
    writer.user = reader
    writer.save()
    client.force_login(reader)
    assert "申请入驻</a>" not in client.get(story.get_absolute_url()).content.decode().split("<h1")[0]


def test_many_articles_do_not_add_queries(client: Client, settings, django_assert_num_queries) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    settings.BLOCK_CACHE_SECONDS = 0
    creators = [make_creator() for _ in range(6)]
    arts = [
        make_article(creators[i % 6], channel_slug=c.slug)
        for i, c in enumerate(Channel.objects.all())
        for _ in range(3)
    ]
    with django_assert_num_queries(11):
        client.get(arts[-1].get_absolute_url())


def test_hostile_text_in_titles_names_and_mottos_is_printed_as_text(client: Client) -> None:
    from tests.hostile import executable_parts, xss_payloads

    payloads = xss_payloads()[::10]  # every tenth: the full corpus runs through Markdown in test_units
    # Cut to the fields' lengths, as a form would; PostgreSQL enforces them.
    hostile = make_creator("hostile", name=payloads[0][:60], motto=payloads[1][:120])
    for i, payload in enumerate(payloads):
        a = make_article(hostile, payload[:200], summary=payloads[-i - 1][:500], body=payload)
        html = client.get(a.get_absolute_url()).content.decode()
        main = html[html.index("<main") :]
        # The page's own 点赞 form is the one form allowed; the payloads must add none.
        own_form = (
            f'<form id="like" class="like-form" method="post" action="/a/{a.pk}/like/" data-like data-article="{a.pk}">'
        )
        assert main.count(own_form) == 1
        assert executable_parts(main.replace(own_form, "")) == [], payload
