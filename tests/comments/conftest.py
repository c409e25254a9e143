from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import make_article, make_user, make_writer
from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.creators.models import Creator


def commenter(username: str, *, days: int = 30, **kw: object) -> User:
    """A reader whose account is old enough to comment without review."""
    return make_user(username, date_joined=timezone.now() - dt.timedelta(days=days), **kw)


def signed_in(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def author(db) -> Creator:  # type: ignore[no-untyped-def]
    w = make_writer("zuozhe")
    User.objects.filter(pk=w.user_id).update(date_joined=timezone.now() - dt.timedelta(days=90))
    return w


@pytest.fixture
def story(author: Creator) -> Article:
    return make_article(author, "城市更新里的老街坊")


@pytest.fixture(autouse=True)
def _no_cooldown(settings) -> None:  # type: ignore[no-untyped-def]
    """Tests post many comments as one reader; the limit tests switch the cooldown back on."""
    settings.COMMENT_INTERVAL_SECONDS = 0
