"""Segments with rule trees, and ~200 customer profiles with purchases that fill them.

Customers come from `random.Random(42)`, so every machine gets the same people and baskets;
purchase dates count back from the day of seeding, so "in the last 90 days" keeps matching.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from journeymap.workspaces.models import Workspace
from personas.models import CustomerProfile, Persona, Purchase, Segment
from personas.selectors import years_before

from .ids import Created, demo_id, ensure

CUSTOMER_COUNT = 200

SHELL_JACKET = "Ridgeline Shell Jacket"
FAMILY_TENT = "Basecamp 6 Family Tent"
KIDS_SUIT = "Kids' Puddle Suit"

# product → (price, weight for an ordinary basket)
PRODUCTS: dict[str, tuple[str, int]] = {
    SHELL_JACKET: ("289.00", 8),
    "Trailblaze 2 Running Shoe": ("135.00", 10),
    FAMILY_TENT: ("649.00", 3),
    KIDS_SUIT: ("45.00", 4),
    "Summit 45L Pack": ("169.00", 6),
    "Merino Base Layer": ("69.00", 12),
    "Alpine Down Jacket": ("349.00", 5),
    "Camp Stove Kit": ("89.00", 5),
    "Waterproof Trousers": ("99.00", 7),
    "Trail Socks (3 pack)": ("24.00", 14),
    "Headtorch 400": ("49.00", 8),
    "Re-proofing service": ("35.00", 3),
}

SEGMENTS: dict[str, dict[str, Any]] = {
    "young_men": {
        "name": "Young men 18–25",
        "description": "Sale-driven, app-first shoppers; the heaviest returners sit here.",
        "rules": {
            "all": [
                {"field": "gender", "op": "eq", "value": "male"},
                {"field": "age", "op": "between", "value": [18, 25]},
            ]
        },
        "personas": ["jake"],
    },
    "shell_buyers": {
        "name": "Recent high-value shell buyers",
        "description": (
            f"Bought the {SHELL_JACKET} in the last 90 days and have spent over £500 in total: "
            "candidates for repair and care content."
        ),
        "rules": {
            "all": [
                {"purchase": {"product": SHELL_JACKET, "within_days": 90}},
                {"total_spent": {"op": "gt", "value": 500}},
            ]
        },
        "personas": ["priya", "maya"],
    },
    "family_campers": {
        "name": "Family campers",
        "description": "Parents aged 30–55 who bought a family tent or children's kit this year.",
        "rules": {
            "all": [
                {"field": "age", "op": "between", "value": [30, 55]},
                {
                    "any": [
                        {"purchase": {"product": FAMILY_TENT, "within_days": 365}},
                        {"purchase": {"product": KIDS_SUIT, "within_days": 365}},
                    ]
                },
            ]
        },
        "personas": ["tom"],
    },
}

_FIRST = {
    "female": [
        "Amelia",
        "Olivia",
        "Isla",
        "Ava",
        "Freya",
        "Aisha",
        "Grace",
        "Chloe",
        "Zara",
        "Hannah",
        "Niamh",
        "Sophie",
        "Priya",
        "Ellie",
        "Megan",
        "Rosa",
    ],
    "male": [
        "Oliver",
        "George",
        "Harry",
        "Jack",
        "Noah",
        "Mohammed",
        "Leo",
        "Callum",
        "Ethan",
        "Rhys",
        "Arjun",
        "Finn",
        "Liam",
        "Samuel",
        "Owen",
        "Tomasz",
    ],
    "non-binary": ["Alex", "Sam", "Jordan", "Robin"],
}
_LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Evans",
    "Khan",
    "Patel",
    "Walker",
    "Wright",
    "Robinson",
    "Thompson",
    "Hughes",
    "Murphy",
    "Campbell",
    "Kowalski",
    "Nguyen",
    "Okafor",
    "MacLeod",
    "Davies",
    "Begum",
    "O'Neill",
    "Fraser",
]
_CITIES = [
    ("Leeds", 10),
    ("Manchester", 12),
    ("Bristol", 9),
    ("Edinburgh", 8),
    ("Glasgow", 7),
    ("London", 16),
    ("Sheffield", 6),
    ("Cardiff", 5),
    ("Kendal", 3),
    ("Inverness", 3),
    ("Newcastle", 6),
    ("Exeter", 4),
]


def seed_segments(
    *, workspace: Workspace, personas: dict[str, Persona], created: Created
) -> dict[str, Segment]:
    segments = {}
    for key, data in SEGMENTS.items():
        segment, is_new = ensure(
            Segment,
            f"segment:northwind:{key}",
            created,
            workspace=workspace,
            name=data["name"],
            description=data["description"],
            rules=data["rules"],
        )
        if is_new:
            segment.personas.set([personas[persona] for persona in data["personas"]])
        segments[key] = segment
    return segments


def seed_customers(*, workspace: Workspace, created: Created) -> None:
    existing = set(CustomerProfile.objects.filter(workspace=workspace).values_list("id", flat=True))
    customers, purchases = _generate(workspace=workspace, now=timezone.now())
    new_customers = [customer for customer in customers if customer.id not in existing]
    new_ids = {customer.id for customer in new_customers}
    new_purchases = [purchase for purchase in purchases if purchase.customer_id in new_ids]
    CustomerProfile.objects.bulk_create(new_customers, batch_size=200)
    Purchase.objects.bulk_create(new_purchases, batch_size=500)
    if new_customers:
        created["customerprofile"] += len(new_customers)
    if new_purchases:
        created["purchase"] += len(new_purchases)


def _generate(
    *, workspace: Workspace, now: datetime
) -> tuple[list[CustomerProfile], list[Purchase]]:
    # Always draw every customer, even those already stored, so the stream of random numbers
    # (and so everyone's basket) is the same whatever a previous run left behind.
    rng = random.Random(42)  # noqa: S311 - demo data, not security
    customers: list[CustomerProfile] = []
    purchases: list[Purchase] = []
    cities = [city for city, _ in _CITIES]
    city_weights = [weight for _, weight in _CITIES]
    for number in range(1, CUSTOMER_COUNT + 1):
        gender = rng.choices(["female", "male", "non-binary"], weights=[48, 48, 4])[0]
        age = _age(rng)
        first, last = rng.choice(_FIRST[gender]), rng.choice(_LAST)
        customer = CustomerProfile(
            id=demo_id(f"customer:northwind:{number}"),
            workspace=workspace,
            external_id=f"NW-{number:05d}",
            first_name=first,
            last_name=last,
            email=f"{first}.{last}.{number}@example.com".lower().replace("'", ""),
            gender=gender,
            birth_date=_born(now.date(), age=age, number=number),
            income=Decimal(18_000 + (number * 7_919) % 62_000),
            signup_date=(now - timedelta(days=30 + (number * 53) % 900)).date(),
            country="United Kingdom",
            city=rng.choices(cities, weights=city_weights)[0],
            attributes={
                "loyalty_member": rng.random() < 0.45,
                "newsletter": rng.random() < 0.6,
                "preferred_channel": rng.choice(["email", "web", "app", "store", "social"]),
            },
        )
        customers.append(customer)
        for index, (product, days_ago) in enumerate(_basket(rng, age=age)):
            price = Decimal(PRODUCTS[product][0])
            if rng.random() < 0.25:  # bought in a sale
                price = (price * Decimal("0.8")).quantize(Decimal("0.01"))
            purchases.append(
                Purchase(
                    id=demo_id(f"purchase:northwind:{number}:{index}"),
                    customer=customer,
                    product=product,
                    amount=price,
                    purchased_at=now - timedelta(days=days_ago, minutes=rng.randint(0, 1439)),
                    channel=_PURCHASE_CHANNELS[(number + index) % len(_PURCHASE_CHANNELS)],
                )
            )
    return customers, purchases


_PURCHASE_CHANNELS = ("Website", "Mobile app", "Store", "Website")


def _born(today: date, *, age: int, number: int) -> date:
    """A birth date that makes the customer `age` today: that many years back, then up to
    364 days further (from the customer's number, so the random stream is not touched)."""
    return years_before(today, age) - timedelta(days=(number * 37) % 365)


def _age(rng: random.Random) -> int:
    band = rng.choices(["young", "middle", "older"], weights=[30, 45, 25])[0]
    if band == "young":
        return rng.randint(18, 25)
    if band == "middle":
        return rng.randint(26, 49)
    return rng.randint(50, 72)


def _basket(rng: random.Random, *, age: int) -> list[tuple[str, int]]:
    """Products and how many days ago they were bought, biased by who the customer is."""
    weights = {product: weight for product, (_, weight) in PRODUCTS.items()}
    if 30 <= age <= 55:  # parents: tents and children's kit
        weights[FAMILY_TENT] *= 4
        weights[KIDS_SUIT] *= 5
    if age <= 25:
        weights["Trailblaze 2 Running Shoe"] *= 2
        weights[FAMILY_TENT] = 0
    count = rng.choices([0, 1, 2, 3, 4, 5, 7, 9], weights=[6, 18, 20, 18, 14, 10, 8, 6])[0]
    products = list(weights)
    chosen = rng.choices(products, weights=[weights[p] for p in products], k=count)
    # Skewed towards recent days: the business is growing, and it keeps the 90-day segments
    # from being a handful of people.
    return [(product, 1 + int(539 * rng.random() ** 1.6)) for product in chosen]
