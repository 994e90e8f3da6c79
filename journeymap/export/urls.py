from django.urls import path

from . import api

urlpatterns = [
    path("maps/<uuid:map_id>/export.pdf", api.MapPdfView.as_view(), name="map-export-pdf"),
    path("maps/<uuid:map_id>/export.png", api.MapPngView.as_view(), name="map-export-png"),
    path("maps/<uuid:map_id>/export.csv", api.MapCsvView.as_view(), name="map-export-csv"),
    path(
        "feature-priorities/export.csv",
        api.FeaturePrioritiesCsvView.as_view(),
        name="feature-priorities-csv",
    ),
    path(
        "personas/<uuid:persona_id>/sheet.pdf",
        api.PersonaSheetView.as_view(),
        name="persona-sheet-pdf",
    ),
]
