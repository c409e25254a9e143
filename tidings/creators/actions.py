"""Follows: one row per reader and creator, with the 关注度 counter kept in step."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from tidings.accounts.models import User
from tidings.creators.models import Creator, Follow
from tidings.lib.sitecache import invalidate_site


def follow_creator(user: User, creator: Creator) -> bool:
    """Follow; False if already following. The counter moves only when a row is added."""
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, creator=creator)
            Creator.objects.filter(pk=creator.pk).update(followers_count=F("followers_count") + 1)
    except IntegrityError:
        return False
    transaction.on_commit(invalidate_site)
    return True


def unfollow_creator(user: User, creator: Creator) -> bool:
    with transaction.atomic():
        deleted, _ = Follow.objects.filter(user=user, creator=creator).delete()
        if deleted:
            Creator.objects.filter(pk=creator.pk, followers_count__gt=0).update(
                followers_count=F("followers_count") - 1
            )
    if deleted:
        transaction.on_commit(invalidate_site)
    return bool(deleted)
