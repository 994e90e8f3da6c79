"""The project's routes with the export's in front (as journeymap/api_urls.py will hold them)."""

from django.urls import include, path

from journeymap import urls as project

urlpatterns = [path("api/", include("journeymap.export.urls")), *project.urlpatterns]
