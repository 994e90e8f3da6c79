"""A customer's data rights over REST: GET `customers/<id>/export/` (everything held, as
JSON) and POST `customers/<id>/erase/` (delete everywhere). Owners and editors only; a
customer of another workspace is a 404."""

from __future__ import annotations

import uuid
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from journeymap.core.addresses import client_address
from journeymap.workspaces.access import role_in
from journeymap.workspaces.api.base import current_user
from journeymap.workspaces.models import WRITE_ROLES
from personas.models import CustomerProfile

from ..services.privacy import customer_erase, customer_export


def access_customer(request: Request, customer_id: uuid.UUID) -> CustomerProfile:
    """The customer, if the caller may act on it: a writer of its workspace. Anyone else
    who is not a member sees nothing (404); a viewer is refused (403)."""
    customer = (
        CustomerProfile.objects.select_related("workspace")
        .filter(pk=customer_id, workspace__memberships__user=current_user(request))
        .first()
    )
    if customer is None:
        raise exceptions.NotFound("no such customer")
    if role_in(user=request.user, workspace_id=customer.workspace_id) not in WRITE_ROLES:
        raise exceptions.PermissionDenied("only owners and editors handle customer data")
    return customer


class CustomerExportView(APIView):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT, 404: OpenApiResponse(description="no such customer")}
    )
    def get(self, request: Request, customer_id: uuid.UUID) -> Response:
        """Everything held about this customer: profile, values, purchases, segments,
        journey events and audit entries. The request itself is audited."""
        customer = access_customer(request, customer_id)
        data = customer_export(
            customer=customer, actor=request.user, address=client_address(request._request)
        )
        response = Response(data)
        response["Content-Disposition"] = f'attachment; filename="customer-{customer.id}.json"'
        return response


class CustomerEraseView(APIView):
    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "CustomerErased",
                {"purchases": serializers.IntegerField(), "events": serializers.IntegerField()},
            ),
            404: OpenApiResponse(description="no such customer"),
        },
    )
    def post(self, request: Request, customer_id: uuid.UUID) -> Response:
        """Erase the customer everywhere: profile, purchases and journey events. Cannot be
        undone; the audit log keeps only the external id and the counts."""
        customer = access_customer(request, customer_id)
        counts: dict[str, Any] = customer_erase(
            customer=customer, actor=request.user, address=client_address(request._request)
        )
        return Response(counts)
