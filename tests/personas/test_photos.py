"""Persona photos: capped, checked, re-encoded without metadata, stored under a new name and
served only to those who may see the persona."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from journeymap.workspaces.access import hash_share_token
from journeymap.workspaces.models import ShareLink
from personas.models import Persona

from ..conftest import World


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    image = Image.new("RGB", size, "#0d9488")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png(size: tuple[int, int] = (32, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (1, 2, 3, 128)).save(out, format="PNG")
    return out.getvalue()


def upload(client: Any, persona: Persona, data: bytes, name: str = "me.jpg") -> Any:
    return client.put(
        f"/api/personas/{persona.id}/photo/",
        {"photo": SimpleUploadedFile(name, data)},
        format="multipart",
    )


def test_a_photo_is_re_encoded_without_metadata_under_a_new_name(
    world: World, client_as: Any
) -> None:
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif().get_ifd(0x8825)  # the fixture does carry GPS
    response = upload(client_as("editor"), world.acme.persona, original, "../../evil.php.jpg")
    assert response.status_code == 200, response.content
    url = response.json()["photo"]
    persona = Persona.objects.get(pk=world.acme.persona.pk)
    assert url == f"/media/{persona.photo.name}"
    stem, ext = persona.photo.name.removeprefix("personas/").rsplit(".", 1)
    assert uuid.UUID(stem) and ext == "jpg"
    stored = default_storage.open(persona.photo.name).read()
    assert b"SpyCam" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (64, 48)
        assert not image.getexif() and "exif" not in image.info
    assert persona.versions.first().changed_fields == ["photo"]


def test_the_photo_is_served_to_members_and_share_links_only(world: World, client_as: Any) -> None:
    persona = world.acme.persona
    url = upload(client_as("editor"), persona, png(), "x.png").json()["photo"]
    assert url.endswith(".png")
    for who in ("owner", "viewer"):
        response = client_as(who).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
    assert client_as("outsider").get(url).status_code == 404
    assert client_as("anonymous").get(url).status_code == 404
    assert client_as("owner").get("/media/personas/nothing.png").status_code == 404
    # A share link opens the photos of the personas its map shows.
    token = "t" * 43
    ShareLink.objects.create(map=world.acme.map, token_hash=hash_share_token(token))
    anonymous = client_as("anonymous")
    assert anonymous.get(f"{url}?share={token}").status_code == 404
    world.acme.map.personas.add(persona)
    assert anonymous.get(f"{url}?share={token}").status_code == 200
    assert anonymous.get(url, HTTP_AUTHORIZATION=f"Share {token}").status_code == 200
    assert anonymous.get(f"{url}?share=wrong").status_code == 404


def test_deleting_the_photo(
    world: World, client_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as("editor")
    persona = world.acme.persona
    upload(client, persona, png(), "x.png")
    name = Persona.objects.get(pk=persona.pk).photo.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"/api/personas/{persona.id}/photo/")
    assert response.status_code == 200 and response.json()["photo"] is None
    assert not default_storage.exists(name)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "not a JPEG, PNG or WebP"),
        (b"GIF89a" + b"\x00" * 40, "not a JPEG, PNG or WebP"),
        (png() + b"PK\x03\x04zipzipzip", "data after the image"),
        (png()[:-30], "image"),  # refused as damaged or as not ending where it should
        (b"", "empty"),
    ],
    ids=["html", "gif", "png-then-zip", "truncated", "empty"],
)
def test_non_images_and_polyglots_are_refused(
    world: World, client_as: Any, data: bytes, message: str
) -> None:
    response = upload(client_as("editor"), world.acme.persona, data)
    assert response.status_code == 400
    assert message in str(response.json()["errors"]["photo"])
    assert not Persona.objects.get(pk=world.acme.persona.pk).photo


def test_markup_inside_an_image_is_refused(world: World, client_as: Any) -> None:
    image = Image.new("RGB", (8, 8))
    out = io.BytesIO()
    image.save(out, format="JPEG", comment=b"<script>alert(1)</script>")
    response = upload(client_as("editor"), world.acme.persona, out.getvalue())
    assert response.status_code == 400 and "markup" in str(response.json()["errors"])


def test_too_many_pixels_is_refused_before_decoding(world: World, client_as: Any) -> None:
    # 6000 × 5000 = 30 MP of one colour compresses to a small file.
    out = io.BytesIO()
    Image.new("L", (6000, 5000)).save(out, format="PNG", optimize=True)
    response = upload(client_as("editor"), world.acme.persona, out.getvalue(), "big.png")
    assert response.status_code == 400
    assert "megapixels" in str(response.json()["errors"]["photo"])


def test_size_is_capped_while_the_body_arrives(world: World, client_as: Any, settings: Any) -> None:
    settings.PHOTO_MAX_BYTES = 2000
    client = client_as("editor")
    # Under the Content-Length allowance, but over the cap: the upload handler stops it.
    response = upload(client, world.acme.persona, b"\xff\xd8" + b"x" * 5000)
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
    # Far over: refused from Content-Length, before the body is parsed.
    response = upload(client, world.acme.persona, b"\xff\xd8" + b"x" * 200_000)
    assert response.status_code == 413
    assert not Persona.objects.get(pk=world.acme.persona.pk).photo


def test_viewers_and_outsiders_cannot_set_a_photo(world: World, client_as: Any) -> None:
    assert upload(client_as("viewer"), world.acme.persona, png()).status_code == 403
    assert upload(client_as("outsider"), world.acme.persona, png()).status_code == 404
    assert not Persona.objects.get(pk=world.acme.persona.pk).photo
