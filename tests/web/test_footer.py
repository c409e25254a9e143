"""A footer a Chinese site needs (issue 13.10): edited in the admin, each item hidden while empty;
用户协议 and 隐私政策 as pages from Markdown through the articles' renderer and sanitiser; sign-up
asks to accept them when both exist."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import make_user
from tidings.accounts.models import User
from tidings.web.models import PlatformNotice

pytestmark = pytest.mark.django_db

AGREEMENT = "# 用户协议\n\n欢迎使用本站。**请仔细阅读。**\n\n<script>alert(1)</script>\n\n[联系](javascript:alert(1))"
POLICY = "## 隐私政策\n\n- 我们收集的信息\n- 我们如何使用"


def footer_of(html: str) -> str:
    return html[html.index('<footer class="site-footer">') :]


def fill(**fields: str) -> PlatformNotice:
    notice = PlatformNotice.objects.order_by("pk").first() or PlatformNotice()
    for k, v in fields.items():
        setattr(notice, k, v)
    notice.save()
    from tidings.lib.sitecache import invalidate_site

    invalidate_site()
    return notice


def test_an_empty_footer_shows_none_of_the_items(client: Client) -> None:
    footer = footer_of(client.get("/").content.decode())
    for text in ("用户协议", "隐私政策", "联系我们", "ICP", "公网安备", "违法和不良信息举报", "footer-items"):
        assert text not in footer
    assert client.get("/terms/").status_code == 404 and client.get("/privacy/").status_code == 404


def test_the_filled_footer_shows_each_item(client: Client) -> None:
    fill(
        agreement_md=AGREEMENT,
        privacy_md=POLICY,
        contact="邮箱 editor@example.com",
        report_contact="举报电话 010-12345678",
        icp="京ICP备12345678号-1",
        police_record="京公网安备 11010502000001号",
    )
    footer = footer_of(client.get("/").content.decode())
    assert '<a href="/terms/">用户协议</a>' in footer and '<a href="/privacy/">隐私政策</a>' in footer
    assert "联系我们：邮箱 editor@example.com" in footer
    assert "违法和不良信息举报：举报电话 010-12345678" in footer
    assert '<a href="https://beian.miit.gov.cn/" rel="noopener" lang="zh-Hans">京ICP备12345678号-1</a>' in footer
    assert 'href="https://beian.mps.gov.cn/#/query/webSearch?code=11010502000001"' in footer


def test_only_what_is_filled_in_is_shown(client: Client) -> None:
    fill(icp="沪ICP备00000001号")
    footer = footer_of(client.get("/").content.decode())
    assert "沪ICP备00000001号" in footer
    assert "用户协议" not in footer and "联系我们" not in footer and "公网安备" not in footer


def test_the_agreement_is_markdown_rendered_and_sanitised_as_articles_are(client: Client) -> None:
    fill(agreement_md=AGREEMENT, privacy_md=POLICY)
    html = client.get("/terms/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert '<h1 class="page-title">用户协议</h1>' in main and "<strong>请仔细阅读。</strong>" in main
    assert "<script" not in main and "javascript:" not in main
    assert "<li>我们收集的信息</li>" in client.get("/privacy/").content.decode()


def test_editing_in_the_admin_changes_the_footer_at_once(client: Client, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    admin = User.objects.create_superuser("boss", password="pw-boss-12345")
    editor = Client()
    editor.force_login(admin)
    notice = PlatformNotice.objects.order_by("pk").first()
    assert notice is not None
    client.get("/")  # the page is in the cache now
    form = {
        "text_zh": notice.text_zh,
        "text_en": notice.text_en,
        "contact": "电话 021-87654321",
        "report_contact": "",
        "icp": "",
        "police_record": "",
        "agreement_md": "协议正文。",
        "privacy_md": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(f"/admin/web/platformnotice/{notice.pk}/change/", form).status_code == 302
    footer = footer_of(client.get("/").content.decode())
    assert "联系我们：电话 021-87654321" in footer and '<a href="/terms/">用户协议</a>' in footer
    assert "<p>协议正文。</p>" in client.get("/terms/").content.decode()


def test_sign_up_asks_to_accept_both_texts_when_both_exist(client: Client) -> None:
    data = {
        "username": "xinren",
        "email": "x@example.com",
        "password1": "pw-Xinren-2024",
        "password2": "pw-Xinren-2024",
    }
    fill(agreement_md=AGREEMENT)  # only one of the two: nothing to accept yet
    assert "accept_terms" not in client.get("/accounts/signup/").content.decode()
    fill(agreement_md=AGREEMENT, privacy_md=POLICY)
    page = client.get("/accounts/signup/").content.decode()
    assert 'name="accept_terms"' in page and "required" in page
    assert '<a href="/terms/" target="_blank" rel="noopener">《用户协议》</a>' in page
    refused = client.post("/accounts/signup/", data)
    assert refused.status_code == 400 and "请先阅读并勾选同意《用户协议》和《隐私政策》。" in refused.content.decode()
    assert not User.objects.filter(username="xinren").exists()
    assert client.post("/accounts/signup/", {**data, "accept_terms": "on"}).status_code == 302
    assert User.objects.filter(username="xinren").exists()


def test_sign_up_without_the_texts_asks_nothing(client: Client) -> None:
    data = {"username": "laoke", "email": "l@example.com", "password1": "pw-Laoke-2024", "password2": "pw-Laoke-2024"}
    assert client.post("/accounts/signup/", data).status_code == 302
    make_user("other")
