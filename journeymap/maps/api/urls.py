from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import share_links, views

router = SimpleRouter()
router.register("maps", views.MapViewSet, basename="map")
router.register("share-links", share_links.ShareLinkViewSet, basename="share-link")

urlpatterns = [
    path("share/<str:token>/", views.SharedMapView.as_view(), name="shared-map"),
    path("", include("journeymap.maps.api.history_urls")),
    *router.urls,
]
