"""Image intake through the studio, the API and /join/: limits checked on the header, typed
refusals with their Chinese reasons, nothing written for a refused image, a cap on concurrent
image work, and the collection of media that nothing uses."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import struct
import subprocess
import sys
import threading
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from PIL import Image as PILImage

from tests.conftest import make_article, make_creator, make_user, make_writer
from tidings.articles import images
from tidings.articles.actions import create_article, edit_article
from tidings.articles.input import clean_article_input
from tidings.articles.models import Article, Image, PendingEdit, Revision
from tidings.creators.models import Creator
from tidings.lib.images import MAX_SIDE, image_slot, process_image
from tidings.moderation.models import Application
from tidings.web import media_gc

REPO = Path(__file__).resolve().parents[2]


def gray_png(width: int, height: int) -> bytes:
    """An all-black 8-bit grey PNG built by hand: a 39,000,000 × 1 one is 38 KB of zlib."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = (b"\0" + b"\0" * width) * height  # each row: filter byte 0, then the pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def jpeg(size: tuple[int, int] = (800, 500), orientation: int | None = None) -> bytes:
    img = PILImage.new("RGB", size, (30, 120, 200))
    exif = PILImage.Exif()
    if orientation:
        exif[0x0112] = orientation
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def upload(data: bytes, name: str) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def media_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def author(db: Any) -> Creator:
    return make_writer("tupian")


@pytest.fixture
def studio(author: Creator) -> Client:
    client = Client()
    client.force_login(author.user)
    return client


@pytest.fixture
def api(author: Creator) -> dict[str, str]:
    from tidings.api.tokens import create_token

    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(author.user, 'test')[0]}"}


def refusal(client: Client, path: str, data: bytes, name: str, headers: dict[str, str]) -> tuple[int, str]:
    """Send one image through the studio's upload or the API; the status and the message."""
    if path == "studio":
        r = client.post("/studio/upload/", {"image": upload(data, name)})
        return r.status_code, r.json().get("error", "")
    r = client.post("/api/v1/images", {"file": upload(data, name)}, **headers)
    body = r.json()
    return r.status_code, body.get("errors", {}).get("file") or body.get("detail", "")


# --- the 39-megapixel sliver, measured in a process of its own -----------------------------------

MEASURE = r"""
import json, os, resource, sys, time
import django
django.setup()
from django.test import Client
from tidings.accounts.models import User
from tidings.api.tokens import create_token
from tidings.channels.models import Channel
from tidings.creators.models import Creator

data = open(sys.argv[1], "rb").read()
writer = User.objects.create_user("w", password="pw-w-123456", role=User.Role.CREATOR)
Creator.objects.create(handle="w", name="W", user=writer)
reader = User.objects.create_user("r", password="pw-r-123456")
studio, api, join = Client(), Client(), Client()
studio.force_login(writer)
join.force_login(reader)
bearer = {"HTTP_AUTHORIZATION": "Bearer " + create_token(writer, "t")[0]}
channel = str(Channel.objects.first().pk)

def f(payload, name="sliver.png"):
    import io
    b = io.BytesIO(payload)
    b.name = name
    return b

paths = {
    "studio": lambda p: studio.post("/studio/upload/", {"image": f(p)}),
    "api": lambda p: api.post("/api/v1/images", {"file": f(p)}, **bearer),
    "join": lambda p: join.post("/join/", {"kind": "individual", "name": "N", "handle": "newhandle",
        "channel": channel, "bio": "B", "sample_text": "S", "avatar": f(p)}),
}
out = {}
for name, send in paths.items():
    send(b"not an image")  # warm up: import and compile what this path needs, outside the measure
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    r = send(data)
    out[name] = {
        "status": r.status_code,
        "seconds": time.perf_counter() - started,
        "extra_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024,
        "said": json.dumps(r.json(), ensure_ascii=False) if r["Content-Type"].startswith("application/json")
        else r.content.decode(),
    }
print(json.dumps(out))
"""


def test_a_39_megapixel_sliver_is_refused_fast_and_small_through_every_path(tmp_path: Path) -> None:
    sliver = tmp_path / "sliver.png"
    sliver.write_bytes(gray_png(39_000_000, 1))
    assert sliver.stat().st_size < 60_000
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    # The test settings (static files from the source folders, a cheap hasher) on a file database.
    env.update(TIDINGS_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="tests.settings")
    run = {"cwd": REPO, "env": env, "capture_output": True, "text": True, "timeout": 300}
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)  # type: ignore[call-overload]
    assert migrated.returncode == 0, migrated.stderr
    done = subprocess.run([sys.executable, "-c", MEASURE, str(sliver)], **run)  # type: ignore[call-overload]
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    for path, result in results.items():
        assert result["status"] == 400, (path, result)
        assert "图片太长或太窄" in result["said"], path
        assert result["seconds"] < 1.0, (path, result["seconds"])
        assert result["extra_mb"] < 100, (path, result["extra_mb"])
    media = tmp_path / "data" / "media"
    assert not (media.exists() and [p for p in media.rglob("*") if p.is_file()])


# --- each side, the aspect ratio, and nothing written for a refusal -------------------------------


@pytest.mark.parametrize("path", ["studio", "api"])
def test_tall_and_thin_images_answer_400_and_leave_no_file(
    path: str, studio: Client, api: dict[str, str], settings: Any
) -> None:
    for width, height in ((1, 20_000), (1, 70_000), (20_000, 1), (100, 2_500)):
        status, said = refusal(studio, path, gray_png(width, height), f"{width}x{height}.png", api)
        assert status == 400, (width, height, said)
        assert said.startswith("图片没有上传：图片太长或太窄"), said
    assert media_files(settings) == []
    assert not Image.objects.exists()


def test_a_long_screenshot_within_the_limits_is_accepted(studio: Client, settings: Any) -> None:
    r = studio.post("/studio/upload/", {"image": upload(gray_png(800, MAX_SIDE), "长图.png")})
    assert r.status_code == 200, r.content
    image = Image.objects.get()
    assert (image.width, image.height) == (800, MAX_SIDE)
    assert len(media_files(settings)) == 6  # 480 and 800 wide, JPEG and WebP each; two list thumbnails


REFUSALS = [
    (b"", "empty.png", "文件是空的"),
    (b"plain text, renamed" * 10, "notes.jpg", "这不是可以识别的图片文件"),
    (None, "picture.bmp", "不支持这种图片格式"),
    (None, "bomb.png", "图片像素太多"),
    (None, "empty-room.jpg", "图片数据已损坏"),  # truncated: the name must not make it "empty"
]


def refused_bytes(name: str) -> bytes:
    buf = io.BytesIO()
    if name == "picture.bmp":
        PILImage.new("RGB", (40, 30)).save(buf, "BMP")
        return buf.getvalue()
    if name == "bomb.png":
        return gray_png(8_000, 8_000)  # 64 megapixels in a few KB
    whole = jpeg((1200, 900))
    return whole[: len(whole) // 2]


@pytest.mark.parametrize("path", ["studio", "api"])
def test_each_refusal_says_its_own_reason_in_chinese(
    path: str, studio: Client, api: dict[str, str], settings: Any
) -> None:
    for data, name, reason in REFUSALS:
        status, said = refusal(studio, path, data if data is not None else refused_bytes(name), name, api)
        assert status == 400, (name, said)
        assert said.startswith(f"图片没有上传：{reason}"), (name, said)
        assert name in said  # then the details, with the file's name
    assert media_files(settings) == []


def test_a_too_big_file_is_refused_by_its_size_before_it_is_read(studio: Client) -> None:
    r = studio.post("/studio/upload/", {"image": upload(b"\0" * (21 * 1024 * 1024), "huge.jpg")})
    assert r.status_code == 400
    assert r.json()["error"].startswith("图片没有上传：文件太大（文件有 22.0 MB，上限是 20 MB）")


def test_a_big_upright_turned_jpeg_is_decoded_at_reduced_scale_and_still_1600_wide() -> None:
    # 4000 × 2400 stored, shown turned (EXIF 6): 2400 × 4000. Draft decoding may halve it, and
    # must still leave the 1600 px the largest variant needs on the side that becomes the width.
    out = process_image(jpeg((4000, 2400), orientation=6), name="turned.jpg")
    assert [v["w"] for v in out.variants] == [480, 960, 1600]
    assert (out.width, out.height) == (1600, 2667)
    assert out.written == []  # in memory until saved


# --- the cap on concurrent image work -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_saturated_process_answers_503_and_recovers(settings: Any) -> None:
    settings.IMAGE_CONCURRENCY, settings.IMAGE_WAIT_SECONDS = 1, 0.2
    author = make_writer("busy")
    studio = Client()
    studio.force_login(author.user)
    from tidings.api.tokens import create_token

    headers = {"HTTP_AUTHORIZATION": f"Bearer {create_token(author.user, 'test')[0]}"}
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with image_slot():
            taken.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert taken.wait(5)
        status, said = refusal(studio, "studio", jpeg(), "a.jpg", headers)
        assert (status, said.startswith("图片没有上传：服务器正在处理其他图片，请几秒后再试")) == (503, True)
        status, said = refusal(studio, "api", jpeg(), "a.jpg", headers)
        assert status == 503 and "服务器正在处理其他图片" in said
        assert media_files(settings) == []
    finally:
        release.set()
        holder.join()
    assert refusal(studio, "studio", jpeg(), "a.jpg", headers)[0] == 200


# --- /join/ ---------------------------------------------------------------------------------------


def test_invalid_join_forms_write_no_avatar(db: Any, settings: Any) -> None:
    reader = make_user("shenqing")
    client = Client()
    client.force_login(reader)
    from tidings.channels.models import Channel

    form = {"kind": "individual", "name": "申请人", "channel": str(Channel.objects.first().pk), "bio": "简介"}
    for i in range(5):  # a handle too short, no sample: the avatar itself is fine
        r = client.post("/join/", {**form, "handle": "x", "avatar": upload(jpeg(), f"me{i}.jpg")})
        assert r.status_code == 400
    r = client.post(
        "/join/",
        {**form, "handle": "shenqing", "sample_text": "样例", "avatar": upload(gray_png(1, 20_000), "tall.png")},
    )
    assert r.status_code == 400 and "这张图片不能用作头像：图片太长或太窄" in r.content.decode()
    assert media_files(settings) == [] and not Application.objects.exists()


# --- collecting what nothing uses -----------------------------------------------------------------


def age(image: Image, settings: Any, days: float = 2) -> None:
    """Make an image (its row and its files) older than the grace period."""
    then = timezone.now() - dt.timedelta(days=days)
    Image.objects.filter(pk=image.pk).update(created_at=then)
    for v in image.variants:
        for key in ("jpg", "webp"):
            os.utime(Path(settings.MEDIA_ROOT) / str(v[key]), (then.timestamp(), then.timestamp()))
    for t in image.thumbs:
        os.utime(Path(settings.MEDIA_ROOT) / str(t["webp"]), (then.timestamp(), then.timestamp()))


def colour(i: int) -> bytes:
    return jpeg((600 + i, 400))


def test_unused_uploads_are_collected_after_the_grace_period_and_used_ones_kept(author: Creator, settings: Any) -> None:
    by = author.user
    in_body, as_cover, in_revision, unused_old, unused_young = (
        images.add_image(colour(i), name=f"{i}.jpg", by=by) for i in range(5)
    )
    make_article(author, body=f"正文\n\n{images.image_markdown(in_body)}")
    make_article(author, cover=as_cover.path)
    article = create_article(author, by, clean_article_input({"title": "改过的文章"}))
    Revision.objects.create(article=article, number=9, title="旧版", body_md=images.image_markdown(in_revision))
    avatar = process_image(colour(10), name="avatar.jpg")
    avatar_path = str(avatar.variants[0]["jpg"])
    avatar.save()  # all its variants: the unused ones are stray files
    make_creator("touxiang", avatar=avatar_path)
    applicant = process_image(colour(11), name="applicant.jpg")
    applicant.save(only=[str(applicant.variants[0]["jpg"])])
    Application.objects.create(
        user=make_user("applicant"), kind="individual", name="A", handle="applicant",
        channel=article.channel, bio="B", avatar=str(applicant.variants[0]["jpg"]),
    )  # fmt: skip
    for image in (in_body, as_cover, in_revision, unused_old):
        age(image, settings)
    old = (timezone.now() - dt.timedelta(days=2)).timestamp()
    media = Path(settings.MEDIA_ROOT)
    for path in media.rglob("*.*"):
        if avatar.sha256[:20] in path.name:
            os.utime(path, (old, old))
    stray = media / "img" / "00" / ("0" * 20 + "-480.jpg")
    foreign = media / "img" / "00" / "README.txt"
    stray.parent.mkdir(exist_ok=True)
    for path in (stray, foreign):
        path.write_bytes(b"x")
        os.utime(path, (old, old))
    before = set(media_files(settings))

    done = media_gc.collect()

    assert set(Image.objects.values_list("pk", flat=True)) == {
        i.pk for i in (in_body, as_cover, in_revision, unused_young)
    }
    gone = before - set(media_files(settings))
    unused_files = {media / str(v[k]) for v in unused_old.variants for k in ("jpg", "webp")}
    unused_files |= {media / str(t["webp"]) for t in unused_old.thumbs}  # its list thumbnails go with it
    assert gone == unused_files | {stray}  # the avatar's unused variants share its name: kept
    assert (done.images, done.files) == (1, len(gone))
    assert (media / avatar_path).is_file() and (media / str(applicant.variants[0]["jpg"])).is_file()
    assert foreign.is_file()


def test_uploading_the_same_bytes_again_starts_the_grace_period_over(author: Creator, settings: Any) -> None:
    first = images.add_image(colour(1), name="a.jpg", by=author.user)
    age(first, settings)
    again = images.add_image(colour(1), name="a-again.jpg", by=author.user)
    assert again.pk == first.pk
    assert media_gc.collect().images == 0 and Image.objects.filter(pk=first.pk).exists()


def test_the_worker_collects_once_an_hour_and_logs_the_count(
    author: Creator, settings: Any, monkeypatch: Any, caplog: Any
) -> None:
    from tidings.web.worker import CHORES

    def housekeeping() -> None:
        for chore in CHORES:
            chore()

    monkeypatch.setattr(media_gc, "_last_run", None)
    age(images.add_image(colour(1), name="a.jpg", by=author.user), settings)
    with caplog.at_level(logging.INFO, logger="tidings.web.media_gc"):
        housekeeping()
    assert not Image.objects.exists()
    assert "deleted 1 unused images and 6 files" in caplog.text  # 480 and 601 wide, JPEG and WebP
    age(images.add_image(colour(2), name="b.jpg", by=author.user), settings)
    housekeeping()  # within the hour: nothing runs
    assert Image.objects.count() == 1


def test_the_grace_period_is_a_setting_and_the_command_reports(author: Creator, settings: Any) -> None:
    images.add_image(colour(1), name="a.jpg", by=author.user)
    out = io.StringIO()
    call_command("media", gc=True, stdout=out)
    assert out.getvalue().startswith("deleted 0 unused images and 0 files") and Image.objects.count() == 1
    settings.MEDIA_GRACE_HOURS = 0
    out = io.StringIO()
    call_command("media", gc=True, stdout=out)
    assert out.getvalue().startswith("deleted 1 unused images and 6 files") and not Image.objects.exists()


def test_a_draft_saved_with_an_uploaded_image_keeps_it(author: Creator, studio: Client, settings: Any) -> None:
    r = studio.post("/studio/upload/", {"image": upload(colour(3), "a.jpg")})
    image = Image.objects.get()
    age(image, settings)
    article = create_article(
        author, author.user, clean_article_input({"title": "草稿", "body_md": r.json()["markdown"]})
    )
    assert media_gc.collect().images == 0 and Article.objects.filter(pk=article.pk).exists()


def test_the_cover_of_an_edit_waiting_for_review_is_kept(db: Any, settings: Any) -> None:
    creator = make_writer("xinshou", probation_left=2)
    article = make_article(creator, "已发")
    cover = images.add_image(colour(4), name="cover.jpg", by=creator.user)
    age(cover, settings)
    data = clean_article_input({"title": "改过", "body_md": "正文", "cover": cover.path}, by=creator.user)
    edit_article(Article.objects.get(pk=article.pk), creator.user, data)
    assert Article.objects.get(pk=article.pk).cover == "" and PendingEdit.objects.get().cover == cover.path
    assert media_gc.collect().images == 0 and Image.objects.filter(pk=cover.pk).exists()
