"""Writes to interview guides and notes, and the promotion of a note's words into a persona.

A promotion goes through `persona_update` like any other edit (so it is versioned and can be
restored) and leaves a PersonaEvidence row behind: the persona's text keeps a link to the
interview it came from."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from journeymap.workspaces.models import Workspace

from .evidence import EMPATHY_QUADRANTS, PROMOTABLE_FIELDS
from .guides import DEFAULT_GUIDE_DESCRIPTION, DEFAULT_GUIDE_NAME, DEFAULT_QUESTIONS
from .models import InterviewGuide, InterviewNote, Persona, PersonaEvidence
from .services import persona_update


def guide_create_default(*, workspace: Workspace) -> InterviewGuide:
    """The workspace's default guide, created if it has none (a new workspace gets one)."""
    guide = InterviewGuide.objects.filter(workspace=workspace, is_default=True).first()
    if guide is not None:
        return guide
    return InterviewGuide.objects.create(
        workspace=workspace,
        name=DEFAULT_GUIDE_NAME,
        description=DEFAULT_GUIDE_DESCRIPTION,
        questions=[dict(question) for question in DEFAULT_QUESTIONS],
        is_default=True,
    )


def guide_save(*, guide: InterviewGuide, data: dict[str, Any]) -> InterviewGuide:
    for name, value in data.items():
        setattr(guide, name, value)
    _save_fields(guide, data)
    return guide


def _save_fields(record: InterviewGuide | InterviewNote, data: dict[str, Any]) -> None:
    """Insert a new record whole; update only the fields sent, so two people saving
    different fields of one note at once do not put back each other's old values."""
    if record._state.adding:
        record.save()
    else:
        record.save(update_fields=[*data, "updated_at"])


def note_save(*, note: InterviewNote, actor: Any, data: dict[str, Any]) -> InterviewNote:
    """Create or update a note; `personas` (when sent) replaces the linked personas. A new
    note taken with a guide starts with one empty answer per question of the guide."""
    personas = data.pop("personas", None)
    with transaction.atomic():
        for name, value in data.items():
            setattr(note, name, value)
        if note._state.adding:
            if getattr(actor, "is_authenticated", False):
                note.created_by = actor
            if note.guide is not None and "answers" not in data:
                note.answers = [
                    {"question": q["id"], "text": q["text"], "answer": ""}
                    for q in note.guide.questions
                ]
        _save_fields(note, data)
        if personas is not None:
            note.personas.set(personas)
    return note


class PromotionRefused(ValueError):
    """Nothing was promoted; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def note_promote(
    *, note: InterviewNote, persona: Persona, field: str, text: str, actor: Any
) -> PersonaEvidence:
    """Append `text` to one of the persona's lists (an empathy quadrant goes into the empathy
    map), link the note to the persona and keep the evidence link. Text the list already
    holds is not added twice, but the link is still recorded."""
    text = text.strip()
    if field not in PROMOTABLE_FIELDS:
        raise PromotionRefused(
            "field", f"{field!r} cannot take research; use one of {PROMOTABLE_FIELDS}"
        )
    if not text:
        raise PromotionRefused("text", "nothing to promote: the text is empty")
    if persona.workspace_id != note.workspace_id:
        raise PromotionRefused("persona", "not found in this workspace")
    with transaction.atomic():
        if field in EMPATHY_QUADRANTS:
            empathy = {key: list(items) for key, items in (persona.empathy_map or {}).items()}
            quadrant = empathy.setdefault(field, [])
            if text not in quadrant:
                quadrant.append(text)
                persona = persona_update(
                    persona=persona, actor=actor, data={"empathy_map": empathy}
                )
        else:
            items = list(getattr(persona, field) or [])
            if text not in items:
                persona = persona_update(persona=persona, actor=actor, data={field: [*items, text]})
        note.personas.add(persona)
        return PersonaEvidence.objects.create(
            persona=persona,
            note=note,
            field=field,
            text=text,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )


def evidence_delete(*, evidence: PersonaEvidence) -> None:
    evidence.delete()
