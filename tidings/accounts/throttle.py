"""Sign-in throttling: failures counted per user name + address and per address, in the shared
rate-limit store (tidings.lib.ratelimit: every worker process counts together).

The check runs before the password is tried and answers the same for existing and unknown user
names, so it reveals nothing about which accounts exist. Windows are fixed slices of
LOGIN_WINDOW_SECONDS, and a successful sign-in clears the user name's counter.
"""

from __future__ import annotations

from tidings.lib import ratelimit


def _user_key(username: str, address: str) -> tuple[str, str]:
    return (username.strip().casefold(), address)


def check(username: str, address: str) -> None:
    """Raise ratelimit.RateLimited while either counter is at its limit."""
    ratelimit.check("login-user", *_user_key(username, address))
    ratelimit.check("login-address", address)


def is_throttled(username: str, address: str) -> bool:
    try:
        check(username, address)
    except ratelimit.RateLimited:
        return True
    return False


def record_failure(username: str, address: str) -> None:
    ratelimit.count("login-user", *_user_key(username, address))
    ratelimit.count("login-address", address)


def clear(username: str, address: str) -> None:
    ratelimit.clear("login-user", *_user_key(username, address))
