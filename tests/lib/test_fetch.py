"""External images are fetched into the media library at save time, without opening the server's
own network to whoever writes the URL (issue 10.8).

A local HTTP server serves the images; it is reachable only through the explicit test-only
allowance settings.FETCH_ALLOW_PRIVATE_HOSTS. Without it the same fetches are refused.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image as PILImage

from tests.conftest import make_writer
from tidings.api.tokens import create_token
from tidings.articles import external_images
from tidings.articles.models import Article, Image
from tidings.lib.fetch import FetchRefused, fetch

pytestmark = pytest.mark.django_db


def png(size: tuple[int, int] = (640, 400)) -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", size, (30, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


class Handler(BaseHTTPRequestHandler):
    redirect_to = ""

    def do_GET(self) -> None:
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", Handler.redirect_to)
            self.end_headers()
        elif self.path.startswith("/photo.png"):
            body = png()
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path.startswith("/big"):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"x" * 300_000)
        elif self.path.startswith("/text"):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"not an image at all")
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def allowed(server: str, settings: Any) -> str:
    settings.FETCH_ALLOW_PRIVATE_HOSTS = {server}
    return server


# --- the guarded fetch ---------------------------------------------------------------------------


def test_the_allowance_is_off_by_default() -> None:
    assert not settings.FETCH_ALLOW_PRIVATE_HOSTS


def test_it_fetches_from_an_allowed_local_server(allowed: str) -> None:
    got = fetch(f"http://{allowed}/photo.png")
    assert got.data == png() and got.content_type == "image/png"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/photo.png",
        "http://localhost:{port}/photo.png",  # a DNS name that resolves to loopback
        "http://[::1]:{port}/photo.png",
        "http://10.0.0.1:{port}/photo.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://192.168.1.1/x.png",
        "http://0.0.0.0:{port}/photo.png",
        "http://[::ffff:127.0.0.1]:{port}/photo.png",
    ],
)
def test_it_refuses_inner_addresses_without_the_allowance(server: str, url: str) -> None:
    port = server.rsplit(":", 1)[1]
    with pytest.raises(FetchRefused, match="内部网络"):
        fetch(url.format(port=port))


@pytest.mark.parametrize(
    "target", ["http://127.0.0.1:1/x.png", "http://10.1.2.3/x.png", "http://169.254.169.254/", "http://[::1]/x.png"]
)
def test_it_refuses_a_redirect_to_an_inner_address(allowed: str, target: str) -> None:
    Handler.redirect_to = target
    with pytest.raises(FetchRefused, match="内部网络"):
        fetch(f"http://{allowed}/redirect")


def test_the_allowance_names_one_host_as_written_not_every_name_of_its_address(
    allowed: str,
) -> None:
    Handler.redirect_to = f"http://localhost:{allowed.rsplit(':', 1)[1]}/photo.png"
    with pytest.raises(FetchRefused, match="内部网络"):
        fetch(f"http://{allowed}/redirect")


def test_it_follows_a_redirect_it_has_checked(allowed: str) -> None:
    Handler.redirect_to = f"http://{allowed}/photo.png"
    assert fetch(f"http://{allowed}/redirect").data == png()


@pytest.mark.parametrize("url", ["ftp://example.com/a.png", "file:///etc/passwd", "gopher://x/"])
def test_it_fetches_http_and_https_only(url: str) -> None:
    with pytest.raises(FetchRefused, match="http"):
        fetch(url)


def test_it_stops_at_the_byte_limit(allowed: str) -> None:
    with pytest.raises(FetchRefused, match="MB"):
        fetch(f"http://{allowed}/big", max_bytes=100_000)


def test_it_says_when_a_name_does_not_resolve() -> None:
    with pytest.raises(FetchRefused, match="找不到主机"):
        fetch("http://no-such-host.invalid/a.png")


# --- saving an article with external images ------------------------------------------------------

FORM = {"title": "外站图片", "summary": "", "channel": "news", "tags": "", "action": "save"}


def studio_client() -> Client:
    client = Client()
    client.force_login(make_writer("waizhan").user)
    return client


def test_a_studio_save_brings_external_images_into_the_media_library(allowed: str) -> None:
    body = f"前文\n\n![照片](http://{allowed}/photo.png)\n\n后文"
    r = studio_client().post("/studio/new/", {**FORM, "body_md": body})
    assert r.status_code == 302
    article = Article.objects.get()
    image = Image.objects.get()
    assert article.body_md == f"前文\n\n![照片]({settings.MEDIA_URL}{image.path})\n\n后文"
    assert (image.width, image.height) == (640, 400)
    assert "<picture>" in article.body_html and allowed not in article.body_html


def test_a_failed_fetch_refuses_the_save_and_names_the_url(server: str) -> None:
    url = f"http://{server}/photo.png"  # no allowance: an inner address
    r = studio_client().post("/studio/new/", {**FORM, "body_md": f"![照片]({url})"})
    assert r.status_code == 400
    text = r.content.decode()
    assert f"外站图片 {url} 无法获取" in text and "内部网络" in text
    assert not Article.objects.exists() and not Image.objects.exists()


def test_a_fetched_file_that_is_not_an_image_refuses_the_save(allowed: str) -> None:
    r = studio_client().post("/studio/new/", {**FORM, "body_md": f"![x](http://{allowed}/text)"})
    assert r.status_code == 400 and "无法使用" in r.content.decode()
    assert not Article.objects.exists()


def test_the_write_api_refuses_a_body_whose_image_cannot_be_fetched() -> None:
    author = make_writer("apiwaizhan")
    token = create_token(author.user, "t")[0]
    r = Client().post(
        "/api/v1/articles",
        {"title": "t", "body_md": "![x](http://169.254.169.254/latest/meta-data/)", "channel": "news"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code in (400, 422) and "169.254.169.254" in r.content.decode()
    assert not Article.objects.exists()


def test_images_already_on_the_site_are_not_fetched() -> None:
    body = f"![a]({settings.MEDIA_URL}2026/01/a.jpg) ![b](/static/b.png)"
    assert external_images.external_sources(body) == []
    assert external_images.localise_external_images(body, by=None) == (body, {})


def test_one_save_fetches_at_most_the_per_save_limit(allowed: str, monkeypatch: Any) -> None:
    monkeypatch.setattr(external_images, "PER_SAVE", 2)
    body = "\n\n".join(f"![{i}](http://{allowed}/photo.png?{i})" for i in range(3))
    r = studio_client().post("/studio/new/", {**FORM, "body_md": body})
    assert r.status_code == 400 and "一次最多保存 2 张外站图片" in r.content.decode()


def test_an_account_fetches_at_most_the_hourly_limit(allowed: str, settings: Any) -> None:
    settings.EXTERNAL_IMAGES_PER_HOUR = 2
    client = studio_client()
    for i in range(2):
        r = client.post("/studio/new/", {**FORM, "body_md": f"![{i}](http://{allowed}/photo.png?{i})"})
        assert r.status_code == 302
    r = client.post("/studio/new/", {**FORM, "body_md": f"![3](http://{allowed}/photo.png?3)"})
    assert r.status_code == 400 and "获取外站图片太频繁" in r.content.decode()
