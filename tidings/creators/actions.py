"""Follows: one row per reader and creator, with the 关注度 counter kept in step, and the
creator told of a new follower in 消息中心 (新粉丝; tidings.notifications)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from tidings.accounts.models import User
from tidings.creators.models import Creator, Follow
from tidings.lib.sitecache import invalidate_site
from tidings.notifications.actions import forget_follow, notify_follow


def follow_creator(user: User, creator: Creator) -> bool:
    """Follow; False if already following. The counter moves only when a row is added."""
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, creator=creator)
            Creator.objects.filter(pk=creator.pk).update(followers_count=F("followers_count") + 1)
            if creator.user_id is not None:
                notify_follow(creator.user_id, actor=user)
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
            if creator.user_id is not None:
                forget_follow(creator.user_id, actor=user)
    if deleted:
        transaction.on_commit(invalidate_site)
    return bool(deleted)
