from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "tidings.discovery"
    label = "discovery"

    def ready(self) -> None:
        from tidings.articles import derived
        from tidings.discovery.tasks import enqueue_refresh

        # Keywords and related lists follow every article write (tidings.articles.derived).
        derived.register("discovery", lambda ids, progress: enqueue_refresh(ids))
