"""Writing as Chinese creators write (issue 13.13): rich text pasted from Word, a 公众号 editor or a
web page, put on the browser's real clipboard (the Clipboard API) and pasted with Ctrl+V, turns
into clean Markdown; its images come into the media library (data: pictures and clipboard files by
upload, http(s) ones through the SSRF-guarded fetch); 字数 and the title's 5–30 字 hint; an image
asks for alt text and a caption; the studio fits a 390 px phone. Also the server side of it: the
fetch endpoint's refusals, the caption without JavaScript, the vendored turndown's integrity."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image as PILImage

from tests.browser import wait_until
from tests.conftest import make_writer
from tidings.articles.models import Image
from tidings.creators.models import Creator

ROOT = Path(__file__).resolve().parents[2]
VENDORED = {
    "static/vendor/turndown/turndown-7.2.5.js": "f46330e27d6009ecc3b001237e735cf58293772d2a465436a61de6f536b59a81",
    "static/vendor/turndown/turndown-plugin-gfm-1.0.2.js": "cf744cc1b7580f06d64ce236a4ff2630a53d389eccf2133a09d71ca443511912",
}


def png(size: tuple[int, int] = (640, 400), colour: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buf, "PNG")
    return buf.getvalue()


class Pictures(BaseHTTPRequestHandler):
    """Another site's pictures (a 公众号's image host), reachable only by the test's allowance."""

    def do_GET(self) -> None:
        if self.path.startswith("/mmbiz/"):
            body = png((800, 500), (200, 80, 40))
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def picture_host(settings: Any) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Pictures)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    host = f"127.0.0.1:{httpd.server_address[1]}"
    settings.FETCH_ALLOW_PRIVATE_HOSTS = {host}
    yield host
    httpd.shutdown()
    httpd.server_close()


def test_the_vendored_turndown_is_the_published_one_with_its_licence() -> None:
    for path, digest in VENDORED.items():
        assert hashlib.sha256((ROOT / path).read_bytes()).hexdigest() == digest, path
    licences = [
        (ROOT / "static/vendor/turndown" / name).read_text()
        for name in ("LICENSE-turndown", "LICENSE-turndown-plugin-gfm")
    ]
    assert all("MIT License" in text for text in licences)


# --------------------------------------------------------------------------------------------
# The server side, over HTTP


@pytest.mark.django_db
def test_fetching_a_pasted_image_goes_through_the_guarded_fetch(picture_host: str, settings: Any) -> None:
    writer = make_writer("tiepian")
    client = Client()
    client.force_login(writer.user)
    ok = client.post(
        "/studio/fetch-image/", {"url": f"http://{picture_host}/mmbiz/a.png", "alt": "图", "caption": "图注"}
    )
    assert ok.status_code == 200
    body = ok.json()
    assert re.fullmatch(r'!\[图\]\(/media/img/.+\.jpg "图注"\)', body["markdown"])
    assert Image.objects.filter(path=body["path"]).exists()
    settings.FETCH_ALLOW_PRIVATE_HOSTS = set()  # an inner address, as any other: refused
    refused = client.post("/studio/fetch-image/", {"url": f"http://{picture_host}/mmbiz/b.png"})
    assert refused.status_code == 400 and "无法获取" in refused.json()["error"]
    for url in ("", "file:///etc/passwd", "javascript:alert(1)"):
        assert client.post("/studio/fetch-image/", {"url": url}).status_code == 400
    assert Client().post("/studio/fetch-image/", {"url": "http://example.com/a.png"}).status_code in (302, 403)


@pytest.mark.django_db
def test_fetching_pasted_images_counts_against_the_external_image_limit(picture_host: str, settings: Any) -> None:
    settings.EXTERNAL_IMAGES_PER_HOUR = 2
    writer = make_writer("xianliu")
    client = Client()
    client.force_login(writer.user)
    answers = [client.post("/studio/fetch-image/", {"url": f"http://{picture_host}/mmbiz/{n}.png"}) for n in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0 and "获取外站图片太频繁" in answers[-1].json()["error"]


@pytest.mark.django_db
def test_uploading_without_javascript_inserts_the_alt_text_and_the_caption() -> None:
    writer = make_writer("wujs")
    client = Client()
    client.force_login(writer.user)
    page = client.get("/studio/new/").content.decode()
    assert 'name="image_caption"' in page and "字数" in page and "标题建议 5–30 字" in page
    upload = io.BytesIO(png())
    upload.name = "早市.png"
    answer = client.post(
        "/studio/new/",
        {"title": "早市", "body_md": "正文。", "channel": "news", "action": "upload",
         "image_file": upload, "image_alt": "早市的摊位", "image_caption": "六点钟的早市"},
    )  # fmt: skip
    assert answer.status_code == 302
    from tidings.articles.models import Article

    body = Article.objects.get(title="早市").body_md
    assert re.search(r'!\[早市的摊位\]\(/media/img/.+\.jpg "六点钟的早市"\)', body)
    html = Client().get(f"/studio/a/{Article.objects.get(title='早市').pk}/")  # another's drafts stay private
    assert html.status_code in (302, 404)


@pytest.mark.django_db
def test_the_studio_counts_words_and_the_titles_length_without_javascript() -> None:
    writer = make_writer("zishu")
    client = Client()
    client.force_login(writer.user)
    answer = client.post(
        "/studio/new/", {"title": "短", "body_md": "今天天气很好 hello world 2024。", "channel": "news"}
    )
    page = client.get(answer["Location"]).content.decode()
    assert "字数：<span data-word-count>9</span>" in page  # 6 characters, 2 words, 1 number
    assert "<span data-title-count>1</span> 字<span data-title-advice>：偏短" in page


# --------------------------------------------------------------------------------------------
# In the browser, with the real clipboard

WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">
<head><meta name=Generator content="Microsoft Word 15"><style><!-- p.MsoNormal {margin:0cm;} --></style></head>
<body lang=ZH-CN>
<!--StartFragment-->
<h1>国产芯片的一年<o:p></o:p></h1>
<p class=MsoNormal><span lang=ZH-CN style='font-family:等线'>记者走访了三家工厂。<b>产能翻了一番</b>，订单排到明年。<o:p></o:p></span></p>
<p class=MsoNormal><span style='font-weight:bold'>样式里的加粗</span>和<i>斜体</i>。<o:p>&nbsp;</o:p></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]>晶圆切割<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]>封装测试<o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='mso-list:l1 level1 lfo2'><![if !supportLists]><span style='mso-list:Ignore'>1.<span>&nbsp; </span></span><![endif]>第一步<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='mso-list:l1 level1 lfo2'><![if !supportLists]><span style='mso-list:Ignore'>2.<span>&nbsp; </span></span><![endif]>第二步<o:p></o:p></p>
<p class=MsoNormal>详见<a href="https://example.com/report">行业报告</a>，<a href="#_Toc123">目录书签</a>，<a href="javascript:alert(1)">坏链接</a>。</p>
<p class=MsoNormal><span style='display:none;mso-hide:all'>隐藏的批注</span>结束。</p>
<!--EndFragment-->
</body></html>"""

WEB_HTML = """<article><h2>小标题</h2><blockquote><p>一句引语。</p></blockquote>
<ul><li>要点一</li><li>要点<strong>二</strong></li></ul>
<p>配图：</p><img src="data:image/png;base64,{png}" alt="网页配图" title="网页上的图注">
<script>window.__pwned = true</script><p onclick="window.__pwned = true">点我</p></article>"""

MP_HTML = """<section style="margin: 0px; padding: 0px;"><section><p style="text-align: center;"><span style="font-weight: bold; color: rgb(255, 0, 0);">公众号的重点</span></p>
<p><img class="rich_pages wxw-img" data-src="http://{host}/mmbiz/640.png" src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" data-ratio="0.625" alt="" style="width: 100%;"></p>
<p>图片下面的一段话。</p></section></section>"""


def studio_page(browser: Any, live_server: Any, writer: Creator, width: int = 1280) -> Any:
    client = Client()
    client.force_login(writer.user)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    page.goto(f"{live_server.url}/studio/new/")
    return page


def paste_html(page: Any, html: str, plain: str = "纯文本") -> None:
    """Put HTML on the system clipboard as a copy from Word or a browser does, then Ctrl+V into the body."""
    page.evaluate(
        """async ([html, plain]) => {
          await navigator.clipboard.write([new ClipboardItem({
            'text/html': new Blob([html], { type: 'text/html' }),
            'text/plain': new Blob([plain], { type: 'text/plain' }),
          })]);
        }""",
        [html, plain],
    )
    page.focus("#f-body")
    page.keyboard.press("Control+V")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pasting_from_word_gives_clean_markdown(browser: Any, live_server: Any, spec_channels: None) -> None:
    writer = make_writer("wordren")
    page = studio_page(browser, live_server, writer)
    paste_html(page, WORD_HTML)
    wait_until(page, "document.querySelector('#f-body').value.includes('第二步')")
    md = page.input_value("#f-body")
    assert md.startswith("# 国产芯片的一年\n\n")
    assert "记者走访了三家工厂。**产能翻了一番**，订单排到明年。" in md
    assert "**样式里的加粗**和*斜体*。" in md
    assert "- 晶圆切割\n- 封装测试" in md
    assert "1. 第一步\n2. 第二步" in md
    assert "详见[行业报告](https://example.com/report)，目录书签，坏链接。" in md
    assert "结束。" in md and "隐藏的批注" not in md
    for junk in ("mso", "o:p", "Mso", "<", "&nbsp;", "\u00a0", "·", "StartFragment"):
        assert junk not in md, junk
    # The preview renders it as the reader will see it, through the site's renderer.
    wait_until(
        page,
        "document.querySelectorAll('#preview ul li').length === 2 && document.querySelectorAll('#preview ol li').length === 2",
    )
    assert page.errors == []
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pasting_a_web_page_uploads_its_picture_and_drops_its_scripts(
    browser: Any, live_server: Any, spec_channels: None
) -> None:
    writer = make_writer("wangye")
    page = studio_page(browser, live_server, writer)
    page.fill("#f-body", "开头一段。")
    page.evaluate("document.querySelector('#f-body').setSelectionRange(5, 5)")
    paste_html(page, WEB_HTML.format(png=base64.b64encode(png((300, 200))).decode()))
    wait_until(page, "/!\\[网页配图\\]\\(\\/media\\/img\\//.test(document.querySelector('#f-body').value)", 15)
    md = page.input_value("#f-body")
    assert md.startswith("开头一段。\n\n## 小标题\n\n> 一句引语。\n\n- 要点一\n- 要点**二**\n\n配图：")
    assert re.search(r'!\[网页配图\]\(/media/img/[0-9a-f]{2}/[0-9a-f]{20}-300\.jpg "网页上的图注"\)', md)
    assert "tidings-paste" not in md and "data:" not in md and "script" not in md and "pwned" not in md
    assert "点我" in md
    wait_until(
        page,
        "document.querySelector('#preview figure figcaption') && document.querySelector('#preview figure figcaption').textContent === '网页上的图注'",
        10,
    )
    assert page.evaluate("window.__pwned === undefined")
    assert "已上传粘贴内容里的 1 张图片" in page.inner_text("#upload-status")
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pasting_from_a_wechat_editor_fetches_its_images_through_the_guarded_fetch(
    browser: Any, live_server: Any, spec_channels: None, picture_host: str
) -> None:
    writer = make_writer("gongzhonghao")
    page = studio_page(browser, live_server, writer)
    paste_html(page, MP_HTML.format(host=picture_host))
    wait_until(page, "/\\/media\\/img\\/.+-800\\.jpg/.test(document.querySelector('#f-body').value)", 15)
    md = page.input_value("#f-body")
    assert "**公众号的重点**" in md and "图片下面的一段话。" in md
    assert re.search(r"!\[图片\]\(/media/img/[0-9a-f]{2}/[0-9a-f]{20}-800\.jpg\)", md)
    assert picture_host not in md and "data:image/gif" not in md
    assert Image.objects.filter(width=800, height=500).count() == 1
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_pasted_screenshot_asks_for_alt_text_and_caption(browser: Any, live_server: Any, spec_channels: None) -> None:
    writer = make_writer("jietu")
    page = studio_page(browser, live_server, writer)
    page.evaluate(
        """async (b64) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          await navigator.clipboard.write([new ClipboardItem({ 'image/png': new Blob([bytes], { type: 'image/png' }) })]);
        }""",
        base64.b64encode(png((500, 320), (10, 160, 90))).decode(),
    )
    page.focus("#f-body")
    page.keyboard.press("Control+V")
    wait_until(page, "document.getElementById('image-dialog').open")
    page.fill("#d-image-alt", "后台数据截图")
    page.fill("#d-image-caption", "十月的阅读量")
    page.click("#image-dialog [data-image-ok]")
    wait_until(page, "document.querySelector('#f-body').value.includes('/media/img/')", 15)
    assert re.search(r'!\[后台数据截图\]\(/media/img/.+-500\.jpg "十月的阅读量"\)', page.input_value("#f-body"))
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_plain_paste_with_shift_keeps_the_text_as_it_is(browser: Any, live_server: Any, spec_channels: None) -> None:
    writer = make_writer("chunwenben")
    page = studio_page(browser, live_server, writer)
    page.evaluate(
        """async () => navigator.clipboard.write([new ClipboardItem({
          'text/html': new Blob(['<p><b>粗体</b></p>'], { type: 'text/html' }),
          'text/plain': new Blob(['**原样的** Markdown'], { type: 'text/plain' }),
        })])"""
    )
    page.focus("#f-body")
    page.keyboard.press("Control+Shift+V")
    wait_until(page, "document.querySelector('#f-body').value.length > 0")
    assert page.input_value("#f-body") == "**原样的** Markdown"
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_word_count_and_title_hint_follow_the_typing(browser: Any, live_server: Any, spec_channels: None) -> None:
    writer = make_writer("zishuren")
    page = studio_page(browser, live_server, writer)
    page.fill("#f-title", "短")
    assert "偏短" in page.inner_text("[data-title-help]") and page.inner_text("[data-title-count]") == "1"
    page.fill("#f-title", "国产芯片实验室探访：一块晶圆的旅程")
    assert page.inner_text("[data-title-advice]") == "" and page.inner_text("[data-title-count]") == "17"
    page.fill("#f-title", "标" * 31)
    assert "偏长" in page.inner_text("[data-title-help]")
    page.fill("#f-body", "## 小标题\n\n今天天气很好，**hello world** 2024。\n\n![图](https://example.com/a.png)")
    wait_until(page, "document.querySelector('[data-word-count]').textContent === '12'")  # 小标题 3 + 6 + 3
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_studio_fits_a_390px_phone(browser: Any, live_server: Any, spec_channels: None) -> None:
    writer = make_writer("shouji")
    page = studio_page(browser, live_server, writer, width=390)
    sizes = page.evaluate(
        """() => ({doc: document.documentElement.scrollWidth,
                   body: document.querySelector('#f-body').getBoundingClientRect().width,
                   title: document.querySelector('#f-title').getBoundingClientRect().width,
                   toolbar: document.querySelector('.md-toolbar').getBoundingClientRect().height,
                   bold: document.querySelector('.md-toolbar button').getBoundingClientRect().height})"""
    )
    assert sizes["doc"] <= 390 and sizes["body"] >= 330 and sizes["title"] >= 330
    assert sizes["toolbar"] <= sizes["bold"] + 12  # one row of format buttons (it scrolls sideways)
    page.fill("#f-title", "手机上写的文章")
    page.fill("#f-body", "在手机上也能写。")
    with page.expect_navigation():
        page.get_by_role("button", name="保存草稿").click()
    assert "已保存" in page.inner_text("#studio-message")
    page.context.close()
