"""The segment rule tree: its shape, checked before it is stored.

    node := {"all": [node, …]} | {"any": [node, …]} | {"not": node}
          | {"field": <profile field>, "op": <op>, "value": …}
          | {"purchases": {"product"?: str, "within_days"?: int},
             "agg": "count"|"sum", "op": <number op>, "value": number | [low, high]}
          | {"purchase": {"product": str, "within_days"?: int, "min_amount"?: number}}
          | {"total_spent": {"op": "gt"|"gte"|"lt"|"lte", "value": number, "within_days"?: int}}

`within_days` is 1 … 36 500. `agg: "count"` counts the matching purchases, `"sum"` adds
their amounts (a customer with none has 0 of both). `purchase` and `total_spent` are older
shorthands: `purchase` is count ≥ 1 (of purchases of at least `min_amount`), `total_spent`
a sum. Text comparisons ignore case, for every operator.

Example, "men aged 18–25":
    {"all": [{"field": "gender", "op": "eq", "value": "male"},
             {"field": "age", "op": "between", "value": [18, 25]}]}

Example, "bought X in the last 3 months and spent more than 500":
    {"all": [{"purchases": {"product": "X", "within_days": 90}, "agg": "count",
              "op": "gte", "value": 1},
             {"purchases": {}, "agg": "sum", "op": "gt", "value": 500}]}
"""

from __future__ import annotations

from datetime import date
from typing import Any

# `age` is computed from `birth_date` on the day of evaluation; `name` is the first and last
# name joined by a space. Dates are ISO strings ("2026-03-31").
PROFILE_FIELDS = {
    "gender": "text",
    "age": "number",
    "country": "text",
    "city": "text",
    "email": "text",
    "name": "text",
    "first_name": "text",
    "last_name": "text",
    "income": "number",
    "signup_date": "date",
}
TEXT_OPS = {"eq", "ne", "in", "contains"}
NUMBER_OPS = {"eq", "ne", "gt", "gte", "lt", "lte", "between", "in"}
DATE_OPS = {"eq", "ne", "gt", "gte", "lt", "lte", "between"}
OPS_BY_KIND = {"text": TEXT_OPS, "number": NUMBER_OPS, "date": DATE_OPS}
COMPARE_OPS = {"gt", "gte", "lt", "lte"}
AGGREGATE_OPS = {"eq", "ne", "gt", "gte", "lt", "lte", "between"}
AGGREGATES = ("count", "sum")
MAX_DEPTH = 8
# `within_days` bounds: a day to a hundred years. Larger values overflow date arithmetic.
MIN_DAYS, MAX_DAYS = 1, 36_500


class RuleError(ValueError):
    def __init__(self, path: str, message: str) -> None:
        self.path = path
        super().__init__(f"{path}: {message}")


def validate_rules(tree: Any) -> dict[str, Any]:
    """Return the tree unchanged if it is well formed; raise RuleError naming the spot."""
    if tree == {}:
        return tree  # an empty tree matches every customer
    _node(tree, "rules", 0)
    return tree


def _node(node: Any, path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise RuleError(path, f"nested deeper than {MAX_DEPTH} levels")
    if not isinstance(node, dict) or len(node) == 0:
        raise RuleError(path, "must be an object")
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        children = node[key]
        if set(node) != {key} or not isinstance(children, list) or not children:
            raise RuleError(path, f"'{key}' must be the only key and hold a non-empty list")
        for index, child in enumerate(children):
            _node(child, f"{path}.{key}[{index}]", depth + 1)
    elif "not" in node:
        if set(node) != {"not"}:
            raise RuleError(path, "'not' must be the only key")
        _node(node["not"], f"{path}.not", depth + 1)
    elif "field" in node:
        _condition(node, path)
    elif "purchases" in node:
        _aggregate(node, path)
    elif "purchase" in node:
        _purchase(node["purchase"], f"{path}.purchase")
    elif "total_spent" in node:
        _total_spent(node["total_spent"], f"{path}.total_spent")
    else:
        raise RuleError(
            path, "must have one of all, any, not, field, purchases, purchase, total_spent"
        )


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _condition(node: dict[str, Any], path: str) -> None:
    if set(node) != {"field", "op", "value"}:
        raise RuleError(path, "a condition has exactly field, op and value")
    kind = PROFILE_FIELDS.get(node["field"])
    if kind is None:
        raise RuleError(f"{path}.field", f"must be one of: {', '.join(PROFILE_FIELDS)}")
    op, value = node["op"], node["value"]
    allowed = OPS_BY_KIND[kind]
    if op not in allowed:
        raise RuleError(f"{path}.op", f"must be one of: {', '.join(sorted(allowed))}")
    check = {"number": _number, "date": _iso_date, "text": lambda item: isinstance(item, str)}[kind]
    if op == "between":
        if not (isinstance(value, list) and len(value) == 2 and all(map(check, value))):
            raise RuleError(f"{path}.value", "between takes [low, high]")
        if value[0] > value[1]:  # ISO dates order as text
            raise RuleError(f"{path}.value", "low must not exceed high")
    elif op == "in":
        if not (isinstance(value, list) and value and all(map(check, value))):
            raise RuleError(f"{path}.value", "in takes a non-empty list")
    elif not check(value):
        raise RuleError(
            f"{path}.value",
            "must be a date (YYYY-MM-DD)" if kind == "date" else f"must be a {kind}",
        )


def _iso_date(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _aggregate(node: dict[str, Any], path: str) -> None:
    if set(node) != {"purchases", "agg", "op", "value"}:
        raise RuleError(path, "a purchases condition has exactly purchases, agg, op and value")
    spec = node["purchases"]
    if not isinstance(spec, dict) or set(spec) - {"product", "within_days"}:
        raise RuleError(f"{path}.purchases", "takes product and within_days, both optional")
    if "product" in spec and not (isinstance(spec["product"], str) and spec["product"]):
        raise RuleError(f"{path}.purchases.product", "must be a product name")
    _positive_days(spec, f"{path}.purchases")
    if node["agg"] not in AGGREGATES:
        raise RuleError(f"{path}.agg", f"must be one of: {', '.join(AGGREGATES)}")
    op, value = node["op"], node["value"]
    if op not in AGGREGATE_OPS:
        raise RuleError(f"{path}.op", f"must be one of: {', '.join(sorted(AGGREGATE_OPS))}")
    if op == "between":
        if not (isinstance(value, list) and len(value) == 2 and all(map(_number, value))):
            raise RuleError(f"{path}.value", "between takes [low, high]")
        if value[0] > value[1]:
            raise RuleError(f"{path}.value", "low must not exceed high")
    elif not _number(value):
        raise RuleError(f"{path}.value", "must be a number")


def _purchase(spec: Any, path: str) -> None:
    if not isinstance(spec, dict) or not isinstance(spec.get("product"), str):
        raise RuleError(path, "needs a product name")
    if set(spec) - {"product", "within_days", "min_amount"}:
        raise RuleError(path, "takes product, within_days and min_amount")
    _positive_days(spec, path)
    if "min_amount" in spec and not _number(spec["min_amount"]):
        raise RuleError(f"{path}.min_amount", "must be a number")


def _total_spent(spec: Any, path: str) -> None:
    if not isinstance(spec, dict) or spec.get("op") not in COMPARE_OPS:
        raise RuleError(f"{path}.op", f"must be one of: {', '.join(sorted(COMPARE_OPS))}")
    if set(spec) - {"op", "value", "within_days"}:
        raise RuleError(path, "takes op, value and within_days")
    if not _number(spec.get("value")):
        raise RuleError(f"{path}.value", "must be a number")
    _positive_days(spec, path)


def _positive_days(spec: dict[str, Any], path: str) -> None:
    days = spec.get("within_days")
    if days is None:
        return
    if not isinstance(days, int) or isinstance(days, bool) or not MIN_DAYS <= days <= MAX_DAYS:
        raise RuleError(
            f"{path}.within_days", f"must be a whole number of days, {MIN_DAYS} to {MAX_DAYS}"
        )
