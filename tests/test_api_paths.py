"""A path under /api/ that names no route answers in the API's error shape, never with the
HTML page meant for browsers (clients and the schemathesis run rely on JSON)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/api/nope/", "/api/maps/0.5/ops/", "/api/maps/%0A%C3%B1/versions/x/restore/"],
)
def test_unknown_api_paths_answer_json_404(world: Any, client_as: Any, path: str) -> None:
    response = client_as("editor").post(path, {}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
