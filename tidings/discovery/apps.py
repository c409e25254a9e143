from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "tidings.discovery"
    label = "discovery"
