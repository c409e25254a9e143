from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from tidings import audit
from tidings.accounts.models import User


@admin.register(User)
class TidingsUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "is_staff", "date_joined")
    list_filter = ("role", "is_staff", "is_superuser")
    fieldsets = (*UserAdmin.fieldsets, ("Tidings", {"fields": ("role", "care_mode")}))  # type: ignore[misc]

    def save_model(self, request: Any, obj: User, form: Any, change: bool) -> None:
        """Role changes decide who moderates and publishes: each one goes to the audit log."""
        old = User.objects.filter(pk=obj.pk).values_list("role", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        if change and old != obj.role:
            audit.record(request.user, "user.role", obj, old=old, new=obj.role)
