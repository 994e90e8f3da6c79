"""The reads of an export: everything beside the map document, gathered as plain data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from journeymap.maps.models import JourneyMap
from journeymap.maps.selectors import map_document, share_view
from personas.models import ChurnRisk, Feature, FeatureStatus, Persona, Tier
from personas.selectors import segment_customers

from .options import ExportContext
from .svg import hex_colour

LIST_FIELDS = (
    ("Goals", "goals"),
    ("Needs", "needs"),
    ("Pain points", "pain_points"),
    ("Motivations", "motivations"),
    ("Expectations", "expectations"),
    ("Objections", "objections"),
)
EMPATHY = (("Says", "says"), ("Thinks", "thinks"), ("Does", "does"), ("Feels", "feels"))


def _strings(value: Any, limit: int = 12) -> list[str]:
    # JSON lists from the database: keep the strings, bounded, whatever else was stored.
    return [str(item) for item in value[:limit]] if isinstance(value, list) else []


def persona_details(*, personas: Iterable[Persona]) -> list[dict[str, Any]]:
    """What a persona page shows; segment sizes are counted now, one query per segment."""
    out = []
    for persona in personas:
        empathy = persona.empathy_map if isinstance(persona.empathy_map, dict) else {}
        facts = [
            ("Age", persona.age),
            ("Gender", persona.gender),
            ("Location", persona.location),
            ("Income", persona.income),
            ("Education", persona.education),
            ("Family", persona.family),
            ("Churn risk", ChurnRisk(persona.churn_risk).label if persona.churn_risk else ""),
            ("Lifetime value", persona.lifetime_value),
            ("Channels", ", ".join(channel.name for channel in persona.preferred_channels.all())),
        ]
        role = ", ".join(part for part in (persona.job_title, persona.company) if part)
        out.append(
            {
                "id": str(persona.id),
                "name": persona.name,
                "tier": persona.tier,
                "tier_label": Tier(persona.tier).label,
                "color": hex_colour(persona.color),
                "photo": f"/media/{persona.photo.name}" if persona.photo else None,
                "photo_name": persona.photo.name if persona.photo else None,
                "role": role,
                "bio": persona.bio,
                "quote": _strings(persona.quotes, 1)[0] if _strings(persona.quotes, 1) else "",
                "facts": [(label, str(value)) for label, value in facts if value not in (None, "")],
                "lists": [
                    (label, _strings(getattr(persona, name)))
                    for label, name in LIST_FIELDS
                    if _strings(getattr(persona, name))
                ],
                "empathy": [(label, _strings(empathy.get(key))) for label, key in EMPATHY],
                "segments": [
                    {"name": segment.name, "size": segment_customers(segment=segment).count()}
                    for segment in persona.segments.all()
                ],
            }
        )
    return out


def workspace_features(*, workspace_id: Any) -> list[dict[str, Any]]:
    """The workspace's features, highest priority score first (docs/features.md), each with
    its relevance per persona and the three parts of its score."""
    from journeymap.analysis.priority_read import feature_priorities

    features = {
        str(feature.id): feature
        for feature in Feature.objects.filter(workspace_id=workspace_id).prefetch_related(
            "persona_tags"
        )
    }
    out = []
    for priority in feature_priorities(workspace_id=workspace_id):
        feature = features.get(priority["feature"])
        if feature is None:  # deleted between the two reads
            continue
        parts = priority["parts"]
        out.append(
            {
                "id": str(feature.id),
                "name": feature.name,
                "description": feature.description,
                "status": feature.status,
                "status_label": FeatureStatus(feature.status).label,
                "relevance": {
                    str(tag.persona_id): tag.relevance for tag in feature.persona_tags.all()
                },
                "score": priority["score"],
                "score_parts": {name: parts[name]["points"] for name in parts},
            }
        )
    return out


def _personas(workspace_id: Any, ids: Iterable[str] | None = None) -> list[Persona]:
    queryset = Persona.objects.filter(workspace_id=workspace_id).prefetch_related(
        "segments", "preferred_channels"
    )
    if ids is not None:
        queryset = queryset.filter(id__in=list(ids))
    return list(queryset)


def map_export_data(
    *, journey_map: JourneyMap, shared: bool
) -> tuple[dict[str, Any], ExportContext, frozenset[str]]:
    """The map document, the context of its report, and the photo names it may show.

    Through a share link the document is the share document and the report carries no more
    than it does: the personas it references, by name and photo only, and no features."""
    from journeymap.analysis.graph import JourneyTooLarge
    from journeymap.analysis.read import map_analysis

    document = map_document(journey_map=journey_map)
    if shared:
        document = share_view(document)
    listed = {row["id"] for row in document["directory"]["personas"]}
    personas = persona_details(personas=_personas(journey_map.workspace_id, listed))
    if shared:
        personas = [
            {
                **p,
                "bio": "",
                "quote": "",
                "facts": [],
                "lists": [],
                "segments": [],
                "empathy": [(label, []) for label, _ in EMPATHY],
            }
            for p in personas
        ]
    analysis, note = None, ""
    try:
        analysis = map_analysis(journey_map=journey_map)
    except JourneyTooLarge as error:
        note = f"The analysis is not available: {error}"
    extra = ExportContext(
        workspace_name="Shared map" if shared else journey_map.workspace.name,
        generated_on=timezone.localdate().isoformat(),
        personas=personas,
        features=[] if shared else workspace_features(workspace_id=journey_map.workspace_id),
        analysis=analysis,
        analysis_note=note,
    )
    return document, extra, _photo_names(personas)


def persona_sheet_data(*, persona: Persona) -> tuple[dict[str, Any], ExportContext, frozenset[str]]:
    details = persona_details(personas=_personas(persona.workspace_id, [str(persona.id)]))[0]
    extra = ExportContext(
        workspace_name=persona.workspace.name,
        generated_on=timezone.localdate().isoformat(),
        personas=[details],
        features=workspace_features(workspace_id=persona.workspace_id),
    )
    return details, extra, _photo_names([details])


def _photo_names(personas: Iterable[dict[str, Any]]) -> frozenset[str]:
    return frozenset(p["photo_name"] for p in personas if p.get("photo_name"))


def personas_visible_to(*, user: Any) -> Any:
    return Persona.objects.filter(workspace__memberships__user=user).select_related("workspace")
