"""CSV import of customers and purchases: all rows or none, with the bad rows named."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from journeymap.workspaces.models import AuditEntry
from personas.models import CustomerProfile, Purchase, Segment
from personas.selectors import segment_customers

from ..conftest import World

CUSTOMERS = """external_id,email,first_name,last_name,gender,birth_date,city,country,income,signup_date,loyalty_tier
C1,Ann@Example.com,Ann,Lee,female,1990-05-17,Leeds,UK,42000.50,2024-03-01,gold
C2,,Bob,Roy,male,2001-12-01,York,UK,,,
"""
PURCHASES = """customer_external_id,product,amount,purchased_at,channel
C1,Tent,349.00,2026-10-01,Store
C2,Boots,120,2026-11-01T10:00:00,Website
C1,Stove,59.90,2026-11-02T09:30:00+00:00,
"""

OK = {"created": 0, "updated": 0, "merged_by_email": 0, "repeated_rows": 0}


def _files(client: Any, world: World, **files: str) -> Any:
    body: dict[str, Any] = {"workspace": str(world.acme.workspace.id)}
    for name, text in files.items():
        body[name] = SimpleUploadedFile(f"{name}.csv", text.encode(), content_type="text/csv")
    return client.post("/api/customers/import/", body, format="multipart")


def test_customers_and_purchases_in_one_request(world: World, client_as: Any) -> None:
    response = _files(client_as("editor"), world, customers=CUSTOMERS, purchases=PURCHASES)
    assert response.status_code == 200, response.content
    assert response.json() == {
        **OK, "created": 2, "purchases": 3, "duplicate_purchases": 0
    }  # fmt: skip
    ann = CustomerProfile.objects.get(workspace=world.acme.workspace, external_id="C1")
    assert (ann.email, ann.name, ann.income, str(ann.signup_date)) == (
        "ann@example.com", "Ann Lee", Decimal("42000.50"), "2024-03-01"
    )  # fmt: skip
    assert ann.attributes == {"loyalty_tier": "gold"}
    assert ann.age_on(date(2026, 5, 16)) == 35 and ann.age_on(date(2026, 5, 17)) == 36
    assert sorted(ann.purchases.values_list("product", "channel")) == [
        ("Stove", ""), ("Tent", "Store")
    ]  # fmt: skip
    assert AuditEntry.objects.get(action="customers.imported").detail["purchases"] == 3


def test_age_is_computed_from_the_birth_date_on_the_day_it_is_read(
    world: World, client_as: Any
) -> None:
    _files(client_as("editor"), world, customers=CUSTOMERS)
    ann = CustomerProfile.objects.get(external_id="C1")
    url = f"/api/customers/{ann.pk}/"
    with time_machine.travel(date(2026, 5, 16), tick=False):
        assert client_as("editor").get(url).json()["age"] == 35
    with time_machine.travel(date(2026, 5, 17), tick=False):
        assert client_as("editor").get(url).json()["age"] == 36
        segment = Segment(
            workspace=world.acme.workspace,
            rules={"field": "age", "op": "gte", "value": 36},
        )
        assert list(segment_customers(segment=segment).values_list("external_id", flat=True)) == [
            "C1"
        ]


def test_reimporting_the_same_purchases_adds_nothing(world: World, client_as: Any) -> None:
    client = client_as("editor")
    _files(client, world, customers=CUSTOMERS, purchases=PURCHASES)
    again = _files(client, world, purchases=PURCHASES)
    assert again.status_code == 200, again.content
    assert again.json() == {**OK, "purchases": 0, "duplicate_purchases": 3}
    overlapping = PURCHASES + "C2,Boots,120,2026-11-20,Website\n"
    third = _files(client, world, purchases=overlapping).json()
    assert (third["purchases"], third["duplicate_purchases"]) == (1, 3)
    assert Purchase.objects.count() == 4


def test_a_purchase_id_column_identifies_purchases(world: World, client_as: Any) -> None:
    client = client_as("editor")
    _files(client, world, customers=CUSTOMERS)
    two_same = (
        "customer_external_id,product,amount,purchased_at,purchase_id\n"
        "C1,Tent,10,2026-10-01,A-1\nC1,Tent,10,2026-10-01,A-2\n"
    )
    assert _files(client, world, purchases=two_same).json()["purchases"] == 2
    assert _files(client, world, purchases=two_same).json()["duplicate_purchases"] == 2
    assert Purchase.objects.count() == 2


def test_records_with_the_same_email_merge_and_attributes_merge(
    world: World, client_as: Any
) -> None:
    client = client_as("editor")
    _files(client, world, customers=CUSTOMERS)
    later = (
        "external_id,email,first_name,city,newsletter\n"
        "CRM-9,ANN@example.com,,Bath,yes\n"
        "C2,,Robert,,\n"
        "C2,,,Hull,no\n"
    )
    response = _files(client, world, customers=later)
    assert response.json() == {
        **OK, "updated": 2, "merged_by_email": 1, "repeated_rows": 1,
        "purchases": 0, "duplicate_purchases": 0,
    }  # fmt: skip
    assert CustomerProfile.objects.filter(workspace=world.acme.workspace).count() == 2
    ann = CustomerProfile.objects.get(external_id="C1")
    # A blank cell keeps what was stored; extra columns add to the attributes.
    assert (ann.first_name, ann.city) == ("Ann", "Bath")
    assert ann.attributes == {"loyalty_tier": "gold", "newsletter": "yes"}
    bob = CustomerProfile.objects.get(external_id="C2")
    assert (bob.first_name, bob.city, bob.attributes) == ("Robert", "Hull", {"newsletter": "no"})
    # The purchases of the same request find Ann under the id that merged into her.
    both = _files(
        client,
        world,
        customers=later,
        purchases="customer_external_id,product,amount,purchased_at\nCRM-9,Map,5,2026-01-01\n",
    )
    assert both.json()["purchases"] == 1
    assert ann.purchases.get().product == "Map"


def test_a_bad_purchase_row_rolls_back_the_customers_too(world: World, client_as: Any) -> None:
    bad = PURCHASES + "C1,Tent,lots,2026-10-01,\nC9,Tent,1,2026-10-01,\n"
    response = _files(client_as("editor"), world, customers=CUSTOMERS, purchases=bad)
    assert response.status_code == 400
    assert [(e["file"], e["line"], e["column"]) for e in response.json()["errors"]] == [
        ("purchases", 5, "amount"), ("purchases", 6, "customer_external_id")
    ]  # fmt: skip
    assert not CustomerProfile.objects.exists() and not Purchase.objects.exists()
    assert not AuditEntry.objects.exists()


def test_progress_is_reported_while_a_file_is_read(
    world: World, client_as: Any, monkeypatch: Any
) -> None:
    from personas.imports import customers as customer_rows
    from personas.imports.progress import import_progress_reporter, read_import_progress

    monkeypatch.setattr(customer_rows, "PROGRESS_EVERY", 2)
    seen: list[Any] = []
    text = "external_id\n" + "".join(f"C{n}\n" for n in range(7))
    stream = io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8", newline="")
    report = import_progress_reporter(
        user_id=world.editor.pk, token="tok-12345", streams={"customers": stream},
        sizes={"customers": len(text)},
    )  # fmt: skip
    assert report is not None

    def spy(phase: str, rows: int) -> None:
        report(phase, rows)
        seen.append(read_import_progress(user_id=world.editor.pk, token="tok-12345"))

    from personas.imports import customer_data_import

    customer_data_import(
        workspace=world.acme.workspace, actor=world.editor, customers=stream, progress=spy
    )
    assert [s["rows"] for s in seen] == [2, 4, 6, 7]
    assert seen[-1]["fraction"] == 1.0
    # Someone else's token reads nothing; the API says so with a 404.
    assert read_import_progress(user_id=world.owner.pk, token="tok-12345") is None
    response = client_as("owner").get("/api/customers/import/progress/?token=tok-12345")
    assert response.status_code == 404


def test_customers_then_purchases_from_csv_text(world: World, client_as: Any) -> None:
    """The older single-file forms: `csv` text with `kind`, and `external_id` as the
    purchases' customer column."""
    client = client_as("editor")
    workspace = str(world.acme.workspace.id)
    upload = SimpleUploadedFile("customers.csv", CUSTOMERS.encode(), content_type="text/csv")
    response = client.post(
        "/api/customers/import/", {"workspace": workspace, "file": upload}, format="multipart"
    )
    assert response.json()["created"] == 2
    purchases = "external_id,product,amount,purchased_at\nC1,Tent,349.00,2026-10-01\n"
    bought = client.post(
        "/api/customers/import/",
        {"workspace": workspace, "kind": "purchases", "csv": purchases},
        format="json",
    )
    assert bought.json()["purchases"] == 1
    assert Purchase.objects.filter(customer__external_id="C1").get().product == "Tent"


def test_a_file_with_bad_rows_changes_nothing_and_names_them(world: World, client_as: Any) -> None:
    bad = "external_id,birth_date,email\nC1,1990-01-01,ok@example.com\n,1990-02-30,\nC3,soon,nope\n"
    response = client_as("editor").post(
        "/api/customers/import/",
        {"workspace": str(world.acme.workspace.id), "csv": bad},
        format="json",
    )
    assert response.status_code == 400
    problems = {(e["line"], e["column"]) for e in response.json()["errors"]}
    assert problems == {(3, "external_id"), (3, "birth_date"), (4, "birth_date"), (4, "email")}
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
    bad = f"external_id,first_name,city\nC1,Ann,Leeds\nC2,Bob,{'x' * 121}\n{'y' * 121},Cy,York\n"
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
    from personas.imports import customer_data_import

    seen: list[Any] = []

    def spy(**kwargs: Any) -> Any:
        seen.append(kwargs["customers"])
        return customer_data_import(**kwargs)

    monkeypatch.setattr(views, "customer_data_import", spy)
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
    upload = SimpleUploadedFile("c.csv", b"external_id,first_name\nC1,Fran\xe7ois\n")
    response = client_as("editor").post(
        "/api/customers/import/",
        {"workspace": str(world.acme.workspace.id), "file": upload},
        format="multipart",
    )
    assert response.status_code == 400 and "UTF-8" in str(response.json())
    assert not CustomerProfile.objects.exists()
