from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "tidings.studio"
    label = "studio"
    verbose_name = "创作者工作台 Studio"
