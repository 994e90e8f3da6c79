"""Every REST path of DESIGN.md, gathered from the domain packages."""

from django.urls import include, path

urlpatterns = [
    path("", include("journeymap.workspaces.api.urls")),
    path("", include("personas.api.urls")),
    path("", include("journeymap.maps.api.urls")),
]
