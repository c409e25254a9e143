"""The smaller things found (issue 13.11): the channel heading, /hot/'s 热度 and 排序说明, search
snippets, search filters that fold away, the account page's role, the sign-up message, the
user-name help, 退出关怀版's size, and compressed HTML."""

from __future__ import annotations

import gzip
import io
import re

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image as PILImage

from tests.conftest import make_article, make_user
from tidings.accounts.models import User
from tidings.articles import images
from tidings.articles.models import Article
from tidings.creators.models import Creator

pytestmark = pytest.mark.django_db


def test_the_channel_heading_is_its_chinese_name_alone(client: Client, writer: Creator) -> None:
    make_article(writer, "头条新闻", channel_slug="news")
    html = client.get("/c/news/").content.decode()
    assert re.search(r'<h1 class="page-title">[^<]+</h1>', html)
    assert "Headlines" not in html[html.index("<main") :]


def test_hot_shows_each_items_heat_and_the_formula_behind_a_fold(client: Client, writer: Creator) -> None:
    a = make_article(writer, "热文")
    html = client.get("/hot/").content.decode()
    score = Article.objects.get(pk=a.pk).hot_score
    assert f'<span class="heat">热度 {score:.1f}</span>' in html
    fold = html[html.index('<details class="hot-formula">') : html.index("</details>", html.index("hot-formula"))]
    assert "<summary>排序说明</summary>" in fold and "log10" in fold


def test_search_snippets_repeat_no_sentence_and_leave_captions_out(client: Client, writer: Creator) -> None:
    buf = io.BytesIO()
    PILImage.new("RGB", (600, 400), (20, 90, 160)).save(buf, "PNG")
    image = images.add_image(buf.getvalue(), name="p.png", by=None)
    body = (
        "长江流域的湿地正在恢复。候鸟的数量比去年多了三成。\n\n"
        f'![湿地](/media/{image.path} "图说：湿地候鸟在黄昏起飞")\n\n'
        "保护区的工作人员说，候鸟最爱浅滩。"
    )
    make_article(writer, "湿地观察", body=body, summary="长江流域的湿地正在恢复。")
    html = client.get("/search?q=候鸟").content.decode()
    snippet = re.search(r'<p class="stream-summary snippet">(.*?)</p>', html, re.S)
    assert snippet is not None
    text = re.sub(r"<[^>]+>", "", snippet.group(1))
    assert text.count("长江流域的湿地正在恢复。") == 1
    assert "图说" not in text and "黄昏起飞" not in text
    assert "候鸟的数量比去年多了三成。" in text


def test_search_filters_fold_away_and_open_when_one_is_set(client: Client) -> None:
    html = client.get("/search?q=湿地").content.decode()
    assert '<details class="search-more">' in html and "<summary>筛选：频道、日期</summary>" in html
    assert '<details class="search-more" open>' in client.get("/search?q=湿地&channel=tech").content.decode()


@pytest.mark.parametrize(
    ("role", "superuser", "shown"),
    [(User.Role.EDITOR, False, "编辑"), (User.Role.ADMIN, False, "管理员"), (User.Role.READER, True, "管理员")],
)
def test_the_account_page_shows_the_real_role_and_no_join_link_for_editors(
    client: Client, role: str, superuser: bool, shown: str
) -> None:
    user = make_user(f"u-{role}-{superuser}", role, is_superuser=superuser, is_staff=superuser)
    client.force_login(user)
    html = client.get("/accounts/").content.decode()
    assert f"<dt>身份</dt><dd>{shown}</dd>" in html
    assert 'href="/join/">申请入驻' not in html[html.index("<main") : html.index("</main>")]


def test_a_reader_still_sees_the_join_link_and_reader_role(client: Client, reader: User) -> None:
    client.force_login(reader)
    html = client.get("/accounts/").content.decode()
    assert (
        "<dt>身份</dt><dd>读者</dd>" in html
        and 'href="/join/">申请入驻' in html[html.index("<main") : html.index("</main>")]
    )


def test_the_sign_up_message_appears_on_the_next_page(client: Client) -> None:
    data = {
        "username": "新读者",
        "email": "n@example.com",
        "password1": "pw-Reader-2024",
        "password2": "pw-Reader-2024",
    }
    page = client.post("/accounts/signup/?next=/hot/", data, follow=True)
    assert page.redirect_chain[-1][0] == "/hot/"
    assert '<p class="flash flash-success">注册成功，欢迎加入！</p>' in page.content.decode()
    assert "注册成功" not in client.get("/hot/").content.decode()  # shown once
    assert User.objects.filter(username="新读者").exists()  # a Chinese user name is accepted …


def test_the_user_name_help_says_what_is_accepted(client: Client) -> None:
    html = client.get("/accounts/signup/").content.decode()
    assert "可以用汉字、英文字母、数字和 @ . + - _ 这几个符号，不能有空格" in html  # … as the help says
    data = {
        "username": "有 空格",
        "email": "k@example.com",
        "password1": "pw-Reader-2024",
        "password2": "pw-Reader-2024",
    }
    assert client.post("/accounts/signup/", data).status_code == 400


def test_html_is_compressed_for_browsers_that_ask(client: Client, writer: Creator) -> None:
    story = make_article(writer, "压缩测试")
    plain = client.get(story.get_absolute_url())
    assert "Content-Encoding" not in plain
    packed = client.get(story.get_absolute_url(), headers={"accept-encoding": "gzip, deflate, br"})
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert "压缩测试" in html and len(packed.content) < len(html.encode()) / 3
    assert packed["X-Cache"] == "HIT"  # a page-cache hit is compressed on the way out too
    feed = client.get("/feed.xml", headers={"accept-encoding": "gzip"})
    assert feed["Content-Encoding"] == "gzip"


def test_images_are_not_compressed_again(client: Client) -> None:
    buf = io.BytesIO()
    PILImage.new("RGB", (600, 400), (200, 30, 30)).save(buf, "PNG")
    image = images.add_image(buf.getvalue(), name="p.png", by=None)
    answer = client.get(f"{settings.MEDIA_URL}{image.path}", headers={"accept-encoding": "gzip"})
    assert answer.status_code == 200 and "Content-Encoding" not in answer


def test_signed_in_pages_with_csrf_tokens_are_compressed_with_breach_padding(client: Client, reader: User) -> None:
    """Django masks the CSRF token afresh in every response and pads each gzip header with up to
    100 random bytes: the compressed length of the same page does not stay the same."""
    client.force_login(reader)
    lengths = set()
    for _ in range(6):
        answer = client.get("/accounts/", headers={"accept-encoding": "gzip"})
        assert answer["Content-Encoding"] == "gzip"
        assert "csrfmiddlewaretoken" in gzip.decompress(answer.content).decode()
        lengths.add(len(answer.content))
    assert len(lengths) > 1
