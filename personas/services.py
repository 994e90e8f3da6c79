"""Writes to personas, channels, segments, features and customers.

Each persona change stores a PersonaVersion with what changed, so a persona's evolution
(as research comes in) can be read back and is never silently overwritten."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.forms.models import model_to_dict
from django.utils import timezone

from journeymap.core.json import json_value
from journeymap.workspaces.audit import audit_record
from journeymap.workspaces.models import Workspace

from .models import (
    Channel,
    CustomerProfile,
    Feature,
    FeaturePersona,
    Persona,
    PersonaReview,
    PersonaTemplate,
    PersonaVersion,
    Segment,
    SegmentSnapshot,
)
from .photos import Photo
from .selectors import segment_customers

PERSONA_M2M = ("preferred_channels",)


def _assign(instance: Model, data: dict[str, Any], m2m: tuple[str, ...]) -> dict[str, Any]:
    """Set plain fields now and return the many-to-many ones to set after saving."""
    later = {}
    for name, value in data.items():
        if name in m2m:
            later[name] = value
        else:
            setattr(instance, name, value)
    return later


def persona_snapshot(persona: Persona) -> dict[str, Any]:
    data = model_to_dict(persona, exclude=["photo"])
    data["preferred_channels"] = [channel.pk for channel in data.get("preferred_channels", [])]
    data["photo"] = persona.photo.name if persona.photo else ""
    return {name: json_value(value) for name, value in data.items() if name != "id"}


def _as_snapshot_value(value: Any) -> Any:
    """A value as it would appear in a version's data (related records as their ids)."""
    if isinstance(value, Model):
        return json_value(value.pk)
    if isinstance(value, list | tuple) and value and all(isinstance(v, Model) for v in value):
        return [json_value(v.pk) for v in value]
    return json_value(value)


def persona_version_number(*, persona: Persona) -> int:
    """The persona's latest version number (0 before its first version)."""
    return persona.versions.order_by("-number").values_list("number", flat=True).first() or 0


def _record_version(*, persona: Persona, actor: Any, changed: list[str]) -> PersonaVersion:
    return PersonaVersion.objects.create(
        persona=persona,
        number=persona_version_number(persona=persona) + 1,
        data=persona_snapshot(persona),
        changed_fields=sorted(changed),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


class PersonaConflict(Exception):
    """Fields the caller sent that someone else changed after the version the caller loaded.
    `current` holds their values now; nothing was saved."""

    def __init__(self, *, current: dict[str, Any], version: int, changed_by: str | None) -> None:
        self.current = current
        self.version = version
        self.changed_by = changed_by
        super().__init__(f"changed meanwhile: {', '.join(sorted(current))}")


def _check_conflicts(
    *, persona: Persona, actor: Any, data: dict[str, Any], base_version: int
) -> None:
    """Per-field optimistic concurrency: a field conflicts when a later version by somebody
    else changed it and the value sent differs from the value stored. Fields nobody else
    touched save normally, so two people editing different fields both keep their edit."""
    later = persona.versions.filter(number__gt=base_version).select_related("created_by")
    if getattr(actor, "is_authenticated", False):
        # One person's own saves (two quick edits in flight) never conflict with each other.
        later = later.exclude(created_by=actor)
    touched: dict[str, PersonaVersion] = {}
    for version in later.order_by("number"):
        for name in version.changed_fields:
            touched[name] = version
    if not touched:
        return
    stored = persona_snapshot(persona)
    current = {
        name: stored.get(name)
        for name, value in data.items()
        if name in touched and _as_snapshot_value(value) != stored.get(name)
    }
    if current:
        last = max((touched[name] for name in current), key=lambda version: version.number)
        raise PersonaConflict(
            current=current,
            version=persona_version_number(persona=persona),
            changed_by=last.created_by.username if last.created_by else None,
        )


def persona_create(*, workspace: Workspace, actor: Any, data: dict[str, Any]) -> Persona:
    with transaction.atomic():
        persona = Persona(workspace=workspace)
        later = _assign(persona, data, PERSONA_M2M)
        persona.save()
        for name, value in later.items():
            getattr(persona, name).set(value)
        _record_version(persona=persona, actor=actor, changed=list(data))
    return persona


def persona_update(
    *, persona: Persona, actor: Any, data: dict[str, Any], base_version: int | None = None
) -> Persona:
    """Change the fields in `data` and record a version naming what changed. With
    `base_version` (the version the editor loaded), a field somebody else changed since is
    refused with PersonaConflict instead of being overwritten."""
    with transaction.atomic():
        # The row lock orders concurrent saves of one persona, so each sees the versions of
        # the saves before it (SQLite serialises writers anyway).
        persona = Persona.objects.select_for_update().get(pk=persona.pk)
        if base_version is not None:
            _check_conflicts(persona=persona, actor=actor, data=data, base_version=base_version)
        before = persona_snapshot(persona)
        later = _assign(persona, data, PERSONA_M2M)
        persona.save()
        for name, value in later.items():
            getattr(persona, name).set(value)
        after = persona_snapshot(persona)
        changed = [name for name in after if after[name] != before.get(name)]
        if changed:
            _record_version(persona=persona, actor=actor, changed=changed)
    return persona


# What a restore leaves alone: where the persona lives, its photo file (replaced files are
# deleted) and its review record (a restore is not a review).
_NOT_RESTORED = {"workspace", "photo", "last_reviewed_at"}


def persona_restore(*, persona: Persona, actor: Any, version: PersonaVersion) -> Persona:
    """Put back the fields of an earlier version, through persona_update like any edit, so
    the restore is itself a new version. Channels and an owner that no longer belong to
    the workspace are left out."""
    data: dict[str, Any] = {}
    for name, value in version.data.items():
        if name in _NOT_RESTORED:
            continue
        try:
            field = Persona._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # a field that has since been removed
        if name == "preferred_channels":
            data[name] = list(Channel.objects.filter(workspace=persona.workspace, pk__in=value))
        elif name == "owner":
            if value is None or persona.workspace.memberships.filter(user_id=value).exists():
                data["owner_id"] = value
        else:
            data[name] = field.to_python(value)  # type: ignore[union-attr]
    return persona_update(persona=persona, actor=actor, data=data)


def persona_mark_reviewed(
    *, persona: Persona, actor: Any, on: date | None = None, note: str = ""
) -> Persona:
    """Record a review: who, when and why, at the version reviewed, and reset the cadence."""
    day = on or timezone.localdate()
    with transaction.atomic():
        persona = persona_update(persona=persona, actor=actor, data={"last_reviewed_at": day})
        PersonaReview.objects.create(
            persona=persona,
            reviewed_on=day,
            reviewed_by=actor if getattr(actor, "is_authenticated", False) else None,
            note=note,
            version=persona_version_number(persona=persona),
        )
    return persona


def persona_set_photo(*, persona: Persona, actor: Any, photo: Photo | None) -> Persona:
    """Store an already checked and re-encoded photo under a new name (or, with None,
    remove the photo). The file it replaces is deleted once the change is committed."""
    previous = persona.photo.name or ""
    with transaction.atomic():
        name = default_storage.save(photo.name, ContentFile(photo.content)) if photo else ""
        try:
            persona = persona_update(persona=persona, actor=actor, data={"photo": name})
        except Exception:
            if name:
                default_storage.delete(name)
            raise
        if previous and previous != name:
            transaction.on_commit(lambda: _delete_file(previous))
    return persona


def _delete_file(name: str) -> None:
    if not Persona.objects.filter(photo=name).exists():
        default_storage.delete(name)


def persona_delete(*, persona: Persona) -> None:
    name = persona.photo.name or ""
    with transaction.atomic():
        persona.delete()
        if name:
            transaction.on_commit(lambda: _delete_file(name))


class AlreadyUsed(ValueError):
    """A unique value (per workspace) is taken; `field` names it."""

    def __init__(self, field: str) -> None:
        self.field = field
        super().__init__(f"{field}: already used in this workspace")


def _save_unique(instance: Model, field: str) -> None:
    """Save, turning the database's unique check into AlreadyUsed: the serializer checks
    first, but two writers can pass that check at once."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise AlreadyUsed(field) from None


def channel_save(*, channel: Channel, data: dict[str, Any]) -> Channel:
    _assign(channel, data, ())
    _save_unique(channel, "name")
    return channel


def segment_save(*, segment: Segment, data: dict[str, Any]) -> Segment:
    """Create or update a segment; `data["rules"]` is already validated. Today's size is
    recorded for the trend chart, as the rules may just have changed it."""
    with transaction.atomic():
        later = _assign(segment, data, ("personas",))
        if segment._state.adding:
            segment.save()
        else:
            # Only the fields sent: one editor renaming a segment while another changes its
            # rules must not put the old rules back.
            segment.save(
                update_fields=[*(name for name in data if name not in later), "updated_at"]
            )
        for name, value in later.items():
            getattr(segment, name).set(value)
        segment_snapshot_record(segment=segment)
    return segment


def segment_snapshot_record(
    *, segment: Segment, size: int | None = None, on: date | None = None, replace: bool = True
) -> SegmentSnapshot:
    """Store the segment's size for a day (today unless given): one row per segment and day.
    `size` is counted now unless the caller already has it. With `replace=False` a row the
    day already has is kept, so a read records the day's size at most once."""
    day = on or timezone.localdate()
    if size is None:
        size = segment_customers(segment=segment).count()
    if replace:
        snapshot, _ = SegmentSnapshot.objects.update_or_create(
            segment=segment, taken_on=day, defaults={"size": size}
        )
    else:
        # get_or_create retries the read if a concurrent request inserted the row first.
        snapshot, _ = SegmentSnapshot.objects.get_or_create(
            segment=segment, taken_on=day, defaults={"size": size}
        )
    return snapshot


def segment_export_record(*, segment: Segment, actor: Any, address: str | None = None) -> None:
    """Audit a download of the segment's members (people data leaving the app), recorded
    when the download starts: the file is streamed after the answer has begun."""
    with transaction.atomic():
        audit_record(
            workspace=segment.workspace,
            actor=actor,
            action="segment.exported",
            subject=segment.name,
            detail={"format": "csv", "segment": str(segment.pk), "segment_name": segment.name},
            address=address,
        )


def segments_snapshot_all(*, on: date | None = None) -> int:
    """Record every segment's size for the day (the daily `snapshot_segments` run), and
    return how many were recorded."""
    count = 0
    for segment in Segment.objects.order_by("pk").iterator(chunk_size=200):
        segment_snapshot_record(segment=segment, on=on)
        count += 1
    return count


def feature_save(*, feature: Feature, data: dict[str, Any]) -> Feature:
    """Create or update a feature; `persona_tags` ([{persona, relevance}]) replaces the tags."""
    tags = data.pop("persona_tags", None)
    with transaction.atomic():
        _assign(feature, data, ())
        if feature._state.adding:
            feature.save()
        else:
            # Only the fields sent: two people changing different fields at once (one the
            # status, one the description) must not undo each other's change.
            feature.save(update_fields=[*data, "updated_at"])
        if tags is not None:
            feature.persona_tags.all().delete()
            FeaturePersona.objects.bulk_create(
                FeaturePersona(feature=feature, persona=tag["persona"], relevance=tag["relevance"])
                for tag in tags
            )
    return feature


def customer_save(*, customer: CustomerProfile, data: dict[str, Any]) -> CustomerProfile:
    _assign(customer, data, ())
    _save_unique(customer, "external_id")
    return customer


def record_delete(*, record: Model) -> None:
    record.delete()


def persona_template_save(*, workspace: Workspace, sections: list[dict[str, Any]]) -> None:
    """Store the workspace's section order and visibility (already validated)."""
    PersonaTemplate.objects.update_or_create(
        workspace=workspace,
        defaults={"sections": [{"key": s["key"], "visible": s["visible"]} for s in sections]},
    )
