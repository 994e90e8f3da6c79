"""Hand-built map documents with answers worked out by hand (see each test).

SHOP, four stages (the last one empty), two personas, three channels:

    Discover   ad (web, everyone, +1)   search (web, pat, 0)
    Buy        cart (web, everyone, -1)  call (phone, sam, -3)
               checkout (web, everyone, -2)  orphan (web, everyone, 0)
    Use        app (app, everyone, +2)   manual (web, pat, 0)
    Advocate   —

    ad → cart 60, search → cart 40, ad → call 20, cart → checkout 80, cart → ad 10,
    call → checkout 15, checkout → app 70, checkout → manual 20, checkout → cart 5,
    manual → app 0
"""

from __future__ import annotations

import copy
from typing import Any

PAT, SAM = "p-pat", "p-sam"
WEB, APP, PHONE = "ch-web", "ch-app", "ch-phone"


def _touchpoint(
    id: str, stage: str, key: str, title: str, channel: str, persona: str | None, emotion: int
) -> dict[str, Any]:
    return {
        "id": id,
        "stage": stage,
        "lane": "lane-tp",
        "channel": channel,
        "persona": persona,
        "title": title,
        "description": "",
        "emotion": emotion,
        "order_key": key,
    }


SHOP: dict[str, Any] = {
    "id": "map-1",
    "workspace": "ws-1",
    "seq": 7,
    "title": "Shop",
    "description": "",
    "votes_per_user": 5,
    "personas": [PAT, SAM],
    "stages": [
        {"id": "s1", "name": "Discover", "description": "", "order_key": "a0"},
        {"id": "s2", "name": "Buy", "description": "", "order_key": "a1"},
        {"id": "s3", "name": "Use", "description": "", "order_key": "a2"},
        {"id": "s4", "name": "Advocate", "description": "", "order_key": "a3"},
    ],
    "lanes": [{"id": "lane-tp", "name": "Touchpoints", "kind": "touchpoints", "order_key": "a0"}],
    "cards": [],
    "touchpoints": [
        _touchpoint("ad", "s1", "a0", "Ad", WEB, None, 1),
        _touchpoint("search", "s1", "a1", "Search", WEB, PAT, 0),
        _touchpoint("cart", "s2", "a0", "Cart", WEB, None, -1),
        _touchpoint("call", "s2", "a1", "Call centre", PHONE, SAM, -3),
        _touchpoint("checkout", "s2", "a2", "Checkout", WEB, None, -2),
        _touchpoint("orphan", "s2", "a3", "Orphan", WEB, None, 0),
        _touchpoint("app", "s3", "a0", "App", APP, None, 2),
        _touchpoint("manual", "s3", "a1", "Manual", WEB, PAT, 0),
    ],
    "frictions": [
        {
            "id": "f1",
            "stage": "s2",
            "lane": "lane-fr",
            "touchpoint": "checkout",
            "title": "Slow payment",
            "severity": 4,
            "status": "open",
            "personas": [],
            "features": [],
            "order_key": "a0",
        },
        {
            "id": "f2",
            "stage": "s2",
            "lane": "lane-fr",
            "touchpoint": "call",
            "title": "Long hold",
            "severity": 5,
            "status": "open",
            "personas": [SAM],
            "features": [],
            "order_key": "a1",
        },
        {
            "id": "f3",
            "stage": "s3",
            "lane": "lane-fr",
            "touchpoint": None,
            "title": "Setup is confusing",
            "severity": 2,
            "status": "open",
            "personas": [],
            "features": [],
            "order_key": "a2",
        },
        {
            "id": "f4",
            "stage": "s1",
            "lane": "lane-fr",
            "touchpoint": "search",
            "title": "No results",
            "severity": 3,
            "status": "open",
            "personas": [PAT],
            "features": [],
            "order_key": "a3",
        },
    ],
    "contents": [
        {"id": "c1", "stage": "s1", "persona": None, "channel": WEB, "title": "Guide"},
        {"id": "c2", "stage": "s2", "persona": PAT, "channel": WEB, "title": "FAQ"},
        {"id": "c3", "stage": "s3", "persona": SAM, "channel": APP, "title": "Video"},
    ],
    "emotions": [
        {"id": "e1", "stage": "s2", "persona": PAT, "score": -2, "note": "price shock"},
        {"id": "e2", "stage": "s3", "persona": PAT, "score": 1, "note": ""},
        {"id": "e3", "stage": "s2", "persona": SAM, "score": -3, "note": "on hold"},
        {"id": "e4", "stage": "s1", "persona": SAM, "score": -1, "note": ""},
    ],
    "transitions": [
        {"id": f"t{n}", "from_touchpoint": a, "to_touchpoint": b, "count": count}
        for n, (a, b, count) in enumerate(
            [
                ("ad", "cart", 60),
                ("search", "cart", 40),
                ("ad", "call", 20),
                ("cart", "checkout", 80),
                ("cart", "ad", 10),
                ("call", "checkout", 15),
                ("checkout", "app", 70),
                ("checkout", "manual", 20),
                ("checkout", "cart", 5),
                ("manual", "app", 0),
            ]
        )
    ],
    "comments": [],
    "votes": [],
    "directory": {
        "channels": [
            {"id": WEB, "name": "Web", "kind": "web", "color": ""},
            {"id": APP, "name": "App", "kind": "app", "color": ""},
            {"id": PHONE, "name": "Phone", "kind": "phone", "color": ""},
        ],
        "personas": [
            {"id": PAT, "name": "Pat", "tier": "", "color": "", "photo": None},
            {"id": SAM, "name": "Sam", "tier": "", "color": "", "photo": None},
        ],
    },
}

# No transitions: edges come from stage order, skipping the empty stage.
#   S1: a, b   S2: —   S3: c   S4: d, e
UNCHARTED: dict[str, Any] = {
    "personas": [],
    "stages": [
        {"id": "S1", "name": "One", "order_key": "a0"},
        {"id": "S2", "name": "Two", "order_key": "a1"},
        {"id": "S3", "name": "Three", "order_key": "a2"},
        {"id": "S4", "name": "Four", "order_key": "a3"},
    ],
    "touchpoints": [
        {"id": "a", "stage": "S1", "title": "A", "order_key": "a0"},
        {"id": "b", "stage": "S1", "title": "B", "order_key": "a1"},
        {"id": "c", "stage": "S3", "title": "C", "order_key": "a0"},
        {"id": "d", "stage": "S4", "title": "D", "order_key": "a0"},
        {"id": "e", "stage": "S4", "title": "E", "order_key": "a1"},
    ],
    "frictions": [],
    "contents": [],
    "emotions": [],
    "transitions": [],
}

# Two parts: entry → mid → goal, and a loop x ⇄ y that nothing leads into.
ISLANDS: dict[str, Any] = {
    "stages": [
        {"id": "A", "name": "A", "order_key": "a0"},
        {"id": "B", "name": "B", "order_key": "a1"},
        {"id": "C", "name": "C", "order_key": "a2"},
    ],
    "touchpoints": [
        {"id": "entry", "stage": "A", "title": "Entry", "order_key": "a0"},
        {"id": "mid", "stage": "B", "title": "Mid", "order_key": "a0"},
        {"id": "x", "stage": "B", "title": "X", "order_key": "a1"},
        {"id": "y", "stage": "B", "title": "Y", "order_key": "a2"},
        {"id": "goal", "stage": "C", "title": "Goal", "order_key": "a0"},
    ],
    "transitions": [
        {"from_touchpoint": "entry", "to_touchpoint": "mid", "count": 4},
        {"from_touchpoint": "mid", "to_touchpoint": "goal", "count": 3},
        {"from_touchpoint": "x", "to_touchpoint": "y", "count": 2},
        {"from_touchpoint": "y", "to_touchpoint": "x", "count": 1},
    ],
}


def shop() -> dict[str, Any]:
    """A fresh copy, so that a test may change it."""
    return copy.deepcopy(SHOP)
