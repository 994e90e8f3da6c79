from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from journeymap.core.health import HealthView
from journeymap.core.metrics import metrics_view
from journeymap.maps.api.media import PersonaPhotoView

urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/", include("journeymap.api_urls")),
    # Uploaded media is never served as plain files: persona photos go through an access
    # check (members of the persona's workspace, or a share link whose map shows it).
    path("media/personas/<str:name>", PersonaPhotoView.as_view(), name="persona-photo"),
    path("", include("frontend.urls")),
]
