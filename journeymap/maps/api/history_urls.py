"""History, versions, event-log, persona-usage and customer-privacy routes, relative to "api/"."""

from django.urls import path

from .events import EventImportDetailView, EventImportListView
from .history import HistoryView, VersionDetailView, VersionListView, VersionRestoreView
from .persona_usage import PersonaUsageView
from .privacy import CustomerEraseView, CustomerExportView

urlpatterns = [
    path("personas/<uuid:persona_id>/usage/", PersonaUsageView.as_view(), name="persona-usage"),
    path(
        "customers/<uuid:customer_id>/export/",
        CustomerExportView.as_view(),
        name="customer-export",
    ),
    path("customers/<uuid:customer_id>/erase/", CustomerEraseView.as_view(), name="customer-erase"),
    path("maps/<uuid:map_id>/events/", EventImportListView.as_view(), name="map-events"),
    path(
        "maps/<uuid:map_id>/events/<uuid:import_id>/",
        EventImportDetailView.as_view(),
        name="map-event-import",
    ),
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
