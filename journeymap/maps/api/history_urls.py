"""History and versions routes, relative to "api/" (included from journeymap/maps/api/urls.py)."""

from django.urls import path

from .history import HistoryView, VersionDetailView, VersionListView, VersionRestoreView

urlpatterns = [
    path("maps/<uuid:map_id>/history/", HistoryView.as_view(), name="map-history"),
    path("maps/<uuid:map_id>/versions/", VersionListView.as_view(), name="map-versions"),
    path(
        "maps/<uuid:map_id>/versions/<uuid:version_id>/",
        VersionDetailView.as_view(),
        name="map-version",
    ),
    path(
        "maps/<uuid:map_id>/versions/<uuid:version_id>/restore/",
        VersionRestoreView.as_view(),
        name="map-version-restore",
    ),
]
