from __future__ import annotations

import zlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from tidings.lib.urls import url_for


class Creator(models.Model):
    """A creator's public profile (网易号-style account). Imported creators may have no user."""

    class Badge(models.TextChoices):
        NONE = "", "无"
        RISING = "rising", "新锐创作者"
        QUALITY = "quality", "优质创作者"
        STAR = "star", "明星创作者"

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "个人"
        MEDIA = "media", "媒体"
        ORGANISATION = "organisation", "机构"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="creator"
    )
    handle = models.SlugField(max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.INDIVIDUAL)
    motto = models.CharField("签名", max_length=120, blank=True)
    bio = models.TextField("简介", blank=True)
    avatar = models.CharField(max_length=255, blank=True, help_text="Path under MEDIA_ROOT.")
    # Earned and lost by level, never set by hand: the nightly 创作者指数 run writes both
    # (tidings.creator_index.compute.run; Lv3 新锐, Lv4 优质, Lv5 明星). Level 0: not rated yet.
    badge = models.CharField(max_length=16, choices=Badge.choices, default=Badge.NONE, blank=True, editable=False)
    level = models.PositiveSmallIntegerField("等级", default=0, editable=False)
    # Denormalised counters, kept by tidings.articles.actions / tidings.creators.actions.
    articles_count = models.PositiveIntegerField("文章数", default=0)
    followers_count = models.PositiveIntegerField("粉丝", default=0)
    # Articles still to pass review before this creator publishes directly (申请入驻 probation).
    # Approval sets it to settings.PROBATION_ARTICLES; each approved article counts it down.
    probation_left = models.PositiveSmallIntegerField("试用期待审文章数", default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["handle"]
        verbose_name = "创作者 Creator"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return url_for("creator", self.handle)

    @property
    def avatar_url(self) -> str:
        return f"{settings.MEDIA_URL}{self.avatar}" if self.avatar else f"{settings.STATIC_URL}img/avatar.svg"

    # Without an uploaded avatar, pages show the name's first character on a colour (as 网易号
    # does): one of AVATAR_TONES CSS classes (.avatar-c0 …), chosen by a stable hash of the handle.
    AVATAR_TONES = 8

    @property
    def avatar_text(self) -> str:
        """The first character of the name (汉字), or up to two initials of a Latin name."""
        name = self.name.strip()
        if not name:
            return "?"
        if name[0].isascii():
            return "".join(part[0] for part in name.split()[:2]).upper()
        return name[0]

    @property
    def avatar_tone(self) -> int:
        return zlib.crc32(self.handle.encode()) % self.AVATAR_TONES


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "creator"], name="follow_once")]
        # 粉丝 (/studio/fans/): a creator's followers, newest first (tidings.stats.reports.fans).
        indexes = [models.Index(fields=["creator", "-created_at"], name="follow_creator_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.creator_id}"


class FollowEvent(models.Model):
    """A follow or an unfollow as it happened (append-only): the worker rolls them into the
    creator's 新增粉丝 and 取关 per hour and day (tidings.stats.rollup), and deletes them after
    TIDINGS_EVENTS_KEEP_DAYS. Who followed is not kept here; the Follow row says who follows now."""

    class Kind(models.IntegerChoices):
        FOLLOW = 1, "关注"
        UNFOLLOW = 2, "取关"

    id = models.BigAutoField(primary_key=True)
    creator_id = models.IntegerField()
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The rollup reads one hour by range; pruning deletes by range.
        indexes = [models.Index(fields=["at"], name="follow_event_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.creator_id} @ {self.at}"


class FollowSetting(models.Model):
    """Whether a reader's follows are public (a switch on /accounts/). No row means public. A
    private follower still counts in 粉丝; where followers are listed (the creator's /studio/fans/)
    they appear without their name."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="follow_setting"
    )
    public = models.BooleanField("公开我的关注", default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id}: follows {'public' if self.public else 'private'}"
