from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "tidings.importers"
    label = "importers"
