from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "journeymap.demo"
    label = "demo"
    verbose_name = "Demo workspace"
