"""The OpenAPI schema documents the error answers every operation can give.

drf-spectacular documents only the success response of an operation; but every route can
answer 400 (a bad body or query parameter), 401 (no or expired credentials), 403 (a role that
may read but not write) and 404 (an id outside the caller's workspaces), always in the one
error shape of `journeymap.core.api.errors`. Clients and the schemathesis run in `make test`
hold the API to its schema, so the schema says so.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

ERROR_ANSWERS = {
    "400": "Invalid input: `errors` says which field, `index` which op",
    "401": "No credentials, or expired ones",
    "403": "Your role does not allow this",
    "404": "No such record (or not in one of your workspaces)",
    "429": "Too many requests: slow down and retry",
}


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    code = serializers.CharField(help_text="machine-readable: invalid, not_found, …")
    detail = serializers.CharField(help_text="what went wrong, for a person")
    field = serializers.CharField(required=False, allow_null=True)
    index = serializers.IntegerField(required=False, allow_null=True)
    errors = serializers.JSONField(  # type: ignore[assignment]
        required=False, help_text="per-field messages"
    )


class ErrorDocumentingAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, description in ERROR_ANSWERS.items():
            if code not in responses:
                answer = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                answer["description"] = description
                responses[code] = answer
        return responses
