"""Limits that hold: every rate limit answers 429 with Retry-After and a Chinese message, keeps
what the user typed, and is counted by all processes together (tidings.lib.ratelimit)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from PIL import Image as PILImage

from tests.conftest import make_article, make_user, make_writer
from tidings.accounts.models import User
from tidings.api.tokens import create_token
from tidings.lib import ratelimit

pytestmark = pytest.mark.django_db


def png() -> io.BytesIO:
    buf = io.BytesIO()
    PILImage.new("RGB", (400, 300), (20, 120, 200)).save(buf, "PNG")
    buf.seek(0)
    buf.name = "pic.png"
    return buf


def assert_429(response: Any, message: str) -> None:
    assert response.status_code == 429, response.content[:300]
    assert 0 < int(response["Retry-After"]) <= 86401
    assert message in response.content.decode()


def test_the_counters_live_in_a_store_every_process_shares(settings: Any) -> None:
    backend = settings.CACHES[settings.RATE_LIMIT_CACHE]["BACKEND"]
    assert backend in {"tidings.lib.cache.AtomicDatabaseCache", "django.core.cache.backends.redis.RedisCache"}


def test_sign_up_is_limited_per_address_and_keeps_what_was_typed(settings: Any) -> None:
    settings.SIGNUPS_PER_HOUR = 1
    form = {"email": "a@example.com", "password1": "Morning-tea-42", "password2": "Morning-tea-42"}
    assert Client().post("/accounts/signup/", {**form, "username": "first"}, REMOTE_ADDR="10.1.1.1").status_code == 302
    second = Client().post("/accounts/signup/", {**form, "username": "second"}, REMOTE_ADDR="10.1.1.1")
    assert_429(second, "注册太频繁，请")
    assert 'value="second"' in second.content.decode()
    assert not User.objects.filter(username="second").exists()
    elsewhere = Client().post("/accounts/signup/", {**form, "username": "third"}, REMOTE_ADDR="10.1.1.2")
    assert elsewhere.status_code == 302


def test_password_reset_mail_is_limited_per_target_account_and_per_address(settings: Any) -> None:
    make_user("resetme", email="resetme@example.com")
    settings.PASSWORD_RESETS_PER_ACCOUNT = 2
    for n in range(2):
        r = Client().post("/accounts/password/reset/", {"email": "resetme@example.com"}, REMOTE_ADDR=f"10.2.0.{n}")
        assert r.status_code == 302
    # From a third address, the same target: refused, and the same answer for an unknown address's third ask.
    third = Client().post("/accounts/password/reset/", {"email": "RESETME@example.com"}, REMOTE_ADDR="10.2.0.9")
    assert_429(third, "重设密码邮件太频繁")
    assert 'value="RESETME@example.com"' in third.content.decode()
    assert len(mail.outbox) == 2
    settings.PASSWORD_RESETS_PER_HOUR = 3
    for n in range(3):
        Client().post("/accounts/password/reset/", {"email": f"x{n}@example.com"}, REMOTE_ADDR="10.2.1.1")
    assert_429(
        Client().post("/accounts/password/reset/", {"email": "y@example.com"}, REMOTE_ADDR="10.2.1.1"),
        "重设密码邮件太频繁",
    )


def test_reports_are_limited_per_account_and_keep_the_reason(settings: Any) -> None:
    settings.REPORTS_PER_HOUR = 1
    writer = make_writer("baodao")
    first, second = make_article(writer, "第一篇"), make_article(writer, "第二篇")
    reader = Client()
    reader.force_login(make_user("jubao"))
    assert reader.post(f"/a/{first.pk}/report/", {"reason": "标题党"}).status_code == 200
    response = reader.post(f"/a/{second.pk}/report/", {"reason": "数据造假，来源不明"})
    assert_429(response, "举报太频繁，请")
    assert "数据造假，来源不明" in response.content.decode()


@pytest.fixture
def studio() -> Client:
    client = Client()
    client.force_login(make_writer("xianliu").user)  # type: ignore[arg-type]
    return client


def test_studio_preview_and_autosave_are_limited_per_account_with_json(studio: Client, settings: Any) -> None:
    settings.PREVIEWS_PER_MINUTE = 2
    settings.AUTOSAVES_PER_MINUTE = 1
    for _ in range(2):
        assert studio.post("/studio/preview/", {"body_md": "正文"}).status_code == 200
    preview = studio.post("/studio/preview/", {"body_md": "正文"})
    assert_429(preview, "")
    assert preview.json()["error"].startswith("预览太频繁，请") and preview.json()["retry_after"] > 0
    assert studio.post("/studio/autosave/", {"title": "草稿", "body_md": "正文"}).status_code == 200
    autosave = studio.post("/studio/autosave/", {"title": "草稿", "body_md": "正文二"})
    assert_429(autosave, "")
    assert autosave.json()["error"].startswith("自动保存太频繁")


def test_image_uploads_are_limited_per_account_in_the_studio_the_api_and_join(settings: Any) -> None:
    settings.UPLOADS_PER_HOUR = 1
    writer = make_writer("tupian")
    studio = Client()
    studio.force_login(writer.user)  # type: ignore[arg-type]
    assert studio.post("/studio/upload/", {"image": png()}).status_code == 200
    refused = studio.post("/studio/upload/", {"image": png()})
    assert_429(refused, "")
    assert refused.json()["error"].startswith("上传图片太频繁")
    # The no-JavaScript form: the text is saved, the picture is refused with the message.
    page = studio.post("/studio/new/", {"title": "带图", "body_md": "文字留着", "image_file": png(), "action": "save"})
    assert_429(page, "上传图片太频繁")
    assert "文字留着" in page.content.decode()
    # The write API counts against the same account.
    token = create_token(writer.user, "脚本")[0]  # type: ignore[arg-type]
    api = Client().post("/api/v1/images", {"file": png()}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_429(api, "")
    assert api.json()["detail"].startswith("上传图片太频繁") and api.json()["retry_after"] > 0  # the API's error shape
    # A reader's avatar on /join/.
    reader = Client()
    applicant = make_user("shenqing")
    reader.force_login(applicant)
    ratelimit.hit("upload", applicant.pk)
    join = reader.post("/join/", {"kind": "media", "name": "晨报", "handle": "chenbao", "avatar": png()})
    assert_429(join, "上传图片太频繁")
    assert 'value="晨报"' in join.content.decode()


def test_the_readme_table_lists_every_limit() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for limit in ratelimit.LIMITS.values():
        assert f"`{limit.name}`" in readme, limit.name


# --------------------------------------------------------------------------------------------
# Shared by separate processes


GUESS = """
import django, sys
django.setup()
from django.test import Client
for _ in range(int(sys.argv[1])):
    r = Client().post("/accounts/login/", {"username": "reader", "password": sys.argv[2]}, REMOTE_ADDR="10.7.7.7")
print(r.status_code)
"""


def test_two_processes_share_one_sign_in_limit(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(TIDINGS_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="tidings.settings", TIDINGS_LOG_LEVEL="ERROR")
    env["TIDINGS_DEBUG"] = "1"  # plain static file names: nothing to collect first

    def run(*args: str) -> str:
        out = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""

    tidings = [sys.executable, "-m", "tidings.cli"]
    run(*tidings, "migrate", "-v0")
    run(*tidings, "createcachetable")
    run(*tidings, "shell", "--no-imports", "-c", "from tidings.accounts.models import User; User.objects.create_user('reader', password='pw-reader-123')")  # fmt: skip
    # Three wrong guesses in one process, two in another: five in all, the limit.
    assert run(sys.executable, "-c", GUESS, "3", "wrong") == "200"
    assert run(sys.executable, "-c", GUESS, "2", "wrong") == "200"
    # A third process: even the right password is refused now.
    assert run(sys.executable, "-c", GUESS, "1", "pw-reader-123") == "429"
