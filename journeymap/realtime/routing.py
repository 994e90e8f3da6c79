"""WebSocket routes: origin check → session / share-link principal → the map socket."""

from channels.routing import URLRouter
from django.urls import path

from .auth import OriginCheck, SessionAuth
from .consumer import MapSocket

websocket_urlpatterns = [path("ws/maps/<uuid:map_id>/", MapSocket())]  # type: ignore[arg-type]

websocket_application = OriginCheck(SessionAuth(URLRouter(websocket_urlpatterns)))
