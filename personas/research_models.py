"""Research that backs personas: interview guides, interview notes and the evidence links
from a note to what it put into a persona. Imported by `personas.models`, so Django sees them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from journeymap.workspaces.models import Workspace


class InterviewGuide(models.Model):
    """The questions an interviewer asks. `questions` is `[{"id": str, "text": str}]`; ids stay
    stable across edits so that the answers of notes stay attached to their question."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="interview_guides"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    questions = models.JSONField(default=list, blank=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.name


class InterviewNote(models.Model):
    """One interview: who, when, with which guide, the answers and the personas it informs.
    `answers` is `[{"question": id, "text": question text, "answer": str}]`: the question's
    text is kept with the answer, so a note still reads right after its guide changed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="interview_notes"
    )
    title = models.CharField(max_length=200)
    interviewee = models.CharField(max_length=200, blank=True)
    interviewee_role = models.CharField(max_length=200, blank=True)
    company = models.CharField(max_length=200, blank=True)
    interviewed_on = models.DateField(null=True, blank=True)
    interviewer = models.CharField(max_length=200, blank=True)
    guide = models.ForeignKey(
        InterviewGuide, on_delete=models.SET_NULL, null=True, blank=True, related_name="notes"
    )
    answers = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True)
    personas = models.ManyToManyField(
        "personas.Persona", blank=True, related_name="interview_notes"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-interviewed_on", "-created_at"]

    def __str__(self) -> str:
        return self.title


class PersonaEvidence(models.Model):
    """A piece of a persona that came from an interview: which list (`field`, e.g. "quotes"
    or the empathy quadrant "says") received which `text` from which note."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    persona = models.ForeignKey(
        "personas.Persona", on_delete=models.CASCADE, related_name="evidence"
    )
    note = models.ForeignKey(InterviewNote, on_delete=models.CASCADE, related_name="evidence")
    field = models.CharField(max_length=40)
    text = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
