"""Northwind's channels and product features, and which personas each feature matters to."""

from __future__ import annotations

from journeymap.workspaces.models import Workspace
from personas.models import Channel, Feature, FeaturePersona, Persona

from .ids import Created, demo_id, ensure

# kind → (name, colour). The kind is also the key the map data uses.
CHANNELS = {
    "email": ("Email", "#f59e0b"),
    "web": ("Website", "#2563eb"),
    "app": ("Mobile app", "#7c3aed"),
    "store": ("Stores", "#059669"),
    "phone": ("Phone", "#dc2626"),
    "social": ("Social media", "#db2777"),
}

# key → (name, status, description, {persona: relevance 1–5})
FEATURES: dict[str, tuple[str, str, str, dict[str, int]]] = {
    "fit_finder": (
        "Fit finder",
        "in_progress",
        "Size recommendation from height, build and the brands a customer already wears.",
        {"maya": 5, "tom": 3, "jake": 2},
    ),
    "store_stock": (
        "Live store stock",
        "shipped",
        "Stock per store updated every five minutes, shown on every product page.",
        {"tom": 5, "maya": 2, "priya": 2},
    ),
    "click_collect": (
        "Two-hour click & collect",
        "planned",
        "Reserve online and collect from any store within two hours.",
        {"tom": 5, "maya": 3},
    ),
    "expert_chat": (
        "Expert chat",
        "shipped",
        "Live chat answered by staff who climb, run and camp, with a named specialist.",
        {"priya": 5, "tom": 3},
    ),
    "delivery_slots": (
        "Delivery time slots",
        "in_progress",
        "Choose a one-hour delivery window, change it from the tracking page.",
        {"maya": 5, "tom": 3, "jake": 3},
    ),
    "qr_returns": (
        "QR-code returns",
        "shipped",
        "Start a return in the app and drop the parcel off without printing anything.",
        {"maya": 3, "tom": 3, "jake": 5},
    ),
    "trail_points": (
        "Trail Points loyalty",
        "planned",
        "Points on every purchase and repair, with member-only early access.",
        {"maya": 4, "tom": 4, "priya": 3, "jake": 1},
    ),
    "repair_tracking": (
        "Repair tracking",
        "idea",
        "Book a repair online and follow it step by step, with photos from the workshop.",
        {"priya": 5, "tom": 2, "maya": 2},
    ),
    "kit_lists": (
        "Trip kit lists",
        "idea",
        "Ready-made kit lists for trip types that turn into a basket in one tap.",
        {"tom": 5, "maya": 3, "priya": 2},
    ),
    "spec_compare": (
        "Technical comparison",
        "planned",
        "Compare up to four products on weight, waterproofing and packed size.",
        {"priya": 5, "maya": 3},
    ),
}


def channel_id(kind: str) -> str:
    return str(demo_id(f"channel:northwind:{kind}"))


def feature_id(key: str) -> str:
    return str(demo_id(f"feature:northwind:{key}"))


def seed_channels(*, workspace: Workspace, created: Created) -> dict[str, Channel]:
    channels = {}
    for kind, (name, color) in CHANNELS.items():
        channels[kind], _ = ensure(
            Channel,
            f"channel:northwind:{kind}",
            created,
            workspace=workspace,
            name=name,
            kind=kind,
            color=color,
        )
    return channels


def seed_features(*, workspace: Workspace, personas: dict[str, Persona], created: Created) -> None:
    for key, (name, status, description, relevance) in FEATURES.items():
        feature, is_new = ensure(
            Feature,
            f"feature:northwind:{key}",
            created,
            workspace=workspace,
            name=name,
            status=status,
            description=description,
        )
        if not is_new:
            continue
        FeaturePersona.objects.bulk_create(
            FeaturePersona(feature=feature, persona=personas[persona_key], relevance=score)
            for persona_key, score in relevance.items()
        )
        created["featurepersona"] += len(relevance)
