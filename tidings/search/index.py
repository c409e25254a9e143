"""Keeps the search index in step with the articles (called from articles.derived.refresh_derived).

What is indexed: every article with status published and a publication time, including those
whose time is still ahead (the query hides them until then, so a scheduled time needs no
second write). Everything else in a batch (drafts, withdrawn, rejected, deleted ids) is removed.

Both databases keep the plain text in `search_entry` (tidings.search.models.Entry). SQLite adds
contentless FTS5 tables `search_fts` and `search_title_fts` (rowid = article id), kept in step by
triggers on `search_entry` (SQLITE_TRIGGERS); PostgreSQL adds two tsvector columns to the same
rows. Writes run inside the caller's transaction, so a publish is searchable the moment it
commits.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection as default_connection
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from tidings.search.text import doc_tokens, html_text, tsvector

# Called as progress(done, total, what): after each chunk.
Progress = Callable[[int, int, str], None]
CHUNK = 500
_ARTICLE_FIELDS = ("id", "channel_id", "published_at", "title", "summary", "body_html")


# SQLite: search_entry's rows drive the contentless FTS5 tables through triggers, whoever writes
# them (this module, a rollback, Django's flush): tokens come from search_tokens(), the Python
# tokenizer registered on every SQLite connection (tidings.search.apps), so a row's old tokens
# are recomputed exactly from its old text for FTS5's 'delete'.
_FTS_ADD = (
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.article_id, search_tokens(new.title), search_tokens(new.body)); "
    "INSERT INTO search_title_fts(rowid, title) VALUES (new.article_id, search_tokens(new.title));"
)
_FTS_REMOVE = (
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.article_id, search_tokens(old.title), search_tokens(old.body)); "
    "INSERT INTO search_title_fts(search_title_fts, rowid, title) "
    "VALUES ('delete', old.article_id, search_tokens(old.title));"
)
SQLITE_TRIGGERS = {
    "search_entry_added": f"CREATE TRIGGER search_entry_added AFTER INSERT ON search_entry BEGIN {_FTS_ADD} END",
    "search_entry_removed": f"CREATE TRIGGER search_entry_removed AFTER DELETE ON search_entry BEGIN {_FTS_REMOVE} END",
    "search_entry_changed": (
        "CREATE TRIGGER search_entry_changed AFTER UPDATE OF title, body ON search_entry "
        f"BEGIN {_FTS_REMOVE} {_FTS_ADD} END"
    ),
}


def search_tokens(text: str | None) -> str:
    """The FTS5 column text of a field: its tokens, space-separated (SQL function search_tokens)."""
    return " ".join(doc_tokens(text or ""))


def tokenizer(connection: BaseDatabaseWrapper) -> None:
    """Register search_tokens() on an SQLite connection (done for every new connection by
    tidings.search.apps; again before writing, for a connection opened before the app was ready)."""
    connection.ensure_connection()
    connection.connection.create_function("search_tokens", 1, search_tokens, deterministic=True)


# PostgreSQL's full-text indexes (migration 0001 creates them; rebuild() re-creates them).
PG_INDEXES = (
    # Matches, counts and ranking windows (tidings.search.query._Postgres).
    "CREATE INDEX search_entry_tsv ON search_entry USING gin (tsv)",
    # Title hits, ranked first: small, so no recheck of the big tsv column.
    "CREATE INDEX search_entry_title_tsv ON search_entry USING gin (title_tsv)",
)


@dataclass(frozen=True)
class Doc:
    id: int
    channel_id: int
    published_at: Any
    title: str
    body: str  # summary, a line break, body text

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Doc:
        body = html_text(row["body_html"] or "")
        summary = (row["summary"] or "").strip()
        return cls(
            int(row["id"]),
            int(row["channel_id"]),
            row["published_at"],
            row["title"] or "",
            f"{summary}\n{body}" if summary else body,
        )


def refresh_search(ids: Iterable[int], progress: Progress | None = None) -> None:
    """Index the published ones among ids, remove the rest from the index."""
    from tidings.articles.models import Article

    batch = sorted({int(i) for i in ids})
    for start in range(0, len(batch), CHUNK):
        chunk = batch[start : start + CHUNK]
        rows = Article.objects.filter(pk__in=chunk, status=Article.Status.PUBLISHED, published_at__isnull=False).values(
            *_ARTICLE_FIELDS
        )
        _apply(default_connection, chunk, [Doc.from_row(r) for r in rows], fresh=False)
        if progress is not None:
            progress(min(start + CHUNK, len(batch)), len(batch), "search index")


def rebuild(progress: Progress | None = None) -> int:
    """Empty the index and index every published article again (`tidings reindex`)."""
    from tidings.articles.models import Article

    published = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__isnull=False)
    postgres = default_connection.vendor == "postgresql"
    with transaction.atomic():
        clear(default_connection)
        if postgres:  # a bulk load: build the GIN indexes once at the end, not row by row
            with default_connection.cursor() as cur:
                cur.execute("DROP INDEX IF EXISTS search_entry_tsv, search_entry_title_tsv")
        total = published.count()
        if progress is not None:
            progress(0, total, "search index")
        done = index_rows(published.order_by("id").values(*_ARTICLE_FIELDS).iterator(CHUNK), progress, total)
        if postgres:
            with default_connection.cursor() as cur:
                cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
                for sql in PG_INDEXES:
                    cur.execute(sql)
    optimize(default_connection)
    return done


def index_rows(
    rows: Iterable[dict[str, Any]],
    progress: Progress | None = None,
    total: int = 0,
    connection: BaseDatabaseWrapper = default_connection,
) -> int:
    """Add rows (dicts with _ARTICLE_FIELDS) to an index that does not hold them yet."""
    done = 0
    for chunk in _chunks(iter(rows), CHUNK):
        docs = [Doc.from_row(r) for r in chunk]
        _apply(connection, [d.id for d in docs], docs, fresh=True)
        done += len(docs)
        if progress is not None:
            progress(done, max(total, done), "search index")
    return done


def clear(connection: BaseDatabaseWrapper = default_connection) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            tokenizer(connection)
            # Without the triggers: emptying the FTS5 tables at once beats deleting row by row.
            for name in SQLITE_TRIGGERS:
                cur.execute(f"DROP TRIGGER IF EXISTS {name}")
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
            cur.execute("INSERT INTO search_title_fts(search_title_fts) VALUES ('delete-all')")
            cur.execute("DELETE FROM search_entry")
            for sql in SQLITE_TRIGGERS.values():
                cur.execute(sql)
        else:
            cur.execute("TRUNCATE search_entry")


def optimize(connection: BaseDatabaseWrapper = default_connection) -> None:
    """Merge FTS5 segments (SQLite) or refresh planner statistics (PostgreSQL) after a rebuild."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            cur.execute("INSERT INTO search_title_fts(search_title_fts) VALUES ('optimize')")
        else:
            cur.execute("ANALYZE search_entry")


def _chunks(it: Iterator[dict[str, Any]], n: int) -> Iterator[list[dict[str, Any]]]:
    while chunk := list(itertools.islice(it, n)):
        yield chunk


def _apply(connection: BaseDatabaseWrapper, ids: list[int], docs: list[Doc], *, fresh: bool) -> None:
    """Make the index rows of `ids` match `docs` (the published ones among them)."""
    new = {d.id: d for d in docs}
    old: dict[int, tuple[str, str]] = {}
    adapt = connection.ops.adapt_datetimefield_value
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cur:
        if sqlite:
            tokenizer(connection)
        if not fresh and ids:
            marks = ",".join(["%s"] * len(ids))
            cur.execute(f"SELECT article_id, title, body FROM search_entry WHERE article_id IN ({marks})", ids)
            old = {int(i): (t, b) for i, t, b in cur.fetchall()}
        changed = [d for d in docs if old.get(d.id) != (d.title, d.body)]
        gone = [i for i in old if i not in new]
        # Entries whose text is unchanged keep their tokens; only time and channel may move.
        same = [d for d in docs if d.id in old and old[d.id] == (d.title, d.body)]
        if sqlite and changed:  # the triggers (SQLITE_TRIGGERS) keep the FTS5 tables in step
            cur.executemany(
                "INSERT INTO search_entry (article_id, channel_id, published_at, title, body) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (article_id) DO UPDATE SET "
                "channel_id = excluded.channel_id, published_at = excluded.published_at, "
                "title = excluded.title, body = excluded.body",
                [(d.id, d.channel_id, adapt(d.published_at), d.title, d.body) for d in changed],
            )
        elif changed:
            rows = []
            for d in changed:
                tsv, title_tsv = tsvector(doc_tokens(d.title), doc_tokens(d.body))
                rows.append((d.id, d.channel_id, adapt(d.published_at), d.title, d.body, tsv, title_tsv))
            cur.executemany(
                "INSERT INTO search_entry (article_id, channel_id, published_at, title, body, tsv, title_tsv) "
                "VALUES (%s, %s, %s, %s, %s, %s::tsvector, %s::tsvector) ON CONFLICT (article_id) DO UPDATE SET "
                "channel_id = excluded.channel_id, published_at = excluded.published_at, title = excluded.title, "
                "body = excluded.body, tsv = excluded.tsv, title_tsv = excluded.title_tsv",
                rows,
            )
        if gone:
            marks = ",".join(["%s"] * len(gone))
            cur.execute(f"DELETE FROM search_entry WHERE article_id IN ({marks})", gone)
        if same:
            cur.executemany(
                "UPDATE search_entry SET channel_id = %s, published_at = %s WHERE article_id = %s",
                [(d.channel_id, adapt(d.published_at), d.id) for d in same],
            )
