"""One hook for everything derived from articles (search index, keywords, related, caches).

`articles_changed` is sent inside the writing transaction whenever articles' public content or
state may have changed: published, edited, scheduled, withdrawn, deleted, rejected, or created in
bulk (the demo generator, imports). Receivers get `ids` (a list of article primary keys) and must
handle a batch efficiently; they re-read the rows and decide for themselves what is public now
(`Article.objects.published()`), so one signal covers every transition. Heavy work should be
enqueued with `transaction.on_commit(...)` as a background task.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal

articles_changed = Signal()


def announce(ids: Iterable[int]) -> None:
    """Tell every receiver that these articles changed (call inside the writing transaction)."""
    from tidings.articles.models import Article

    batch = sorted({int(i) for i in ids})
    if batch:
        articles_changed.send(sender=Article, ids=batch)
