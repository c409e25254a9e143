from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "tidings.moderation"
    label = "moderation"
    verbose_name = "审核 Moderation"
    default_auto_field = "django.db.models.BigAutoField"
