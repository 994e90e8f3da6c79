"""Browser routes (docs/architecture.md, "Routes"); each renders the app's one page."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="home"),
    path("login/", views.index, name="login"),
    path("maps/<uuid:map_id>/", views.index, name="map-board"),
    path("maps/<uuid:map_id>/graph/", views.index, name="map-graph"),
    path("maps/<uuid:map_id>/content/", views.index, name="map-content"),
    path("personas/", views.index, name="personas"),
    path("personas/new/", views.index, name="persona-new"),
    path("personas/compare/", views.index, name="persona-compare"),
    path("personas/<uuid:persona_id>/", views.index, name="persona"),
    path("research/", views.index, name="research"),
    path("research/notes/<uuid:note_id>/", views.index, name="interview-note"),
    path("research/guides/<uuid:guide_id>/", views.index, name="interview-guide"),
    path("segments/", views.index, name="segments"),
    path("segments/new/", views.index, name="segment-new"),
    path("segments/<uuid:segment_id>/", views.index, name="segment"),
    path("customers/", views.index, name="customers"),
    path("features/", views.index, name="features"),
    path("team/", views.index, name="team"),
    path("audit/", views.index, name="audit"),
    path("trash/", views.index, name="trash"),
    path("invitations/<str:token>/", views.index, name="invitation"),
    path("share/<str:token>/", views.index, name="share"),
]
