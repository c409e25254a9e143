"""Sign-in throttling: attempts counted per user name + address and per address, in the shared
rate-limit store (tidings.lib.ratelimit: every worker process counts together).

The check runs before the password is tried and answers the same for existing and unknown user
names, so it reveals nothing about which accounts exist. Windows are fixed slices of
LOGIN_WINDOW_SECONDS; every attempt counts when it arrives, and a successful sign-in takes its
own back (clears the user name's counter, one off the address's), so in effect failures count.
"""

from __future__ import annotations

from tidings.lib import ratelimit


def _user_key(username: str, address: str) -> tuple[str, str]:
    return (username.strip().casefold(), address)


def check(username: str, address: str) -> None:
    """Count this attempt against both counters before the password is tried, and raise
    ratelimit.RateLimited past either limit. Counting first (an atomic increment) is what holds
    under parallel guesses: checking, then counting the failure afterwards, let every guess that
    arrived together pass the check."""
    ratelimit.hit("login-user", *_user_key(username, address))
    ratelimit.hit("login-address", address)


def is_throttled(username: str, address: str) -> bool:
    try:
        check(username, address)
    except ratelimit.RateLimited:
        return True
    return False


def record_failure(username: str, address: str) -> None:
    """The attempt was counted by check() already."""


def clear(username: str, address: str) -> None:
    """A successful sign-in: its attempt no longer counts against the account or the address."""
    ratelimit.clear("login-user", *_user_key(username, address))
    ratelimit.count("login-address", address, delta=-1)
