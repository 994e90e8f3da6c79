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

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename or 'event log'} ({self.status})"


class JourneyEvent(models.Model):
    """One customer event. `at_ms` (milliseconds since the epoch, UTC) rather than a datetime
    column, so that durations are plain integer arithmetic in SQL on SQLite and PostgreSQL
    alike. `line` keeps file order for events of one case with equal timestamps."""

    id = models.BigAutoField(primary_key=True)
    event_import = models.ForeignKey(EventImport, on_delete=models.CASCADE, related_name="+")
    map = models.ForeignKey("maps.JourneyMap", on_delete=models.CASCADE, related_name="+")
    case_id = models.CharField(max_length=200)
    # The touchpoint the event names, when the map has it; `label` is what the log said.
    touchpoint = models.ForeignKey(
        "maps.Touchpoint", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    label = models.CharField(max_length=300)
    at_ms = models.BigIntegerField()
    line = models.PositiveIntegerField()
    persona = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["event_import", "case_id", "at_ms", "line"], name="event_case"),
            models.Index(fields=["map", "touchpoint"], name="event_touchpoint"),
        ]
