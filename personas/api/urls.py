from django.urls import path
from rest_framework.routers import SimpleRouter

from . import persona_views, research, suggestions, views

router = SimpleRouter()
router.register("personas", persona_views.PersonaViewSet, basename="persona")
router.register("interview-guides", research.InterviewGuideViewSet, basename="interview-guide")
router.register("interview-notes", research.InterviewNoteViewSet, basename="interview-note")
router.register("persona-evidence", research.PersonaEvidenceViewSet, basename="persona-evidence")
router.register("channels", views.ChannelViewSet, basename="channel")
router.register("segments", views.SegmentViewSet, basename="segment")
router.register("features", views.FeatureViewSet, basename="feature")
router.register("customers", views.CustomerViewSet, basename="customer")

urlpatterns = [
    path("persona-template/", persona_views.PersonaTemplateView.as_view()),
    path("research/progress/", research.ResearchProgressView.as_view()),
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
