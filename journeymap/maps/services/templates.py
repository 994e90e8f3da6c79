"""Starter content for a new map: the ops that lay out a template's stages, lanes and cards.

A template is plain data turned into an ordinary op batch, so a templated map is built through
`apply_ops` like every other change and its history starts with one readable patch. The ops come
from the same builder as the demo maps (`blueprint.py`), with fresh uuid4 ids, as a client
would mint them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypedDict

from ..models import LaneKind
from .blueprint import (
    Blueprint,
    CardSpec,
    LaneSpec,
    StageSpec,
    TouchpointSpec,
    blueprint_batches,
    fresh_ids,
)


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


def template_ops(*, template: str) -> list[dict[str, Any]]:
    """The create ops that fill a new, empty map with `template`, as one batch. Raises
    ValueError if the template is unknown."""
    spec = _TEMPLATES.get(template)
    if spec is None:
        raise ValueError(f"unknown map template {template!r}; choose one of {list(_TEMPLATES)}")
    batches = blueprint_batches(blueprint=_blueprint(spec), resolve=fresh_ids())
    return [op for _, ops in batches for op in ops]


def _blueprint(spec: _Template) -> Blueprint:
    """Stages and lanes are keyed by their position; an item in a touchpoints lane is a
    touchpoint, any other item a card."""
    cards: list[CardSpec] = []
    touchpoints: list[TouchpointSpec] = []
    for index, (stage_index, lane_index, title) in enumerate(spec.items):
        if spec.lanes[lane_index][1] == LaneKind.TOUCHPOINTS:
            touchpoints.append(TouchpointSpec(key=str(index), stage=str(stage_index), title=title))
        else:
            cards.append(CardSpec(stage=str(stage_index), lane=str(lane_index), title=title))
    return Blueprint(
        stages=[
            StageSpec(key=str(i), name=name, description=description)
            for i, (name, description) in enumerate(spec.stages)
        ],
        lanes=[
            LaneSpec(key=str(i), name=name, kind=kind.value)
            for i, (name, kind) in enumerate(spec.lanes)
        ],
        cards=cards,
        touchpoints=touchpoints,
    )


__all__ = ["MAP_TEMPLATES", "TemplateInfo", "template_ops"]
