"""Reads about a persona's upkeep and research: its template, its evidence by field group,
what changed since its last review, and the workspace's interview progress."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from journeymap.workspaces.models import Workspace

from .evidence import (
    EMPATHY_QUADRANTS,
    FIELD_GROUPS,
    INTERVIEWS_PER_PERSONA_MAX,
    INTERVIEWS_PER_PERSONA_MIN,
)
from .models import InterviewNote, Persona, PersonaEvidence, PersonaReview, PersonaTemplate
from .services import persona_snapshot
from .template import complete_sections, default_sections

# Not content: a review diff does not list them.
_UPKEEP_FIELDS = {"last_reviewed_at", "workspace"}
# Never reviewed, a field still empty is not a change worth reading.
_EMPTY: tuple[object, ...] = ("", None, [], {})


def persona_template_sections(*, workspace: Workspace) -> list[dict[str, Any]]:
    stored = PersonaTemplate.objects.filter(workspace=workspace).first()
    return complete_sections(stored.sections if stored else default_sections())


def persona_evidence(*, persona: Persona) -> dict[str, Any]:
    items = list(
        PersonaEvidence.objects.filter(persona=persona)
        .select_related("note")
        .order_by("created_at")
    )
    per_field: dict[str, int] = {}
    for item in items:
        per_field[item.field] = per_field.get(item.field, 0) + 1
    groups = []
    for key, label, fields in FIELD_GROUPS:
        count = sum(per_field.get(name, 0) for name in fields)
        groups.append(
            {
                "key": key,
                "label": label,
                "fields": list(fields),
                "count": count,
                "backed": count > 0,
            }
        )
    interviews = persona.interview_notes.order_by("-interviewed_on", "-created_at")
    return {
        "groups": groups,
        "items": [
            {
                "id": item.pk,
                "field": item.field,
                "text": item.text,
                "note": item.note_id,
                "note_title": item.note.title,
                "interviewee": item.note.interviewee,
                "created_at": item.created_at,
            }
            for item in items
        ],
        "interviews": [
            {
                "id": note.pk,
                "title": note.title,
                "interviewee": note.interviewee,
                "interviewed_on": note.interviewed_on,
            }
            for note in interviews
        ],
        "target": {"min": INTERVIEWS_PER_PERSONA_MIN, "max": INTERVIEWS_PER_PERSONA_MAX},
    }


def persona_since_review(*, persona: Persona) -> dict[str, Any]:
    """The field-by-field difference between the version last reviewed and now, and how
    much research arrived since that review. Never reviewed: everything is new."""
    review = PersonaReview.objects.filter(persona=persona).select_related("reviewed_by").first()
    reviewed = (
        persona.versions.filter(number=review.version).first()
        if review and review.version
        else None
    )
    before = dict(reviewed.data) if reviewed else {}
    after = persona_snapshot(persona)
    changes = []
    for name in sorted(set(before) | set(after)):
        if name in _UPKEEP_FIELDS:
            continue
        old, new = before.get(name), after.get(name)
        if name == "empathy_map":
            for quadrant in EMPATHY_QUADRANTS:
                old_items = (old or {}).get(quadrant, [])
                new_items = (new or {}).get(quadrant, [])
                if old_items != new_items and (reviewed or new_items):
                    changes.append(
                        {
                            "field": f"empathy_map.{quadrant}",
                            "before": old_items if reviewed else None,
                            "after": new_items,
                        }
                    )
        elif old != new and (reviewed or new not in _EMPTY):
            changes.append({"field": name, "before": old if reviewed else None, "after": new})
    since = review.created_at if review else None
    evidence = PersonaEvidence.objects.filter(persona=persona)
    notes = persona.interview_notes.all()
    if since is not None:
        evidence = evidence.filter(created_at__gt=since)
        notes = notes.filter(Q(created_at__gt=since) | Q(evidence__created_at__gt=since))
    versions = persona.versions.filter(number__gt=review.version if review else 0)
    return {
        "last_review": review,
        "changes": changes,
        "versions": versions.count(),
        "new_evidence": evidence.count(),
        "new_interviews": notes.distinct().count(),
    }


def research_progress(*, workspace: Workspace) -> dict[str, Any]:
    """Interviews taken against the target of 6–10 per two personas (3–5 each)."""
    personas = list(
        Persona.objects.filter(workspace=workspace)
        .annotate(interviews=Count("interview_notes", distinct=True))
        .order_by("name")
    )
    interviews = InterviewNote.objects.filter(workspace=workspace).count()
    return {
        "interviews": interviews,
        "personas": len(personas),
        "target_min": INTERVIEWS_PER_PERSONA_MIN * len(personas),
        "target_max": INTERVIEWS_PER_PERSONA_MAX * len(personas),
        "per_persona": [
            {
                "persona": persona.pk,
                "name": persona.name,
                "tier": persona.tier,
                "interviews": persona.interviews,
            }
            for persona in personas
        ],
    }
