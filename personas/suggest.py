"""Suggested segments: cluster customers, then describe each cluster as a readable rule.

Pure: a numeric matrix in, suggestions out (numpy and scikit-learn, no Django, no database).
`personas.suggest_read` reads the matrix from the database and measures each rule in SQL.

The steps (docs/architecture.md, "Suggested segments"):

1. Impute and scale. A missing value (no birth date, no income, …) takes the column's median;
   counts, amounts and recency are compared on a log scale (`log1p`) so that a few big
   spenders do not become a cluster of their own; every column is then standardised, and
   weighted so that the five purchase columns count as two and the gender columns as half.
2. Cluster. k-means for k = 2 … 6 on a fixed sample of at most `SELECT_SAMPLE` rows; the k
   with the best silhouette score (over the columns its clusters separate, see `_choose_k`)
   wins and is fitted on every row. `n_init` and
   `random_state` are fixed: the same customers give the same suggestions.
3. Describe. For each cluster, the features whose centroid lies furthest from the overall
   mean (in standard deviations) are tried as conditions — the cluster's interquartile range
   or a one-sided threshold, in round numbers — and kept greedily while they make the rule
   fit the cluster better (F0.5: precision counts more than recall), at most three.

A rule only approximates its cluster, so each suggestion carries both: the cluster's members
(to compare with what the rule selects in SQL) and the in-memory estimate of its fidelity.

Example (two obvious groups of ages):

    >>> ages = [[20.0 + i % 5] for i in range(30)] + [[60.0 + i % 5] for i in range(30)]
    >>> result = suggest(np.array(ages), [Feature("age", "age")], today=date(2026, 1, 1))
    >>> sorted(s.name for s in result.suggestions)
    ['Aged 20–24', 'Aged 60–64']
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

MIN_CUSTOMERS = 20
K_RANGE = range(2, 7)
N_INIT = 10
SEED = 0
# Rows k is chosen on, and rows the silhouette of one k is scored on (its cost is quadratic).
SELECT_SAMPLE = 5_000
SILHOUETTE_SAMPLE = 2_000
MAX_CONDITIONS = 3
# Features tried per cluster, the most distinctive first; one nearer the mean than this
# (in standard deviations) does not describe the cluster.
CANDIDATE_FEATURES = 4
MIN_DISTANCE = 0.3
# A cluster smaller than this share of the customers (or than 5 of them) is noise.
MIN_CLUSTER_SHARE = 0.02
MIN_CLUSTER_SIZE = 5
# `gender eq` only when the cluster is at least this much one gender.
GENDER_SHARE = 0.8
# A condition true for nearly everyone says nothing.
MAX_MATCH_SHARE = 0.95
BETA = 0.5
DAYS_CAP = 36_500
NEVER = 1e9  # recency of a customer who never bought: beyond every `within_days`

KINDS = ("age", "income", "signup", "count", "spend", "recency", "gender")
LOG_KINDS = {"count", "spend", "recency"}
PURCHASE_WEIGHT = 2.0
# 0/1 columns split cleanly, so k-means would cut along them first: together they weigh half.
GENDER_WEIGHT = 0.5
INFORMATIVE = 0.1
KEEP_SLACK = 0.02
MIN_GAIN = 0.01


@dataclass(frozen=True)
class Feature:
    """One column of the matrix and how it becomes a rule.

    kind: `age` (whole years), `income`, `signup` (days since signup), `count` / `spend`
    (purchases, in the last `within_days` or ever), `recency` (days since the last purchase,
    `math.inf` for a customer who never bought) or `gender` (1.0 when the customer's gender
    is `value`, else 0.0)."""

    key: str
    kind: str
    within_days: int | None = None
    value: str | None = None


YEAR = 365
# The columns `personas.suggest_read` reads for each customer, in this order (then one per
# common gender).
BASE_FEATURES = (
    Feature("age", "age"),
    Feature("income", "income"),
    Feature("signup_days", "signup"),
    Feature("purchases_365", "count", within_days=YEAR),
    Feature("spend_365", "spend", within_days=YEAR),
    Feature("purchases_all", "count"),
    Feature("spend_all", "spend"),
    Feature("days_since_purchase", "recency"),
)


@dataclass(frozen=True)
class Condition:
    feature: Feature
    op: str  # between, gte, gt, lte, eq (gender)
    low: float | None = None
    high: float | None = None


@dataclass
class Suggestion:
    name: str
    description: str
    rules: dict[str, Any]
    conditions: list[str]
    features: list[str]
    members: np.ndarray  # row indices of the cluster
    precision: float  # of the rule, on the rows given
    recall: float


@dataclass
class Result:
    suggestions: list[Suggestion] = field(default_factory=list)
    k: int | None = None
    silhouette: float | None = None
    note: str = ""


def suggest(
    matrix: np.ndarray, features: Sequence[Feature], *, today: date, total: int | None = None
) -> Result:
    """Suggestions for the customers of `matrix` (one row each, one column per feature, NaN
    for unknown). `total` is how many customers the rows were sampled from (the rows
    themselves when not given), for the description."""
    rows = matrix.shape[0]
    if rows < MIN_CUSTOMERS:
        return Result(
            note=(
                f"Not enough customers to suggest segments: {rows} "
                f"{'profile' if rows == 1 else 'profiles'}, at least {MIN_CUSTOMERS} needed."
            )
        )
    raw = np.asarray(matrix, dtype=float)
    scaled = _scaled(raw, features)
    # One thread: these fits are small, and on a busy machine (a web worker beside others)
    # OpenMP's threads cost ten times what they save.
    with threadpool_limits(limits=1):
        k, silhouette = _choose_k(scaled, features)
        if k is None:
            return Result(note="The customers are too alike to fall into groups.")
        labels = KMeans(n_clusters=k, n_init=N_INIT, random_state=SEED).fit_predict(scaled)
    suggestions: list[Suggestion] = []
    seen: set[str] = set()
    minimum = max(MIN_CLUSTER_SIZE, math.ceil(MIN_CLUSTER_SHARE * rows))
    order = sorted(range(k), key=lambda c: -int((labels == c).sum()))
    for cluster in order:
        inside = labels == cluster
        if inside.sum() < minimum:
            continue  # degenerate: a handful of outliers
        suggestion = _describe(raw, scaled, inside, features, today=today, total=total or rows)
        if suggestion is None:
            continue
        key = repr(suggestion.rules)
        if key in seen:
            continue  # two clusters the same rule describes: keep the larger
        seen.add(key)
        suggestions.append(suggestion)
    note = (
        f"{k} groups of customers by k-means; each rule approximates its group: precision is "
        "the share of the rule's customers in the group, recall the share of the group the "
        "rule selects."
    )
    if not suggestions:
        note = "The customers' groups could not be told apart by simple rules."
    return Result(suggestions=suggestions, k=k, silhouette=silhouette, note=note)


def _scaled(raw: np.ndarray, features: Sequence[Feature]) -> np.ndarray:
    """Impute (median; recency of never-buyers: the longest seen), log counts and amounts,
    standardise."""
    columns = []
    for index, feature in enumerate(features):
        column = raw[:, index].copy()
        if feature.kind == "recency":
            finite = column[np.isfinite(column)]
            column[~np.isfinite(column)] = finite.max() if finite.size else 0.0
        known = column[~np.isnan(column)]
        column[np.isnan(column)] = float(np.median(known)) if known.size else 0.0
        if feature.kind in LOG_KINDS:
            column = np.log1p(np.maximum(column, 0.0))
        columns.append(column)
    stacked = np.column_stack(columns)
    return np.asarray(StandardScaler().fit_transform(stacked)) * _weights(features)


def _weights(features: Sequence[Feature]) -> np.ndarray:
    """Per column, so that each kind of information weighs about as much as one demographic
    column: the purchase columns (counts, amounts, recency: much the same story told five
    ways) together as two, the gender columns together as a half."""
    purchases = sum(f.kind in LOG_KINDS for f in features)
    genders = sum(f.kind == "gender" for f in features)
    weights = [
        math.sqrt(PURCHASE_WEIGHT / purchases)
        if f.kind in LOG_KINDS
        else math.sqrt(GENDER_WEIGHT / genders)
        if f.kind == "gender"
        else 1.0
        for f in features
    ]
    return np.array(weights)


def _choose_k(scaled: np.ndarray, features: Sequence[Feature]) -> tuple[int | None, float | None]:
    """The k of 2 … 6 whose clusters score the best silhouette, on a fixed sample.

    Each k is scored over the columns its clusters separate (at least `INFORMATIVE` of the
    column's variance between clusters), so that columns which are noise to every grouping —
    a signup date spread evenly, an evenly mixed gender — do not hide a clear grouping. When
    fewer than two kinds of feature are separated, the k is scored over every column (a
    split on one column alone would otherwise score perfectly)."""
    rows = scaled.shape[0]
    sample = scaled
    if rows > SELECT_SAMPLE:
        picks = np.random.default_rng(SEED).choice(rows, SELECT_SAMPLE, replace=False)
        sample = scaled[np.sort(picks)]
    distinct = np.unique(sample, axis=0).shape[0]
    best: tuple[int | None, float | None] = (None, None)
    for k in K_RANGE:
        if k >= distinct:
            break
        labels = KMeans(n_clusters=k, n_init=N_INIT, random_state=SEED).fit_predict(sample)
        if len(set(labels.tolist())) < 2:
            continue
        columns = _separated(sample, labels, features)
        score = float(
            silhouette_score(
                sample[:, columns],
                labels,
                sample_size=min(SILHOUETTE_SAMPLE, sample.shape[0]),
                random_state=SEED,
            )
        )
        if best[1] is None or score > best[1] + 1e-9:
            best = (k, round(score, 4))
    return best


def _separated(sample: np.ndarray, labels: np.ndarray, features: Sequence[Feature]) -> list[int]:
    """The columns a clustering separates (share of variance between clusters), or all."""
    total = sample.var(axis=0)
    mean = sample.mean(axis=0)
    between = np.zeros(sample.shape[1])
    for cluster in np.unique(labels):
        inside = labels == cluster
        between += inside.mean() * (sample[inside].mean(axis=0) - mean) ** 2
    share = np.divide(between, total, out=np.zeros_like(between), where=total > 0)
    columns = [i for i in range(sample.shape[1]) if share[i] >= INFORMATIVE]
    kinds = {"gender" if features[i].kind == "gender" else features[i].key for i in columns}
    return columns if len(kinds) >= 2 else list(range(sample.shape[1]))


def _describe(
    raw: np.ndarray,
    scaled: np.ndarray,
    inside: np.ndarray,
    features: Sequence[Feature],
    *,
    today: date,
    total: int,
) -> Suggestion | None:
    distance = np.abs(scaled[inside].mean(axis=0))
    ranked = _ranked_features(distance, features)
    chosen: list[Condition] = []
    selected = np.ones(inside.shape[0], dtype=bool)
    score = _f_score(selected, inside)
    for _ in range(MAX_CONDITIONS):
        best: tuple[float, Condition, np.ndarray] | None = None
        families = {_family(c.feature) for c in chosen}
        for index in ranked:
            if any(c.feature.kind == features[index].kind for c in chosen):
                continue  # one condition per kind: not spend this year *and* in total
            # The first two conditions may cost a little fit for a name that says more
            # ("aged 20–27, 1–3 purchases in the last year") when they tell something new;
            # any other must earn its place.
            new_family = _family(features[index]) not in families
            slack = -KEEP_SLACK if len(chosen) < 2 and new_family else MIN_GAIN
            for condition in _candidates(raw[:, index], inside, features[index], today=today):
                match = _match(raw[:, index], condition)
                if match.mean() > MAX_MATCH_SHARE:
                    continue
                combined = selected & match
                candidate = _f_score(combined, inside)
                if candidate <= score + slack:
                    continue
                if best is None or candidate > best[0] + 1e-12:
                    best = (candidate, condition, combined)
        if best is None:
            break
        score, condition, selected = best
        chosen.append(condition)
    if not chosen:
        return None
    chosen.sort(key=lambda c: KINDS.index(c.feature.kind))
    phrases = [_phrase(c, today=today) for c in chosen]
    hits = int((selected & inside).sum())
    precision = hits / max(int(selected.sum()), 1)
    recall = hits / int(inside.sum())
    size = int(inside.sum())
    share = size / inside.shape[0]
    typical = _typical(raw, inside, features, [features.index(c.feature) for c in chosen])
    description = (
        f"A group of about {round(share * total):,} customers ({share:.0%})"
        + (f"; typically {typical}" if typical else "")
        + "."
    )
    nodes = [node for c in chosen for node in _nodes(c, today=today)]
    return Suggestion(
        name=_capital(", ".join(phrases)),
        description=description,
        rules=nodes[0] if len(nodes) == 1 else {"all": nodes},
        conditions=phrases,
        features=[c.feature.key for c in chosen],
        members=np.flatnonzero(inside),
        precision=round(precision, 3),
        recall=round(recall, 3),
    )


def _family(feature: Feature) -> str:
    """Counts, amounts and recency tell one story (what a customer bought)."""
    return "purchases" if feature.kind in LOG_KINDS else feature.kind


def _ranked_features(distance: np.ndarray, features: Sequence[Feature]) -> list[int]:
    """Column indices, most distinctive first, of at most `CANDIDATE_FEATURES` kinds (the
    gender columns are one, counts this year and in total are one)."""
    best_gender: int | None = None
    others = []
    for index, feature in enumerate(features):
        if feature.kind == "gender":
            if best_gender is None or distance[index] > distance[best_gender]:
                best_gender = index
        else:
            others.append(index)
    if best_gender is not None:
        genders = [i for i, f in enumerate(features) if f.kind == "gender"]
        others.extend(genders)
        # all gender columns share the rank of the most distinctive one
        rank = {i: (distance[best_gender] if i in genders else distance[i]) for i in others}
    else:
        rank = {i: distance[i] for i in others}
    ordered = sorted(others, key=lambda i: (-rank[i], i))
    kept: list[int] = []
    groups: set[str] = set()
    for index in ordered:
        if rank[index] < MIN_DISTANCE:
            break
        group = features[index].kind
        if group not in groups and len(groups) == CANDIDATE_FEATURES:
            break
        groups.add(group)
        kept.append(index)
    return kept


def _f_score(selected: np.ndarray, inside: np.ndarray) -> float:
    hits = float((selected & inside).sum())
    if hits == 0:
        return 0.0
    precision = hits / float(selected.sum())
    recall = hits / float(inside.sum())
    return (1 + BETA**2) * precision * recall / (BETA**2 * precision + recall)


def _candidates(
    column: np.ndarray, inside: np.ndarray, feature: Feature, *, today: date
) -> list[Condition]:
    values = column[inside]
    if feature.kind == "gender":
        if values.size and values.mean() >= GENDER_SHARE:
            return [Condition(feature, "eq")]
        return []
    if feature.kind == "recency":
        values = np.where(np.isfinite(values), values, NEVER)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return []
    quantile = {q: float(np.quantile(values, q)) for q in (0.05, 0.1, 0.25, 0.75, 0.9, 0.95)}
    found: list[Condition] = []
    for low_q, high_q in ((0.25, 0.75), (0.1, 0.9), (0.05, 0.95)):
        found.append(_rounded(feature, "between", quantile[low_q], quantile[high_q], today))
    for low_q in (0.05, 0.1, 0.25):
        found.append(_rounded(feature, "gte", quantile[low_q], None, today))
    for high_q in (0.75, 0.9, 0.95):
        found.append(_rounded(feature, "lte", None, quantile[high_q], today))
    unique: list[Condition] = []
    for condition in found:
        if condition.op != "none" and condition not in unique:
            unique.append(condition)
    return unique


def _rounded(
    feature: Feature, op: str, low: float | None, high: float | None, today: date
) -> Condition:
    """A condition in the numbers a person would write. `op` none: nothing sensible."""
    kind = feature.kind
    if kind in ("age", "count"):
        low = None if low is None else float(math.floor(low))
        high = None if high is None else float(math.ceil(high))
    elif kind in ("income", "spend"):
        low = None if low is None else _nice(low, up=False)
        high = None if high is None else _nice(high, up=True)
        if op == "gte":
            op = "gt"  # "spend over 500"
    elif kind == "signup":
        # Whole months: the first of the month of the earliest signup to the end of the
        # month of the latest (`low` and `high` are days since signup).
        if high is not None:
            start = (today - timedelta(days=math.ceil(high))).replace(day=1)
            high = float((today - start).days)
        if low is not None:
            end = today - timedelta(days=math.floor(low))
            end = end.replace(day=calendar.monthrange(end.year, end.month)[1])
            low = float(max((today - end).days, 0))
    elif kind == "recency":
        # Whole days, within what a purchases condition can express.
        low = None if low is None or low >= DAYS_CAP else float(max(math.floor(low), 1))
        high = None if high is None or high >= DAYS_CAP else float(max(math.ceil(high), 1))
        if op == "between" and (low is None or high is None):
            op = "gte" if low is not None else "lte" if high is not None else "none"
        if op == "gte":
            op = "gt"  # no purchase in the last `low` days
        if (op == "gt" and low is None) or (op == "lte" and high is None):
            return Condition(feature, "none")
    if op == "between" and low is not None and high is not None and low == high:
        if kind == "recency":
            return Condition(feature, "none")
        return Condition(feature, "eq", low, high)
    return Condition(feature, op, low, high)


def _nice(value: float, *, up: bool) -> float:
    """Two significant digits, rounded away from the cluster's inside: 487 → 480 or 490."""
    if value <= 0:
        return 0.0
    step = 10 ** max(math.floor(math.log10(value)) - 1, 0)
    rounded = (math.ceil if up else math.floor)(value / step) * step
    return float(rounded)


def _match(column: np.ndarray, condition: Condition) -> np.ndarray:
    """Which rows the condition selects, as its SQL does (an unknown value matches none;
    a customer who never bought has recency infinity and spent 0)."""
    op, low, high = condition.op, condition.low, condition.high
    with np.errstate(invalid="ignore"):
        if condition.feature.kind == "gender":
            return column >= 0.5
        if condition.feature.kind == "recency":
            if op == "gt":
                return column > low
            if op == "lte":
                return column <= high
            return (column > low) & (column <= high)
        if op == "eq":
            return column == low
        if op == "between":
            return (column >= low) & (column <= high)
        if op == "gte":
            return column >= low
        if op == "gt":
            return column > low
        return column <= high


def _nodes(condition: Condition, *, today: date) -> list[dict[str, Any]]:
    """The rule nodes of a condition (personas/rules.py)."""
    feature, op = condition.feature, condition.op
    low, high = _number(condition.low), _number(condition.high)
    if feature.kind == "gender":
        return [{"field": "gender", "op": "eq", "value": feature.value}]
    if feature.kind in ("age", "income"):
        return [{"field": feature.kind, **_compare(op, low, high)}]
    if feature.kind == "signup":
        # days since signup `high` is the earliest date, `low` the latest
        first = None if high is None else (today - timedelta(days=int(high))).isoformat()
        last = None if low is None else (today - timedelta(days=int(low))).isoformat()
        if op == "between":
            return [{"field": "signup_date", "op": "between", "value": [first, last]}]
        if op == "eq":
            return [{"field": "signup_date", "op": "eq", "value": first}]
        if op == "gte":  # at least `low` days ago: on or before `last`
            return [{"field": "signup_date", "op": "lte", "value": last}]
        return [{"field": "signup_date", "op": "gte", "value": first}]
    spec: dict[str, Any] = {}
    if feature.kind == "recency":
        if op == "gt":
            return [{"purchases": {"within_days": low}, "agg": "count", "op": "eq", "value": 0}]
        if op == "lte":
            return [{"purchases": {"within_days": high}, "agg": "count", "op": "gte", "value": 1}]
        return [
            {"purchases": {"within_days": high}, "agg": "count", "op": "gte", "value": 1},
            {"purchases": {"within_days": low}, "agg": "count", "op": "eq", "value": 0},
        ]
    if feature.within_days is not None:
        spec["within_days"] = feature.within_days
    agg = "count" if feature.kind == "count" else "sum"
    return [{"purchases": spec, "agg": agg, **_compare(op, low, high)}]


def _compare(op: str, low: Any, high: Any) -> dict[str, Any]:
    if op == "between":
        return {"op": "between", "value": [low, high]}
    if op == "eq":
        return {"op": "eq", "value": low}
    if op in ("gte", "gt"):
        return {"op": op, "value": low}
    return {"op": "lte", "value": high}


def _number(value: float | None) -> Any:
    """A plain int when whole (JSON and the rule checker want Python numbers)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(float(value), 2)


def _phrase(condition: Condition, *, today: date) -> str:
    feature, op = condition.feature, condition.op
    low, high = _number(condition.low), _number(condition.high)
    kind = feature.kind
    if kind == "gender":
        return str(feature.value)
    if kind == "age":
        return _range("aged", op, low, high, unit="")
    if kind == "income":
        return _range("income", op, _money(low), _money(high), unit="")
    if kind == "signup":
        first = None if high is None else today - timedelta(days=int(high))
        last = None if low is None else today - timedelta(days=int(low))
        if op in ("between", "eq") and first and last:
            if (first.year, first.month) == (last.year, last.month):
                return f"signed up in {_month(first)}"
            return f"signed up {_month(first)} – {_month(last)}"
        if op == "gte" and last:
            return f"signed up by {_month(last)}"
        return f"signed up since {_month(first)}" if first else "signed up"
    if kind == "recency":
        if op == "gt":
            return f"no purchase in the last {low} days"
        if op == "lte":
            return f"bought in the last {high} days"
        return f"last bought {low}–{high} days ago"
    when = _period(feature.within_days)
    if kind == "count":
        if (op == "lte" and high == 0) or (op == "eq" and low == 0):
            return f"no purchases {when}"
        if op == "gte" and low == 1:
            return f"at least one purchase {when}"
        one = (op == "eq" and low == 1) or (op == "lte" and high == 1)
        noun = "purchase" if one else "purchases"
        return _range("", op, low, high, unit=f" {noun} {when}").strip()
    if (op == "lte" and high == 0) or (op == "eq" and low == 0):
        return f"no spend {when}"
    if op == "gt" and low == 0:
        return f"some spend {when}"
    return _range("spend", op, _money(low), _money(high), unit=f" {when}")


def _range(label: str, op: str, low: Any, high: Any, *, unit: str) -> str:
    if op == "between":
        return f"{label} {low}–{high}{unit}"
    if op == "eq":
        return f"{label} {low}{unit}"
    if op == "gt":
        return f"{label} over {low}{unit}"
    if op == "gte":
        return f"{label} {low} or more{unit}" if label != "aged" else f"aged {low} or over"
    return f"{label} up to {high}{unit}" if label != "aged" else f"aged {high} or under"


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:,}"


def _month(day: date) -> str:
    return f"{calendar.month_abbr[day.month]} {day.year}"


def _period(days: int | None) -> str:
    if days is None:
        return "in total"
    if days == 365:
        return "in the last year"
    return f"in the last {days} days"


def _typical(
    raw: np.ndarray, inside: np.ndarray, features: Sequence[Feature], used: list[int]
) -> str:
    """The cluster's medians of the features its rule uses, in words."""
    parts = []
    for index in used:
        feature = features[index]
        values = raw[inside, index]
        if feature.kind == "gender":
            parts.append(f"{values.mean():.0%} {feature.value}")
            continue
        if feature.kind == "recency":
            bought = values[np.isfinite(values)]
            if bought.size * 2 < values.size:
                parts.append("most never bought")
                continue
            values = bought
        values = values[~np.isnan(values)]
        if values.size == 0:
            continue
        parts.append(_typical_value(feature, float(np.median(values))))
    return ", ".join(parts)


def _typical_value(feature: Feature, median: float) -> str:
    kind, period = feature.kind, _period(feature.within_days)
    if kind == "age":
        return f"aged {round(median)}"
    if kind == "income":
        return f"income {round(median):,}"
    if kind == "signup":
        return f"a customer for {_duration(median)}"
    if kind == "count":
        return f"{median:g} purchases {period}"
    if kind == "spend":
        return f"spent {round(median):,} {period}"
    return f"last bought {round(median)} days ago"


def _duration(days: float) -> str:
    if days < 60:
        return f"{round(days)} days"
    if days < 730:
        return f"{round(days / 30.4)} months"
    return f"{days / 365.25:.1f} years"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
