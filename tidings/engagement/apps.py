from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "tidings.engagement"
    label = "engagement"
