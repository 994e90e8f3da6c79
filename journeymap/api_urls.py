"""Every REST path (docs/architecture.md, "Routes"), gathered from the domain packages."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from journeymap.workspaces.api import audit


# Exempt like every DRF view: it changes nothing, and a CSRF refusal would answer HTML.
@csrf_exempt
def unknown_api_path(request: HttpRequest, rest: str = "") -> JsonResponse:
    """A path under /api/ that names no route (a malformed id, a typo) answers in the API's
    error shape, not with the HTML page meant for browsers."""
    return JsonResponse({"code": "not_found", "detail": "no such API path"}, status=404)


urlpatterns = [
    path("", include("journeymap.workspaces.api.urls")),
    path("audit/", audit.AuditListView.as_view(), name="audit-list"),
    path("audit/export.csv", audit.AuditCsvView.as_view(), name="audit-export-csv"),
    path("", include("personas.api.urls")),
    path("", include("journeymap.maps.api.urls")),
    path("", include("journeymap.maps.api.trash_urls")),
    path("", include("journeymap.analysis.urls")),
    path("", include("journeymap.export.urls")),
    # [\s\S], not ".": a path may hold a newline, which "." would not match.
    re_path(r"^(?P<rest>[\s\S]*)$", unknown_api_path),
]
