from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person with an account. Creators additionally have a creators.Creator profile."""

    class Role(models.TextChoices):
        READER = "reader", "读者 Reader"
        CREATOR = "creator", "创作者 Creator"
        EDITOR = "editor", "编辑 Editor"
        ADMIN = "admin", "管理员 Admin"

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.READER)
    care_mode = models.BooleanField("关怀版", default=False)

    @property
    def role_name(self) -> str:
        """The role as the account page says it: a superuser is 管理员 whatever the field says."""
        if self.is_superuser:
            return "管理员"
        return str(self.get_role_display()).split()[0]

    @property
    def is_editor(self) -> bool:
        return self.role in {self.Role.EDITOR, self.Role.ADMIN} or self.is_superuser
