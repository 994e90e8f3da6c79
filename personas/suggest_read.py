"""Suggested segments, the database side: read the workspace's customers into a matrix for
`personas.suggest`, then measure each suggested rule in SQL against its cluster.

Memory stays bounded: profiles are read as plain tuples (`values_list`, in chunks, ordered by
id) and at most `MAX_FIT` of them are kept for fitting, every n-th one, so the same customers
give the same sample. Per customer the columns are: age (whole years today), income, days
since signup, purchase count and total spend in the last 365 days and of all time, days since
the last purchase (infinite for a customer who never bought), and one 0/1 column per common
gender (at least 5% of the profiles, at most four). An unknown age, income or signup date is
left as NaN here; `personas.suggest` imputes the column's median for clustering, while the
rules, like their SQL, never match an unknown value.

The result is cached per (workspace, customer count, newest profile, purchase count, newest
purchase, day) for `CACHE_SECONDS`: profiles carry no modification time, so an edit that
changes none of these shows after the cache expires.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from .models import CustomerProfile, Purchase
from .rules import validate_rules
from .selectors import customers_matching
from .suggest import BASE_FEATURES, YEAR, Feature, suggest

MAX_FIT = 50_000
CHUNK = 2_000
GENDER_SHARE = 0.05
MAX_GENDERS = 4
CACHE_SECONDS = 900


def segment_suggestions(*, workspace_id: Any, now: datetime | None = None) -> dict[str, Any]:
    """`{"suggestions": [...], "customers": N, "sampled": n, "k": k, "silhouette": s,
    "note": text}`; each suggestion has its rules, name, description, readable conditions,
    the features used, the cluster's size and the rule's size in SQL with their overlap."""
    moment = now or timezone.now()
    key = _cache_key(workspace_id, moment)
    if now is None:
        cached = cache.get(key)
        if cached is not None:
            return dict(cached)
    result = _compute(workspace_id=workspace_id, now=moment)
    if now is None:
        cache.set(key, result, CACHE_SECONDS)
    return result


def _cache_key(workspace_id: Any, moment: datetime) -> str:
    customers = CustomerProfile.objects.filter(workspace_id=workspace_id).aggregate(
        n=Count("pk"), newest=Max("created_at")
    )
    purchases = Purchase.objects.filter(customer__workspace_id=workspace_id).aggregate(
        n=Count("pk"), newest=Max("purchased_at")
    )
    parts = (
        workspace_id,
        customers["n"],
        customers["newest"],
        purchases["n"],
        purchases["newest"],
        timezone.localdate(moment),
    )
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()
    return f"segment-suggestions:{digest}"


def customer_matrix(
    *, workspace_id: Any, now: datetime
) -> tuple[list[UUID], np.ndarray, list[Feature], int]:
    """The sampled customers' ids, their matrix (one row each, columns as `features`), the
    features and how many customers the workspace has."""
    today = timezone.localdate(now)
    since = now - timedelta(days=YEAR)
    customers = CustomerProfile.objects.filter(workspace_id=workspace_id)
    total = customers.count()
    step = max(1, math.ceil(total / MAX_FIT))
    in_year = Q(purchases__purchased_at__gte=since)
    rows = (
        customers.order_by("id")
        .values("id", "gender", "birth_date", "income", "signup_date")
        .annotate(
            n_year=Count("purchases", filter=in_year),
            s_year=Sum("purchases__amount", filter=in_year),
            n_all=Count("purchases"),
            s_all=Sum("purchases__amount"),
            last=Max("purchases__purchased_at"),
        )
        .values_list(
            "id",
            "gender",
            "birth_date",
            "income",
            "signup_date",
            "n_year",
            "s_year",
            "n_all",
            "s_all",
            "last",
        )  # fmt: skip
    )
    ids: list[UUID] = []
    genders: list[str] = []
    values: list[list[float]] = []
    for index, row in enumerate(rows.iterator(chunk_size=CHUNK)):
        if index % step:
            continue
        pk, gender, born, income, signup, n_year, s_year, n_all, s_all, last = row
        age = math.nan
        if born is not None:
            age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        ids.append(pk)
        genders.append((gender or "").strip().lower())
        values.append(
            [
                float(age),
                _float(income),
                math.nan if signup is None else float((today - signup).days),
                float(n_year),
                _float(s_year) if s_year is not None else 0.0,
                float(n_all),
                _float(s_all) if s_all is not None else 0.0,
                math.inf if last is None else (now - last).total_seconds() / 86_400,
            ]
        )
    counts = Counter(g for g in genders if g)
    common = [
        gender
        for gender, n in counts.most_common(MAX_GENDERS)
        if n >= GENDER_SHARE * max(len(genders), 1)
    ]
    features = [*BASE_FEATURES, *(Feature(f"gender_{g}", "gender", value=g) for g in common)]
    matrix = np.full((len(values), len(features)), math.nan)
    if values:
        matrix[:, : len(BASE_FEATURES)] = np.array(values, dtype=float)
        for column, gender in enumerate(common, start=len(BASE_FEATURES)):
            matrix[:, column] = [1.0 if g == gender else 0.0 for g in genders]
    return ids, matrix, features, total


def _float(value: Decimal | None) -> float:
    return math.nan if value is None else float(value)


def _compute(*, workspace_id: Any, now: datetime) -> dict[str, Any]:
    ids, matrix, features, total = customer_matrix(workspace_id=workspace_id, now=now)
    result = suggest(matrix, features, today=timezone.localdate(now), total=total)
    fitted = len(ids)
    position = {pk: index for index, pk in enumerate(ids)}
    suggestions = []
    for suggestion in result.suggestions:
        validate_rules(suggestion.rules)  # a bug here must not store a broken segment
        members = set(suggestion.members.tolist())
        rule_size = overlap = rule_in_sample = 0
        matching = customers_matching(workspace_id=workspace_id, rules=suggestion.rules, now=now)
        for pk in matching.values_list("id", flat=True).iterator(chunk_size=CHUNK):
            rule_size += 1
            index = position.get(pk)
            if index is not None:
                rule_in_sample += 1
                overlap += index in members
        cluster_in_sample = len(members)
        scale = total / fitted if fitted else 0.0
        suggestions.append(
            {
                "name": suggestion.name,
                "description": suggestion.description,
                "rules": suggestion.rules,
                "conditions": suggestion.conditions,
                "features": suggestion.features,
                "cluster_size": round(cluster_in_sample * scale),
                "rule_size": rule_size,
                "overlap": round(overlap * scale),
                "precision": round(overlap / rule_in_sample, 3) if rule_in_sample else 0.0,
                "recall": round(overlap / cluster_in_sample, 3) if cluster_in_sample else 0.0,
            }
        )
    return {
        "suggestions": suggestions,
        "customers": total,
        "sampled": fitted,
        "k": result.k,
        "silhouette": result.silhouette,
        "note": result.note,
    }
