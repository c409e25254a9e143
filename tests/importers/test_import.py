"""`tidings import`: Markdown with YAML front matter → articles, all of a file or nothing of it."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image as PILImage

from tidings.articles.models import Article, Image, Reference
from tidings.articles.transitions import withdraw
from tidings.channels.models import Channel
from tidings.creators.models import Creator
from tidings.importers import front_matter, markdown
from tidings.importers.files import collect_files, local_image_path
from tidings.importers.front_matter import ImportRejectedError, check_front_matter, parse_date, split_front_matter
from tidings.importers.markdown import new_channel_slug
from tidings.lib.cjk import detect_lang
from tidings.lib.markdown_scan import rewrite_image_sources

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parents[1] / "fixtures" / "import"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
IMPORTED = re.compile(r"^imported /a/(\d+)/$")


def make_jpeg(path: Path, size: tuple[int, int], color: tuple[int, int, int] = (200, 80, 40)) -> Path:
    """A JPEG carrying EXIF (camera make, model, time), as phones write them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    exif = PILImage.Exif()
    exif[0x010F] = "TestCam"
    exif[0x0110] = "Model X"
    exif[0x0132] = "2024:03:15 09:30:00"
    PILImage.new("RGB", size, color).save(path, "JPEG", exif=exif.tobytes(), quality=90)
    return path


@pytest.fixture(autouse=True)
def _site_zone(settings):  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "Asia/Shanghai"


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    """The fixture files copied into tmp_path, with their images generated beside them."""
    root = tmp_path / "posts"
    shutil.copytree(FIXTURES, root)
    make_jpeg(root / "good" / "images" / "lab.jpg", (2000, 1200))
    make_jpeg(root / "good" / "images" / "cover.jpg", (1200, 800), color=(20, 120, 200))
    make_jpeg(root / "broken" / "images" / "lab.jpg", (800, 600), color=(10, 200, 10))
    (root / "broken" / "images" / "fake.jpg").write_text("这不是图片，只是改了扩展名的文本文件。", encoding="utf-8")
    return root


def write(path: Path, front: str, body: str = "正文。") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front.strip()}\n---\n\n{body}\n", encoding="utf-8")
    return path


def run_import(*args: object) -> tuple[str, str, CommandError | None]:
    """stdout, stderr and the CommandError (None when every file imported)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def imported_ids(stdout: str) -> list[int]:
    ids = []
    for line in stdout.splitlines():
        match = IMPORTED.match(line)
        assert match, f"unexpected stdout line {line!r}"
        ids.append(int(match.group(1)))
    return ids


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# Front matter -------------------------------------------------------------------------------


def test_it_splits_front_matter_from_the_body() -> None:
    data, body = split_front_matter("---\ntitle: 你好\ntags: [a, b]\n---\n\n正文第一段。\n\n第二段。\n")
    assert data == {"title": "你好", "tags": ["a", "b"]}
    assert body == "正文第一段。\n\n第二段。"


def test_it_accepts_a_yaml_document_end_as_the_closing_line() -> None:
    assert split_front_matter("---\ntitle: x\n...\nbody")[0] == {"title": "x"}


def test_it_reads_utf8_with_a_bom_and_windows_newlines(tmp_path: Path) -> None:
    path = tmp_path / "win.md"
    path.write_bytes("\ufeff---\r\ntitle: 标题\r\n---\r\n正文\r\n".encode())
    assert split_front_matter(front_matter.read_text(path)) == ({"title": "标题"}, "正文")


def test_it_rejects_text_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.md"
    path.write_bytes("---\ntitle: 中文\n---\n".encode("gbk"))
    with pytest.raises(ImportRejectedError, match=r"not UTF-8 text.*save the file as UTF-8"):
        front_matter.read_text(path)


def test_it_rejects_a_file_it_cannot_read(tmp_path: Path) -> None:
    with pytest.raises(ImportRejectedError, match="cannot read the file"):
        front_matter.read_text(tmp_path / "missing.md")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("title: 没有分隔线\n\n正文", "no front matter"),
        ("正文\n---\ntitle: x\n---\n", "no front matter"),
        ("---\ntitle: 没有结束\n\n正文", "not closed"),
        ("+++\ntitle = 'toml'\n+++\n", "TOML front matter"),
        ("---\n- a\n- b\n---\n", "must be 'key: value' lines, not a list"),
        ("---\njust text\n---\n", "must be 'key: value' lines, not text"),
        ("---\ndate: 2024-13-45\n---\n", "impossible date"),
    ],
)
def test_it_rejects_broken_front_matter(text: str, reason: str) -> None:
    with pytest.raises(ImportRejectedError, match=reason):
        split_front_matter(text)


def test_it_names_the_file_line_of_a_yaml_error() -> None:
    text = '---\ntitle: 好\nauthor: a\nsummary: "未闭合的引号\n---\n'
    with pytest.raises(ImportRejectedError, match=r"not valid YAML at line \d+") as info:
        split_front_matter(text)
    line = int(re.search(r"line (\d+)", str(info.value)).group(1))  # type: ignore[union-attr]
    assert 4 <= line <= 5  # the quote opens on line 4; PyYAML notices at the end of the block


def test_an_empty_front_matter_is_a_missing_title() -> None:
    data, _ = split_front_matter("---\n---\n正文")
    with pytest.raises(ImportRejectedError, match="title is missing"):
        check_front_matter(data)


def test_it_reads_a_naive_date_in_the_site_zone() -> None:
    assert parse_date("2024-03-15 09:30:00") == dt.datetime(2024, 3, 15, 1, 30, tzinfo=dt.UTC)
    assert parse_date("2024-03-15T09:30") == dt.datetime(2024, 3, 15, 1, 30, tzinfo=dt.UTC)


def test_it_reads_a_bare_date_as_midnight_in_the_site_zone() -> None:
    assert parse_date("2024-03-15") == dt.datetime(2024, 3, 14, 16, 0, tzinfo=dt.UTC)
    assert parse_date(dt.date(2024, 3, 15)) == dt.datetime(2024, 3, 14, 16, 0, tzinfo=dt.UTC)


def test_it_keeps_an_explicit_zone() -> None:
    assert parse_date("2024-03-15T09:30:00Z") == dt.datetime(2024, 3, 15, 9, 30, tzinfo=dt.UTC)
    assert parse_date("2024-03-15T09:30:00-05:00") == dt.datetime(2024, 3, 15, 14, 30, tzinfo=dt.UTC)


def test_it_reads_dates_yaml_has_already_parsed() -> None:
    data, _ = split_front_matter("---\na: 2024-03-15\nb: 2024-03-15 09:30:00\nc: 2024-03-15T09:30:00+08:00\n---\n")
    expected = dt.datetime(2024, 3, 15, 1, 30, tzinfo=dt.UTC)
    assert parse_date(data["b"]) == parse_date(data["c"]) == expected
    assert parse_date(data["a"]) == dt.datetime(2024, 3, 14, 16, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("value", ["15/03/2024", "March 15, 2024", "昨天", 20240315, ""])
def test_it_rejects_a_date_that_is_not_iso_8601(value: object) -> None:
    with pytest.raises(ImportRejectedError, match=r"ISO 8601, e\.g\. 2024-05-01"):
        parse_date(value)


def test_it_normalises_the_front_matter() -> None:
    front = check_front_matter(
        {
            "title": "<b>加粗</b>的标题",
            "tags": ["体育", 2024, "体育"],
            "original": True,
            "draft": False,
            "slug": "my-post",
            "references": [{"title": "来源", "source": "某报", "date": "2024-01-02", "url": "https://example.com/a"}],
        }
    )
    assert front.title == "加粗的标题"
    assert front.tags == ["体育", "2024"]
    assert front.original is True
    assert front.slug == "my-post"
    ref = front.references[0]
    assert (ref.title, ref.source, ref.url) == ("来源", "某报", "https://example.com/a")
    assert ref.published_at == dt.datetime(2024, 1, 1, 16, 0, tzinfo=dt.UTC)


def test_it_reports_every_bad_type_of_a_file_at_once() -> None:
    with pytest.raises(ImportRejectedError) as info:
        check_front_matter(
            {
                "title": "标题",
                "tags": "体育, 奥运",
                "original": "yes",
                "draft": 1,
                "references": [{"source": "无标题"}, "只是一段文字", {"title": "t", "date": "昨天"}],
                "author": "王芳",
                "lang": "中文",
                "cover": "https://example.com/c.jpg",
                "summary": "长" * 501,
            }
        )
    reasons = "\n".join(info.value.reasons)
    for expected in [
        "tags must be a list",
        "original must be true or false, not 'yes'",
        "draft must be true or false, not 1",
        "references[0] has no title",
        "references[1] must be a mapping with a title, not text",
        "references[2].date '昨天' is not a date",
        "author '王芳' is not a valid handle",
        "lang must be a language tag",
        "remote images are not downloaded",
        "summary is 501 characters long; the limit is 500",
    ]:
        assert expected in reasons
    assert len(info.value.reasons) == 10


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"title": ""}, "title is missing or empty"),
        ({"title": "t", "tags": [{"a": 1}]}, "tags[0] must be text, not a mapping"),
        ({"title": "t", "references": {"title": "x"}}, "references must be a list"),
        ({"title": "t", "references": [{"title": "x", "url": "ftp://x"}]}, "url must start with http"),
        ({"title": "标" * 201}, "title is 201 characters long; the limit is 200"),
    ],
)
def test_it_rejects_bad_front_matter_values(data: dict[str, object], reason: str) -> None:
    with pytest.raises(ImportRejectedError, match=re.escape(reason)):
        check_front_matter(data)


# Body images --------------------------------------------------------------------------------


def test_it_rewrites_image_destinations_and_nothing_else() -> None:
    body = (
        '![图一](images/a.jpg "标题")\n\n'
        "![图二][ref]\n\n"
        "![空格](<my pic.png>)\n\n"
        "![中文名](图片/照片.jpg)\n\n"
        "[链接不是图片](images/other.jpg) 和 ![远程](https://example.com/r.png)\n\n"
        "```\n![代码](images/a.jpg)\n```\n\n"
        "[ref]: images/b.jpg\n"
    )
    mapping = {
        "images/a.jpg": "/media/A.jpg",
        "images/b.jpg": "/media/B.jpg",
        "my%20pic.png": "/media/C.jpg",
        "%E5%9B%BE%E7%89%87/%E7%85%A7%E7%89%87.jpg": "/media/D.jpg",
    }
    out = rewrite_image_sources(body, mapping.get)
    assert '![图一](/media/A.jpg "标题")' in out
    assert "[ref]: /media/B.jpg" in out
    assert "![空格](/media/C.jpg)" in out
    assert "![中文名](/media/D.jpg)" in out
    assert "[链接不是图片](images/other.jpg)" in out
    assert "![远程](https://example.com/r.png)" in out
    assert "```\n![代码](images/a.jpg)\n```" in out


def test_local_image_paths_stay_inside_the_root(tmp_path: Path) -> None:
    folder = tmp_path / "site" / "posts"
    make_jpeg(folder / "images" / "a.jpg", (10, 10))
    make_jpeg(tmp_path / "site" / "shared" / "b.jpg", (10, 10))
    root = (tmp_path / "site").resolve()
    assert local_image_path("images/a.jpg", folder=folder, root=root) == (folder / "images" / "a.jpg").resolve()
    assert local_image_path("../shared/b.jpg", folder=folder, root=root) is not None
    assert local_image_path("https://example.com/a.jpg", folder=folder, root=root) is None
    assert local_image_path("//cdn.example.com/a.jpg", folder=folder, root=root) is None
    with pytest.raises(ImportRejectedError, match="leads outside"):
        local_image_path("../shared/b.jpg", folder=folder, root=folder.resolve())
    with pytest.raises(ImportRejectedError, match="leads outside"):
        local_image_path("../../../../etc/passwd", folder=folder, root=root)
    with pytest.raises(ImportRejectedError, match="absolute paths are not allowed"):
        local_image_path("/etc/passwd", folder=folder, root=root)
    with pytest.raises(ImportRejectedError, match="file not found"):
        local_image_path("images/none.jpg", folder=folder, root=root)


def test_a_symlink_cannot_lead_out_of_the_root(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    make_jpeg(tmp_path / "secret.jpg", (10, 10))
    (folder / "link.jpg").symlink_to(tmp_path / "secret.jpg")
    with pytest.raises(ImportRejectedError, match="leads outside"):
        local_image_path("link.jpg", folder=folder, root=folder.resolve())


def test_it_detects_english_when_the_prose_has_almost_no_han_characters() -> None:
    assert detect_lang("The marathon drew thirty thousand runners to the river.") == "en"
    quote = "The Chinese word 马拉松 means marathon. Runners love the race along the river, and the crowds love it too."
    assert detect_lang(quote) == "en"
    assert detect_lang("三万名跑者参加了今天的 Marathon 比赛。") == "zh-Hans"
    assert detect_lang("") == "zh-Hans"


def test_new_channel_slugs_are_latin_or_hashed() -> None:
    assert new_channel_slug("Space News") == "space-news"
    assert re.fullmatch(r"ch-[0-9a-f]{8}", new_channel_slug("天文"))
    assert new_channel_slug("天文") == new_channel_slug("天文")
    Channel.objects.create(slug="space-news", name="太空新闻")
    assert re.fullmatch(r"space-news-[0-9a-f]{8}", new_channel_slug("Space News"))


def test_it_collects_markdown_files_recursively_in_a_stable_order(tmp_path: Path) -> None:
    for name in ["b.md", "a.markdown", "sub/c.md", "sub/notes.txt", ".git/x.md", "sub/.hidden.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    files, failures = collect_files([tmp_path, tmp_path / "b.md", tmp_path / "nope"])
    assert [f.relative_to(tmp_path).as_posix() for f, _ in files] == ["a.markdown", "b.md", "sub/c.md"]
    assert {root for _, root in files} == {tmp_path.resolve()}
    assert failures == [(tmp_path / "nope", "no such file or directory")]


# The command: good files --------------------------------------------------------------------


def test_it_imports_a_chinese_article_with_images_tags_and_references(posts: Path) -> None:
    path = posts / "good" / "zh-tech.md"
    out, err, error = run_import(path)

    assert error is None, err
    [pk] = imported_ids(out)
    assert out == f"imported /a/{pk}/\n"
    article = Article.objects.select_related("creator", "channel").get(pk=pk)
    assert article.title == "国产芯片实验室探访：一块晶圆的旅程"
    assert article.status == Article.Status.PUBLISHED
    assert article.channel.slug == "tech"  # named 科技 in the file
    assert (article.creator.handle, article.creator.name) == ("wangfang", "王芳")
    assert article.creator.articles_count == 1
    assert article.tags == ["芯片", "半导体", "2024"]
    assert article.summary.startswith("记者走进一家芯片实验室")
    assert article.original is True
    assert article.lang == "zh-Hans"
    assert article.import_key == f"path:{path.resolve()}"
    # 09:30 in Asia/Shanghai, stored in UTC.
    assert article.published_at == dt.datetime(2024, 3, 15, 1, 30, tzinfo=dt.UTC)
    refs = list(article.references.values_list("title", "source", "url", "published_at", "position"))
    assert refs == [
        ("中国半导体产业发展报告", "中国电子信息产业发展研究院", "", dt.datetime(2024, 1, 9, 16, 0, tzinfo=dt.UTC), 0),
        ("晶圆制造工艺简介", "科普中国", "https://example.com/wafer", None, 1),
    ]


def test_it_stores_images_and_renders_them_as_pictures(posts: Path) -> None:
    out, err, error = run_import(posts / "good" / "zh-tech.md")
    assert error is None, err
    article = Article.objects.get(pk=imported_ids(out)[0])

    lab, cover = Image.objects.order_by("-width")
    assert (lab.width, lab.height) == (1600, 960)
    assert [v["w"] for v in lab.variants] == [480, 960, 1600]
    assert {lab.article_id, cover.article_id} == {article.pk}
    assert f'![实验室一角](/media/{lab.path} "实验室一角")' in article.body_md
    assert "![远处的厂房](https://example.com/factory.png)" in article.body_md
    assert "```\n![代码块里的图片不处理](images/lab.jpg)\n```" in article.body_md
    assert "<picture>" in article.body_html
    assert f'src="/media/{lab.path}"' in article.body_html
    assert "<figcaption>实验室一角</figcaption>" in article.body_html
    # The cover is the mid-size variant of the 1200 px image.
    assert article.cover == next(v["jpg"] for v in cover.variants if v["w"] == 960)
    assert (Path(settings.MEDIA_ROOT) / article.cover).is_file()


def test_it_strips_exif_from_every_image_variant(posts: Path) -> None:
    source = posts / "good" / "images" / "lab.jpg"
    assert PILImage.open(source).getexif()[0x010F] == "TestCam"  # the source does carry EXIF

    _, err, error = run_import(posts / "good" / "zh-tech.md")

    assert error is None, err
    files = media_files()
    assert len(files) == 16  # (480, 960, 1600) + (480, 960, 1200), JPEG and WebP each; 2 + 2 list thumbnails
    for file in files:
        with PILImage.open(file) as img:
            assert not img.getexif(), file
            assert "exif" not in img.info, file


def test_it_finds_a_channel_by_slug_and_keeps_an_existing_creators_name(posts: Path, writer: Creator) -> None:
    out, err, error = run_import(posts / "good" / "en-sports.md")

    assert error is None, err
    article = Article.objects.select_related("creator", "channel").get(pk=imported_ids(out)[0])
    assert article.channel.slug == "sports"
    assert article.creator == writer
    assert Creator.objects.get(handle="liwei").name == "李伟"  # author_name does not rename a person
    assert article.lang == "en"
    assert article.slug == "marathon-2024"
    assert article.import_key == "slug:marathon-2024"
    assert article.published_at == dt.datetime(2024, 4, 20, 23, 0, tzinfo=dt.UTC)
    assert article.original is False
    assert article.cover == ""


def test_it_finds_a_channel_by_its_english_name(tmp_path: Path, writer: Creator) -> None:
    out, err, error = run_import(write(tmp_path / "a.md", "title: Cars\nauthor: liwei\nchannel: autos"))
    assert error is None, err
    assert Article.objects.get(pk=imported_ids(out)[0]).channel.slug == "auto"


def test_it_imports_a_directory_in_sorted_order(posts: Path) -> None:
    out, err, error = run_import(posts / "good")

    assert error is None, err
    ids = imported_ids(out)
    assert [Article.objects.get(pk=pk).channel.slug for pk in ids] == ["sports", "tech"]  # en-… before zh-…
    assert "2 of 2 files imported." in err


def test_reimporting_a_file_updates_the_article_in_place(posts: Path) -> None:
    path = posts / "good" / "zh-tech.md"
    first, _, _ = run_import(path)
    other, _, _ = run_import(posts / "good" / "en-sports.md")
    files_before = media_files()
    text = path.read_text(encoding="utf-8")
    text = text.replace("title: 国产芯片实验室探访：一块晶圆的旅程", "title: 更新后的标题")
    text = text.replace("  - title: 晶圆制造工艺简介\n    source: 科普中国\n    url: https://example.com/wafer\n", "")
    path.write_text(text, encoding="utf-8")

    again, err, error = run_import(path)

    assert error is None, err
    assert again == first
    article = Article.objects.get(pk=imported_ids(first)[0])
    assert article.title == "更新后的标题"
    assert list(article.references.values_list("title", flat=True)) == ["中国半导体产业发展报告"]
    assert Article.objects.count() == 2
    assert Reference.objects.count() == 1
    assert Article.objects.get(pk=imported_ids(other)[0]).title.startswith("Marathon day")
    assert Image.objects.count() == 2
    assert media_files() == files_before  # the same images are not encoded again


def test_a_slug_identifies_the_article_wherever_the_file_lives(tmp_path: Path, writer: Creator) -> None:
    front = "title: 第一版\nslug: same-story\nauthor: liwei\nchannel: news"
    first, _, _ = run_import(write(tmp_path / "one" / "a.md", front))
    again, err, error = run_import(write(tmp_path / "two" / "b.md", front.replace("第一版", "第二版")))

    assert error is None, err
    assert again == first
    assert Article.objects.get().title == "第二版"


def test_two_files_of_one_run_may_not_share_a_slug(tmp_path: Path, writer: Creator) -> None:
    write(tmp_path / "a.md", "title: 甲\nslug: twin\nauthor: liwei\nchannel: news")
    write(tmp_path / "b.md", "title: 乙\nslug: twin\nauthor: liwei\nchannel: news")

    out, err, error = run_import(tmp_path)

    assert error is not None
    assert len(imported_ids(out)) == 1
    assert f"error: {tmp_path / 'b.md'}: slug 'twin' is also used by {(tmp_path / 'a.md').resolve()}" in err
    assert Article.objects.get().title == "甲"


def test_a_draft_is_saved_unpublished_and_marked_in_the_output(tmp_path: Path, writer: Creator) -> None:
    out, err, error = run_import(write(tmp_path / "d.md", "title: 草稿\nauthor: liwei\nchannel: news\ndraft: true"))

    assert error is None, err
    article = Article.objects.get()
    assert out == f"imported /a/{article.pk}/ (draft)\n"
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert not Article.objects.published().exists()


def test_a_future_date_schedules_the_article(tmp_path: Path, writer: Creator) -> None:
    run_import(write(tmp_path / "f.md", "title: 明天见\nauthor: liwei\nchannel: news\ndate: 2999-01-01"))
    article = Article.objects.get()
    assert article.status == Article.Status.SCHEDULED
    assert article.published_at == dt.datetime(2999, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert not Article.objects.published().exists()


def test_a_reimport_keeps_an_editors_withdrawal(tmp_path: Path, writer: Creator) -> None:
    path = write(tmp_path / "w.md", "title: 原标题\nauthor: liwei\nchannel: news")
    run_import(path)
    withdraw(Article.objects.get(), None)
    write(path, "title: 新标题\nauthor: liwei\nchannel: news")

    out, _, _ = run_import(path)

    article = Article.objects.get()
    assert out == f"imported /a/{article.pk}/ (withdrawn)\n"
    assert (article.title, article.status) == ("新标题", Article.Status.WITHDRAWN)


def test_a_missing_date_means_now_and_a_reimport_keeps_it(tmp_path: Path, writer: Creator) -> None:
    path = write(tmp_path / "n.md", "title: 没有日期\nauthor: liwei\nchannel: news")
    before = dt.datetime.now(dt.UTC)
    run_import(path)
    published_at = Article.objects.get().published_at
    assert published_at is not None and published_at >= before

    run_import(path)

    assert Article.objects.get().published_at == published_at


def test_an_image_may_climb_to_the_directory_being_imported(tmp_path: Path, writer: Creator) -> None:
    make_jpeg(tmp_path / "site" / "assets" / "shared.jpg", (300, 200))
    path = write(
        tmp_path / "site" / "posts" / "p.md",
        "title: 共享图片\nauthor: liwei\nchannel: news",
        "![](../assets/shared.jpg)",
    )

    _, err, error = run_import(path)  # the file alone: its folder is the root
    assert error is not None and "leads outside" in err
    _, err, error = run_import(tmp_path / "site")  # the directory: the site is the root
    assert error is None, err
    assert "/media/img/" in Article.objects.get().body_md


def test_one_image_used_by_two_articles_is_stored_once(tmp_path: Path, writer: Creator) -> None:
    make_jpeg(tmp_path / "same.jpg", (300, 200))
    write(tmp_path / "a.md", "title: 甲\nauthor: liwei\nchannel: news", "![](same.jpg)")
    write(tmp_path / "b.md", "title: 乙\nauthor: liwei\nchannel: news", "![](same.jpg)")

    out, err, error = run_import(tmp_path)

    assert error is None, err
    assert len(imported_ids(out)) == 2
    image = Image.objects.get()
    assert all(f"/media/{image.path}" in a.body_md for a in Article.objects.all())


def test_it_creates_missing_channels_when_asked(tmp_path: Path, writer: Creator) -> None:
    write(tmp_path / "a.md", "title: 流星雨\nauthor: liwei\nchannel: 天文")
    write(tmp_path / "b.md", "title: Comets\nauthor: liwei\nchannel: Space News")
    write(tmp_path / "c.md", "title: 再看流星雨\nauthor: liwei\nchannel: 天文")

    out, err, error = run_import(tmp_path, "--create-channels")

    assert error is None, err
    assert len(imported_ids(out)) == 3
    chinese = Channel.objects.get(name="天文")
    assert re.fullmatch(r"ch-[0-9a-f]{8}", chinese.slug)
    assert chinese.articles.count() == 2
    assert Channel.objects.get(name="Space News").slug == "space-news"


def test_default_author_and_channel_fill_in_missing_keys(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", "title: 只有标题")

    _, err, error = run_import(path)
    assert error is not None
    assert "author is missing" in err and "channel is missing" in err

    _, err, error = run_import(path, "--default-author", "editor-desk", "--default-channel", "财经")
    assert error is None, err
    article = Article.objects.select_related("creator", "channel").get()
    assert (article.creator.handle, article.creator.name, article.channel.slug) == (
        "editor-desk",
        "editor-desk",
        "money",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--default-author", "王芳"], "is not a valid handle"),
        (["--default-channel", "nowhere"], "no channel has this slug or name"),
    ],
)
def test_it_refuses_bad_defaults_before_importing_anything(posts: Path, args: list[str], message: str) -> None:
    _, _, error = run_import(posts / "good", *args)
    assert error is not None and message in str(error)
    assert not Article.objects.exists()


def test_it_reports_progress_on_stderr_only(tmp_path: Path, writer: Creator) -> None:
    for i in range(101):
        write(tmp_path / f"{i:03}.md", f"title: 第{i}篇\nauthor: liwei\nchannel: news")

    out, err, error = run_import(tmp_path)

    assert error is None, err
    assert len(imported_ids(out)) == 101
    assert err.splitlines() == ["… 50/101 files", "… 100/101 files", "101 of 101 files imported."]


# The command: broken files ------------------------------------------------------------------


BROKEN = [
    ("bad-yaml.md", r"the front matter is not valid YAML at line 5: expected ',' or ']'"),
    ("no-title.md", "title is missing or empty"),
    ("bad-date.md", r"date '15/03/2024' is not a date: expected ISO 8601"),
    ("unknown-channel.md", r"unknown channel '天文'"),
    ("missing-image.md", r"image images/nope\.jpg: file not found"),
    ("fake-image.md", r"image images/fake\.jpg: not a readable image"),
    ("escape.md", r"image \.\./\.\./etc/passwd: the path leads outside"),
]


@pytest.mark.parametrize(("name", "reason"), BROKEN)
def test_a_broken_file_is_reported_and_nothing_of_it_is_kept(posts: Path, name: str, reason: str) -> None:
    path = posts / "broken" / name
    creators = Creator.objects.count()

    out, err, error = run_import(path)

    assert out == ""
    assert error is not None and error.returncode == 1
    assert re.search(rf"^error: {re.escape(str(path))}: {reason}", err, re.MULTILINE), err
    assert not Article.objects.exists()
    assert not Image.objects.exists()
    assert Creator.objects.count() == creators
    assert media_files() == []  # fake-image.md's real image was encoded, then removed


def test_good_files_import_while_broken_ones_fail(posts: Path) -> None:
    out, err, error = run_import(posts)

    assert error is not None and error.returncode == 1
    assert "7 of 9 files failed; 2 imported." in str(error)
    assert len(imported_ids(out)) == 2
    assert sorted(Article.objects.values_list("channel__slug", flat=True)) == ["sports", "tech"]
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert {line.split(": ")[1] for line in errors} == {str(posts / "broken" / name) for name, _ in BROKEN}
    assert not Creator.objects.filter(handle__in=["newcomer", "stargazer"]).exists()
    assert len(media_files()) == 16  # only zh-tech.md's images (variants and list thumbnails)


def test_a_failure_while_writing_rolls_back_and_removes_the_images(
    posts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(markdown, "save_article", fail)

    out, err, error = run_import(posts / "good" / "zh-tech.md")

    assert error is not None and out == ""
    assert f"error: {posts / 'good' / 'zh-tech.md'}: unexpected RuntimeError: disk full" in err
    assert not Article.objects.exists()
    assert not Image.objects.exists()
    assert not Creator.objects.filter(handle="wangfang").exists()
    assert media_files() == []


def test_a_local_html_image_is_refused(tmp_path: Path, writer: Creator) -> None:
    make_jpeg(tmp_path / "a.jpg", (20, 20))
    path = write(
        tmp_path / "h.md",
        "title: HTML\nauthor: liwei\nchannel: news",
        '<img src="a.jpg" alt="">\n\n`<img src="b.jpg">`',
    )

    _, err, error = run_import(path)

    assert error is not None
    assert "HTML <img src='a.jpg'> has a local path" in err
    assert "b.jpg" not in err  # inside a code span it is text, not an image


def test_every_problem_of_a_file_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "m.md", "title: 多个问题\nchannel: 天文\ntags: 一个字符串", "![](none.jpg)")

    _, err, _ = run_import(path)

    assert [line.removeprefix(f"error: {path}: ") for line in err.splitlines() if line.startswith("error:")] == [
        "tags must be a list such as [体育, 奥运], not text",
        "unknown channel '天文' (use a channel's slug or name, or --create-channels)",
        "author is missing: add 'author: <handle>' or pass --default-author",
        f"image none.jpg: file not found ({(tmp_path / 'none.jpg').resolve()})",
    ]


def test_a_missing_path_is_an_error_but_the_others_import(posts: Path, tmp_path: Path) -> None:
    out, err, error = run_import(tmp_path / "nope", posts / "good" / "en-sports.md")

    assert error is not None
    assert f"error: {tmp_path / 'nope'}: no such file or directory" in err
    assert len(imported_ids(out)) == 1


def test_the_cli_exits_with_status_1_when_a_file_fails(posts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.management import load_command_class
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test's connection open
    command = load_command_class("tidings.importers", "import")
    with pytest.raises(SystemExit) as exit_info:
        command.run_from_argv(["tidings", "import", str(posts / "broken" / "no-title.md")])
    assert exit_info.value.code == 1


def test_a_directory_without_markdown_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    _, err, error = run_import(tmp_path / "empty")
    assert error is not None
    assert f"error: {tmp_path / 'empty'}: no *.md or *.markdown files in this directory" in err


def test_verbosity_0_leaves_only_the_imported_lines_and_errors(posts: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(posts / "good"), verbosity=0, stdout=out, stderr=err)
    assert len(imported_ids(out.getvalue())) == 2
    assert err.getvalue() == ""


def test_a_failed_file_leaves_no_channel_it_would_have_created(tmp_path: Path, writer: Creator) -> None:
    path = write(tmp_path / "c.md", "title: 流星雨\nauthor: newbie\nchannel: 天文", "![](gone.jpg)")

    _, err, error = run_import(path, "--create-channels")

    assert error is not None and "image gone.jpg: file not found" in err
    assert not Channel.objects.filter(name="天文").exists()
    assert not Creator.objects.filter(handle="newbie").exists()
