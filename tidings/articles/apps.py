from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "tidings.articles"
    label = "articles"
    verbose_name = "文章 Articles"

    def ready(self) -> None:
        from tidings.articles import derived
        from tidings.articles.originality import refresh_fingerprints
        from tidings.articles.thumbs import refresh_thumbs

        derived.register("thumbs", refresh_thumbs)
        derived.register("originality", refresh_fingerprints)
