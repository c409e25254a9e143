from django.apps import AppConfig


class CreatorIndexConfig(AppConfig):
    name = "tidings.creator_index"
    label = "creator_index"
    verbose_name = "创作者指数 Creator index"
