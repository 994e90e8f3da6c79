"""CSV import of customers and purchases: all rows or none, with the bad rows named."""

from __future__ import annotations

from typing import Any

import pytest
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
        client_as("outsider").post("/api/customers/import/", body, format="json").status_code == 404
    )
    assert not CustomerProfile.objects.exists()


def _import(client: Any, world: World, csv: str, kind: str = "customers") -> Any:
    body = {"workspace": str(world.acme.workspace.id), "kind": kind, "csv": csv}
    return client.post("/api/customers/import/", body, format="json")


def test_a_field_longer_than_its_column_is_named_by_line_and_column(
    world: World, client_as: Any
) -> None:
    bad = f"external_id,name,city\nC1,Ann,Leeds\nC2,Bob,{'x' * 121}\n{'y' * 121},Cy,York\n"
    response = _import(client_as("editor"), world, bad)
    assert response.status_code == 400
    problems = {(e["line"], e["column"]) for e in response.json()["errors"]}
    assert problems == {(3, "city"), (4, "external_id")}
    assert not CustomerProfile.objects.exists()
    long_product = f"external_id,product,amount,purchased_at\nC1,{'p' * 201},1,2026-01-01\n"
    CustomerProfile.objects.create(workspace=world.acme.workspace, external_id="C1")
    response = _import(client_as("editor"), world, long_product, "purchases")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"line": 2, "column": "product", "message": "longer than 200 characters"}
    ]
    assert not Purchase.objects.exists()


def test_reading_stops_at_the_row_limit(
    world: World, client_as: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.IMPORT_MAX_ROWS = 3
    lines = ["external_id"] + [f"C{n}" for n in range(1000)]

    class Counting:
        """A text stream that counts the lines read from it."""

        def __init__(self) -> None:
            self.read = 0
            self.lines = iter(line + "\n" for line in lines)

        def __iter__(self) -> Counting:
            return self

        def __next__(self) -> str:
            self.read += 1
            return next(self.lines)

    from personas.imports import CsvRejected, customers_import

    stream = Counting()
    with pytest.raises(CsvRejected) as refused:
        customers_import(workspace=world.acme.workspace, stream=stream)
    assert refused.value.errors == [{"line": 5, "column": None, "message": "more than 3 rows"}]
    assert stream.read == 5  # the header, three rows and the one too many
    response = _import(client_as("editor"), world, "\n".join(lines))
    assert response.status_code == 400 and "more than 3 rows" in str(response.json())
    assert not CustomerProfile.objects.exists()


def test_an_upload_is_read_as_a_stream(world: World, client_as: Any, monkeypatch: Any) -> None:
    import io

    from personas.api import views
    from personas.imports import customers_import

    seen: list[Any] = []

    def spy(**kwargs: Any) -> Any:
        seen.append(kwargs["stream"])
        return customers_import(**kwargs)

    monkeypatch.setattr(views, "customers_import", spy)
    upload = SimpleUploadedFile("c.csv", CUSTOMERS.encode(), content_type="text/csv")
    response = client_as("editor").post(
        "/api/customers/import/",
        {"workspace": str(world.acme.workspace.id), "file": upload},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert isinstance(seen[0], io.TextIOWrapper)  # decoded as rows are read, not up front
    assert CustomerProfile.objects.count() == 2


def test_text_that_is_not_utf8_is_refused(world: World, client_as: Any) -> None:
    upload = SimpleUploadedFile("c.csv", b"external_id,name\nC1,Fran\xe7ois\n")
    response = client_as("editor").post(
        "/api/customers/import/",
        {"workspace": str(world.acme.workspace.id), "file": upload},
        format="multipart",
    )
    assert response.status_code == 400 and "UTF-8" in str(response.json())
    assert not CustomerProfile.objects.exists()
