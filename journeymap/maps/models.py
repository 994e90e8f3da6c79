"""The journey map and everything on it.

Every row a client can touch has a UUID the client may generate, and ordered rows carry a
fractional-index `order_key` so that a move rewrites one row. All writes go through
`journeymap.maps.services.ops.apply_ops`; nothing here has save() logic.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from journeymap.workspaces.models import Workspace
from personas.models import Channel, Feature, NotTrashedManager, Persona


class OrderKeyField(models.CharField):
    """A fractional-index key. Keys compare by code point, so PostgreSQL gets the "C"
    collation (a locale collation would sort "a" before "B"); SQLite compares bytes already."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


class JourneyMap(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="maps")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    personas = models.ManyToManyField(Persona, blank=True, related_name="maps")
    votes_per_user = models.PositiveSmallIntegerField(default=5)
    # Bumped by exactly one per accepted op batch, under the row lock taken by apply_ops.
    seq = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # In the trash since (docs/trash-and-audit.md); purged for good after TRASH_RETENTION_DAYS.
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = NotTrashedManager()
    all_objects = models.Manager()  # noqa: DJ012 (ruff takes it for a field)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title


class MapItem(models.Model):
    """Fields every op-editable row shares."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    map = models.ForeignKey(JourneyMap, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Stage(MapItem):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order_key = OrderKeyField()

    class Meta:
        ordering = ["order_key", "id"]


class LaneKind(models.TextChoices):
    ACTIONS = "actions", "Actions"
    THOUGHTS = "thoughts", "Thoughts"
    EMOTIONS = "emotions", "Emotions"
    TOUCHPOINTS = "touchpoints", "Touchpoints"
    FRICTION = "friction", "Friction points"
    OPPORTUNITIES = "opportunities", "Opportunities"
    CONTENT = "content", "Content"
    BACKSTAGE = "backstage", "Backstage"
    TEXT = "text", "Text"


# Lanes whose cells hold plain cards; the others hold typed items (or the emotion curve).
CARD_LANE_KINDS = frozenset(
    {LaneKind.ACTIONS, LaneKind.THOUGHTS, LaneKind.OPPORTUNITIES, LaneKind.BACKSTAGE, LaneKind.TEXT}
)


class Lane(MapItem):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=LaneKind.choices, default=LaneKind.TEXT)
    order_key = OrderKeyField()

    class Meta:
        ordering = ["order_key", "id"]


class Card(MapItem):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    lane = models.ForeignKey(Lane, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    color = models.CharField(max_length=7, blank=True)
    order_key = OrderKeyField()

    class Meta:
        ordering = ["order_key", "id"]


class JourneyRole(models.TextChoices):
    ENTRY = "entry", "Entry"
    GOAL = "goal", "Goal"


class Touchpoint(MapItem):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    lane = models.ForeignKey(Lane, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.SET_NULL, null=True, related_name="+")
    persona = models.ForeignKey(Persona, on_delete=models.SET_NULL, null=True, related_name="+")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    emotion = models.SmallIntegerField(
        default=0, validators=[MinValueValidator(-3), MaxValueValidator(3)]
    )
    # Where the analysed journey starts or ends (see docs/analysis.md, "Entries and goals");
    # a flag on the touchpoint rather than a list on the map, so deleting a touchpoint
    # takes its role with it.
    journey_role = models.CharField(max_length=5, choices=JourneyRole.choices, blank=True)
    order_key = OrderKeyField()

    class Meta:
        ordering = ["order_key", "id"]


class FrictionStatus(models.TextChoices):
    OPEN = "open", "Open"
    INVESTIGATING = "investigating", "Investigating"
    PLANNED = "planned", "Planned"
    RESOLVED = "resolved", "Resolved"


class FrictionPoint(MapItem):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    lane = models.ForeignKey(Lane, on_delete=models.CASCADE, related_name="+")
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    severity = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    status = models.CharField(
        max_length=20, choices=FrictionStatus.choices, default=FrictionStatus.OPEN
    )
    personas = models.ManyToManyField(Persona, blank=True, related_name="friction_points")
    features = models.ManyToManyField(Feature, blank=True, related_name="friction_points")
    order_key = OrderKeyField()

    class Meta:
        ordering = ["order_key", "id"]


class ContentType(models.TextChoices):
    ARTICLE = "article", "Article"
    VIDEO = "video", "Video"
    EMAIL = "email", "Email"
    GUIDE = "guide", "Guide"
    CASE_STUDY = "case_study", "Case study"
    AD = "ad", "Advert"
    SOCIAL_POST = "social_post", "Social post"
    WEBINAR = "webinar", "Webinar"
    OTHER = "other", "Other"


class ContentStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PRODUCTION = "in_production", "In production"
    LIVE = "live", "Live"
    RETIRED = "retired", "Retired"


class ContentAssignment(MapItem):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    lane = models.ForeignKey(Lane, on_delete=models.CASCADE, related_name="+")
    persona = models.ForeignKey(Persona, on_delete=models.SET_NULL, null=True, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.SET_NULL, null=True, related_name="+")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    content_type = models.CharField(
        max_length=20, choices=ContentType.choices, default=ContentType.ARTICLE
    )
    url = models.URLField(max_length=500, blank=True)
    status = models.CharField(
        max_length=20, choices=ContentStatus.choices, default=ContentStatus.PLANNED
    )
    order_key = OrderKeyField()

    class Meta:
        ordering = ["order_key", "id"]


class EmotionPoint(MapItem):
    """One point of a persona's emotion curve: how the persona feels at a stage (−3 … +3)."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="+")
    score = models.SmallIntegerField(validators=[MinValueValidator(-3), MaxValueValidator(3)])
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "persona"], name="unique_emotion_per_stage"),
        ]


class Transition(MapItem):
    """A customer step from one touchpoint to the next; `count` is how many made it."""

    from_touchpoint = models.ForeignKey(Touchpoint, on_delete=models.CASCADE, related_name="+")
    to_touchpoint = models.ForeignKey(Touchpoint, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_touchpoint", "to_touchpoint"], name="unique_transition"
            ),
        ]


class TargetEntity(models.TextChoices):
    """What a comment or a vote may point at."""

    MAP = "map", "Map"
    STAGE = "stage", "Stage"
    LANE = "lane", "Lane"
    CARD = "card", "Card"
    TOUCHPOINT = "touchpoint", "Touchpoint"
    FRICTION = "friction", "Friction point"
    CONTENT = "content", "Content"


class Comment(MapItem):
    target_entity = models.CharField(max_length=20, choices=TargetEntity.choices)
    target_id = models.UUIDField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField()
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["map", "target_id"])]


class Vote(MapItem):
    target_entity = models.CharField(max_length=20, choices=TargetEntity.choices)
    target_id = models.UUIDField()
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["map", "voter"])]


class MapOp(models.Model):
    """The op log: one row per accepted batch. The source of truth for catch-up and history."""

    id = models.BigAutoField(primary_key=True)
    map = models.ForeignKey(JourneyMap, on_delete=models.CASCADE, related_name="op_log")
    seq = models.PositiveBigIntegerField()
    op_id = models.UUIDField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    client_id = models.CharField(max_length=64, blank=True)
    # The normalised ops, exactly as broadcast in the patch.
    ops = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["map", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["map", "seq"], name="unique_map_seq"),
            models.UniqueConstraint(fields=["map", "op_id"], name="unique_map_op_id"),
        ]


class MapVersion(models.Model):
    """A named save point: the whole map as it was at `seq`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    map = models.ForeignKey(JourneyMap, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(max_length=200)
    seq = models.PositiveBigIntegerField()
    snapshot = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


# Event logs live in their own module; importing them here registers them with this app.
from .eventlog.models import EventImport, ImportStatus, JourneyEvent  # noqa: E402, F401
