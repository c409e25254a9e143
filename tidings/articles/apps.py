from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "tidings.articles"
    label = "articles"
    verbose_name = "文章 Articles"
