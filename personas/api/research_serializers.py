"""Interview guides and notes over REST."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..evidence import PROMOTABLE_FIELDS
from ..models import InterviewGuide, InterviewNote, Persona, PersonaEvidence
from .serializers import ScopedRelatedField, WorkspaceOwnedSerializer


class QuestionSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=64, help_text="stable across edits (a UUID is fine)")
    text = serializers.CharField(max_length=1000)


class InterviewGuideSerializer(WorkspaceOwnedSerializer):
    questions = QuestionSerializer(many=True, required=False, max_length=100)  # type: ignore[call-arg]
    note_count = serializers.SerializerMethodField()

    class Meta:
        model = InterviewGuide
        fields = [
            "id", "workspace", "name", "description", "questions", "is_default", "note_count",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "is_default", "created_at", "updated_at"]

    def validate_questions(self, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = [question["id"] for question in questions]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("each question needs its own id")
        return [{"id": q["id"], "text": q["text"]} for q in questions]

    def get_note_count(self, guide: InterviewGuide) -> int:
        annotated = getattr(guide, "notes_count", None)
        return int(annotated) if annotated is not None else guide.notes.count()


class AnswerSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=64)
    text = serializers.CharField(max_length=1000, allow_blank=True, help_text="the question")
    answer = serializers.CharField(max_length=20000, allow_blank=True)


class NoteEvidenceSerializer(serializers.ModelSerializer):
    persona_name = serializers.CharField(source="persona.name", read_only=True)

    class Meta:
        model = PersonaEvidence
        fields = ["id", "persona", "persona_name", "field", "text", "created_at"]


class InterviewNoteSerializer(WorkspaceOwnedSerializer):
    same_workspace_fields = ("personas", "guide")
    personas = ScopedRelatedField(many=True, queryset=Persona.objects.all(), required=False)
    guide = ScopedRelatedField(
        queryset=InterviewGuide.objects.all(), required=False, allow_null=True
    )
    answers = AnswerSerializer(many=True, required=False, max_length=200)  # type: ignore[call-arg]
    evidence = NoteEvidenceSerializer(many=True, read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None)

    class Meta:
        model = InterviewNote
        fields = [
            "id", "workspace", "title", "interviewee", "interviewee_role", "company",
            "interviewed_on", "interviewer", "guide", "answers", "summary", "personas",
            "evidence", "created_by", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate_answers(self, answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
        questions = [answer["question"] for answer in answers]
        if len(questions) != len(set(questions)):
            raise serializers.ValidationError("one answer per question")
        return [dict(answer) for answer in answers]


class PromoteSerializer(serializers.Serializer):
    persona = ScopedRelatedField(queryset=Persona.objects.all())
    field = serializers.ChoiceField(choices=PROMOTABLE_FIELDS)
    text = serializers.CharField(max_length=1000)


class PromotionSerializer(serializers.Serializer):
    persona = serializers.JSONField(help_text="the persona as GET /api/personas/<id>/ answers")
    evidence = NoteEvidenceSerializer()


class ProgressPersonaSerializer(serializers.Serializer):
    persona = serializers.UUIDField()
    name = serializers.CharField()
    tier = serializers.CharField()
    interviews = serializers.IntegerField()


class ResearchProgressSerializer(serializers.Serializer):
    interviews = serializers.IntegerField()
    personas = serializers.IntegerField()
    target_min = serializers.IntegerField()
    target_max = serializers.IntegerField()
    per_persona = ProgressPersonaSerializer(many=True)
