from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("maps", views.MapViewSet, basename="map")

urlpatterns = [
    path("share/<str:token>/", views.SharedMapView.as_view(), name="shared-map"),
    path("", include("journeymap.maps.api.history_urls")),
    *router.urls,
]
