"""Writing raw statistics events, and what the beacons may say.

Everything here is bounded per request: a batch of impressions is validated without the
database, then written as one multi-row INSERT (`append`). The read-end report needs no query
at all before its INSERT: the read beacon hands the page a signed token naming the read, and the
report carries it back (`read_token`, `check_read_token`).

Sources (where a read came from, the list an impression was seen in) are small integers so raw
rows stay narrow; `SOURCES` names them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import connection
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from tidings.stats.models import Event


@dataclass(frozen=True)
class Source:
    code: int
    key: str  # what the beacons send
    label: str  # what the creator reads
    is_list: bool  # an impression can be seen in it


SOURCES: tuple[Source, ...] = (
    Source(1, "feed", "推荐", True),
    Source(2, "home", "首页", True),
    Source(3, "hot", "热点", True),
    Source(4, "channel", "频道", True),
    Source(5, "search", "搜索", True),
    Source(6, "related", "相关推荐", True),
    Source(7, "topic", "话题", True),
    Source(8, "creator", "作者主页", True),
    Source(9, "external", "站外", False),
    Source(10, "direct", "直接访问", False),
    Source(11, "other", "站内其他", False),
)
BY_KEY = {s.key: s for s in SOURCES}
BY_CODE = {s.code: s for s in SOURCES}
LISTS = {s.key: s.code for s in SOURCES if s.is_list}
EXTERNAL = BY_KEY["external"].code
DIRECT = BY_KEY["direct"].code
OTHER = BY_KEY["other"].code

# An impression batch holds at most this many items (a page shows fewer than 100 list items;
# the script sends every few seconds). More is a malformed batch, refused whole.
MAX_BATCH = 100
# A read's active time counts up to this (a tab left open all day is not thirty hours of reading).
MAX_ACTIVE_SECONDS = 1800
# A read-end report is accepted this long after its read; an hour is final once its reads'
# reports can no longer arrive (tidings.stats.rollup).
READ_END_TTL = dt.timedelta(hours=2)
# End reports one read may add (the script sends one each time the page is hidden); more are
# dropped, so a replayed token costs a bounded number of rows. The rollup takes the maximum.
MAX_END_REPORTS = 12
# 完读: the reader saw the end of the body.
FINISHED_DEPTH = 100

_SEEN = re.compile(r"^([a-z]{2,10}):([1-9][0-9]{0,9})$")
_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$")
_TOKEN = re.compile(r"^([1-9][0-9]{0,18})\.([1-9][0-9]{0,9})\.([0-9]{1,12})\.([0-9a-f]{20})$")
_INT = re.compile(r"^[0-9]{1,6}$")
_TOKEN_SALT = "tidings.stats.read"


class Malformed(ValueError):
    """A beacon said something it may not: answered 400, nothing stored."""


def parse_seen(values: Sequence[str]) -> dict[int, int]:
    """An impression batch: `list:article_id` strings → {article_id: list code}. The first list an
    article was seen in wins. Refuses the whole batch on any malformed item."""
    if not values:
        raise Malformed("没有曝光数据。")
    if len(values) > MAX_BATCH:
        raise Malformed(f"一批最多 {MAX_BATCH} 条曝光。")
    seen: dict[int, int] = {}
    for value in values:
        m = _SEEN.match(value)
        if m is None or m.group(1) not in LISTS:
            raise Malformed("曝光数据格式不对。")
        seen.setdefault(int(m.group(2)), LISTS[m.group(1)])
    return seen


def small_int(value: str | None, top: int, what: str) -> int:
    if value is None or not _INT.match(value) or int(value) > top:
        raise Malformed(f"{what}不对。")
    return int(value)


def classify(src: str, referrer: str, own_host: str) -> tuple[int, str]:
    """Where a read came from: the list the reader clicked in (`src`, which the script remembers
    from the click), else the referring page: another site → 站外 with its host, this site → by
    path, none → 直接访问. Only the host of another site is kept, never its path."""
    if src:
        source = BY_KEY.get(src)
        if source is None or not source.is_list:
            raise Malformed("来源不对。")
        return source.code, ""
    if not referrer:
        return DIRECT, ""
    if len(referrer) > 2000:
        raise Malformed("来源网址太长。")
    try:
        parts = urlsplit(referrer)
        host = (parts.hostname or "").lower()
    except ValueError:
        raise Malformed("来源网址不对。") from None
    if parts.scheme not in ("http", "https") or not host:
        raise Malformed("来源网址不对。")
    own = own_host.split(":")[0].lower()
    if host == own:
        return _by_path(parts.path), ""
    if len(host) > 100 or not _HOST.match(host):
        raise Malformed("来源网址不对。")
    return EXTERNAL, host.removeprefix("www.")


def _by_path(path: str) -> int:
    if path == "/":
        return BY_KEY["home"].code
    for prefix, key in (
        ("/hot/", "hot"),
        ("/c/", "channel"),
        ("/search", "search"),
        ("/t/", "topic"),
        ("/u/", "creator"),
    ):
        if path.startswith(prefix):
            return BY_KEY[key].code
    return OTHER


@dataclass(frozen=True)
class NewEvent:
    kind: int
    article_id: int
    creator_id: int
    at: dt.datetime | None = None
    source: int = 0
    host: str = ""
    ref: int = 0
    depth: int = 0
    seconds: int = 0
    n: int = 1


_COLUMNS = ("at", "kind", "article_id", "creator_id", "source", "host", "ref", "depth", "seconds", "n")
_ROW = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
# Rows per INSERT: SQLite allows 32,766 parameters in one statement.
_CHUNK = 1000


def _params(e: NewEvent, now: Any, adapted: dict[dt.datetime, Any] | None = None) -> list[Any]:
    if e.at is None:
        at = now
    elif adapted is None:
        at = connection.ops.adapt_datetimefield_value(e.at)
    elif (at := adapted.get(e.at)) is None:
        at = adapted[e.at] = connection.ops.adapt_datetimefield_value(e.at)
    return [at, int(e.kind), e.article_id, e.creator_id, e.source, e.host, e.ref, e.depth, e.seconds, e.n]


def append(events: Iterable[NewEvent]) -> None:
    """One multi-row INSERT for the lot (per 1,000 rows). Plain SQL: Django's bulk_create spent
    more CPU preparing 20 rows than the database spent storing them (docs/performance.md). A
    batch's events mostly share one time: it is adapted for the database once."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    adapted: dict[dt.datetime, Any] = {}
    rows = [_params(e, now, adapted) for e in events]
    if not rows:
        return
    table = connection.ops.quote_name(Event._meta.db_table)
    with connection.cursor() as cursor:
        for i in range(0, len(rows), _CHUNK):
            chunk = rows[i : i + _CHUNK]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES {', '.join([_ROW] * len(chunk))}",
                [p for row in chunk for p in row],
            )


def append_one(event: NewEvent) -> int:
    """Insert one event and return its id (the read beacon's token names it): INSERT … RETURNING."""
    table = connection.ops.quote_name(Event._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES {_ROW} RETURNING id", _params(event, now))
        return int(cursor.fetchone()[0])


def record(kind: Event.Kind, article_id: int, creator_id: int, n: int = 1) -> None:
    """The hook for counted actions (点赞, 分享; 跟帖 when the comments app calls it): one event."""
    append_one(NewEvent(kind=kind, article_id=article_id, creator_id=creator_id, n=n))


# --------------------------------------------------------------------------------------------
# The read token: "<read event id>.<creator id>.<read time, epoch seconds>.<HMAC>", bound to the
# article id in the URL it is sent to.


def read_token(event_id: int, article_id: int, creator_id: int, at: dt.datetime) -> str:
    stamp = int(at.timestamp())
    return f"{event_id}.{creator_id}.{stamp}.{_sign(event_id, article_id, creator_id, stamp)}"


def _sign(event_id: int, article_id: int, creator_id: int, stamp: int) -> str:
    return salted_hmac(_TOKEN_SALT, f"{event_id}.{article_id}.{creator_id}.{stamp}").hexdigest()[:20]


@dataclass(frozen=True)
class ReadRef:
    event_id: int
    creator_id: int
    at: dt.datetime


def check_read_token(token: str | None, article_id: int) -> ReadRef:
    """The read a token names; Malformed when it is not one the site signed for this article."""
    m = _TOKEN.match(token or "")
    if m is None:
        raise Malformed("阅读凭据不对。")
    event_id, creator_id, stamp = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not constant_time_compare(m.group(4), _sign(event_id, article_id, creator_id, stamp)):
        raise Malformed("阅读凭据不对。")
    return ReadRef(event_id, creator_id, dt.datetime.fromtimestamp(stamp, tz=dt.UTC))
