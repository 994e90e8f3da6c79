"""One error shape for the whole API: {"code": …, "detail": …, "field"?: …, "errors"?: …}."""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from journeymap.core.errors import OpRejected

REJECT_STATUS = {
    "invalid": status.HTTP_400_BAD_REQUEST,
    "not_found": status.HTTP_404_NOT_FOUND,
    "forbidden": status.HTTP_403_FORBIDDEN,
    "conflict": status.HTTP_409_CONFLICT,
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, OpRejected):
        return Response(exc.as_dict(), status=REJECT_STATUS[exc.code])
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        code = getattr(data["detail"], "code", "error")
        response.data = {"code": code, "detail": str(data["detail"])}
    elif isinstance(data, dict | list):
        response.data = {"code": "invalid", "detail": "invalid input", "errors": data}
    return response
