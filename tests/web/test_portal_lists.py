"""Lists like a portal (issue 13.2): thumbnails derived at write time (the cover, else the body's
first image; three in a row for three or more pictures), small WebP crops with their size, lazy
below the fold, on every list; a backfill for older articles; no extra queries."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from PIL import Image as PILImage

from tests.conftest import make_article, make_creator, make_user
from tidings.articles import images, thumbs
from tidings.articles.models import Article, Image
from tidings.creators.actions import follow_creator
from tidings.creators.models import Creator
from tidings.discovery.models import ArticleKeyword
from tidings.lib.images import THUMBS
from tidings.web import worker

pytestmark = pytest.mark.django_db


def picture(colour: tuple[int, int, int], size: tuple[int, int] = (900, 600)) -> Image:
    buf = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buf, "PNG")
    return images.add_image(buf.getvalue(), name="p.png", by=None)


def body_with(*pics: Image) -> str:
    parts = ["第一段正文。"]
    parts += [f"![图{n}]({settings.MEDIA_URL}{p.path})" for n, p in enumerate(pics, 1)]
    return "\n\n".join([*parts, "最后一段。"])


def small_thumb(p: Image) -> str:
    return str(p.thumbs[0]["webp"])


@pytest.fixture
def pics(db) -> list[Image]:  # type: ignore[no-untyped-def]
    return [picture((40 * i, 90, 200 - 30 * i)) for i in range(4)]


def test_an_image_entering_the_library_gets_small_webp_crops_at_3_to_2(pics: list[Image]) -> None:
    p = pics[0]
    assert [(t["w"], t["h"]) for t in p.thumbs] == list(THUMBS)
    for t in p.thumbs:
        path = Path(settings.MEDIA_ROOT) / str(t["webp"])
        with PILImage.open(path) as im:
            assert (im.format, im.size) == ("WEBP", (t["w"], t["h"]))
        assert path.stat().st_size < 20_000


def test_a_small_picture_gets_no_thumbnail_larger_than_itself(db) -> None:  # type: ignore[no-untyped-def]
    p = picture((10, 10, 10), size=(300, 150))
    assert [(t["w"], t["h"]) for t in p.thumbs] == [(225, 150)]


def test_thumbnails_are_derived_when_an_article_is_written(writer: Creator, pics: list[Image]) -> None:
    one = make_article(writer, "一张图", body=body_with(pics[1]))
    covered = make_article(writer, "封面加两张", body=body_with(pics[1], pics[2]), cover=pics[0].path)
    many = make_article(writer, "四张图", body=body_with(*pics))
    none = make_article(writer, "没有图")
    got = {a.title: Article.objects.get(pk=a.pk).thumbs for a in (one, covered, many, none)}
    assert [t[0] for t in got["一张图"]] == [small_thumb(pics[1])]
    assert [t[0] for t in got["封面加两张"]] == [small_thumb(p) for p in pics[:3]]  # the cover first
    assert [t[0] for t in got["四张图"]] == [small_thumb(p) for p in pics[:3]]  # at most three
    assert got["没有图"] == []


def test_an_edit_that_removes_pictures_changes_the_thumbnails(writer: Creator, pics: list[Image]) -> None:
    from django.test import TestCase

    from tidings.articles.actions import edit_article
    from tidings.articles.input import clean_article_input

    a = make_article(writer, "会改的文章", body=body_with(*pics))
    data = clean_article_input({"title": a.title, "body_md": "只剩文字了。", "channel": "news"})
    with TestCase.captureOnCommitCallbacks(execute=True):
        edit_article(a, None, data, version=a.version)
    assert Article.objects.get(pk=a.pk).thumbs == []


def thumbs_in(html: str) -> list[str]:
    return re.findall(r'<a class="thumbs (thumbs-[13])"', html)


def test_lists_show_three_in_a_row_or_one_on_the_right_with_sizes_and_lazy_loading(
    client: Client, writer: Creator, pics: list[Image]
) -> None:
    now = timezone.now()
    three = make_article(writer, "三图文章", body=body_with(*pics[:3]), published_at=now - dt.timedelta(minutes=1))
    one = make_article(writer, "单图文章", body=body_with(pics[3]), published_at=now - dt.timedelta(minutes=2))
    make_article(writer, "纯文字文章", published_at=now - dt.timedelta(minutes=3))
    html = client.get("/u/liwei/").content.decode()
    items = html.split('class="stream-item')[1:]
    assert [thumbs_in(i) for i in items] == [["thumbs-3"], ["thumbs-1"], []]
    row = items[0]
    assert row.count("<img ") == 3 and "with-thumbs-3" in row
    img = re.search(r"<img [^>]+>", items[1])
    assert img is not None
    tag = img.group(0)
    assert f'src="{settings.MEDIA_URL}{small_thumb(pics[3])}"' in tag
    assert 'width="240" height="160"' in tag and 'alt=""' in tag
    assert f"{settings.MEDIA_URL}{pics[3].thumbs[1]['webp']} 480w" in tag
    assert 'loading="lazy"' not in tag  # the creator page's first three items are above the fold
    assert 'tabindex="-1" aria-hidden="true"' in items[1]  # the title is the link for keyboards and screen readers
    assert three.title in html and one.title in html


def test_items_below_the_fold_load_their_pictures_lazily(client: Client, writer: Creator, pics: list[Image]) -> None:
    now = timezone.now()
    for n in range(5):
        make_article(writer, f"第{n}篇", body=body_with(pics[0]), published_at=now - dt.timedelta(minutes=n))
    html = client.get("/u/liwei/").content.decode()
    tags = re.findall(r'<a class="thumbs thumbs-1"[^>]*><img [^>]+>', html)
    assert ['loading="lazy"' in t for t in tags] == [False, False, False, True, True]


def test_every_list_shows_thumbnails(client: Client, writer: Creator, reader, pics: list[Image]) -> None:  # type: ignore[no-untyped-def]
    story = make_article(writer, "有图的新闻", channel_slug="tech", body=body_with(*pics[:3]))
    other = make_article(writer, "另一篇有图的", channel_slug="tech", body=body_with(pics[3]))
    ArticleKeyword.objects.create(article=story, keyword="芯片", rank=0, weight=1.0)
    src = f"{settings.MEDIA_URL}{small_thumb(pics[0])}"
    pages = {
        "home": "/",
        "channel": "/c/tech/",
        "creator": "/u/liwei/",
        "topic": "/t/芯片/",
        "hot": "/hot/",
        "search": "/search?q=有图",
        "related": other.get_absolute_url(),
    }
    for name, url in pages.items():
        html = client.get(url).content.decode()
        assert src in html, f"{name} ({url}) shows no thumbnail"
    follow_creator(reader, writer)
    client.force_login(reader)
    html = client.get("/").content.decode()
    feed = html[html.index('id="feed-h"') : html.index("</section>", html.index('id="feed-h"'))]
    assert src in feed, "the 推荐 feed shows no thumbnail"


@pytest.mark.parametrize(("url", "queries"), [("/", 8), ("/c/tech/", 12), ("/u/liwei/", 9)])
def test_thumbnails_add_no_queries_to_list_pages(
    client: Client, settings, writer: Creator, pics: list[Image], url: str, queries: int, django_assert_num_queries
) -> None:
    """The counts of test_pages.test_list_pages_have_pinned_query_counts, with every article pictured."""
    now = timezone.now()
    for i in range(45):
        body = body_with(*pics[: 1 + i % 4])
        make_article(writer, f"第{i}篇", channel_slug="tech", body=body, published_at=now - dt.timedelta(hours=i))
    settings.PAGE_CACHE_SECONDS = 0
    settings.BLOCK_CACHE_SECONDS = 0
    with django_assert_num_queries(queries):
        html = client.get(url).content.decode()
    assert len(thumbs_in(html)) >= 10


def forget_thumbnails(a: Article, *pics: Image) -> None:
    """As an article and its images stored before thumbnails existed."""
    for p in pics:
        for t in p.thumbs:
            (Path(settings.MEDIA_ROOT) / str(t["webp"])).unlink()
    Image.objects.filter(pk__in=[p.pk for p in pics]).update(thumbs=[])
    Article.objects.filter(pk=a.pk).update(thumbs=None)


def test_older_articles_get_their_thumbnails_from_the_workers_backfill(writer: Creator, pics: list[Image]) -> None:
    a = make_article(writer, "老文章", body=body_with(pics[0], pics[1]))
    forget_thumbnails(a, pics[0], pics[1])
    # A write now cannot finish the job without the image work: it leaves the article to the backfill.
    thumbs.refresh_thumbs([a.pk])
    assert Article.objects.get(pk=a.pk).thumbs is None
    assert thumbs.backfill_chore in worker.CHORES
    assert thumbs.backfill() == 1
    derived = Article.objects.get(pk=a.pk).thumbs
    assert [t[0] for t in derived] == [small_thumb(pics[0]), small_thumb(pics[1])]
    for t in derived:
        assert (Path(settings.MEDIA_ROOT) / t[0]).exists() and (Path(settings.MEDIA_ROOT) / t[1]).exists()
    assert thumbs.backfill() == 0  # nothing waits any more


def test_the_backfill_gives_up_on_a_picture_whose_file_is_gone(writer: Creator, pics: list[Image]) -> None:
    a = make_article(writer, "图丢了", body=body_with(pics[0], pics[1]))
    forget_thumbnails(a, pics[0], pics[1])
    (Path(settings.MEDIA_ROOT) / pics[0].path).unlink()
    assert thumbs.backfill() == 1
    assert [t[0] for t in Article.objects.get(pk=a.pk).thumbs] == [small_thumb(pics[1])]
    assert thumbs.backfill() == 0


def test_tidings_media_thumbs_derives_them_all_now(writer: Creator, pics: list[Image], capsys) -> None:  # type: ignore[no-untyped-def]
    made = [make_article(writer, f"老文章{n}", body=body_with(pics[n % 4])) for n in range(3)]
    Article.objects.filter(pk__in=[a.pk for a in made]).update(thumbs=None)
    call_command("media", "--thumbs")
    assert "derived the list thumbnails of 3 articles" in capsys.readouterr().out
    assert not Article.objects.filter(thumbs__isnull=True).exists()


def test_thumbnails_of_unused_images_are_collected_with_them(writer: Creator) -> None:
    """The media collector knows thumbnail files by their content-hash names."""
    from tidings.web import media_gc

    p = picture((1, 2, 3))
    files = [Path(settings.MEDIA_ROOT) / str(t["webp"]) for t in p.thumbs]
    Image.objects.filter(pk=p.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    media_gc.collect(now=timezone.now() + dt.timedelta(days=3))
    assert not any(f.exists() for f in files)


def test_a_reader_sees_lists_without_a_picture_when_none_exists(client: Client) -> None:
    writer = make_creator("nopics", "无图作者")
    make_article(writer, "只有文字")
    make_user("someone")
    html = client.get("/u/nopics/").content.decode()
    assert thumbs_in(html) == [] and "只有文字" in html
