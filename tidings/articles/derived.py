"""Everything derived from articles (search index, keywords, related lists) is refreshed here.

`refresh_derived(ids)` is called inside the writing transaction whenever articles' public content
or state may have changed: published, edited, scheduled, withdrawn, deleted, rejected, or created
in bulk (the demo generator, imports). Each call takes the whole batch, re-reads the rows, and
decides for itself what is public now (`Article.objects.published()`); heavy work is enqueued with
`transaction.on_commit(...)` as a background task.

The stores live in layers above `articles` (search, discovery), so they are not imported here:
each registers its refresher once, by name, in its AppConfig.ready():

- `search`    — tidings.search.index.refresh_search: synchronous, so a publish is searchable the
                moment it commits;
- `discovery` — tidings.discovery.tasks.enqueue_refresh: keywords (topics) and related lists, a
                background task on commit.

This is the dependency inversion the layers need, not a signal: the list is fixed at start-up,
runs in INSTALLED_APPS order, and `stores()` shows it (a test checks both are there).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# progress(done, total, what), for big batches (the demo generator, `tidings reindex`).
Progress = Callable[[int, int, str], None]
Refresher = Callable[[list[int], Progress | None], None]

_STORES: dict[str, Refresher] = {}


def register(name: str, refresher: Refresher) -> None:
    """Called once per store from its AppConfig.ready()."""
    _STORES[name] = refresher


def stores() -> list[str]:
    return list(_STORES)


def refresh_derived(ids: Iterable[int], progress: Progress | None = None) -> None:
    batch = sorted({int(i) for i in ids})
    if not batch:
        return
    for refresher in _STORES.values():
        refresher(batch, progress)
