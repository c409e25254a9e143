from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "tidings.search"
    label = "search"
    verbose_name = "搜索 Search"
    default_auto_field = "django.db.models.BigAutoField"
