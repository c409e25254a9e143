from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "tidings.comments"
    label = "comments"
    verbose_name = "跟帖 Comments"
