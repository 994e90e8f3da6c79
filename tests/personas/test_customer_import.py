"""CSV import of customers and purchases: all rows or none, with the bad rows named."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from personas.models import CustomerProfile, Purchase

from ..conftest import World

CUSTOMERS = """external_id,name,email,gender,age,country,loyalty_tier
C1,Ann Lee,ann@example.com,female,31,UK,gold
C2,Bob Roy,,male,22,UK,
"""


def test_customers_then_purchases_from_csv(world: World, client_as: Any) -> None:
    client = client_as("editor")
    workspace = str(world.acme.workspace.id)
    upload = SimpleUploadedFile("customers.csv", CUSTOMERS.encode(), content_type="text/csv")
    response = client.post(
        "/api/customers/import/", {"workspace": workspace, "file": upload}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 0, "purchases": 0}
    ann = CustomerProfile.objects.get(workspace=world.acme.workspace, external_id="C1")
    assert (ann.age, ann.attributes) == (31, {"loyalty_tier": "gold"})

    again = client.post(
        "/api/customers/import/",
        {"workspace": workspace, "csv": CUSTOMERS.replace("31", "32")},
        format="json",
    )
    assert again.json() == {"created": 0, "updated": 2, "purchases": 0}
    assert CustomerProfile.objects.get(external_id="C1").age == 32

    purchases = "external_id,product,amount,purchased_at\nC1,Tent,349.00,2026-10-01\nC2,Boots,120,2026-11-01T10:00:00\n"
    bought = client.post(
        "/api/customers/import/",
        {"workspace": workspace, "kind": "purchases", "csv": purchases},
        format="json",
    )
    assert bought.json()["purchases"] == 2
    assert Purchase.objects.filter(customer__external_id="C1").get().product == "Tent"


def test_a_file_with_bad_rows_changes_nothing_and_names_them(world: World, client_as: Any) -> None:
    bad = "external_id,age,email\nC1,31,ok@example.com\n,40,\nC3,two hundred,nope\n"
    response = client_as("editor").post(
        "/api/customers/import/",
        {"workspace": str(world.acme.workspace.id), "csv": bad},
        format="json",
    )
    assert response.status_code == 400
    problems = {(e["line"], e["column"]) for e in response.json()["errors"]}
    assert problems == {(3, "external_id"), (4, "age"), (4, "email")}
    assert not CustomerProfile.objects.filter(workspace=world.acme.workspace).exists()


def test_viewers_and_outsiders_cannot_import(world: World, client_as: Any) -> None:
    body = {"workspace": str(world.acme.workspace.id), "csv": CUSTOMERS}
    assert (
        client_as("viewer").post("/api/customers/import/", body, format="json").status_code == 403
    )
    assert (
        client_as("outsider").post("/api/customers/import/", body, format="json").status_code == 400
    )
    assert not CustomerProfile.objects.exists()
