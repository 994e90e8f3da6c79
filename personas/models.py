"""Personas and the quantitative side that grounds them: segments, customers, features."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from journeymap.workspaces.models import Workspace


class NotTrashedManager(models.Manager):
    """The default manager of a model with a trash (`deleted_at`): trashed rows are hidden, so
    every query, access check and related manager (reverse and many-to-many managers are built
    from the default manager) stops seeing them without each caller knowing. `all_objects`
    sees everything; the base manager (forward foreign keys, cascades) is left unfiltered."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


def empty_empathy_map() -> dict[str, list[str]]:
    return {"says": [], "thinks": [], "does": [], "feels": []}


class ChannelKind(models.TextChoices):
    EMAIL = "email", "Email"
    WEB = "web", "Website"
    APP = "app", "Mobile app"
    STORE = "store", "Store"
    PHONE = "phone", "Phone"
    SOCIAL = "social", "Social media"
    CHAT = "chat", "Chat"
    EVENT = "event", "Event"
    MAIL = "mail", "Post"
    OTHER = "other", "Other"


class Channel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="channels")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=ChannelKind.choices, default=ChannelKind.OTHER)
    color = models.CharField(max_length=7, default="#64748b")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_channel_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Tier(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    NEGATIVE = "negative", "Negative"


class ChurnRisk(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Persona(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="personas")
    name = models.CharField(max_length=120)
    photo = models.ImageField(upload_to="personas/", blank=True)
    tier = models.CharField(max_length=10, choices=Tier.choices, default=Tier.PRIMARY)
    color = models.CharField(max_length=7, default="#6366f1")
    bio = models.TextField(blank=True)
    quotes = models.JSONField(default=list, blank=True)
    # Demographics
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=40, blank=True)
    location = models.CharField(max_length=120, blank=True)
    income = models.CharField(max_length=80, blank=True)
    education = models.CharField(max_length=120, blank=True)
    family = models.CharField(max_length=120, blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    company = models.CharField(max_length=120, blank=True)
    # Psychographics
    personality = models.JSONField(default=list, blank=True)
    values = models.JSONField(default=list, blank=True)
    interests = models.JSONField(default=list, blank=True)
    lifestyle = models.TextField(blank=True)
    # What they do and want
    behaviours = models.JSONField(default=list, blank=True)
    goals = models.JSONField(default=list, blank=True)
    needs = models.JSONField(default=list, blank=True)
    pain_points = models.JSONField(default=list, blank=True)
    motivations = models.JSONField(default=list, blank=True)
    expectations = models.JSONField(default=list, blank=True)
    objections = models.JSONField(default=list, blank=True)
    preferred_channels = models.ManyToManyField(Channel, blank=True, related_name="personas")
    preferred_content = models.JSONField(default=list, blank=True)
    empathy_map = models.JSONField(default=empty_empathy_map, blank=True)
    # Value attributes
    lifetime_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    churn_risk = models.CharField(max_length=10, choices=ChurnRisk.choices, blank=True)
    # Upkeep
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_personas",
    )
    review_cadence_days = models.PositiveSmallIntegerField(default=90)
    last_reviewed_at = models.DateField(null=True, blank=True)
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
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def review_due_on(self) -> date | None:
        if self.last_reviewed_at is None:
            return None
        return self.last_reviewed_at + timedelta(days=self.review_cadence_days)

    @property
    def is_stale(self) -> bool:
        """Overdue for review: never reviewed, or the cadence has run out."""
        due = self.review_due_on
        return due is None or due < timezone.localdate()


class PersonaVersion(models.Model):
    """A snapshot of a persona taken on each edit, so its evolution can be read back."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    changed_fields = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["persona", "number"], name="unique_persona_version"),
        ]


class PersonaReview(models.Model):
    """Someone checked the persona against research: who, on which day, with what note, and
    at which version (so the next review can show what changed since)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-created_at"]


class PersonaTemplate(models.Model):
    """Which persona sections a workspace shows, in which order: `[{"key", "visible"}]`."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, primary_key=True, related_name="persona_template"
    )
    sections = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)


class Segment(models.Model):
    """A rule-defined group of customer profiles; `rules` is a tree evaluated in SQL.

    Tree: {"all": [node, …]} | {"any": [node, …]} | {"not": node} |
    {"field": "age", "op": "between", "value": [18, 25]} |
    {"purchase": {"product": "X", "within_days": 90}} | {"total_spent": {"op": "gt", "value": 500}}
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="segments")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    rules = models.JSONField(default=dict)
    personas = models.ManyToManyField(Persona, blank=True, related_name="segments")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CustomerProfile(models.Model):
    """One customer of the workspace. Age is not stored: it is computed from `birth_date`
    on the day it is read, so it never goes stale."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="customers")
    external_id = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    gender = models.CharField(max_length=40, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    city = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=80, blank=True)
    income = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    signup_date = models.DateField(null=True, blank=True)
    # Value attributes as imported; blank ones are computed from purchases when read
    # (personas.selectors.customer_values).
    lifetime_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    acquisition_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    churn_risk = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    upsell_potential = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    attributes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "external_id"], name="unique_customer_external_id"
            ),
        ]
        indexes = [models.Index(fields=["workspace", "email"], name="customer_email")]

    def __str__(self) -> str:
        return self.name or self.external_id

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def age_on(self, day: date) -> int | None:
        born = self.birth_date
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())


class Purchase(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(
        CustomerProfile, on_delete=models.CASCADE, related_name="purchases"
    )
    product = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    purchased_at = models.DateTimeField()
    channel = models.CharField(max_length=100, blank=True)
    # Which purchase of the file this is: a digest of (customer, product, amount, time,
    # channel, how many identical rows came before it). Re-importing a file finds the same
    # digests and adds nothing; two identical rows in one file stay two purchases.
    fingerprint = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-purchased_at"]
        # Rules compare products without case (UPPER on both sides): this index is what lets
        # "bought X in the last 90 days" start from X's recent purchases (bench/segments.py).
        indexes = [models.Index(Upper("product"), "purchased_at", name="purchase_product_time")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "fingerprint"],
                condition=~models.Q(fingerprint=""),
                name="unique_purchase_fingerprint",
            ),
        ]


class SegmentSnapshot(models.Model):
    """A segment's size on one day, for its trend chart."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="snapshots")
    taken_on = models.DateField()
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["taken_on"]
        constraints = [
            models.UniqueConstraint(fields=["segment", "taken_on"], name="unique_segment_day"),
        ]


class FeatureStatus(models.TextChoices):
    IDEA = "idea", "Idea"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SHIPPED = "shipped", "Shipped"


class Feature(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="features")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=FeatureStatus.choices, default=FeatureStatus.IDEA
    )
    personas: models.ManyToManyField[Persona, FeaturePersona] = models.ManyToManyField(
        Persona, through="FeaturePersona", blank=True, related_name="features"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LivePersonaTagManager(models.Manager):
    """Tags of trashed personas are hidden (feature lists, exports, priorities) but kept, so
    a restored persona is tagged again, and replacing a feature's tags leaves them alone."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(persona__deleted_at__isnull=True)


class FeaturePersona(models.Model):
    """How much a feature matters to a persona (1 = nice to have … 5 = critical)."""

    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="persona_tags")
    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="feature_tags")
    relevance = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    objects = LivePersonaTagManager()
    all_objects = models.Manager()  # noqa: DJ012 (ruff takes it for a field)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feature", "persona"], name="unique_feature_persona"),
        ]


# The research models live in their own module; importing them here registers them.
from .research_models import InterviewGuide, InterviewNote, PersonaEvidence  # noqa: E402

__all__ = [
    "Channel", "ChannelKind", "ChurnRisk", "CustomerProfile", "Feature", "FeaturePersona",
    "FeatureStatus", "InterviewGuide", "InterviewNote", "Persona", "PersonaEvidence",
    "PersonaReview", "PersonaTemplate", "PersonaVersion", "Purchase", "Segment",
    "SegmentSnapshot", "Tier", "empty_empathy_map",
]  # fmt: skip
