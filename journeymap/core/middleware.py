"""Headers for what a share link opens.

A share URL carries its token in the path (`/share/<token>/`, `/api/share/<token>/`) or in
`?share=`. A browser must not send that URL on as a Referer to wherever a link on the page
leads, and no cache may keep a page that a revoked link must stop opening at once.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

SHARE_PATHS = ("/share/", "/api/share/")


def is_shared(request: HttpRequest) -> bool:
    if request.path.startswith(SHARE_PATHS) or "share" in request.GET:
        return True
    return request.headers.get("Authorization", "")[:6].lower() == "share "


class SharedPageHeaders:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_shared(request):
            response["Referrer-Policy"] = "no-referrer"
            response["Cache-Control"] = "no-store"
        return response
