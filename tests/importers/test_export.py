"""`tidings export DIR`: articles as Markdown files that `tidings import` reads back."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import make_article, make_creator, make_reference
from tests.importers.test_import import FIXTURES, make_jpeg, media_files
from tidings.articles.models import Article, Image, Reference
from tidings.creators.models import Creator
from tidings.importers.front_matter import split_front_matter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_zone(settings):  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "Asia/Shanghai"


@pytest.fixture
def good(tmp_path: Path) -> Path:
    """The good import fixtures, with their images."""
    root = tmp_path / "sources"
    shutil.copytree(FIXTURES / "good", root)
    make_jpeg(root / "images" / "lab.jpg", (2000, 1200))
    make_jpeg(root / "images" / "cover.jpg", (1200, 800), color=(20, 120, 200))
    return root


def run(command: str, *args: object) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def read(path: Path) -> tuple[dict[str, Any], str]:
    return split_front_matter(path.read_text(encoding="utf-8"))


def exported_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md"))


def test_it_writes_an_article_with_the_import_formats_keys(tmp_path: Path, writer: Creator) -> None:
    article = make_article(
        writer,
        "城市早高峰观察",
        channel_slug="news",
        body="## 早高峰\n\n地铁站外排起长队。",
        tags=["交通", "城市"],
        original=True,
        published_at=dt.datetime(2024, 5, 1, 0, 30, tzinfo=dt.UTC),
    )
    ref = make_reference(article, "城市交通年报", "交通委")
    ref.published_at = dt.datetime(2024, 1, 1, 4, 0, tzinfo=dt.UTC)
    ref.url = "https://example.com/report"
    ref.save()

    out, _ = run("export", tmp_path / "out")

    assert out == f"exported 1 articles and 0 images to {(tmp_path / 'out').resolve()}\n"
    assert exported_files(tmp_path / "out") == [f"news/{article.pk}.md"]
    front, body = read(tmp_path / "out" / "news" / f"{article.pk}.md")
    assert front == {
        "title": "城市早高峰观察",
        "slug": f"tidings-{article.pk}",
        "date": "2024-05-01T08:30:00+08:00",
        "author": "liwei",
        "author_name": "李伟",
        "channel": "news",
        "tags": ["交通", "城市"],
        "summary": article.summary,
        "original": True,
        "lang": "zh-Hans",
        "references": [
            {
                "title": "城市交通年报",
                "source": "交通委",
                "url": "https://example.com/report",
                "date": "2024-01-01T12:00:00+08:00",
            }
        ],
    }
    assert body == "## 早高峰\n\n地铁站外排起长队。"


def test_it_copies_images_beside_the_file_and_links_them_relatively(tmp_path: Path, good: Path) -> None:
    run("import", good / "zh-tech.md")
    article = Article.objects.get()
    lab = Image.objects.order_by("-width").first()
    assert lab is not None

    run("export", tmp_path / "out")

    folder = tmp_path / "out" / "tech"
    front, body = read(folder / f"{article.pk}.md")
    name = Path(lab.path).name
    assert f'![实验室一角](images/{name} "实验室一角")' in body
    assert "![远处的厂房](https://example.com/factory.png)" in body
    assert (folder / "images" / name).read_bytes() == (Path(settings.MEDIA_ROOT) / lab.path).read_bytes()
    assert front["cover"] == f"images/{Path(article.cover).name}"
    assert (folder / front["cover"]).is_file()


def test_an_articles_slug_names_its_file_and_an_import_slug_is_kept(tmp_path: Path, good: Path) -> None:
    run("import", good / "en-sports.md")
    article = Article.objects.get()

    run("export", tmp_path / "out")

    front, _ = read(tmp_path / "out" / "sports" / f"{article.pk}-marathon-2024.md")
    assert front["slug"] == "marathon-2024"
    assert front["lang"] == "en"
    assert front["date"] == "2024-04-21T07:00:00+08:00"


def test_drafts_are_exported_only_with_all(tmp_path: Path, writer: Creator) -> None:
    published = make_article(writer, "已发布")
    draft = make_article(writer, "草稿", publish=False)

    run("export", tmp_path / "default")
    run("export", tmp_path / "all", "--all")

    assert exported_files(tmp_path / "default") == [f"news/{published.pk}.md"]
    assert exported_files(tmp_path / "all") == [f"news/{published.pk}.md", f"news/{draft.pk}.md"]
    assert read(tmp_path / "all" / "news" / f"{draft.pk}.md")[0]["draft"] is True
    assert "draft" not in read(tmp_path / "all" / "news" / f"{published.pk}.md")[0]


def test_export_gives_site_articles_their_import_identity_and_keeps_file_identities(
    tmp_path: Path, writer: Creator, good: Path
) -> None:
    studio = make_article(writer, "站内写的文章")
    run("import", good / "zh-tech.md")
    from_file = Article.objects.exclude(pk=studio.pk).get()
    key = from_file.import_key

    run("export", tmp_path / "out")

    studio.refresh_from_db()
    from_file.refresh_from_db()
    assert studio.import_key == f"slug:tidings-{studio.pk}"
    assert from_file.import_key == key  # re-importing the original file must still update it
    assert read(tmp_path / "out" / "tech" / f"{from_file.pk}.md")[0]["slug"] == f"tidings-{from_file.pk}"


def test_reimporting_an_export_into_the_same_site_updates_in_place(tmp_path: Path, writer: Creator, good: Path) -> None:
    studio = make_article(writer, "站内写的文章", channel_slug="money")
    (good / "en-sports.md").write_text(
        (good / "en-sports.md").read_text(encoding="utf-8") + "\n![Finish line](images/lab.jpg)\n", encoding="utf-8"
    )
    run("import", good / "en-sports.md")
    ids = set(Article.objects.values_list("pk", flat=True))
    images_before, files_before = Image.objects.count(), media_files()
    run("export", tmp_path / "out")
    edited = tmp_path / "out" / "money" / f"{studio.pk}.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("站内写的文章", "改过的标题"), encoding="utf-8")

    out, _ = run("import", tmp_path / "out")

    assert sorted(out.splitlines()) == sorted(f"imported /a/{pk}/" for pk in ids)
    assert set(Article.objects.values_list("pk", flat=True)) == ids
    assert Article.objects.get(pk=studio.pk).title == "改过的标题"
    # The exported image files are recognised as the library's own: nothing is encoded again.
    assert Image.objects.count() == images_before
    assert media_files() == files_before


def snapshot(article: Article) -> dict[str, Any]:
    """What an article is to a reader, minus ids and media file names."""
    return {
        "title": article.title,
        "channel": article.channel.slug,
        "creator": (article.creator.handle, article.creator.name),
        "tags": article.tags,
        "summary": article.summary,
        "original": article.original,
        "lang": article.lang,
        "status": article.status,
        "published_at": article.published_at,
        "has_cover": bool(article.cover),
        "body": re.sub(r"/media/img/\w\w/\w+-\d+\.jpg", "IMG", article.body_md),
        "pictures": article.body_html.count("<picture>"),
        "references": [
            (r.title, r.source, r.url, r.published_at, r.position) for r in article.references.order_by("position")
        ],
    }


def test_export_then_import_into_an_empty_site_reproduces_the_articles(
    tmp_path: Path, good: Path, settings: Any
) -> None:
    run("import", good)
    author = make_creator("zhaolei", "赵磊")
    studio = make_article(author, "Studio story", channel_slug="ent", body="A plain **English** story.", lang="en")
    make_reference(studio, "Press release", "Studio PR")
    make_article(author, "还没写完的草稿", channel_slug="edu", publish=False)
    before = sorted(
        (snapshot(a) for a in Article.objects.select_related("creator", "channel")), key=lambda s: s["title"]
    )
    run("export", tmp_path / "out", "--all")

    # An empty site: no articles, creators or images, a fresh media folder.
    Reference.objects.all().delete()
    Article.objects.all().delete()
    Image.objects.all().delete()
    Creator.objects.all().delete()
    settings.MEDIA_ROOT = tmp_path / "media2"

    out, _ = run("import", tmp_path / "out")

    assert len(out.splitlines()) == 4
    assert "(draft)" in out
    after = sorted(
        (snapshot(a) for a in Article.objects.select_related("creator", "channel")), key=lambda s: s["title"]
    )
    assert after == before
    assert Image.objects.count() == 2
    assert all((Path(settings.MEDIA_ROOT) / a.cover).is_file() for a in Article.objects.exclude(cover=""))


def test_a_missing_media_file_is_reported_and_its_link_kept(tmp_path: Path, writer: Creator) -> None:
    article = make_article(writer, "丢了图片", body="![图](/media/img/00/gone-1600.jpg)")

    out, err = run("export", tmp_path / "out")

    assert f"warning: /a/{article.pk}/: img/00/gone-1600.jpg: media file not found" in err
    assert "![图](/media/img/00/gone-1600.jpg)" in read(tmp_path / "out" / "news" / f"{article.pk}.md")[1]
    assert out.startswith("exported 1 articles and 0 images")


def test_media_paths_cannot_lead_out_of_the_media_folder(tmp_path: Path, writer: Creator) -> None:
    (tmp_path / "secret.jpg").write_bytes(b"secret")
    article = make_article(writer, "越界", body="![x](/media/../secret.jpg)")

    _, err = run("export", tmp_path / "out")

    assert "media file not found" in err
    assert not list((tmp_path / "out").rglob("secret.jpg"))
    assert article.pk


def test_it_reports_progress_on_stderr(tmp_path: Path, writer: Creator) -> None:
    for i in range(51):
        make_article(writer, f"第{i}篇")

    out, err = run("export", tmp_path / "out")

    assert err.splitlines() == ["… 50/51 articles"]
    assert out.startswith("exported 51 articles and 0 images to ")
    assert len(exported_files(tmp_path / "out")) == 51


def test_it_refuses_a_file_as_the_target(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(CommandError, match="is not a directory"):
        run("export", tmp_path / "file")


def test_media_files_sharing_a_name_do_not_overwrite_each_other(tmp_path: Path, writer: Creator) -> None:
    media = Path(settings.MEDIA_ROOT)
    make_jpeg(media / "uploads" / "a" / "photo.jpg", (40, 30), color=(255, 0, 0))
    make_jpeg(media / "uploads" / "b" / "photo.jpg", (40, 30), color=(0, 0, 255))
    first = make_article(writer, "甲", body="![](/media/uploads/a/photo.jpg)")
    second = make_article(writer, "乙", body="![](/media/uploads/b/photo.jpg)")

    run("export", tmp_path / "out")

    folder = tmp_path / "out" / "news"
    links = {pk: re.findall(r"\]\((images/[^)]+)\)", read(folder / f"{pk}.md")[1])[0] for pk in (first.pk, second.pk)}
    assert links[first.pk] != links[second.pk]
    assert (folder / links[first.pk]).read_bytes() == (media / "uploads" / "a" / "photo.jpg").read_bytes()
    assert (folder / links[second.pk]).read_bytes() == (media / "uploads" / "b" / "photo.jpg").read_bytes()
