"""Cache backends whose `incr` is atomic across processes, for the rate-limit counters
(tidings.lib.ratelimit) when no Redis is configured.

Django's database and file caches implement `incr` as get-then-set: two gunicorn workers that
count the same guess at once both read 4 and both write 5, so parallel requests slip past a
limit. These subclasses make the read-modify-write one critical section:
- `AtomicDatabaseCache`: inside one transaction (SQLite's IMMEDIATE transactions take the write
  lock at BEGIN; PostgreSQL locks the row with SELECT … FOR UPDATE);
- `LockedFileBasedCache`: under an exclusive `flock` on one lock file in the cache folder.
Both keep the key's expiry (Django's `incr` would reset it to the default timeout).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import pickle
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.filebased import FileBasedCache
from django.db import connections, router, transaction
from django.utils import timezone


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        cache_key = self.make_and_validate_key(key, version=version)
        with transaction.atomic(using=db):
            # SQLite's BEGIN IMMEDIATE has taken the write lock already; PostgreSQL locks the row.
            lock = "" if connection.vendor == "sqlite" else " FOR UPDATE"
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT expires FROM {table} WHERE cache_key = %s{lock}", [cache_key])
                row = cursor.fetchone()
            value = self.get(key, version=version)
            if row is None or value is None:
                raise ValueError(f"Key '{key}' not found")
            expires = row[0]
            if isinstance(expires, str):  # SQLite returns the text it stored
                expires = dt.datetime.fromisoformat(expires)
            if expires is not None and timezone.is_naive(expires):
                expires = timezone.make_aware(expires, dt.UTC)
            left = None if expires is None else max(1.0, (expires - timezone.now()).total_seconds())
            new_value = int(value) + delta
            self.set(key, new_value, timeout=left, version=version)
        return new_value


class LockedFileBasedCache(FileBasedCache):
    @contextmanager
    def _locked(self) -> Iterator[None]:
        os.makedirs(self._dir, 0o700, exist_ok=True)  # type: ignore[attr-defined]
        with open(os.path.join(self._dir, "lock"), "a") as lock:  # type: ignore[attr-defined]
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        with self._locked():
            return bool(super().add(key, value, timeout, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        with self._locked():
            try:
                with open(self._key_to_file(key, version), "rb") as f:  # type: ignore[attr-defined]
                    expires = pickle.load(f)  # the file holds the expiry, then the zlib'd value
                    value = pickle.loads(zlib.decompress(f.read()))
            except FileNotFoundError:
                raise ValueError(f"Key '{key}' not found") from None
            if expires is not None and expires < time.time():
                raise ValueError(f"Key '{key}' not found")
            new_value = int(value) + delta
            left = None if expires is None else max(1.0, expires - time.time())
            super().set(key, new_value, timeout=left, version=version)
            return new_value
