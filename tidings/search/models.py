from __future__ import annotations

from django.db import models


class Entry(models.Model):
    """One published article as the search index knows it (tidings.search.index keeps it).

    The plain text is kept so that snippets need no HTML work and so that the SQLite index
    (a contentless FTS5 table, `search_fts`, rowid = article id) can be told exactly which
    tokens to remove when an entry changes. On PostgreSQL the same table also holds the
    `tsv` and `title_tsv` tsvector columns with their GIN indexes (migration 0001), which
    the ORM does not map. No foreign key: an article deleted without refresh_derived() must
    not take the entry with it and leave index tokens behind.
    """

    article_id = models.BigIntegerField(primary_key=True)
    channel_id = models.BigIntegerField()
    published_at = models.DateTimeField()
    title = models.TextField()
    body = models.TextField(help_text="Summary and body as plain text.")

    class Meta:
        db_table = "search_entry"
        verbose_name = "搜索条目 Search entry"
        indexes = [
            # Channel and date filters and the "not yet public" exclusion (tidings.search.query).
            models.Index(fields=["channel_id"], name="search_entry_channel"),
            models.Index(fields=["published_at"], name="search_entry_published"),
        ]

    def __str__(self) -> str:
        return self.title
