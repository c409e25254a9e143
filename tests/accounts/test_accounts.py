"""Accounts: sign up, sign in (throttled), sign out, change and reset a password, Argon2, mail
settings, the account page and the header's account links."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from tidings import settings as tidings_settings
from tidings.accounts.models import User
from tidings.settings import email_settings

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Morning-tea-at-seven-42"


def signup(client: Client, username: str = "xiaoming", **kw: str) -> Any:
    data = {"username": username, "email": f"{username}@example.com", "password1": GOOD_PASSWORD}
    data["password2"] = data["password1"]
    data.update(kw)
    return client.post("/accounts/signup/", data)


def test_a_visitor_signs_up_as_a_reader_and_is_signed_in(client: Client) -> None:
    page = client.get("/accounts/signup/?next=/join/").content.decode()
    assert "注册读者账户" in page and 'for="id_password1"' in page
    response = signup(client, next="/join/")
    assert response.status_code == 302 and response["Location"] == "/join/"
    user = User.objects.get(username="xiaoming")
    assert user.role == User.Role.READER and user.email == "xiaoming@example.com"
    assert get_user(client).pk == user.pk
    # A foreign next address is not followed.
    other = Client()
    assert signup(other, "xiaohong", next="https://evil.example/")["Location"] == "/accounts/"


def test_sign_up_explains_bad_input_and_keeps_it(client: Client, reader: User) -> None:
    response = signup(client, "reader", email="not-an-email", password2="something-else")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in html and "提交未成功" in html
    assert 'value="reader"' in html and 'value="not-an-email"' in html  # nothing typed is lost
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_username-help id_username-error"' in html
    weak = signup(Client(), "weakling", password1="12345678", password2="12345678")
    assert weak.status_code == 400 and 'id="id_password2-error"' in weak.content.decode()
    assert not User.objects.filter(username__in=["weakling"]).exists()


def test_sign_in_and_sign_out(client: Client, reader: User) -> None:
    assert client.get("/accounts/")["Location"] == "/accounts/login/?next=/accounts/"
    response = client.post("/accounts/login/", {"username": "reader", "password": "pw-reader-123"})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/accounts/").content.decode()
    assert "我的账户" in page and "<dd>读者</dd>" in page and 'action="/accounts/logout/"' in page
    assert client.get("/accounts/logout/").status_code == 405  # signing out is a POST (CSRF-protected)
    assert client.post("/accounts/logout/")["Location"] == "/"
    assert not get_user(client).is_authenticated
    assert client.get("/accounts/").status_code == 302


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(client: Client, reader: User) -> None:
    wrong = client.post("/accounts/login/", {"username": "reader", "password": "nope"}).content.decode()
    unknown = client.post("/accounts/login/", {"username": "nobody", "password": "nope"}).content.decode()
    message = "用户名或密码不正确。请注意大小写。"
    assert message in wrong and message in unknown


def test_sign_in_is_throttled_after_five_failures_per_user_name_and_address(client: Client, reader: User) -> None:
    for _ in range(5):
        client.post("/accounts/login/", {"username": "reader", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    # The right password is refused too while the window lasts, with a clear message.
    response = client.post(
        "/accounts/login/", {"username": "reader", "password": "pw-reader-123"}, REMOTE_ADDR="10.0.0.1"
    )
    # 429 with Retry-After; the window is a fixed 15-minute slice, so the wait is at most that.
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 901
    minutes = re.search(r"登录失败次数过多，请 (\d+) 分钟后再试", response.content.decode())
    assert minutes is not None and 1 <= int(minutes.group(1)) <= 16
    assert not get_user(client).is_authenticated
    # Unknown names are throttled alike (nothing to learn about which accounts exist).
    for _ in range(5):
        client.post("/accounts/login/", {"username": "ghost", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    assert (
        "登录失败次数过多"
        in client.post(
            "/accounts/login/", {"username": "ghost", "password": "x"}, REMOTE_ADDR="10.0.0.1"
        ).content.decode()
    )
    # The same account from another address still signs in.
    other = Client()
    ok = other.post("/accounts/login/", {"username": "reader", "password": "pw-reader-123"}, REMOTE_ADDR="10.0.0.2")
    assert ok.status_code == 302


def test_a_success_clears_the_failure_count(client: Client, reader: User) -> None:
    for _ in range(4):
        client.post("/accounts/login/", {"username": "reader", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "reader", "password": "pw-reader-123"}).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        client.post("/accounts/login/", {"username": "reader", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "reader", "password": "pw-reader-123"}).status_code == 302


def test_many_user_names_from_one_address_are_throttled(client: Client, settings: Any, reader: User) -> None:
    settings.LOGIN_FAILURES_PER_ADDRESS = 8
    for i in range(8):
        client.post("/accounts/login/", {"username": f"guess{i}", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    response = client.post(
        "/accounts/login/", {"username": "reader", "password": "pw-reader-123"}, REMOTE_ADDR="10.9.9.9"
    )
    assert "登录失败次数过多" in response.content.decode()


def test_behind_the_proxy_each_client_is_throttled_by_its_own_address(
    client: Client, settings: Any, reader: User
) -> None:
    """Behind nginx every request comes from 127.0.0.1: one guesser must not lock everyone out,
    and a forged X-Forwarded-For (left of what nginx appends) must not reset the guesser's count."""
    settings.PROXY_COUNT = 1
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    for i in range(5):
        forged = f"192.0.2.{i}, 203.0.113.7"  # the client's invention, then what nginx appended
        client.post("/accounts/login/", {"username": f"guess{i}", "password": "wrong"}, HTTP_X_FORWARDED_FOR=forged)
    guesser = client.post(
        "/accounts/login/", {"username": "reader", "password": "pw-reader-123"}, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert "登录失败次数过多" in guesser.content.decode()
    neighbour = Client().post(
        "/accounts/login/", {"username": "reader", "password": "pw-reader-123"}, HTTP_X_FORWARDED_FOR="198.51.100.4"
    )
    assert neighbour.status_code == 302


def test_a_password_is_changed(client: Client, reader: User) -> None:
    client.force_login(reader)
    bad = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert bad.status_code == 200 and 'id="id_old_password-error"' in bad.content.decode()
    response = client.post(
        "/accounts/password/",
        {"old_password": "pw-reader-123", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert response["Location"] == "/accounts/password/done/"
    assert "密码已修改" in client.get("/accounts/password/done/").content.decode()
    assert get_user(client).is_authenticated  # the session survives its own password change
    reader.refresh_from_db()
    assert reader.check_password(GOOD_PASSWORD)


def test_the_reset_email_holds_a_link_that_sets_a_new_password(client: Client, reader: User) -> None:
    User.objects.filter(pk=reader.pk).update(email="reader@example.com")
    response = client.post("/accounts/password/reset/", {"email": "reader@example.com"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.com"] and "重设" in message.subject and "\n" not in message.subject
    link = re.search(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert link is not None, message.body
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200 and "设置新密码" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert done["Location"] == "/accounts/reset/done/"
    assert Client().post("/accounts/login/", {"username": "reader", "password": GOOD_PASSWORD}).status_code == 302
    # The link works once.
    assert "这个重设链接无效" in client.get(link.group(1), follow=True).content.decode()


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client: Client) -> None:
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_argon2_hashes_passwords_outside_tests(client: Client, settings: Any) -> None:
    assert tidings_settings.PRODUCTION_PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = tidings_settings.PRODUCTION_PASSWORD_HASHERS
    signup(client, "hashed")
    assert User.objects.get(username="hashed").password.startswith("argon2$argon2id$")


def test_a_running_site_hashes_with_argon2(tmp_path: Path) -> None:
    """The settings a real process gets (not the test run's cheap hasher)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DATABASE_URL", "REDIS_URL"))}
    env.update(TIDINGS_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="tidings.settings")
    code = (
        "import django; django.setup(); from django.contrib.auth.hashers import make_password; "
        "print(make_password('x').split('$')[0:2])"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['argon2', 'argon2id']"


def test_mail_goes_to_the_console_a_folder_or_smtp(tmp_path: Path) -> None:
    assert email_settings("console", tmp_path)["EMAIL_BACKEND"].endswith("console.EmailBackend")  # type: ignore[union-attr]
    file = email_settings("file", tmp_path)
    assert str(file["EMAIL_BACKEND"]).endswith("filebased.EmailBackend") and file["EMAIL_FILE_PATH"] == str(
        tmp_path / "mail"
    )
    assert str(email_settings("smtp", tmp_path)["EMAIL_BACKEND"]).endswith("smtp.EmailBackend")
    with pytest.raises(ImproperlyConfigured, match="console, file or smtp"):
        email_settings("pigeon", tmp_path)


def test_the_header_shows_the_right_account_links(client: Client, reader: User, editor: User) -> None:
    header = client.get("/").content.decode().split("<main")[0]
    assert 'href="/accounts/login/?next=/"' in header and 'href="/accounts/signup/?next=/"' in header
    client.force_login(reader)
    header = client.get("/").content.decode().split("<main")[0]
    assert 'href="/accounts/"' in header and 'action="/accounts/logout/"' in header and "/review/" not in header
    client.force_login(editor)
    assert 'href="/review/"' in client.get("/").content.decode().split("<main")[0]


def test_the_account_page_lists_applications_and_links(client: Client, reader: User) -> None:
    from tests.moderation.test_moderation import apply

    apply(reader, handle="mine", name="我的号")
    client.force_login(reader)
    page = client.get("/accounts/").content.decode()
    assert "我的入驻申请" in page and "我的号（@mine）" in page and "审核中" in page
    assert 'href="/accounts/password/"' in page and "审核通知" in page
    assert 'href="/feed/settings/"' in page  # the personalisation switch is one click from the account


def test_role_changes_in_the_admin_are_audit_logged(client: Client, reader: User) -> None:
    from tidings.audit.models import Entry

    boss = User.objects.create_superuser("boss", "boss@example.com", "pw-boss-12345", role=User.Role.ADMIN)
    client.force_login(boss)
    page = client.get(f"/admin/accounts/user/{reader.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in {"groups", "user_permissions"}}
    data.update(
        role="editor", is_active="on", is_staff="on", date_joined_0="2024-01-01", date_joined_1="08:00:00",
        last_login_0="", last_login_1="",
    )  # fmt: skip
    response = client.post(f"/admin/accounts/user/{reader.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    reader.refresh_from_db()
    assert reader.role == User.Role.EDITOR
    entry = Entry.objects.get(action="user.role")
    assert (entry.actor_id, entry.target_id, entry.data) == (boss.pk, reader.pk, {"old": "reader", "new": "editor"})
