"""Sign-in throttling: failures counted per user name + address and per address, in the cache.

The check runs before the password is tried and answers the same for existing and unknown user
names, so it reveals nothing about which accounts exist. Counters live for the whole window from
the first failure (a fixed window), and a successful sign-in clears the user name's counter.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> tuple[str, str]:
    raw = f"{username.strip().casefold()}|{address}".encode()
    return (
        "login-fail:u:" + hashlib.blake2b(raw, digest_size=16).hexdigest(),
        "login-fail:a:" + hashlib.blake2b(address.encode(), digest_size=16).hexdigest(),
    )


def is_throttled(username: str, address: str) -> bool:
    per_user, per_address = _keys(username, address)
    counts = cache.get_many([per_user, per_address])
    return (
        int(counts.get(per_user, 0)) >= settings.LOGIN_FAILURES_PER_USER
        or int(counts.get(per_address, 0)) >= settings.LOGIN_FAILURES_PER_ADDRESS
    )


def record_failure(username: str, address: str) -> None:
    for key in _keys(username, address):
        # add() starts the window only if there is no counter yet; incr() is atomic in Redis.
        cache.add(key, 0, timeout=settings.LOGIN_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.LOGIN_WINDOW_SECONDS)


def clear(username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0])
