"""Atom feeds, sitemap and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from tests.conftest import make_article
from tidings.creators.models import Creator

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_feeds_list_published_articles_of_the_site_channel_and_creator(
    client: Client, writer: Creator, other_writer: Creator
) -> None:
    a = make_article(writer, "科技新闻一则", channel_slug="tech")
    b = make_article(other_writer, "体育新闻一则", channel_slug="sports")
    make_article(writer, "草稿不进订阅", publish=False)
    for url, titles in [
        ("/feed.xml", {a.title, b.title}),
        ("/c/tech/feed.xml", {a.title}),
        ("/u/zhangmin/feed.xml", {b.title}),
    ]:
        response = client.get(url)
        assert response["Content-Type"].startswith("application/atom+xml")
        root = ET.fromstring(response.content)
        assert {e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")} == titles
    assert client.get("/c/nope/feed.xml").status_code == 404


def test_sitemap_and_robots(client: Client, writer: Creator) -> None:
    a = make_article(writer, "进入站点地图")
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"http://testserver/a/{a.pk}/" in sitemap and "http://testserver/c/tech/" in sitemap
    assert "http://testserver/u/liwei/" in sitemap
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots
