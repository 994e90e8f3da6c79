"""`manage.py backup_workspace` / `restore_workspace`: a workspace comes back exactly as it was
backed up — every map document, op log, persona, segment and feature — without touching any
other workspace; refused restores change nothing."""

from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from rest_framework.test import APIClient

from journeymap.backup.load import workspace_restore
from journeymap.backup.plan import backup_plan, plan_by_label
from journeymap.backup.remap import collect_ids
from journeymap.export.models import ExportRecord
from journeymap.maps.models import JourneyMap, MapOp
from journeymap.maps.services.ops import apply_ops
from journeymap.realtime.access import sync_frame
from journeymap.workspaces.models import Workspace
from personas.models import CustomerProfile, Persona

from .conftest import larkspur
from .state import UUID, differences, row_counts, workspace_state

pytestmark = pytest.mark.django_db


def backup(workspace: Workspace, path: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("backup_workspace", str(workspace.id), output=str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def restore(path: Path, *flags: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("restore_workspace", str(path), *flags, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def read(path: Path) -> list[Any]:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return [json.loads(line) for line in stream]


def write(path: Path, lines: list[Any]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.writelines(json.dumps(line) + "\n" for line in lines)


def everything() -> dict[str, Any]:
    """Every workspace's rows and every user, to show a refused restore changed nothing."""
    users = list(get_user_model().objects.order_by("id").values_list("id", "username", "password"))
    return {
        "users": users,
        "workspaces": {str(ws.id): row_counts(ws.id) for ws in Workspace.objects.all()},
        "documents": {str(m.id): m.seq for m in JourneyMap._base_manager.all()},
    }


def _reaches_workspace(model: type[models.Model], seen: frozenset[type[models.Model]]) -> bool:
    for field in model._meta.concrete_fields:
        target = getattr(field, "related_model", None)
        if not isinstance(field, models.ForeignKey) or not isinstance(target, type):
            continue
        if target is Workspace:
            return True
        if target is not get_user_model() and target not in seen:
            if _reaches_workspace(target, seen | {target}):
                return True
    return False


def test_every_model_with_a_path_to_a_workspace_is_backed_up():
    """A model added later with a foreign-key path to Workspace is in the backup; nothing
    else is (users travel by name, not as rows)."""
    expected = {
        model._meta.label_lower
        for model in apps.get_models(include_auto_created=True)
        if model is Workspace or _reaches_workspace(model, frozenset({model}))
    }
    planned = [plan.label for plan in backup_plan()]
    assert set(planned) == expected
    assert "auth.user" not in planned
    # Each model comes after every model its foreign keys point at.
    position = {label: i for i, label in enumerate(planned)}
    for plan in backup_plan():
        for column in plan.columns:
            if column.target is not None and column.target != plan.label:
                assert position[column.target] < position[plan.label], (plan.label, column)


def test_round_trip_brings_back_every_document_and_leaves_others_alone(demo, backup_path):
    other = larkspur()
    before, other_before = workspace_state(demo.id), workspace_state(other.id)
    counts_before = row_counts(demo.id)
    assert all(counts_before.values()), {k: v for k, v in counts_before.items() if not v}
    photo_names = list(
        Persona.objects.filter(workspace=demo).exclude(photo="").values_list("photo", flat=True)
    )
    assert photo_names

    out, err = backup(demo, backup_path)
    assert f"{sum(counts_before.values())} rows" in out
    assert "personas.customerprofile: 200 rows" in err

    lines = read(backup_path)
    header = lines[0]
    assert header["format"] == "journeymap-workspace-backup" and header["version"] == 1
    assert header["counts"] == counts_before == lines[-1]["counts"]
    assert "0001_initial" in header["migrations"]["maps"]
    text = backup_path.read_bytes()
    assert b"pbkdf2" not in gzip.decompress(text)
    assert all("password" not in user for user in lines[1]["rows"])

    Workspace.objects.filter(id=demo.id).delete()
    for name in photo_names:
        default_storage.delete(name)
    assert row_counts(demo.id) == dict.fromkeys(counts_before, 0)

    out, _err = restore(backup_path)
    assert f"Restored {demo.name} ({demo.id})" in out
    connection.check_constraints()
    assert row_counts(demo.id) == counts_before
    after = workspace_state(demo.id)
    assert after == before, differences(before, after)
    assert workspace_state(other.id) == other_before


def test_created_users_cannot_sign_in_until_reset(demo, backup_path):
    backup(demo, backup_path)
    Workspace.objects.filter(id=demo.id).delete()
    get_user_model().objects.filter(username="viewer").delete()

    out, _err = restore(backup_path)
    assert "viewer" in out.split("Created inactive users", 1)[1]
    viewer = get_user_model().objects.get(username="viewer")
    assert not viewer.is_active and not viewer.has_usable_password()
    assert viewer.memberships.filter(workspace=demo).exists()
    answer = APIClient().post(
        "/api/auth/login/", {"username": "viewer", "password": "viewer"}, format="json"
    )
    assert answer.status_code in (400, 401, 403)
    # An existing user is matched by username and left as they were.
    demo_user = get_user_model().objects.get(username="demo")
    assert demo_user.is_active and demo_user.check_password("demo")


def test_replace_brings_back_the_backup_and_sends_stale_clients_a_snapshot(demo, backup_path):
    other_before = workspace_state(larkspur().id)
    before = workspace_state(demo.id)
    backup(demo, backup_path)
    journey_map = JourneyMap.objects.filter(workspace=demo).order_by("title").first()
    assert journey_map is not None
    stage = before["maps"][str(journey_map.id)]["document"]["stages"][0]["id"]
    owner = get_user_model().objects.get(username="demo")
    for n in range(3):
        apply_ops(
            map_id=journey_map.id,
            actor=owner,
            client_id="c",
            op_id=f"00000000-0000-4000-8000-00000000000{n}",
            ops=[{"action": "update", "entity": "stage", "id": stage, "fields": {"name": f"v{n}"}}],
        )
    moved_on = JourneyMap.objects.get(id=journey_map.id).seq
    CustomerProfile.objects.create(workspace=demo, external_id="after-backup")

    out, _err = restore(backup_path, "--replace")
    assert f"Replaced {demo.name}" in out
    after = workspace_state(demo.id)
    assert not CustomerProfile.objects.filter(external_id="after-backup").exists()
    restored = JourneyMap.objects.get(id=journey_map.id)
    assert restored.seq == moved_on + 2
    # The document is the backed-up one; only its seq moved past every seq the lost edits used.
    document = dict(after["maps"][str(journey_map.id)]["document"])
    expected = dict(before["maps"][str(journey_map.id)]["document"])
    assert document.pop("seq") == moved_on + 2
    expected.pop("seq")
    assert document == expected
    assert after["api"] == before["api"]
    # A client that saw the lost edits, or one from before them, is sent a snapshot.
    for last_seq in (moved_on, moved_on - 3):
        _seq, frame = sync_frame(
            map_id=journey_map.id, last_seq=last_seq, window=100, share=False, you={}
        ) or (0, "")
        assert json.loads(frame)["type"] == "snapshot"
    assert (
        MapOp.objects.filter(map=journey_map).count()
        == len(before["maps"][str(journey_map.id)]["log"]) + 1
    )
    assert workspace_state(larkspur().id) == other_before


def _translated(state: dict[str, Any], path: Path, key: bytes) -> dict[str, Any]:
    """`state` as the copy should read: each id of a row in the backup replaced by the id
    the restore derives for it; any other text left alone."""
    ids = collect_ids(str(path), plan_by_label(), key)
    text = json.dumps(state, default=str)
    return json.loads(UUID.sub(lambda match: ids.text(match.group(0)), text))


def test_as_new_restores_a_copy_under_fresh_ids(demo, backup_path):
    before = workspace_state(demo.id)
    backup(demo, backup_path)
    key = b"k" * 32
    result = workspace_restore(path=str(backup_path), as_new=True, id_key=key)
    connection.check_constraints()
    copy = Workspace.objects.get(id=result.workspace_id)
    assert copy.id != demo.id and copy.name == demo.name
    assert workspace_state(demo.id) == before
    after = workspace_state(copy.id)
    assert not set(before["maps"]) & set(after["maps"])
    # Credentials stay with the original: the copy has no share links or invitations, and
    # the export record that named the original's link names none.
    counts = row_counts(copy.id)
    assert counts["workspaces.sharelink"] == 0 and counts["workspaces.invitation"] == 0
    assert ExportRecord.objects.get(workspace=copy).share_link_id is None
    # Photos are copies under new names, with the same bytes.
    assert sorted(after["photos"].values()) == sorted(before["photos"].values())
    # Analyses rank ties by id (top-k lists), so a copy's may pick other items of equal
    # rank: they are compared in the same-id round trip, not here.
    for state in (before, after):
        for imported in state["events"].values():
            imported.pop("analysis")
    expected = _translated({**before, "photos": {}}, backup_path, key)
    got = json.loads(json.dumps({**after, "photos": {}}, default=str))
    expected, got = _without_photo_names(expected), _without_photo_names(got)
    assert got == expected, differences(expected, got)


def test_as_new_from_the_command(demo, backup_path):
    backup(demo, backup_path)
    out, _err = restore(backup_path, "--as-new")
    copy = Workspace.objects.exclude(id__in=[demo.id, larkspur().id]).get()
    assert f"Restored {demo.name} ({copy.id})" in out
    assert row_counts(copy.id)["maps.stage"] == row_counts(demo.id)["maps.stage"]


def _without_photo_names(state: dict[str, Any]) -> Any:
    """The state with photo file names blanked and every list sorted: rows of equal order
    key are served in id order, and a copy's ids sort differently from the original's."""
    text = json.dumps(state, sort_keys=True, default=str)
    return _sorted(json.loads(re.sub(r"personas/[0-9a-zA-Z_.-]+", "personas/<photo>", text)))


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted(
            (_sorted(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True)
        )
    return value


def test_refuses_to_restore_over_an_existing_workspace(demo, backup_path):
    backup(demo, backup_path)
    unchanged = everything()
    with pytest.raises(CommandError, match="already exists.*--replace"):
        restore(backup_path)
    assert everything() == unchanged


@pytest.mark.parametrize(
    "damage",
    ["truncated", "not gzip", "no end line", "a row short", "newer format", "newer migrations"],
)
def test_refuses_a_damaged_or_newer_file_and_changes_nothing(demo, backup_path, damage):
    backup(demo, backup_path)
    Workspace.objects.filter(id=demo.id).delete()
    lines = read(backup_path)
    if damage == "truncated":
        data = backup_path.read_bytes()
        backup_path.write_bytes(data[: len(data) * 2 // 3])
    elif damage == "not gzip":
        backup_path.write_text("workspace,name\n1,Northwind\n")
    elif damage == "no end line":
        write(backup_path, lines[:-1])
    elif damage == "a row short":
        at = next(i for i, line in enumerate(lines) if isinstance(line, list) and i > 100)
        write(backup_path, lines[:at] + lines[at + 1 :])
    elif damage == "newer format":
        write(backup_path, [{**lines[0], "version": 2}, *lines[1:]])
    else:
        migrations = {**lines[0]["migrations"]}
        migrations["maps"] = [*migrations["maps"], "9999_from_the_future"]
        write(backup_path, [{**lines[0], "migrations": migrations}, *lines[1:]])
    unchanged = everything()
    expected = {
        "truncated": "gzip|truncated|JSON",
        "not gzip": "gzip|not a Journeymap",
        "no end line": "truncated",
        "a row short": "rows of",
        "newer format": "version 2.*newer",
        "newer migrations": "newer migrations.*maps.9999_from_the_future",
    }[damage]
    with pytest.raises(CommandError, match=f"nothing changed.*({expected})"):
        restore(backup_path)
    assert everything() == unchanged
    assert not Workspace.objects.filter(id=demo.id).exists()


def test_unknown_workspace_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="no workspace 'Nowhere'"):
        call_command("backup_workspace", "Nowhere", output=str(tmp_path / "x.gz"))
    assert not (tmp_path / "x.gz").exists()
