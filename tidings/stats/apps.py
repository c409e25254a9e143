from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "tidings.stats"
    label = "stats"
    verbose_name = "数据中心 Statistics"
