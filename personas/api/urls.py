from django.urls import path
from rest_framework.routers import SimpleRouter

from . import suggestions, views

router = SimpleRouter()
router.register("personas", views.PersonaViewSet, basename="persona")
router.register("channels", views.ChannelViewSet, basename="channel")
router.register("segments", views.SegmentViewSet, basename="segment")
router.register("features", views.FeatureViewSet, basename="feature")
router.register("customers", views.CustomerViewSet, basename="customer")

urlpatterns = [
    # Before the router, whose segment detail route would take "suggestions" for an id.
    path("segments/suggestions/", suggestions.SegmentSuggestionsView.as_view()),
    # A file name, like the exports' `export.csv`: no trailing slash.
    path(
        "segments/<uuid:pk>/customers.csv",
        views.SegmentViewSet.as_view({"get": "customers_csv"}),
        name="segment-customers-csv",
    ),
    *router.urls,
]
