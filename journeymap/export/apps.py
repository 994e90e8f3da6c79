from django.apps import AppConfig


class ExportConfig(AppConfig):
    name = "journeymap.export"
    label = "export"
    default_auto_field = "django.db.models.BigAutoField"
