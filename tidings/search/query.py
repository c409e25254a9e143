"""Runs a parsed query against the index: the same result set on SQLite and PostgreSQL.

Order (docs/performance.md "Search" says why it is built this way):
1. title hits (every term in the title), by relevance × recency;
2. the other matches among the newest RANK_WINDOW matches (by article id), by relevance × recency;
3. any older matches, newest first.
Relevance is FTS5 `bm25` (title weighted 10:1) on SQLite and `ts_rank` (title weight A) on
PostgreSQL, computed only for the windows of step 1 and 2, so the cost of ranking stays bounded
for a one-character query that matches most of the site. With fewer matches than the window
(almost every real query), the whole result set is ranked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tidings.search.text import Query, fts5_match, tsquery

TITLE_WEIGHT = 10.0
RECENCY_HALF_LIFE_DAYS = 14.0


@dataclass(frozen=True)
class Filters:
    channel_id: int | None = None
    start: dt.datetime | None = None  # published at or after
    end: dt.datetime | None = None  # published before


@dataclass
class Found:
    total: int
    ids: list[int]  # the requested page, in order
    title_hits: set[int] = field(default_factory=set)


def search(query: Query, filters: Filters = Filters(), offset: int = 0, limit: int = 20) -> Found:
    if not query.terms:
        return Found(0, [])
    if connection.vendor == "sqlite":
        return _search(_Sqlite(query, filters), offset, limit)
    with transaction.atomic():
        with connection.cursor() as cur:
            # The planner does not price detoasting tsv: for a common word it picks a sequential
            # scan that reads every row's tsvector (1.2 s at 100k) over the GIN bitmap (~70 ms).
            cur.execute("SET LOCAL enable_seqscan = off")
        return _search(_Postgres(query, filters), offset, limit)


def _search(backend: _Backend, offset: int, limit: int) -> Found:
    window = max(1, int(getattr(settings, "SEARCH_RANK_WINDOW", 500)))
    total, body = backend.body_window(window)
    if total == 0:
        return Found(0, [])
    title = backend.title_window(window)
    ages = backend.ages(set(body) | set(title))

    def score(rel: float, pk: int) -> float:
        return rel * (1.0 + 0.5 ** (max(0.0, ages.get(pk, 0.0)) / RECENCY_HALF_LIFE_DAYS))

    first = sorted(title, key=lambda pk: (-score(title[pk], pk), -pk))
    second = sorted((pk for pk in body if pk not in title), key=lambda pk: (-score(body[pk], pk), -pk))
    ranked = first + second
    ids = ranked[offset : offset + limit]
    if len(ids) < limit and len(body) >= window and offset + limit > len(ranked):
        # Past the ranked windows: older matches, newest first, without the title hits shown above.
        cutoff = min(body)
        skip = max(0, offset - len(ranked))
        older_titles = sum(1 for pk in title if pk < cutoff)
        tail = [pk for pk in backend.older(cutoff, skip + limit + older_titles) if pk not in title]
        ids += tail[skip : skip + limit - len(ids)]
    return Found(total, ids, set(title) & set(ids))


class _Backend:
    def __init__(self, query: Query, filters: Filters) -> None:
        self.query = query
        self.filters = filters
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())

    def _entry_conditions(self) -> tuple[list[str], list[Any]]:
        conds: list[str] = []
        params: list[Any] = []
        adapt = connection.ops.adapt_datetimefield_value
        if self.filters.channel_id is not None:
            conds.append("channel_id = %s")
            params.append(self.filters.channel_id)
        if self.filters.start is not None:
            conds.append("published_at >= %s")
            params.append(adapt(self.filters.start))
        if self.filters.end is not None:
            conds.append("published_at < %s")
            params.append(adapt(self.filters.end))
        return conds, params

    def body_window(self, n: int) -> tuple[int, dict[int, float]]:
        """(number of matches, {id: relevance} for the newest n matches)."""
        raise NotImplementedError

    def title_window(self, n: int) -> dict[int, float]:
        raise NotImplementedError

    def older(self, below: int, n: int) -> list[int]:
        raise NotImplementedError

    def ages(self, ids: set[int]) -> dict[int, float]:
        """Days since publication, for the ranking's recency factor."""
        if not ids:
            return {}
        age = self._age_sql
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT article_id, {age} FROM search_entry WHERE article_id IN ({','.join(['%s'] * len(ids))})",
                [self.now, *ids],
            )
            return {int(pk): float(days) for pk, days in cur.fetchall()}

    _age_sql = ""


class _Sqlite(_Backend):
    """FTS5: `search_fts` (title, body) and `search_title_fts` (title). `+rowid` keeps the
    filters out of FTS5's planning: they filter its matches."""

    _age_sql = "julianday(%s) - julianday(published_at)"

    def _where(self, table: str) -> tuple[str, list[Any]]:
        sql = (
            f"{table} MATCH %s AND +{table}.rowid NOT IN (SELECT article_id FROM search_entry WHERE published_at > %s)"
        )
        params: list[Any] = [fts5_match(self.query), self.now]
        conds, extra = self._entry_conditions()
        if conds:
            sql += f" AND +{table}.rowid IN (SELECT article_id FROM search_entry WHERE {' AND '.join(conds)})"
            params += extra
        return sql, params

    def _ranked(self, table: str, weights: str, n: int) -> dict[int, float]:
        where, params = self._where(table)
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT rowid, bm25({table}{weights}) FROM {table} WHERE {where} ORDER BY rowid DESC LIMIT %s",
                [*params, n],
            )
            return {int(pk): -float(rank) for pk, rank in cur.fetchall()}

    def body_window(self, n: int) -> tuple[int, dict[int, float]]:
        where, params = self._where("search_fts")
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM search_fts WHERE {where}", params)
            total = int(cur.fetchone()[0])
        return total, (self._ranked("search_fts", f", {TITLE_WEIGHT}, 1.0", n) if total else {})

    def title_window(self, n: int) -> dict[int, float]:
        return self._ranked("search_title_fts", "", n)

    def older(self, below: int, n: int) -> list[int]:
        where, params = self._where("search_fts")
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT rowid FROM search_fts WHERE {where} AND search_fts.rowid < %s ORDER BY rowid DESC LIMIT %s",
                [*params, below, n],
            )
            return [int(r[0]) for r in cur.fetchall()]


class _Postgres(_Backend):
    """tsvector + GIN. `article_id + 0` keeps the planner from walking the primary key
    backwards and testing (detoasting) row after row; the GIN index finds the matches."""

    _age_sql = "EXTRACT(EPOCH FROM (%s - published_at)) / 86400"

    def _where(self, column: str) -> tuple[str, list[Any]]:
        conds, extra = self._entry_conditions()
        sql = " AND ".join([f"{column} @@ %s::tsquery", "published_at <= %s", *conds])
        return sql, [tsquery(self.query), self.now, *extra]

    def body_window(self, n: int) -> tuple[int, dict[int, float]]:
        where, params = self._where("tsv")
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT article_id, count(*) OVER () FROM search_entry WHERE {where} "
                "ORDER BY article_id + 0 DESC LIMIT %s",
                [*params, n],
            )
            rows = cur.fetchall()
            if not rows:
                return 0, {}
            cur.execute(
                "SELECT article_id, ts_rank(tsv, %s::tsquery) FROM search_entry WHERE article_id = ANY(%s)",
                [tsquery(self.query), [int(r[0]) for r in rows]],
            )
            return int(rows[0][1]), {int(pk): float(rank) for pk, rank in cur.fetchall()}

    def title_window(self, n: int) -> dict[int, float]:
        where, params = self._where("title_tsv")
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT article_id, ts_rank(title_tsv, %s::tsquery) FROM search_entry WHERE {where} "
                "ORDER BY article_id + 0 DESC LIMIT %s",
                [tsquery(self.query), *params, n],
            )
            return {int(pk): float(rank) for pk, rank in cur.fetchall()}

    def older(self, below: int, n: int) -> list[int]:
        where, params = self._where("tsv")
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT article_id FROM search_entry WHERE {where} AND article_id + 0 < %s "
                "ORDER BY article_id + 0 DESC LIMIT %s",
                [*params, below, n],
            )
            return [int(r[0]) for r in cur.fetchall()]
