"""An event-log import and the events it brought. Registered with the maps app (imported
from `journeymap.maps.models`)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ImportStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class EventImport(models.Model):
    """One uploaded log. Only the events of a `done` import count: a failed or interrupted
    import changes nothing that anyone reads."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    map = models.ForeignKey(
        "maps.JourneyMap", on_delete=models.CASCADE, related_name="event_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.RUNNING
    )
    # The import report: rows, cases, transitions, unknown touchpoints, errors by line.
    report = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Where this import's events lie in the event table's id order (see `JourneyEvent`):
    # every id between is this import's or a concurrent one's. `first_event_id` is set when
    # storing starts, `last_event_id` when it ends.
    first_event_id = models.BigIntegerField(null=True, blank=True)
    last_event_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename or 'event log'} ({self.status})"


class JourneyEvent(models.Model):
    """One customer event. `at_ms` (milliseconds since the epoch, UTC) rather than a datetime
    column, so that durations are plain integer arithmetic in SQL on SQLite and PostgreSQL
    alike. `line` keeps file order for events of one case with equal timestamps.

    The table is written a million rows at a time, so it carries nothing it can do without:
    no secondary index and no foreign-key constraint. Each one doubled the cost of storing a
    row (bench/event_import.py); every read goes through the import's id range instead, on
    the primary key. The import is still a foreign key to Django, which deletes an import's
    events with it. The touchpoint is a plain id: an event is evidence of what the log said,
    and keeps saying it after the touchpoint is deleted; reads match it against the map's
    touchpoints of the moment, so an event of a deleted touchpoint counts as one the map
    lacks."""

    id = models.BigAutoField(primary_key=True)
    event_import = models.ForeignKey(
        EventImport,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    case_id = models.CharField(max_length=200)
    # The touchpoint the event named when it was imported (its id or title matched);
    # None when it matched none. `label` is what the log said.
    touchpoint_id = models.UUIDField(null=True)
    label = models.CharField(max_length=300)
    at_ms = models.BigIntegerField()
    line = models.PositiveIntegerField()
    persona = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=200, blank=True)
