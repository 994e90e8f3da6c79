"""GET /health/: can this process serve? (django-health-check; docs/deploy.md, "Health").

200 when the database answers `SELECT 1` and the cache (Redis when REDIS_URL is set, which the
channel layer and presence use too) stores and reads back a key; 503 otherwise, so nginx, a
load balancer or a monitor takes the process out. Always JSON. Public on purpose: it says
which check failed, never why.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from health_check.views import HealthCheckView


class HealthView(HealthCheckView):
    checks = (
        "health_check.checks.Database",
        "health_check.checks.Cache",
    )

    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            # The library's "a check failed" — for a probe that is "unavailable", not a bug.
            response.status_code = 503
        return response

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        # The HTML page (for Accept: */* or text/html) would need inline styles under our
        # CSP; probes and people alike read the JSON just as well.
        response: HttpResponse = self.render_to_response_json(kwargs.get("status", 200))
        return response

    def render_to_response_text(self, status: int) -> HttpResponse:
        return self.render_to_response_json(status)

    def render_to_response_json(self, status: int) -> HttpResponse:
        return JsonResponse(
            {
                "status": "ok" if status == 200 else "unavailable",
                "checks": {
                    type(result.check).__name__: "ok" if not result.error else "failed"
                    for result in self.results
                },
            },
            status=status,
        )
