from django.urls import path

from .api import FeaturePrioritiesView, FrictionPointsView, MapAnalysisView

urlpatterns = [
    path("maps/<uuid:map_id>/analysis/", MapAnalysisView.as_view(), name="map-analysis"),
    path("feature-priorities/", FeaturePrioritiesView.as_view(), name="feature-priorities"),
    path("friction-points/", FrictionPointsView.as_view(), name="friction-points"),
]
