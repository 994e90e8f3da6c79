"""Upgrading keeps the research a workspace already had: each old research note becomes an
interview note linked to its persona, every workspace gets the default guide, and a persona's
last review date becomes its first recorded review."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("personas", "0003_purchase_product_index")]
AFTER = [("personas", "0004_research_and_reviews")]


@pytest.mark.django_db(transaction=True)
def test_old_research_notes_survive_the_upgrade() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("auth", "User").objects.create(username="researcher")
    workspace = old.get_model("workspaces", "Workspace").objects.create(name="Northwind")
    persona = old.get_model("personas", "Persona").objects.create(
        workspace=workspace, name="Maya", last_reviewed_at=date(2026, 9, 1)
    )
    old.get_model("personas", "ResearchNote").objects.create(
        persona=persona,
        title="Interview: club runners",
        body="Six of eight order two sizes.",
        source="Roundhay parkrun",
        created_by=user,
    )

    executor = MigrationExecutor(connection)
    try:
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        note: Any = new.get_model("personas", "InterviewNote").objects.get()
        assert (note.title, note.summary, note.interviewee) == (
            "Interview: club runners",
            "Six of eight order two sizes.",
            "Roundhay parkrun",
        )
        assert note.workspace_id == workspace.pk
        assert note.created_by_id == user.pk
        assert [p.pk for p in note.personas.all()] == [persona.pk]
        guide: Any = new.get_model("personas", "InterviewGuide").objects.get()
        assert guide.is_default and guide.workspace_id == workspace.pk
        assert len(guide.questions) == 18
        review: Any = new.get_model("personas", "PersonaReview").objects.get()
        assert (review.persona_id, review.reviewed_on) == (persona.pk, date(2026, 9, 1))
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
