"""Starter content for a new map: the ops that lay out a template's stages, lanes and cards.

A template is plain data turned into an ordinary op batch, so a templated map is built through
`apply_ops` like every other change and its history starts with one readable patch. Ids are
generated here (uuid4, as a client would) and order keys are spelled out, so the batch is
self-contained and never depends on what the map already holds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, TypedDict

from fractional_indexing import generate_n_keys_between

from ..models import LaneKind


class TemplateInfo(TypedDict):
    name: str
    description: str


@dataclass(frozen=True)
class _Template:
    name: str
    description: str
    stages: list[tuple[str, str]]  # (name, description)
    lanes: list[tuple[str, LaneKind]]  # (name, kind)
    # (stage index, lane index, title); the lane must hold cards (or touchpoints).
    items: list[tuple[int, int, str]] = field(default_factory=list)


_BASIC_LANES: list[tuple[str, LaneKind]] = [
    ("Customer actions", LaneKind.ACTIONS),
    ("Thoughts", LaneKind.THOUGHTS),
    ("Touchpoints", LaneKind.TOUCHPOINTS),
    ("Friction points", LaneKind.FRICTION),
    ("Opportunities", LaneKind.OPPORTUNITIES),
]

_TEMPLATES: dict[str, _Template] = {
    "blank": _Template(
        name="Blank map",
        description="Three stages and the five lanes every journey needs. Rename and extend.",
        stages=[
            ("Before", "What happens before the customer engages with us."),
            ("During", "The core experience."),
            ("After", "What the customer does once it is over."),
        ],
        lanes=_BASIC_LANES,
    ),
    "b2c_purchase": _Template(
        name="B2C purchase journey",
        description=(
            "From first hearing of a product to buying it again: awareness, consideration, "
            "purchase, delivery, use and loyalty."
        ),
        stages=[
            ("Awareness", "The customer first notices the brand or product."),
            ("Consideration", "They research, compare options and read reviews."),
            ("Purchase", "They choose, pay and get a confirmation."),
            ("Delivery", "The order is shipped or picked up."),
            ("Use", "They unpack, use the product and judge it."),
            ("Loyalty", "They come back, recommend us, or drift away."),
        ],
        lanes=[
            ("Customer actions", LaneKind.ACTIONS),
            ("Thoughts and questions", LaneKind.THOUGHTS),
            ("Emotional curve", LaneKind.EMOTIONS),
            ("Touchpoints", LaneKind.TOUCHPOINTS),
            ("Friction points", LaneKind.FRICTION),
            ("Content", LaneKind.CONTENT),
            ("Opportunities", LaneKind.OPPORTUNITIES),
            ("Behind the scenes", LaneKind.BACKSTAGE),
        ],
        items=[
            (0, 0, "Sees the product in a friend's post"),
            (0, 3, "Social media ad"),
            (1, 0, "Compares prices and reads reviews"),
            (1, 1, "Is it worth the price? Will it fit?"),
            (1, 3, "Product page"),
            (2, 0, "Adds to basket and checks out"),
            (2, 1, "When will it arrive?"),
            (2, 3, "Checkout"),
            (3, 0, "Tracks the parcel"),
            (3, 3, "Shipping notification email"),
            (3, 7, "Warehouse picks and packs the order"),
            (4, 0, "Unboxes and tries the product"),
            (4, 1, "Does it live up to the photos?"),
            (5, 0, "Leaves a review or recommends us"),
            (5, 6, "Reward a second purchase within 90 days"),
        ],
    ),
    "b2b_saas_onboarding": _Template(
        name="B2B SaaS onboarding",
        description=(
            "A new account from sign-up to expansion: setup, first value, team rollout and "
            "growth, with what customer success does behind the scenes."
        ),
        stages=[
            ("Sign-up", "An admin creates the account, often on a trial."),
            ("Setup", "Integrations, data import and configuration."),
            ("First value", "The first moment the product does its job for them."),
            ("Team rollout", "Colleagues are invited and start using it."),
            ("Expansion", "More seats, more teams, a higher plan."),
            ("Renewal", "The contract comes up for renewal."),
        ],
        lanes=[
            ("User actions", LaneKind.ACTIONS),
            ("Thoughts", LaneKind.THOUGHTS),
            ("Emotional curve", LaneKind.EMOTIONS),
            ("Touchpoints", LaneKind.TOUCHPOINTS),
            ("Friction points", LaneKind.FRICTION),
            ("Content", LaneKind.CONTENT),
            ("Opportunities", LaneKind.OPPORTUNITIES),
            ("Customer success and sales", LaneKind.BACKSTAGE),
        ],
        items=[
            (0, 0, "Starts a free trial with a work email"),
            (0, 1, "How long until I know if this works for us?"),
            (0, 3, "Sign-up form"),
            (1, 0, "Connects the first integration"),
            (1, 3, "Setup checklist in the app"),
            (1, 7, "Welcome call booked for accounts over 20 seats"),
            (2, 0, "Completes the first real task in the product"),
            (2, 1, "This saves me an afternoon a week"),
            (3, 0, "Invites the team and assigns roles"),
            (3, 6, "Invite templates per team type"),
            (4, 0, "Asks for a quote for another department"),
            (4, 7, "Account review with usage report"),
            (5, 1, "Did we get what we paid for?"),
        ],
    ),
    "service_blueprint": _Template(
        name="Service blueprint",
        description=(
            "Customer actions above the line of interaction, frontstage and backstage actions "
            "below it, and the support processes that make the service work."
        ),
        stages=[
            ("Request", "The customer asks for the service."),
            ("Arrival", "They arrive, in person or online."),
            ("Service", "The service itself is delivered."),
            ("Payment", "They pay and get a receipt."),
            ("Follow-up", "What happens once they have left."),
        ],
        lanes=[
            ("Physical evidence", LaneKind.TEXT),
            ("Customer actions", LaneKind.ACTIONS),
            ("Touchpoints", LaneKind.TOUCHPOINTS),
            ("Frontstage actions", LaneKind.TEXT),
            ("Backstage actions", LaneKind.BACKSTAGE),
            ("Support processes", LaneKind.BACKSTAGE),
            ("Friction points", LaneKind.FRICTION),
        ],
        items=[
            (0, 0, "Booking confirmation email"),
            (0, 1, "Books an appointment"),
            (0, 2, "Online booking form"),
            (0, 4, "Staff rota checked against bookings"),
            (0, 5, "Booking system"),
            (1, 1, "Checks in at reception"),
            (1, 3, "Greets the customer by name"),
            (2, 1, "Receives the service"),
            (2, 3, "Explains each step as it happens"),
            (2, 4, "Prepares materials for the next customer"),
            (3, 0, "Printed or emailed receipt"),
            (3, 1, "Pays at the counter or in the app"),
            (3, 5, "Payment provider"),
            (4, 1, "Answers a satisfaction survey"),
            (4, 4, "Reviews survey answers weekly"),
        ],
    ),
}

MAP_TEMPLATES: dict[str, TemplateInfo] = {
    key: {"name": template.name, "description": template.description}
    for key, template in _TEMPLATES.items()
}

# Lanes whose cells take touchpoints; every other lane with starter items takes cards.
_ITEM_ENTITY = {LaneKind.TOUCHPOINTS: "touchpoint"}


def template_ops(*, template: str) -> list[dict[str, Any]]:
    """The create ops that fill a new, empty map with `template`. Raises ValueError if the
    template is unknown."""
    spec = _TEMPLATES.get(template)
    if spec is None:
        raise ValueError(f"unknown map template {template!r}; choose one of {list(_TEMPLATES)}")
    ops: list[dict[str, Any]] = []
    stage_ids = [str(uuid.uuid4()) for _ in spec.stages]
    lane_ids = [str(uuid.uuid4()) for _ in spec.lanes]
    for stage_id, key, (name, description) in zip(
        stage_ids, _keys(len(spec.stages)), spec.stages, strict=True
    ):
        ops.append(
            _create("stage", stage_id, {"name": name, "description": description, "order_key": key})
        )
    for lane_id, key, (name, kind) in zip(
        lane_ids, _keys(len(spec.lanes)), spec.lanes, strict=True
    ):
        ops.append(_create("lane", lane_id, {"name": name, "kind": kind.value, "order_key": key}))

    cells: dict[tuple[int, int], list[str]] = {}
    for stage_index, lane_index, title in spec.items:
        cells.setdefault((stage_index, lane_index), []).append(title)
    for (stage_index, lane_index), titles in cells.items():
        kind = spec.lanes[lane_index][1]
        entity = _ITEM_ENTITY.get(kind, "card")
        for key, title in zip(_keys(len(titles)), titles, strict=True):
            fields = {
                "stage": stage_ids[stage_index],
                "lane": lane_ids[lane_index],
                "title": title,
                "order_key": key,
            }
            ops.append(_create(entity, str(uuid.uuid4()), fields))
    return ops


def _keys(count: int) -> list[str]:
    return [str(key) for key in generate_n_keys_between(None, None, count)]


def _create(entity: str, item_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"action": "create", "entity": entity, "id": item_id, "fields": fields}


__all__ = ["MAP_TEMPLATES", "TemplateInfo", "template_ops"]
