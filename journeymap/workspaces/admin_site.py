"""The Django admin, off unless ADMIN_ENABLED, and with its sign-in throttled like the API's.

Installed as the project's admin app (INSTALLED_APPS names `AdminConfig` below), so
`admin.site` is `GuardedAdminSite` and `journeymap/urls.py` mounts it unchanged. With
ADMIN_ENABLED off every admin URL answers 404, the sign-in page included. The switch is read
per request, so tests can flip it with `settings`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.http import Http404, HttpRequest, HttpResponse

from .signin import client_address, signin_failed, signin_refused, signin_succeeded


class GuardedAdminSite(admin.AdminSite):
    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not settings.ADMIN_ENABLED:
                raise Http404()
            return inner(request, *args, **kwargs)

        return update_wrapper(gated, inner)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        if not settings.ADMIN_ENABLED:
            raise Http404()
        if request.method != "POST":
            return super().login(request, extra_context)
        username = str(request.POST.get("username", ""))
        address = client_address(request)
        wait = signin_refused(username=username, address=address)
        if wait is not None:
            response = HttpResponse(
                "Too many failed sign-ins. Try again later.\n",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = str(wait)
            return response
        response = super().login(request, extra_context)
        # The login view redirects on success and shows the form again on failure.
        if request.user.is_authenticated and response.status_code in (301, 302):
            signin_succeeded(username=username)
        else:
            signin_failed(username=username, address=address)
        return response


class AdminConfig(DjangoAdminConfig):
    default_site = "journeymap.workspaces.admin_site.GuardedAdminSite"
