from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tidings.api"
    label = "api"
