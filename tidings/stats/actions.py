"""What the read-end beacon does (the other counting actions are in tidings.engagement.actions,
which also writes their raw events through tidings.stats.events)."""

from __future__ import annotations

from django.utils import timezone

from tidings.lib import ratelimit
from tidings.stats import events
from tidings.stats.models import Event


def record_read_end(article_id: int, token: str | None, depth: int, seconds: int) -> bool:
    """A page reports how far down its body was read (0–100 %) and for how long it was visible
    and active, for the read its token names. Malformed: not a token this site signed for this
    article. False: the read is older than READ_END_TTL. RateLimited: the read already sent
    MAX_END_REPORTS reports. The active time is capped by the time since the read and by
    MAX_ACTIVE_SECONDS; reports are cumulative, and the rollup keeps each read's largest."""
    ref = events.check_read_token(token, article_id)
    now = timezone.now()
    elapsed = (now - ref.at).total_seconds()
    if elapsed > events.READ_END_TTL.total_seconds():
        return False
    ratelimit.hit("read-end", ref.event_id)
    seconds = int(min(seconds, elapsed + 5, events.MAX_ACTIVE_SECONDS))
    events.append_one(
        events.NewEvent(
            Event.Kind.READ_END, article_id, ref.creator_id, at=ref.at, ref=ref.event_id, depth=depth, seconds=seconds
        )
    )
    return True
