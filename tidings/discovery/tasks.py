"""Background work of discovery (django-tasks; `tidings worker` runs it, tests run it at once)."""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

from tidings.discovery import related

log = logging.getLogger(__name__)


@task()
def refresh_discovery(ids: list[int]) -> dict[str, int]:
    """Keywords and related lists of these articles (see tidings.discovery.related.refresh)."""

    def progress(done: int, total: int, what: str) -> None:
        log.info("discovery: %s %d/%d", what, done, total)

    return related.refresh(ids, progress)


def enqueue_refresh(ids: list[int]) -> None:
    """Schedule the refresh for when the writing transaction commits."""
    batch = list(ids)
    transaction.on_commit(lambda: refresh_discovery.enqueue(batch))
