"""Which rows belong to a workspace, found by walking the models rather than listed by hand.

A model belongs to a workspace when a chain of foreign keys leads from it to `Workspace`
(a card: `map` → `workspace`; a purchase: `customer` → `workspace`; a persona's channel
link, an auto-created many-to-many table: `persona` → `workspace`). Every installed model,
auto-created ones included, is walked, so a model added later is backed up without anyone
editing a list. Users are not workspace rows: they are written by name (see `dump`).
"""

from __future__ import annotations

import graphlib
from collections import deque
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from journeymap.workspaces.models import Invitation, ShareLink, Workspace

# Rows that are credentials of the workspace they were made for (their token hashes are
# unique across the database): a copy restored `--as-new` starts without them.
CREDENTIALS: tuple[type[models.Model], ...] = (ShareLink, Invitation)
INTEGER_PKS = (models.AutoField, models.BigAutoField, models.SmallAutoField)


@dataclass(frozen=True)
class Column:
    attname: str
    field: models.Field
    # "internal": a row of the backup; "user": a user, written by name; None: a plain value.
    points_to: str | None = None
    target: str | None = None  # the label of the model an internal key points to


@dataclass(frozen=True)
class ModelPlan:
    model: type[models.Model]
    # The ORM lookup from this model to its workspace's id ("pk" for Workspace itself).
    lookup: str
    columns: tuple[Column, ...]
    # An integer auto-increment key is the database's, not the data's: a restore lets the
    # database number the rows afresh rather than risk ids another workspace took since.
    fresh_pk: bool
    files: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def rows_of(self, workspace_id: object) -> models.QuerySet[models.Model]:
        return self.model._base_manager.filter(**{self.lookup: workspace_id}).order_by("pk")


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is not None
    ]


def _lookup(model: type[models.Model]) -> str | None:
    """The shortest chain of foreign keys from `model` to Workspace, preferring keys that
    cannot be null (the owning chain: a touchpoint is its map's, not its channel's)."""
    if model is Workspace:
        return "pk"
    user_model = get_user_model()
    for required_only in (True, False):
        queue: deque[tuple[type[models.Model], list[str]]] = deque([(model, [])])
        seen = {model}
        while queue:
            current, path = queue.popleft()
            for fk in _foreign_keys(current):
                if required_only and fk.null:
                    continue
                target = fk.related_model
                assert isinstance(target, type)  # noqa: S101 - resolved by the app registry
                if target is Workspace:
                    return "__".join([*path, fk.name])
                if target is user_model or target in seen:
                    continue
                seen.add(target)
                queue.append((target, [*path, fk.name]))
    return None


@cache
def backup_plan() -> tuple[ModelPlan, ...]:
    """Every workspace model, in an order where each row's foreign keys point at rows
    restored before it."""
    user_model = get_user_model()
    found: dict[str, tuple[type[models.Model], str]] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        lookup = _lookup(model)
        if lookup is not None:
            found[model._meta.label_lower] = (model, lookup)
    plans: dict[str, ModelPlan] = {}
    graph: dict[str, set[str]] = {}
    for label, (model, lookup) in found.items():
        columns = []
        graph[label] = set()
        for f in model._meta.concrete_fields:
            if isinstance(f, models.ForeignKey):
                target = f.related_model
                assert isinstance(target, type)  # noqa: S101
                if target is user_model:
                    columns.append(Column(f.attname, f, "user"))
                    continue
                target_label = target._meta.label_lower
                if target_label not in found:
                    raise ImproperlyConfigured(
                        f"{label}.{f.name} points at {target_label}, which belongs to no "
                        "workspace: journeymap/backup cannot restore it"
                    )
                if isinstance(target._meta.pk, INTEGER_PKS):
                    raise ImproperlyConfigured(
                        f"{label}.{f.name} points at {target_label}, whose integer ids a "
                        "restore renumbers: give it a UUID key"
                    )
                columns.append(Column(f.attname, f, "internal", target_label))
                if target_label != label:
                    graph[label].add(target_label)
            else:
                columns.append(Column(f.attname, f))
        files = tuple(
            f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)
        )
        plans[label] = ModelPlan(
            model=model,
            lookup=lookup,
            columns=tuple(columns),
            fresh_pk=isinstance(model._meta.pk, INTEGER_PKS),
            files=files,
        )
    order = graphlib.TopologicalSorter(graph).static_order()
    return tuple(plans[label] for label in order)


def plan_by_label() -> dict[str, ModelPlan]:
    return {plan.label: plan for plan in backup_plan()}


def user_columns() -> list[tuple[ModelPlan, Column]]:
    return [(plan, c) for plan in backup_plan() for c in plan.columns if c.points_to == "user"]
