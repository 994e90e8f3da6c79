"""WebSocket routes. Placeholder until the live layer lands: refuses every connection."""

from channels.generic.websocket import WebsocketConsumer
from channels.routing import URLRouter
from django.urls import path


class _Refuse(WebsocketConsumer):
    def connect(self) -> None:
        self.close()


websocket_application = URLRouter([path("ws/maps/<uuid:map_id>/", _Refuse.as_asgi())])
