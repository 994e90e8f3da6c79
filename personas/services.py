"""Writes to personas, channels, segments, features and customers.

Each persona change stores a PersonaVersion with what changed, so a persona's evolution
(as research comes in) can be read back and is never silently overwritten."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.forms.models import model_to_dict
from django.utils import timezone

from journeymap.core.json import json_value
from journeymap.workspaces.models import Workspace

from .models import (
    Channel,
    CustomerProfile,
    Feature,
    FeaturePersona,
    Persona,
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


def _persona_snapshot(persona: Persona) -> dict[str, Any]:
    data = model_to_dict(persona, exclude=["photo"])
    data["preferred_channels"] = [channel.pk for channel in data.get("preferred_channels", [])]
    data["photo"] = persona.photo.name if persona.photo else ""
    return {name: json_value(value) for name, value in data.items() if name != "id"}


def _record_version(*, persona: Persona, actor: Any, changed: list[str]) -> None:
    last = persona.versions.order_by("-number").values_list("number", flat=True).first() or 0
    PersonaVersion.objects.create(
        persona=persona,
        number=last + 1,
        data=_persona_snapshot(persona),
        changed_fields=sorted(changed),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
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


def persona_update(*, persona: Persona, actor: Any, data: dict[str, Any]) -> Persona:
    with transaction.atomic():
        before = _persona_snapshot(persona)
        later = _assign(persona, data, PERSONA_M2M)
        persona.save()
        for name, value in later.items():
            getattr(persona, name).set(value)
        after = _persona_snapshot(persona)
        changed = [name for name in after if after[name] != before.get(name)]
        if changed:
            _record_version(persona=persona, actor=actor, changed=changed)
    return persona


def persona_mark_reviewed(*, persona: Persona, actor: Any, on: date | None = None) -> Persona:
    return persona_update(
        persona=persona, actor=actor, data={"last_reviewed_at": on or timezone.localdate()}
    )


def persona_set_photo(*, persona: Persona, actor: Any, photo: Photo | None) -> Persona:
    """Store an already checked and re-encoded photo under a new name (or, with None,
    remove the photo). The file it replaces is deleted once the change is committed."""
    previous = persona.photo.name or ""
    with transaction.atomic():
        name = default_storage.save(photo.name, ContentFile(photo.content)) if photo else ""
        try:
            persona_update(persona=persona, actor=actor, data={"photo": name})
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
