"""The creator's whole story, as a new user lives it, in Debian's chromium (issue 3).

sign up → apply (申请入驻) → an editor approves → write with an uploaded image → live preview →
publish (in review while on probation) → the editor approves → the article page shows it →
edit → a revision appears → schedule another → the worker publishes it at its minute.

Three people, three browser contexts: the newcomer, the editor, and an anonymous reader.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image as PILImage

from tests.browser import wait_until
from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.audit.models import Entry
from tidings.creators.models import Creator

PASSWORD = "Lantern-by-the-old-bridge-7"


def picture(tmp_path: Any) -> Any:
    path = tmp_path / "桥头早市.png"
    buf = io.BytesIO()
    PILImage.new("RGB", (960, 640), (30, 110, 90)).save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return path


def sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def decide(page: Any, url: str, reason: str, decision: str = "approve") -> None:
    page.goto(url)
    page.fill("#id_reason", reason)
    with page.expect_navigation():
        page.click(f'button[name="decision"][value="{decision}"]')


def next_schedulable_minute() -> dt.datetime:
    """A site-local minute at least 15 s away: the studio only takes times in the future."""
    now = timezone.localtime()
    minute = now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    if (minute - now).total_seconds() < 15:
        minute += dt.timedelta(minutes=1)
    return minute


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("spec_channels")
def test_a_new_user_becomes_a_creator_and_publishes_now_and_on_schedule(
    browser: Any, live_server: Any, settings: Any, tmp_path: Any
) -> None:
    settings.PROBATION_ARTICLES = 1  # one reviewed article, then the creator publishes directly
    User.objects.create_user("chief", password=PASSWORD, role=User.Role.EDITOR, is_staff=True)
    base = live_server.url
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN") for _ in range(3)]
    me, desk, reader = (c.new_page() for c in contexts)
    errors: list[str] = []
    for page in (me, desk, reader):
        page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        # 1. Sign up from the join page, and come back to it.
        me.goto(f"{base}/join/")
        with me.expect_navigation():
            me.click('main a[href="/accounts/signup/?next=/join/"]')
        me.fill("#id_username", "qiaotou")
        me.fill("#id_email", "qiaotou@example.com")
        me.fill("#id_password1", PASSWORD)
        me.fill("#id_password2", PASSWORD)
        with me.expect_navigation():
            me.click("main button[type=submit]")
        assert me.url == f"{base}/join/"

        # 2. Apply to join.
        me.check("#id_kind_0")
        me.fill("#id_name", "桥头观察")
        me.fill("#id_handle", "qiaotou-watch")
        me.select_option("#id_channel", label="科技")
        me.fill("#id_bio", "在老桥头记录一座小城的早晨。")
        me.fill("#id_sample_text", "清晨六点，桥头的早市已经热闹起来。")
        with me.expect_navigation():
            me.click("main form button[type=submit]")
        assert "审核中" in me.inner_text("main")

        # 3. The editor approves the application from the queue.
        sign_in(desk, base, "chief", PASSWORD)
        desk.goto(f"{base}/review/")
        with desk.expect_navigation():
            desk.click("text=桥头观察（@qiaotou-watch）")
        desk.fill("#id_reason", "欢迎入驻")
        with desk.expect_navigation():
            desk.click('button[name="decision"][value="approve"]')
        creator = Creator.objects.get(handle="qiaotou-watch")
        assert creator.user.username == "qiaotou" and creator.probation_left == 1

        # 4. Write in the studio, with an uploaded image and the live preview.
        me.goto(f"{base}/studio/")
        assert "欢迎入驻" in me.inner_text("main")  # the editor's decision reaches the studio
        me.goto(f"{base}/studio/new/")
        me.fill("#f-title", "桥头的早市")
        me.fill("#f-body", "## 六点钟\n\n卖豆浆的摊子最先支起来。")
        me.fill("#f-image-alt", "早市的摊位")
        me.set_input_files("#f-image", str(picture(tmp_path)))
        # The image asks for its alt text (what was typed above) and a caption before it goes in.
        assert me.input_value("#d-image-alt") == "早市的摊位"
        me.click("#image-dialog [data-image-ok]")
        wait_until(me, "document.querySelector('#upload-status').textContent.includes('已上传')", 15)
        assert re.search(r"!\[早市的摊位\]\(/media/img/.+\.jpg\)", me.input_value("#f-body"))
        wait_until(me, "document.querySelectorAll('#preview figure picture img').length === 1", 15)
        assert me.locator("#preview h2").inner_text() == "六点钟"

        # 5. Publish: on probation it goes to review first, and is not public yet.
        with me.expect_navigation():
            me.get_by_role("button", name="提交审核").click()
        article = Article.objects.get(title="桥头的早市")
        assert article.status == Article.Status.PENDING
        assert reader.goto(f"{base}/a/{article.pk}/").status == 404

        # 6. The editor approves the article; the reader sees it, image and all.
        decide(desk, f"{base}/review/articles/{article.pk}/", "写得扎实")
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
        assert reader.goto(f"{base}/a/{article.pk}/").status == 200
        assert reader.locator("h1").inner_text() == "桥头的早市"
        assert reader.locator(".article-body figure img").get_attribute("alt") == "早市的摊位"
        assert reader.locator(".article-body figure img").evaluate("i => i.complete && i.naturalWidth > 0")

        # 7. Edit the published article: a second revision appears, and the page changes.
        me.goto(f"{base}/studio/a/{article.pk}/")
        me.fill("#f-title", "桥头的早市（补记）")
        with me.expect_navigation():
            me.get_by_role("button", name="保存修改").click()
        me.goto(f"{base}/studio/a/{article.pk}/revisions/")
        assert me.locator(".revision-list li").count() == 2
        reader.goto(f"{base}/a/{article.pk}/")
        assert reader.locator("h1").inner_text() == "桥头的早市（补记）"

        # 8. Probation is over: schedule another for the next minute; nothing is public before it.
        due = next_schedulable_minute()
        me.goto(f"{base}/studio/new/")
        me.fill("#f-title", "傍晚的桥头")
        me.fill("#f-body", "太阳落下去，桥上的灯一盏盏亮了。")
        me.fill("#f-publish-at", due.strftime("%Y-%m-%dT%H:%M"))
        with me.expect_navigation():
            me.get_by_role("button", name="定时发布").click()
        later = Article.objects.get(title="傍晚的桥头")
        assert later.status == Article.Status.SCHEDULED
        assert reader.goto(f"{base}/a/{later.pk}/").status == 404
        call_command("worker", "--batch")  # before its minute the worker leaves it alone
        assert Article.objects.get(pk=later.pk).status == Article.Status.SCHEDULED

        # 9. At its minute the worker publishes it, and the audit log says how late.
        time.sleep(max(0.0, (due - timezone.localtime()).total_seconds()) + 0.5)
        call_command("worker", "--batch")
        assert Article.objects.get(pk=later.pk).status == Article.Status.PUBLISHED
        entry = Entry.objects.get(action="article.publish_scheduled", target_id=later.pk)
        assert 0 <= entry.data["late_seconds"] < 60
        assert reader.goto(f"{base}/a/{later.pk}/").status == 200
        assert "傍晚的桥头" in reader.locator("h1").inner_text()

        # Every decision on the way was logged with who and why.
        actions = list(Entry.objects.order_by("at", "pk").values_list("action", "actor__username", "reason"))
        assert ("application.approve", "chief", "欢迎入驻") in actions
        assert ("article.approve", "chief", "写得扎实") in actions
        assert errors == []
    finally:
        for c in contexts:
            c.close()
