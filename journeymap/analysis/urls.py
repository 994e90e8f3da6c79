from django.urls import path

from .api import MapAnalysisView

urlpatterns = [
    path("maps/<uuid:map_id>/analysis/", MapAnalysisView.as_view(), name="map-analysis"),
]
