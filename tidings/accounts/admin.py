from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from tidings.accounts.models import User


@admin.register(User)
class TidingsUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "is_staff", "date_joined")
    list_filter = ("role", "is_staff", "is_superuser")
    fieldsets = (*UserAdmin.fieldsets, ("Tidings", {"fields": ("role", "care_mode")}))  # type: ignore[misc]
