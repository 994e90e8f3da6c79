"""A record of every export asked for: who, when, what, how big, how long, and how it ended."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ExportFormat(models.TextChoices):
    PDF = "pdf", "Map report (PDF)"
    PNG = "png", "Map grid (PNG)"
    CSV = "csv", "Map items (CSV)"
    PERSONA_PDF = "persona_pdf", "Persona sheet (PDF)"
    FEATURES_CSV = "features_csv", "Features by priority (CSV)"


class ExportStatus(models.TextChoices):
    OK = "ok", "Delivered"
    REFUSED = "refused", "Refused before rendering"
    CUT_OFF = "cut_off", "Cut off by a limit"
    FAILED = "failed", "Failed"


class ExportRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    # Kept when the map or persona goes, so the log of what left the building survives.
    map = models.ForeignKey(
        "maps.JourneyMap", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    persona = models.ForeignKey(
        "personas.Persona", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    share_link = models.ForeignKey(
        "workspaces.ShareLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    format = models.CharField(max_length=20, choices=ExportFormat.choices)
    status = models.CharField(max_length=20, choices=ExportStatus.choices)
    options = models.JSONField(default=dict, blank=True)
    bytes = models.PositiveBigIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "created_at"])]
