"""Everything derived from articles (search index, keywords, related lists) is refreshed here.

`refresh_derived(ids)` is called inside the writing transaction whenever articles' public content
or state may have changed: published, edited, scheduled, withdrawn, deleted, rejected, or created
in bulk (the demo generator, imports). Each derived store adds one explicit call below (no
signals: the follow-up work of a write is visible in one place). Each call takes the whole batch,
re-reads the rows, and decides for itself what is public now (`Article.objects.published()`);
heavy work is enqueued with `transaction.on_commit(...)` as a background task.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tidings.discovery.tasks import enqueue_refresh

# progress(done, total, what), for big batches (the demo generator, `tidings reindex`).
Progress = Callable[[int, int, str], None]


def refresh_derived(ids: Iterable[int], progress: Progress | None = None) -> None:
    batch = sorted({int(i) for i in ids})
    if not batch:
        return
    # Search index: synchronous, so a publish is searchable the moment it commits.
    from tidings.search.index import refresh_search

    refresh_search(batch, progress)
    # Keywords (topics) and related lists: a background task on commit (tidings.discovery.related).
    enqueue_refresh(batch)
