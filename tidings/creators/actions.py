"""Follows: one row per reader and creator, with the 粉丝 counter kept in step, each follow and
unfollow kept as a FollowEvent (新增粉丝 / 取关 in the creator's 数据中心, tidings.stats), and the
creator told of a new follower in 消息中心 (新粉丝; tidings.notifications)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from tidings.accounts.models import User
from tidings.creators.models import Creator, Follow, FollowEvent, FollowSetting
from tidings.lib.sitecache import invalidate_site
from tidings.notifications.actions import forget_follow, notify_follow


def follow_creator(user: User, creator: Creator) -> bool:
    """Follow; False if already following. The counter moves only when a row is added."""
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, creator=creator)
            FollowEvent.objects.create(creator_id=creator.pk, kind=FollowEvent.Kind.FOLLOW)
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
            FollowEvent.objects.create(creator_id=creator.pk, kind=FollowEvent.Kind.UNFOLLOW)
            Creator.objects.filter(pk=creator.pk, followers_count__gt=0).update(
                followers_count=F("followers_count") - 1
            )
            if creator.user_id is not None:
                forget_follow(creator.user_id, actor=user)
    if deleted:
        transaction.on_commit(invalidate_site)
    return bool(deleted)


def is_following(user: User, creator: Creator) -> bool:
    return Follow.objects.filter(user=user, creator=creator).exists()


def followed_handles(user: User, handles: list[str]) -> set[str]:
    """Which of these creators the reader follows (one query: the per-reader state of a page)."""
    return set(Follow.objects.filter(user=user, creator__handle__in=handles).values_list("creator__handle", flat=True))


def follows_of(user: User) -> QuerySet[Follow]:
    """我的关注: the creators a reader follows, the most recently followed first."""
    return Follow.objects.filter(user=user).select_related("creator").order_by("-created_at", "-pk")


def follows_public(user: User) -> bool:
    return not FollowSetting.objects.filter(user=user, public=False).exists()


def set_follows_public(user: User, public: bool) -> None:
    """公开我的关注 on or off (the account page); off hides the reader's name where a creator's
    followers are listed, and keeps them in the count."""
    FollowSetting.objects.update_or_create(user=user, defaults={"public": public, "updated_at": timezone.now()})
