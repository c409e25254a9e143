"""创作者指数 (creator index) and levels: the thresholds editors set, one stored snapshot per
creator per day (written by the nightly run, tidings.creator_index.compute), and the run's state.

The level and the incentive badge that go with the latest snapshot are also kept on the creator's
row (`Creator.level`, `Creator.badge`), so that creator cards read them without a join.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from tidings.creators.models import Creator

# The incentive badge each level earns (SPEC element 10); below Lv3, none.
BADGE_OF_LEVEL = {
    1: Creator.Badge.NONE,
    2: Creator.Badge.NONE,
    3: Creator.Badge.RISING,
    4: Creator.Badge.QUALITY,
    5: Creator.Badge.STAR,
}
LEVELS = (1, 2, 3, 4, 5)


class IndexSettings(models.Model):
    """One row (pk 1), edited in the admin: the index a creator needs for each level. Lv1 starts
    at 0. A change applies at the next nightly run (or `tidings creatorindex` now)."""

    lv2 = models.PositiveSmallIntegerField("Lv2 起点", default=300)
    lv3 = models.PositiveSmallIntegerField("Lv3 起点（新锐创作者）", default=500)
    lv4 = models.PositiveSmallIntegerField("Lv4 起点（优质创作者）", default=700)
    lv5 = models.PositiveSmallIntegerField("Lv5 起点（明星创作者）", default=850)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "等级门槛 Level thresholds"
        verbose_name_plural = "等级门槛 Level thresholds"

    def __str__(self) -> str:
        return "等级门槛 " + " / ".join(str(t) for t in self.thresholds)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    @property
    def thresholds(self) -> tuple[int, int, int, int, int]:
        """The index where Lv1 … Lv5 begin."""
        return (0, self.lv2, self.lv3, self.lv4, self.lv5)

    def clean(self) -> None:
        if not 0 < self.lv2 < self.lv3 < self.lv4 < self.lv5 <= 1000:
            raise ValidationError("门槛须从 Lv2 到 Lv5 依次增大，且在 1–1000 之间。")

    def level_of(self, index: int) -> int:
        return max(lv for lv, start in zip(LEVELS, self.thresholds, strict=True) if index >= start)

    @classmethod
    def current(cls) -> IndexSettings:
        return cls.objects.get_or_create(pk=1)[0]


class Snapshot(models.Model):
    """A creator's index on one day (site zone), over the 180 days before it. Written whole by the
    nightly run; running it again the same day replaces the day's rows with the same values."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="index_snapshots")
    day = models.DateField()
    index = models.PositiveSmallIntegerField("创作者指数")
    level = models.PositiveSmallIntegerField("等级")
    originality = models.PositiveSmallIntegerField("原创度")
    activity = models.PositiveSmallIntegerField("活跃度")
    focus = models.PositiveSmallIntegerField("垂直度")
    interaction = models.PositiveSmallIntegerField("互动度")
    health = models.PositiveSmallIntegerField("健康度")
    # The numbers behind the dimensions (tidings.creator_index.compute.Facts): what the page's
    # "how to raise it" lines and the editors' table show.
    facts = models.JSONField(default=dict)

    class Meta:
        verbose_name = "创作者指数"
        verbose_name_plural = "创作者指数"
        constraints = [models.UniqueConstraint(fields=["creator", "day"], name="index_snapshot_once")]
        indexes = [
            # The editors' distribution page: one day's snapshots by index (tidings.creator_index.views).
            models.Index(fields=["day", "-index"], name="index_snapshot_day"),
        ]

    def __str__(self) -> str:
        return f"{self.creator_id} on {self.day}: {self.index} (Lv{self.level})"


class IndexRun(models.Model):
    """One row (pk 1): the last day the nightly run finished. Its row lock keeps two workers from
    writing the same day at once."""

    last_day = models.DateField(null=True)
    finished_at = models.DateTimeField(null=True)
    seconds = models.FloatField(default=0)
    creators = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"creator index computed for {self.last_day}"
