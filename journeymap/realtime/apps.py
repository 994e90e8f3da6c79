from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "journeymap.realtime"
    label = "realtime"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every committed batch — from a socket, REST, an import or a restore — is broadcast.
        from journeymap.maps.services import events

        from .broadcast import on_batch_committed

        events.subscribe(on_batch_committed)
