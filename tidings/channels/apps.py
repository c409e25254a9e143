from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "tidings.channels"
    label = "channels"
    verbose_name = "频道 Channels"
