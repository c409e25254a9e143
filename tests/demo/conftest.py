"""The demo site the tests in tests/demo share: generating it is the slow part."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings

from tidings.demo.generator import Summary, generate

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)


@dataclass
class Demo:
    summary: Summary
    media: Path


@pytest.fixture(scope="package")
def demo(django_db_setup: None, django_db_blocker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:  # type: ignore[no-untyped-def]
    """One small demo site shared by the package, rolled back at the end, as Django's
    setUpTestData does; each test still runs in its own savepoint."""
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        summary = generate(articles=40, creators=6, seed=7, now=NOW)
        yield Demo(summary, media)
        transaction.set_rollback(True)
