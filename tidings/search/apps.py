from typing import Any

from django.apps import AppConfig
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created


def _register_tokenizer(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """SQLite: the SQL function search_tokens() that the search_entry triggers call."""
    if connection.vendor == "sqlite":
        from tidings.search.index import search_tokens

        connection.connection.create_function("search_tokens", 1, search_tokens, deterministic=True)


class SearchConfig(AppConfig):
    name = "tidings.search"
    label = "search"
    verbose_name = "搜索 Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Like the PRAGMAs in settings: set-up of each new database connection, not app logic.
        connection_created.connect(_register_tokenizer, dispatch_uid="tidings.search.tokenizer")
        from tidings.articles import derived
        from tidings.search.index import refresh_search

        derived.register("search", refresh_search)
