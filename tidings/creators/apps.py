from django.apps import AppConfig


class CreatorsConfig(AppConfig):
    name = "tidings.creators"
    label = "creators"
    verbose_name = "创作者 Creators"
