"""Shared fixtures: named personas and small make_* helpers (plain ORM calls and actions)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from tidings.accounts.models import User
from tidings.articles import transitions
from tidings.articles.actions import save_article
from tidings.articles.models import Article, Reference
from tidings.channels.models import Channel
from tidings.creators.models import Creator
from tidings.web import context

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Each test gets its own media folder and an empty cache."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    context._memo.clear()
    yield
    cache.clear()
    context._memo.clear()


def channel(slug: str) -> Channel:
    return Channel.objects.get(slug=slug)


def make_creator(handle: str | None = None, name: str | None = None, **kw: object) -> Creator:
    n = next(_seq)
    return Creator.objects.create(handle=handle or f"creator{n}", name=name or f"创作者{n}", **kw)


def make_article(
    creator: Creator,
    title: str | None = None,
    *,
    channel_slug: str = "news",
    body: str = "## 小标题\n\n正文第一段。\n\n正文第二段。",
    published_at: dt.datetime | None = None,
    publish: bool = True,
    **kw: object,
) -> Article:
    n = next(_seq)
    a = Article(
        creator=creator,
        channel=channel(channel_slug),
        title=title or f"测试文章{n}",
        summary=kw.pop("summary", f"摘要{n}"),  # type: ignore[arg-type]
        body_md=body,
        **kw,
    )
    # Run on-commit follow-ups (cache invalidation) as a real commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        save_article(a)
        if publish:
            transitions.publish(a, None, published_at or timezone.now() - dt.timedelta(minutes=n))
        return a


def make_reference(article: Article, title: str = "参考来源", source: str = "某出版社") -> Reference:
    return Reference.objects.create(article=article, title=title, source=source, published_at=timezone.now())


def make_user(username: str, role: str = User.Role.READER, **kw: object) -> User:
    return User.objects.create_user(username, password=f"pw-{username}-123", role=role, **kw)  # type: ignore[arg-type]


def make_writer(username: str, *, probation_left: int = 0, role: str = User.Role.CREATOR) -> Creator:
    """An approved creator who signs in: a User with a creator role and their Creator profile."""
    user = make_user(username, role)
    return make_creator(username, f"{username}的号", user=user, probation_left=probation_left)


@pytest.fixture
def writer(db) -> Creator:  # type: ignore[no-untyped-def]
    """Li Wei, a creator with a quality badge."""
    return make_creator("liwei", "李伟", motto="记录城市的每一次呼吸", badge=Creator.Badge.QUALITY)


@pytest.fixture
def other_writer(db) -> Creator:  # type: ignore[no-untyped-def]
    return make_creator("zhangmin", "张敏", motto="科技让生活更简单")


@pytest.fixture
def reader(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_user("reader", password="pw-reader-123")


@pytest.fixture
def editor(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_user("editor", password="pw-editor-123", role=User.Role.EDITOR, is_staff=True)


@pytest.fixture
def spec_channels(transactional_db: None) -> None:  # type: ignore[no-untyped-def]
    """Transactional tests start from a flushed database: put the spec's channels back."""
    from tidings.demo.generator import spec_channels as restore

    restore()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium, one per test module (tests/browser.py has the launch flags)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()
